"""A scenario from DfE data fitted to its own council's rates (``swsim scenario-from-dfe --fit``).

``scenario_from_dfe`` takes a council's demand, posts and durations from DfE data; its turnover,
vacancy and agency rates are targets, and without a fit they come out as the base's (every
council alike). ``fit_to_dfe`` fits each council's turnover scale, time to fill a vacancy (or, in
a regional market, its appeal and the region's supply) and agency backfill to its DfE rates for
the year with ``region_fit.fit_region`` (a single council is a region of one), then checks the
fitted scenario on fresh seeds against the same targets: one line per target (``check_lines``).

Budgets (``FIT_LEVELS``): rounds of the fit, years per replication, and the staff-years each round
simulates; the replications are those staff-years over the scenario's funded posts (at least
``min_reps``), so a small council's rates are as precise as a large one's and a round of a
large council takes about as long as a small one's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from calibration.dfe import RATES, council_targets
from calibration.fit import Settings
from calibration.region_fit import RegionFit, fit_region, regional, summary_rates
from sim.columns import REGION
from sim.experiment.replications import run_experiment
from sim.scenario import LEVELS, Scenario


@dataclass(frozen=True)
class FitLevel:
    rounds: int
    years: float
    warmup_years: float
    staff_years: float  # simulated staff-years a round (over funded posts: the replications)
    min_reps: int
    max_reps: int


FIT_LEVELS = {
    "quick": FitLevel(
        rounds=6, years=2.0, warmup_years=2.0, staff_years=800.0, min_reps=2, max_reps=8
    ),
    "full": FitLevel(
        rounds=12, years=5.0, warmup_years=3.0, staff_years=4000.0, min_reps=4, max_reps=20
    ),
}
FITS = ("none", *FIT_LEVELS)


@dataclass
class DfeFit:
    scenario: Scenario  # the fitted scenario (values rounded as written)
    region_fit: RegionFit
    checks: pd.DataFrame  # per council and target: DfE value and range, simulated, within
    settings: Settings


def settings_for(scenario: Scenario, level: str | FitLevel, seed: int, workers=1) -> Settings:
    """The fit's settings at ``level`` (a key of ``FIT_LEVELS``, or a ``FitLevel``) for
    ``scenario`` (replications from its funded posts)."""
    lv = FIT_LEVELS[level] if isinstance(level, str) else level
    posts = sum(
        sum(x.establishment for x in m.workforce.levels.ordered()) for _, m in scenario.members()
    )
    reps = min(lv.max_reps, max(lv.min_reps, math.ceil(lv.staff_years / (posts * lv.years))))
    return Settings(
        reps=reps,
        years=lv.years,
        warmup_years=lv.warmup_years,
        seed=seed,
        workers=workers,
        budget=lv.rounds,
    )


def targets_for(scenario: Scenario, councils: dict[str, str], year: int) -> pd.DataFrame:
    """Each council's DfE turnover, vacancy and agency targets (``dfe.council_targets``), its
    ``geography`` the council's name in ``scenario`` (``councils``: that name -> DfE's)."""
    tables = []
    for name, dfe_name in councils.items():
        table = council_targets([dfe_name], year)  # geography: the council as DfE names it
        tables.append(table.assign(council=table["geography"], geography=name))
    return pd.concat(tables, ignore_index=True)


def rounded(scenario: Scenario) -> Scenario:
    """The fitted values as written: scales and probabilities to 4 places, days to 0.1."""
    values = {}
    for name, member in scenario.members():
        at = f"authority.{name}." if scenario.is_region else ""
        values[f"{at}turnover.hazard_scale"] = round(member.turnover.hazard_scale, 4)
        values[f"{at}agency.backfill_probability"] = round(member.agency.backfill_probability, 4)
        if regional(scenario):
            values[f"{at}employer.appeal"] = round(member.employer.appeal, 4)
        else:
            for level, lv in zip(LEVELS, member.workforce.levels.ordered()):
                values[f"{at}workforce.levels.{level}.fill_days_mean"] = round(lv.fill_days_mean, 1)
    return scenario.with_values(values)


def check(scenario: Scenario, targets: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """``scenario``'s mean rates on fresh seeds (``s.seed + 1``) against ``targets``."""
    names = [n for n, _ in scenario.members()]
    runs = run_experiment(scenario, s.reps, s.seed + 1, s.years, s.warmup_years, s.workers)
    got = summary_rates(runs, names if scenario.is_region else [REGION])
    rows = []
    for i, name in enumerate(names):
        for metric in RATES:
            t = targets[(targets["geography"] == name) & (targets["model_metric"] == metric)].iloc[
                0
            ]
            value = float(got[metric][i])
            rows.append(
                {
                    "council": name,
                    "dfe_council": t["council"],
                    "metric": metric,
                    "quantity": t["quantity"],
                    "dfe": float(t["value"]),
                    "low": float(t["low"]),
                    "high": float(t["high"]),
                    "simulated": value,
                    "within": bool(t["low"] <= value <= t["high"]),
                }
            )
    return pd.DataFrame(rows)


def fit_to_dfe(
    scenario: Scenario,
    councils: dict[str, str],
    year: int,
    level: str | FitLevel,
    seed: int,
    workers=1,
    progress=None,
) -> DfeFit:
    """``scenario`` (from ``scenario_from_dfe`` or ``region_from_dfe``) with each council's
    parameters fitted to its DfE rates for ``year`` at ``level`` (a key of ``FIT_LEVELS``), and
    the fitted scenario's check against them on fresh seeds."""
    s = settings_for(scenario, level, seed, workers)
    targets = targets_for(scenario, councils, year)
    fit = fit_region(scenario, targets, s, progress)
    fitted = rounded(fit.scenario)
    return DfeFit(fitted, fit, check(fitted, targets, s), s)


def check_lines(checks: pd.DataFrame, year: int) -> list[str]:
    """One line per target: the council, the rate, simulated against DfE's, within range or not."""
    lines = []
    for r in checks.itertuples(index=False):
        name = RATES[r.metric][2].split(" (")[0]
        lines.append(
            f"{r.dfe_council} {name}: simulated {100 * r.simulated:.1f}%, DfE {year} "
            f"{100 * r.dfe:.1f}% (range {100 * r.low:.1f}-{100 * r.high:.1f}%): "
            + ("within range" if r.within else "OUT OF RANGE")
        )
    met = int(checks["within"].sum())
    lines.append(f"{met} of {len(checks)} targets within range")
    return lines
