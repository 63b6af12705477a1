"""Filling vacancies: recruitment pipelines, agency backfill, agency assignments and conversion.

A funded post without a permanent holder is a vacancy. Each vacancy starts a recruitment (filled
after an exponential delay with the level's mean: newly qualified for ASYE posts, experienced
external hires above) and, with the backfill probability, a search for an agency worker, who
covers the post until their assignment ends, the post is filled, or they convert to permanent.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .workforce import ASYE, MONTH_DAYS, Post

if TYPE_CHECKING:
    from .authority import Authority


def recruit(auth: "Authority", post: Post):
    """Advertise a vacancy and hire into it after the level's time to fill."""
    post.recruiting = True
    mean = auth.scenario.workforce.levels.ordered()[post.level].fill_days_mean
    yield auth.env.timeout(auth.streams["recruitment"].exponential(mean))
    post.recruiting = False
    if post.holder is None and post in auth.establishment.posts:
        pipeline = "newly_qualified" if post.level == ASYE else "experienced"
        auth.hire(post, pipeline)


def backfill(auth: "Authority", post: Post):
    """Perhaps find an agency worker to cover a vacancy, after a short delay."""
    ag = auth.scenario.agency
    rng = auth.streams["agency"]
    post.backfilling = True
    covered = rng.random() < ag.backfill_probability
    delay = rng.exponential(ag.backfill_delay_days)
    if covered:
        yield auth.env.timeout(delay)
    post.backfilling = False
    if covered and post.holder is None and post.agency is None and post in auth.establishment.posts:
        worker = auth.start_agency(post)
        auth.env.process(assignment(auth, worker))


def assignment(auth: "Authority", worker):
    """An agency assignment ends at its own rate; the vacancy may then be backfilled again."""
    mean = auth.scenario.agency.assignment_months_mean * MONTH_DAYS
    yield auth.env.timeout(auth.streams["agency"].exponential(mean))
    if worker.left_day is None and worker.contract == "agency":
        post = worker.post
        auth.end_agency(worker)
        if post is not None and post.holder is None:
            auth.env.process(backfill(auth, post))


def conversions(auth: "Authority", offset: float):
    """Monthly: agency workers covering posts above ASYE convert to permanent at a rate."""
    rng = auth.streams["agency"]
    p = -np.expm1(-auth.scenario.agency.conversion_rate_per_year / 12.0)
    yield auth.env.timeout(offset)
    while True:
        temps = [w for w in auth.agency_workers() if w.post is not None and w.post.level > ASYE]
        if temps:
            for worker, u in zip(temps, rng.random(len(temps))):
                if u < p:
                    auth.convert(worker)
        yield auth.env.timeout(MONTH_DAYS)
