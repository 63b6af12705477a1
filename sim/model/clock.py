"""The calendar of a replication: days simulated, months recorded, the warm-up, and the order of
the monthly events within a month.

Time runs in days from 0. Month ``m`` (counted from the start of the run) ends at day
``(m + 1) * MONTH_DAYS``; within a month, events run after the day's case flow in the order of
their offsets (fractions of a day), so the record of a month sees its leavers and promotions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

DAYS_PER_YEAR = 365.0
MONTH_DAYS = DAYS_PER_YEAR / 12.0

# Within a month, events run in this order after the day's case flow (fractions of a day).
(
    OFFSET_POLICY_START,
    OFFSET_MARKET,
    OFFSET_LEAVERS,
    OFFSET_PROMOTIONS,
    OFFSET_CONVERSIONS,
    OFFSET_POLICY_TICK,
    OFFSET_RECORD,
) = 0.5, 0.52, 0.55, 0.6, 0.65, 0.85, 0.9
CENSUS = 273.0 / DAYS_PER_YEAR  # 30 September (DfE's workforce census) as a fraction of a year
CENSUS_MONTH = 9  # ... its month: reporting starts at the end of September
APRIL = 90.0 / DAYS_PER_YEAR  # 1 April: DfE's reporting years (and pay awards) start then

# Before the market: the establishment's monthly change (``workforce.establishment_by_year``).
OFFSET_ESTABLISHMENT = 0.51
# After the record: the sickness absence of the coming month, from the month end's pressure.
OFFSET_ABSENCE = 0.95


@dataclass(frozen=True)
class Clock:
    """How long a replication runs: ``warmup_years`` before reporting, then ``years`` (what
    follows from them is worked out once: the model reads it at every step)."""

    years: float
    warmup_years: float

    @cached_property
    def warmup_months(self) -> int:
        return int(round(self.warmup_years * 12))

    @cached_property
    def report_months(self) -> int:
        """Months reported after the warm-up (each run length is rounded to whole months)."""
        return int(round(self.years * 12))

    @cached_property
    def n_months(self) -> int:
        return self.warmup_months + self.report_months

    @cached_property
    def n_days(self) -> int:
        """Days simulated: up to the last month end (inclusive)."""
        return int(math.ceil(self.n_months * MONTH_DAYS - 1e-6))

    @cached_property
    def report_start_day(self) -> float:
        """The first day of the reporting window: the end of the warm-up's last month."""
        return self.warmup_months * MONTH_DAYS

    def calendar(self, start_year: int | None) -> Calendar | None:
        """The run's dates if reporting starts at 30 September of ``start_year`` (None: no dates)."""
        return None if start_year is None else Calendar(start_year, self.report_start_day)


@dataclass(frozen=True)
class Calendar:
    """Dates of a run whose reporting starts at 30 September of ``start_year`` (day
    ``report_start_day`` of the run)."""

    start_year: int
    report_start_day: float

    def date(self, day: np.ndarray | float) -> np.ndarray:
        """The calendar date of ``day`` in years (2019.75 is about 1 October 2019)."""
        return (
            self.start_year
            + CENSUS
            + (np.asarray(day, float) - self.report_start_day) / DAYS_PER_YEAR
        )

    def reporting_year(self, day: np.ndarray | float) -> np.ndarray:
        """DfE's reporting year of ``day``: 1 April to 31 March, named by the year it ends."""
        return (np.floor(self.date(day) - APRIL) + 1).astype(np.int64)
