"""Filling vacancies: recruitment pipelines, agency backfill, agency assignments and conversion.

A funded post without a permanent holder is a vacancy. Each vacancy starts a recruitment (filled
after an exponential delay with the level's mean: newly qualified for ASYE posts, experienced
external hires above) and, with the backfill probability, a search for an agency worker, who
covers the post until their assignment ends, the post is filled, or they convert to permanent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import numpy as np
import simpy

from sim.model.clock import MONTH_DAYS
from sim.model.rates import Rates
from sim.model.roster import Establishment, Post, Roster, SocialWorker
from sim.model.streams import Streams
from sim.model.workforce import ASYE
from sim.scenario import Scenario, Team

if TYPE_CHECKING:
    from sim.model.market import LabourMarket

FILL, COVER, COVER_DELAY = 0, 1, 2  # which of a post's draws (see Authority.post_draws)


class HiringCouncil(Protocol):
    """A council as recruitment, agency cover and conversion see it: its posts (``posts.Posts``
    is one)."""

    env: simpy.Environment
    scenario: Scenario
    streams: Streams
    rates: Rates
    roster: Roster
    establishment: Establishment
    teams: list[tuple[str, Team]]
    agency_level: int
    outside: bool  # the labour market is outside the region
    market: LabourMarket | None

    def post_draw(self, post: Post, which: int) -> float: ...
    def hire(self, post: Post, pipeline: str) -> SocialWorker: ...
    def wants_cover(self, post: Post) -> bool: ...
    def find_agency(self, post: Post) -> None: ...
    def end_agency(self, worker: SocialWorker) -> None: ...
    def convert(self, worker: SocialWorker) -> None: ...
    def team_work(self) -> tuple[np.ndarray, np.ndarray]: ...
    def add_unfunded_post(self, level: int, team: int = 0) -> Post: ...
    def release_overflow(self, post: Post) -> None: ...
    def keep_agency_beyond(self, find: Callable[[Post], None]) -> None: ...


def recruit(auth: HiringCouncil, post: Post):
    """Advertise a vacancy and hire into it after the level's time to fill."""
    post.recruiting = True
    mean = auth.rates.fill_days[post.level]
    yield auth.env.timeout(-mean * math.log1p(-auth.post_draw(post, FILL)))
    post.recruiting = False
    if post.holder is None and post in auth.establishment.posts:
        pipeline = "newly_qualified" if post.level == ASYE else "experienced"
        auth.hire(post, pipeline)


def backfill(auth: HiringCouncil, post: Post):
    """Perhaps find an agency worker to cover a vacancy, after a short delay."""
    ag = auth.scenario.agency
    post.backfilling = True
    supply = auth.market.rates.agency_supply if auth.outside and auth.market is not None else 1.0
    covered = auth.post_draw(post, COVER) < ag.backfill_probability * supply
    delay = -ag.backfill_delay_days * math.log1p(-auth.post_draw(post, COVER_DELAY))
    if covered:
        yield auth.env.timeout(delay)
    post.backfilling = False
    if covered and auth.wants_cover(post):
        auth.find_agency(post)


def assignment(auth: HiringCouncil, worker: SocialWorker):
    """An agency assignment ends at its own rate; the vacancy may then be backfilled again."""
    mean = auth.scenario.agency.assignment_months_mean * MONTH_DAYS
    yield auth.env.timeout(auth.streams["agency"].exponential(mean))
    if worker.left_day is None and worker.contract == "agency":
        post = worker.post
        auth.end_agency(worker)
        if post is not None and post.holder is None:
            auth.env.process(backfill(auth, post))


def overflow_agency(auth: HiringCouncil, offset: float):
    """Monthly, for each team whose overflow is 'agency': while its work per worker (weighted
    cases held and waiting, over its workers, in the time they take: divided by the capacity
    factor, so support that frees time counts) is above the team's ``agency_load``, hire agency
    workers above establishment, enough to bring it back to that (at most ``agency_max_share``
    of its funded posts); once it would stay ``agency_release_margin`` below without one of them,
    let the last one go."""
    teams = [(k, t) for k, (_, t) in enumerate(auth.teams) if t.overflow == "agency"]
    yield auth.env.timeout(offset)
    while True:
        work, workers = auth.team_work()
        work = work / auth.rates.capacity_factor
        for k, team in teams:
            extra = [p for p in auth.establishment.posts if p.overflow and p.team == k]
            funded = sum(1 for p in auth.establishment.posts if p.funded and p.team == k)
            room = int(team.agency_max_share * funded) - len(extra)
            pending = sum(1 for p in extra if p.agency is None)
            wanted = math.ceil(work[k] / team.agency_load - 1e-9) - workers[k] - pending
            if wanted > 0 and room > 0:
                for _ in range(min(wanted, room)):
                    post = auth.add_unfunded_post(auth.agency_level, team=k)
                    post.overflow = True
                    auth.find_agency(post)
            elif (
                extra
                and work[k] / max(workers[k] - 1, 1) < team.agency_load - team.agency_release_margin
            ):
                auth.release_overflow(extra[-1])
        yield auth.env.timeout(MONTH_DAYS)


def agency_beyond_vacancies(auth: HiringCouncil, offset: float):
    """Monthly: top up the agency workers kept above establishment to ``agency.beyond_vacancies``
    of the funded posts (an assignment that ends, or finds no one, is sought again a month on)."""
    yield auth.env.timeout(offset)
    while True:
        auth.keep_agency_beyond(auth.find_agency)
        yield auth.env.timeout(MONTH_DAYS)


def conversions(auth: HiringCouncil, offset: float):
    """Monthly: agency workers covering posts above ASYE convert to permanent at a rate."""
    rng = auth.streams["agency"]
    yield auth.env.timeout(offset)
    while True:
        p = -np.expm1(-auth.rates.conversion_rate / 12.0)
        temps = [
            w
            for w in auth.roster.agency_workers()
            if w.post is not None
            and w.post.level > ASYE
            and not w.post.overflow
            and not w.post.beyond
        ]
        if temps:
            for worker, u in zip(temps, rng.random(len(temps))):
                if u < p:
                    auth.convert(worker)
        yield auth.env.timeout(MONTH_DAYS)
