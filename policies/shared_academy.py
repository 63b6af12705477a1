"""One children and families academy for the whole region (FutureSocial 2017: 'pooling resources';
Warwickshire 2022's academy effect for every council's newly qualified social workers): the same
support, CPD and progression as ``academy``, one running cost shared by the adopting councils."""

from __future__ import annotations

from pydantic import Field

from policies.academy import Academy, AcademyParams
from sim.scenario import LEVELS, MAX_SALARY_GBP

ASYE = LEVELS.index("asye")


class SharedAcademyParams(AcademyParams):
    cost_per_asye_post_gbp_per_year: float = Field(
        2000.0,
        ge=0,
        le=MAX_SALARY_GBP,
        title="cost per ASYE post",
        description="Running cost a year for each ASYE post of the adopting councils (practice "
        "educators' time grows with the cohort), on top of the fixed `annual_cost_gbp` that all "
        "share by their ASYE posts. Assumption.",
    )


class SharedAcademy(Academy):
    name = "shared_academy"
    scope = "region"
    label = (
        "a shared regional academy (early-career leaving hazard {early_career_hazard_ratio:ratio}, "
        "{cpd_days_per_year:g} CPD days a year)"
    )
    description = (
        "One academy for the adopting councils (default: all): staff who started in an ASYE "
        "post have a leaving hazard {early_career_hazard_ratio:ratio} for their first "
        "{early_career_years:g} years; promotion rates x{progression_rate_factor:g}; "
        "{cpd_days_per_year:g} CPD days a year taken from case-holding capacity; "
        "{annual_cost_gbp:gbp} a year shared by ASYE posts plus "
        "{cost_per_asye_post_gbp_per_year:gbp} per ASYE post"
    )
    source = "Warwickshire 2022 (the academy); FutureSocial 2017 (pooled regional training)"
    Params = SharedAcademyParams

    def __init__(self, params, start_month, rng, adopters=frozenset()):
        super().__init__(params, start_month, rng, adopters)
        self.share: dict[str, float] = {}  # of the ASYE posts of the adopting councils

    def start_region(self, region) -> None:
        self.share = region.post_shares(self.adopters, level=ASYE)

    def monthly_cost(self, ctx) -> float:
        p = self.params
        mine = float(ctx.rates.establishment[ASYE])
        return (
            p.annual_cost_gbp * self.share.get(ctx.name, 0.0)
            + p.cost_per_asye_post_gbp_per_year * mine
        ) / 12.0
