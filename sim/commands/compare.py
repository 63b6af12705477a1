"""``swsim compare``: a baseline and its variants on common random numbers, written as a result set."""

from __future__ import annotations

from pathlib import Path

from sim.api import compare_settled, write_into
from sim.columns import OUTCOMES, TURNOVER_RATE
from sim.draws import load_draws
from sim.errors import BadInput
from sim.experiment.executor import Executor
from sim.experiment.results import COMPARE, Results, default_out
from sim.experiment.resultset import Output
from sim.experiment.settings import MAX_REPS_TO_TARGET, Given, check_size, settle
from sim.experiment.variants import scenario_named, suggest, variant
from sim.scenario import MAX_REPS


def compare(
    items: list[str],
    asked: Given,
    pool: Executor,
    output: Output = Output(),
    *,
    target_metric: str | None = None,
    target_halfwidth: float | None = None,
    max_reps: int | None = None,
    posterior: Path | None = None,
    report: bool = False,
    yes: bool = False,
    progress: bool = False,
) -> tuple[Results, Path]:
    """Run the baseline ``items[0]`` and the variants after it (policies or scenarios) on the same
    random numbers with the settings ``asked`` (else the baseline's); with ``target_halfwidth``,
    add replications until ``target_metric``'s paired difference is that precise (at most
    ``max_reps``). Write the result set (and the report if asked); the results and their folder."""
    if len(items) < 2:
        raise BadInput(
            f"compare needs at least one variant after the baseline {items[0]!r}; "
            "try `swsim policies` for the policies, e.g. swsim compare baseline caseload_cap"
        )
    if target_metric is not None and target_halfwidth is None:
        raise BadInput("--target-metric needs --target-halfwidth (the half-width to reach)")
    metric = target_metric or TURNOVER_RATE
    if metric not in OUTCOMES:
        raise BadInput(
            f"--target-metric {metric!r}: not a summary metric; {suggest(metric, list(OUTCOMES))}"
            "see swsim columns"
        )
    max_reps = MAX_REPS_TO_TARGET if max_reps is None else max_reps
    if not 1 <= max_reps <= MAX_REPS:  # the same limit as --reps
        raise BadInput(f"--max-reps = {max_reps}: must be between 1 and {MAX_REPS:,} replications")
    base, opts = settle(scenario_named(items[0], "baseline"), asked)
    scenarios = [base, *(variant(base, item) for item in items[1:])]
    draws = load_draws(posterior, *scenarios) if posterior else None
    names = [s.name for s in scenarios]
    with (
        output.result_set(
            default_out(COMPARE, names), COMPARE, {"scenarios": names}
        ).prepare() as rs,
        pool,
    ):
        most = max(max_reps, opts.reps) if target_halfwidth else opts.reps
        check_size(
            opts.model_copy(update={"reps": most}),
            base,
            most * len(scenarios),
            opts.workers,
            yes=yes,
        )
        results = compare_settled(
            scenarios, opts, pool, draws, metric, target_halfwidth, max_reps, progress
        )
        results.settings["posterior"] = str(posterior) if posterior else None
        out = write_into(results, rs, report)
    return results, out
