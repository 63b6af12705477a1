"""Social work support officers who take tasks that need no social work qualification, freeing
social workers' time (Nottinghamshire 2014 pilot: 19 posts for six months, £230,328)."""

from __future__ import annotations

from pydantic import Field

from sim.policy import Policy, PolicyParams
from sim.scenario import MAX_SALARY_GBP

NOTTS_COST_PER_POST_YEAR = 230328.0 / 19 / 0.5  # £24,245: 19 posts for six months


class SupportOfficersParams(PolicyParams):
    officers: int = Field(
        19, ge=0, le=10000, description="Support officer posts. Nottinghamshire pilot: 19."
    )
    workers_per_officer: float = Field(
        5.0, gt=0, le=100, description="Social workers each officer supports. Assumption."
    )
    capacity_gain: float = Field(
        0.15,
        ge=0,
        le=1,
        description="Extra caseload a supported worker can hold (0.15 = 15%). "
        "Assumption (Hackney 'Reclaiming Social Work' model, cited by Nottinghamshire).",
    )
    hazard_ratio: float = Field(
        0.95,
        gt=0,
        le=2,
        description="Leaving hazard ratio of supported workers (morale). "
        "A ratio below 1 lowers their hazard. Assumption (Nottinghamshire expected improved morale and "
        "retention).",
    )
    cost_per_officer_gbp_per_year: float = Field(
        round(NOTTS_COST_PER_POST_YEAR),
        ge=0,
        le=MAX_SALARY_GBP,
        description="Cost of one officer per year. Nottinghamshire 2014: £230,328 / 19 posts / half a year.",
    )
    duration_months: int = Field(
        0,
        ge=0,
        le=1200,
        description="Months the officers are in post; 0 = indefinitely "
        "(the Nottinghamshire pilot: 6).",
    )


class SupportOfficers(Policy):
    name = "support_officers"
    label = "{officers} support officers"
    description = (
        "{officers} support officers take tasks that need no social work qualification, each "
        "for {workers_per_officer:g} social workers: a supported worker can hold "
        "{capacity_gain:pct} more weighted cases and their leaving hazard is {hazard_ratio:ratio}; "
        "{cost_per_officer_gbp_per_year:gbp} per officer a year, for {duration_months} months "
        "(0: indefinitely)"
    )
    source = "Nottinghamshire children's social care social work practice pilot 2014"
    Params = SupportOfficersParams

    def __init__(self, params, start_month, rng):
        super().__init__(params, start_month, rng)
        self.months = 0
        self.ended = False

    def _share(self, establishment: float) -> float:
        """Share of the workforce the officers support."""
        return min(
            1.0, self.params.officers * self.params.workers_per_officer / max(establishment, 1.0)
        )

    def adjust(self, rates) -> None:
        if not self.ended:
            rates.capacity_factor *= 1.0 + self.params.capacity_gain * self._share(
                rates.establishment.sum()
            )
            rates.hazard_factor = rates.hazard_factor * (
                1.0 - self._share(rates.establishment.sum()) * (1.0 - self.params.hazard_ratio)
            )

    def monthly(self, ctx) -> None:
        self.months += 1
        if (
            self.params.duration_months
            and self.months > self.params.duration_months
            and not self.ended
        ):
            self.ended = True
            ctx.refresh_rates()

    def monthly_cost(self, ctx) -> float:
        return (
            0.0
            if self.ended
            else self.params.officers * self.params.cost_per_officer_gbp_per_year / 12.0
        )
