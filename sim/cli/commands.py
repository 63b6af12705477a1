"""Each ``swsim`` command: its arguments turned into one call of the function that does the work
(``sim.commands``, ``calibration.commands``, ``sim.experiment``), and what that returns printed."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from sim.columns import undefined_warnings
from sim.errors import BadInput
from sim.experiment.executor import Executor, check_scheduler_address, elapsed
from sim.experiment.results import load_results
from sim.experiment.resultset import Output, record_derived, replace_report
from sim.experiment.settings import Given
from sim.experiment.variants import scenario_named
from sim.policy import registry
from sim.scenario import builtin_names, load_scenario


# -- shared steps -----------------------------------------------------------------------------
def given(args: argparse.Namespace) -> Given:
    """The run settings asked for on the command line (None: not asked)."""
    return Given(**{f.name: getattr(args, f.name, None) for f in fields(Given)})


def say_wrapped(line: str) -> None:
    """Print a line for the terminal, wrapped at its width (``sim.present.terminal``)."""
    from sim.present.terminal import wrapped

    for part in wrapped(line):
        print(part)


def _next_steps(out: Path, args: argparse.Namespace) -> None:
    if args.quiet:
        return
    print(f"results written to {out}/")
    if args.report:
        print(f"report: {out / 'report.html'}")
    else:
        print(f"for the board's report: swsim report {out}")


def _warn_undefined(results) -> None:
    """A warning on the standard error for each measure left undefined because no case was
    allocated or closed (never a silent empty value)."""
    for line in undefined_warnings(results.summaries):
        print(f"warning: {line}", file=sys.stderr)


def progress_lines(command: str) -> Callable[[str], None]:
    """Progress of a long command as lines on the standard error (the results go to the standard
    output), each with the time since it began: 'calibrate: round 2/8: distance 3.1 (1m 10s)'."""
    start = time.monotonic()
    return lambda line: print(
        f"{command}: {line} ({elapsed(time.monotonic() - start)})", file=sys.stderr, flush=True
    )


def executor(args: argparse.Namespace) -> Executor:
    """The one place a command's replications run, for all of it: ``--workers`` local processes,
    or a Dask cluster (``--backend dask``, at ``--scheduler`` or a local one)."""
    if args.scheduler and args.backend != "dask":
        raise BadInput("--scheduler needs --backend dask")
    if args.scheduler and (problem := check_scheduler_address(args.scheduler)):
        raise BadInput(problem)
    return Executor(args.workers, args.backend, args.scheduler)


def output(args: argparse.Namespace) -> Output:
    """Where the command writes its result set."""
    return Output(args.out, getattr(args, "overwrite", False), tuple(args.argv))


# -- commands ---------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    from sim.commands.run import run as run_scenario
    from sim.present.tables import print_summary

    results, out = run_scenario(
        args.scenario,
        given(args),
        executor(args),
        output(args),
        posterior=args.posterior,
        report=args.report,
        yes=args.yes,
        progress=not args.quiet,
    )
    if not args.quiet:
        s = results.settings
        say_wrapped(
            f"{results.names[0]}: {s['reps']} replications x {s['years']:g} years "
            f"(+{s['warmup_years']:g} warm-up), seed {s['seed']}, {s['wall_seconds']:.1f} s"
        )
        print_summary(results)
    _warn_undefined(results)
    _next_steps(out, args)
    return 0


def compare(args: argparse.Namespace) -> int:
    from sim.commands.compare import compare as compare_scenarios
    from sim.present.tables import print_comparison, print_precision

    results, out = compare_scenarios(
        args.items,
        given(args),
        executor(args),
        output(args),
        target_metric=args.target_metric,
        target_halfwidth=args.target_halfwidth,
        max_reps=args.max_reps,
        posterior=args.posterior,
        report=args.report,
        yes=args.yes,
        progress=not args.quiet,
    )
    if not args.quiet:
        s = results.settings
        say_wrapped(
            f"{len(results.names)} scenarios x {results.reps} replications x {s['years']:g} years "
            f"(+{s['warmup_years']:g} warm-up), seed {s['seed']}, common random numbers, "
            f"{s['wall_seconds']:.1f} s"
        )
        print_comparison(results)
        print_precision(results)
    _warn_undefined(results)
    _next_steps(out, args)
    return 0


def validate(args: argparse.Namespace) -> int:
    scenario = scenario_named(args.scenario)
    print(f"{args.scenario}: valid scenario '{scenario.name}'")
    return 0


def report(args: argparse.Namespace) -> int:
    from sim.present.report import write_report, write_sweep_report

    d = args.dir
    if (d / "sweep.json").is_file():
        replace_report(d, lambda folder: write_sweep_report(d, folder))
    else:
        results = load_results(d)
        replace_report(d, lambda folder: write_report(folder, results))
    print(f"report: {d / 'report.html'}")
    return 0


def explore(args: argparse.Namespace) -> int:
    from sim.present.explore import launch

    launch.check_streamlit()
    folders, skipped = launch.folders_to_open(args.dirs, launch.RESULTS)
    for s in skipped:
        print(f"explore: skipped {s.path}: {s.why}", file=sys.stderr)
    if args.host not in launch.LOCAL_NAMES:
        print(
            f"warning: --host {args.host}: the app is open to anyone who can reach this address "
            "on the network, and runs simulations for them; the default 127.0.0.1 keeps it on "
            "this machine",
            file=sys.stderr,
        )
    launch.check_port(args.host, args.port)
    print(
        f"explore: {len(folders)} result folder(s) at {launch.url(args.host, args.port)} (Ctrl-C stops it)",
        flush=True,
    )
    return launch.serve(launch.command(folders, launch.RESULTS, args.host, args.port))


def scenarios(args: argparse.Namespace) -> int:
    for name in builtin_names():
        print(f"{name:20s} {load_scenario(name).description}")
    return 0


def policies(args: argparse.Namespace) -> int:
    from sim.present.words import policy_table

    if args.markdown:
        print(policy_table())
        return 0
    for name, cls in registry().items():
        print(f"{name}: {cls.label_for()}")
        print(f"    {cls.describe()}")
        print(f"    source: {cls.source}")
        for key, info in cls.parameters().items():
            print(f"    {key} = {info['default']!r}  {info['description']}")
    return 0


def columns(args: argparse.Namespace) -> int:
    from sim.present.words import column_tables

    print(column_tables(markdown=args.markdown))
    return 0


def sweep(args: argparse.Namespace) -> int:
    from sim.commands.sweep import sweep as run_sweep

    done = run_sweep(
        args.scenario,
        args.param,
        given(args),
        executor(args),
        output(args),
        file=args.file,
        design=args.design,
        samples=args.samples,
        yes=args.yes,
        progress=not args.quiet,
    )
    job = done.job
    if done.left is not None:
        print(
            f"\ninterrupted: {done.left} chunks still to run; run the same command to resume",
            flush=True,
        )
        return 130
    if not args.quiet:
        resumed = "" if done.before is None else f" (resumed: {done.before} chunks were missing)"
        print(
            f"sweep: {len(job.points)} points x {job.reps} replications = {done.runs} runs in "
            f"{done.seconds:.1f} s{resumed}; results in {job.out}/"
        )
        print(f"next: swsim sensitivity {job.out} --outcome turnover_rate; swsim report {job.out}")
    return 0


def sensitivity(args: argparse.Namespace) -> int:
    from sim.present.report import write_sensitivity

    table, png = write_sensitivity(args.dir, args.outcome, args.method)
    record_derived(args.dir)
    cols = [
        c
        for c in ["rank", "parameter", "low", "high", "at_low", "at_high", "src", "S1", "ST"]
        if c in table.columns
    ]
    print(table[cols].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"wrote {args.dir}/sensitivity_{args.outcome}.csv and {png}")
    return 0


def warmup(args: argparse.Namespace) -> int:
    from sim.experiment.warmup import warmup_months

    scenario = scenario_named(args.scenario)
    opts, months = warmup_months(scenario, given(args), executor(args), args.tolerance, args.yes)
    print(
        f"{scenario.name}: {opts.reps} replications from the start state; the 12-month moving "
        f"average stays within {args.tolerance:.0%} (or 2 standard errors) of its final level "
        f"from month:"
    )
    for col, month in months.items():
        print(f"  {col:20s} {month:4d}")
    print(f"suggested warm-up: {max(months.values()) / 12:.1f} years")
    return 0


def bench(args: argparse.Namespace) -> int:
    from sim.experiment.bench import bench_named

    if not 1 <= args.naive_reps <= 100:
        raise BadInput(f"--naive-reps {args.naive_reps}: must be 1-100")
    if args.against is not None:
        from sim.experiment.bench import bench_named_against

        bench_named_against(args.scenarios, given(args), args.against, args.rounds)
        return 0
    bench_named(
        args.scenarios,
        given(args),
        councils=args.councils,
        naive_reps=args.naive_reps if args.compare_naive else 0,
        profile=args.profile,
        yes=args.yes,
    )  # it prints each scenario's timings as they come
    return 0


def scenario_from_dfe(args: argparse.Namespace) -> int:
    from calibration.commands.from_dfe import scenario_from_dfe as build

    # the scenario goes to stdout without --out: the fit's lines then go to the standard error
    say = (
        (lambda line: print(line, flush=True))
        if args.out
        else (lambda line: print(line, file=sys.stderr, flush=True))
    )
    text = build(
        args.base,
        given(args),
        executor(args),
        council=args.council,
        region=args.region,
        year=args.year,
        fit=args.fit,
        out=args.out,
        say=say,
        warn=lambda line: print(line, file=sys.stderr),
    )
    print(f"wrote {args.out}" if args.out else text)
    return 0


def calibrate(args: argparse.Namespace) -> int:
    from calibration.commands.calibrate import calibrate as fit

    for line in fit(
        args.scenario,
        given(args),
        executor(args),
        output(args),
        targets=args.targets,
        yes=args.yes,
        say=progress_lines("calibrate"),
    ):
        print(line)
    return 0


def backtest(args: argparse.Namespace) -> int:
    from calibration.commands.backtest import backtest as test

    for line in test(
        args.scenario,
        given(args),
        executor(args),
        output(args),
        workforce=args.workforce,
        fit_until=args.fit_until,
        until=args.until,
        budget=args.budget,
        fit_reps=args.fit_reps,
        posts=args.posts,
        say=progress_lines("backtest"),
    ):
        print(line)
    return 0


def validate_calibration(args: argparse.Namespace) -> int:
    from calibration.commands.validate import validate as check

    if args.fail_under is not None and args.fail_under < 0:
        raise BadInput(f"--fail-under = {args.fail_under}: a number of targets, 0 or more")
    found = check(
        args.scenario,
        given(args),
        executor(args),
        output(args),
        targets=args.targets,
        posterior=args.posterior,
        yes=args.yes,
    )
    for line in found.lines:
        print(line)
    if args.fail_under is not None and found.passed < args.fail_under:
        print(
            f"swsim: fewer than --fail-under {args.fail_under} targets within range ({found.passed} "
            f"of {found.targets})",
            file=sys.stderr,
        )
        return 1
    return 0


COMMANDS = {
    "run": run,
    "compare": compare,
    "validate": validate,
    "report": report,
    "explore": explore,
    "scenarios": scenarios,
    "policies": policies,
    "columns": columns,
    "sweep": sweep,
    "sensitivity": sensitivity,
    "warmup": warmup,
    "bench": bench,
    "scenario-from-dfe": scenario_from_dfe,
    "calibrate": calibrate,
    "validate-calibration": validate_calibration,
    "backtest": backtest,
}
