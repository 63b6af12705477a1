"""Tables for the terminal: each metric's mean and interval, and a comparison's paired differences
with their precision. Shares are shown as percentages; an interval that cannot be computed says why."""
from __future__ import annotations

import math

from sim.experiment.results import Results
from sim.experiment.stats import COST_PER_PP, COST_PER_PP_OUTCOME, CONSTANT, ONE
from sim.model.outcomes import KEY_METRICS, OUTCOMES


def _scale(metric: str) -> tuple[float, str]:
    o = OUTCOMES.get(metric, COST_PER_PP_OUTCOME if metric == COST_PER_PP else None)
    return (100.0, "%") if o is not None and o.percent else (1.0, "")


def number(x: float, metric: str, points: bool = False) -> str:
    """A value of ``metric`` for reading: percentages for shares and rates (points for differences)."""
    if x is None or not math.isfinite(x):
        return "n/a" if x is None or math.isnan(x) else ("unbounded" if x > 0 else "-unbounded")
    scale, unit = _scale(metric)
    x = x * scale
    if abs(x) >= 1000:
        text = f"{x:,.0f}"
    else:
        text = f"{x:.2f}" if abs(x) >= 0.1 or x == 0 else f"{x:.2g}"
    return text + (" pts" if unit and points else unit)


def interval(row, prefix: str = "", points: bool = False) -> str:
    """'12.3% [11.8%, 12.9%]', or the reason there is no interval."""
    est = row["diff" if prefix else "mean"]
    lo, hi = row[f"{prefix or 'ci_'}low"], row[f"{prefix or 'ci_'}high"]
    method = row[f"{prefix}method"]
    metric = row["metric"]
    if method == ONE:
        return f"{number(est, metric, points)} (n/a: 1 replication)"
    if method == CONSTANT:
        return f"{number(est, metric, points)} (the same in every replication)"
    if not math.isfinite(est):
        return method  # no data, no measurable effect, turnover rises
    return f"{number(est, metric, points)} [{number(lo, metric, points)}, {number(hi, metric, points)}]"


def print_summary(results: Results, metrics: list[str] | None = None) -> None:
    """Each summary metric's mean and 95% interval (method named once below the table)."""
    table = results.table
    rows = table if metrics is None else table[table["metric"].isin(metrics)]
    print(f"{'metric':28s} {'mean [95% CI]':>44s}")
    for _, row in rows.iterrows():
        print(f"{row['metric']:28s} {interval(row):>44s}")
    _methods(rows["method"])


def print_comparison(results: Results, metrics: list[str] = KEY_METRICS) -> None:
    """Key metrics: each scenario's mean and interval, the paired difference to the baseline with
    its interval and half-width (±), and the cost per point of turnover avoided."""
    table = results.table
    print(f"{'metric':26s} {'scenario':30s} {'mean [95% CI]':>38s} {'difference [95% CI] ± half-width':>52s}")
    for metric in [*metrics, COST_PER_PP]:
        label = metric
        for name in results.names:
            rows = table[(table["metric"] == metric) & (table["scenario"] == name)]
            if rows.empty:
                continue
            row = rows.iloc[0]
            if metric == COST_PER_PP:
                est, diff = "", interval(row)
            else:
                est = interval(row)
                diff = "" if name == results.baseline else interval(row, "diff_", points=True)
                if diff and math.isfinite(row["diff_halfwidth"]):
                    diff += f" ± {number(row['diff_halfwidth'], metric, points=True)}"
            print(f"{label:26s} {name[:30]:30s} {est:>38s} {diff:>52s}")
            label = ""
    _methods(table["method"])


def print_precision(results: Results) -> None:
    """Whether the replications reached the target half-width, and how many more would."""
    for p in results.precision or []:
        metric = p["metric"]
        what = f"{p['scenario']}: {metric} half-width {number(p['halfwidth'], metric, points=True)}"
        if p["reached"]:
            print(f"{what}, target {number(p['target'], metric, points=True)} reached with "
                  f"{p['replications']} replications")
        else:
            print(f"{what}, target {number(p['target'], metric, points=True)} NOT reached with "
                  f"{p['replications']} replications; about {p['replications_needed']} would reach it "
                  f"({p['replications_needed'] - p['replications']} more)")


def _methods(methods) -> None:
    used = sorted(set(m for m in methods if isinstance(m, str)))
    print("intervals: 95%, " + "; ".join(used))
