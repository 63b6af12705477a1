"""``swsim run``: replications of one scenario, written as a result set."""

from __future__ import annotations

from pathlib import Path

from sim.api import run_settled, write_into
from sim.draws import load_draws
from sim.experiment.executor import Executor
from sim.experiment.results import RUN, Results, default_out
from sim.experiment.resultset import Output
from sim.experiment.settings import Given, check_size, settle
from sim.experiment.variants import scenario_named
from sim.scenario import Scenario


def run(
    scenario: Scenario | str,
    asked: Given,
    pool: Executor,
    output: Output = Output(),
    *,
    posterior: Path | None = None,
    report: bool = False,
    yes: bool = False,
    progress: bool = False,
) -> tuple[Results, Path]:
    """Run ``scenario`` with the settings ``asked`` (else the scenario's) on ``pool``, the
    parameters drawn from ``posterior`` if given; write the result set (and the report if asked);
    the results and their folder."""
    scenario = scenario_named(scenario) if isinstance(scenario, str) else scenario
    scenario, opts = settle(scenario, asked)
    draws = load_draws(posterior, scenario) if posterior else None
    with (
        output.result_set(
            default_out(RUN, [scenario.name]), RUN, {"scenarios": [scenario.name]}
        ).prepare() as rs,
        pool,
    ):
        check_size(opts, scenario, opts.reps, opts.workers, yes=yes)
        results = run_settled(scenario, opts, pool, draws, progress)
        results.settings["posterior"] = str(posterior) if posterior else None
        out = write_into(results, rs, report)
    return results, out
