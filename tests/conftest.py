"""Shared helpers: small scenarios built from the baseline."""
from __future__ import annotations

import pytest

from sim.scenario import Scenario, load_scenario

ZERO_LEVEL = {"establishment": 0, "salary_gbp": 30000.0, "caseload_limit": 10.0,
              "leave_rate": 0.0, "fill_days_mean": 100.0}


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario("baseline")


def queue_scenario(workers: int, limit: int, mean_days: float, utilisation: float) -> Scenario:
    """A fixed-staff case flow: one case type, exponential durations, no turnover (nor
    retirement), no agency, no sickness absence.

    It is an M/M/c queue with c = workers * limit case slots."""
    servers = workers * limit
    arrivals_per_day = utilisation * servers / mean_days
    level = dict(ZERO_LEVEL, establishment=workers, caseload_limit=float(limit))
    return Scenario.model_validate({
        "name": "mmc",
        "demand": {"referrals_per_year": arrivals_per_day * 365.0, "case_share": 1.0,
                   "seasonal_amplitude": 0.0, "initial_type": {"case": 1.0}},
        "case_types": {"case": {"weight": 1.0, "mean_days": mean_days, "next": {"close": 1.0}}},
        "workforce": {"levels": {"asye": ZERO_LEVEL, "l2": ZERO_LEVEL, "l3": level,
                                 "l4": ZERO_LEVEL, "l5": ZERO_LEVEL},
                      "initial_fill": 1.0},
        "agency": {"backfill_probability": 0.0, "conversion_rate_per_year": 0.0},
        "absence": {"enabled": False},
        "retirement": {"enabled": False},
    })
