"""Who leaves, when, and where to.

Each permanent worker's leaving hazard (per year) is

    h = leave_rate[level] * tenure_ratio[band] * HR_pressure ** pressure * HR_pay ** (10 * gap)

where ``pressure`` is the worker's sustained excess load (an exponentially weighted mean of weekly
``max(0, load / capacity_factor - threshold)``: weighted cases, scaled by the time they take when
policies change it), ``gap`` is ``market_salary / salary - 1`` (0 when
paid at market) and the HRs are the scenario's named hazard ratios. Retirement competes with it
(``people.py``): a worker past ``retirement.start_age`` also retires when their cumulative
retirement hazard passes a draw of its own, and everyone retires at ``retirement.latest_age``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import simpy

from sim.model._jit import njit
from sim.model.allocation import CaseBook
from sim.model.clock import DAYS_PER_YEAR
from sim.model.people import retirement_hazard
from sim.model.rates import Rates
from sim.model.roster import Roster, SocialWorker
from sim.policy import Context, Policy, Staff
from sim.scenario import DESTINATIONS, Scenario

if TYPE_CHECKING:
    from sim.model.market import LabourMarket

WEEK_DAYS = 7.0


class LeavingCouncil(Protocol):
    """A council as the leavers' and pressure steps see it (``Authority`` is one)."""

    env: simpy.Environment
    scenario: Scenario
    roster: Roster
    book: CaseBook
    rates: Rates
    outside: bool  # the labour market is outside the region
    market: LabourMarket | None
    active_policies: list[Policy]
    context: Context

    def series_factor(self, affects: str) -> float: ...

    def leave(
        self,
        worker: SocialWorker,
        destination: str,
        retired: bool = False,
        pay_driven: bool = False,
    ) -> None: ...


@dataclass(frozen=True)
class LeavingHazard:
    """A scenario's leaving-hazard law (the formula above) with its tables looked up once."""

    scale: float
    leave_rate: np.ndarray  # by level
    bands: np.ndarray  # tenure band edges, years
    tenure_ratio: np.ndarray  # by band
    pressure_ratio: float  # hazard ratio per case of sustained pressure
    pay_ratio: float  # hazard ratio per 10% pay gap
    pay_gap: np.ndarray  # by level, at the scenario's salaries

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> LeavingHazard:
        t = scenario.turnover
        levels = scenario.workforce.levels.ordered()
        return cls(
            t.hazard_scale,
            np.array([lv.leave_rate for lv in levels]),
            np.asarray(t.tenure_bands_years),
            np.asarray(t.tenure_hazard_ratios),
            t.pressure_hazard_ratio_per_case,
            t.pay_gap_hazard_ratio_per_10pct,
            np.array([lv.market_salary / lv.salary_gbp - 1.0 for lv in levels]),
        )

    def __call__(
        self,
        level: np.ndarray,
        tenure_years: np.ndarray,
        pressure: np.ndarray,
        pay_gap: np.ndarray | None = None,
    ) -> np.ndarray:
        """Annual leaving hazard of each worker (vectorised over workers); ``pay_gap`` by worker
        (default: the scenario's, by their level)."""
        tenure = self.tenure_ratio[np.searchsorted(self.bands, tenure_years, side="right")]
        gap = self.pay_gap[level] if pay_gap is None else np.asarray(pay_gap)
        return (
            self.scale
            * self.leave_rate[level]
            * tenure
            * np.power(self.pressure_ratio, pressure)
            * np.power(self.pay_ratio, 10.0 * gap)
        )


def leaving_hazard(
    scenario: Scenario,
    level: np.ndarray,
    tenure_years: np.ndarray,
    pressure: np.ndarray,
    pay_gap: np.ndarray | None = None,
) -> np.ndarray:
    """Annual leaving hazard of each worker (vectorised over workers)."""
    return LeavingHazard.from_scenario(scenario)(level, tenure_years, pressure, pay_gap)


@njit
def sustain(pressure, load, capacity_factor, threshold, alpha):
    """A week's step of each worker's sustained pressure: ``pressure += alpha * (excess -
    pressure)``, where the excess is ``max(0, load / capacity_factor - threshold)`` (the time the
    cases take: weighted load over the capacity factor, support and CPD days counted)."""
    for w in range(pressure.shape[0]):
        excess = load[w] / capacity_factor - threshold
        if excess < 0.0:
            excess = 0.0
        pressure[w] += alpha * (excess - pressure[w])


def pressure_watch(auth: LeavingCouncil):
    """Weekly: update each worker's sustained caseload pressure from their current load."""
    t = auth.scenario.turnover
    alpha = min(1.0, 1.0 / t.pressure_window_weeks)
    yield auth.env.timeout(WEEK_DAYS - 0.5)
    while True:
        sustain(
            auth.roster.pressure,
            auth.book.load,
            auth.rates.capacity_factor,
            t.pressure_threshold,
            alpha,
        )
        yield auth.env.timeout(WEEK_DAYS)


def leavers(auth: LeavingCouncil, offset: float, month_days: float):
    """Monthly: each permanent worker's cumulative hazard grows by h/12; they leave when it passes
    their resilience (a unit-exponential draw made at hire). This is the same law as leaving with
    probability 1 - exp(-h/12) each month, and couples scenarios closely: with common random
    numbers the same person leaves later, not at random, when their hazard falls. Retirement runs
    a clock of its own the same way (with ``retirement.enabled``); whoever's retirement clock has
    run out retires, even if they were leaving anyway."""
    dest_names = list(auth.scenario.turnover.destinations)
    base = np.array([auth.scenario.turnover.destinations.get(d, 0.0) for d in DESTINATIONS])
    dest_names = list(DESTINATIONS) if not auth.outside else dest_names
    dest_cum = np.cumsum([auth.scenario.turnover.destinations[d] for d in dest_names])
    retirement = auth.scenario.retirement
    hazard = LeavingHazard.from_scenario(auth.scenario)
    yield auth.env.timeout(offset)
    while True:
        now = auth.env.now
        roster = auth.roster
        slots = roster.staff_slots()
        if slots.size:
            level = roster.level[slots]
            tenure = (now - roster.hired[slots]) / DAYS_PER_YEAR
            pressure = roster.pressure[slots]
            rates = auth.rates
            h = hazard(level, tenure, pressure, rates.pay_gap[level])
            h = h * rates.hazard_factor[level] * auth.series_factor("leaving_hazard")
            if auth.active_policies:
                view = Staff(
                    level, roster.start_level[slots], roster.pipeline[slots].astype(str), tenure
                )
                for policy in auth.active_policies:
                    h = policy.leaving_hazard(auth.context, view, h)
            roster.cum_hazard[slots] += h / 12.0
            leaving = roster.cum_hazard[slots] >= roster.resilience[slots]
            retiring = np.zeros(slots.size, dtype=bool)
            if retirement.enabled:
                age = roster.ages(slots, now)
                roster.cum_retire[slots] += retirement_hazard(retirement, age) / 12.0
                retiring = (roster.cum_retire[slots] >= roster.retire_draw[slots]) | (
                    age >= retirement.latest_age
                )
            going = np.flatnonzero(leaving | retiring)
            if going.size and not auth.outside:  # the regional market tilts where they go
                shares = auth.market.destination_weights(auth, level[going], pressure[going], base)
                cums = np.cumsum(shares, axis=1)
                # the same leavers' choice with the pay tilt removed: who moves only for pay
                equal_pay = np.cumsum(
                    auth.market.destination_weights(
                        auth, level[going], pressure[going], base, pay=False
                    ),
                    axis=1,
                )
            for k, i in enumerate(going):
                slot = slots[i]
                if retiring[i]:
                    auth.leave(roster.worker_at(slot), "profession", retired=True)
                    continue
                u = roster.destination_draw[slot]
                cum = dest_cum if auth.outside else cums[k]
                d = dest_names[
                    min(int(np.searchsorted(cum, u * cum[-1], side="right")), len(dest_names) - 1)
                ]
                pay_driven = False
                if d == "other_la" and not auth.outside:
                    d0 = int(np.searchsorted(equal_pay[k], u * equal_pay[k][-1], side="right"))
                    pay_driven = dest_names[min(d0, len(dest_names) - 1)] != "other_la"
                auth.leave(roster.worker_at(slot), d, pay_driven=pay_driven)
        yield auth.env.timeout(month_days)
