"""Pay raised or aligned to the market rate per level (Warwickshire 2022: a regionally competitive
salary attracted applicants; staff "did not stay if they were being [paid] more money elsewhere")."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from sim.policy import Policy, PolicyParams
from sim.scenario import LEVELS, LevelName


class PayAlignmentParams(PolicyParams):
    uplift: float = Field(
        0.05, ge=0, le=1, description="Pay rise for every level (0.05 = 5%). Assumption."
    )
    to_market: bool = Field(
        True, description="Also raise any level paid below market to the market rate."
    )
    levels: list[LevelName] = Field(
        default_factory=lambda: list(LEVELS), description="Levels the policy applies to."
    )
    fill_days_factor: float = Field(
        0.8,
        gt=0,
        le=5,
        description="Multiplies the time to fill a vacancy at those levels. Assumption.",
    )


class PayAlignment(Policy):
    name = "pay_alignment"
    label = "pay +{uplift:pct}{to_market:? and at least the market rate}"
    description = (
        "Salaries rise by {uplift:pct}{to_market:? and to at least the market rate} at the "
        "chosen levels (default: all), which shrinks the pay-gap term of the leaving hazard; "
        "the time to fill a vacancy there is x{fill_days_factor:g}"
    )
    source = "Warwickshire 2022; national pay structure recommended by the care review"
    Params = PayAlignmentParams

    def adjust(self, rates) -> None:
        p = self.params
        sel = np.array([name in p.levels for name in LEVELS])
        salary = rates.salary * np.where(sel, 1.0 + p.uplift, 1.0)
        if p.to_market:
            salary = np.where(sel, np.maximum(salary, rates.market_salary), salary)
        rates.salary = salary
        rates.fill_days = rates.fill_days * np.where(sel, p.fill_days_factor, 1.0)
