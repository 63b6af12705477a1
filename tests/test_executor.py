"""One executor for every command: local processes or a Dask cluster, kept for all of a
command's batches, with the same results for the same seed."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.cli.main import main
from sim.experiment.executor import Executor

SMALL = ["--reps", "3", "--years", "0.5", "--warmup-years", "0.25", "--seed", "4", "--quiet"]


def _square(x: int) -> int:
    return x * x


@pytest.mark.slow
def test_a_dask_executor_keeps_one_cluster_for_all_its_batches():
    pytest.importorskip("dask.distributed")
    with Executor(2, "dask") as pool:
        assert sorted(pool.map(_square, [1, 2, 3])) == [1, 4, 9]
        client = pool._client
        assert sorted(pool.map(_square, [4, 5])) == [16, 25]
        assert pool._client is client  # the second batch reused the cluster
    assert pool._client is None  # closed with the command
    assert sorted(Executor(2).map(_square, [1, 2, 3])) == [1, 4, 9]


@pytest.mark.slow
def test_run_and_compare_on_dask_match_local_runs(tmp_path):
    pytest.importorskip("dask.distributed")
    for command in (["run", "baseline"], ["compare", "baseline", "caseload_cap"]):
        local, dask = tmp_path / f"{command[0]}_local", tmp_path / f"{command[0]}_dask"
        assert main([*command, *SMALL, "--workers", "2", "--out", str(local)]) == 0
        assert (
            main([*command, *SMALL, "--workers", "2", "--backend", "dask", "--out", str(dask)]) == 0
        )
        for table in ("summary.csv", "timeseries.csv"):
            if (local / table).exists():
                pd.testing.assert_frame_equal(pd.read_csv(local / table), pd.read_csv(dask / table))


@pytest.mark.parametrize(
    "command",
    [
        ["run", "baseline"],
        ["calibrate", "baseline"],
        [
            "backtest",
            "west_midlands",
            "--workforce",
            "x.csv",
            "--fit-until",
            "2019",
            "--until",
            "2020",
        ],
    ],
)
def test_every_simulating_command_takes_the_backend_options(command, tmp_path, capsys):
    assert main([*command, "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "x")]) == 2
    assert "needs --backend dask" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
