"""The Python API: run a scenario, compare scenarios on common random numbers, save and load results.

    import sim

    baseline = sim.load_scenario("baseline")
    results = sim.compare(baseline, "caseload_cap:cap=18", reps=20, years=5)
    results.table                      # every metric: mean, 95% CI, paired difference, method
    sim.save(results, "results/cap18", report=True)
    again = sim.load_results("results/cap18")

Everything here is what the ``swsim`` command does, without the command line.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from sim.columns import TURNOVER_RATE
from sim.experiment.compare import compare as _compare
from sim.experiment.executor import Executor, effective_workers
from sim.experiment.replications import run_experiment
from sim.experiment.results import Results, commit
from sim.experiment.results import save as _save_files
from sim.experiment.resultset import ResultSet
from sim.experiment.settings import MAX_REPS_TO_TARGET, Given, RunOptions, settle
from sim.experiment.variants import scenario_named, variant
from sim.scenario import Scenario


def _scenario(item: Scenario | str) -> Scenario:
    return item if isinstance(item, Scenario) else scenario_named(item)


def _settle(scenario: Scenario, reps, years, warmup_years, seed, workers: int | Executor):
    count = workers.workers if isinstance(workers, Executor) else workers
    return settle(
        scenario, Given(reps=reps, years=years, warmup_years=warmup_years, seed=seed, workers=count)
    )


def _record(opts, started: float, jobs: int, workers: int | Executor) -> dict:
    """The settings a result set records: the run options, where they ran, wall time."""
    dask = isinstance(workers, Executor) and workers.backend == "dask"
    cluster = dask and workers.scheduler is not None  # its workers are the scheduler's
    return {
        **opts.model_dump(),
        "workers_used": None if cluster else effective_workers(opts.workers, jobs),
        "backend": "dask" if dask else "local",
        "scheduler": workers.scheduler if cluster else None,
        "wall_seconds": round(time.perf_counter() - started, 3),
    }


def run(
    scenario: Scenario | str = "baseline",
    *,
    reps: int | None = None,
    years: float | None = None,
    warmup_years: float | None = None,
    seed: int | None = None,
    workers: int | Executor = 1,
    draws: pd.DataFrame | None = None,
    progress: bool = False,
) -> Results:
    """Run replications of one scenario (a ``Scenario``, a file or a built-in name); settings not
    given are the scenario's own. ``draws``: parameter draws, replication r uses row r;
    ``workers``: local processes, or an ``Executor`` (local processes or a Dask cluster)."""
    scenario, opts = _settle(_scenario(scenario), reps, years, warmup_years, seed, workers)
    return run_settled(scenario, opts, workers, draws, progress)


def run_settled(
    scenario: Scenario,
    opts: RunOptions,
    workers: int | Executor = 1,
    draws: pd.DataFrame | None = None,
    progress: bool = False,
) -> Results:
    """``run`` with its settings already settled (``experiment.settings.settle``)."""
    started = time.perf_counter()
    runs = run_experiment(
        scenario, opts.reps, opts.seed, opts.years, opts.warmup_years, workers, progress, draws
    )
    return Results.from_run(scenario, runs, _record(opts, started, opts.reps, workers))


def compare(
    baseline: Scenario | str,
    *variants: Scenario | str,
    reps: int | None = None,
    years: float | None = None,
    warmup_years: float | None = None,
    seed: int | None = None,
    workers: int | Executor = 1,
    draws: pd.DataFrame | None = None,
    target_metric: str | None = None,
    target_halfwidth: float | None = None,
    max_reps: int = MAX_REPS_TO_TARGET,
    progress: bool = False,
) -> Results:
    """Run a baseline and variants on the same random numbers. A variant is a ``Scenario``, a
    scenario file or name, or a policy added to the baseline: ``"caseload_cap"`` or
    ``"caseload_cap:cap=18"``. With ``target_halfwidth``, replications are added until the paired
    difference in ``target_metric`` (default turnover) is that precise, or ``max_reps``."""
    base, opts = _settle(_scenario(baseline), reps, years, warmup_years, seed, workers)
    scenarios = [base, *(variant(base, v) for v in variants)]
    return compare_settled(
        scenarios, opts, workers, draws, target_metric, target_halfwidth, max_reps, progress
    )


def compare_settled(
    scenarios: list[Scenario],
    opts: RunOptions,
    workers: int | Executor = 1,
    draws: pd.DataFrame | None = None,
    target_metric: str | None = None,
    target_halfwidth: float | None = None,
    max_reps: int = MAX_REPS_TO_TARGET,
    progress: bool = False,
) -> Results:
    """``compare`` of a baseline and its variants (``scenarios``) with the settings already
    settled (``experiment.settings.settle``)."""
    metric = target_metric or TURNOVER_RATE
    started = time.perf_counter()
    result = _compare(
        scenarios,
        reps=opts.reps,
        seed=opts.seed,
        years=opts.years,
        warmup_years=opts.warmup_years,
        workers=workers,
        progress=progress,
        target_metric=metric if target_halfwidth else None,
        target_halfwidth=target_halfwidth,
        max_reps=max_reps,
        draws=draws,
    )
    precision = result.precision(metric, target_halfwidth) if target_halfwidth else None
    return Results.from_comparison(
        result, scenarios, _record(opts, started, result.reps * len(scenarios), workers), precision
    )


def save(
    results: Results, out: str | Path, *, report: bool = False, overwrite: bool = False
) -> Path:
    """Write ``results`` as a result folder (tables, figures, manifest; the report if asked),
    whole: an earlier set in ``out`` is kept as ``out.previous`` unless ``overwrite``."""
    with ResultSet(
        Path(out), results.kind, {"scenarios": results.names}, overwrite, ["python", "sim.save"]
    ).prepare() as rs:
        return write_into(results, rs, report)


def write_into(results: Results, rs: ResultSet, report: bool = False) -> Path:
    """Write the files, figures and (if asked) the report of ``results`` into a prepared result
    set, then swap it in; the folder's path."""
    from sim.present.report import write_overview, write_report

    _save_files(results, rs)
    if results.kind == "run":
        write_overview(rs.path("overview.png"), results)
    if report:
        write_report(rs.staging, results)
    return commit(results, rs)
