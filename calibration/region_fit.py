"""Fitting a region to each council's DfE rates.

A region has three parameters per council and two for the region, against three targets per
council (turnover, vacancy and agency rates, DfE CSWW):

- per council: ``turnover.hazard_scale`` (its turnover), ``employer.appeal`` (how applicants choose
  it: its vacancy rate relative to the others) and ``agency.backfill_probability`` (its agency
  rate);
- regional: a scale on the supply of applicants (``market.newly_qualified_per_year`` and
  ``market.experienced_per_year``: the region's vacancy rate) and ``market.agency_inflow_per_year``
  (keeps the pool of agency workers between assignments at its assumed size,
  ``market.agency_pool_start``).

Where the councils recruit from an outside market (``market.labour = "outside"``: a single
council from ``swsim scenario-from-dfe``, or a region built from it), there is no supply or appeal
to move: each council's vacancy rate is fitted by a scale on its levels' time to fill a vacancy
(``workforce.levels.*.fill_days_mean``), and the regional parameters are left as they are. A
scenario of one council is fitted as a region of one (its rows are the run's own).

Appeals are relative (adding a constant to every council's changes nothing), so their mean,
weighted by funded posts, is held at 0. With 45 parameters the Nelder-Mead search of ``fit`` is
out of reach, but each parameter moves mainly its own target, so the fit is a damped fixed-point
iteration on common random numbers: every round runs the same replications and moves each
parameter toward its target (scales by the ratio of target to simulated rate, appeal and supply
by the difference in log-odds), with steps that shrink as 1 / round after the first few (a
Robbins-Monro schedule, so simulation noise does not keep the values moving). The rounds' history
is kept; the best round (least sum of squared z-scores) is the result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration.fit import Settings
from sim.columns import RATES, REGION, rows_of
from sim.experiment.replications import Runs, run_experiment
from sim.scenario import LEVELS, Scenario

DAMPING = 0.8
STEADY_ROUNDS = 3  # full steps for the first rounds, then steps shrinking as 1 / round
HAZARD_RANGE = (0.2, 5.0)
APPEAL_RANGE = (-6.0, 6.0)
BACKFILL_RANGE = (0.02, 1.0)
FILL_RANGE = (0.05, 20.0)  # the time-to-fill scale (outside market), on the council's own times
MAX_FILL_DAYS = 3650.0  # the schema's bound on fill_days_mean


@dataclass
class RegionFit:
    scenario: Scenario  # the region with the best round's values
    fitted: pd.DataFrame  # per council (and a 'region' row): the fitted values
    history: pd.DataFrame  # per round and council: values, simulated and target rates
    loss: float


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-3, 1 - 1e-3)
    return np.log(p / (1 - p))


def _targets(targets: pd.DataFrame, names: list[str], metric: str) -> np.ndarray:
    rows = targets[targets["model_metric"] == metric].set_index("geography")
    return rows.reindex(names)["value"].to_numpy(dtype=float)


def _sd(targets: pd.DataFrame, names: list[str], metric: str) -> np.ndarray:
    rows = targets[targets["model_metric"] == metric].set_index("geography").reindex(names)
    return ((rows["high"] - rows["low"]) / 2 / 1.96).to_numpy(dtype=float)


def regional(base: Scenario) -> bool:
    """Whether the councils share a regional labour market (else each recruits from outside)."""
    return base.market.labour == "regional"


def _prefix(base: Scenario, name: str) -> str:
    """The dotted path to a council's own section: itself, for a region of one."""
    return f"authority.{name}." if base.is_region else ""


def apply(
    base: Scenario,
    names: list[str],
    hazard: np.ndarray,
    appeal: np.ndarray,
    backfill: np.ndarray,
    supply: float,
    inflow: float,
    fill: np.ndarray | None = None,
) -> Scenario:
    """The region with these values: in a regional market, the supply and inflow, and each
    council's appeal; in an outside market, each council's times to fill scaled by ``fill``."""
    values: dict[str, float] = {}
    members = dict(base.members())
    if regional(base):
        m = base.market
        values.update(
            {
                "market.newly_qualified_per_year": m.newly_qualified_per_year * supply,
                "market.agency_inflow_per_year": inflow,
                **{
                    f"market.experienced_per_year.{k}": v * supply
                    for k, v in m.experienced_per_year.items()
                },
            }
        )
    for i, name in enumerate(names):
        at = _prefix(base, name)
        values[f"{at}turnover.hazard_scale"] = float(hazard[i])
        if regional(base):
            values[f"{at}employer.appeal"] = float(appeal[i])
        elif fill is not None:
            for level, lv in zip(LEVELS, members[name].workforce.levels.ordered()):
                values[f"{at}workforce.levels.{level}.fill_days_mean"] = float(
                    min(lv.fill_days_mean * fill[i], MAX_FILL_DAYS)
                )
        values[f"{at}agency.backfill_probability"] = float(backfill[i])
    return base.with_values(values)


def summary_rates(runs: Runs, names: list[str]) -> dict[str, np.ndarray]:
    """Each council's mean turnover, vacancy and agency rates over the runs' reporting windows."""
    return {m: np.array([rows_of(runs.summary, n)[m].mean() for n in names]) for m in RATES}


def fit_region(
    base: Scenario,
    targets: pd.DataFrame,
    s: Settings,
    progress=None,
    measure: Callable[[Runs, list[str]], dict[str, np.ndarray]] = summary_rates,
) -> RegionFit:
    """Fit each council's hazard scale, appeal and backfill, and the region's supply and agency
    inflow, to ``targets`` (rows with ``geography`` = council; see ``dfe.council_targets``), in
    ``s.budget`` rounds; ``measure`` reads the councils' rates from a round's runs (default: their
    means over the reporting window)."""
    members = dict(base.members())
    names = list(members)
    # a region of one is the run's own rows (its targets' geography: its name)
    rows = names if base.is_region else [REGION]
    market = regional(base)
    posts = np.array(
        [sum(lv.establishment for lv in members[n].workforce.levels.ordered()) for n in names],
        float,
    )
    weight = posts / posts.sum()
    hazard = np.array([members[n].turnover.hazard_scale for n in names])
    appeal = np.array([members[n].employer.appeal for n in names])
    backfill = np.array([members[n].agency.backfill_probability for n in names])
    fill = np.ones(len(names))
    supply, inflow = 1.0, base.market.agency_inflow_per_year
    want = {m: _targets(targets, names, m) for m in RATES}
    sd = {m: _sd(targets, names, m) for m in want}
    # the region's own vacancy target, where the targets have one (a row for no council), is
    # matched by the region's own row; else the councils' targets weighted by their posts
    own = targets[(targets["model_metric"] == "vacancy_rate") & ~targets["geography"].isin(names)]
    region_vacancy = (
        float(own["value"].iloc[0]) if len(own) == 1 else float(weight @ want["vacancy_rate"])
    )
    region_sd = float((own["high"] - own["low"]).iloc[0] / 2 / 1.96) if len(own) == 1 else 1.0
    history, best = [], None
    for round_ in range(s.budget):
        scenario = apply(base, names, hazard, appeal, backfill, supply, inflow, fill)
        runs = run_experiment(scenario, s.reps, s.seed, s.years, s.warmup_years, s.workers)
        got = measure(runs, rows)
        idle = float(rows_of(runs.timeseries)["agency_available"].mean())
        z = np.concatenate([(got[m] - want[m]) / sd[m] for m in want])
        simulated_vacancy = (
            float(rows_of(runs.summary)["vacancy_rate"].mean())
            if len(own) == 1
            else float(weight @ got["vacancy_rate"])
        )
        if len(own) == 1:  # the region's own vacancy counts as one more target
            z = np.append(z, (simulated_vacancy - region_vacancy) / region_sd)
        loss = float(np.nansum(z**2))
        for i, name in enumerate(names):
            history.append(
                {
                    "round": round_,
                    "authority": name,
                    "hazard_scale": hazard[i],
                    "appeal": appeal[i],
                    "backfill_probability": backfill[i],
                    **({} if market else {"fill_days_scale": fill[i]}),
                    **{f"{m}_simulated": got[m][i] for m in want},
                    **{f"{m}_target": want[m][i] for m in want},
                    "loss": loss,
                }
            )
        if market:
            history.append(
                {
                    "round": round_,
                    "authority": "region",
                    "supply_scale": supply,
                    "agency_inflow_per_year": inflow,
                    "agency_available": idle,
                    "loss": loss,
                }
            )
        if best is None or loss < best[0]:
            best = (
                loss,
                round_,
                hazard.copy(),
                appeal.copy(),
                backfill.copy(),
                supply,
                inflow,
                fill.copy(),
            )
        if progress:
            progress(round_, loss)
        # move each parameter toward its target, by steps that shrink once near it (Robbins-Monro)
        step = DAMPING * min(1.0, STEADY_ROUNDS / (round_ + 1))
        hazard = np.clip(
            hazard * (want["turnover_rate"] / np.maximum(got["turnover_rate"], 1e-3)) ** step,
            *HAZARD_RANGE,
        )
        if market:
            appeal = np.clip(
                appeal + step * (logit(got["vacancy_rate"]) - logit(want["vacancy_rate"])),
                *APPEAL_RANGE,
            )
            appeal = appeal - weight @ appeal  # appeals are relative: their weighted mean is 0
        else:  # a vacancy's odds rise in proportion to the time it takes to fill
            fill = np.clip(
                fill * np.exp(step * (logit(want["vacancy_rate"]) - logit(got["vacancy_rate"]))),
                *FILL_RANGE,
            )
        backfill = np.clip(
            backfill * (want["agency_share"] / np.maximum(got["agency_share"], 1e-3)) ** step,
            *BACKFILL_RANGE,
        )
        if market:
            supply *= math.exp(
                step * (logit(np.array(simulated_vacancy)) - logit(np.array(region_vacancy)))
            )
            inflow = max(
                0.0,
                inflow
                + step * base.market.agency_exit_rate * (base.market.agency_pool_start - idle),
            )
    loss, round_, hazard, appeal, backfill, supply, inflow, fill = best
    scenario = apply(base, names, hazard, appeal, backfill, supply, inflow, fill)
    fitted = pd.DataFrame(
        {
            "authority": names,
            "hazard_scale": hazard,
            "appeal": appeal,
            "backfill_probability": backfill,
            **({} if market else {"fill_days_scale": fill}),
        }
    )
    if market:
        m = scenario.market
        fitted = pd.concat(
            [
                fitted,
                pd.DataFrame(
                    [
                        {
                            "authority": "region",
                            "newly_qualified_per_year": m.newly_qualified_per_year,
                            **{f"experienced_{k}": v for k, v in m.experienced_per_year.items()},
                            "agency_inflow_per_year": inflow,
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    return RegionFit(scenario, fitted, pd.DataFrame(history), loss)
