"""A children and families training academy (Warwickshire 2022): ASYE support and coaching that
raise early-career retention, faster progression, CPD days that take capacity, a running cost."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from sim.policy import Policy, PolicyParams
from sim.scenario import MAX_PROGRAMME_GBP


class AcademyParams(PolicyParams):
    early_career_hazard_ratio: float = Field(
        0.65,
        gt=0,
        le=2,
        description="Leaving hazard ratio for staff who started in an ASYE post, in their early-career "
        "years. Assumption: Warwickshire 2022 reports ASYE retention 'improved by 10%' after the "
        "academy's launch; what the ratio does to retention is an output of the model, not that figure.",
    )
    early_career_years: float = Field(
        2.0,
        gt=0,
        le=10,
        description="Years after starting in an ASYE post that count as early "
        "career for the hazard ratio. Assumption (matches the two-year retention measure).",
    )
    progression_rate_factor: float = Field(
        1.25,
        ge=0,
        le=10,
        description="Multiplies promotion rates. Assumption ('faster progression').",
    )
    cpd_days_per_year: float = Field(
        5.0, ge=0, le=60, description="CPD days per worker per year. Warwickshire 2022: five days."
    )
    working_days_per_year: float = Field(
        220.0, gt=0, le=366, description="Working days per year. Assumption."
    )
    annual_cost_gbp: float = Field(
        250000.0,
        ge=0,
        le=MAX_PROGRAMME_GBP,
        description="Running cost per year (staff, programmes). Assumption: a small "
        "team of practice educators; Warwickshire gives no figure.",
    )


class Academy(Policy):
    name = "academy"
    label = (
        "a training academy (early-career leaving hazard {early_career_hazard_ratio:ratio}, "
        "{cpd_days_per_year:g} CPD days a year)"
    )
    description = (
        "Staff who started in an ASYE post have a leaving hazard {early_career_hazard_ratio:ratio} "
        "for their first {early_career_years:g} years; promotion rates x{progression_rate_factor:g}; "
        "{cpd_days_per_year:g} CPD days a year (of {working_days_per_year:g} working days) taken "
        "from case-holding capacity; {annual_cost_gbp:gbp} a year"
    )
    source = "Warwickshire children and families workforce strategy review 2022"
    Params = AcademyParams

    def adjust(self, rates) -> None:
        p = self.params
        rates.capacity_factor *= 1.0 - p.cpd_days_per_year / p.working_days_per_year
        rates.progression_rate = rates.progression_rate * p.progression_rate_factor

    def leaving_hazard(self, ctx, staff, hazard):
        early = staff.asye_starter & (staff.years_since_hire < self.params.early_career_years)
        return np.where(early, hazard * self.params.early_career_hazard_ratio, hazard)

    def monthly_cost(self, ctx) -> float:
        return self.params.annual_cost_gbp / 12.0
