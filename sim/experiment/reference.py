"""The benchmark's per-case reference model: the textbook way to write the same case flow in
SimPy, deliberately simple, to measure what swsim's design buys (``swsim bench --compare-naive``).

One SimPy process per case: referrals arrive day by day (Poisson counts at the scenario's rate and
seasonality), each case takes its first type, waits for room in the staff's caseload capacity (one
``simpy.Container`` of weighted cases: every filled post's caseload limit), holds it for an
episode, then steps to its next type or closes. Staff are fixed at the scenario's initial fill:
no levels, teams, turnover, agency or policies. It is not part of the model and no result comes
from it.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.model.clock import Clock
from sim.model.demand import referral_rate_per_day
from sim.scenario import CLOSE, Scenario


def capacity(scenario: Scenario) -> float:
    """Weighted cases the staff can hold: each level's filled posts times its caseload limit."""
    fill = scenario.workforce.initial_fill
    return float(
        sum(
            round(fill * lv.establishment) * lv.caseload_limit
            for lv in scenario.workforce.levels.ordered()
        )
    )


def _duration(case_type, rng: np.random.Generator) -> float:
    if case_type.distribution == "fixed":
        return case_type.mean_days
    if case_type.distribution == "lognormal":
        sigma2 = np.log1p(case_type.cv**2)
        return float(rng.lognormal(np.log(case_type.mean_days) - sigma2 / 2, np.sqrt(sigma2)))
    return float(rng.exponential(case_type.mean_days))


def run_reference(scenario: Scenario, years: float, rng: np.random.Generator) -> dict[str, float]:
    """Simulate ``years`` of the scenario's case flow (every council's, for a region) one process
    per case: cases referred and closed, and SimPy events processed."""
    env = simpy.Environment()
    counts = {"referred": 0, "closed": 0}
    councils = [m for _, m in scenario.members()] if scenario.is_region else [scenario]
    for council in councils:
        env.process(_referrals(env, council, rng, counts))
    processed = 0
    end = years * 365.0
    while env.peek() < end:
        env.step()
        processed += 1
    return {**counts, "events": processed}


def _referrals(
    env: simpy.Environment, scenario: Scenario, rng: np.random.Generator, counts: dict[str, int]
):
    """One council's referrals, day by day, each case a process of its own."""
    room = simpy.Container(env, capacity=capacity(scenario), init=capacity(scenario))
    types = scenario.case_types
    first = list(scenario.demand.initial_type)
    first_p = np.array([scenario.demand.initial_type[t] for t in first])
    calendar = Clock(1.0, 0.0).calendar(scenario.start.year)  # reporting from day 0

    def case(kind: str):
        while kind != CLOSE:
            t = types[kind]
            yield room.get(t.weight)
            yield env.timeout(_duration(t, rng))
            yield room.put(t.weight)
            following = list(t.next)
            kind = following[rng.choice(len(following), p=[t.next[k] for k in following])]
        counts["closed"] += 1

    day = 0
    while True:
        n = rng.poisson(
            float(referral_rate_per_day(scenario.demand, day + 0.5, calendar))
            * scenario.demand.case_share
        )
        for kind in rng.choice(len(first), size=n, p=first_p):
            env.process(case(first[kind]))
        counts["referred"] += n
        day += 1
        yield env.timeout(1.0)
