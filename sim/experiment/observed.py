"""Whether to believe a baseline: each authority's first reporting year against what was published
of it for the start year (``Scenario.observed``: DfE CSWW for a scenario written from DfE data),
and whether its no-change path is steady (``steady.drift``).

The first year's turnover, vacancy rate, agency share and mean caseload are those of
``steady.yearly_rates`` (the summaries' definitions), averaged over the replications with the
summaries' interval (``stats.mean_interval``). A mean misses its published figure when it lies
outside the figure's band: the published range widened by its own half-width either side and by
``SE_FACTOR`` standard errors of the mean over the replications (the calibration guard's rule,
``calibration.guard``). Pure functions of a scenario and its monthly rows; the report words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.columns import MEAN_CASELOAD, RATES, REGION
from sim.experiment.stats import bounds_of, interval_row, mean_interval
from sim.experiment.steady import DRIFT_POINTS, ENDS_YEARS, drift, drifting, yearly_rates
from sim.scenario import Scenario

MEASURES = (*RATES, MEAN_CASELOAD)
SE_FACTOR = 3.0
WITHIN, OUTSIDE, NOT_PUBLISHED, NO_YEAR = "within", "outside", "not published", "no whole year"
COLUMNS = [
    "authority",
    "metric",
    "mean",
    "ci_low",
    "ci_high",
    "halfwidth",
    "method",
    "n",
    "se",
    "year",
    "source",
    "note",
    "observed",
    "low",
    "high",
    "band_low",
    "band_high",
    "status",
]


def widened(low: float, high: float, se: float) -> tuple[float, float]:
    """The band a simulated mean must fall in: the range [low, high] widened by its half-width
    either side (what a fit allows is the range; twice its half-width is a miss no fit would
    leave) and by ``SE_FACTOR`` standard errors of the mean."""
    half = (high - low) / 2
    return low - half - SE_FACTOR * se, high + half + SE_FACTOR * se


def first_year(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per authority and measure (``MEASURES`` that the table has): the first reporting year's mean
    over replications with its interval (columns as ``stats.interval_row``, plus ``authority`` and
    the mean's standard error ``se``, 0 with one replication). Empty if the run has no whole year."""
    rates = yearly_rates(timeseries)
    rows = []
    for authority, part in rates[rates["year"] == 0].groupby("authority", sort=False):
        for metric in MEASURES:
            if metric not in part:
                continue
            x = part[metric].to_numpy(dtype=float)
            x = x[np.isfinite(x)]
            se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else 0.0
            rows.append(
                {
                    "authority": authority,
                    **interval_row(metric, mean_interval(x, bounds_of(metric))),
                    "se": se,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "authority",
            "metric",
            "mean",
            "ci_low",
            "ci_high",
            "halfwidth",
            "method",
            "n",
            "se",
        ],
    )


def _keys(scenario: Scenario) -> list[tuple[str, str, Scenario]]:
    """(name, its ``authority`` in the result rows, its resolved scenario): each council, or the
    scenario itself as the region of one."""
    if scenario.is_region:
        return [(name, name, council) for name, council in scenario.members()]
    return [(scenario.name, REGION, scenario)]


def against_observed(scenario: Scenario, timeseries: pd.DataFrame) -> pd.DataFrame:
    """One row per authority (each council, or the scenario itself) and measure: its simulated
    first year (``first_year``; NaN without a whole year), what was published (``observed``,
    ``low``, ``high``, ``year``, ``source``; NaN and '' where nothing was), the band
    (``widened``) and ``status``: ``WITHIN``, ``OUTSIDE``, ``NOT_PUBLISHED`` or ``NO_YEAR``."""
    first = first_year(timeseries).set_index(["authority", "metric"])
    rows = []
    for name, key, council in _keys(scenario):
        seen = council.observed
        for metric in MEASURES:
            row: dict = {"authority": name, "metric": metric}
            if (key, metric) in first.index:
                row.update(first.loc[(key, metric)].to_dict())
            value = getattr(seen, metric) if seen is not None else None
            row.update(
                year=seen.year if seen is not None else None,
                source=seen.source if seen is not None else "",
                note=seen.note if seen is not None else "",
            )
            if value is None:
                row["status"] = NOT_PUBLISHED
            else:
                row.update(observed=value.value, low=value.low, high=value.high)
                if "mean" not in row or not math.isfinite(row["mean"]):
                    row["status"] = NO_YEAR
                else:
                    low, high = widened(value.low, value.high, row["se"])
                    floor, ceiling = bounds_of(metric)  # a share's band stays within 0% to 100%
                    row["band_low"], row["band_high"] = max(low, floor), min(high, ceiling)
                    inside = row["band_low"] <= row["mean"] <= row["band_high"]
                    row["status"] = WITHIN if inside else OUTSIDE
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass(frozen=True)
class BaselineCheck:
    """A scenario's first year against what was published, and its drift over the run."""

    table: pd.DataFrame  # ``against_observed``
    drift: pd.DataFrame  # ``steady.drift`` of the authorities in ``table`` (empty: too short)
    years: int  # whole reporting years in the run

    @property
    def published(self) -> bool:
        """Whether any authority has a published figure to compare with."""
        return bool((self.table["status"] != NOT_PUBLISHED).any())

    @property
    def misses(self) -> pd.DataFrame:
        """The rows whose first-year mean lies outside the band of the published figure."""
        return self.table[self.table["status"] == OUTSIDE]

    @property
    def can_drift(self) -> bool:
        """Whether the run is long enough to show drift (twice ``ENDS_YEARS`` whole years)."""
        return self.years >= 2 * ENDS_YEARS

    @property
    def drifting(self) -> pd.DataFrame:
        """The rows of ``drift`` that drift (``steady.drifting``)."""
        return drifting(self.drift, DRIFT_POINTS) if not self.drift.empty else self.drift


def baseline_check(scenario: Scenario, timeseries: pd.DataFrame) -> BaselineCheck:
    """``scenario``'s first year against its published figures and its drift, from its monthly
    rows (one scenario's: a comparison's baseline)."""
    table = against_observed(scenario, timeseries)
    names = {key: name for name, key, _ in _keys(scenario)}
    moved = drift(timeseries)
    moved = moved[moved["authority"].isin(list(names))].assign(
        authority=lambda f: f["authority"].map(names)
    )
    rates = yearly_rates(timeseries)
    years = int(rates["year"].max() + 1) if not rates.empty else 0
    return BaselineCheck(table, moved.reset_index(drop=True), years)
