"""Comparing scenarios with common random numbers: paired differences to the baseline.

Every scenario's replication ``r`` uses the same random streams, so the difference between a
variant and the baseline in replication ``r`` cancels the noise they share (referrals, case careers,
and life events the policy does not change). Intervals come from ``stats``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.columns import (
    COST_PER_PP,
    OUTCOMES,
    REGION,
    TURNOVER_RATE,
    WHOLE_SYSTEM_COST,
    authorities_of,
    rows_of,
)
from sim.experiment.executor import Executor
from sim.experiment.replications import Runs, run_replications
from sim.experiment.stats import (
    Interval,
    bounds_of,
    cost_per_point,
    interval_row,
    mean_interval,
    paired_difference,
    replications_needed,
)
from sim.scenario import Scenario, ScenarioError


@dataclass
class Comparison:
    """Per-replication summaries (and monthly and team tables) of each scenario; the first is the
    baseline."""

    names: list[str]
    summaries: list[pd.DataFrame]
    timeseries: list[pd.DataFrame] | None = None
    teams: list[pd.DataFrame] | None = None

    @property
    def reps(self) -> int:
        return len(self.summary(0))

    def summary(self, index: int, authority: str = REGION) -> pd.DataFrame:
        """Scenario ``index``'s per-replication rows for one authority (the region by default)."""
        return rows_of(self.summaries[index], authority)

    def difference(self, index: int, metric: str, authority: str = REGION) -> Interval:
        """The paired difference of scenario ``index`` from the baseline in ``metric``."""
        return paired_difference(
            self.summary(index, authority)[metric],
            self.summary(0, authority)[metric],
            bounds_of(metric),
        )

    def table(self) -> pd.DataFrame:
        """One row per scenario, authority (the region, then each council) and metric: mean and
        interval, and the paired difference to the baseline with its interval (see
        ``sim.columns.TABLE_COLUMNS``)."""
        rows = []
        for authority in authorities_of(self.summaries[0]):
            base = self.summary(0, authority)
            metrics = [c for c in base.columns if c != "rep"]
            for i, name in enumerate(self.names):
                summ = self.summary(i, authority)
                for metric in metrics:
                    estimate = mean_interval(summ[metric], bounds_of(metric))
                    diff = (
                        None
                        if i == 0
                        else paired_difference(summ[metric], base[metric], bounds_of(metric))
                    )
                    rows.append(
                        {
                            "authority": authority,
                            **interval_row(metric, estimate, diff, scenario=name),
                        }
                    )
                if i > 0:
                    ratio = cost_per_point(
                        summ[WHOLE_SYSTEM_COST] - base[WHOLE_SYSTEM_COST],
                        summ[TURNOVER_RATE] - base[TURNOVER_RATE],
                    )
                    rows.append(
                        {"authority": authority, **interval_row(COST_PER_PP, ratio, scenario=name)}
                    )
        return pd.DataFrame(rows)

    def halfwidth(self, metric: str) -> float:
        """The widest interval half-width of ``metric``: of the paired differences if there are
        variants, else of the baseline's mean (nan while there is no interval)."""
        if len(self.summaries) == 1:
            return mean_interval(self.summary(0)[metric], bounds_of(metric)).halfwidth
        return float(
            np.max([self.difference(i, metric).halfwidth for i in range(1, len(self.names))])
        )

    def precision(self, metric: str, target: float) -> list[dict]:
        """Per variant (or the baseline alone): the half-width of ``metric`` against the target and
        the replications expected to reach it."""
        if len(self.summaries) == 1:
            intervals = [(self.names[0], mean_interval(self.summary(0)[metric], bounds_of(metric)))]
        else:
            intervals = [
                (name, self.difference(i, metric)) for i, name in enumerate(self.names) if i
            ]
        return [
            {
                "scenario": name,
                "metric": metric,
                "halfwidth": i.halfwidth,
                "target": target,
                "reached": bool(i.has_interval and i.halfwidth <= target),
                "replications": i.n,
                "replications_needed": replications_needed(i, target),
            }
            for name, i in intervals
        ]


def compare(
    scenarios: list[Scenario],
    reps: int,
    seed: int,
    years: float,
    warmup_years: float,
    workers: int | Executor = 1,
    progress: bool = False,
    target_metric: str | None = None,
    target_halfwidth: float | None = None,
    max_reps: int = 1000,
    batch: int | None = None,
    draws: pd.DataFrame | None = None,
) -> Comparison:
    """Run every scenario on the same seeds; with a target, add replications in batches until the
    half-width of ``target_metric`` is at most ``target_halfwidth`` (or ``max_reps`` is reached)."""
    if target_metric is not None and target_metric not in OUTCOMES:
        raise ScenarioError(
            [
                f"--target-metric {target_metric!r}: not a summary metric; "
                f"known: {', '.join(OUTCOMES)}"
            ]
        )
    names = _unique([s.name for s in scenarios])
    done = 0
    parts: list[list[Runs]] = [[] for _ in scenarios]
    todo = reps
    while True:
        results = run_replications(
            scenarios, range(done, done + todo), seed, years, warmup_years, workers, progress, draws
        )
        for runs, new in zip(parts, results):
            runs.append(new)
        done += todo
        stack = lambda field: [
            pd.concat([getattr(r, field) for r in runs], ignore_index=True) for runs in parts
        ]
        comparison = Comparison(names, stack("summary"), stack("timeseries"), stack("teams"))
        if target_metric is None or target_halfwidth is None or done >= max_reps:
            return comparison
        if comparison.summary(0)[target_metric].notna().sum() == 0:
            raise ScenarioError(
                [
                    f"--target-metric {target_metric}: undefined in every replication "
                    f"({OUTCOMES[target_metric].undefined_when}); choose another metric "
                    "or longer runs"
                ]
            )
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
