"""What the warnings at the top of a report fire on, computed from the result tables as the
comparison's numbers are (``stats``): whether cases waiting for a worker grow over the run
(``queue_trend``), and how a variant's entries into care change with the staffing effects taken
out (``without_effects``). ``sim.present.decision`` words them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.columns import NO_EFFECTS, REGION
from sim.experiment.derived import derived_values
from sim.experiment.results import Results
from sim.experiment.stats import Interval, mean_interval, paired_difference

WAITING = "cases_waiting"  # the monthly column of cases waiting for a worker at the month end
# A queue "grows" when its yearly growth is measurably above zero and adds, over the run, at least
# half its first year's level and at least this many cases (presentation thresholds: assumption)
GROWTH_SHARE, GROWTH_CASES = 0.5, 10.0


@dataclass(frozen=True)
class QueueTrend:
    """Cases waiting for a worker over one scenario's run: the least-squares growth a year (per
    replication, then its mean and interval) and the mean level in the first and last year."""

    scenario: str
    per_year: Interval
    first_year: float
    last_year: float
    years: float

    @property
    def grows(self) -> bool:
        """Measurably growing, by enough to matter (``GROWTH_SHARE``, ``GROWTH_CASES``)."""
        added = self.per_year.estimate * self.years
        return (
            self.per_year.has_interval
            and self.per_year.low > 0
            and added >= max(GROWTH_CASES, GROWTH_SHARE * self.first_year)
        )


def _slope(months: np.ndarray, values: np.ndarray) -> float:
    """Least-squares growth a year of ``values`` over ``months``."""
    t = months / 12.0
    t = t - t.mean()
    return float((t * (values - values.mean())).sum() / (t * t).sum())


def queue_trend(results: Results, name: str, authority: str = REGION) -> QueueTrend | None:
    """How the cases waiting for a worker move over ``name``'s run (None for a run of under two
    years: too short to tell a trend from a season)."""
    rows = results.monthly(name, authority)[["rep", "month", WAITING]]
    months = rows["month"].to_numpy()
    years = (months.max() + 1) / 12.0 if len(rows) else 0.0
    if years < 2:
        return None
    slopes = [
        _slope(r["month"].to_numpy(float), r[WAITING].to_numpy(float))
        for _, r in rows.groupby("rep")
    ]
    return QueueTrend(
        name,
        mean_interval(slopes),
        float(rows.loc[months < 12, WAITING].mean()),
        float(rows.loc[months >= months.max() - 11, WAITING].mean()),
        years,
    )


def without_effects(results: Results, name: str) -> Interval:
    """``name``'s paired difference from the baseline in the region's children entering care a
    year with those the staffing effects step up taken out (``sim.columns.NO_EFFECTS``)."""
    base = derived_values(results, results.baseline, REGION)[NO_EFFECTS]
    variant = derived_values(results, name, REGION)[NO_EFFECTS]
    both = pd.concat([variant, base], axis=1, join="inner")
    return paired_difference(both.iloc[:, 0], both.iloc[:, 1])
