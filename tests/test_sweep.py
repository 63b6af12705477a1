"""Sweeps: parameter specs, resumable chunks (a real kill -9), Dask equals local, sensitivity."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main
from sim.experiment.sweep import CHUNK, parse_param

SMALL = ["--years", "1", "--warmup-years", "1", "--quiet"]


def test_param_specs():
    assert parse_param("policy.caseload_cap.cap=16:26:5").values == (16.0, 21.0, 26.0)
    p = parse_param("turnover.pressure_hazard_ratio_per_case=1.0..1.3")
    assert (p.low, p.high, p.values) == (1.0, 1.3, None)
    assert parse_param("agency.premium_gbp_per_year=10000,20000").values == (10000.0, 20000.0)


@pytest.mark.parametrize(
    "spec,message",
    [
        ("cap=21", "dotted parameter path"),
        ("policy.caseload_cap.cap=26:16:1", "a <= b"),
        ("policy.caseload_cap.cap=fast", "SPEC must be"),
        ("turnover.pressure_hazard_ratio_per_case", "NAME=SPEC"),
        ("turnover.no_such_field=1..2", "no_such_field"),
        ("policy.caseload_cap.cap=0:2:1", "greater than or equal to 1"),
        ("policy.no_such_policy.x=1,2", "unknown policy"),
    ],
)
def test_malformed_param_exits_2(tmp_path, capsys, spec, message):
    out = tmp_path / "sw"
    assert main(["sweep", "--param", spec, "--reps", "1", *SMALL, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not (out / "results").exists()


def _sweep_cmd(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sim.cli",
        "sweep",
        "--param",
        "policy.caseload_cap.cap=16:26:5",
        "--param",
        "policy.pay_alignment.uplift=0,0.05",
        "--reps",
        "4",
        "--years",
        "2",
        "--warmup-years",
        "1",
        "--seed",
        "3",
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]


@pytest.mark.slow
def test_resume_after_kill_gives_the_same_table(tmp_path):
    clean = tmp_path / "clean"
    subprocess.run(_sweep_cmd(clean), check=True, capture_output=True)
    expected = pd.read_parquet(clean / "summary.parquet")
    assert len(expected) == 6 * 4 and not expected.duplicated(["point", "rep"]).any()
    n_chunks = -(-len(expected) // CHUNK)
    assert n_chunks >= 3

    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        _sweep_cmd(killed),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline and not list((killed / "results").glob("chunk-*.parquet")):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # kill -9, mid-sweep
    proc.wait()
    done = sorted((killed / "results").glob("chunk-*.parquet"))
    assert 1 <= len(done) < n_chunks, "the kill should land mid-sweep"
    assert not (killed / "summary.parquet").exists()

    resumed = subprocess.run(_sweep_cmd(killed)[:-1], check=True, capture_output=True, text=True)
    assert "resumed" in resumed.stdout
    table = pd.read_parquet(killed / "summary.parquet")
    pd.testing.assert_frame_equal(table, expected)
    # running it again changes nothing and duplicates nothing
    subprocess.run(_sweep_cmd(killed), check=True, capture_output=True)
    pd.testing.assert_frame_equal(pd.read_parquet(killed / "summary.parquet"), expected)


def test_a_different_sweep_in_the_same_directory_is_refused(tmp_path, capsys):
    out = tmp_path / "sw"
    assert (
        main(
            [
                "sweep",
                "--param",
                "policy.caseload_cap.cap=20,21",
                "--reps",
                "1",
                *SMALL,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        main(
            [
                "sweep",
                "--param",
                "policy.caseload_cap.cap=20,22",
                "--reps",
                "1",
                *SMALL,
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert (
        "different sweep with finished runs (it differs in the parameters' values)"
        in capsys.readouterr().err
    )
    assert (
        main(
            [
                "sweep",
                "--param",
                "turnover.hazard_scale=1,1.1",
                "--reps",
                "1",
                *SMALL,
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert (
        "(it sweeps policy.caseload_cap.cap, not turnover.hazard_scale)" in capsys.readouterr().err
    )
    # an unknown parameter is named, not taken for another sweep
    assert (
        main(
            [
                "sweep",
                "--param",
                "turnover.no_such_field=1,2",
                "--reps",
                "1",
                *SMALL,
                "--out",
                str(out),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert (
        err.startswith("error: turnover.no_such_field = 1.0: unknown key")
        and "different" not in err
    )


def test_a_no_op_rerun_leaves_the_finished_sweep_alone(tmp_path, capsys):
    out = tmp_path / "sw"
    args = [
        "sweep",
        "--param",
        "policy.caseload_cap.cap=20,21",
        "--reps",
        "1",
        *SMALL,
        "--out",
        str(out),
    ]
    assert main(args) == 0
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    time.sleep(0.05)
    assert main(args + ["--quiet"]) == 0
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()
    } == files
    (out / "results" / "chunk-000000.parquet").unlink()  # a resume writes again
    assert main(args) == 0
    assert json.loads((out / "manifest.json").read_text())["command"][-1] == str(out)
    assert (out / "manifest.json").stat().st_mtime_ns > files[out / "manifest.json"][1]


def test_a_read_only_out_is_refused_with_exit_2(read_only_dir, capsys):
    ro, error = read_only_dir
    assert (
        main(
            [
                "sweep",
                "--param",
                "policy.caseload_cap.cap=20,21",
                "--reps",
                "1",
                *SMALL,
                "--out",
                str(ro / "sw"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.splitlines() == [f"error: --out {ro / 'sw'}: cannot write there ({error})"]


@pytest.mark.slow
def test_dask_and_local_give_the_same_results(tmp_path):
    pytest.importorskip("dask.distributed")
    common = [
        "--param",
        "policy.caseload_cap.cap=18,24",
        "--param",
        "agency.premium_gbp_per_year=10000,30000",
        "--reps",
        "3",
        *SMALL,
        "--seed",
        "5",
    ]
    assert main(["sweep", *common, "--out", str(tmp_path / "local"), "--workers", "2"]) == 0
    assert (
        main(
            [
                "sweep",
                *common,
                "--out",
                str(tmp_path / "dask"),
                "--backend",
                "dask",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "local" / "summary.parquet"),
        pd.read_parquet(tmp_path / "dask" / "summary.parquet"),
    )


@pytest.mark.slow
def test_sobol_sensitivity_and_tornado(tmp_path, capsys):
    out = tmp_path / "sobol"
    sweep_file = tmp_path / "sweep.toml"
    sweep_file.write_text(
        'design = "sobol"\nsamples = 8\nreps = 1\n[params]\n'
        '"policy.pay_alignment.uplift" = "0..0.15"\n'
        '"turnover.pressure_hazard_ratio_per_case" = "1.0..1.3"\n'
    )
    assert main(["sweep", "--file", str(sweep_file), *SMALL, "--out", str(out)]) == 0
    table = pd.read_parquet(out / "summary.parquet")
    assert len(table) == 8 * (2 + 2)  # Saltelli: N (D + 2) points without second order
    assert main(["sensitivity", str(out), "--outcome", "total_cost_gbp"]) == 0
    sens = pd.read_csv(out / "sensitivity_total_cost_gbp.csv")
    assert {"S1", "ST", "src"} <= set(sens.columns)
    # paying more costs more: the pay uplift dominates cost
    assert sens.iloc[0]["parameter"] == "policy.pay_alignment.uplift"
    assert (out / "sensitivity_total_cost_gbp.png").stat().st_size > 5000
    assert main(["sensitivity", str(out), "--outcome", "happiness"]) == 2
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").read_text().count("data:image/png;base64,") == 6


def test_regression_sensitivity_on_a_grid(tmp_path):
    out = tmp_path / "grid"
    assert (
        main(
            [
                "sweep",
                "--param",
                "agency.premium_gbp_per_year=0:40000:20000",
                "--param",
                "turnover.pressure_threshold=18,22",
                "--reps",
                "1",
                *SMALL,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["sensitivity", str(out), "--outcome", "agency_cost_gbp"]) == 0
    sens = pd.read_csv(out / "sensitivity_agency_cost_gbp.csv")
    top = sens.iloc[0]
    assert top["parameter"] == "agency.premium_gbp_per_year" and top["at_high"] > top["at_low"]
