"""Result files of a run: written atomically, so an interrupted run never leaves a half file."""
from __future__ import annotations

import json
import os
import platform
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from sim import __version__
from sim.scenario import Scenario, scenario_to_toml



def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then move the finished file onto ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_run(out: Path, scenario: Scenario, timeseries: pd.DataFrame, summary: pd.DataFrame,
              table: pd.DataFrame, wall_seconds: float, workers: int) -> None:
    """timeseries.parquet, summary.parquet/.csv, summary_ci.csv, scenario.toml, run.json."""
    atomic_write(out / "timeseries.parquet", lambda p: timeseries.to_parquet(p, index=False))
    atomic_write(out / "summary.parquet", lambda p: summary.to_parquet(p, index=False))
    atomic_write(out / "summary.csv", lambda p: summary.to_csv(p, index=False))
    atomic_write(out / "summary_ci.csv", lambda p: table.to_csv(p, index=False))
    write_text(out / "scenario.toml", scenario_to_toml(scenario))
    meta = {
        "scenario": scenario.name, "seed": scenario.run.seed, "reps": scenario.run.reps,
        "years": scenario.run.years, "warmup_years": scenario.run.warmup_years,
        "workers": workers, "version": __version__, "wall_seconds": round(wall_seconds, 3),
        "python": platform.python_version(),
        "finished_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    write_text(out / "run.json", json.dumps(meta, indent=2) + "\n")


def print_table(table: pd.DataFrame) -> None:
    """Each summary metric's mean and 95% confidence interval."""
    print(f"{'metric':28s} {'mean':>14s} {'95% CI':>32s}")
    for row in table.itertuples():
        print(f"{row.metric:28s} {_fmt(row.mean):>14s} {'[' + _fmt(row.ci_low) + ', ' + _fmt(row.ci_high) + ']':>32s}")


def _fmt(x: float) -> str:
    if x != x:
        return "nan"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3f}"


def write_comparison(out: Path, scenarios, comparison, table: pd.DataFrame, wall_seconds: float,
                     workers: int, target: tuple[str, float] | None) -> None:
    """comparison.parquet/.csv, summaries.parquet and timeseries.parquet (every replication of
    every scenario, with a ``scenario`` column), scenarios/<name>.toml and run.json."""
    atomic_write(out / "comparison.parquet", lambda p: table.to_parquet(p, index=False))
    atomic_write(out / "comparison.csv", lambda p: table.to_csv(p, index=False))
    summaries = pd.concat([s.assign(scenario=name) for name, s in
                           zip(comparison.names, comparison.summaries)], ignore_index=True)
    atomic_write(out / "summaries.parquet", lambda p: summaries.to_parquet(p, index=False))
    if comparison.timeseries is not None:
        series = pd.concat([t.assign(scenario=name) for name, t in
                            zip(comparison.names, comparison.timeseries)], ignore_index=True)
        atomic_write(out / "timeseries.parquet", lambda p: series.to_parquet(p, index=False))
    for name, scenario in zip(comparison.names, scenarios):
        write_text(out / "scenarios" / f"{name}.toml", scenario_to_toml(scenario))
    run = scenarios[0].run
    meta = {"scenarios": comparison.names, "seed": run.seed, "reps": comparison.reps,
            "years": run.years, "warmup_years": run.warmup_years, "workers": workers,
            "common_random_numbers": True, "version": __version__,
            "wall_seconds": round(wall_seconds, 3),
            "target": {"metric": target[0], "halfwidth": target[1],
                       "reached": comparison.halfwidth(target[0])} if target else None,
            "finished_utc": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    write_text(out / "run.json", json.dumps(meta, indent=2) + "\n")


def print_comparison(table: pd.DataFrame, metrics: list[str]) -> None:
    """Key metrics: each scenario's mean and CI, and the paired difference to the baseline."""
    baseline = table["scenario"].iloc[0]
    print(f"{'metric':30s} {'scenario':28s} {'mean [95% CI]':>36s} {'difference [95% CI]':>40s}")
    for metric in metrics:
        label = metric
        for r in table[table["metric"] == metric].itertuples():
            est = f"{_fmt(r.mean)} [{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]"
            diff = "" if r.scenario == baseline or r.diff != r.diff else \
                f"{_fmt(r.diff)} [{_fmt(r.diff_low)}, {_fmt(r.diff_high)}]"
            print(f"{label:30s} {r.scenario[:28]:28s} {est:>36s} {diff:>40s}")
            label = ""
