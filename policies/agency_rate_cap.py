"""A regional agreement with agencies on cost (FutureSocial 2017: agencies 'tied into a regional
agreement regarding cost and quality of agency staff'): the premium each adopting council pays
for an agency worker is capped, and some agency workers go to work in other regions instead."""

from __future__ import annotations

from pydantic import Field

from sim.policy import Policy, PolicyParams
from sim.scenario import MAX_PREMIUM_GBP, MAX_PROGRAMME_GBP

HOURS_A_YEAR = 37 * 52  # a full-time week (assumption) x weeks


class AgencyRateCapParams(PolicyParams):
    premium_cap_gbp: float = Field(
        round(7 * HOURS_A_YEAR),
        ge=0,
        le=MAX_PREMIUM_GBP,
        title="premium cap",
        description="The most a council pays a year for an agency worker over a permanent one. "
        "FutureSocial 2017: the difference is 'at least £7 per hour' (x 37 hours x 52 weeks = "
        "£13,468; Monmouthshire 2017: about £13,000), against Warwickshire's £20,000 in 2022.",
    )
    supply_elasticity: float = Field(
        0.5,
        ge=0,
        le=10,
        title="agency supply elasticity",
        description="How the region's agency supply follows the premium: supply x (capped / going "
        "premium) ^ elasticity (the regional pool's inflow shrinks, and idle agency workers leave "
        "it faster, by that factor; with an outside market, a vacancy finds cover less often). "
        "Assumption: no published estimate for agency social workers; 0.5 means a premium 35% "
        "lower loses about 19% of the supply.",
    )
    admin_cost_gbp_per_year: float = Field(
        20000.0,
        ge=0,
        le=MAX_PROGRAMME_GBP,
        title="running cost",
        description="The agreement's running cost for the region (contract management), shared by "
        "the adopting councils in proportion to their funded posts. Assumption.",
    )


class AgencyRateCap(Policy):
    name = "agency_rate_cap"
    scope = "region"
    label = "agency premium capped at {premium_cap_gbp:gbp}"
    description = (
        "The adopting councils (default: all) pay at most {premium_cap_gbp:gbp} a year over a "
        "permanent worker for an agency worker; the agency supply shrinks by (cap / going "
        "premium) ^ {supply_elasticity:g}; {admin_cost_gbp_per_year:gbp} a year shared by "
        "funded posts"
    )
    source = (
        "FutureSocial 2017 (West Midlands): a regional agreement with agencies on cost and quality"
    )
    Params = AgencyRateCapParams

    def __init__(self, params, start_month, rng, adopters=frozenset()):
        super().__init__(params, start_month, rng, adopters)
        self.going_premium = 0.0  # the highest premium an adopting council would pay uncapped
        self.post_share: dict[str, float] = {}

    def adjust(self, rates) -> None:
        self.going_premium = max(self.going_premium, rates.agency_premium)
        rates.agency_premium = min(rates.agency_premium, self.params.premium_cap_gbp)

    def supply_factor(self) -> float:
        """The share of the region's agency supply that stays under the cap."""
        if self.going_premium <= self.params.premium_cap_gbp:
            return 1.0
        return (self.params.premium_cap_gbp / self.going_premium) ** self.params.supply_elasticity

    def adjust_market(self, rates) -> None:
        rates.agency_supply *= self.supply_factor()

    def start_region(self, region) -> None:
        self.post_share = region.post_shares(self.adopters)

    def monthly_cost(self, ctx) -> float:
        return self.params.admin_cost_gbp_per_year / 12.0 * self.post_share.get(ctx.name, 0.0)
