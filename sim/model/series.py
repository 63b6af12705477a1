"""Yearly series on a run's calendar: a council's referrals by year, its establishment at each
census, and named external series (a labour-market index, ...) that scale one of the model's
rates in each DfE reporting year."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.model.clock import CENSUS, Calendar
from sim.scenario import Series


def by_year(series: Mapping[str, float], years: np.ndarray, trend: float = 0.0) -> np.ndarray:
    """A yearly series (keyed by year, as text) at ``years``: the first value before it starts,
    the last after it ends, grown by ``trend`` a year after the end."""
    known = sorted((int(k), v) for k, v in series.items())
    keys = np.array([k for k, _ in known])
    values = np.array([v for _, v in known])
    years = np.asarray(years)
    at = values[np.clip(np.searchsorted(keys, years, side="right") - 1, 0, len(keys) - 1)]
    return at * (1.0 + trend) ** np.maximum(years - keys[-1], 0)


def at_census(series: Mapping[str, float], date: float) -> float:
    """A series of values at census dates (30 September of each year) at ``date`` (in years, see
    ``Calendar.date``): moving evenly between census dates, the first value before them, the last
    after."""
    known = sorted((int(k), v) for k, v in series.items())
    return float(np.interp(date, [k + CENSUS for k, _ in known], [v for _, v in known]))


def factor(
    series: Mapping[str, Series], affects: str, calendar: Calendar | None, day: float
) -> float:
    """The product of the series that scale ``affects``, in the reporting year of ``day``
    (1 without a calendar or such series)."""
    if calendar is None or not series:
        return 1.0
    year = calendar.reporting_year(day)
    out = 1.0
    for s in series.values():
        if s.affects == affects:
            out *= float(by_year(s.by_year, year))
    return out
