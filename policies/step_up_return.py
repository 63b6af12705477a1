"""Extra entry routes (Dudley 2018): Step Up to Social Work / Frontline trainees who qualify into
ASYE posts, and Return to Social Work entrants who start as qualified social workers."""

from __future__ import annotations

from pydantic import Field

from policies._cohorts import yearly_cohorts
from sim.policy import Policy, PolicyParams
from sim.scenario import LEVELS, MAX_FEE_GBP, LevelName


class StepUpReturnParams(PolicyParams):
    step_up_per_year: int = Field(
        4,
        ge=0,
        le=1000,
        description="Step Up / Frontline trainees a year. Dudley 2018 targets: 4 "
        "recruits from Step Up, apprenticeships and Return by July 2019, 6 by December.",
    )
    step_up_months: float = Field(
        14.0, gt=0, le=60, description="Months to qualify. Step Up to Social Work: 14."
    )
    step_up_completion_probability: float = Field(
        0.9, ge=0, le=1, description="Share who qualify. Assumption."
    )
    return_per_year: int = Field(
        2, ge=0, le=1000, description="Return to Social Work entrants a year. Assumption."
    )
    return_months: float = Field(
        4.0, ge=0, le=60, description="Months of the return course. Assumption."
    )
    return_level: LevelName = Field("l2", description="Level returners start at. Assumption.")
    cost_per_trainee_gbp: float = Field(
        3000.0,
        ge=0,
        le=MAX_FEE_GBP,
        description="Cost to the authority per trainee or returner (placement, "
        "supervision). Assumption; programme fees are paid nationally.",
    )


class StepUpReturn(Policy):
    name = "step_up_return"
    label = "{step_up_per_year} Step Up trainees and {return_per_year} returners a year"
    description = (
        "{step_up_per_year} Step Up / Frontline trainees a year qualify after {step_up_months:g} "
        "months ({step_up_completion_probability:pct} complete) into ASYE posts; "
        "{return_per_year} Return to Social Work entrants a year start at {return_level:level} "
        "after a {return_months:g}-month course; {cost_per_trainee_gbp:gbp} per trainee or returner"
    )
    source = "Dudley children's services workforce strategy 2018"
    Params = StepUpReturnParams

    def __init__(self, params, start_month, rng):
        super().__init__(params, start_month, rng)
        self.in_training = 0
        self.months_active = 0

    def start(self, ctx) -> None:
        p = self.params
        ctx.process(
            yearly_cohorts(
                self,
                ctx,
                p.step_up_per_year,
                p.step_up_months,
                p.step_up_completion_probability,
                0,
                "step_up",
            )
        )
        ctx.process(
            yearly_cohorts(
                self,
                ctx,
                p.return_per_year,
                p.return_months,
                1.0,
                LEVELS.index(p.return_level),
                "return",
            )
        )

    def monthly_cost(self, ctx) -> float:
        """Each trainee's cost is booked in the month their cohort starts."""
        new = 0
        if self.months_active % 12 == 0:
            new = self.params.step_up_per_year + self.params.return_per_year
        self.months_active += 1
        return new * self.params.cost_per_trainee_gbp
