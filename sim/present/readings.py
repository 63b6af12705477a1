"""How to read one row of a result table honestly: an estimate with its interval, or the reason it
has none (one replication, the same value in every replication, undefined), and for a difference
whether it is measurable (its interval excludes zero). The table and the findings both read rows
here, so a number in a sentence is the number in the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from sim.columns import (
    BCA,
    CONSTANT,
    COST_PER_PP,
    FIELLER,
    NO_DATA,
    NO_EFFECT,
    ONE,
    REGION,
    T_CLIPPED,
    TURNOVER_RISES,
    UNBOUNDED,
)
from sim.experiment.results import Results
from sim.experiment.stats import LEVEL
from sim.present.formats import (
    MAX_DECIMALS,
    board_digits,
    decimals,
    is_money,
    is_zero,
    number,
    outcome,
    with_unit,
)

INTERVAL, SINGLE, SAME, UNDEFINED, NO_MEASURABLE, RISES = (
    "interval",
    "one replication",
    "constant",
    "undefined",
    "no measurable effect",
    "turnover rises",
)
CI = f"{LEVEL:.0%} CI"  # "95% CI": the level of every interval in the tables
METHOD_WORDS = {
    T_CLIPPED: "t interval, clipped to the possible range",
    BCA: "BCa bootstrap",
    FIELLER: "Fieller's interval for a ratio",
}


@dataclass(frozen=True)
class Reading:
    """One estimate (a mean, a paired difference or a cost per point) and how to take it."""

    metric: str
    estimate: float
    low: float
    high: float
    method: str
    n: int
    difference: bool = False
    places: int | None = None  # decimals shared by a table's cells of the metric (``aligned``)

    @property
    def status(self) -> str:
        if self.method == ONE:
            return SINGLE
        if self.method == CONSTANT:
            return SAME
        if self.method == NO_DATA or not math.isfinite(self.estimate):
            return {NO_EFFECT: NO_MEASURABLE, TURNOVER_RISES: RISES}.get(self.method, UNDEFINED)
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            return NO_MEASURABLE  # Fieller: turnover's change too uncertain to bound the ratio
        return INTERVAL

    @property
    def halfwidth(self) -> float:
        return (self.high - self.low) / 2 if self.status == INTERVAL else math.nan

    @property
    def measurable(self) -> bool:
        """A difference whose interval lies wholly above or below zero."""
        return self.status == INTERVAL and (self.low > 0 or self.high < 0)

    @property
    def size(self) -> float:
        """The largest magnitude among the estimate and its interval (sets money's £k or £m)."""
        ends = [abs(x) for x in (self.estimate, self.low, self.high) if math.isfinite(x)]
        return max(ends, default=math.nan)

    @property
    def digits(self) -> int:
        """Decimals: those set for its table (``places``), else the board's (``formats``); and
        more where a measurable difference's interval would otherwise seem to touch zero."""
        digits = board_digits(self.metric) if self.places is None else self.places
        if self.measurable:
            near = min(abs(self.low), abs(self.high))
            most = 0 if is_money(self.metric) else MAX_DECIMALS
            digits = max(digits, -12) if is_money(self.metric) else digits
            while digits < most and is_zero(self._text(near, digits, False)):
                digits += 1
        return digits

    @property
    def table_digits(self) -> int:
        """Decimals for a table: the board's, or more where they would collapse the interval."""
        return decimals(self.metric, self.halfwidth)

    def _text(self, x: float, digits: int, signed: bool | None) -> str:
        return number(x, self.metric, digits, self.difference, signed, self.size)

    def shown(self, x: float, signed: bool | None = None) -> str:
        """A number of this reading as the page prints it (differences signed unless not ``signed``)."""
        return self._text(x, self.digits, signed)

    def why(self) -> str:
        """Why there is no interval (or no effect), in words."""
        s = self.status
        if s == SINGLE:
            return ONE
        if s == SAME:
            return (
                f"{CONSTANT}: {with_unit(self.shown(self.estimate), self.metric, self.difference)}"
            )
        if s == UNDEFINED:
            reason = outcome(self.metric).undefined_when
            return f"undefined: {reason}" if reason else "undefined: no replication gave a value"
        if s == RISES:
            return "turnover rises: no cost per point avoided"
        if s == NO_MEASURABLE and self.metric == COST_PER_PP:
            return UNBOUNDED if self.method == UNBOUNDED else NO_EFFECT
        return s


def reading(row: pd.Series, difference: bool = False) -> Reading:
    """The mean (or, with ``difference``, the paired difference) of a row of ``Results.table``."""
    if difference:
        return Reading(
            row["metric"],
            float(row["diff"]),
            float(row["diff_low"]),
            float(row["diff_high"]),
            row["diff_method"],
            int(row["n"]),
            True,
        )
    return Reading(
        row["metric"],
        float(row["mean"]),
        float(row["ci_low"]),
        float(row["ci_high"]),
        row["method"],
        int(row["n"]),
        False,
    )


def aligned(readings: list[Reading]) -> list[Reading]:
    """The readings of one metric in one table, all with the same decimals: the most any of them
    needs for its interval not to collapse (so 18.6 never stands beside 18.42)."""
    places = max(
        (replace(r, places=r.table_digits).digits for r in readings if r.status == INTERVAL),
        default=None,
    )
    return [r if places is None else replace(r, places=places) for r in readings]


def metric_readings(
    results: Results,
    metric: str,
    names: list[str],
    difference: bool = False,
    authority: str = REGION,
) -> dict[str, Reading]:
    """Each scenario's reading of ``metric`` for one column of a table, aligned (``aligned``)."""
    rows = [reading(results.row(n, metric, authority), difference) for n in names]
    return dict(zip(names, aligned(rows)))


def method_words(method: str) -> str:
    return METHOD_WORDS.get(method, method)


def halfwidth_texts(p: dict) -> tuple[str, str]:
    """(half-width reached, target half-width) of a ``Results.precision`` entry, in the unit of the
    difference, to one more decimal than the target needs."""
    metric = p["metric"]
    digits = decimals(metric, p["target"]) + 1
    return (
        number(p["halfwidth"], metric, digits, difference=True, signed=False),
        number(p["target"], metric, digits, difference=True, signed=False),
    )


def value_text(x: float, metric: str) -> str:
    """A value of ``metric`` without an interval (a sweep point's mean), with its unit."""
    return with_unit(number(x, metric, decimals(metric, value=x)), metric)


def mean_text(results: Results, name: str, metric: str, authority: str = REGION) -> str:
    """A scenario's mean of ``metric`` (the region's by default) as the key numbers table shows it,
    or why there is none."""
    r = reading(results.row(name, metric, authority))
    return r.shown(r.estimate) if r.status in (INTERVAL, SINGLE, SAME) else r.why()
