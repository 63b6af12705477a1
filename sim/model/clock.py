"""The calendar of a replication: days simulated, months recorded, the warm-up, and the order of
the monthly events within a month.

Time runs in days from 0. Month ``m`` (counted from the start of the run) ends at day
``(m + 1) * MONTH_DAYS``; within a month, events run after the day's case flow in the order of
their offsets (fractions of a day), so the record of a month sees its leavers and promotions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

DAYS_PER_YEAR = 365.0
MONTH_DAYS = DAYS_PER_YEAR / 12.0

# Within a month, events run in this order after the day's case flow (fractions of a day).
OFFSET_POLICY_START, OFFSET_MARKET, OFFSET_LEAVERS, OFFSET_PROMOTIONS, OFFSET_CONVERSIONS, \
    OFFSET_POLICY_TICK, OFFSET_RECORD = 0.5, 0.52, 0.55, 0.6, 0.65, 0.85, 0.9
# After the record: the sickness absence of the coming month, from the month end's pressure.
OFFSET_ABSENCE = 0.95


@dataclass(frozen=True)
class Clock:
    """How long a replication runs: ``warmup_years`` before reporting, then ``years``."""

    years: float
    warmup_years: float

    @property
    def warmup_months(self) -> int:
        return int(round(self.warmup_years * 12))

    @property
    def report_months(self) -> int:
        """Months reported after the warm-up (each run length is rounded to whole months)."""
        return int(round(self.years * 12))

    @property
    def n_months(self) -> int:
        return self.warmup_months + self.report_months

    @property
    def n_days(self) -> int:
        """Days simulated: up to the last month end (inclusive)."""
        return int(math.ceil(self.n_months * MONTH_DAYS - 1e-6))

    @property
    def report_start_day(self) -> float:
        """The first day of the reporting window: the end of the warm-up's last month."""
        return self.warmup_months * MONTH_DAYS
