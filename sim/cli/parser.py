"""The ``swsim`` command line: every command, option, default and unit.

Values are checked by the validators the commands share (``experiment.settings.run_options`` for
replications, years, warm-up, seed and workers), so every command accepts the same ranges.
"""

from __future__ import annotations

import argparse
import math
import tomllib
from pathlib import Path

from sim import __version__
from sim.experiment.executor import cpu_count
from sim.experiment.settings import (
    BENCH_SCENARIOS,
    DEFAULTS,
    LONG_HOURS,
    MAX_REPS_TO_TARGET,
    MAX_WORKERS,
    SWEEP_DESIGN,
    SWEEP_GRID_LEVELS,
    SWEEP_SAMPLES,
    WORK_LIMIT_REPLICATION_YEARS,
)
from sim.scenario import (
    MAX_REPS,
    MAX_WARMUP_YEARS,
    MAX_YEARS,
    RunSettings,
    builtin_names,
    builtin_path,
)

DESCRIPTION = (
    "swsim: a discrete-event simulator of the children's social care workforce. "
    "Exit codes: 0 success, 2 bad input (nothing written), 1 internal error "
    "(a log holds the details), 130 interrupted."
)
LIMITS = (
    f"Limits (every command): --reps 1-{MAX_REPS:,}, --years one month to {MAX_YEARS}, "
    f"--warmup-years 0-{MAX_WARMUP_YEARS}, "
    f"--workers 1-{MAX_WORKERS} (used: at most the jobs and the CPUs); work beyond "
    f"{WORK_LIMIT_REPLICATION_YEARS:,} replication-years (times the councils of a region) that "
    f"would take more than {LONG_HOURS:g} hour (a quick timing) asks for --yes."
)


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong and where to find help."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


def fraction(text: str) -> float:
    value = finite_float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {text}")
    return value


def positive(text: str) -> float:
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def out_dir(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty string")
    return Path(text)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _builtin_values(key: str) -> dict[str, float]:
    """The built-in scenarios whose ``[run]`` sets ``key`` to other than the default."""
    default = RunSettings.model_fields[key].default
    values = {
        name: tomllib.loads(builtin_path(name).read_text(encoding="utf-8")).get("run", {}).get(key)
        for name in builtin_names()
    }
    return {name: v for name, v in values.items() if v is not None and v != default}


def default_text(command: str, key: str, whose: str = "the scenario's") -> str:
    """The help's words for the default of run setting ``key`` in ``command``: the command's own
    (``DEFAULTS``), else ``whose`` with the value and the built-ins that set another."""
    value = getattr(DEFAULTS[command], key)
    if value is not None:
        return _number(value)
    others = "".join(f"; {_number(v)} for {name}" for name, v in _builtin_values(key).items())
    return f"{whose}: {_number(RunSettings.model_fields[key].default)}{others}"


def _simulation(
    p: argparse.ArgumentParser,
    command: str,
    *,
    whose: str = "the scenario's",
    first: str = "",
    per_rep: str = "",
    warmup: bool = True,
    out: str | None = None,
    posterior: bool = False,
    workers: bool = True,
    overwrite: bool = True,
) -> None:
    """Options every simulating command shares, with ``command``'s defaults (``DEFAULTS``) in the
    help (each after ``first``, where a command looks before them)."""
    default = lambda key: first + default_text(command, key, whose)
    p.add_argument("--reps", type=int, help=f"replications (default: {default('reps')}{per_rep})")
    p.add_argument(
        "--years",
        type=finite_float,
        help=f"simulated years per replication, after the warm-up (default: {default('years')})",
    )
    if warmup:
        p.add_argument(
            "--warmup-years",
            type=finite_float,
            help=f"years simulated before reporting starts (default: {default('warmup_years')})",
        )
    p.add_argument(
        "--seed", type=int, help=f"root seed of the random streams (default: {default('seed')})"
    )
    if workers:
        _workers(p)
    p.add_argument(
        "--yes",
        action="store_true",
        help="run even when the work is large (default: off: ask first, with an estimate)",
    )
    if out is not None:
        p.add_argument("--out", type=out_dir, help=f"output folder (default: {out})")
    if out is not None and overwrite:
        p.add_argument(
            "--overwrite",
            action="store_true",
            help="replace a folder holding a different result set, and do not keep the "
            "earlier set as DIR.previous (default: off)",
        )
    if posterior:
        p.add_argument(
            "--posterior",
            type=Path,
            help="parameter draws (a calibration's posterior.csv): replication r of every "
            "scenario uses draw r (default: none, the scenario's values)",
        )


def _workers(p: argparse.ArgumentParser) -> None:
    """Where a command's replications run: local worker processes or a Dask cluster."""
    p.add_argument(
        "--workers",
        type=int,
        default=cpu_count(),
        help="worker processes; results are identical for any number (default: the "
        f"CPUs, {cpu_count()} here)",
    )
    p.add_argument(
        "--backend",
        choices=["local", "dask"],
        default="local",
        help="where replications run: local processes, or a Dask cluster; results are "
        "identical (default: %(default)s)",
    )
    p.add_argument(
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://host:8786; with --backend "
        "dask (default: a local Dask cluster of --workers processes, at most the CPUs)",
    )


def _quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", action="store_true", help="no progress bar or table (default: off)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="swsim", description=DESCRIPTION, epilog=LIMITS)
    parser.add_argument("--version", action="version", version=f"swsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run replications of a scenario and write results",
        description="Run replications of a scenario; write tables, plots and "
        "manifest.json to a result folder.",
        epilog=LIMITS,
    )
    run.add_argument(
        "scenario",
        nargs="?",
        default="baseline",
        help="a scenario TOML file or a built-in name (default: %(default)s)",
    )
    _simulation(run, "run", out="results/<scenario>", posterior=True)
    run.add_argument("--report", action="store_true", help="also write report.html (default: off)")
    _quiet(run)

    cmp_ = sub.add_parser(
        "compare",
        help="compare a baseline with variants on common random numbers",
        description="Run a baseline and variants on the same random numbers and "
        "report paired differences.",
        epilog=LIMITS,
    )
    cmp_.add_argument(
        "items",
        nargs="+",
        metavar="SCENARIO_OR_POLICY",
        help="the baseline (a scenario file or built-in name), then at least one variant: "
        "a policy name, optionally with parameters as POLICY:PARAM=VALUE[:PARAM=VALUE] "
        "(added to the baseline; other parameters at their defaults), or a scenario "
        "file or name (no default)",
    )
    _simulation(
        cmp_,
        "compare",
        whose="the baseline's",
        out="results/compare/<baseline>-vs-<variants>",
        posterior=True,
    )
    cmp_.add_argument("--report", action="store_true", help="also write report.html (default: off)")
    cmp_.add_argument(
        "--target-halfwidth",
        type=positive,
        help="add replications until the 95%% CI half-width of --target-metric's paired "
        "difference is at most this, in the metric's own unit (a share: 0.002 = 0.2 "
        "points) (default: off)",
    )
    cmp_.add_argument(
        "--target-metric",
        help="summary metric for --target-halfwidth (default: turnover_rate; see swsim columns)",
    )
    cmp_.add_argument(
        "--max-reps",
        type=int,
        help=f"most replications with --target-halfwidth (default: {MAX_REPS_TO_TARGET})",
    )
    _quiet(cmp_)

    val = sub.add_parser("validate", help="check a scenario file: one line per problem")
    val.add_argument("scenario", help="a scenario TOML file or built-in name (no default)")

    rep = sub.add_parser(
        "report", help="write DIR/report.html from the results of run, compare or sweep"
    )
    rep.add_argument("dir", type=Path, help="a result folder (no default)")

    exp = sub.add_parser(
        "explore",
        help="a local web app over result folders: the decision, measures over time, "
        "distributions, who gains and who loses, sweeps, and variants run from a form",
        description="Start a local web app (Streamlit) over the results of run, compare and sweep, "
        "and print its address; Ctrl-C stops it.",
    )
    exp.add_argument(
        "dirs",
        nargs="*",
        type=Path,
        metavar="DIR",
        help="result folders of swsim run, compare or sweep, each checked against its manifest "
        "(default: every one under results/)",
    )
    exp.add_argument(
        "--port", type=int, default=8501, help="the app's port, 1-65535 (default: %(default)s)"
    )
    exp.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address the app listens on; anything but this machine's own lets others on "
        "the network open it (default: %(default)s)",
    )

    pol = sub.add_parser("policies", help="list the installed policies and their parameters")
    pol.add_argument("--markdown", action="store_true", help="as a Markdown table (default: off)")
    sub.add_parser("scenarios", help="list the built-in scenarios")
    col = sub.add_parser("columns", help="every output column: name, unit and definition")
    col.add_argument("--markdown", action="store_true", help="as Markdown tables (default: off)")

    sw = sub.add_parser(
        "sweep",
        help="run a parameter sweep (resumable)",
        epilog=LIMITS,
        description="Run a design over scenario or policy parameters; interrupted, "
        "the same command resumes it.",
    )
    sw.add_argument(
        "scenario", nargs="?", help="scenario (default: the sweep file's, else baseline)"
    )
    sw.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=SPEC",
        help="a dotted scenario or policy parameter and a:b:step (grid), a..b (range) or "
        "v1,v2,... (values), in the parameter's own unit (default: none; repeatable)",
    )
    sw.add_argument(
        "--file", type=Path, help="a sweep file (TOML) with [params] and settings (default: none)"
    )
    sw.add_argument(
        "--design",
        choices=["grid", "lhs", "sobol"],
        help=f"design (default: the file's, else {SWEEP_DESIGN})",
    )
    sw.add_argument(
        "--samples",
        type=int,
        help="lhs: points; sobol: base samples N (N(D+2) points); "
        f"grid: levels of a..b ranges (default: {SWEEP_SAMPLES} for lhs and sobol, "
        f"{SWEEP_GRID_LEVELS} for grid)",
    )
    _simulation(
        sw,
        "sweep",
        first="the file's, else ",
        out="results/sweep/<scenario>-<design>-<parameters>",
        overwrite=False,
    )
    _quiet(sw)

    sens = sub.add_parser("sensitivity", help="sensitivity of a sweep's outcome to its parameters")
    sens.add_argument("dir", type=Path, help="a sweep folder (no default)")
    sens.add_argument(
        "--outcome",
        default="turnover_rate",
        help="a summary metric (default: %(default)s; see swsim columns)",
    )
    sens.add_argument(
        "--method",
        choices=["auto", "sobol", "regression"],
        default="auto",
        help="auto: Sobol indices for a sobol design, else regression (default: %(default)s)",
    )

    warm = sub.add_parser(
        "warmup", help="estimate the warm-up period (Welch's method)", epilog=LIMITS
    )
    warm.add_argument(
        "scenario",
        nargs="?",
        default="baseline",
        help="scenario file or built-in name (default: %(default)s)",
    )
    _simulation(warm, "warmup", warmup=False)
    warm.add_argument(
        "--tolerance",
        type=fraction,
        default=0.03,
        help="relative distance from the final level, a fraction (default: %(default)s)",
    )

    bench = sub.add_parser(
        "bench",
        help="time replications of scenarios (and a per-case reference model)",
        epilog=LIMITS,
        description="Median seconds per replication, events per second and peak "
        "memory, each scenario in a fresh process on one core.",
    )
    bench.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"scenario files or built-in names (default: {' '.join(BENCH_SCENARIOS)})",
    )
    _simulation(bench, "bench", warmup=False, workers=False)
    bench.add_argument(
        "--compare-naive",
        action="store_true",
        help="also time the per-case reference model (one SimPy process per case, "
        "same case flow) and print the ratio (default: off)",
    )
    bench.add_argument(
        "--naive-reps",
        type=int,
        default=2,
        help="replications of the reference model, 1-100 (default: %(default)s)",
    )
    bench.add_argument(
        "--profile",
        action="store_true",
        help="also print where a replication's time goes, by model process (the "
        "case flow, the month-end record, leavers, the market, ...; default: off)",
    )
    bench.add_argument(
        "--against",
        default=None,
        metavar="REF",
        help="also time another version and print this one's speed against it, the two "
        "alternated: a git commit of this checkout, a folder holding a checkout, or the "
        "Python interpreter of an environment with swsim installed (default: off)",
    )
    bench.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="with --against: rounds of the two versions alternated, 1-20 (default: %(default)s)",
    )
    bench.add_argument(
        "--councils",
        default=None,
        metavar="N[,N...]",
        help="time a region at these sizes: its first N councils, or the region "
        "repeated to reach N, with its market's flows scaled to its posts; e.g. "
        "1,4,14,28 (default: off, the scenario as it is)",
    )

    cal = sub.add_parser(
        "calibrate", help="fit uncertain parameters to documented targets", epilog=LIMITS
    )
    cal.add_argument(
        "scenario",
        nargs="?",
        default="baseline",
        help="scenario file or built-in name (default: %(default)s)",
    )
    cal.add_argument("--targets", type=Path, help="targets CSV (default: calibration/targets.csv)")
    cal.add_argument(
        "--budget",
        type=int,
        default=None,
        help="objective evaluations, 1-10,000; for a region, rounds of the per-council "
        f"fit (default: {DEFAULTS['calibrate'].budget}; "
        f"{DEFAULTS['calibrate a region'].budget} for a region)",
    )
    _simulation(cal, "calibrate", per_rep=" per evaluation", out="results/calibration/<scenario>")

    vc = sub.add_parser(
        "validate-calibration", help="report a scenario against the targets", epilog=LIMITS
    )
    vc.add_argument(
        "scenario",
        nargs="?",
        default="baseline",
        help="scenario file or built-in name (default: %(default)s)",
    )
    vc.add_argument("--targets", type=Path, help="targets CSV (default: calibration/targets.csv)")
    vc.add_argument(
        "--fail-under",
        type=int,
        default=None,
        metavar="N",
        help="exit 1 when fewer than N of the fitted targets (role 'target') are within "
        "their range (default: off: exit 0 whatever passes)",
    )
    _simulation(vc, "validate-calibration", out="results/validation/<scenario>", posterior=True)

    bt = sub.add_parser(
        "backtest",
        help="fit each council on its DfE history up to a year, "
        "forecast the years after, and score against the naive forecast",
        epilog=LIMITS,
    )
    bt.add_argument(
        "scenario",
        nargs="?",
        default="west_midlands",
        help="a region scenario whose councils are named as in the file (default: %(default)s)",
    )
    bt.add_argument(
        "--workforce",
        type=Path,
        required=True,
        help="DfE workforce file (the columns of "
        "calibration/data/csww_indicators_2017_2020.csv, any years; no default: required)",
    )
    bt.add_argument(
        "--fit-until",
        type=int,
        required=True,
        help="last year fitted; at least two years up to it must be in the file (no default: required)",
    )
    bt.add_argument(
        "--until",
        type=int,
        required=True,
        help="last year forecast and tested, after --fit-until (no default: required)",
    )
    bt.add_argument(
        "--reps",
        type=int,
        help=f"replications of the forecast (default: {default_text('backtest', 'reps')})",
    )
    bt.add_argument(
        "--budget",
        type=int,
        default=12,
        help="rounds of the per-council fit, 1-100 (default: %(default)s)",
    )
    bt.add_argument(
        "--fit-reps",
        type=int,
        default=8,
        help="replications per round of the fit, 1-1,000 (default: %(default)s)",
    )
    bt.add_argument(
        "--seed",
        type=int,
        help=f"root seed of the random streams (default: {default_text('backtest', 'seed')})",
    )
    bt.add_argument(
        "--posts",
        choices=["observed", "rule"],
        default="observed",
        help="the forecast's funded posts: 'observed', read from the file (in post + "
        "vacancies), or 'rule', funded by workforce.establishment = 'follows_demand' "
        "from the councils' referrals (default: %(default)s)",
    )
    _workers(bt)
    bt.add_argument(
        "--out", type=out_dir, help="output folder (default: results/backtest/<scenario>)"
    )
    bt.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a folder holding a different result set (default: off)",
    )

    dfe = sub.add_parser("scenario-from-dfe", help="a scenario for a council from DfE statistics")
    dfe.add_argument(
        "council",
        nargs="?",
        default=None,
        help="council name as DfE spells it, e.g. Warwickshire (no default; or --region)",
    )
    dfe.add_argument(
        "--region",
        default=None,
        help="instead of one council, every council of this English region as one "
        "region scenario, e.g. 'West Midlands' (default: none)",
    )
    dfe.add_argument(
        "--year",
        type=int,
        default=2020,
        help="reporting year (workforce data: 2017-2020) (default: %(default)s)",
    )
    dfe.add_argument(
        "--base",
        default="baseline",
        help="scenario supplying the other rates (default: %(default)s)",
    )
    dfe.add_argument("--out", type=Path, help="write the scenario to this file (default: print it)")
    dfe.add_argument(
        "--fit",
        default="quick",
        help="fit each council's turnover scale, time to fill a vacancy (or appeal, in a "
        "regional market) and agency backfill to its DfE turnover, vacancy and agency "
        "rates for the year, and print which targets the fitted scenario meets: 'quick' "
        "(6 rounds of short runs, a few minutes a council on one core), 'full' (12 rounds "
        "of longer runs), or 'none' (the base's rates, no simulation) (default: %(default)s)",
    )
    dfe.add_argument(
        "--seed",
        type=int,
        default=None,
        help="root seed of the fit's random streams (default: the base scenario's)",
    )
    _workers(dfe)
    return parser
