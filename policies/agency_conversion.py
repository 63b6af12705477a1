"""Convert agency assignments into permanent posts (Monmouthshire 2017: agency workers moved onto
council terms, 18 to 7 in 18 months, saving about £13,000 a year per post)."""

from __future__ import annotations

import math

from pydantic import Field

from sim.policy import Policy, PolicyParams
from sim.scenario import MAX_FEE_GBP

MONMOUTHSHIRE_RATE = -math.log(7 / 18) / 1.5  # 0.63 a year: 18 agency workers to 7 in 18 months


class AgencyConversionParams(PolicyParams):
    conversion_rate_per_year: float = Field(
        round(MONMOUTHSHIRE_RATE, 2),
        ge=0,
        le=12,
        description="Rate at which agency workers covering posts convert to permanent. Monmouthshire "
        "2017: 18 agency workers to 7 in 18 months (0.63 a year).",
    )
    cost_per_conversion_gbp: float = Field(
        1000.0,
        ge=0,
        le=MAX_FEE_GBP,
        description="One-off cost of a conversion (offer, vetting). Assumption.",
    )


class AgencyConversion(Policy):
    name = "agency_conversion"
    label = "agency workers converted to permanent at {conversion_rate_per_year:g} a year"
    description = (
        "Agency workers covering funded posts convert to permanent staff at a rate of at least "
        "{conversion_rate_per_year:g} a year; {cost_per_conversion_gbp:gbp} per conversion"
    )
    source = "Monmouthshire cabinet report 2017"
    Params = AgencyConversionParams

    def adjust(self, rates) -> None:
        rates.conversion_rate = max(rates.conversion_rate, self.params.conversion_rate_per_year)

    def monthly_cost(self, ctx) -> float:
        return ctx.this_month("conversions") * self.params.cost_per_conversion_gbp  # this month's
