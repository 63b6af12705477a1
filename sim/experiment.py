"""Replications: run one, run many (in parallel processes), and summarise with confidence intervals.

Replication ``r`` of a run with root seed ``s`` draws from ``SeedSequence(s, spawn_key=(r,))``
and nothing else, so results do not depend on the number of worker processes, and two scenarios
run with the same seed share their random numbers process by process.
"""
from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import simpy
from scipy import stats

from .authority import Authority
from .demand import DAYS_PER_YEAR
from .metrics import summarise
from .scenario import Scenario
from .streams import replication_streams


@dataclass
class Replication:
    """The tidy results of one replication, plus what the benchmark needs."""

    timeseries: pd.DataFrame
    summary: dict[str, float]
    events: int


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes."""

    def __init__(self) -> None:
        super().__init__()
        self.processed = 0

    def step(self) -> None:
        self.processed += 1
        super().step()


def run_replication(scenario: Scenario, rep: int, seed: int, years: float,
                    warmup_years: float) -> Replication:
    """Simulate one replication and return its monthly table and summary row."""
    env = CountingEnvironment()
    auth = Authority(env, scenario, replication_streams(seed, rep), years, warmup_years)
    env.run(until=auth.n_days)
    auth.check_conservation()
    months = pd.DataFrame(auth.recorder.rows)
    window = months[months["month"] >= 0].reset_index(drop=True)
    start = warmup_years * DAYS_PER_YEAR
    summary = summarise(window, auth.book.cases, auth.book.initial, auth.workers,
                        start_day=start, end_day=auth.n_days)
    window.insert(0, "rep", rep)
    return Replication(window, {"rep": rep, **summary}, env.processed + auth.book.events)


def _run_one(args: tuple[Scenario, int, int, float, float]) -> tuple[int, pd.DataFrame, dict]:
    scenario, rep, seed, years, warmup = args
    result = run_replication(scenario, rep, seed, years, warmup)
    return rep, result.timeseries, result.summary


def run_experiment(scenario: Scenario, reps: int, seed: int, years: float, warmup_years: float,
                   workers: int = 1, progress: bool = False,
                   on_result: Callable[[int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``reps`` replications; return (timeseries, summary), both sorted by replication."""
    jobs = [(scenario, rep, seed, years, warmup_years) for rep in range(reps)]
    results: dict[int, tuple[pd.DataFrame, dict]] = {}
    bar = _progress_bar(reps, progress, scenario.name)
    if workers <= 1:
        stream: Iterable = map(_run_one, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        stream = pool.map(_run_one, jobs)
    try:
        for rep, ts, summ in stream:
            results[rep] = (ts, summ)
            if bar is not None:
                bar.update(1)
            if on_result is not None:
                on_result(rep)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if bar is not None:
            bar.close()
    timeseries = pd.concat([results[r][0] for r in range(reps)], ignore_index=True)
    summary = pd.DataFrame([results[r][1] for r in range(reps)])
    return timeseries, summary


def _progress_bar(total: int, enabled: bool, name: str):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=f"{name}", unit="rep", file=sys.stderr)


def confidence_intervals(summary: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and t-based confidence interval of each summary column over replications."""
    rows = []
    for col in summary.columns:
        if col == "rep":
            continue
        x = summary[col].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        n = len(x)
        mean = float(x.mean()) if n else float("nan")
        if n > 1:
            half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
        else:
            half = float("nan")
        rows.append({"metric": col, "mean": mean, "ci_low": mean - half, "ci_high": mean + half,
                     "n": n})
    return pd.DataFrame(rows)
