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
        scenario = load_scenario(args.scenario)
    except ScenarioError as err:
        for line in err.problems:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.command == "validate":
        print(f"{args.scenario}: valid scenario '{scenario.name}'")
        return 0
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


def _run(scenario, args: argparse.Namespace) -> int:
    from .output import print_table, write_run
    from .experiment import confidence_intervals, run_experiment
    import time

    overrides = {k: v for k, v in {"reps": args.reps, "years": args.years,
                                   "warmup_years": args.warmup_years, "seed": args.seed}.items()
                 if v is not None}
    try:
        scenario = scenario.with_overrides(run=overrides)
    except ScenarioError as err:
        for line in err.problems:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
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
