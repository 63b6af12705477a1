"""The command line: results files, the summary table, and clear errors on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main
from sim.scenario import builtin_path, load_scenario

ROOT = Path(__file__).resolve().parents[1]

REQUIRED_SUMMARY = [
    "rep",
    "turnover_rate",
    "vacancy_rate",
    "agency_share",
    "mean_caseload",
    "p95_caseload",
    "share_over_cap",
    "mean_wait_days",
    "worker_changes_per_case",
    "asye_retention_2y",
    "leavers_profession",
    "leavers_other_la",
    "leavers_agency",
    "total_cost_gbp",
    "agency_cost_gbp",
    "headcount_end_asye",
    "headcount_end_l2",
    "headcount_end_l3",
    "headcount_end_l4",
    "headcount_end_l5",
    "headcount_end_agency",
]
REQUIRED_TIMESERIES = [
    "rep",
    "month",
    "perm_asye",
    "perm_l5",
    "agency_l3",
    "agency_total",
    "vacancies_total",
    "leavers",
    "caseload_mean",
    "caseload_p95",
    "cases_waiting",
    "cost_gbp_month",
]


def _run(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "out"
    code = main(
        [
            "run",
            "baseline",
            "--reps",
            "2",
            "--years",
            "2",
            "--warmup-years",
            "1",
            "--seed",
            "11",
            "--out",
            str(out),
            "--quiet",
            *extra,
        ]
    )
    assert code == 0
    return out


def test_run_writes_results(tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["run", "--reps", "2", "--years", "2", "--warmup-years", "1", "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert "95% CI" in printed and "annual turnover (%)" in printed
    for name in [
        "timeseries.parquet",
        "summary.parquet",
        "summary.csv",
        "scenario.toml",
        "manifest.json",
        "summary_ci.csv",
        "overview.png",
    ]:
        assert (out / name).stat().st_size > 0, name
    summary = pd.read_parquet(out / "summary.parquet")
    assert list(summary["rep"]) == [0, 1]
    assert set(REQUIRED_SUMMARY) <= set(summary.columns)
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert set(REQUIRED_TIMESERIES) <= set(ts.columns)
    assert len(ts) == 2 * 24  # one row per replication x month
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary.csv"), summary, check_dtype=False)


def test_resolved_scenario_repeats_the_run(tmp_path):
    """scenario.toml holds everything needed: running it again gives the same summary."""
    first = _run(tmp_path)
    again = tmp_path / "again"
    assert main(["run", str(first / "scenario.toml"), "--out", str(again), "--quiet"]) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(first / "summary.parquet"), pd.read_parquet(again / "summary.parquet")
    )
    assert load_scenario(first / "scenario.toml") == load_scenario("baseline").with_overrides(
        run={"reps": 2, "years": 2.0, "warmup_years": 1.0, "seed": 11}
    )


def test_same_seed_same_results_whatever_the_workers(tmp_path):
    one = _run(tmp_path / "a", "--workers", "1")
    two = _run(tmp_path / "b", "--workers", "2")
    pd.testing.assert_frame_equal(
        pd.read_parquet(one / "summary.parquet"), pd.read_parquet(two / "summary.parquet")
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(one / "timeseries.parquet"), pd.read_parquet(two / "timeseries.parquet")
    )
    other = tmp_path / "c"
    assert (
        main(
            [
                "run",
                "baseline",
                "--reps",
                "2",
                "--years",
                "2",
                "--warmup-years",
                "1",
                "--seed",
                "12",
                "--out",
                str(other),
                "--quiet",
            ]
        )
        == 0
    )
    a = pd.read_parquet(one / "summary.parquet")
    b = pd.read_parquet(other / "summary.parquet")
    assert not a.drop(columns="rep").equals(b.drop(columns="rep"))


def _baseline_data() -> dict:
    return tomllib.loads(builtin_path("baseline").read_text())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


def _toml(data: dict) -> str:
    import tomli_w

    return tomli_w.dumps(data)


def _mutate(path: list[str], value) -> dict:
    data = _baseline_data()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


BAD = [
    ("unknown key", _mutate(["demand", "referal_rate"], 3.0), "demand.referal_rate"),
    (
        "negative rate",
        _mutate(["workforce", "levels", "l3", "leave_rate"], -0.1),
        "workforce.levels.l3.leave_rate",
    ),
    (
        "cap below 1",
        _mutate(["workforce", "levels", "asye", "caseload_limit"], 0),
        "workforce.levels.asye.caseload_limit",
    ),
    ("reporting cap 0", _mutate(["reporting", "caseload_cap"], 0), "reporting.caseload_cap"),
    (
        "shares not summing to 1",
        _mutate(["turnover", "destinations"], {"profession": 0.5, "other_la": 0.3, "agency": 0.1}),
        "turnover.destinations",
    ),
    (
        "next not summing to 1",
        _mutate(["case_types", "cin", "next"], {"close": 0.5}),
        "case_types.cin.next",
    ),
    ("unknown case type", _mutate(["case_types", "cin", "next"], {"adoption": 1.0}), "adoption"),
]


@pytest.mark.parametrize("label,data,field", BAD, ids=[b[0] for b in BAD])
def test_bad_scenario_is_rejected_naming_the_field(tmp_path, capsys, label, data, field):
    path = _write(tmp_path, _toml(data))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert field in err, err
    # run refuses too, and writes nothing
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    assert not out.exists()


def test_errors_say_what_is_allowed(tmp_path, capsys):
    path = _write(tmp_path, _toml(_mutate(["workforce", "levels", "l3", "leave_rate"], -0.1)))
    main(["validate", str(path)])
    err = capsys.readouterr().err
    assert "-0.1" in err and "greater than or equal to 0" in err


def test_malformed_toml(tmp_path, capsys):
    path = _write(tmp_path, "[demand\nreferrals_per_year = ")
    assert main(["validate", str(path)]) == 2
    assert "malformed TOML" in capsys.readouterr().err


def test_bad_run_leaves_earlier_results_intact(tmp_path):
    out = _run(tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    path = _write(tmp_path, _toml(_mutate(["demand", "case_share"], 1.5)))
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_valid_and_listed(capsys):
    assert main(["validate", str(builtin_path("baseline"))]) == 0
    assert main(["scenarios"]) == 0
    assert "baseline" in capsys.readouterr().out


def test_console_script_exit_code(tmp_path):
    path = _write(tmp_path, "name = 3\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "name" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "--reps", "0"], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "--reps" in proc.stderr


def test_a_sigterm_that_lands_in_a_c_callback_still_terminates(tmp_path):
    """Python drops an exception raised inside a C callback (numba's compiler calls back into
    Python): a SIGTERM landing there is raised again once the callback has returned."""
    script = tmp_path / "term.py"
    script.write_text(
        "import ctypes, os, signal, sys, time\n"
        "import sim.cli.commands\n"
        "from sim.cli.main import main\n"
        "def command(args):\n"
        "    callback = ctypes.CFUNCTYPE(None)(lambda: os.kill(os.getpid(), signal.SIGTERM))\n"
        "    callback()\n"
        "    time.sleep(30)\n"
        "    return 0\n"
        "sim.cli.commands.COMMANDS['policies'] = command\n"
        "sys.exit(main(['policies']))\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr and "terminated" in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1, done.stderr
