"""Shared by the grow-your-own pipelines: yearly cohorts of trainees who qualify into posts."""
from __future__ import annotations

from sim.model.workforce import MONTH_DAYS


def yearly_cohorts(policy, auth, per_year: int, months_to_qualify: float, completion: float,
                   level: int, pipeline: str):
    """A SimPy process: each year ``per_year`` trainees start; after ``months_to_qualify`` each one
    qualifies with probability ``completion`` and is hired at ``level``. ``policy.in_training``
    counts trainees for costing."""
    while True:
        auth.env.process(_cohort(policy, auth, per_year, months_to_qualify, completion, level, pipeline))
        yield auth.env.timeout(12 * MONTH_DAYS)


def _cohort(policy, auth, size, months, completion, level, pipeline):
    policy.in_training += size
    yield auth.env.timeout(months * MONTH_DAYS)
    policy.in_training -= size
    qualified = int((policy.rng.random(size) < completion).sum())
    for _ in range(qualified):
        auth.hire_into_level(level, pipeline)
