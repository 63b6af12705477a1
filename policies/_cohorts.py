"""Shared by the grow-your-own pipelines: yearly cohorts of trainees who qualify into posts."""

from __future__ import annotations

from sim.model.clock import MONTH_DAYS


def yearly_cohorts(
    policy,
    ctx,
    per_year: int,
    months_to_qualify: float,
    completion: float,
    level: int,
    pipeline: str,
):
    """A SimPy process: each year ``per_year`` trainees start; after ``months_to_qualify`` each one
    qualifies with probability ``completion`` and is hired at ``level``. ``policy.in_training``
    counts trainees for costing."""
    while True:
        ctx.process(_cohort(policy, ctx, per_year, months_to_qualify, completion, level, pipeline))
        yield ctx.timeout(12 * MONTH_DAYS)


def _cohort(policy, ctx, size, months, completion, level, pipeline):
    policy.in_training += size
    yield ctx.timeout(months * MONTH_DAYS)
    policy.in_training -= size
    qualified = int((policy.rng.random(size) < completion).sum())
    for _ in range(qualified):
        ctx.hire(level, pipeline)
