"""The ``swsim`` command line: thin over the scenario, experiment and output modules."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .scenario import ScenarioError, builtin_names, load_scenario

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="swsim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run replications of a scenario and write results")
    run.add_argument("scenario", nargs="?", default="baseline",
                     help="a scenario TOML file or a built-in name (default: baseline)")
    run.add_argument("--reps", type=_positive_int, help="replications (default: the scenario's)")
    run.add_argument("--years", type=_positive_float, help="years reported after warm-up")
    run.add_argument("--warmup-years", type=_nonnegative_float, help="years of warm-up")
    run.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    run.add_argument("--out", type=Path, help="output directory (default: results/<scenario>)")
    run.add_argument("--workers", type=_positive_int, default=1, help="parallel processes")
    run.add_argument("--quiet", action="store_true", help="no progress bar or table")

    val = sub.add_parser("validate", help="check a scenario file")
    val.add_argument("scenario")

    sub.add_parser("scenarios", help="list the built-in scenarios")
    sub.add_parser("policies", help="list the installed policies and their parameters")

    cmp_ = sub.add_parser("compare", help="compare a baseline with variants on common random numbers")
    cmp_.add_argument("items", nargs="+", metavar="SCENARIO_OR_POLICY",
                      help="the baseline (scenario file or built-in name), then variants: policy "
                      "names (added to the baseline with default parameters) or scenario files/names")
    cmp_.add_argument("--reps", type=_positive_int, help="replications (default: the baseline's)")
    cmp_.add_argument("--years", type=_positive_float, help="years reported after warm-up")
    cmp_.add_argument("--warmup-years", type=_nonnegative_float, help="years of warm-up")
    cmp_.add_argument("--seed", type=int, help="root seed (default: the baseline's)")
    cmp_.add_argument("--out", type=Path, help="output directory (default: results/compare)")
    cmp_.add_argument("--workers", type=_positive_int, default=1, help="parallel processes")
    cmp_.add_argument("--quiet", action="store_true", help="no progress bar or table")
    cmp_.add_argument("--target-metric", default="turnover_rate",
                      help="metric for --target-halfwidth (default turnover_rate)")
    cmp_.add_argument("--target-halfwidth", type=_positive_float,
                      help="add replications until the 95%% CI half-width of the target metric's paired "
                      "difference (or, alone, its mean) is at most this")
    cmp_.add_argument("--max-reps", type=_positive_int, default=1000,
                      help="most replications with --target-halfwidth")

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
        if args.command == "policies":
            return _policies()
        if args.command == "compare":
            return _compare(args)
        scenario = load_scenario(args.scenario)
        if args.command == "run":
            scenario = _run_settings(scenario, args)
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
        from .bench import bench
        bench(scenario, years=args.years, reps=args.reps)
        return 0
    return _run(scenario, args)


def _scenarios() -> int:
    for name in builtin_names():
        s = load_scenario(name)
        print(f"{name:20s} {s.description}")
    return 0


def _warmup(scenario, args: argparse.Namespace) -> int:
    from .experiment import WARMUP_COLUMNS, run_experiment, welch_warmup

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
    from policies import registry

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
    from policies import registry

    if Path(item).exists() or item not in registry():
        return load_scenario(item).with_overrides(run=base.run.model_dump())
    return base.with_policy(item)


def _compare(args: argparse.Namespace) -> int:
    import time

    from .compare import KEY_METRICS, compare
    from .output import print_comparison, write_comparison

    base = _run_settings(load_scenario(args.items[0]), args)
    variants = [_variant(base, item) for item in args.items[1:]]
    settings = base.run
    started = time.perf_counter()
    result = compare([base, *variants], reps=settings.reps, seed=settings.seed,
                     years=settings.years, warmup_years=settings.warmup_years,
                     workers=args.workers, progress=not args.quiet,
                     target_metric=args.target_metric if args.target_halfwidth else None,
                     target_halfwidth=args.target_halfwidth, max_reps=args.max_reps)
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
    return 0


def _run(scenario, args: argparse.Namespace) -> int:
    import time

    from .experiment import confidence_intervals, run_experiment
    from .output import print_table, write_run

    settings = scenario.run
    out = args.out or Path("results") / scenario.name
    started = time.perf_counter()
    timeseries, summary = run_experiment(
        scenario, reps=settings.reps, seed=settings.seed, years=settings.years,
        warmup_years=settings.warmup_years, workers=args.workers, progress=not args.quiet)
    wall = time.perf_counter() - started
    table = confidence_intervals(summary)
    write_run(out, scenario, timeseries, summary, table, wall_seconds=wall, workers=args.workers)
    if not args.quiet:
        print(f"{scenario.name}: {settings.reps} replications x {settings.years:g} years "
              f"(+{settings.warmup_years:g} warm-up), seed {settings.seed}, {wall:.1f} s")
        print_table(table)
        print(f"results written to {out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
