"""With fixed staff and exponential durations the case flow is an M/M/c queue: compare with theory."""

from __future__ import annotations

import numpy as np
from conftest import queue_scenario

from calibration.theory import MMc
from sim.model.allocation import ARRIVAL, FIRST_ALLOC
from sim.model.clock import DAYS_PER_YEAR, Clock
from sim.model.region import Region

# c = 10 case slots at 80% utilisation: the queue relaxes in about 9 mean service times, so
# 150 years hold over a hundred independent stretches per replication.
WORKERS, LIMIT, MEAN_DAYS, RHO = 2, 5, 50.0, 0.8
YEARS, WARMUP, REPS = 150.0, 5.0, 8
DISCRETISATION_DAYS = 0.5  # events are processed once a day, so waits are whole days


def _run(scenario, rep):
    region = Region(scenario, 7, rep, Clock(YEARS, WARMUP))
    region.run()
    [auth] = region.authorities
    auth.check_conservation()
    start = int(WARMUP * DAYS_PER_YEAR)
    cs = auth.book.cases
    sel = (~auth.book.initial) & (cs[ARRIVAL] >= start) & (cs[FIRST_ALLOC] >= 0)
    waits = cs[FIRST_ALLOC][sel] - cs[ARRIVAL][sel]
    arrivals = ((cs[ARRIVAL] >= start) & ~auth.book.initial).sum()
    in_system = auth.book.daily[0, start:]
    return waits, arrivals / (auth.clock.n_days - start), in_system, auth


def test_mmc_against_erlang_c_and_littles_law():
    scenario = queue_scenario(WORKERS, LIMIT, MEAN_DAYS, RHO)
    theory = MMc(
        arrival_rate=scenario.demand.referrals_per_year / DAYS_PER_YEAR,
        service_rate=1.0 / MEAN_DAYS,
        servers=WORKERS * LIMIT,
    )
    p_waits, mean_waits, rates, means, littles = [], [], [], [], []
    for rep in range(REPS):
        w, lam, in_system, auth = _run(scenario, rep)
        p_waits.append((w > 0).mean())
        mean_waits.append(w.mean())
        rates.append(lam)
        means.append(in_system.mean())
        littles.append(in_system.mean() / (lam * (w.mean() + MEAN_DAYS)))
        # no worker ever above the hard limit in a fixed-staff queue
        assert auth.book.count.max() <= LIMIT

    def close(values, target, slack=0.0):
        values = np.asarray(values)
        se = values.std(ddof=1) / np.sqrt(len(values))
        return abs(values.mean() - target) <= 3 * se + slack, (values.mean(), se, target)

    # Arrivals are Poisson at the scenario's rate
    ok, info = close(rates, theory.arrival_rate)
    assert ok, info
    # Erlang C: the probability of waiting and the mean wait
    ok, info = close(p_waits, theory.p_wait)
    assert ok, info
    ok, info = close(mean_waits, theory.mean_wait, slack=DISCRETISATION_DAYS)
    assert ok, info
    # Little's law within each replication: L = lambda * (W_q + mean service)
    assert all(abs(x - 1) < 0.02 for x in littles), littles
    # ... and the mean number of open cases against M/M/c theory
    ok, info = close(means, theory.mean_in_system)
    assert ok, info
    assert theory.mean_wait > 5 * DISCRETISATION_DAYS  # the check above is not vacuous


def test_light_load_means_no_wait():
    workers = 10
    scenario = queue_scenario(workers, LIMIT, MEAN_DAYS, 0.3)
    theory = MMc(
        scenario.demand.referrals_per_year / DAYS_PER_YEAR, 1.0 / MEAN_DAYS, workers * LIMIT
    )
    assert theory.p_wait < 1e-6
    w, _, in_system, _ = _run(scenario, 0)
    assert (w > 0).mean() < 0.001
    assert abs(in_system.mean() / theory.offered_load - 1) < 0.1
