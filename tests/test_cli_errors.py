"""Ordinary mistakes get one clear line naming what is wrong, exit code 2, and nothing written; the
command line guides (version, help with defaults, suggestions for misspelt names)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main
from sim.cli.parser import build_parser
from sim.scenario import load_scenario

QUICK = ["--reps", "1", "--years", "1", "--warmup-years", "0", "--quiet"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A file, a finished run, a finished sweep and some damaged copies of them."""
    root = tmp_path_factory.mktemp("cli")
    (root / "file.txt").write_text("not a folder")
    assert main(["run", "baseline", *QUICK, "--out", str(root / "run")]) == 0
    assert (
        main(
            [
                "sweep",
                "--param",
                "agency.premium_gbp_per_year=10000,20000",
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--quiet",
                "--out",
                str(root / "sweep"),
            ]
        )
        == 0
    )
    nodesign = root / "nodesign"
    subprocess.run(["cp", "-r", str(root / "sweep"), str(nodesign)], check=True)
    (nodesign / "design.parquet").unlink()
    badjson = root / "badjson"
    subprocess.run(["cp", "-r", str(root / "sweep"), str(badjson)], check=True)
    (badjson / "sweep.json").write_text("{not json")
    badparquet = root / "badparquet"
    subprocess.run(["cp", "-r", str(root / "sweep"), str(badparquet)], check=True)
    next((badparquet / "results").glob("chunk-*.parquet")).write_bytes(b"PAR1 garbage")
    (root / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (root / "utf16.csv").write_text("workforce.levels.l3.leave_rate\n0.1\n", encoding="utf-16")
    (root / "range.csv").write_text("workforce.levels.l3.leave_rate\n0.1\n-3\n")
    (root / "nan.csv").write_text("turnover.destinations.profession\nnan\n")
    (root / "sweep_dir").mkdir()
    for name, text in {
        "reps": 'reps = "two"\n',
        "samples": "samples = -1\n",
        "years": "years = -1.0\n",
        "seed": 'seed = "x"\n',
        "params": "params = 5\n",
        "scenario": "scenario = 5\n",
        "zero": "reps = 0\n",
    }.items():
        (root / f"sweep_{name}.toml").write_text(
            text + ("" if name == "params" else '[params]\n"agency.premium_gbp_per_year" = "1,2"\n')
        )
    return {"root": root}


def R(folders, name: str) -> str:
    return str(folders["root"] / name)


BAD = [  # (arguments, text the one line must contain); {root} is the fixture folder
    (["run", "--reps", "0"], "--reps"),
    (["run", "--reps", "1000000"], "--reps"),
    (["run", "--years", "nan"], "--years"),
    (["run", "--years", "inf"], "--years"),
    (["run", "--years", "1e9"], "--years"),
    (["run", "--years", "1e-9"], "--years"),
    (["run", "--warmup-years", "nan"], "--warmup-years"),
    (["run", "--seed", "-1"], "--seed"),
    (["run", "--workers", "0"], "--workers"),
    (["run", "--workers", "1000000"], "--workers"),
    (["run", "--out", ""], "--out"),
    (["run", "--out", "{root}/file.txt"], "is a file"),
    (["run", "--out", "{root}/file.txt/below"], "is a file"),
    (["run", "--out", "/dev/null"], "is a file"),
    (["run", "no_such_scenario"], "built-in scenarios"),
    (["run", "basline"], "did you mean baseline"),
    (["run", "caseload_cap"], "it is a policy"),
    (["run", "--posterior", "{root}/binary.csv"], "binary.csv"),
    (["run", "--posterior", "{root}/utf16.csv"], "utf16.csv"),
    (["run", "--posterior", "{root}/sweep_dir"], "sweep_dir"),
    (["run", "--posterior", "{root}/range.csv"], "row 3"),
    (["run", "--posterior", "{root}/nan.csv"], "nan.csv"),
    (["compare", "baseline"], "compare needs at least one variant"),
    (["compare", "baseline", "caseload_capp"], "did you mean caseload_cap"),
    (["compare", "baseline", "caseload_cap:capp=18"], "did you mean cap"),
    (["compare", "baseline", "caseload_cap:cap"], "POLICY:PARAM=VALUE"),
    (["compare", "baseline", "caseload_cap:cap=0"], "cap"),
    (
        ["compare", "baseline", "academy", "--target-metric", "turnover_rate"],
        "needs --target-halfwidth",
    ),
    (["compare", "baseline", "academy", "--target-halfwidth", "nan"], "--target-halfwidth"),
    (
        [
            "compare",
            "baseline",
            "academy",
            "--target-halfwidth",
            "0.01",
            "--target-metric",
            "happy",
        ],
        "not a summary metric",
    ),
    (["compare", "baseline", "academy", "--max-reps", "0"], "--max-reps"),
    (["compare", "baseline", "academy", "--max-reps", "100000"], "--max-reps"),
    (["sweep", "--param", "policy.caseload_cap=1,2"], "policy.<policy>.<parameter>"),
    (["sweep", "--param", "demand.case_share=0.5..1e400"], "finite"),
    (["sweep", "--param", "demand.case_share=0:1:1e-12"], "at most"),
    (["sweep", "--param", "agency.premium_gbp_per_year=1,2", "--design", "sobol"], "a..b"),
    (
        [
            "sweep",
            "--param",
            "agency.premium_gbp_per_year=1..2",
            "--design",
            "lhs",
            "--samples",
            "1000000000",
        ],
        "--samples",
    ),
    (
        ["sweep", "--param", "agency.premium_gbp_per_year=1..2", "--scheduler", "tcp://x:1"],
        "needs --backend dask",
    ),
    (
        [
            "sweep",
            "--param",
            "agency.premium_gbp_per_year=1..2",
            "--backend",
            "dask",
            "--scheduler",
            "not-an-address",
        ],
        "not a scheduler address",
    ),
    (["sweep", "--file", "{root}/sweep_reps.toml"], "reps"),
    (["sweep", "--file", "{root}/sweep_samples.toml"], "samples"),
    (["sweep", "--file", "{root}/sweep_years.toml"], "--years"),
    (["sweep", "--file", "{root}/sweep_seed.toml"], "seed"),
    (["sweep", "--file", "{root}/sweep_params.toml"], "params"),
    (["sweep", "--file", "{root}/sweep_scenario.toml"], "scenario"),
    (["sweep", "--file", "{root}/sweep_zero.toml"], "--reps"),
    (["warmup", "--tolerance", "nan"], "--tolerance"),
    (["warmup", "--reps", "1000000"], "--reps"),
    (["warmup", "--years", "1e9"], "--years"),
    (["bench", "--years", "1e9"], "--years"),
    (["bench", "--reps", "1000000"], "--reps"),
    (["calibrate", "--budget", "0"], "--budget"),
    (["report", "{root}/nodesign"], "design.parquet"),
    (["report", "{root}/badjson"], "sweep.json"),
    (["sensitivity", "{root}/nodesign"], "design.parquet"),
    (["sensitivity", "{root}/badparquet"], "chunk-"),
    (["sensitivity", "{root}/run"], "not a sweep"),
    (["report", "{root}/file.txt"], "file.txt"),
    (["scenario-from-dfe", "Warwickshire", "--out", "{root}"], "is a folder"),
    (["scenario-from-dfe", "Warwickshire", "--year", "2016"], "2017"),
    (["scenario-from-dfe", "Warwickshir"], "Warwickshire"),
    (["scenario-from-dfe", "Warwickshire", "--fit", "fast"], "--fit"),
    (["scenario-from-dfe", "Warwickshire", "--seed", "-1"], "--seed"),
]


@pytest.mark.parametrize("args,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_exit_2(folders, capsys, args, message):
    args = [a.replace("{root}", str(folders["root"])) for a in args]
    before = sorted(p.name for p in folders["root"].iterdir())
    assert main(args) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert message in err, err
    assert "Traceback" not in err
    assert len(lines) == 1, err
    assert sorted(p.name for p in folders["root"].iterdir()) == before  # nothing written


@pytest.mark.slow
def test_an_unreachable_scheduler_fails_in_seconds(tmp_path, capsys):
    started = time.perf_counter()
    assert (
        main(
            [
                "sweep",
                "--param",
                "agency.premium_gbp_per_year=1..2",
                "--backend",
                "dask",
                "--scheduler",
                "tcp://127.0.0.1:9",
                "--reps",
                "1",
                "--years",
                "1",
                "--quiet",
                "--out",
                str(tmp_path / "sw"),
            ]
        )
        == 2
    )
    assert time.perf_counter() - started < 20
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err


def test_a_read_only_folder_is_refused_before_simulating(read_only_dir, capsys):
    ro, _ = read_only_dir
    started = time.perf_counter()
    assert main(["run", "--reps", "200", "--out", str(ro / "r"), "--quiet"]) == 2
    assert time.perf_counter() - started < 10  # refused before 200 replications ran
    assert "cannot write there" in capsys.readouterr().err


def test_a_large_run_asks_for_yes_with_an_estimate(tmp_path, capsys, monkeypatch, baseline):
    import sim.experiment.settings as settings

    monkeypatch.setattr(settings, "seconds_per_year", lambda scenario: 0.5)  # a slow machine
    assert main(["run", "--reps", "5000", "--years", "10", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "add --yes" in err and ("minutes" in err or "hours" in err)
    assert not (tmp_path / "r").exists()
    # beyond the council-years that call for a timing, but under an hour: no question asked
    monkeypatch.setattr(settings, "seconds_per_year", lambda scenario: 1e-4)
    opts = settings.RunSettings(reps=5000, years=10.0, warmup_years=3.0, seed=1)
    settings.check_size(opts, baseline, 5000)


def _busy(tmp_path: Path) -> Path:
    """A baseline with a million referrals a year, each assessed about seven times."""
    path = tmp_path / "busy.toml"
    path.write_text(
        'extends = "baseline"\n[demand]\nreferrals_per_year = 1000000.0\n'
        "[case_types.assessment.next]\nassessment = 0.85\ncin = 0.0\ncp = 0.0\nclose = 0.15\n"
    )
    return path


def test_heavy_work_is_estimated_from_the_scenario_before_anything_runs(
    tmp_path, capsys, monkeypatch
):
    import sim.experiment.settings as settings

    def no_timing(scenario):
        raise AssertionError("a heavy scenario is estimated, not timed")

    monkeypatch.setattr(settings, "seconds_per_year", no_timing)
    busy = _busy(tmp_path)
    work = settings.estimate_work(load_scenario(busy))
    assert work.episodes_per_case == pytest.approx(1 / 0.15)  # the fundamental matrix
    assert work.events_per_year == pytest.approx(936_000 / 0.15 * settings.EVENTS_PER_EPISODE)
    started = time.perf_counter()
    assert (
        main(["run", str(busy), "--reps", "200", "--years", "10", "--out", str(tmp_path / "r")])
        == 2
    )
    err = capsys.readouterr().err
    assert time.perf_counter() - started < 10
    assert len(err.splitlines()) == 1 and "add --yes" in err and "hours" in err, err
    assert "estimated from the scenario's case-flow events" in err and "MB a worker" in err, err
    assert (
        main(["run", str(busy), "--reps", "1", "--years", "100", "--out", str(tmp_path / "r")]) == 2
    )
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "above the memory ceiling of 4,096 MB" in err, err
    assert not (tmp_path / "r").exists()
    # the baseline's estimate keeps the old unit: a baseline council-year
    assert (
        settings.estimate_work(load_scenario("baseline")).seconds_per_year()
        <= settings.BASELINE_SECONDS_PER_YEAR
    )


def test_a_replication_above_the_memory_ceiling_stops_with_one_line(tmp_path, capsys, monkeypatch):
    import sim.experiment.settings as settings
    from sim.experiment.memory import ENV_CEILING, OverMemory, ceiling_mb, resident_mb
    from sim.experiment.replications import run_replication

    assert resident_mb() > 10
    monkeypatch.setenv(ENV_CEILING, "1")
    assert ceiling_mb() == 1
    with pytest.raises(
        OverMemory,
        match="replication 0 of baseline used .* MB of memory, above the ceiling of 1 MB",
    ):
        run_replication(load_scenario("baseline"), 0, 1, 1.0, 0.0)
    monkeypatch.setattr(settings, "ceiling_mb", lambda: 10**6)  # past the estimate: the guard
    out = tmp_path / "r"
    assert (
        main(
            [
                "run",
                "--reps",
                "2",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--workers",
                "2",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "above the ceiling of 1 MB" in err, err
    assert not out.exists() and not list(tmp_path.glob(".*"))
    monkeypatch.setenv(ENV_CEILING, "lots")
    assert ceiling_mb() == 4096


def test_version_and_help_state_defaults_and_units(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("swsim ")
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        for action in sub._actions:
            if action.dest == "help":
                continue
            text = action.help or ""
            assert "default" in text, (
                f"swsim {name} {action.option_strings or action.dest}: {text!r}"
            )
    units = {a.dest: a.help for a in commands["run"]._actions}
    assert "years" in units["years"] and "replications" in units["reps"]


def test_failed_sweep_can_be_corrected(tmp_path, capsys):
    """A sweep that stopped before finishing any run does not block the corrected command."""
    out = tmp_path / "sw"
    out.mkdir()
    (out / "sweep.json").write_text('{"scenario": "baseline", "params": []}')
    assert (
        main(
            [
                "sweep",
                "--param",
                "agency.premium_gbp_per_year=1,2",
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--quiet",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert len(pd.read_parquet(out / "summary.parquet")) == 2


def test_internal_errors_are_one_line_with_a_log(tmp_path, monkeypatch):
    """A fault in swsim itself: one line naming a log that holds the traceback, exit 1."""
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "PATH": "/usr/bin:/bin"}
    code = (
        "import sys, sim.cli.commands as c\n"
        "def broken(args): raise ZeroDivisionError('boom')\n"
        "c.COMMANDS['scenarios'] = broken\n"
        "from sim.cli.main import main\nsys.exit(main(['scenarios']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "internal error" in proc.stderr
    [log] = list((tmp_path / "state" / "swsim" / "logs").glob("*.log"))
    assert "ZeroDivisionError" in log.read_text() and str(log) in proc.stderr


def test_targets_and_sweep_files_that_are_not_files(tmp_path, capsys):
    os_fifo = tmp_path / "fifo"
    import os

    os.mkfifo(os_fifo)
    for args in (
        ["calibrate", "--targets", str(tmp_path)],
        ["calibrate", "--targets", str(os_fifo)],
        ["sweep", "--file", str(tmp_path)],
        ["sweep", "--file", str(os_fifo)],
    ):
        started = time.perf_counter()
        assert main(args) == 2, args
        assert time.perf_counter() - started < 10  # a FIFO is refused, not read (it would block)
        err = capsys.readouterr().err
        assert str(tmp_path) in err and "Traceback" not in err


def test_work_no_one_does_is_warned_of_never_a_silent_nan(tmp_path, capsys):
    """Nobody in post for the run's half year: first waits and changes of worker are undefined, each
    said in a warning; every empty value is in a column that declares when it is undefined."""
    from sim.columns import NONE_ALLOCATED, NONE_CLOSED, SUMMARY, OutputError, check_outputs

    path = tmp_path / "empty.toml"
    path.write_text(
        'extends = "baseline"\n[workforce]\ninitial_fill = 0.0\n[agency]\n'
        "backfill_probability = 0.0\n"
        + "".join(
            f"[workforce.levels.{lv}]\nfill_days_mean = 3650.0\n"
            for lv in ("asye", "l2", "l3", "l4", "l5")
        )
    )
    out = tmp_path / "r"
    assert (
        main(
            [
                "run",
                str(path),
                "--reps",
                "2",
                "--years",
                "0.5",
                "--warmup-years",
                "0",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"warning: first_wait_days, first_wait_days_p90: undefined (left empty) in 2 of 2 "
        f"replications of empty: {NONE_ALLOCATED}; check who may hold the cases (posts, caseload "
        "limits, min_level) and the window",
        f"warning: worker_changes_per_case, unallocated_days_per_case: undefined (left empty) in 2 "
        f"of 2 replications of empty: {NONE_CLOSED}; check who may hold the cases (posts, caseload "
        "limits, min_level) and the window",
    ]
    summary = pd.read_parquet(out / "summary.parquet")
    declared = {o.name: o for o in SUMMARY}
    empty = [c for c in summary if summary[c].isna().any()]
    assert {"first_wait_days", "worker_changes_per_case"} <= set(empty)
    assert all(declared[c].undefined_when for c in empty), empty
    row = summary.drop(columns="rep").iloc[0].to_dict()
    with pytest.raises(OutputError, match="cases_waiting_mean is not finite"):
        check_outputs({**row, "cases_waiting_mean": float("nan")}, declared, "a row")
    # a run whose every measure is defined says nothing
    assert (
        main(
            [
                "run",
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--out",
                str(tmp_path / "b"),
                "--quiet",
            ]
        )
        == 0
    )
    assert capsys.readouterr().err == ""


def test_demand_that_grows_without_bound_is_refused_before_it_runs(tmp_path, capsys):
    """Referrals doubling every year for a century: the work check counts the growth (the cases of
    every year drawn at the start would not fit in memory), exit 2 before anything runs."""
    path = tmp_path / "growing.toml"
    path.write_text('extends = "baseline"\nname = "growing"\n[demand]\nannual_trend = 1.0\n')
    started = time.perf_counter()
    assert (
        main(["run", str(path), "--reps", "1", "--years", "100", "--out", str(tmp_path / "r")]) == 2
    )
    assert time.perf_counter() - started < 30
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "annual_trend" in err and "memory" in err, err
    assert not (tmp_path / "r").exists()
    # the same growth over two years is a normal run's size
    assert (
        main(
            [
                "run",
                str(path),
                "--reps",
                "1",
                "--years",
                "2",
                "--warmup-years",
                "0",
                "--out",
                str(tmp_path / "ok"),
                "--quiet",
            ]
        )
        == 0
    )
