"""A run's calendar and start: yearly series on DfE's reporting years, and a warm-up that burns in
only the case mix so reporting starts from the scenario's staffing (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.errors import BadInput
from sim.model.clock import MONTH_DAYS, Calendar, Clock
from sim.model.region import Region
from sim.model.series import by_year, factor
from sim.scenario import Series

START = {"start.year": 2019, "start.hold_staff": True}


def test_reporting_year_runs_april_to_march_and_reporting_starts_at_the_census():
    cal = Calendar(2019, report_start_day=365.0)
    # day 365 is 30 September 2019; the reporting year 2019-20 is named 2020
    assert cal.reporting_year(365.0) == 2020
    assert cal.reporting_year(365.0 + 180) == 2020  # late March 2020
    assert cal.reporting_year(365.0 + 185) == 2021  # early April 2020
    assert cal.reporting_year(365.0 - 190) == 2019  # mid March 2019
    assert Clock(1.0, 1.0).calendar(None) is None


def test_a_series_holds_its_ends_and_grows_by_the_trend_after_the_last_year():
    s = {"2018": 10.0, "2020": 30.0}
    assert by_year(s, np.array([2016, 2018, 2019, 2020])).tolist() == [10.0, 10.0, 10.0, 30.0]
    assert by_year(s, np.array([2022]), trend=0.1)[0] == pytest.approx(30.0 * 1.1**2)
    index = {
        "x": Series(affects="leaving_hazard", by_year={"2020": 2.0}),
        "y": Series(affects="leaving_hazard", by_year={"2020": 1.5}),
        "z": Series(affects="applicants", by_year={"2020": 9.0}),
    }
    assert factor(index, "leaving_hazard", Calendar(2019, 0.0), 10.0) == pytest.approx(3.0)
    assert factor(index, "leaving_hazard", None, 10.0) == 1.0


def test_a_yearly_series_needs_a_calendar(baseline):
    with pytest.raises(BadInput) as err:
        baseline.with_values({"demand.referrals_by_year": {"2019": 100.0}})
    assert "start.year" in str(err.value) and "referrals_by_year" in str(err.value)
    with pytest.raises(BadInput) as err:
        baseline.with_values({"start.year": 2019, "demand.referrals_by_year": {"19": 100.0}})
    assert "referrals_by_year" in str(err.value)


def test_referrals_follow_the_yearly_series(baseline):
    """Two years from 30 September 2019: Poisson counts per reporting year match the series."""
    series = {"2020": 4000.0, "2021": 8000.0}
    sc = baseline.with_values(
        {"start.year": 2019, "demand.referrals_by_year": series, "demand.seasonal_amplitude": 0.0}
    )
    region = Region(sc, 5, 0, Clock(2.0, 0.0))
    [auth] = region.authorities
    counts = auth.book.referrals_per_day
    year = auth.calendar.reporting_year(np.arange(region.clock.n_days) + 0.5)
    for y, value in series.items():
        in_year = year == int(y)
        expected = value / 365.0 * in_year.sum()
        assert abs(counts[in_year].sum() - expected) < 4 * np.sqrt(expected)
    later = year > 2021  # after the series: its last value
    expected = 8000.0 / 365 * later.sum()
    assert later.sum() > 0 and abs(counts[later].sum() - expected) < 4 * np.sqrt(expected)


def _warmup_rows(scenario, years=0.5, warmup=1.0, seed=4):
    region = Region(scenario, seed, 0, Clock(years, warmup))
    region.run()
    rows = pd.DataFrame(region.rows)
    return region, rows[rows["authority"] == "region"]


def test_holding_the_staff_keeps_the_start_state_through_the_warm_up(baseline):
    sc = baseline.with_values(
        {**START, "workforce.initial_fill": 0.6, "agency.initial_cover": 0.25}
    )
    region, rows = _warmup_rows(sc)
    [auth] = region.authorities
    posts = sum(1 for p in auth.establishment.posts if p.funded)
    held = rows[rows["month"] < 0]  # the warm-up's months
    # nobody joined, left, was promoted or changed contract while cases were burnt in
    assert held["perm_total"].nunique() == 1 and held["agency_total"].nunique() == 1
    assert held["leavers"].sum() == 0 and held["hires"].sum() == 0
    perm = held["perm_total"].iloc[0]
    vacant = posts - perm
    assert perm == sum(
        int(round(0.6 * sum(1 for p in auth.establishment.posts if p.level == lv)))
        for lv in range(5)
    )
    # agency cover of the vacant posts: Binomial(vacant, 0.25)
    sd = np.sqrt(vacant * 0.25 * 0.75)
    assert abs(held["agency_total"].iloc[0] - 0.25 * vacant) < 4 * sd
    assert held["caseload_mean"].iloc[-1] > 0  # cases were allocated and worked
    # ... and from reporting on, people join and leave again
    after = rows[rows["month"] >= 0]
    assert after["hires"].sum() > 0 and after["leavers"].sum() > 0


def test_without_holding_the_warm_up_moves_the_staff(baseline):
    sc = baseline.with_values({"workforce.initial_fill": 0.6})
    _, rows = _warmup_rows(sc)
    assert rows[rows["month"] < 0]["hires"].sum() > 0


def test_staff_held_start_with_the_stationary_tenure_when_reporting_starts(baseline):
    """Their tenure is drawn as at the start of reporting, not shifted by the warm-up."""
    sc = baseline.with_values(START)
    region = Region(sc, 4, 0, Clock(0.1, 2.0))
    [auth] = region.authorities
    start = region.clock.report_start_day
    hired = np.array([w.hired_day for w in auth.workers if w.pipeline == "initial"])
    free = Region(baseline, 4, 0, Clock(0.1, 2.0)).authorities[0]
    hired_free = np.array([w.hired_day for w in free.workers if w.pipeline == "initial"])
    assert np.allclose(start - hired, 0.0 - hired_free)  # same draws, same tenure at the start
    assert start == pytest.approx(24 * MONTH_DAYS)


def test_agency_workers_beyond_vacancies_are_kept_at_their_share(baseline):
    """agency.beyond_vacancies: that share of the funded posts' number of agency workers above
    establishment, from the start and topped up monthly; they are counted as agency workers and
    never convert to permanent on a post above establishment."""
    sc = baseline.with_values(
        {"agency.beyond_vacancies": 0.1, "agency.conversion_rate_per_year": 2.0}
    )
    region = Region(sc, 6, 0, Clock(2.0, 0.0))
    [auth] = region.authorities
    funded = sum(1 for p in auth.establishment.posts if p.funded)
    at_start = sum(1 for p in auth.establishment.posts if p.beyond and p.agency is not None)
    assert at_start == round(0.1 * funded)
    region.run()
    rows = pd.DataFrame(region.rows)
    kept = sum(1 for p in auth.establishment.posts if p.beyond and p.agency is not None)
    assert kept >= round(0.1 * funded) - 3  # between a month's ends and top-ups
    assert all(w.post is None or not w.post.beyond for w in auth.roster.staff.values())
    # topped up early in each month: by the month end, the assignments that ended in it are short
    short = 0.1 * funded * -np.expm1(-1.0 / sc.agency.assignment_months_mean)
    assert rows["agency_above_establishment"].mean() == pytest.approx(0.1 * funded - short, abs=2)
