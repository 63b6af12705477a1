"""``swsim calibrate``: fit a scenario's uncertain parameters (or a region's councils) to the
targets, check the fit on fresh seeds and write the calibration's result set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from calibration.fit import Settings
from calibration.fit import calibrate as fit_targets
from calibration.region_fit import fit_region
from calibration.report import validation_table, write_report
from calibration.targets import DEFAULT_TARGETS, load_targets, with_council_targets
from sim.columns import OUTCOMES
from sim.errors import BadInput
from sim.experiment.executor import Executor
from sim.experiment.resultset import Output
from sim.experiment.settings import DEFAULTS, Given, check_size, settle
from sim.experiment.variants import scenario_named
from sim.present.tables import markdown_table
from sim.scenario import Scenario, scenario_to_toml


def calibrate(
    scenario: Scenario | str,
    asked: Given,
    pool: Executor,
    output: Output = Output(),
    *,
    targets: Path | None = None,
    yes: bool = False,
    say: Callable[[str], None] = print,
) -> list[str]:
    """Fit ``scenario`` to ``targets`` (default: calibration/targets.csv) with the settings
    ``asked`` (else calibrate's defaults) on ``pool``; write the result set; the lines to print.
    Each evaluation (a region's round) is told to ``say`` as it ends."""
    base = scenario_named(scenario) if isinstance(scenario, str) else scenario
    if base.is_region:
        return _region(base, asked, pool, output, targets, yes, say)
    asked = asked.over(DEFAULTS["calibrate"])
    if not 1 <= asked.budget <= 10_000:
        raise BadInput(f"--budget = {asked.budget}: must be between 1 and 10,000 evaluations")
    _, opts = settle(base, asked)  # the scenario's warm-up
    wanted = load_targets(targets or DEFAULT_TARGETS, set(OUTCOMES))
    check_size(opts, base, opts.reps * (asked.budget + 10), opts.workers, monthly=False, yes=yes)
    result = output.result_set(
        Path("results") / "calibration" / base.name, "calibration", {"scenarios": [base.name]}
    )
    with result.prepare() as rs, pool:
        settings = Settings(
            reps=opts.reps,
            years=opts.years,
            warmup_years=opts.warmup_years,
            seed=opts.seed,
            workers=pool,
            budget=asked.budget,
        )
        fit = fit_targets(
            base,
            wanted,
            settings,
            progress=lambda k, loss: say(
                f"evaluation {k}/{asked.budget} (at most): distance {loss:.1f}"
            ),
        )
        rs.write_table("posterior.csv", fit.posterior)
        rs.write_table("evaluations.csv", fit.evaluations)
        rs.write_table("identifiability.csv", fit.identifiability)
        rs.write_text("calibrated.toml", scenario_to_toml(fit.scenario))
        table = validation_table(
            fit.scenario,
            wanted,
            max(opts.reps, 8),
            opts.seed + 1,
            opts.years,
            opts.warmup_years,
            pool,
            draws=fit.posterior,
        )
        ident = fit.identifiability[
            ["parameter", "role", "estimate", "low_90", "high_90", "r2_with_fitted", "verdict"]
        ]
        extra = (
            "\n## Parameters\n\n"
            + markdown_table(ident)
            + f"\nFitted by the method of simulated moments (Nelder-Mead, {len(fit.evaluations)} "
            f"evaluations of {opts.reps} replications x {opts.years:g} years); final distance "
            f"{fit.loss:.3g} (sum of squared z-scores over {len(wanted.fitted)} targets). Simulated "
            f"values below use fresh seeds and draw the parameters from the posterior.\n"
        )
        write_report(rs.staging, table, f"Calibration of {base.name}", extra)
        rs.commit(
            {**opts.model_dump(), "budget": asked.budget, "distance": fit.loss},
            {base.name: scenario_to_toml(base)},
        )
    return [
        f"calibrated {base.name}: distance {fit.loss:.3g} after {len(fit.evaluations)} evaluations",
        ident.to_string(index=False),
        f"wrote {result.out}/calibrated.toml, posterior.csv, identifiability.csv, report.md/.csv/.png",
    ]


def _region(
    base: Scenario,
    asked: Given,
    pool: Executor,
    output: Output,
    targets: Path | None,
    yes: bool,
    say: Callable[[str], None],
) -> list[str]:
    """Fit each council of a region (and the region's market) by rounds of a fixed-point iteration."""
    asked = asked.over(DEFAULTS["calibrate a region"])
    rounds = asked.budget
    if not 1 <= rounds <= 100:
        raise BadInput(f"--budget = {rounds}: for a region, between 1 and 100 rounds")
    _, opts = settle(base, asked)  # the scenario's warm-up
    wanted = with_council_targets(load_targets(targets or DEFAULT_TARGETS, set(OUTCOMES)), base)
    check_size(opts, base, opts.reps * (rounds + 1), opts.workers, monthly=False, yes=yes)
    result = output.result_set(
        Path("results") / "calibration" / base.name, "calibration", {"scenarios": [base.name]}
    )
    with result.prepare() as rs, pool:
        settings = Settings(
            reps=opts.reps,
            years=opts.years,
            warmup_years=opts.warmup_years,
            seed=opts.seed,
            workers=pool,
            budget=rounds,
        )
        fit = fit_region(
            base,
            wanted.fitted,
            settings,
            progress=lambda r, loss: say(f"round {r + 1}/{rounds}: distance {loss:.1f}"),
        )
        rs.write_table("fitted.csv", fit.fitted)
        rs.write_table("history.csv", fit.history)
        rs.write_text("calibrated.toml", scenario_to_toml(fit.scenario))
        table = validation_table(
            fit.scenario, wanted, opts.reps, opts.seed + 1, opts.years, opts.warmup_years, pool
        )
        extra = (
            f"\nFitted per council (turnover scale, appeal, agency backfill) and for the region "
            f"(supply of applicants, agency inflow) by {rounds} rounds of a damped fixed-point "
            f"iteration on common random numbers ({opts.reps} replications x {opts.years:g} "
            f"years each); best distance {fit.loss:.3g} (sum of squared z-scores over the "
            f"councils' {3 * len(base.authority)} targets). Simulated values below use fresh "
            "seeds.\n\n"
            "## Fitted values\n\n" + markdown_table(fit.fitted.fillna(""))
        )
        write_report(rs.staging, table, f"Calibration of {base.name}", extra)
        rs.commit(
            {**opts.model_dump(), "budget": rounds, "distance": fit.loss},
            {base.name: scenario_to_toml(base)},
        )
    return [
        f"calibrated {base.name}: distance {fit.loss:.3g} after {rounds} rounds",
        f"wrote {result.out}/fitted.csv (copy to calibration/west_midlands_fit.csv to update the "
        "built-in), calibrated.toml, history.csv, report.md/.csv/.png",
    ]
