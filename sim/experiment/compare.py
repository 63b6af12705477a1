"""Comparing scenarios with common random numbers: paired differences to the baseline.

Every scenario's replication ``r`` uses the same random streams, so the difference between a
variant and the baseline in replication ``r`` cancels the noise they share (referrals, case careers,
and life events the policy does not change). Differences are averaged over replications with a
t-interval on the paired differences.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.experiment.replications import run_replications, t_interval
from sim.scenario import Scenario, ScenarioError

COST_PER_PP = "cost_per_pp_turnover_avoided"
BOOTSTRAP = 2000
KEY_METRICS = ["turnover_rate", "vacancy_rate", "agency_share", "mean_caseload", "p95_caseload",
               "share_over_cap", "mean_wait_days", "worker_changes_per_case", "asye_retention_2y",
               "total_cost_gbp", "agency_cost_gbp", "policy_cost_gbp", COST_PER_PP]


def cost_per_pp(d_cost: np.ndarray, d_turnover: np.ndarray, seed: int = 0) -> tuple[float, float, float]:
    """Extra cost per year per percentage point of turnover avoided: mean(d cost) / (-100 mean(d turnover)),
    with a paired bootstrap percentile interval. nan when turnover is not reduced."""
    d_cost, d_turnover = np.asarray(d_cost, float), np.asarray(d_turnover, float)
    avoided = -100.0 * d_turnover.mean()
    if not np.isfinite(avoided) or avoided <= 0:
        return float("nan"), float("nan"), float("nan")
    point = float(d_cost.mean() / avoided)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d_cost), size=(BOOTSTRAP, len(d_cost)))
    boot_avoided = -100.0 * d_turnover[idx].mean(axis=1)
    # resamples that avoid no turnover have an unbounded cost per point: they sort last
    boot = np.sort(np.where(boot_avoided > 0,
                            d_cost[idx].mean(axis=1) / np.where(boot_avoided > 0, boot_avoided, 1.0),
                            np.inf))
    return point, float(boot[int(0.025 * BOOTSTRAP)]), float(boot[int(np.ceil(0.975 * BOOTSTRAP)) - 1])


@dataclass
class Comparison:
    """Per-replication summaries of each scenario and the comparison table."""

    names: list[str]
    summaries: list[pd.DataFrame]
    timeseries: list[pd.DataFrame] | None = None

    @property
    def reps(self) -> int:
        return len(self.summaries[0])

    def table(self) -> pd.DataFrame:
        """One row per scenario and metric: mean and CI, paired difference to the first scenario and CI."""
        base = self.summaries[0]
        metrics = [c for c in base.columns if c != "rep"]
        rows = []
        for name, summ in zip(self.names, self.summaries):
            for metric in metrics:
                mean, lo, hi = t_interval(summ[metric].to_numpy())
                if summ is base:
                    diff = (0.0, 0.0, 0.0)
                else:
                    diff = t_interval(summ[metric].to_numpy() - base[metric].to_numpy())
                rows.append(_row(name, metric, (mean, lo, hi), diff, len(summ)))
            if summ is not base:
                ratio = cost_per_pp(summ["total_cost_gbp"].to_numpy() - base["total_cost_gbp"].to_numpy(),
                                    summ["turnover_rate"].to_numpy() - base["turnover_rate"].to_numpy())
                rows.append(_row(name, COST_PER_PP, ratio, (float("nan"),) * 3, len(summ)))
        return pd.DataFrame(rows)

    def halfwidth(self, metric: str) -> float:
        """The widest CI half-width of ``metric``: of the paired differences if there are variants,
        else of the baseline's mean."""
        base = self.summaries[0]
        if len(self.summaries) == 1:
            _, lo, hi = t_interval(base[metric].to_numpy())
            return (hi - lo) / 2
        widths = []
        for summ in self.summaries[1:]:
            _, lo, hi = t_interval(summ[metric].to_numpy() - base[metric].to_numpy())
            widths.append((hi - lo) / 2)
        return float(np.max(widths))


def _row(name, metric, est, diff, n):
    return {"scenario": name, "metric": metric, "mean": est[0], "ci_low": est[1], "ci_high": est[2],
            "diff": diff[0], "diff_low": diff[1], "diff_high": diff[2], "n": n}


def compare(scenarios: list[Scenario], reps: int, seed: int, years: float, warmup_years: float,
            workers: int = 1, progress: bool = False, target_metric: str | None = None,
            target_halfwidth: float | None = None, max_reps: int = 1000,
            batch: int | None = None, draws: pd.DataFrame | None = None) -> Comparison:
    """Run every scenario on the same seeds; with a target, add replications in batches until the
    half-width of ``target_metric`` is at most ``target_halfwidth`` (or ``max_reps`` is reached)."""
    names = _unique([s.name for s in scenarios])
    done = 0
    summaries: list[list[pd.DataFrame]] = [[] for _ in scenarios]
    series: list[list[pd.DataFrame]] = [[] for _ in scenarios]
    todo = reps
    while True:
        results = run_replications(scenarios, range(done, done + todo), seed, years, warmup_years,
                                   workers, progress, draws)
        for parts, ts_parts, (ts, summ) in zip(summaries, series, results):
            parts.append(summ)
            ts_parts.append(ts)
        done += todo
        comparison = Comparison(names, [pd.concat(p, ignore_index=True) for p in summaries],
                                [pd.concat(p, ignore_index=True) for p in series])
        if target_metric is not None and target_metric not in comparison.summaries[0].columns:
            known = ", ".join(c for c in comparison.summaries[0].columns if c != "rep")
            raise ScenarioError([f"--target-metric {target_metric!r}: not a summary metric; "
                                 f"known: {known}"])
        if target_metric is None or target_halfwidth is None or done >= max_reps:
            return comparison
        width = comparison.halfwidth(target_metric)
        if np.isfinite(width) and width <= target_halfwidth:
            return comparison
        todo = min(batch or max(reps // 2, 5), max_reps - done)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out
