"""Progression (ASYE year, promotion) and the funded establishment over time (see ``roster`` for
the workers and their posts)."""

from __future__ import annotations

import math
from collections import Counter, deque
from typing import Protocol

import numpy as np
import simpy

from sim.columns import PROMOTIONS
from sim.model.allocation import CaseBook
from sim.model.clock import CENSUS_MONTH, DAYS_PER_YEAR, MONTH_DAYS, Calendar, Clock
from sim.model.demand import expected_open_cases
from sim.model.rates import Rates
from sim.model.roster import Establishment, Post, Roster, SocialWorker
from sim.model.series import at_census
from sim.model.streams import Streams
from sim.scenario import Scenario

ASYE, L2 = 0, 1


class StaffingCouncil(Protocol):
    """A council as progression and the establishment's monthly steps see it: its posts
    (``posts.Posts`` is one)."""

    env: simpy.Environment
    scenario: Scenario
    streams: Streams
    clock: Clock
    calendar: Calendar | None  # dates of the run's days (``Clock.calendar``)
    rates: Rates
    roster: Roster
    book: CaseBook
    establishment: Establishment
    start_posts: np.ndarray  # funded posts at the start, by level and team
    funded_by_level: np.ndarray
    tally: Counter[str]

    def leave(self, worker: SocialWorker, destination: str) -> None: ...
    def move(self, worker: SocialWorker, post: Post) -> None: ...
    def regrade(self, worker: SocialWorker, level: int) -> None: ...
    def add_unfunded_post(self, level: int, team: int = 0) -> Post: ...
    def set_establishment(self, total: int) -> None: ...


def asye_year(auth: StaffingCouncil, worker: SocialWorker):
    """The Assessed and Supported Year in Employment: pass and move to level 2, or leave."""
    wf = auth.scenario.workforce
    remaining = wf.asye_months * MONTH_DAYS - (auth.env.now - worker.hired_day)
    yield auth.env.timeout(max(remaining, 0.0))
    if worker.left_day is not None or worker.level != ASYE:
        return
    if auth.streams["asye"].random() >= auth.rates.asye_pass_probability:
        auth.leave(worker, "profession")
        return
    worker.asye_passed = True
    target = auth.establishment.first_vacant(L2, worker.post.team)
    if target is None and not wf.asye_completion_requires_funded_post:
        target = auth.add_unfunded_post(L2, worker.post.team)
    if target is not None:
        auth.move(worker, target)
    else:  # practises at level 2 in the ASYE post until `promotions` finds a level-2 post
        auth.regrade(worker, L2)


def promotions(auth: StaffingCouncil, offset: float):
    """Monthly: workers past their minimum time in level are promoted at the level's rate."""
    wf = auth.scenario.workforce
    levels = auth.scenario.workforce.levels.ordered()
    rng = auth.streams["progression"]
    min_days = np.array([lv.min_years_to_progress * DAYS_PER_YEAR for lv in levels])
    yield auth.env.timeout(offset)
    while True:
        now = auth.env.now
        p_month = -np.expm1(-auth.rates.progression_rate / 12.0)
        roster = auth.roster
        slots = roster.staff_slots()
        level = roster.level[slots]
        in_level = roster.post_level[slots] == level
        eligible = (
            in_level
            & (level > ASYE)
            & (level < len(levels) - 1)
            & (now - roster.level_since[slots] >= min_days[level])
        )
        waiting = slots[~in_level & roster.asye_passed[slots]]
        candidates = slots[eligible]
        # ASYE workers who passed but found no level-2 post move as soon as one is free
        for slot in waiting:
            worker = roster.worker_at(slot)
            target = auth.establishment.first_vacant(L2, worker.post.team)
            if target is None:
                break
            auth.move(worker, target)
        if candidates.size:
            draws = rng.random(candidates.size)  # one each, promoted or not
            for slot in candidates[draws < p_month[level[eligible]]]:
                worker = roster.worker_at(slot)
                target = auth.establishment.first_vacant(worker.level + 1, worker.post.team)
                if target is None and not wf.progression_requires_funded_post:
                    target = auth.add_unfunded_post(worker.level + 1, worker.post.team)
                if target is not None:
                    auth.move(worker, target)
                    auth.tally[PROMOTIONS] += 1
        yield auth.env.timeout(MONTH_DAYS)


def follow_establishment(auth: StaffingCouncil, offset: float):
    """Monthly: the funded establishment follows ``workforce.establishment_by_year`` (a multiple
    of the posts at the start)."""
    series = auth.scenario.workforce.establishment_by_year
    start = auth.start_posts.sum()
    yield auth.env.timeout(offset)
    while True:
        auth.set_establishment(
            int(round(start * at_census(series, float(auth.calendar.date(auth.env.now)))))
        )
        yield auth.env.timeout(MONTH_DAYS)


def review_establishment(auth: StaffingCouncil, offset: float):
    """Monthly: note the council's open cases; at each yearly review (``workforce.review``) move the
    funded posts part of the way toward the posts the last 12 months' cases need at the council's
    own standard (its expected open cases at the scenario's referral rate, by Little's law, per
    funded post at the start), within the budget limit; between reviews, keep closing posts toward
    the review's number as they fall vacant."""
    review = auth.scenario.workforce.review
    clock = auth.clock
    start_posts = float(auth.start_posts.sum())
    ceiling = int(math.floor(start_posts * review.max_growth))
    # months from the start of reporting (30 September) to the first review, then every 12
    first = (review.month - CENSUS_MONTH) % 12 or 12
    cases_per_post = max(float(expected_open_cases(auth.scenario).sum()), 1.0) / start_posts
    recent: deque[int] = deque(maxlen=12)
    target = start_posts
    yield auth.env.timeout(offset)
    for month in range(clock.n_months + 1):
        recent.append(auth.book.open_cases)
        since = month - clock.warmup_months
        if since > 0 and (since - first) % 12 == 0 and since >= first:
            posts = float(auth.funded_by_level.sum())
            need = max(sum(recent) / len(recent), 1.0) / cases_per_post
            step = float(
                np.clip(
                    review.adjustment_per_year * math.log(need / posts),
                    math.log1p(-min(review.max_change_per_year, 0.999)),
                    math.log1p(review.max_change_per_year),
                )
            )
            target = min(max(round(posts * math.exp(step)), 1), ceiling)
        if since > 0 and target != auth.funded_by_level.sum():
            auth.set_establishment(int(target))
        yield auth.env.timeout(MONTH_DAYS)
