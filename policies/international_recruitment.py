"""A cohort of social workers recruited from overseas (Warwickshire 2022: 25 social workers over two
years through a specialist agency, £125,000 plus salary)."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from sim.model.clock import MONTH_DAYS
from sim.policy import Policy, PolicyParams
from sim.scenario import LEVELS, MAX_FEE_GBP, LevelName

PIPELINE = "international"


class InternationalRecruitmentParams(PolicyParams):
    recruits: int = Field(
        25, ge=0, le=10000, description="Recruits in the cohort. Warwickshire 2022: 25."
    )
    over_years: float = Field(
        2.0, gt=0, le=20, description="Years over which they arrive, evenly. Warwickshire: two."
    )
    level: LevelName = Field(
        "l3", description="Level they are appointed at. Assumption: experienced."
    )
    cost_per_recruit_gbp: float = Field(
        5000.0,
        ge=0,
        le=MAX_FEE_GBP,
        description="Agency fee per recruit. Warwickshire 2022: £125,000 for 25.",
    )
    hazard_ratio: float = Field(
        1.0,
        gt=0,
        le=5,
        description="Leaving hazard ratio of recruits versus other staff. Assumption "
        "(Warwickshire: three overseas staff planned to return to WCC).",
    )


class InternationalRecruitment(Policy):
    name = "international_recruitment"
    label = "{recruits} international recruits over {over_years:g} years"
    description = (
        "{recruits} social workers recruited from overseas arrive evenly over {over_years:g} "
        "years at {level:level}, into vacancies or above establishment; their leaving hazard "
        "against other staff's: {hazard_ratio:ratio}; {cost_per_recruit_gbp:gbp} per recruit"
    )
    source = "Warwickshire children and families workforce strategy review 2022"
    Params = InternationalRecruitmentParams

    def __init__(self, params, start_month, rng):
        super().__init__(params, start_month, rng)
        self.cost_due = 0.0

    def start(self, ctx) -> None:
        if self.params.recruits:
            ctx.process(self._arrivals(ctx))

    def _arrivals(self, ctx):
        p = self.params
        gap = p.over_years * 12 * MONTH_DAYS / p.recruits
        for _ in range(p.recruits):
            yield ctx.timeout(gap)
            ctx.hire(LEVELS.index(p.level), PIPELINE)
            self.cost_due += p.cost_per_recruit_gbp

    def leaving_hazard(self, ctx, staff, hazard):
        if self.params.hazard_ratio == 1.0:
            return hazard
        return np.where(staff.pipeline == PIPELINE, hazard * self.params.hazard_ratio, hazard)

    def monthly_cost(self, ctx) -> float:
        cost, self.cost_due = self.cost_due, 0.0
        return cost
