"""``swsim validate-calibration``: a scenario against the targets, on fresh replications, written
as a result set."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from calibration.report import validation_table, write_report
from calibration.targets import DEFAULT_TARGETS, load_targets, with_council_targets
from sim.columns import OUTCOMES
from sim.draws import load_draws
from sim.experiment.executor import Executor
from sim.experiment.resultset import Output
from sim.experiment.settings import DEFAULTS, Given, check_size, settle
from sim.experiment.variants import scenario_named
from sim.scenario import Scenario, scenario_to_toml


class Validation(NamedTuple):
    """What validate-calibration found: the lines to print and the fitted targets met."""

    lines: list[str]
    passed: int
    targets: int


def validate(
    scenario: Scenario | str,
    asked: Given,
    pool: Executor,
    output: Output = Output(),
    *,
    targets: Path | None = None,
    posterior: Path | None = None,
    yes: bool = False,
) -> Validation:
    """Simulate ``scenario`` with the settings ``asked`` (else validate-calibration's defaults; the
    parameters drawn from ``posterior`` if given) and score it against ``targets`` (default:
    calibration/targets.csv; a region's councils add their own); write the report's result set."""
    scenario = scenario_named(scenario) if isinstance(scenario, str) else scenario
    _, opts = settle(scenario, asked, DEFAULTS["validate-calibration"])  # the scenario's warm-up
    wanted = load_targets(targets or DEFAULT_TARGETS, set(OUTCOMES))
    if scenario.is_region:
        wanted = with_council_targets(wanted, scenario)
    draws = load_draws(posterior, scenario) if posterior else None
    check_size(opts, scenario, opts.reps, opts.workers, monthly=False, yes=yes)
    result = output.result_set(
        Path("results") / "validation" / scenario.name, "validation", {"scenarios": [scenario.name]}
    )
    with result.prepare() as rs, pool:
        table = validation_table(
            scenario, wanted, opts.reps, opts.seed, opts.years, opts.warmup_years, pool, draws=draws
        )
        write_report(rs.staging, table, f"Validation of {scenario.name}")
        rs.commit(opts.model_dump(), {scenario.name: scenario_to_toml(scenario)})
    shown = table[table["status"] != "not simulated"][
        ["id", "role", "target", "low", "high", "simulated_mean", "band_5", "band_95", "status"]
    ]
    fitted = table[table["role"] == "target"]
    passed = int((fitted["status"] == "pass").sum())
    return Validation(
        [
            shown.to_string(index=False, float_format=lambda x: f"{x:.3f}"),
            f"wrote {result.out}/report.md, report.csv, report.png",
            f"{passed} of {len(fitted)} targets within range",
        ],
        passed,
        len(fitted),
    )
