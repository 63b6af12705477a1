"""Grow your own: a social work degree apprenticeship intake each year that qualifies after three
years into ASYE posts (Warwickshire 2022: five apprentices on a three-year course)."""

from __future__ import annotations

from pydantic import Field

from policies._cohorts import yearly_cohorts
from sim.policy import Policy, PolicyParams
from sim.scenario import MAX_SALARY_GBP


class ApprenticeshipsParams(PolicyParams):
    intake_per_year: int = Field(
        5, ge=0, le=1000, description="Apprentices starting each year. Warwickshire 2022: five."
    )
    course_years: float = Field(
        3.0, gt=0, le=10, description="Years to qualify. Warwickshire 2022: three."
    )
    completion_probability: float = Field(
        0.8, ge=0, le=1, description="Share who qualify. Assumption."
    )
    cost_per_apprentice_gbp_per_year: float = Field(
        25000.0,
        ge=0,
        le=MAX_SALARY_GBP,
        description="Salary and on-costs of an apprentice in training. Assumption "
        "(training fees paid from the apprenticeship levy).",
    )


class Apprenticeships(Policy):
    name = "apprenticeships"
    label = "{intake_per_year} apprentices a year"
    description = (
        "{intake_per_year} degree apprentices start each year; {completion_probability:pct} "
        "qualify after {course_years:g} years into ASYE posts; "
        "{cost_per_apprentice_gbp_per_year:gbp} per apprentice a year in training"
    )
    source = "Warwickshire children and families workforce strategy review 2022"
    Params = ApprenticeshipsParams

    def __init__(self, params, start_month, rng):
        super().__init__(params, start_month, rng)
        self.in_training = 0

    def start(self, ctx) -> None:
        p = self.params
        ctx.process(
            yearly_cohorts(
                self,
                ctx,
                p.intake_per_year,
                p.course_years * 12,
                p.completion_probability,
                0,
                "apprentice",
            )
        )

    def monthly_cost(self, ctx) -> float:
        return self.in_training * self.params.cost_per_apprentice_gbp_per_year / 12.0
