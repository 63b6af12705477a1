"""``swsim backtest``: fit each council of a region on its DfE history up to a year, forecast the
years after, score the forecast against the naive one, and write the backtest's result set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from calibration.backtest import SEPTEMBER, read_workforce
from calibration.backtest import backtest as run_backtest
from calibration.backtest_report import LABELS, plot_metric, summary_text
from calibration.fit import Settings
from sim.errors import BadInput
from sim.experiment.executor import Executor
from sim.experiment.resultset import Output
from sim.experiment.settings import DEFAULTS, Given, settle
from sim.experiment.variants import scenario_named
from sim.scenario import Scenario, scenario_to_toml


def backtest(
    scenario: Scenario | str,
    asked: Given,
    pool: Executor,
    output: Output = Output(),
    *,
    workforce: Path,
    fit_until: int,
    until: int,
    budget: int,
    fit_reps: int,
    posts: str = "observed",
    say: Callable[[str], None] = print,
) -> list[str]:
    """Backtest region ``scenario`` against the DfE ``workforce`` file: fit up to ``fit_until``
    (``budget`` rounds of ``fit_reps`` replications, each told to ``say``), forecast to ``until``
    with the settings ``asked`` (else backtest's defaults); write the result set; the lines to print."""
    named = scenario if isinstance(scenario, str) else scenario.name
    scenario = scenario_named(scenario) if isinstance(scenario, str) else scenario
    if not scenario.is_region:
        raise BadInput(
            f"{named}: backtest needs a region scenario (councils in "
            "[authority.NAME] sections, named as the workforce file names them); a "
            "single council is a region of one"
        )
    if until <= fit_until:
        raise BadInput(f"--until {until}: must be after --fit-until {fit_until}")
    if not 1 <= budget <= 100:
        raise BadInput(f"--budget = {budget}: rounds of the fit, between 1 and 100")
    if not 1 <= fit_reps <= 1000:
        raise BadInput(f"--fit-reps = {fit_reps}: between 1 and 1,000")
    _, opts = settle(scenario, asked, replace(DEFAULTS["backtest"], years=float(until - fit_until)))
    names = [name for name, _ in scenario.members()]
    observed = read_workforce(workforce, names, list(range(fit_until, until + 1)))
    observed = observed[observed["year"] <= until]
    fit_years = sorted(y for y in observed["year"].unique() if y <= fit_until)
    if len(fit_years) < 2:
        raise BadInput(
            f"--fit-until {fit_until}: {workforce} has {len(fit_years)} year up "
            "to it; the fit needs at least two (it estimates how rates persist from year "
            "to year)"
        )
    identity = {
        "scenarios": [scenario.name],
        "workforce": str(workforce),
        "fit_until": fit_until,
        "until": until,
        **({"posts": posts} if posts != "observed" else {}),
    }
    result = output.result_set(Path("results") / "backtest" / scenario.name, "backtest", identity)
    with result.prepare() as rs, pool:
        settings = Settings(reps=fit_reps, seed=opts.seed + 1, workers=pool, budget=budget)
        bt = run_backtest(
            scenario,
            observed,
            fit_until,
            until,
            opts.reps,
            opts.seed,
            pool,
            settings,
            progress=lambda r, loss: say(f"fit round {r + 1}/{budget}: distance {loss:.1f}"),
            posts=posts,
        )
        rs.write_table("backtest.csv", bt.table)
        rs.write_table("summary.csv", bt.scores)
        rs.write_table("parameters.csv", bt.fit.parameters)
        rs.write_table("fit_quality.csv", bt.fit.quality)
        rs.write_table("pooled.csv", bt.fit.pooled)
        rs.write_table("fit_history.csv", bt.fit.region_fit.history)
        rs.write_table("simulated.csv", bt.simulated)
        rs.write_text("fitted.toml", scenario_to_toml(bt.start))
        for metric in LABELS:
            plot_metric(bt, observed, metric, fit_until, rs.path(f"backtest_{metric}.png"))
        rs.write_text(
            "summary.md",
            summary_text(bt, scenario.name, str(workforce), fit_until, until, opts.reps, posts),
        )
        rs.commit(
            {
                **opts.model_dump(),
                "budget": budget,
                "fit_reps": fit_reps,
                "census_month": SEPTEMBER,
                "posts": posts,
            },
            {scenario.name: scenario_to_toml(scenario)},
        )
    return [
        bt.scores.to_string(index=False, float_format=lambda x: f"{x:.3f}"),
        f"wrote {result.out}/backtest.csv, summary.md, summary.csv, parameters.csv, "
        "backtest_<metric>.png",
    ]
