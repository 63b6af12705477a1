"""Result folders are written whole: a re-used folder never mixes two runs, an interrupted or failed
command leaves the earlier results exactly as they were, and the manifest guards what a report reads."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli.main import main

QUICK = ["--years", "1", "--warmup-years", "0", "--quiet"]


def _run(out: Path, *extra: str, reps: int = 2, seed: int = 1) -> int:
    return main(
        [
            "run",
            "baseline",
            "--reps",
            str(reps),
            "--seed",
            str(seed),
            "--out",
            str(out),
            *QUICK,
            *extra,
        ]
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sim.cli", *args]


def test_manifest_lists_every_file_with_size_and_hash(tmp_path):
    out = tmp_path / "r"
    assert _run(out, "--report") == 0
    manifest = json.loads((out / "manifest.json").read_text())
    files = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert set(files) == on_disk
    assert files["summary.parquet"]["bytes"] == (out / "summary.parquet").stat().st_size
    assert files["report.html"]["role"] == "report" and files["summary.parquet"]["role"] == "data"
    assert manifest["settings"]["seed"] == 1 and manifest["settings"]["reps"] == 2
    assert manifest["command"][:3] == ["swsim", "run", "baseline"]
    assert len(manifest["scenarios"]["baseline"]["sha256"]) == 64
    assert manifest["swsim"]["version"]
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)  # readable like any folder the user makes


@pytest.mark.slow
def test_a_reused_folder_never_mixes_two_runs(tmp_path):
    out = tmp_path / "r"
    assert _run(out, "--report", reps=3, seed=1) == 0
    earlier = _snapshot(out)
    assert _run(out, reps=2, seed=2) == 0  # the same kind of result set: replaced whole
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["settings"]["reps"] == 2 and manifest["settings"]["seed"] == 2
    assert not (out / "report.html").exists()  # the earlier report went with the earlier set
    assert len(pd.read_parquet(out / "summary.parquet")) == 2
    assert _snapshot(tmp_path / "r.previous") == earlier
    assert main(["report", str(out)]) == 0
    assert "2 replications" in (out / "report.html").read_text()


def test_a_different_result_set_is_refused_unless_overwrite(tmp_path, capsys):
    out = tmp_path / "r"
    assert _run(out) == 0
    before = _snapshot(out)
    code = main(["compare", "baseline", "academy", "--reps", "2", "--out", str(out), *QUICK])
    assert code == 2 and "holds a different result set" in capsys.readouterr().err
    assert _snapshot(out) == before and not (tmp_path / "r.previous").exists()
    assert (
        main(
            [
                "compare",
                "baseline",
                "academy",
                "--reps",
                "2",
                "--out",
                str(out),
                "--overwrite",
                *QUICK,
            ]
        )
        == 0
    )
    assert (out / "comparison.parquet").exists() and not (out / "summary.parquet").exists()
    assert not (tmp_path / "r.previous").exists()  # --overwrite keeps no copy


def test_a_folder_of_other_files_is_never_replaced(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for extra in ([], ["--overwrite"]):
        assert _run(out, *extra) == 2
        assert "not swsim results" in capsys.readouterr().err
    assert _snapshot(out) == {"notes.txt": b"mine"}


def test_default_comparison_folders_name_what_was_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", "baseline", "academy", "--reps", "1", *QUICK]) == 0
    assert main(["compare", "baseline", "caseload_cap:cap=18", "--reps", "1", *QUICK]) == 0
    folders = sorted(p.name for p in (tmp_path / "results" / "compare").iterdir())
    assert folders == ["baseline-vs-academy", "baseline-vs-caseload_cap(cap=18)"]


def test_report_refuses_a_folder_that_does_not_match_its_manifest(tmp_path, capsys):
    out = tmp_path / "r"
    assert _run(out) == 0
    summary = pd.read_parquet(out / "summary.parquet")
    summary.assign(turnover_rate=0.5).to_parquet(out / "summary.parquet", index=False)
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert "summary.parquet" in err and "does not match" in err
    (out / "summary.parquet").unlink()
    assert main(["report", str(out)]) == 2
    assert "summary.parquet" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nowhere")]) == 2


def _wait_for(predicate, timeout: float = 120.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["run", "baseline"],
        ["compare", "baseline", "academy"],
    ],
)
def test_kill_9_while_writing_leaves_the_earlier_results_intact(tmp_path, command):
    out = tmp_path / "r"
    first = _cli(*command, "--reps", "2", "--seed", "1", "--out", str(out), *QUICK)
    subprocess.run(first, check=True, capture_output=True)
    before = _snapshot(out)
    second = _cli(*command, "--reps", "2", "--seed", "2", "--out", str(out), *QUICK)
    proc = subprocess.Popen(second, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staged = lambda: any(
        p.name.startswith(".r.swsim-staging-") and (p / "timeseries.parquet").exists()
        for p in tmp_path.iterdir()
    )
    assert _wait_for(staged), "the second command never reached its write phase"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _snapshot(out) == before
    assert subprocess.run(_cli("report", str(out)), capture_output=True).returncode == 0
    assert "seed 1" in (out / "report.html").read_text()
    # the next command clears what the killed one left
    subprocess.run(
        _cli(*command, "--reps", "2", "--seed", "3", "--out", str(out), *QUICK),
        check=True,
        capture_output=True,
    )
    assert not [p for p in tmp_path.iterdir() if ".swsim-" in p.name]


@pytest.mark.slow
def test_ctrl_c_with_workers_is_one_line_and_exit_130(tmp_path):
    out = tmp_path / "r"
    proc = subprocess.Popen(
        _cli(
            "run",
            "baseline",
            "--reps",
            "40",
            "--years",
            "3",
            "--workers",
            "2",
            "--out",
            str(out),
            "--quiet",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert _wait_for(lambda: any(".r.swsim-staging-" in p.name for p in tmp_path.iterdir()))
    time.sleep(1.5)  # the workers are simulating
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".swsim-" in p.name]


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_cleans_the_staging_folder_as_ctrl_c_does(tmp_path, workers):
    out = tmp_path / "r"
    proc = subprocess.Popen(
        _cli(
            "run",
            "baseline",
            "--reps",
            "40",
            "--years",
            "3",
            "--workers",
            workers,
            "--out",
            str(out),
            "--quiet",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert _wait_for(lambda: any(".r.swsim-staging-" in p.name for p in tmp_path.iterdir()))
    time.sleep(1.5)  # simulating
    proc.send_signal(signal.SIGTERM)  # the parent only, as a service manager or `kill` does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "terminated" in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".swsim-" in p.name]


def _children(pid: int) -> set[int]:
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(proc.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find worker processes")
def test_workers_die_with_their_parent(tmp_path):
    """kill -9 of a sweep's parent (as the out-of-memory killer would) leaves no worker behind."""
    proc = subprocess.Popen(
        _cli(
            "sweep",
            "--param",
            "policy.caseload_cap.cap=16:26:1",
            "--reps",
            "4",
            "--years",
            "2",
            "--warmup-years",
            "1",
            "--workers",
            "2",
            "--out",
            str(tmp_path / "sw"),
            "--quiet",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert _wait_for(lambda: len(_children(proc.pid)) >= 2)
    workers = _children(proc.pid)
    proc.kill()
    proc.wait()
    assert _wait_for(lambda: not any(_alive(w) for w in workers), timeout=5.0), (
        "workers outlived the parent"
    )


def _small_disk(path: Path):
    """A 600 KB filesystem at ``path`` (tmpfs, as root), or None where it cannot be made."""
    path.mkdir()
    if os.geteuid() != 0:
        return None
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(path)], capture_output=True
    )
    return path if made.returncode == 0 else None


@pytest.mark.slow
def test_a_full_disk_gives_one_line_and_keeps_the_earlier_results(tmp_path):
    disk = _small_disk(tmp_path / "disk")
    out = (disk or tmp_path / "disk") / "r"
    try:
        subprocess.run(
            _cli("run", "baseline", "--reps", "1", "--out", str(out), *QUICK),
            check=True,
            capture_output=True,
        )
        before = _snapshot(out)
        if disk is not None:  # fill the disk: the next result set no longer fits
            filler = disk / "filler"
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            filler.write_bytes(b"\0" * max(free - 60_000, 0))
            limit = None
        else:  # without root: the file size limit stands in for a full disk
            limit = 30_000
        proc = subprocess.run(
            _cli("run", "baseline", "--reps", "3", "--seed", "9", "--out", str(out), *QUICK),
            capture_output=True,
            text=True,
            preexec_fn=(
                lambda: (
                    signal.signal(signal.SIGXFSZ, signal.SIG_IGN),
                    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
                )
            )
            if limit
            else None,
        )
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "No space left" in proc.stderr or "too large" in proc.stderr
        assert _snapshot(out) == before
        assert not [p for p in out.parent.iterdir() if ".swsim-" in p.name]
    finally:
        if disk is not None:
            subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_full_disk_during_a_parquet_write_names_the_file(tmp_path):
    from sim.experiment.resultset import ResultSet, atomic_write

    disk = _small_disk(tmp_path / "disk")
    if disk is None:
        pytest.skip("needs root to mount a small file system")
    try:
        frame = pd.DataFrame({"x": np.random.default_rng(0).random(200_000)})  # 1.6 MB
        target = disk / "sweep" / "results" / "chunk-000001.parquet"
        with pytest.raises(OSError) as err:
            atomic_write(target, lambda p: frame.to_parquet(p, index=False))
        assert err.value.errno == errno.ENOSPC and err.value.filename == str(target)
        assert not list(target.parent.iterdir())  # the half-written file is gone
        with ResultSet(disk / "r", "run", {"scenarios": ["x"]}) as rs:
            with pytest.raises(OSError) as err:
                rs.write_table("timeseries.parquet", frame)
        assert err.value.errno == errno.ENOSPC and err.value.filename == str(
            disk / "r" / "timeseries.parquet"
        )
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find worker processes")
def test_a_killed_worker_is_one_line_and_keeps_the_earlier_results(tmp_path):
    out = tmp_path / "r"
    subprocess.run(
        _cli("run", "baseline", "--reps", "1", "--out", str(out), *QUICK),
        check=True,
        capture_output=True,
    )
    before = _snapshot(out)
    proc = subprocess.Popen(
        _cli(
            "run",
            "baseline",
            "--reps",
            "40",
            "--years",
            "3",
            "--workers",
            "2",
            "--out",
            str(out),
            "--quiet",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert _wait_for(lambda: len(_children(proc.pid)) >= 2)
    time.sleep(1.0)
    os.kill(sorted(_children(proc.pid))[-1], signal.SIGKILL)  # as the out-of-memory killer would
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "worker process died" in err and "Traceback" not in err
    assert _snapshot(out) == before


def test_a_result_out_of_its_range_is_an_internal_error(tmp_path, monkeypatch, capsys):
    """Every run checks its own outputs: a non-finite or impossible value is never a table."""
    import sim.model.region as region

    real = region.summarise
    monkeypatch.setattr(
        region, "summarise", lambda *a, **k: {**real(*a, **k), "total_cost_gbp": float("inf")}
    )
    assert _run(tmp_path / "r") == 1
    err = capsys.readouterr().err
    assert "total_cost_gbp" in err and "internal error" in err
    assert not (tmp_path / "r").exists()
    monkeypatch.setattr(region, "summarise", lambda *a, **k: {**real(*a, **k), "vacancy_rate": 1.5})
    assert _run(tmp_path / "r") == 1
    assert "vacancy_rate" in capsys.readouterr().err


def test_a_sweep_never_writes_into_another_result_set(tmp_path, capsys):
    out = tmp_path / "r"
    assert _run(out) == 0
    before = _snapshot(out)
    assert (
        main(
            [
                "sweep",
                "--param",
                "agency.premium_gbp_per_year=1,2",
                "--reps",
                "1",
                "--out",
                str(out),
                *QUICK,
            ]
        )
        == 2
    )
    assert "another swsim result set" in capsys.readouterr().err
    assert _snapshot(out) == before
