"""Golden hellos: a payment to each new recruit (Warwickshire 2022: councils that kept their social
workers 'offered large financial incentives', and a review found the market 'was not working
because [of] these local authority incentives'). A council that offers one draws applicants and
other councils' staff; the others answer in kind (the bidding war of the FutureSocial briefing),
so across the region the effect can be none, at a cost."""

from __future__ import annotations

import math

from pydantic import Field

from sim.policy import Policy, PolicyParams
from sim.scenario import MAX_SALARY_GBP


class GoldenHelloParams(PolicyParams):
    hello_gbp: float = Field(
        5000.0,
        ge=0,
        le=MAX_SALARY_GBP,
        title="golden hello",
        description="Paid to each recruit from outside the "
        "council (newly qualified, experienced, from another council). Assumption: advertised "
        "golden hellos for children's social workers are commonly £2,000 to £10,000.",
    )
    clawback_years: float = Field(
        2.0,
        gt=0,
        le=10,
        title="clawback years",
        description="Years a recruit must stay or repay it: recruits weigh the "
        "hello as hello / clawback_years a year on top of salary. Assumption.",
    )
    response_rate_per_year: float = Field(
        1.0,
        ge=0,
        le=52,
        title="others' response rate",
        description="Rate a year at which each council not yet offering one "
        "starts to (once one council does): the competitive response. Assumption (FutureSocial "
        "2017: 'each council tries to outdo the other'; 0: no response).",
    )


class GoldenHello(Policy):
    name = "golden_hello"
    scope = "region"
    label = "golden hellos of {hello_gbp:gbp}"
    description = (
        "The adopting councils (default: all) pay {hello_gbp:gbp} to each recruit from outside "
        "(weighed as {hello_gbp:gbp} over {clawback_years:g} years of pay by applicants and "
        "by other councils' staff choosing where to move); each other council follows "
        "at {response_rate_per_year:g} a year. Acts through the regional market's choices "
        "(with an outside market it only costs)"
    )
    source = "Warwickshire 2022 ('large financial incentives'); FutureSocial 2017 (the bidding war)"
    Params = GoldenHelloParams

    def __init__(self, params, start_month, rng, adopters=frozenset()):
        super().__init__(params, start_month, rng, adopters)
        self.offering: list[str] = []  # councils paying hellos, in the order they started

    def _offer(self, ctx) -> None:
        self.offering.append(ctx.name)
        ctx.offer_incentive(self.params.hello_gbp / self.params.clawback_years)

    def start_region(self, region) -> None:
        for name, ctx in region.councils.items():
            if name in self.adopters:
                self._offer(ctx)

    def monthly_region(self, region) -> None:
        follow = -math.expm1(-self.params.response_rate_per_year / 12.0)
        for name, ctx in region.councils.items():  # the region's order: common random numbers
            u = self.rng.random()
            if name not in self.offering and u < follow:
                self._offer(ctx)
        for name in self.offering:
            ctx = region.councils[name]
            ctx.charge(self.params.hello_gbp * ctx.this_month("external_hires"))
