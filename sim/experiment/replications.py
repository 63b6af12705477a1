"""Replications: run one, run many (in parallel processes), and summarise with confidence intervals.

Replication ``r`` of a run with root seed ``s`` draws from ``SeedSequence(s, spawn_key=(r,))``
and nothing else, so results do not depend on the number of worker processes, and two scenarios
run with the same seed share their random numbers process by process.
"""
from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import simpy
from scipy import stats

from sim.model.authority import Authority
from sim.model.demand import DAYS_PER_YEAR
from sim.model.metrics import summarise
from sim.scenario import Scenario
from sim.model.streams import replication_streams


@dataclass
class Replication:
    """The tidy results of one replication, plus the case-flow event count (for the benchmark)."""

    timeseries: pd.DataFrame
    summary: dict[str, float]
    case_events: int


def run_replication(scenario: Scenario, rep: int, seed: int, years: float,
                    warmup_years: float, env: simpy.Environment | None = None) -> Replication:
    """Simulate one replication and return its monthly table and summary row."""
    env = env or simpy.Environment()
    auth = Authority(env, scenario, replication_streams(seed, rep), years, warmup_years)
    env.run(until=auth.n_days)
    auth.check_conservation()
    months = pd.DataFrame(auth.recorder.rows)
    window = months[months["month"] >= 0].reset_index(drop=True)
    start = warmup_years * DAYS_PER_YEAR
    summary = summarise(window, auth.book.cases, auth.book.initial, auth.workers,
                        start_day=start, end_day=auth.n_days)
    window.insert(0, "rep", rep)
    return Replication(window, {"rep": rep, **summary}, auth.book.events)


def scenario_for_rep(scenario: Scenario, draws: pd.DataFrame | None, rep: int) -> Scenario:
    """The scenario of replication ``rep``: with parameter draw ``rep mod len(draws)`` applied
    (columns are dotted scenario paths), or unchanged without draws."""
    if draws is None or draws.empty:
        return scenario
    row = draws.iloc[rep % len(draws)]
    return scenario.with_values({k: float(v) for k, v in row.items()})


def _run_one(args) -> tuple[int, int, pd.DataFrame, dict]:
    index, scenario, rep, seed, years, warmup, draws = args
    result = run_replication(scenario_for_rep(scenario, draws, rep), rep, seed, years, warmup)
    return index, rep, result.timeseries, result.summary


def run_replications(scenarios: Sequence[Scenario], reps: Sequence[int], seed: int, years: float,
                     warmup_years: float, workers: int = 1, progress: bool = False,
                     draws: pd.DataFrame | None = None) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Run replications ``reps`` of each scenario (in parallel processes if ``workers`` > 1).

    Returns (timeseries, summary) per scenario, in order, rows sorted by replication. Replication
    ``r`` of every scenario uses the same streams and the same parameter draw (``draws``, e.g. a
    calibration posterior): comparisons are paired (common random numbers)."""
    jobs = [(i, sc, rep, seed, years, warmup_years, draws)
            for i, sc in enumerate(scenarios) for rep in reps]
    results: dict[tuple[int, int], tuple[pd.DataFrame, dict]] = {}
    label = scenarios[0].name if len(scenarios) == 1 else f"{len(scenarios)} scenarios"
    bar = _progress_bar(len(jobs), progress, label)
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    stream: Iterable = pool.map(_run_one, jobs) if pool else map(_run_one, jobs)
    try:
        for index, rep, ts, summ in stream:
            results[index, rep] = (ts, summ)
            if bar is not None:
                bar.update(1)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if bar is not None:
            bar.close()
    out = []
    for i in range(len(scenarios)):
        out.append((pd.concat([results[i, r][0] for r in reps], ignore_index=True),
                    pd.DataFrame([results[i, r][1] for r in reps])))
    return out


def run_experiment(scenario: Scenario, reps: int, seed: int, years: float, warmup_years: float,
                   workers: int = 1, progress: bool = False,
                   draws: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run replications 0..reps-1 of one scenario; return (timeseries, summary)."""
    return run_replications([scenario], range(reps), seed, years, warmup_years, workers, progress,
                            draws)[0]


def _progress_bar(total: int, enabled: bool, name: str):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=f"{name}", unit="rep", file=sys.stderr)


def t_interval(x: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval of the finite values (nan interval with fewer than two)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if len(x) < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return mean, mean - half, mean + half


def confidence_intervals(summary: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and t-based confidence interval of each summary column over replications."""
    rows = []
    for col in summary.columns:
        if col == "rep":
            continue
        mean, lo, hi = t_interval(summary[col].to_numpy(), level)
        rows.append({"metric": col, "mean": mean, "ci_low": lo, "ci_high": hi,
                     "n": int(np.isfinite(summary[col].to_numpy(dtype=float)).sum())})
    return pd.DataFrame(rows)


WARMUP_COLUMNS = ("perm_total", "agency_total", "vacancies_total", "caseload_mean", "cases_open")


def welch_warmup(timeseries: pd.DataFrame, column: str, window: int = 12,
                 tolerance: float = 0.03) -> int:
    """Welch's method: the first month after which the moving average (``window`` months) of the
    mean over replications stays within a band around its level over the last third. The band is
    ``tolerance`` (relative) or two standard errors of a monthly mean, whichever is wider, so that
    noise in small counts is not mistaken for a trend."""
    grouped = timeseries.groupby("month")[column]
    mean = grouped.mean()
    se = float(np.nanmedian(grouped.std(ddof=1) / np.sqrt(grouped.count())))
    smooth = mean.rolling(window, center=True, min_periods=1).mean().to_numpy()
    final = smooth[-max(len(smooth) // 3, 1):].mean()
    band = max(tolerance * abs(final), 2.0 * (se if np.isfinite(se) else 0.0), 1e-12)
    outside = np.abs(smooth - final) > band
    if not outside.any():
        return 0
    return int(np.nonzero(outside)[0][-1] + 1)
