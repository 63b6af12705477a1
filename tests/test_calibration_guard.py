"""The built-in scenarios keep their calibration and their "no change" paths are steady.

A change to demand, the market, the defaults or a mechanism that moves a built-in off its DfE
targets turns these red (the guard), as does a baseline whose rates drift over a run with
nothing changed (the steady check). The full check is ``swsim validate-calibration NAME``."""

from __future__ import annotations

import pytest

from calibration.council_fit import targets_for
from calibration.guard import guard_table
from calibration.targets import Targets
from sim.experiment.replications import run_experiment
from sim.experiment.steady import DRIFT_POINTS, drift, drifting
from sim.scenario import load_scenario

SEED = 4242  # not the default seed: the guard must hold on seeds the fit never saw
GUARD = {
    "baseline": dict(reps=8, years=4.0),
    "nottinghamshire": dict(reps=8, years=4.0),
    "west_midlands": dict(reps=4, years=4.0),
}


def _misses(table):
    return table[~table["ok"] & ~table["known_miss"]][
        ["id", "target", "simulated_mean", "band_low", "band_high"]
    ]


def _targets(name: str):
    """The targets a built-in was fitted to: the targets file (each council's DfE 2020 rates for
    the region), or for Nottinghamshire its own DfE CSWW 2017 rates."""
    if name != "nottinghamshire":
        return None
    return Targets(targets_for(load_scenario(name), {name: "Nottinghamshire"}, 2017))


@pytest.mark.parametrize("name", sorted(GUARD))
def test_each_builtin_meets_its_targets_on_a_small_budget(name):
    """Every fitted target within its widened band, but for the documented structural misses
    (``KNOWN_MISSES``), which are at most 3 of the region's 45 (the issue's 42 of 45)."""
    scenario = load_scenario(name)
    table = guard_table(
        scenario,
        seed=SEED,
        workers=2,
        warmup_years=scenario.run.warmup_years,
        targets=_targets(name),
        **GUARD[name],
    )
    assert len(table) >= 3 and table["known_miss"].sum() <= 3
    missed = _misses(table)
    assert missed.empty, f"{name} lost its calibration:\n{missed.to_string()}"


def _held(region, factor: float = 1.0):
    """The region with every council's referrals held at its start year's rate (times
    ``factor``) in every year of its series."""
    values = {}
    for name, council in region.members():
        rate = council.demand.referrals_per_year * factor
        values[f"authority.{name}.demand.referrals_per_year"] = rate
        values[f"authority.{name}.demand.referrals_by_year"] = {
            year: rate for year in council.demand.referrals_by_year
        }
    return region.with_values(values)


@pytest.mark.slow
def test_the_guard_fails_when_the_regions_demand_doubles():
    """What the guard is for: the built-in with every council's referral series doubled (posts
    and market unchanged) misses its targets."""
    region = load_scenario("west_midlands")
    values = {}
    for name, council in region.members():
        values[f"authority.{name}.demand.referrals_by_year"] = {
            year: 2 * v for year, v in council.demand.referrals_by_year.items()
        }
    table = guard_table(
        region.with_values(values),
        seed=SEED,
        workers=2,
        warmup_years=region.run.warmup_years,
        **GUARD["west_midlands"],
    )
    assert len(_misses(table)) >= 5, table.to_string()


@pytest.mark.parametrize(
    "name", ["baseline", pytest.param("west_midlands", marks=pytest.mark.slow)]
)
def test_no_change_is_steady_over_ten_years(name):
    """With referrals held at the start year's level, no council's (nor the region's) yearly
    turnover, vacancy rate or agency share moves by more than 3 points between the first two and
    the last two years of a 10-year run (means over replications, beyond two standard errors of
    their chance: a small council's yearly rates vary by several points from one replication to
    the next). The run's warm-up is the scenario's own: the time its start state takes to settle
    (8 years for the region, whose Dudley drifted about 6 points after 3)."""
    scenario = load_scenario(name)
    if scenario.is_region:
        scenario = _held(scenario)
    runs = run_experiment(scenario, 16, SEED, 10.0, scenario.run.warmup_years, 2)
    table = drift(runs.timeseries)
    assert len(table) == 3 * table["authority"].nunique() and not table.empty
    moved = drifting(table, DRIFT_POINTS)
    assert moved.empty, f"{name} drifts with nothing changed:\n{moved.to_string()}"


def test_drift_measures_the_rates_as_the_summaries_define_them():
    """A made-up run whose vacancies fall and leavers double after two years: yearly turnover is
    leavers over mean permanent staff, the vacancy rate vacancies over vacancies and staff."""
    import pandas as pd

    rows = [
        {
            "authority": "A",
            "rep": rep,
            "month": m,
            "perm_total": 100.0,
            "vacancies_total": 25.0 if m < 24 else 10.0,
            "agency_total": 0.0,
            "leavers": 1.0 if m < 24 else 2.0,
        }
        for rep in range(3)
        for m in range(48)
    ]
    table = drift(pd.DataFrame(rows)).set_index("rate")
    assert table.at["vacancy_rate", "first"] == pytest.approx(0.2)
    assert table.at["vacancy_rate", "last"] == pytest.approx(10 / 110)
    assert table.at["turnover_rate", "change"] == pytest.approx(0.24 - 0.12)
    assert table.at["agency_share", "change"] == 0 and (table["se"] == 0).all()
    assert set(drifting(table.reset_index())["rate"]) == {"vacancy_rate", "turnover_rate"}
    assert drift(pd.DataFrame(rows)[lambda f: f["month"] < 36]).empty  # under 4 whole years
