"""``swsim bench``: seconds per replication and simulated events per second.

Numba compiles the case-flow kernel on first use (then caches it on disk); the benchmark runs one
short replication first so that compilation is not timed.
"""
from __future__ import annotations

import time

import simpy

from sim.model._jit import JIT
from sim.experiment.replications import run_replication
from sim.scenario import Scenario


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes (for the benchmark only)."""

    def __init__(self) -> None:
        super().__init__()
        self.processed = 0

    def step(self) -> None:
        self.processed += 1
        super().step()


def bench(scenario: Scenario, years: float = 10.0, reps: int = 5, seed: int = 1) -> dict[str, float]:
    started = time.perf_counter()
    run_replication(scenario, rep=0, seed=0, years=0.25, warmup_years=0.0)
    compile_s = time.perf_counter() - started
    times, events = [], 0
    for rep in range(reps):
        t0 = time.perf_counter()
        env = CountingEnvironment()
        result = run_replication(scenario, rep=rep, seed=seed, years=years, warmup_years=0.0, env=env)
        times.append(time.perf_counter() - t0)
        events += env.processed + result.case_events
    per_rep = sorted(times)[len(times) // 2]
    out = {"seconds_per_replication_median": per_rep, "seconds_per_replication_min": min(times),
           "events_per_second": events / sum(times), "events_per_replication": events / reps,
           "first_call_seconds": compile_s}
    print(f"scenario {scenario.name}: {reps} replications of {years:g} years, no warm-up "
          f"(numba {'on' if JIT else 'off'})")
    print(f"  seconds per replication: median {per_rep:.3f}, min {min(times):.3f}")
    print(f"  events per replication:  {events / reps:,.0f} (SimPy events + case-flow events)")
    print(f"  events per second:       {events / sum(times):,.0f}")
    print(f"  first call (compile or load cache): {compile_s:.2f} s")
    return out
