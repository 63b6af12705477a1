"""Filling vacancies: recruitment pipelines, agency backfill, agency assignments and conversion.

A funded post without a permanent holder is a vacancy. Each vacancy starts a recruitment (filled
after an exponential delay with the level's mean: newly qualified for ASYE posts, experienced
external hires above) and, with the backfill probability, a search for an agency worker, who
covers the post until their assignment ends, the post is filled, or they convert to permanent.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.model.clock import MONTH_DAYS
from sim.model.workforce import ASYE, Post

if TYPE_CHECKING:
    from sim.model.authority import Authority

FILL, COVER, COVER_DELAY = 0, 1, 2  # which of a post's draws (see Authority.post_draws)


def recruit(auth: "Authority", post: Post):
    """Advertise a vacancy and hire into it after the level's time to fill."""
    post.recruiting = True
    mean = auth.rates.fill_days[post.level]
    yield auth.env.timeout(-mean * math.log1p(-auth.post_draw(post, FILL)))
    post.recruiting = False
    if post.holder is None and post in auth.establishment.posts:
        pipeline = "newly_qualified" if post.level == ASYE else "experienced"
        auth.hire(post, pipeline)


def backfill(auth: "Authority", post: Post):
    """Perhaps find an agency worker to cover a vacancy, after a short delay."""
    ag = auth.scenario.agency
    post.backfilling = True
    covered = auth.post_draw(post, COVER) < ag.backfill_probability
    delay = -ag.backfill_delay_days * math.log1p(-auth.post_draw(post, COVER_DELAY))
    if covered:
        yield auth.env.timeout(delay)
    post.backfilling = False
    if covered and auth.wants_cover(post):
        auth.find_agency(post)


def assignment(auth: "Authority", worker):
    """An agency assignment ends at its own rate; the vacancy may then be backfilled again."""
    mean = auth.scenario.agency.assignment_months_mean * MONTH_DAYS
    yield auth.env.timeout(auth.streams["agency"].exponential(mean))
    if worker.left_day is None and worker.contract == "agency":
        post = worker.post
        auth.end_agency(worker)
        if post is not None and post.holder is None:
            auth.env.process(backfill(auth, post))


def above_establishment(auth: "Authority", offset: float):
    """Monthly, if the scenario asks: one more agency worker above establishment while case
    holders' mean weighted load is above the threshold; one fewer once it is a case below."""
    ag = auth.scenario.agency
    threshold = ag.above_establishment_load
    most = int(ag.above_establishment_max_share * auth.rates.establishment.sum())
    yield auth.env.timeout(offset)
    while True:
        held = auth.book.active & (auth.book.count > 0)
        load = float(auth.book.load[held].mean()) if held.any() else 0.0
        extra = [w for w in auth.temps.values() if w.post is not None and w.post.overflow]
        if load > threshold and len(extra) < most:
            post = auth.add_unfunded_post(auth.agency_level)
            post.overflow = True
            auth.find_agency(post)
        elif load < threshold - 1.0 and extra:
            auth.end_agency(extra[-1])
        yield auth.env.timeout(MONTH_DAYS)


def conversions(auth: "Authority", offset: float):
    """Monthly: agency workers covering posts above ASYE convert to permanent at a rate."""
    rng = auth.streams["agency"]
    yield auth.env.timeout(offset)
    while True:
        p = -np.expm1(-auth.rates.conversion_rate / 12.0)
        temps = [w for w in auth.agency_workers()
                 if w.post is not None and w.post.level > ASYE and not w.post.overflow]
        if temps:
            for worker, u in zip(temps, rng.random(len(temps))):
                if u < p:
                    auth.convert(worker)
        yield auth.env.timeout(MONTH_DAYS)
