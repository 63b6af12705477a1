"""Replications: run one, run many (in parallel processes).

Replication ``r`` of a run with root seed ``s`` draws only from the streams keyed by (``r``,
authority, purpose) under ``s`` (``sim.model.streams``), so results do not depend on the number of
worker processes or the backend, and two scenarios run with the same seed share their random
numbers process by process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import simpy

from sim.columns import MONTHLY, OUTCOMES, TEAM_OUTCOMES, check_outputs
from sim.experiment.executor import Executor, consume, execute, progress_bar
from sim.experiment.memory import memory_guard
from sim.model.clock import Clock
from sim.model.region import Region
from sim.scenario import Scenario


@dataclass
class Replication:
    """The tidy results of one replication (a row per council and one for the region, told apart
    by the ``authority`` column; a row per team of each council), plus the case-flow event count
    (for the benchmark)."""

    timeseries: pd.DataFrame
    summary: list[dict[str, float | str]]
    teams: list[dict[str, float | str]]
    case_events: int


@dataclass
class Runs:
    """The replications of one scenario: monthly rows, summary rows and team rows (each with
    ``rep``), sorted by replication."""

    timeseries: pd.DataFrame
    summary: pd.DataFrame
    teams: pd.DataFrame


def run_replication(
    scenario: Scenario,
    rep: int,
    seed: int,
    years: float,
    warmup_years: float,
    env: simpy.Environment | None = None,
) -> Replication:
    """Simulate one replication and return its monthly table and summary row (both checked
    against their declarations); ``OverMemory`` if its process goes above the memory ceiling."""
    where = f"replication {rep} of {scenario.name}"
    region = Region(scenario, seed, rep, Clock(years, warmup_years), env)
    region.run(memory_guard(where))
    window = region.months()
    summaries = region.summaries(window)
    teams = region.team_summaries()
    window.insert(1, "rep", rep)
    check_outputs(window, MONTHLY, where)
    for row in summaries:
        check_outputs(row, OUTCOMES, f"{where} ({row['authority']})")
    for row in teams:
        check_outputs(row, TEAM_OUTCOMES, f"{where} ({row['authority']}, team {row['team']})")
    events = region.case_events
    region.release()
    return Replication(
        window,
        [{"rep": rep, **row} for row in summaries],
        [{"rep": rep, **row} for row in teams],
        events,
    )


def draw_for_rep(draws: pd.DataFrame | None, rep: int) -> dict[str, float] | None:
    """Replication ``rep``'s parameter draw: row ``rep mod len(draws)`` (columns are dotted
    scenario paths), or None without draws."""
    if draws is None or draws.empty:
        return None
    return {k: float(v) for k, v in draws.iloc[rep % len(draws)].items()}


def _run_one(args) -> tuple[int, int, Replication]:
    index, scenario, rep, seed, years, warmup, draw = args
    if draw is not None:
        scenario = scenario.with_values(draw)
    return index, rep, run_replication(scenario, rep, seed, years, warmup)


def run_replications(
    scenarios: Sequence[Scenario],
    reps: Sequence[int],
    seed: int,
    years: float,
    warmup_years: float,
    workers: int | Executor = 1,
    progress: bool = False,
    draws: pd.DataFrame | None = None,
) -> list[Runs]:
    """Run replications ``reps`` of each scenario on ``workers`` (local processes, or an
    ``Executor``: local processes or a Dask cluster).

    Returns the runs of each scenario, in order, rows sorted by replication. Replication
    ``r`` of every scenario uses the same streams and the same parameter draw (``draws``, e.g. a
    calibration posterior): comparisons are paired (common random numbers)."""
    jobs = [
        (i, sc, rep, seed, years, warmup_years, draw_for_rep(draws, rep))  # only its own draw
        for i, sc in enumerate(scenarios)
        for rep in reps
    ]
    label = scenarios[0].name if len(scenarios) == 1 else f"compare ({len(scenarios)} scenarios)"
    bar = progress_bar(len(jobs), label, progress)
    results: dict[tuple[int, int], Replication] = {}
    for index, rep, one in consume(execute(_run_one, jobs, workers), bar):
        results[index, rep] = one
    return [
        Runs(
            pd.concat([results[i, r].timeseries for r in reps], ignore_index=True),
            pd.DataFrame([row for r in reps for row in results[i, r].summary]),
            pd.DataFrame([row for r in reps for row in results[i, r].teams]),
        )
        for i in range(len(scenarios))
    ]


def run_experiment(
    scenario: Scenario,
    reps: int,
    seed: int,
    years: float,
    warmup_years: float,
    workers: int | Executor = 1,
    progress: bool = False,
    draws: pd.DataFrame | None = None,
) -> Runs:
    """Run replications 0..reps-1 of one scenario."""
    return run_replications(
        [scenario], range(reps), seed, years, warmup_years, workers, progress, draws
    )[0]
