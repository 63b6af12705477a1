"""The rates the model reads while it runs: the scenario's values (the funded posts as they are
now, see ``workforce.establishment_by_year``), as adjusted by active policies.

Processes read ``Authority.rates`` each time they act, so a policy that starts mid-run changes
salaries, limits, recruitment times and so on from that moment. Arrays are indexed by level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario


@dataclass
class Rates:
    establishment: np.ndarray  # funded posts
    salary: np.ndarray  # GBP per year
    market_salary: np.ndarray  # GBP per year the market pays
    caseload_limit: np.ndarray  # weighted cases
    limit_cap: float  # a cap on every worker's limit (inf: none)
    team_limit_factor: np.ndarray  # multiplies the limits of each team's workers
    capacity_factor: float  # multiplies every limit (support officers, CPD days, absence)
    fill_days: np.ndarray  # mean days to fill a vacancy
    progression_rate: np.ndarray  # promotions per year once eligible
    hazard_factor: np.ndarray  # multiplies the leaving hazard
    asye_pass_probability: float
    conversion_rate: float  # agency to permanent, per year
    agency_premium: float  # GBP per year
    on_cost_rate: float
    recruitment_cost: float  # GBP per external hire
    supplement_max: float  # the largest market supplement the council may pay (share of salary)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Rates:
        levels = scenario.workforce.levels.ordered()
        return cls(
            establishment=np.array([lv.establishment for lv in levels]),
            salary=np.array([lv.salary_gbp for lv in levels]),
            market_salary=np.array([lv.market_salary for lv in levels]),
            caseload_limit=np.array([lv.caseload_limit for lv in levels]),
            limit_cap=np.inf,
            team_limit_factor=np.array([t.caseload_limit_factor for _, t in scenario.team_list()]),
            capacity_factor=1.0,
            fill_days=np.array([lv.fill_days_mean for lv in levels]),
            progression_rate=np.array([lv.progression_rate for lv in levels]),
            hazard_factor=np.ones(len(levels)),
            asye_pass_probability=scenario.workforce.asye_pass_probability,
            conversion_rate=scenario.agency.conversion_rate_per_year,
            agency_premium=scenario.agency.premium_gbp_per_year,
            on_cost_rate=scenario.costs.on_cost_rate,
            recruitment_cost=scenario.costs.recruitment_cost_gbp,
            supplement_max=scenario.market.supplement_max,
        )

    def copy(self) -> Rates:
        """The same rates with arrays of their own (a policy adjusting them leaves these be)."""
        other = object.__new__(type(self))
        other.__dict__.update(
            {
                name: value.copy() if isinstance(value, np.ndarray) else value
                for name, value in vars(self).items()
            }
        )
        return other

    def limit(self, level: int, team: int = 0) -> float:
        """A worker's hard caseload limit at ``level`` in ``team`` (weighted cases)."""
        return min(
            self.caseload_limit[level] * self.capacity_factor * self.team_limit_factor[team],
            self.limit_cap,
        )

    def limits(self, level: np.ndarray, team: np.ndarray) -> np.ndarray:
        """``limit`` for arrays of levels and teams (the same numbers, vectorised)."""
        return np.minimum(
            self.caseload_limit[level] * self.capacity_factor * self.team_limit_factor[team],
            self.limit_cap,
        )

    @property
    def pay_gap(self) -> np.ndarray:
        """Market salary over own salary, minus one, by level (0 when paid at market)."""
        return self.market_salary / self.salary - 1.0

    @property
    def permanent_cost(self) -> np.ndarray:
        """Annual cost of a permanent FTE by level: salary plus on-costs."""
        return self.salary * (1.0 + self.on_cost_rate)

    @property
    def agency_cost(self) -> np.ndarray:
        """Annual cost of an agency FTE covering a post of each level."""
        return self.permanent_cost + self.agency_premium
