"""Statistics over replications, in one place: intervals that respect a quantity's bounds, paired
differences on common random numbers, cost per point of turnover avoided, and precision.

- Fewer than ``SMALL_SAMPLE`` replications: Student's t interval, clipped to the quantity's bounds
  (bootstrap intervals are too narrow with few replications).
- From ``SMALL_SAMPLE`` on: the BCa bootstrap (``scipy.stats.bootstrap``), which stays inside the
  range of the data and so inside the bounds; for a comparison, of the paired differences.
- One replication gives no interval ("n/a (1 replication)"); a value that is the same in every
  replication is flagged as constant, not reported as a finding.
- Cost per point of turnover avoided: Fieller's interval for a ratio of paired means, only when the
  turnover difference is distinguishable from zero (otherwise "no measurable effect").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.columns import (
    BCA,
    CONSTANT,
    FIELLER,
    NO_DATA,
    NO_EFFECT,
    ONE,
    OUTCOMES,
    SMALL_SAMPLE,
    T_CLIPPED,
    TURNOVER_RISES,
    UNBOUNDED,
    authorities_of,
    rows_of,
)

LEVEL = 0.95
RESAMPLES = 2000
BOOTSTRAP_SEED = 0  # fixed: the same replications always give the same interval
BATCH = 500  # resamples (and jackknife samples) per vectorised call


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval and how it was computed."""

    estimate: float
    low: float
    high: float
    n: int
    method: str

    @property
    def halfwidth(self) -> float:
        return (self.high - self.low) / 2.0

    @property
    def constant(self) -> bool:
        return self.method == CONSTANT

    @property
    def has_interval(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)

    def excludes_zero(self) -> bool:
        """True when the interval lies wholly above or below zero (a measurable difference)."""
        return self.has_interval and (self.low > 0 or self.high < 0)


def _finite(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x[np.isfinite(x)]


def mean_interval(
    x, bounds: tuple[float, float] = (-math.inf, math.inf), level: float = LEVEL
) -> Interval:
    """The mean of the finite values and its confidence interval, kept within ``bounds``."""
    x = _finite(x)
    n = len(x)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, NO_DATA)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1, ONE)
    if np.ptp(x) == 0:
        return Interval(mean, mean, mean, n, CONSTANT)
    if n < SMALL_SAMPLE:
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
        return Interval(
            mean,
            float(max(mean - half, bounds[0])),
            float(min(mean + half, bounds[1])),
            n,
            T_CLIPPED,
        )
    res = stats.bootstrap(
        (x,),
        np.mean,
        method="BCa",
        n_resamples=RESAMPLES,
        confidence_level=level,
        rng=np.random.default_rng(BOOTSTRAP_SEED),
        vectorized=True,
        batch=BATCH,
    )  # the jackknife in batches: memory ~ BATCH x n, not n^2
    low, high = res.confidence_interval
    if not (math.isfinite(low) and math.isfinite(high)):  # degenerate acceleration: percentiles
        low, high = np.percentile(res.bootstrap_distribution, [50 * (1 - level), 50 * (1 + level)])
    return Interval(mean, float(max(low, bounds[0])), float(min(high, bounds[1])), n, BCA)


def difference_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    """The range of a difference of two values that each lie within ``bounds``."""
    width = bounds[1] - bounds[0]
    return -width, width


def paired_difference(
    variant, base, bounds: tuple[float, float] = (-math.inf, math.inf), level: float = LEVEL
) -> Interval:
    """Mean of the per-replication differences variant - base (common random numbers)."""
    d = np.asarray(variant, dtype=float) - np.asarray(base, dtype=float)
    return mean_interval(d, difference_bounds(bounds), level)


def cost_per_point(d_cost, d_turnover, level: float = LEVEL) -> Interval:
    """Extra cost a year per percentage point of turnover avoided, mean(d cost) / -100 mean(d
    turnover), from paired differences; Fieller's interval. Undefined ("no measurable effect")
    unless the turnover difference is distinguishable from zero, and when turnover rises."""
    d_cost, d_turnover = np.asarray(d_cost, float), np.asarray(d_turnover, float)
    ok = np.isfinite(d_cost) & np.isfinite(d_turnover)
    cost, avoided = d_cost[ok], -100.0 * d_turnover[ok]
    n = len(cost)
    turnover = mean_interval(avoided)
    if n < 2 or not turnover.excludes_zero():
        return Interval(math.nan, math.nan, math.nan, n, ONE if n == 1 else NO_EFFECT)
    if turnover.estimate < 0:
        return Interval(math.nan, math.nan, math.nan, n, TURNOVER_RISES)
    a, b = float(cost.mean()), float(avoided.mean())
    point = a / b
    cov = np.cov(np.vstack([cost, avoided]), ddof=1) / n
    t2 = float(stats.t.ppf(0.5 + level / 2, n - 1)) ** 2
    qa = b * b - t2 * cov[1, 1]
    qb = a * b - t2 * cov[0, 1]
    qc = a * a - t2 * cov[0, 0]
    disc = qb * qb - qa * qc
    if qa <= 0 or disc < 0:  # Fieller's t-test finds the denominator not clearly away from zero
        return Interval(point, math.nan, math.nan, n, UNBOUNDED)
    root = math.sqrt(disc)
    return Interval(point, float((qb - root) / qa), float((qb + root) / qa), n, FIELLER)


def replications_needed(interval: Interval, target_halfwidth: float) -> int:
    """Replications expected to bring the half-width to the target (half-width ~ 1/sqrt(n))."""
    if not interval.has_interval or interval.halfwidth <= target_halfwidth:
        return interval.n
    return int(math.ceil(interval.n * (interval.halfwidth / target_halfwidth) ** 2))


# -- tables (their columns: ``sim.columns.TABLE_COLUMNS``) -------------------------------------


def interval_row(
    metric: str, estimate: Interval, difference: Interval | None = None, scenario: str | None = None
) -> dict:
    """One row of a summary or comparison table (columns as in ``sim.columns.TABLE_COLUMNS``)."""
    row: dict = {} if scenario is None else {"scenario": scenario}
    row.update(
        metric=metric,
        mean=estimate.estimate,
        ci_low=estimate.low,
        ci_high=estimate.high,
        halfwidth=estimate.halfwidth,
        method=estimate.method,
        n=estimate.n,
    )
    if difference is not None:
        row.update(
            diff=difference.estimate,
            diff_low=difference.low,
            diff_high=difference.high,
            diff_halfwidth=difference.halfwidth,
            diff_method=difference.method,
        )
    return row


def bounds_of(metric: str) -> tuple[float, float]:
    o = OUTCOMES.get(metric)
    return o.bounded if o is not None else (-math.inf, math.inf)


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Each summary outcome's mean and interval over replications, for the region and (when it has
    councils) each council: an ``authority`` column tells them apart."""
    rows = []
    for authority in authorities_of(summary):
        part = rows_of(summary, authority)
        rows += [
            {"authority": authority, **interval_row(m, mean_interval(part[m], bounds_of(m)))}
            for m in part.columns
            if m != "rep"
        ]
    return pd.DataFrame(rows)
