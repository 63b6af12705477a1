"""The ``swsim`` command line: thin over the scenario, experiment and output modules."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.scenario import ScenarioError, builtin_names, load_scenario

EXIT_BAD_INPUT = 2


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def _nonnegative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def _replication_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    """The options shared by ``run`` and ``compare``."""
    parser.add_argument("--reps", type=_positive_int, help="replications (default: the scenario's)")
    parser.add_argument("--years", type=_positive_float, help="years reported after warm-up")
    parser.add_argument("--warmup-years", type=_nonnegative_float, help="years of warm-up")
    parser.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    parser.add_argument("--out", type=Path, help=f"output directory (default: {default_out})")
    parser.add_argument("--workers", type=_positive_int, default=1, help="parallel processes")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or table")
    parser.add_argument("--report", action="store_true", help="also write DIR/report.html")
    parser.add_argument("--posterior", type=Path, help="parameter draws (a calibration's "
                        "posterior.csv): replication r of every scenario uses draw r")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="swsim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run replications of a scenario and write results")
    run.add_argument("scenario", nargs="?", default="baseline",
                     help="a scenario TOML file or a built-in name (default: baseline)")
    _replication_options(run, "results/<scenario>")

    val = sub.add_parser("validate", help="check a scenario file")
    val.add_argument("scenario")

    sub.add_parser("scenarios", help="list the built-in scenarios")
    rep = sub.add_parser("report", help="write DIR/report.html from the results of run or compare")
    rep.add_argument("dir", type=Path)
    sub.add_parser("policies", help="list the installed policies and their parameters")

    cmp_ = sub.add_parser("compare", help="compare a baseline with variants on common random numbers")
    cmp_.add_argument("items", nargs="+", metavar="SCENARIO_OR_POLICY",
                      help="the baseline (scenario file or built-in name), then variants: policy "
                      "names (added to the baseline with default parameters) or scenario files/names")
    _replication_options(cmp_, "results/compare")
    cmp_.add_argument("--target-metric", default="turnover_rate",
                      help="metric for --target-halfwidth (default turnover_rate)")
    cmp_.add_argument("--target-halfwidth", type=_positive_float,
                      help="add replications until the 95%% CI half-width of the target metric's paired "
                      "difference (or, alone, its mean) is at most this")
    cmp_.add_argument("--max-reps", type=_positive_int, default=1000,
                      help="most replications with --target-halfwidth")

    cal = sub.add_parser("calibrate", help="fit uncertain parameters to documented targets")
    cal.add_argument("scenario", nargs="?", default="baseline")
    cal.add_argument("--targets", type=Path, help="targets CSV (default: calibration/targets.csv)")
    cal.add_argument("--budget", type=_positive_int, default=40, help="objective evaluations (default 40)")
    cal.add_argument("--reps", type=_positive_int, default=8, help="replications per evaluation")
    cal.add_argument("--years", type=_positive_float, default=5.0, help="years per replication")
    cal.add_argument("--warmup-years", type=_nonnegative_float, default=3.0)
    cal.add_argument("--seed", type=int, default=20261125)
    cal.add_argument("--workers", type=_positive_int, default=1)
    cal.add_argument("--out", type=Path, help="output directory (default: results/calibration/<scenario>)")

    vc = sub.add_parser("validate-calibration", help="report a scenario against the targets")
    vc.add_argument("scenario", nargs="?", default="baseline")
    vc.add_argument("--targets", type=Path)
    vc.add_argument("--reps", type=_positive_int, default=20)
    vc.add_argument("--years", type=_positive_float, default=10.0)
    vc.add_argument("--warmup-years", type=_nonnegative_float, default=3.0)
    vc.add_argument("--seed", type=int, default=20261125)
    vc.add_argument("--workers", type=_positive_int, default=1)
    vc.add_argument("--posterior", type=Path)
    vc.add_argument("--out", type=Path, help="output directory (default: results/validation/<scenario>)")

    dfe = sub.add_parser("scenario-from-dfe", help="a scenario for a council from DfE statistics")
    dfe.add_argument("council", help="council name as DfE spells it, e.g. Warwickshire")
    dfe.add_argument("--year", type=int, default=2020, help="reporting year (workforce data: 2017-2020)")
    dfe.add_argument("--base", default="baseline", help="scenario supplying the other rates")
    dfe.add_argument("--out", type=Path, help="write the scenario here (default: print it)")

    sw = sub.add_parser("sweep", help="run a parameter sweep (resumable)")
    sw.add_argument("scenario", nargs="?", help="scenario (default: the sweep file's, else baseline)")
    sw.add_argument("--param", action="append", default=[], metavar="NAME=SPEC",
                    help="a dotted scenario or policy parameter and a:b:step, a..b or v1,v2,...")
    sw.add_argument("--file", type=Path, help="a sweep file (TOML) with [params] and settings")
    sw.add_argument("--design", choices=["grid", "lhs", "sobol"])
    sw.add_argument("--samples", type=_positive_int,
                    help="lhs: points; sobol: base samples (N); grid: levels of a..b ranges")
    sw.add_argument("--reps", type=_positive_int)
    sw.add_argument("--years", type=_positive_float)
    sw.add_argument("--warmup-years", type=_nonnegative_float)
    sw.add_argument("--seed", type=int)
    sw.add_argument("--out", type=Path, help="output directory (default: results/sweep)")
    sw.add_argument("--workers", type=_positive_int, default=1)
    sw.add_argument("--backend", choices=["local", "dask"], default="local")
    sw.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster)")
    sw.add_argument("--quiet", action="store_true")

    sens = sub.add_parser("sensitivity", help="sensitivity of a sweep's outcome to its parameters")
    sens.add_argument("dir", type=Path)
    sens.add_argument("--outcome", default="turnover_rate")
    sens.add_argument("--method", choices=["auto", "sobol", "regression"], default="auto")

    warm = sub.add_parser("warmup", help="estimate the warm-up period (Welch's method)")
    warm.add_argument("scenario", nargs="?", default="baseline")
    warm.add_argument("--reps", type=_positive_int, default=20)
    warm.add_argument("--years", type=_positive_float, default=12.0)
    warm.add_argument("--seed", type=int, default=1)
    warm.add_argument("--workers", type=_positive_int, default=1)
    warm.add_argument("--tolerance", type=_positive_float, default=0.03,
                      help="relative distance from the final level (default 0.03)")

    bench = sub.add_parser("bench", help="time replications of a scenario")
    bench.add_argument("scenario", nargs="?", default="baseline")
    bench.add_argument("--years", type=_positive_float, default=10.0)
    bench.add_argument("--reps", type=_positive_int, default=5)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad arguments already
        return int(exc.code or 0)
    try:
        if args.command == "scenarios":
            return _scenarios()
        if args.command == "report":
            return _report(args.dir)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "sensitivity":
            return _sensitivity(args)
        if args.command == "policies":
            return _policies()
        if args.command == "compare":
            return _compare(args)
        if args.command == "scenario-from-dfe":
            return _scenario_from_dfe(args)
        if args.command == "calibrate":
            return _calibrate(args)
        if args.command == "validate-calibration":
            return _validate_calibration(args)
        scenario = load_scenario(args.scenario)
        if args.command == "run":
            from sim.draws import load_draws
            scenario = _run_settings(scenario, args)
            args.draws = load_draws(args.posterior, scenario) if args.posterior else None
    except ScenarioError as err:
        for line in err.problems:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.command == "validate":
        print(f"{args.scenario}: valid scenario '{scenario.name}'")
        return 0
    if args.command == "warmup":
        return _warmup(scenario, args)
    if args.command == "bench":
        from sim.experiment.bench import bench
        bench(scenario, years=args.years, reps=args.reps)
        return 0
    return _run(scenario, args)


def _sweep(args: argparse.Namespace) -> int:
    import tomllib

    from sim.experiment.sweep import Sweep, parse_param, run_sweep

    spec: dict = {}
    if args.file:
        try:
            spec = tomllib.loads(args.file.read_text())
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ScenarioError([f"--file {args.file}: {err}"]) from None
        unknown = set(spec) - {"scenario", "design", "samples", "reps", "years", "warmup_years", "seed", "params"}
        if unknown:
            raise ScenarioError([f"--file {args.file}: unknown key(s) {sorted(unknown)}"])
    texts = [f"{k}={v}" for k, v in (spec.get("params") or {}).items()] + list(args.param)
    if not texts:
        raise ScenarioError(["sweep: give at least one --param NAME=SPEC (or a --file with [params])"])
    params = [parse_param(t) for t in texts]
    base = load_scenario(args.scenario or spec.get("scenario", "baseline"))
    pick = lambda key, default: getattr(args, key) if getattr(args, key) is not None else spec.get(key, default)
    kind = pick("design", "grid")
    if kind in ("lhs", "sobol") and any(p.values is not None and len(p.values) < 2 for p in params):
        raise ScenarioError([f"--design {kind}: every parameter needs a range"])
    sweep = Sweep(out=args.out or Path("results") / "sweep", base=base, params=params, kind=kind,
                  samples=pick("samples", 5 if kind == "grid" else 32), reps=pick("reps", 4),
                  seed=pick("seed", base.run.seed), years=pick("years", base.run.years),
                  warmup_years=pick("warmup_years", base.run.warmup_years))
    import time
    started = time.perf_counter()
    before = len(sweep.missing_chunks()) if (sweep.out / "sweep.json").exists() else None
    try:
        table = run_sweep(sweep, workers=args.workers, backend=args.backend,
                          scheduler=args.scheduler, progress=not args.quiet)
    except KeyboardInterrupt:
        left = len(sweep.missing_chunks())
        print(f"\ninterrupted: {left} chunks still to run; run the same command to resume",
              file=sys.stderr)
        return 130
    if not args.quiet:
        resumed = "" if before is None else f" (resumed: {before} chunks were missing)"
        print(f"sweep: {len(sweep.points)} points x {sweep.reps} replications = {len(table)} runs in "
              f"{time.perf_counter() - started:.1f} s{resumed}; results in {sweep.out}/")
        print(f"next: swsim sensitivity {sweep.out} --outcome turnover_rate; swsim report {sweep.out}")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from sim.present.report import write_sensitivity

    table, png = write_sensitivity(args.dir, args.outcome, args.method)
    cols = [c for c in ["rank", "parameter", "low", "high", "at_low", "at_high", "src", "S1", "ST"]
            if c in table.columns]
    print(table[cols].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"wrote {args.dir}/sensitivity_{args.outcome}.csv and {png}")
    return 0


def _report(directory: Path) -> int:
    from sim.present.report import write_report
    try:
        page = write_report(directory)
    except FileNotFoundError as err:
        raise ScenarioError([str(err)]) from None
    print(f"report: {page}")
    return 0


def _report_hint(out: Path, make: bool, quiet: bool) -> None:
    if make:
        _report(out)
    elif not quiet:
        print(f"for the board's report: swsim report {out}")


def _scenarios() -> int:
    for name in builtin_names():
        s = load_scenario(name)
        print(f"{name:20s} {s.description}")
    return 0


def _scenario_from_dfe(args: argparse.Namespace) -> int:
    from calibration.dfe import scenario_from_dfe

    from sim.scenario import scenario_to_toml
    scenario = scenario_from_dfe(load_scenario(args.base), args.council, args.year)
    text = scenario_to_toml(scenario)
    if args.out:
        from sim.experiment.results import write_text
        write_text(args.out, text)
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from calibration.fit import Settings, calibrate
    from calibration.report import validation_table, write_report
    from calibration.targets import DEFAULT_TARGETS, load_targets

    from sim.experiment.results import atomic_write, write_text
    from sim.scenario import scenario_to_toml

    base = load_scenario(args.scenario)
    targets = load_targets(args.targets or DEFAULT_TARGETS, _summary_columns(base))
    settings = Settings(reps=args.reps, years=args.years, warmup_years=args.warmup_years,
                        seed=args.seed, workers=args.workers, budget=args.budget)
    out = args.out or Path("results") / "calibration" / base.name
    fit = calibrate(base, targets, settings)
    atomic_write(out / "posterior.csv", lambda p: fit.posterior.to_csv(p, index=False))
    atomic_write(out / "evaluations.csv", lambda p: fit.evaluations.to_csv(p, index=False))
    atomic_write(out / "identifiability.csv", lambda p: fit.identifiability.to_csv(p, index=False))
    write_text(out / "calibrated.toml", scenario_to_toml(fit.scenario))
    table = validation_table(fit.scenario, targets, max(args.reps, 8), args.seed + 1, args.years,
                             args.warmup_years, args.workers, draws=fit.posterior)
    ident = fit.identifiability[["parameter", "role", "estimate", "low_90", "high_90",
                                 "r2_with_fitted", "verdict"]]
    extra = ("\n## Parameters\n\n" + _md_table(ident) +
             f"\nFitted by the method of simulated moments (Nelder-Mead, {len(fit.evaluations)} "
             f"evaluations of {args.reps} replications x {args.years:g} years); final distance "
             f"{fit.loss:.3g} (sum of squared z-scores over {len(targets.fitted)} targets). Simulated "
             f"values below use fresh seeds and draw the parameters from the posterior.\n")
    write_report(out, table, f"Calibration of {base.name}", extra)
    print(f"calibrated {base.name}: distance {fit.loss:.3g} after {len(fit.evaluations)} evaluations")
    print(ident.to_string(index=False))
    print(f"wrote {out}/calibrated.toml, posterior.csv, identifiability.csv, report.md/.csv/.png")
    return 0


def _md_table(frame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.4g}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _summary_columns(scenario) -> set[str]:
    """The summary metrics a run of ``scenario`` reports (from a tiny run)."""
    from sim.experiment.replications import run_replication
    return set(run_replication(scenario, 0, 0, 0.25, 0.0).summary)


def _validate_calibration(args: argparse.Namespace) -> int:
    from calibration.report import validation_table, write_report
    from calibration.targets import DEFAULT_TARGETS, load_targets

    from sim.draws import load_draws
    scenario = load_scenario(args.scenario)
    targets = load_targets(args.targets or DEFAULT_TARGETS, _summary_columns(scenario))
    draws = load_draws(args.posterior, scenario) if args.posterior else None
    out = args.out or Path("results") / "validation" / scenario.name
    table = validation_table(scenario, targets, args.reps, args.seed, args.years, args.warmup_years,
                             args.workers, draws=draws)
    write_report(out, table, f"Validation of {scenario.name}")
    shown = table[table["status"] != "not simulated"][["id", "role", "target", "low", "high",
                                                        "simulated_mean", "band_5", "band_95", "status"]]
    print(shown.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"wrote {out}/report.md, report.csv, report.png")
    return 0


def _warmup(scenario, args: argparse.Namespace) -> int:
    from sim.experiment.replications import WARMUP_COLUMNS, run_experiment, welch_warmup

    ts, _ = run_experiment(scenario, reps=args.reps, seed=args.seed, years=args.years,
                           warmup_years=0.0, workers=args.workers)
    print(f"{scenario.name}: {args.reps} replications from the start state; the 12-month moving "
          f"average stays within {args.tolerance:.0%} (or 2 standard errors) of its final level "
          f"from month:")
    months = {col: welch_warmup(ts, col, tolerance=args.tolerance) for col in WARMUP_COLUMNS}
    for col, month in months.items():
        print(f"  {col:20s} {month:4d}")
    print(f"suggested warm-up: {max(months.values()) / 12:.1f} years")
    return 0


def _policies() -> int:
    from sim.policy import registry

    for name, cls in registry().items():
        print(f"{name}: {cls.description}")
        print(f"    source: {cls.source}")
        for key, info in cls.parameters().items():
            print(f"    {key} = {info['default']!r}  {info['description']}")
    return 0


def _run_settings(scenario, args: argparse.Namespace):
    """The scenario with the command line's run settings applied (validated)."""
    overrides = {k: v for k, v in {"reps": args.reps, "years": args.years,
                                   "warmup_years": args.warmup_years, "seed": args.seed}.items()
                 if v is not None}
    return scenario.with_overrides(run=overrides)


def _variant(base, item: str):
    from sim.policy import registry

    if Path(item).exists() or item not in registry():
        return load_scenario(item).with_overrides(run=base.run.model_dump())
    return base.with_policy(item)


def _compare(args: argparse.Namespace) -> int:
    import time

    from sim.draws import load_draws
    from sim.experiment.compare import KEY_METRICS, compare
    from sim.experiment.results import print_comparison, write_comparison

    base = _run_settings(load_scenario(args.items[0]), args)
    variants = [_variant(base, item) for item in args.items[1:]]
    draws = load_draws(args.posterior, base, *variants) if args.posterior else None
    settings = base.run
    started = time.perf_counter()
    result = compare([base, *variants], reps=settings.reps, seed=settings.seed,
                     years=settings.years, warmup_years=settings.warmup_years,
                     workers=args.workers, progress=not args.quiet,
                     target_metric=args.target_metric if args.target_halfwidth else None,
                     target_halfwidth=args.target_halfwidth, max_reps=args.max_reps, draws=draws)
    wall = time.perf_counter() - started
    table = result.table()
    out = args.out or Path("results") / "compare"
    write_comparison(out, [base, *variants], result, table, wall_seconds=wall, workers=args.workers,
                     target=(args.target_metric, args.target_halfwidth) if args.target_halfwidth else None)
    if not args.quiet:
        print(f"{len(variants) + 1} scenarios x {result.reps} replications x {settings.years:g} years "
              f"(+{settings.warmup_years:g} warm-up), seed {settings.seed}, common random numbers, "
              f"{wall:.1f} s")
        if args.target_halfwidth:
            width = result.halfwidth(args.target_metric)
            print(f"target: {args.target_metric} half-width {width:.4g} "
                  f"({'met' if width <= args.target_halfwidth else 'NOT met'}, target "
                  f"{args.target_halfwidth:g}) after {result.reps} replications")
        print_comparison(table, KEY_METRICS)
        print(f"results written to {out}/")
    _report_hint(out, args.report, args.quiet)
    return 0


def _run(scenario, args: argparse.Namespace) -> int:
    import time

    from sim.experiment.replications import confidence_intervals, run_experiment
    from sim.experiment.results import print_table, write_run

    settings = scenario.run
    out = args.out or Path("results") / scenario.name
    started = time.perf_counter()
    timeseries, summary = run_experiment(
        scenario, reps=settings.reps, seed=settings.seed, years=settings.years,
        warmup_years=settings.warmup_years, workers=args.workers, progress=not args.quiet,
        draws=args.draws)
    wall = time.perf_counter() - started
    table = confidence_intervals(summary)
    write_run(out, scenario, timeseries, summary, table, wall_seconds=wall, workers=args.workers)
    from sim.present.report import write_overview
    write_overview(out / "overview.png", timeseries, summary, scenario)
    if not args.quiet:
        print(f"{scenario.name}: {settings.reps} replications x {settings.years:g} years "
              f"(+{settings.warmup_years:g} warm-up), seed {settings.seed}, {wall:.1f} s")
        print_table(table)
        print(f"results written to {out}/")
    _report_hint(out, args.report, args.quiet)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
