"""The validation report: every row of the targets file against the model (mean and 90% band)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calibration.targets import Targets, metric_values
from sim.columns import REGION, rows_of
from sim.experiment.executor import Executor
from sim.experiment.replications import run_experiment
from sim.experiment.resultset import atomic_write, write_text
from sim.scenario import Scenario

UNDEFINED = "undefined (runs too short)"


def validation_table(
    scenario: Scenario,
    targets: Targets,
    reps: int,
    seed: int,
    years: float,
    warmup_years: float,
    workers: int | Executor = 1,
    draws: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per target: the target and its range, the simulated mean and 5-95% band over
    replications (with parameter draws, if given), and whether the mean is within the range."""
    summaries = run_experiment(
        scenario, reps, seed, years, warmup_years, workers, draws=draws
    ).summary
    councils = [name for name, _ in scenario.members()] if scenario.is_region else []
    rows = []
    for row in targets.table.itertuples():
        # a council's own target is compared with that council's rows, any other with the region's
        summary = rows_of(summaries, row.geography if row.geography in councils else REGION)
        out = {
            "id": row.id,
            "quantity": row.quantity,
            "role": row.role,
            "geography": row.geography,
            "year": row.year,
            "target": row.value,
            "low": row.low,
            "high": row.high,
            "model_metric": row.model_metric,
            "simulated_mean": np.nan,
            "band_5": np.nan,
            "band_95": np.nan,
            "status": "not simulated",
            "source": row.source,
        }
        if row.model_metric:
            x = metric_values(summary, row.model_metric)
            x = x[np.isfinite(x)]
            if len(x):
                mean = float(x.mean())
                out.update(
                    simulated_mean=mean,
                    band_5=float(np.percentile(x, 5)),
                    band_95=float(np.percentile(x, 95)),
                    status="pass" if row.low <= mean <= row.high else "miss",
                )
            else:  # simulated, but the runs were too short to define it (see the outcome's note)
                out["status"] = UNDEFINED
        rows.append(out)
    return pd.DataFrame(rows)


def write_report(out: Path, table: pd.DataFrame, title: str, extra_md: str = "") -> None:
    """report.csv, report.md and report.png in ``out``."""
    atomic_write(out / "report.csv", lambda p: table.to_csv(p, index=False))
    write_text(out / "report.md", _markdown(table, title) + extra_md)
    atomic_write(out / "report.png", lambda p: _plot(table, title, p))


def _fmt(x) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return ""
    x = float(x)
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3f}"


def _markdown(table: pd.DataFrame, title: str) -> str:
    sim = table[table["status"] != "not simulated"]
    passed = int((sim["status"] == "pass").sum())
    lines = [
        f"# {title}",
        "",
        f"{passed} of {len(sim)} simulated rows within their range "
        f"({int((sim[sim['role'] == 'target']['status'] == 'pass').sum())} of "
        f"{int((sim['role'] == 'target').sum())} calibration targets).",
        "",
        "| id | role | target [range] | simulated mean [5-95%] | status |",
        "|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        target = (
            f"{_fmt(r.target)} [{_fmt(r.low)}, {_fmt(r.high)}]"
            if r.low == r.low
            else _fmt(r.target)
        )
        simulated = (
            f"{_fmt(r.simulated_mean)} [{_fmt(r.band_5)}, {_fmt(r.band_95)}]"
            if r.status in ("pass", "miss")
            else ""
        )
        lines.append(f"| {r.id} | {r.role} | {target} | {simulated} | {r.status} |")
    return "\n".join(lines) + "\n"


def _plot(table: pd.DataFrame, title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sim = table[table["status"].isin(("pass", "miss"))].reset_index(drop=True)
    height = 0.7 * len(sim) + 1.2
    fig, axes = plt.subplots(len(sim), 1, figsize=(8, height), squeeze=False)
    for ax, r in zip(axes[:, 0], sim.itertuples()):
        ax.axvspan(
            r.low, r.high, color="tab:green" if r.role == "target" else "tab:gray", alpha=0.25
        )
        ax.axvline(r.target, color="black", lw=1)
        ax.errorbar(
            [r.simulated_mean],
            [0],
            xerr=[[r.simulated_mean - r.band_5], [r.band_95 - r.simulated_mean]],
            fmt="o",
            color="tab:blue" if r.status == "pass" else "tab:red",
            capsize=3,
        )
        lo = min(r.low, r.band_5)
        hi = max(r.high, r.band_95)
        pad = 0.1 * (hi - lo or 1)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_yticks([])
        ax.set_ylabel(
            f"{r.id}\n({r.role}, {r.status})", rotation=0, ha="right", va="center", fontsize=7
        )
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(
        f"{title}\nshaded: target range; line: target; dot: simulated mean, bar: 5-95%", fontsize=9
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.55 / height))  # room for the two-line title
    fig.savefig(path, format="png", dpi=90)
    plt.close(fig)
