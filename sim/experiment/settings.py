"""Run settings (replications, years, warm-up, seed, workers): what each command assumes when not
told, the one merge of what is asked with the scenario's, one validator for every command, and
limits on the work and memory a command may ask for."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, fields, replace

from pydantic import Field, ValidationError

from sim.errors import BadInput
from sim.experiment.executor import effective_workers
from sim.experiment.memory import ceiling_mb
from sim.scenario import SEED, RunSettings, Scenario, expected_episodes

OPTION = {
    "reps": "--reps",
    "years": "--years",
    "warmup_years": "--warmup-years",
    "seed": "--seed",
    "workers": "--workers",
}
MAX_WORKERS = 1024
WORK_LIMIT_REPLICATION_YEARS = 20_000  # council-years beyond which a command times the work
LONG_HOURS = 1.0  # ... and asks for --yes if it would take longer than this
MONTHLY_ROWS_LIMIT = 2_500_000  # monthly rows held in memory by run and compare (~1.5 GB)
# The work of a replication estimated from the scenario (docs/background/performance.md): a council-year's
# fixed cost (month ends, policies), the cost of a case-flow event and of a post a year, a post's
# setup, and memory. Measured on this machine's kind (baseline: 0.8 s a year, 43,000 events; 10,000
# posts: 0.7 s to set up); an estimate within a factor of a few, to catch runaways before they start.
SECONDS_PER_COUNCIL_YEAR = 0.6
SECONDS_PER_EVENT = 1.5e-6
SECONDS_PER_POST_YEAR = 4e-5
SECONDS_PER_POST_SETUP = 8e-5
EVENTS_PER_EPISODE = 3.5  # referral, allocation, episode end, ... (baseline: 6 a case)
BASELINE_SECONDS_PER_YEAR = 1.0  # one baseline council-year, the unit of the work limit
QUICK_TIMING_SECONDS = 20.0  # beyond this estimate a year, the estimate is not timed
MB_BASE, MB_PER_POST, MB_PER_CASE, MB_PER_EPISODE = 300.0, 0.005, 60e-6, 30e-6


class RunOptions(RunSettings):
    """The scenario's run settings plus the number of worker processes."""

    workers: int = Field(
        1,
        ge=1,
        le=MAX_WORKERS,
        description="Worker processes (used: at most the jobs and the CPUs).",
    )


@dataclass(frozen=True)
class Given:
    """Run settings asked for, or a command's own defaults; None: not given (the scenario's)."""

    reps: int | None = None
    years: float | None = None
    warmup_years: float | None = None
    seed: int | None = None
    workers: int | None = None
    budget: int | None = None  # calibrate: evaluations (for a region, rounds of the fit)

    def over(self, defaults: Given) -> Given:
        """Each setting given here, else the one in ``defaults``."""
        return replace(
            defaults,
            **{
                f.name: getattr(self, f.name)
                for f in fields(self)
                if getattr(self, f.name) is not None
            },
        )

    def run(self) -> dict:
        """The settings ``run_options`` takes."""
        return {k: getattr(self, k) for k in OPTION}


# What each command assumes for the settings not asked for (missing here: the scenario's own).
DEFAULTS: dict[str, Given] = {
    "run": Given(),
    "compare": Given(),
    "sweep": Given(reps=4),
    "warmup": Given(reps=100, years=12.0, warmup_years=0.0, seed=1),
    "bench": Given(reps=5, years=10.0, warmup_years=0.0, seed=1),
    "calibrate": Given(reps=8, years=5.0, seed=SEED, budget=40),
    "calibrate a region": Given(reps=8, years=5.0, seed=SEED, budget=12),
    "validate-calibration": Given(reps=20, years=10.0, seed=SEED),
    "backtest": Given(reps=100, warmup_years=1.0, seed=SEED),  # years: --until - --fit-until
    "scenario-from-dfe": Given(),
}
BENCH_SCENARIOS = ("baseline", "west_midlands")  # bench: the scenarios timed
SWEEP_DESIGN, SWEEP_GRID_LEVELS, SWEEP_SAMPLES = (
    "grid",
    5,
    32,
)  # sweep: design, levels of a..b, points
MAX_REPS_TO_TARGET = 1000  # compare: most replications when adding them to reach a half-width


def settle(
    scenario: Scenario, given: Given, defaults: Given = Given()
) -> tuple[Scenario, RunOptions]:
    """The one merge of run settings: those ``given``, else ``defaults``, else the scenario's;
    validated. The scenario carrying them, and the options (with the workers)."""
    opts = run_options(scenario.run, **given.over(defaults).run())
    return scenario.with_overrides(run=opts.model_dump(exclude={"workers"})), opts


def run_options(base: RunSettings | None = None, **given) -> RunOptions:
    """``base`` (a scenario's run settings) with the given options (None: keep), validated; a
    problem names the command-line option, the value and what is allowed."""
    values = {
        **(base.model_dump() if base is not None else {}),
        **{k: v for k, v in given.items() if v is not None},
    }
    try:
        return RunOptions.model_validate(values)
    except ValidationError as err:
        raise BadInput(
            [
                f"{OPTION.get(str(e['loc'][0]), e['loc'][0])} = {e.get('input')!r}: {e['msg']}"
                for e in err.errors()
            ]
        ) from None


def seconds_per_year(scenario: Scenario) -> float:
    """A quick timing: seconds to simulate one year of ``scenario`` in this process."""
    from sim.experiment.replications import run_replication

    run_replication(scenario, 0, 0, 1 / 12, 0.0)  # compile or load the kernel first
    started = time.perf_counter()
    run_replication(scenario, 0, 0, 1.0, 0.0)
    return time.perf_counter() - started


@dataclass(frozen=True)
class Work:
    """The work of one replication of a scenario, estimated from the scenario itself: case-flow
    events a year (the demand times the expected episodes of a case, from the fundamental matrix of
    the case-type chain), funded posts (at their peak), cases open at the start, and councils."""

    events_per_year: float
    cases_per_year: float
    episodes_per_case: float
    posts: float
    open_cases: float
    councils: int
    trend: float = 0.0  # the largest yearly growth of referrals (``demand.annual_trend``)

    def grown_years(self, years: float) -> float:
        """Years of the first year's demand that ``years`` of demand growing at ``trend`` add up to
        (the integral of (1 + trend)^t; ``years`` for no growth or a fall)."""
        if self.trend <= 0:
            return years
        rate = math.log1p(self.trend)
        return math.expm1(min(rate * years, 700.0)) / rate

    def seconds_per_year(self) -> float:
        return (
            self.councils * SECONDS_PER_COUNCIL_YEAR
            + self.events_per_year * SECONDS_PER_EVENT
            + self.posts * SECONDS_PER_POST_YEAR
        )

    def seconds(self, years: float) -> float:
        """Seconds for one replication of ``years`` (warm-up included; events grow with demand)."""
        return (
            self.posts * SECONDS_PER_POST_SETUP
            + years * self.seconds_per_year()
            + (self.grown_years(years) - years) * self.events_per_year * SECONDS_PER_EVENT
        )

    def memory_mb(self, years: float) -> float:
        """Peak memory of a process running one replication of ``years``, MB (every career is
        drawn at the start)."""
        cases = self.open_cases + self.cases_per_year * self.grown_years(years)
        return (
            MB_BASE
            + self.posts * MB_PER_POST
            + cases * (MB_PER_CASE + self.episodes_per_case * MB_PER_EPISODE)
        )


def estimate_work(scenario: Scenario) -> Work:
    """The ``Work`` of one replication of ``scenario`` (summed over its councils)."""
    events = cases = episodes = posts = opened = trend = 0.0
    for _, member in scenario.members():
        d = member.demand
        trend = max(trend, d.annual_trend)
        per_year = max([d.referrals_per_year, *d.referrals_by_year.values()]) * d.case_share
        by_type = expected_episodes(member.case_types)
        per_case = sum(share * by_type[t] for t, share in d.initial_type.items())
        events += per_year * per_case * EVENTS_PER_EPISODE
        cases += per_year
        episodes += per_year * per_case
        posts += member.peak_posts()
        opened += sum(member.expected_open_cases().values())
    return Work(
        events,
        cases,
        episodes / cases if cases else 0.0,
        posts,
        opened,
        len(scenario.members()),
        trend,
    )


def check_size(
    options: RunSettings,
    scenario: Scenario,
    runs: int,
    workers: int = 1,
    monthly: bool = True,
    yes: bool = False,
) -> None:
    """Refuse work that would not fit in memory (monthly rows, or one replication above the memory
    ceiling), and ask for ``--yes`` before a long one (more than ``WORK_LIMIT_REPLICATION_YEARS``
    baseline council-years that a quick timing, or for a heavy scenario the estimate from the
    scenario, says would take more than ``LONG_HOURS`` on the workers used)."""
    councils = len(scenario.members())
    rows_per_month = councils + 1 if councils > 1 else 1  # each council's row and the region's
    months = runs * int(round(options.years * 12)) * rows_per_month
    if monthly and months > MONTHLY_ROWS_LIMIT:
        raise BadInput(
            f"{runs:,} replications x {options.years:g} years is {months:,} monthly rows, "
            f"more than the {MONTHLY_ROWS_LIMIT:,} this command holds in memory; use "
            "fewer replications or years (a sweep keeps only summaries)"
        )
    span = options.years + options.warmup_years
    work = estimate_work(scenario)
    memory = work.memory_mb(span)
    if memory > ceiling_mb():
        raise BadInput(
            f"{scenario.name}: one replication of {span:g} years (--years and "
            f"--warmup-years) would need about {memory:,.0f} MB (about "
            f"{work.cases_per_year * work.grown_years(span) + work.open_cases:,.0f} "
            f"cases from demand.referrals_per_year and annual_trend, {work.posts:,.0f} "
            "posts), above the memory "
            f"ceiling of {ceiling_mb():,} MB a process; ask for fewer years or less demand"
        )
    replication_years = runs * span
    scale = max(councils, work.seconds_per_year() / BASELINE_SECONDS_PER_YEAR)
    if replication_years * scale <= WORK_LIMIT_REPLICATION_YEARS or yes:
        return
    used = effective_workers(workers, runs)
    heavy = work.seconds_per_year() > QUICK_TIMING_SECONDS
    per_year = work.seconds_per_year() if heavy else seconds_per_year(scenario)
    hours = (
        (per_year * replication_years + work.posts * SECONDS_PER_POST_SETUP * runs) / used / 3600
    )
    if hours <= LONG_HOURS:
        return
    how = (
        "estimated from the scenario's case-flow events, posts and open cases"
        if heavy
        else "from a quick timing"
    )
    raise BadInput(
        f"{runs:,} replications of {span:g} years "
        f"({replication_years:,.0f} replication-years"
        f"{f' of {councils} councils' if councils > 1 else ''}) would take about "
        f"{_duration(hours)} on {used} worker{'s' if used > 1 else ''} and need about "
        f"{memory:,.0f} MB a worker ({how}); add --yes to run it, or ask for less"
    )


def _duration(hours: float) -> str:
    if hours < 1:
        return f"{max(1, math.ceil(hours * 60))} minutes"
    return f"{hours:.1f} hours"
