"""``swsim bench``: seconds per replication, simulated events per second and peak memory, and
beside them (``--compare-naive``) the per-case reference model on the same case flow.

Each scenario is timed in a fresh worker process (so its peak memory is its own), one short
replication first so that numba's compilation (or loading its cache) is not timed. The peak
resident memory is read after the first timed replication and after the last: a model whose
memory is flat as replications grow gives the same figure twice.
"""

from __future__ import annotations

import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np
import simpy

from sim.errors import BadInput
from sim.experiment.executor import stop_pool
from sim.experiment.reference import run_reference
from sim.experiment.replications import run_replication
from sim.experiment.settings import BENCH_SCENARIOS, DEFAULTS, Given, check_size, settle
from sim.experiment.targets import memory_lines, reference_lines
from sim.experiment.variants import scenario_named
from sim.model._jit import JIT
from sim.scenario import MAX_AUTHORITIES, Scenario, parse_scenario


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes (for the benchmark only)."""

    def __init__(self) -> None:
        super().__init__()
        self.processed = 0

    def step(self) -> None:
        self.processed += 1
        super().step()


class ProfilingEnvironment(CountingEnvironment):
    """A counting environment that also times each event, by the model process it resumes (the
    name of its generator: ``leavers``, ``_case_flow``, ...; its SimPy bookkeeping included)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: dict[str, float] = {}

    def step(self) -> None:
        name = _resumed(self._queue[0][3]) if self._queue else OTHER_EVENTS
        started = time.perf_counter()
        try:
            super().step()
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


OTHER_EVENTS = "other SimPy events"
OUTSIDE = "outside the event loop"  # building the region; final checks, tables and summaries
PARTS = {  # the model's processes in words (others are shown by their generator's name)
    "_case_flow": "case flow (the compiled kernel)",
    "_record": "month-end record",
    "leavers": "leavers",
    "promotions": "promotions",
    "conversions": "agency conversions",
    "asye_year": "the ASYE year",
    "absence_watch": "sickness absence",
    "pressure_watch": "caseload pressure",
    "backfill": "agency backfill",
    "assignment": "agency assignments",
    "recruit": "recruitment (outside market)",
    "_weekly": "market: weekly matching",
    "_monthly": "market: monthly arrivals and pay",
    "_run_policy": "policies",
    OUTSIDE: "building, final checks, tables, summaries",
}
# The parts in three kinds of work (and the building outside the event loop): the compiled case
# flow; the workforce's monthly steps (each council's, the record's and the market's); people's
# events (agency spells, recruitment, the ASYE year, the weekly matching of movers and applicants).
MONTHLY_STEPS = "monthly steps: record, leavers, promotions, absence, market"
PEOPLES_EVENTS = "people's events: agency, recruitment, ASYE, weekly matching"
KINDS = {
    "_case_flow": PARTS["_case_flow"],
    OUTSIDE: PARTS[OUTSIDE],
    "_record": MONTHLY_STEPS,
    "leavers": MONTHLY_STEPS,
    "promotions": MONTHLY_STEPS,
    "conversions": MONTHLY_STEPS,
    "absence_watch": MONTHLY_STEPS,
    "pressure_watch": MONTHLY_STEPS,
    "_monthly": MONTHLY_STEPS,
    "_run_policy": MONTHLY_STEPS,
    "review_establishment": MONTHLY_STEPS,
    "follow_establishment": MONTHLY_STEPS,
    "overflow_agency": MONTHLY_STEPS,
    "agency_beyond_vacancies": MONTHLY_STEPS,
}


def by_kind(parts: dict[str, float]) -> dict[str, float]:
    """A profile's seconds by kind of work (``KINDS``; any other process is a person's event),
    largest first."""
    out: dict[str, float] = {}
    for name, seconds in parts.items():
        kind = KINDS.get(name, PEOPLES_EVENTS)
        out[kind] = out.get(kind, 0.0) + seconds
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _resumed(event: simpy.Event) -> str:
    """The generator name of the first process ``event`` resumes."""
    for callback in event.callbacks or ():
        process = getattr(callback, "__self__", None)
        if isinstance(process, simpy.Process):
            return process._generator.__name__
    return OTHER_EVENTS


@dataclass
class Timing:
    """One scenario's benchmark (seconds per replication are medians over the replications)."""

    scenario: str
    councils: int
    years: float
    reps: int
    seconds_per_replication: float
    seconds_per_replication_min: float
    events_per_replication: float
    events_per_second: float
    first_call_seconds: float
    peak_mb_first: float  # peak resident memory after the first timed replication
    peak_mb_last: float  # ... and after the last
    floor_mb: float  # ... and before it: the process after imports and the compile call
    naive_reps: int = 0
    naive_seconds_per_replication: float = float("nan")
    naive_events_per_replication: float = float("nan")
    profile: dict[str, float] | None = None  # mean seconds per replication by part (--profile)

    @property
    def speedup(self) -> float:
        """How many times faster than the per-case reference model."""
        return self.naive_seconds_per_replication / self.seconds_per_replication


def scaled_region(scenario: Scenario, councils: int) -> Scenario:
    """The region cut to its first ``councils`` councils, or repeated to reach them (copies named
    "NAME 2", "NAME 3", ...), its market's flows (newly qualified and experienced applicants,
    agency inflow and pool) scaled with its posts: the same region per post, larger or smaller."""
    if not scenario.is_region:
        raise BadInput(f"--councils needs a region scenario; {scenario.name} is one council")
    if not 1 <= councils <= MAX_AUTHORITIES:
        raise BadInput(f"--councils {councils}: must be 1-{MAX_AUTHORITIES}")
    names = list(scenario.authority)
    chosen = [(names[i % len(names)], i // len(names)) for i in range(councils)]
    posts = {
        name: sum(lv.establishment for lv in member.workforce.levels.ordered())
        for name, member in scenario.members()
    }
    ratio = sum(posts[name] for name, _ in chosen) / sum(posts.values())
    data = scenario.model_dump(mode="python")
    data["name"] = f"{scenario.name}_{councils}"
    data["authority"] = {
        (name if copy == 0 else f"{name} {copy + 1}"): scenario.authority[name]
        for name, copy in chosen
    }
    market = data["market"]
    market["newly_qualified_per_year"] *= ratio
    market["experienced_per_year"] = {
        k: v * ratio for k, v in market["experienced_per_year"].items()
    }
    market["agency_inflow_per_year"] *= ratio
    market["agency_pool_start"] = int(round(market["agency_pool_start"] * ratio))
    return parse_scenario(data)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def time_scenario(
    scenario: Scenario,
    years: float,
    reps: int,
    seed: int,
    naive_reps: int = 0,
    profile: bool = False,
) -> Timing:
    """Time ``reps`` replications of ``scenario`` in this process (and ``naive_reps`` of the
    reference model); ``profile``: also where each replication's time goes, by model process."""
    started = time.perf_counter()
    run_replication(scenario, rep=0, seed=0, years=0.25, warmup_years=0.0)
    compile_s = time.perf_counter() - started
    floor_mb = _peak_mb()
    times, events, peaks = [], 0, []
    parts: dict[str, float] = {}
    for rep in range(reps):
        t0 = time.perf_counter()
        env = ProfilingEnvironment() if profile else CountingEnvironment()
        result = run_replication(
            scenario, rep=rep, seed=seed, years=years, warmup_years=0.0, env=env
        )
        times.append(time.perf_counter() - t0)
        events += env.processed + result.case_events
        peaks.append(_peak_mb())
        if profile:
            for name, seconds in env.seconds.items():
                parts[name] = parts.get(name, 0.0) + seconds / reps
            parts[OUTSIDE] = (
                parts.get(OUTSIDE, 0.0) + (times[-1] - sum(env.seconds.values())) / reps
            )
    naive_times, naive_events = [], 0
    for rep in range(naive_reps):
        t0 = time.perf_counter()
        out = run_reference(scenario, years, np.random.default_rng([seed, rep]))
        naive_times.append(time.perf_counter() - t0)
        naive_events += out["events"]
    return Timing(
        scenario.name,
        len(list(scenario.members())) if scenario.is_region else 1,
        years,
        reps,
        float(np.median(times)),
        min(times),
        events / reps,
        events / sum(times),
        compile_s,
        peaks[0],
        peaks[-1],
        floor_mb,
        naive_reps,
        float(np.median(naive_times)) if naive_times else float("nan"),
        naive_events / naive_reps if naive_reps else float("nan"),
        dict(sorted(parts.items(), key=lambda kv: -kv[1])) if profile else None,
    )


def bench_named(
    names: list[str],
    asked: Given,
    *,
    councils: str | None = None,
    naive_reps: int = 0,
    profile: bool = False,
    yes: bool = False,
) -> list[Timing]:
    """``bench`` of the scenarios ``names`` (default: ``BENCH_SCENARIOS``), each at the sizes
    ``councils`` (e.g. "1,4,14,28") if given, with the settings ``asked`` (else bench's defaults)."""
    scenarios = [scenario_named(name) for name in names or BENCH_SCENARIOS]
    if councils is not None:
        try:
            sizes = [int(n) for n in councils.split(",")]
        except ValueError:
            raise BadInput(
                f"--councils {councils!r}: give council counts, e.g. 1,4,14,28"
            ) from None
        scenarios = [scaled_region(s, n) for s in scenarios for n in sizes]
    _, opts = settle(scenarios[0], asked, DEFAULTS["bench"])  # the same for all
    for scenario in scenarios:
        check_size(opts, scenario, opts.reps, 1, monthly=False, yes=yes)
    return bench(
        scenarios,
        years=opts.years,
        reps=opts.reps,
        seed=opts.seed,
        naive_reps=naive_reps,
        profile=profile,
    )


def bench_named_against(names: list[str], asked: Given, ref: str, rounds: int) -> list:
    """``against.bench_against`` of the scenarios ``names`` (default: ``BENCH_SCENARIOS``) with the
    settings ``asked`` (else bench's defaults)."""
    from sim.experiment.against import bench_against

    if not 1 <= rounds <= 20:
        raise BadInput(f"--rounds {rounds}: must be 1-20")
    names = names or list(BENCH_SCENARIOS)
    _, opts = settle(scenario_named(names[0]), asked, DEFAULTS["bench"])
    return bench_against(names, ref, opts.reps, opts.years, opts.seed, rounds)


def bench(
    scenarios: list[Scenario],
    years: float = DEFAULTS["bench"].years,
    reps: int = DEFAULTS["bench"].reps,
    seed: int = DEFAULTS["bench"].seed,
    naive_reps: int = 0,
    profile: bool = False,
) -> list[Timing]:
    """Time each scenario in a fresh process of its own, print and return the timings
    (``profile``: with where each replication's time goes)."""
    print(
        f"{reps} replications of {years:g} years per scenario, no warm-up, one core each "
        f"(numba {'on' if JIT else 'off'})"
        + (f"; the per-case reference model: {naive_reps} replications" if naive_reps else "")
    )
    out = []
    for scenario in scenarios:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
        try:
            t = pool.submit(
                time_scenario, scenario, years, reps, seed, naive_reps, profile
            ).result()
        finally:
            stop_pool(pool)  # at once, also when interrupted
        out.append(t)
        print(f"scenario {t.scenario} ({t.councils} council{'s' if t.councils > 1 else ''}):")
        print(
            f"  seconds per replication: median {t.seconds_per_replication:.3f}, "
            f"min {t.seconds_per_replication_min:.3f}"
        )
        print(
            f"  events per replication:  {t.events_per_replication:,.0f} (SimPy events + case-flow events)"
        )
        print(f"  events per second:       {t.events_per_second:,.0f}")
        print(
            f"  peak memory:             {t.peak_mb_first:,.0f} MB after the first replication, "
            f"{t.peak_mb_last:,.0f} MB after the last"
        )
        print(
            f"                           {t.floor_mb:,.0f} MB of it before the first: Python, the "
            "libraries, the compiled kernel"
        )
        for line in memory_lines(t.scenario, t.peak_mb_first, t.peak_mb_last):
            print(line)
        print(f"  first call (compile or load cache): {t.first_call_seconds:.2f} s")
        if naive_reps:
            print(
                f"  per-case reference model: {t.naive_seconds_per_replication:.3f} s per "
                f"replication ({t.naive_events_per_replication:,.0f} SimPy events): "
                + (
                    f"swsim is {t.speedup:.1f} times faster"
                    if t.speedup >= 1
                    else f"the reference model is {1 / t.speedup:.1f} times faster (too short a run "
                    "to amortise swsim's set-up)"
                )
            )
            for line in reference_lines(t.scenario, t.speedup):
                print(line)
        if t.profile:
            total = sum(t.profile.values())
            print("  where a replication's time goes (mean seconds; the timers add a little):")
            for name, seconds in t.profile.items():
                print(
                    f"    {PARTS.get(name, name):<44} {seconds:7.3f} s  {100 * seconds / total:5.1f}%"
                )
            print("  by kind of work:")
            for kind, seconds in by_kind(t.profile).items():
                print(f"    {kind:<58} {seconds:7.3f} s  {100 * seconds / total:5.1f}%")
    return out
