"""Sensitivity of a sweep's outcome to its parameters: Sobol indices (SALib) for Sobol designs,
and for any design a regression-based ranking (standardised regression coefficients on the
design points' mean outcomes) with, for a tornado plot, the outcome at each parameter's low and high
end read from the sweep's own points (never extrapolated, so always a value the model produced)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.columns import REGION, rows_of
from sim.experiment.sweep import Param, salib_problem
from sim.scenario import ScenarioError


def load_sweep(out: Path, authority: str = REGION) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """(settings, design points, per-replication table of one authority: the region by default)
    of a finished or partial sweep."""
    out = Path(out)
    if not (out / "sweep.json").is_file():
        raise ScenarioError([f"{out}: not a sweep folder (no sweep.json)"])
    files = sorted((out / "results").glob("chunk-*.parquet"))
    if not files:
        raise ScenarioError([f"{out}: no finished runs yet"])
    settings = _read(out / "sweep.json", lambda p: json.loads(p.read_text(encoding="utf-8")))
    if not isinstance(settings, dict) or not {"params", "design", "seed", "reps"} <= set(settings):
        raise ScenarioError([f"{out / 'sweep.json'}: not the settings of a swsim sweep"])
    points = _read(out / "design.parquet", pd.read_parquet)
    table = pd.concat([_read(f, pd.read_parquet) for f in files], ignore_index=True)
    return settings, points, rows_of(table, authority)


def _read(path: Path, read):
    """``read(path)``, with a missing or corrupt file as bad input naming it."""
    try:
        return read(path)
    except (OSError, ValueError) as err:  # JSON, Parquet (ArrowInvalid) and missing files
        raise ScenarioError([f"{path}: cannot read it ({type(err).__name__}: {err})"]) from None


def point_means(points: pd.DataFrame, table: pd.DataFrame, outcome: str) -> np.ndarray:
    if outcome not in table.columns:
        known = ", ".join(
            c for c in table.columns if c not in points.columns and c not in ("point", "rep")
        )
        raise ScenarioError([f"--outcome {outcome!r}: not a result column; known: {known}"])
    means = table.groupby("point")[outcome].mean()
    return means.reindex(range(len(points))).to_numpy(dtype=float)


END = 0.2  # the low (high) end of a parameter: the lowest (highest) fifth of its range


def end_means(
    x: np.ndarray, y: np.ndarray, low: float, high: float
) -> tuple[float, float, int, int]:
    """Mean outcome of the design points in the lowest and the highest fifth of [low, high] (at
    least the points at the lowest and highest value), and how many points each mean has."""
    ok = np.isfinite(y)
    span = high - low
    at_low = ok & (x <= low + END * span)
    at_high = ok & (x >= high - END * span)
    if not at_low.any():
        at_low = ok & (x == x[ok].min())
    if not at_high.any():
        at_high = ok & (x == x[ok].max())
    return float(y[at_low].mean()), float(y[at_high].mean()), int(at_low.sum()), int(at_high.sum())


def analyse(out: Path, outcome: str, method: str = "auto") -> pd.DataFrame:
    """One row per parameter, ranked: standardised regression coefficient (``src``, with the fit's
    ``r2``), the outcome at the parameter's low and high value (``at_low``, ``at_high``: the mean of
    the design points at that end, averaged over the other parameters; ``n_low``, ``n_high``
    points), and Sobol S1/ST where the design allows."""
    settings, points, table = load_sweep(out)
    y = point_means(points, table, outcome)
    ok = np.isfinite(y)
    if ok.sum() < len(points.columns) + 2:
        raise ScenarioError(
            [f"{out}: too few finished design points ({int(ok.sum())}) for a sensitivity analysis"]
        )
    X = points.to_numpy(dtype=float)
    params = [Param.from_json(p) for p in settings["params"]]
    sd_x = X[ok].std(axis=0)
    sd_x[sd_x == 0] = 1.0
    Z = (X[ok] - X[ok].mean(axis=0)) / sd_x
    A = np.column_stack([np.ones(ok.sum()), Z])
    coef, *_ = np.linalg.lstsq(A, y[ok], rcond=None)
    fitted = A @ coef
    r2 = 1.0 - np.sum((y[ok] - fitted) ** 2) / max(np.sum((y[ok] - y[ok].mean()) ** 2), 1e-300)
    sd_y = y[ok].std() or 1.0
    rows = []
    for j, p in enumerate(params):
        lo, hi = p.bounds()
        at_low, at_high, n_low, n_high = end_means(X[:, j], y, lo, hi)
        rows.append(
            {
                "parameter": p.name,
                "low": lo,
                "high": hi,
                "at_low": at_low,
                "at_high": at_high,
                "n_low": n_low,
                "n_high": n_high,
                "src": coef[j + 1] / sd_y,
                "r2": r2,
            }
        )
    result = pd.DataFrame(rows)
    if method == "sobol" or (method == "auto" and settings["design"] == "sobol"):
        if settings["design"] != "sobol":
            raise ScenarioError(["--method sobol needs a sweep run with --design sobol"])
        if not ok.all():
            raise ScenarioError(
                [f"{out}: the Sobol design is not finished; resume the sweep first"]
            )
        from SALib.analyze import sobol

        si = sobol.analyze(
            salib_problem(params),
            y,
            calc_second_order=False,
            seed=settings["seed"],
            print_to_console=False,
        )
        result = result.assign(
            S1=si["S1"], S1_conf=si["S1_conf"], ST=si["ST"], ST_conf=si["ST_conf"]
        )
        result = result.sort_values("ST", ascending=False)
    else:
        result = result.reindex(result["src"].abs().sort_values(ascending=False).index)
    result.insert(0, "outcome", outcome)
    result["rank"] = range(1, len(result) + 1)
    result["mean_outcome"] = float(np.nanmean(y))
    return result.reset_index(drop=True)
