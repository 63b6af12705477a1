"""One children and families academy for the whole region (FutureSocial 2017: 'pooling resources';
Warwickshire 2022's academy effect for every council's newly qualified social workers): the same
support, CPD and progression as ``academy``, one running cost shared by the adopting councils."""
from __future__ import annotations

from pydantic import Field

from policies.academy import Academy, AcademyParams
from sim.scenario import MAX_SALARY_GBP


class SharedAcademyParams(AcademyParams):
    cost_per_asye_post_gbp_per_year: float = Field(
        2000.0, ge=0, le=MAX_SALARY_GBP,
        title="cost per ASYE post", description="Running cost a year for each ASYE post of the adopting councils (practice "
        "educators' time grows with the cohort), on top of the fixed `annual_cost_gbp` that all "
        "share by their ASYE posts. Assumption.")


class SharedAcademy(Academy):
    name = "shared_academy"
    scope = "region"
    label = ("a shared regional academy (early-career leaving hazard {early_career_hazard_ratio:ratio}, "
             "{cpd_days_per_year:g} CPD days a year)")
    description = ("One academy for the adopting councils (default: all): staff who started in an ASYE "
                   "post have a leaving hazard {early_career_hazard_ratio:ratio} for their first "
                   "{early_career_years:g} years; promotion rates x{progression_rate_factor:g}; "
                   "{cpd_days_per_year:g} CPD days a year taken from case-holding capacity; "
                   "{annual_cost_gbp:gbp} a year shared by ASYE posts plus "
                   "{cost_per_asye_post_gbp_per_year:gbp} per ASYE post")
    source = "Warwickshire 2022 (the academy); FutureSocial 2017 (pooled regional training)"
    Params = SharedAcademyParams

    def __init__(self, params, start_month, rng, adopters=frozenset()):
        super().__init__(params, start_month, rng, adopters)
        self.asye_posts: dict[str, float] = {}

    def start_region(self, region) -> None:
        self.asye_posts = {n: float(c.rates.establishment[0]) for n, c in region.councils.items()
                           if n in self.adopters}

    def monthly_cost(self, ctx) -> float:
        p = self.params
        total = sum(self.asye_posts.values())
        mine = self.asye_posts.get(ctx.name, 0.0)
        share = mine / total if total else 1.0 / max(len(self.asye_posts), 1)
        return (p.annual_cost_gbp * share + p.cost_per_asye_post_gbp_per_year * mine) / 12.0
