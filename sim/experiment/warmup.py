"""The warm-up period: Welch's method on replications run from the start state."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment.executor import Executor
from sim.experiment.replications import run_experiment
from sim.experiment.settings import DEFAULTS, Given, RunOptions, check_size, settle
from sim.scenario import Scenario

WARMUP_COLUMNS = ("perm_total", "agency_total", "vacancies_total", "caseload_mean", "cases_open")


def welch_warmup(
    timeseries: pd.DataFrame, column: str, window: int = 12, tolerance: float = 0.03
) -> int:
    """Welch's method: the first month after which the moving average (``window`` months) of the
    mean over replications stays within a band around its level over the last third. The band is
    ``tolerance`` (relative) or two standard errors of a monthly mean, whichever is wider, so that
    noise in small counts is not mistaken for a trend."""
    grouped = timeseries.groupby("month")[column]
    mean = grouped.mean()
    se = float(np.nanmedian(grouped.std(ddof=1) / np.sqrt(grouped.count())))
    smooth = mean.rolling(window, center=True, min_periods=1).mean().to_numpy()
    final = smooth[-max(len(smooth) // 3, 1) :].mean()
    band = max(tolerance * abs(final), 2.0 * (se if np.isfinite(se) else 0.0), 1e-12)
    outside = np.abs(smooth - final) > band
    if not outside.any():
        return 0
    return int(np.nonzero(outside)[0][-1] + 1)


def warmup_months(
    scenario: Scenario, asked: Given, pool: Executor, tolerance: float = 0.03, yes: bool = False
) -> tuple[RunOptions, dict[str, int]]:
    """The settings used (those ``asked``, else warmup's defaults) and, for each of
    ``WARMUP_COLUMNS``, the month from which replications run from the start state settle
    (``welch_warmup``)."""
    _, opts = settle(scenario, asked, DEFAULTS["warmup"])
    check_size(opts, scenario, opts.reps, opts.workers, yes=yes)
    with pool:
        ts = run_experiment(
            scenario,
            reps=opts.reps,
            seed=opts.seed,
            years=opts.years,
            warmup_years=0.0,
            workers=pool,
        ).timeseries
    return opts, {col: welch_warmup(ts, col, tolerance=tolerance) for col in WARMUP_COLUMNS}
