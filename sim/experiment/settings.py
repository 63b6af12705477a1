"""Run settings (replications, years, warm-up, seed, workers): one validator for every command, and
limits on the work and memory a command may ask for."""
from __future__ import annotations

import math
import time

from pydantic import Field, ValidationError

from sim.errors import BadInput
from sim.experiment.executor import effective_workers
from sim.scenario import RunSettings, Scenario

OPTION = {"reps": "--reps", "years": "--years", "warmup_years": "--warmup-years", "seed": "--seed",
          "workers": "--workers"}
MAX_WORKERS = 1024
WORK_LIMIT_REPLICATION_YEARS = 20_000   # council-years beyond which a command times the work
LONG_HOURS = 1.0                        # ... and asks for --yes if it would take longer than this
MONTHLY_ROWS_LIMIT = 2_500_000         # monthly rows held in memory by run and compare (~1.5 GB)


class RunOptions(RunSettings):
    """The scenario's run settings plus the number of worker processes."""

    workers: int = Field(1, ge=1, le=MAX_WORKERS,
                         description="Worker processes (used: at most the jobs and the CPUs).")


def run_options(base: RunSettings | None = None, **given) -> RunOptions:
    """``base`` (a scenario's run settings) with the given options (None: keep), validated; a
    problem names the command-line option, the value and what is allowed."""
    values = {**(base.model_dump() if base is not None else {}),
              **{k: v for k, v in given.items() if v is not None}}
    try:
        return RunOptions.model_validate(values)
    except ValidationError as err:
        raise BadInput([f"{OPTION.get(str(e['loc'][0]), e['loc'][0])} = {e.get('input')!r}: {e['msg']}"
                        for e in err.errors()]) from None


def seconds_per_year(scenario: Scenario) -> float:
    """A quick timing: seconds to simulate one year of ``scenario`` in this process."""
    from sim.experiment.replications import run_replication

    run_replication(scenario, 0, 0, 1 / 12, 0.0)          # compile or load the kernel first
    started = time.perf_counter()
    run_replication(scenario, 0, 0, 1.0, 0.0)
    return time.perf_counter() - started


def check_size(options: RunSettings, scenario: Scenario, runs: int, workers: int = 1,
               monthly: bool = True, yes: bool = False) -> None:
    """Refuse work that would not fit in memory, and ask for ``--yes`` before a long one (more
    than ``WORK_LIMIT_REPLICATION_YEARS`` council-years that a quick timing says would take more
    than ``LONG_HOURS`` on the workers used)."""
    councils = len(scenario.members())
    rows_per_month = councils + 1 if councils > 1 else 1   # each council's row and the region's
    months = runs * int(round(options.years * 12)) * rows_per_month
    if monthly and months > MONTHLY_ROWS_LIMIT:
        raise BadInput(f"{runs:,} replications x {options.years:g} years is {months:,} monthly rows, "
                       f"more than the {MONTHLY_ROWS_LIMIT:,} this command holds in memory; use "
                       "fewer replications or years (a sweep keeps only summaries)")
    replication_years = runs * (options.years + options.warmup_years)
    if replication_years * councils <= WORK_LIMIT_REPLICATION_YEARS or yes:
        return
    used = effective_workers(workers, runs)
    hours = seconds_per_year(scenario) * replication_years / used / 3600
    if hours <= LONG_HOURS:
        return
    raise BadInput(f"{runs:,} replications of {options.years + options.warmup_years:g} years "
                   f"({replication_years:,.0f} replication-years"
                   f"{f' of {councils} councils' if councils > 1 else ''}) would take about "
                   f"{_duration(hours)} on {used} worker{'s' if used > 1 else ''} (from a quick "
                   "timing); add --yes to run it, or ask for less")


def _duration(hours: float) -> str:
    if hours < 1:
        return f"{max(1, math.ceil(hours * 60))} minutes"
    return f"{hours:.1f} hours"
