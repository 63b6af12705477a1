"""Referrals and case careers against the laws they are drawn from."""

from __future__ import annotations

import numpy as np

from sim.model.clock import Clock
from sim.model.demand import (
    CaseTypeTable,
    draw_caseload,
    expected_open_cases,
    referral_rate_per_day,
)
from sim.model.region import Region
from sim.model.streams import Streams


def _caseload(scenario, years, seed=1):
    s = Streams(seed, 0)
    return draw_caseload(
        scenario, int(years * 365), s["referrals"], s["case_careers"], s["initial"]
    )


def test_referrals_follow_trend_and_season(baseline):
    sc = baseline.with_overrides(demand={"annual_trend": 0.1, "seasonal_amplitude": 0.3})
    cl = _caseload(sc, 20)
    days = np.arange(len(cl.referrals_per_day))
    expected = referral_rate_per_day(sc.demand, days + 0.5)
    # totals by year follow the trend (Poisson: within 4 standard deviations)
    for year in range(20):
        sl = slice(year * 365, (year + 1) * 365)
        got, mean = cl.referrals_per_day[sl].sum(), expected[sl].sum()
        assert abs(got - mean) < 4 * np.sqrt(mean)
    # seasonal peak near the configured day: fit the first harmonic of the detrended counts
    ratio = cl.referrals_per_day / (sc.demand.referrals_per_year / 365 * 1.1 ** (days / 365))
    phase = np.angle(np.sum(ratio * np.exp(2j * np.pi * days / 365)))
    peak = (phase / (2 * np.pi) * 365) % 365
    assert abs(peak - sc.demand.seasonal_peak_day) < 10
    amplitude = 2 * np.abs(np.mean(ratio * np.exp(2j * np.pi * days / 365)))
    assert abs(amplitude - 0.3) < 0.03
    # a share of referrals become cases
    new = ~cl.initial
    assert abs(new.sum() / cl.referrals_per_day.sum() - sc.demand.case_share) < 0.005


def test_careers_follow_the_case_type_chain(baseline):
    cl = _caseload(baseline, 30)
    table = CaseTypeTable.from_scenario(baseline)
    new = ~cl.initial
    # expected episodes per case from the fundamental matrix of the absorbing chain
    n = len(table.names)
    start = np.zeros(n)
    start[table.names.index("assessment")] = 1.0
    visits = start @ np.linalg.inv(np.eye(n) - table.transition)
    got = cl.n_episodes[new].mean()
    assert abs(got / visits.sum() - 1) < 0.02
    # episodes of each type have the configured mean duration
    for t, name in enumerate(table.names):
        d = cl.episode_days[cl.episode_type == t]
        assert abs(d.mean() / baseline.case_types[name].mean_days - 1) < 0.05, name


def test_open_cases_match_traffic_equations_when_nobody_waits(baseline):
    """Little's law over the case-type network: with ample staff, open cases by type = flow x duration."""
    roomy = baseline.with_overrides(
        workforce={
            "initial_fill": 1.0,
            "levels": {
                lv: {"caseload_limit": 60.0, "leave_rate": 0.0}
                for lv in ["asye", "l2", "l3", "l4", "l5"]
            },
        },
        demand={"seasonal_amplitude": 0.0},
    )
    region = Region(roomy, 2, 0, Clock(6.0, 0.0))
    region.run()
    [auth] = region.authorities
    assert auth.book.waiting == 0
    expected = expected_open_cases(roomy).sum()
    open_mean = auth.book.daily[0, 365:].mean()
    assert abs(open_mean / expected - 1) < 0.05, (open_mean, expected)
