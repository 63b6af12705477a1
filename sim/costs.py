"""Workforce costs: salary plus on-costs per level, the agency premium, recruitment."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import Scenario


@dataclass(frozen=True)
class CostRates:
    """Annual cost (GBP) of one FTE by level: permanent, and agency covering a post of that level."""

    permanent: np.ndarray
    agency: np.ndarray
    per_hire: float

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "CostRates":
        salary = np.array([lv.salary_gbp for lv in scenario.workforce.levels.ordered()])
        permanent = salary * (1.0 + scenario.costs.on_cost_rate)
        agency = permanent + scenario.agency.premium_gbp_per_year
        return cls(permanent, agency, scenario.costs.recruitment_cost_gbp)

    def month(self, permanent_by_level: np.ndarray, agency_by_level: np.ndarray,
              hires: int) -> tuple[float, float, float]:
        """(permanent staff, agency, recruitment) cost of one month, GBP."""
        return (float(self.permanent @ permanent_by_level) / 12.0,
                float(self.agency @ agency_by_level) / 12.0,
                hires * self.per_hire)
