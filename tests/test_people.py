"""People (issue 12): sickness absence as lost capacity, ages at hire, ages advancing, and
retirement competing with the leaving hazard. Each test fails if its feature breaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.columns import REGION
from sim.experiment.replications import run_experiment
from sim.model.allocation import W_LEVEL, W_LIMIT
from sim.model.clock import DAYS_PER_YEAR, Clock
from sim.model.people import AgesAtHireTable, absence_rate
from sim.model.region import Region
from sim.scenario import Absence, Retirement, ScenarioError

OFF = {"absence": {"enabled": False}, "retirement": {"enabled": False}}
NO_PRESSURE = {"pressure_ratio_per_case": 1.0}
BUSY = {"demand": {"referrals_per_year": 9500.0}}


def _region(scenario, years=2.0, warmup=0.0, seed=3, rep=0) -> Region:
    region = Region(scenario, seed, rep, Clock(years, warmup))
    region.run()
    return region


def _summaries(scenario, reps=2, years=2.0, warmup=0.5, seed=7):
    """(monthly rows, summary rows)."""
    runs = run_experiment(scenario, reps=reps, seed=seed, years=years, warmup_years=warmup)
    return runs.timeseries, runs.summary


def _age_at(worker, day: float) -> float:
    return (day - worker.born) / DAYS_PER_YEAR


# -- switched off -------------------------------------------------------------------------------


def test_switched_off_absence_is_no_absence(baseline):
    """absence.enabled = false is exactly a base rate of 0: the same model, day by day."""
    off = _summaries(baseline.with_overrides(**OFF))
    zero = _summaries(
        baseline.with_overrides(absence={"base_rate": 0.0}, retirement={"enabled": False})
    )
    pd.testing.assert_frame_equal(off[1], zero[1])
    pd.testing.assert_frame_equal(off[0], zero[0])
    assert (off[1]["absence_rate"] == 0).all()
    [auth] = _region(baseline.with_overrides(**OFF), years=0.5).authorities
    assert auth.rates.capacity_factor == 1.0 and auth.absence == 0.0


def test_switched_off_retirement_is_nobody_retiring(baseline):
    """retirement.enabled = false: nobody retires, whatever their age, and the results are those
    of a retirement that never comes (no hazard, retiring at 100); ages are still reported."""
    off = baseline.with_overrides(**OFF)
    never = baseline.with_overrides(
        absence={"enabled": False}, retirement={"hazard_per_year": 0.0, "latest_age": 100.0}
    )
    a, b = _summaries(off, years=3.0), _summaries(never, years=3.0)
    pd.testing.assert_frame_equal(a[1], b[1])
    assert (a[1]["leavers_retirement"] == 0).all() and (a[0]["leavers_retirement"] == 0).all()
    assert (a[1]["staff_near_retirement_share"] > 0).all()
    region = _region(off, years=4.0)
    assert not any(w.retired for w in region.authorities[0].workers)


def test_people_draws_leave_everything_else_unchanged(baseline):
    """Ages come from a stream of their own: with retirement off, other ages at hire change
    nothing but the reported age profile (common random numbers)."""
    off = baseline.with_overrides(**OFF)
    older = off.with_overrides(retirement={"age_at_hire": {"initial": [0.0, 0.0, 0.0, 0.5, 0.5]}})
    a, b = _summaries(off), _summaries(older)
    same = [c for c in a[1].columns if c != "staff_near_retirement_share"]
    pd.testing.assert_frame_equal(a[1][same], b[1][same])
    assert (b[1]["staff_near_retirement_share"] > a[1]["staff_near_retirement_share"]).all()


# -- sickness absence -----------------------------------------------------------------------------


def test_absence_rises_with_pressure_up_to_its_maximum():
    absence = Absence(base_rate=0.04, pressure_ratio_per_case=1.1, max_rate=0.1)
    assert absence_rate(absence, np.zeros(5)) == pytest.approx(0.04)
    assert absence_rate(absence, np.array([0.0, 2.0])) == pytest.approx(0.04 * (1 + 1.1**2) / 2)
    assert absence_rate(absence, np.full(3, 50.0)) == 0.1
    assert absence_rate(absence, np.array([])) == 0.04


def test_absence_takes_capacity_from_every_limit(baseline):
    """The share of days lost comes off every worker's caseload limit and adds to the time the
    cases take (the capacity factor)."""
    [auth] = _region(baseline, years=1.0).authorities
    assert 0.035 <= auth.absence <= 0.117
    assert auth.rates.capacity_factor == pytest.approx(1.0 - auth.absence)
    active = np.flatnonzero(auth.book.active)
    want = auth.rates.caseload_limit[auth.book.wi[W_LEVEL, active]] * (1.0 - auth.absence)
    np.testing.assert_allclose(auth.book.wf[W_LIMIT, active], want)
    assert (auth.rates.team_limit_factor == 1.0).all()  # the baseline's teams share the limits


def test_more_absence_means_more_waiting(baseline):
    """Fewer cases fit: on common random numbers a larger absence rate leaves more cases waiting
    longer, and each worker holds fewer."""
    busy = baseline.with_overrides(**BUSY, retirement={"enabled": False})
    low = _summaries(busy.with_overrides(absence={"base_rate": 0.02, **NO_PRESSURE}), years=2.0)[1]
    high = _summaries(busy.with_overrides(absence={"base_rate": 0.10, **NO_PRESSURE}), years=2.0)[1]
    assert low["absence_rate"].to_numpy() == pytest.approx(0.02)
    assert high["absence_rate"].to_numpy() == pytest.approx(0.10)
    assert (high["cases_waiting_mean"] > low["cases_waiting_mean"] + 50).all()
    assert (high["mean_wait_days"] > low["mean_wait_days"]).all()
    assert (high["mean_caseload"] < low["mean_caseload"]).all()


def test_caseload_pressure_raises_absence(baseline):
    """A busier service is off sick more, and more so with a stronger pressure ratio."""
    calm = _summaries(baseline.with_overrides(demand={"referrals_per_year": 5000.0}))[1]
    busy = _summaries(baseline.with_overrides(**BUSY))[1]
    stronger = _summaries(
        baseline.with_overrides(**BUSY, absence={"pressure_ratio_per_case": 1.2})
    )[1]
    assert (busy["absence_rate"] > calm["absence_rate"]).all()
    assert (stronger["absence_rate"] > busy["absence_rate"]).all()
    assert (calm["absence_rate"] >= 0.035).all() and (stronger["absence_rate"] <= 0.117).all()


def test_region_absence_is_weighted_by_workers_in_post(baseline):
    councils = {
        "A": {"absence": {"base_rate": 0.02, **NO_PRESSURE}},
        "B": {
            "absence": {"base_rate": 0.06, **NO_PRESSURE},
            "workforce": {"levels": {"l3": {"establishment": 150}}},
        },
    }
    region = _region(baseline.with_overrides(name="r", authority=councils), years=1.0)
    months = region.months()
    by = {name: rows.set_index("month") for name, rows in months.groupby("authority")}
    people = {k: v["perm_total"] + v["agency_total"] for k, v in by.items()}
    want = (0.02 * people["A"] + 0.06 * people["B"]) / (people["A"] + people["B"])
    np.testing.assert_allclose(by[REGION]["absence_rate"], want)
    for column in ("leavers_retirement", "perm_near_retirement"):
        np.testing.assert_array_equal(by["A"][column] + by["B"][column], by[REGION][column])


# -- ages and retirement -----------------------------------------------------------------------


def test_ages_at_hire_follow_their_pipeline():
    table = AgesAtHireTable(Retirement())
    assert table.age("newly_qualified", 0, 0.0) == 20.0
    assert table.age("newly_qualified", 0, 0.55) == pytest.approx(30.0)  # 55% are in their 20s
    assert table.age("experienced", 2, 0.282) == pytest.approx(30.0)
    assert table.age("initial", 2, 0.999999) == pytest.approx(67.0, abs=0.01)
    # a policy's pipeline: newly qualified into ASYE posts, experienced above
    assert table.age("apprentice", 0, 0.7) == table.age("newly_qualified", 0, 0.7)
    assert table.age("international", 2, 0.7) == table.age("experienced", 2, 0.7)


def test_hires_have_their_pipelines_ages(baseline):
    """Over a run, newly qualified hires are younger than experienced ones, as their shares say."""
    region = _region(baseline.with_overrides(**OFF), years=5.0)
    workers = region.authorities[0].workers
    age = {
        p: np.array([_age_at(w, max(w.hired_day, 0.0)) for w in workers if w.pipeline == p])
        for p in ("newly_qualified", "experienced", "initial")
    }  # the initial staff: at the start
    mids = np.array([25.0, 35.0, 45.0, 55.0, 63.5])
    assert age["newly_qualified"].size > 30 and age["experienced"].size > 30
    assert age["newly_qualified"].mean() == pytest.approx(
        mids @ [0.55, 0.30, 0.11, 0.04, 0.0], abs=3
    )
    assert age["experienced"].mean() == pytest.approx(
        mids @ [0.282, 0.319, 0.23, 0.139, 0.03], abs=3
    )
    assert age["newly_qualified"].mean() < age["experienced"].mean() - 4
    assert 20 <= age["initial"].min() and age["initial"].max() < 67


def test_ages_advance_with_time(baseline):
    """With nobody leaving, the staff aged 60 or over can only grow."""
    still = baseline.with_overrides(
        **OFF,
        workforce={
            "asye_pass_probability": 1.0,
            "levels": {lv: {"leave_rate": 0.0} for lv in ("asye", "l2", "l3", "l4", "l5")},
        },
    )
    months = _region(still, years=4.0).months()
    near = months["perm_near_retirement"].to_numpy()
    assert (np.diff(near) >= 0).all() and near[-1] > near[0] + 3


def test_retirees_are_past_the_start_age_and_nobody_works_past_the_latest(baseline):
    region = _region(baseline.with_overrides(absence={"enabled": False}), years=6.0)
    [auth] = region.authorities
    retirees = [w for w in auth.workers if w.retired]
    assert len(retirees) > 5
    ages = np.array([_age_at(w, w.left_day) for w in retirees])
    assert ages.min() >= 60.0 and ages.mean() > 61.0
    assert all(w.destination == "profession" for w in retirees)
    staff = np.flatnonzero(auth.roster.contract == 1)
    assert auth.ages(staff).max() < 67.0 + 1.0 / 12  # retired at the first month end past 67


def test_retirement_adds_leavers_without_changing_the_others(baseline):
    """Retirement runs on a clock of its own: those who leave for other reasons before retiring
    leave when they would have anyway (common random numbers); retirements add to turnover and
    count as leaving the profession."""
    off = baseline.with_overrides(**OFF)
    on = baseline.with_overrides(absence={"enabled": False})
    ts_off, s_off = _summaries(off, reps=3, years=3.0)
    ts_on, s_on = _summaries(on, reps=3, years=3.0)
    assert (s_on["leavers_retirement"] > 0).all()
    assert s_on["turnover_rate"].mean() > s_off["turnover_rate"].mean()
    assert (s_on["leavers_profession"] >= s_on["leavers_retirement"]).all()
    total = sum(ts_on[f"leavers_{d}"] for d in ("profession", "other_la", "agency"))
    np.testing.assert_array_equal(total, ts_on["leavers"])
    # the initial staff: the same people, and those who left before any retirement left together
    a, b = (_region(s, years=1.0).authorities[0] for s in (off, on))
    first = {w.uid: w for w in a.workers if w.pipeline == "initial"}
    assert [w.born for w in b.workers if w.pipeline == "initial"] == [
        w.born for w in first.values()
    ]
    left_off = {uid for uid, w in first.items() if w.left_day is not None}
    left_on = {
        w.uid
        for w in b.workers
        if w.pipeline == "initial" and w.left_day is not None and not w.retired
    }
    assert left_on <= left_off and len(left_on) >= 0.8 * len(left_off)


def test_a_mover_keeps_their_age(baseline):
    market = {
        "labour": "regional",
        "newly_qualified_per_year": 60.0,
        "experienced_per_year": {"l2": 25.0, "l3": 25.0},
        "agency_pool_start": 20,
    }
    region = _region(
        baseline.with_overrides(name="r", authority={"A": {}, "B": {}}, market=market), years=3.0
    )
    movers = [w for a in region.authorities for w in a.workers if w.pipeline == "moved"]
    left = {w.born for a in region.authorities for w in a.workers if w.destination == "other_la"}
    assert len(movers) > 5 and all(w.born in left for w in movers)


def test_summary_age_and_retirement_follow_their_definitions(baseline):
    ts, s = _summaries(baseline, reps=1, years=3.0)
    last = ts.iloc[-1]
    assert s["staff_near_retirement_share"].iloc[0] == pytest.approx(
        last["perm_near_retirement"] / last["perm_total"]
    )
    assert s["leavers_retirement"].iloc[0] == pytest.approx(
        ts["leavers_retirement"].sum() / 3.0, rel=1e-3
    )
    assert s["absence_rate"].iloc[0] == pytest.approx(ts["absence_rate"].mean())


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section, values, message",
    [
        (
            "absence",
            {"base_rate": -0.01},
            "absence.base_rate = -0.01: Input should be greater than or equal to 0",
        ),
        ("absence", {"base_rate": 1.0}, "absence.base_rate = 1.0: Input should be less than 1"),
        ("absence", {"base_rate": 0.2}, "absence.base_rate = 0.2: must be at most max_rate"),
        (
            "absence",
            {"pressure_ratio_per_case": 0.9},
            "absence.pressure_ratio_per_case = 0.9: Input should be greater",
        ),
        (
            "retirement",
            {"start_age": 70.0},
            "retirement.start_age = 70.0: must be below latest_age",
        ),
        ("retirement", {"hazard_per_year": -1.0}, "retirement.hazard_per_year = -1.0"),
        ("retirement", {"age_group_edges": [20.0, 40.0, 30.0]}, "strictly increasing"),
        (
            "retirement",
            {"age_at_hire": {"initial": [0.5, 0.5]}},
            "retirement.age_at_hire.initial .*2 shares; need one per age group: 5",
        ),
        ("retirement", {"age_at_hire": {"experienced": [0.5, 0.5, 0.1, 0.0, 0.0]}}, "sum to 1.1"),
        (
            "retirement",
            {"age_group_edges": [20.0, 30.0, 40.0, 50.0, 60.0, 70.0]},
            "above latest_age",
        ),
    ],
)
def test_bad_people_input_is_refused_naming_the_field(baseline, section, values, message):
    with pytest.raises(ScenarioError, match=message):
        baseline.with_overrides(**{section: values})
