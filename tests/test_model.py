"""Conservation, common random numbers, and the direction of the main effects."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.experiment.replications import run_experiment, run_replication
from sim.model.allocation import (
    C_NEXT_ARRIVAL,
    CLOSED,
    HELD_TO,
    RECENT_WORKERS,
    TYPE,
    WORKER,
    CaseFlow,
    ConservationError,
)
from sim.model.clock import MONTH_DAYS, Clock
from sim.model.region import Region
from sim.model.turnover import leaving_hazard


def _authority(scenario, years=2.0, warmup=0.0, seed=3, rep=0):
    """The one authority of a region of one, after a run."""
    region = Region(scenario, seed, rep, Clock(years, warmup))
    region.run()
    [auth] = region.authorities
    return auth


def test_conservation_of_cases_and_workers(baseline):
    auth = _authority(baseline, years=3.0)
    auth.check_conservation()
    book = auth.book
    arrived = int(book.ctr[0])
    closed = int((book.cases[11, :arrived] >= 0).sum())
    allocated = int((book.cases[WORKER, :arrived] >= 0).sum())
    assert arrived == closed + allocated + book.waiting
    assert len(auth.workers) == auth.n_active + sum(w.left_day is not None for w in auth.workers)
    assert (book.load[book.active] <= book.wf[0][book.active] + 1e-9).all()
    assert sum(w.left_day is not None for w in auth.workers) > 0  # people did leave
    assert closed > 0 and allocated > 0


def test_conservation_check_catches_a_lost_case(baseline):
    auth = _authority(baseline, years=0.5)
    held = np.nonzero(auth.book.cases[WORKER] >= 0)[0]
    auth.book.cases[WORKER, held[0]] = -1  # lose a case
    with pytest.raises(ConservationError):
        auth.check_conservation()


def test_over_limit_allowed_only_when_configured(baseline):
    tight = baseline.with_overrides(demand={"referrals_per_year": 14000.0}, run={"years": 1.0})
    auth = _authority(tight, years=1.0)
    assert auth.book.waiting > 0
    assert (auth.book.load <= auth.book.wf[0] + 1e-9).all()
    loose = tight.with_overrides(allocation={"allow_over_limit": True})
    auth = _authority(loose, years=1.0)
    assert (auth.book.daily[1] == 0).all()  # nobody waits at the end of any day
    assert (auth.book.load > auth.book.wf[0] + 1e-9).any()
    auth.check_conservation()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    referrals=st.floats(500, 12000),
    limit=st.floats(1, 30),
    leave=st.floats(0, 1.5),
    backfill=st.floats(0, 1),
    fill=st.floats(0, 1),
    conversion=st.floats(0, 2),
    seed=st.integers(0, 2**31),
)
def test_conservation_holds_for_any_valid_scenario(
    baseline, referrals, limit, leave, backfill, fill, conversion, seed
):
    s = baseline.with_overrides(
        demand={"referrals_per_year": referrals},
        workforce={
            "initial_fill": fill,
            "levels": {"l3": {"caseload_limit": limit, "leave_rate": leave}},
        },
        agency={"backfill_probability": backfill, "conversion_rate_per_year": conversion},
    )
    auth = _authority(s, years=1.5, seed=seed)
    auth.check_conservation()  # raises on any lost case or worker


def test_same_referrals_across_scenarios(baseline):
    """Common random numbers: a workforce change leaves the referrals untouched."""
    a = _authority(baseline, years=1.0)
    b = _authority(
        baseline.with_overrides(
            workforce={"levels": {"l3": {"establishment": 120}}},
            agency={"premium_gbp_per_year": 1.0},
        ),
        years=1.0,
    )
    np.testing.assert_array_equal(a.book.referrals_per_day, b.book.referrals_per_day)
    np.testing.assert_array_equal(a.book.cases[0], b.book.cases[0])
    np.testing.assert_array_equal(a.book.ep, b.book.ep)


def _means(scenario, reps=6, years=6.0, warmup=2.0):
    return run_experiment(scenario, reps=reps, seed=5, years=years, warmup_years=warmup).summary


def test_caseload_pressure_raises_turnover(baseline):
    busy = baseline.with_overrides(demand={"referrals_per_year": 9000.0})
    calm = _means(busy.with_overrides(turnover={"pressure_hazard_ratio_per_case": 1.0}))
    hot = _means(busy.with_overrides(turnover={"pressure_hazard_ratio_per_case": 1.4}))
    assert hot["turnover_rate"].mean() > calm["turnover_rate"].mean() + 0.01
    # the hazard itself: monotone in pressure
    h = leaving_hazard(busy, np.array([2, 2]), np.array([3.0, 3.0]), np.array([0.0, 2.0]))
    assert h[1] == pytest.approx(h[0] * 1.1**2)


def test_agency_premium_raises_agency_cost(baseline):
    low = _means(baseline.with_overrides(agency={"premium_gbp_per_year": 10000.0}), reps=3)
    high = _means(baseline.with_overrides(agency={"premium_gbp_per_year": 30000.0}), reps=3)
    # common random numbers: the premium changes no decision, so agency use is identical
    np.testing.assert_array_equal(low["agency_share"], high["agency_share"])
    assert (high["agency_cost_gbp"] > low["agency_cost_gbp"]).all()


def test_more_posts_means_shorter_waits(baseline):
    busy = baseline.with_overrides(demand={"referrals_per_year": 9500.0})
    base = _means(busy)
    more = _means(busy.with_overrides(workforce={"levels": {"l3": {"establishment": 130}}}))
    assert base["mean_wait_days"].mean() > 1.0  # there is a queue to shorten
    assert more["mean_wait_days"].mean() < 0.5 * base["mean_wait_days"].mean()


def test_pay_gap_raises_the_hazard(baseline):
    gap = baseline.with_overrides(workforce={"levels": {"l3": {"market_salary_gbp": 42900.0}}})
    h0 = leaving_hazard(baseline, np.array([2]), np.array([3.0]), np.array([0.0]))
    h1 = leaving_hazard(gap, np.array([2]), np.array([3.0]), np.array([0.0]))
    assert h1[0] == pytest.approx(h0[0] * 1.2 ** (10 * 0.1), rel=1e-6)


def test_summary_rates_follow_their_definitions(baseline):
    result = run_replication(baseline, rep=0, seed=9, years=3.0, warmup_years=1.0)
    ts, [s] = result.timeseries, result.summary
    assert s["turnover_rate"] == pytest.approx(ts["leavers"].sum() / ts["perm_total"].mean() / 3.0)
    assert s["leavers_profession"] + s["leavers_other_la"] + s["leavers_agency"] == pytest.approx(
        ts["leavers"].sum() / 3.0
    )
    assert s["total_cost_gbp"] == pytest.approx(ts["cost_gbp_month"].sum() / 3.0)
    assert 0 <= s["vacancy_rate"] < 1 and 0 <= s["agency_share"] < 1
    assert s["p95_caseload"] >= s["mean_caseload"] > 0


def test_councils_with_an_outside_market_are_self_contained(baseline):
    """With an outside market, adding a council to a region changes nothing for the others: each
    draws from streams keyed by its own name (common random numbers across regional scenarios)."""
    a = {"A": {}}
    b = {
        "B": {
            "demand": {"referrals_per_year": 9000.0},
            "workforce": {"levels": {"l3": {"establishment": 60}}},
        }
    }
    alone = Region(baseline.with_overrides(authority=a), 3, 0, Clock(2.0, 0.0))
    together = Region(baseline.with_overrides(authority={**a, **b}), 3, 0, Clock(2.0, 0.0))
    for region in (alone, together):
        region.run()
    np.testing.assert_array_equal(alone.authorities[0].book.cs, together.authorities[0].book.cs)
    rows = lambda r: [row for row in r.rows if row["authority"] == "A"]
    assert rows(together) == [{**row, "authority": "A"} for row in alone.rows]


def test_waits_after_a_worker_leaves_are_counted(baseline):
    from sim.model.allocation import ARRIVAL, FIRST_ALLOC, UNALLOCATED

    auth = _authority(baseline.with_overrides(demand={"referrals_per_year": 9500.0}), years=2.0)
    cases = auth.book.cases
    seen = cases[FIRST_ALLOC] >= 0
    first_wait = cases[FIRST_ALLOC][seen] - cases[ARRIVAL][seen]
    assert (cases[UNALLOCATED][seen] >= first_wait).all()
    assert (cases[UNALLOCATED][seen] > first_wait).any()


TEAMS = {
    "front_door": {"case_types": ["assessment"], "share": 0.3},
    "children_in_need": {"case_types": ["cin", "cp", "court"], "share": 0.45},
    "looked_after": {"case_types": ["lac"], "share": 0.25},
}


def test_one_team_holding_every_type_is_the_single_pool(baseline):
    """Teams are a generalisation: one team of all the posts and types changes nothing."""
    from sim.scenario import parse_scenario

    pool = parse_scenario({**baseline.model_dump(mode="python"), "teams": {}})
    one = pool.with_overrides(teams={"all": {"case_types": baseline.type_names, "share": 1.0}})
    a, b = _authority(pool, years=1.0), _authority(one, years=1.0)
    np.testing.assert_array_equal(a.book.cs, b.book.cs)


def test_a_case_moves_to_the_team_of_its_new_type(baseline):
    """A case that steps from assessment to child in need changes team, so changes worker; when
    the front door keeps child-in-need work it does not. Every held case sits with a worker of a
    team that works its type (checked in every run)."""
    split = baseline.with_overrides(teams=TEAMS)
    keeps = baseline.with_overrides(
        teams={**TEAMS, "front_door": {**TEAMS["front_door"], "keeps": ["cin"]}}
    )
    changes = {}
    for name, scenario in (("split", split), ("keeps", keeps)):
        auth = _authority(scenario, years=2.0, warmup=0.5)
        cs = auth.book.cases
        from sim.model.allocation import CHANGES, W_TEAM

        closed = cs[CLOSED] >= 0
        changes[name] = cs[CHANGES][closed].mean()
        held = cs[WORKER] >= 0
        teams = auth.book.wi[W_TEAM][cs[WORKER][held]]
        types = np.array(auth.book.table.names)[cs[TYPE][held]]
        front = teams == 0
        assert set(types[front]) <= ({"assessment"} if name == "split" else {"assessment", "cin"})
        assert set(types[teams == 2]) <= {"lac"}
    assert changes["split"] > changes["keeps"] + 0.1, changes
    posts = Counter((p.team, p.level) for p in _authority(split, years=0.25).establishment.posts)
    assert sum(n for (team, _), n in posts.items() if team == 0) == pytest.approx(0.3 * 250, abs=5)


@pytest.mark.parametrize(
    "teams, field",
    [
        ({"a": {"case_types": ["assessment"], "share": 1.0}}, "no team allocates"),
        (
            {
                "a": {"case_types": ["assessment", "cin", "cp", "court", "lac"], "share": 0.5},
                "b": {"case_types": ["cin"], "share": 0.5},
            },
            "already allocated by team 'a'",
        ),
        (
            {"a": {"case_types": ["assessment", "cin", "cp", "court", "lac"], "share": 0.7}},
            "sum to 0.7",
        ),
        (
            {"a": {"case_types": ["assessment", "cin", "cp", "court", "lac", "x"], "share": 1.0}},
            "unknown case type 'x'",
        ),
        (
            {
                "a": {"case_types": ["assessment"], "share": 0.5},
                "b": {"case_types": ["cin", "cp", "court", "lac"]},
            },
            "give every team a share, or none",
        ),
    ],
)
def test_bad_teams_are_refused(baseline, teams, field):
    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=field):
        baseline.with_overrides(teams=teams)


def test_the_wait_distribution_follows_its_definition(baseline):
    """One measure of waiting: the council's waits for a worker are its teams' together (count,
    count-weighted mean, share that waited), and include every first allocation in the window; the
    first-allocation wait is computed from every case first allocated in the window."""
    from sim.model.allocation import ARRIVAL, FIRST_ALLOC
    from sim.model.clock import DAYS_PER_YEAR

    teams = {k: {"case_types": v["case_types"]} for k, v in TEAMS.items()}
    region = Region(baseline.with_overrides(teams=teams), 3, 0, Clock(2.0, 0.5))
    region.run()
    [row] = region.summaries(region.months())
    team_rows = pd.DataFrame(region.team_summaries())
    [auth] = region.authorities
    cs = auth.book.cases
    start = region.clock.report_start_day
    sel = ~auth.book.initial & (cs[FIRST_ALLOC] >= start) & (cs[FIRST_ALLOC] < region.clock.n_days)
    first = cs[FIRST_ALLOC][sel] - cs[ARRIVAL][sel]
    assert first.max() > 0  # with teams, some cases wait
    assert row["first_wait_days_p90"] == pytest.approx(np.percentile(first, 90))
    assert row["first_wait_days"] == pytest.approx(first.mean())
    # every wait, the region's and its teams' the same measure
    assert len(team_rows) == len(TEAMS) and row["waits"] == pytest.approx(team_rows["waits"].sum())
    weights = team_rows["waits"] / team_rows["waits"].sum()
    assert row["mean_wait_days"] == pytest.approx((weights * team_rows["mean_wait_days"]).sum())
    assert row["waited_share"] == pytest.approx((weights * team_rows["waited_share"]).sum())
    years = (region.clock.n_days - start) / DAYS_PER_YEAR
    assert row["waits"] * years >= sel.sum() - 1e-9  # a first allocation ends a wait
    assert row["mean_wait_days"] > first.mean()  # cases also wait after their worker leaves


def _one_looked_after_child(baseline):
    """A case book holding one looked-after child for 2,000 days, and nobody yet."""
    from sim.model.allocation import CaseBook
    from sim.model.demand import Caseload, CaseTypeTable

    table = CaseTypeTable.from_scenario(baseline)
    lac = table.names.index("lac")
    caseload = Caseload(
        np.zeros(1, np.int64),
        np.zeros(1, bool),
        np.zeros(1, np.int64),
        np.ones(1, np.int64),
        np.array([lac]),
        np.array([2000]),
        np.zeros(1200, np.int64),
    )
    return CaseBook(caseload, table, 1200, 8, np.zeros(1, np.int64)), table


def social_workers_in_year(cases: np.ndarray, day: int) -> np.ndarray:
    """DfE's definition, vectorised: for each case (columns of the case table), how many
    different social workers held it at some time in the 12 months to ``day``, up to three."""
    since = day - 365
    n = np.zeros(cases.shape[1], dtype=np.int64)
    for worker, held_to in zip(RECENT_WORKERS, HELD_TO):
        n += (cases[worker] >= 0) & (cases[held_to] > since)
    return n


def three_or_more_workers(cases: np.ndarray, day: int, types: np.ndarray) -> tuple[int, int]:
    """(children with 3+ social workers in the last 12 months, children) among the cases open at
    ``day`` whose type is marked in ``types``."""
    counted = (cases[CLOSED] < 0) & types[cases[TYPE]]
    return int((social_workers_in_year(cases[:, counted], day) >= 3).sum()), int(counted.sum())


def test_the_month_end_counts_agree_with_the_definitions_in_a_run(baseline):
    """The month-end counts the case flow keeps (children with 3+ workers, cases waiting by team
    and their work) against their definitions over the open cases, at month ends of a run with
    turnover."""
    region = Region(baseline, 3, 0, Clock(2.0, 0.0))
    [auth] = region.authorities
    book, table = auth.book, auth.book.table
    for month in (6, 18, 23):
        region.env.run(until=(month + 1) * MONTH_DAYS - 0.05)
        day = int(region.env.now)
        three, waiting = book.open_counts(day)
        work = book.waiting_work()
        referred = book.cases[:, : book.ctr[C_NEXT_ARRIVAL]]  # the later referrals are drawn too
        assert tuple(three[0]) == three_or_more_workers(referred, day, table.looked_after)
        assert tuple(three[1]) == three_or_more_workers(referred, day, table.in_need)
        cases = referred[:, referred[CLOSED] < 0]
        types = cases[TYPE][cases[WORKER] < 0]
        assert list(waiting) == list(
            np.bincount(table.team[types], minlength=len(table.team_names))
        )
        assert np.allclose(
            work,
            np.bincount(
                table.team[types], weights=table.weight[types], minlength=len(table.team_names)
            ),
        )
    assert three[0, 1] > 0 and three[1, 1] > 0


def test_three_or_more_social_workers_is_dfe_measure_on_a_hand_made_history(baseline):
    """A child held by A (days 0-100), B (100-300), A again (300-400), C (400-800), then D: the
    count of different social workers in the 12 months to each day is checked against the
    history, and DfE's share against its definition (3+ workers, children open at the day)."""
    book, table = _one_looked_after_child(baseline)
    history = [("A", 0, 100), ("B", 100, 300), ("A", 300, 400), ("C", 400, 800), ("D", 800, None)]
    uid = {"A": 11, "B": 12, "C": 13, "D": 14}
    starts = {start: (k, name) for k, (name, start, _) in enumerate(history)}

    def by_definition(d: int) -> int:  # different workers holding it at some time in (d-365, d]
        return len(
            {n for n, start, end in history if start <= d and (end is None or end > d - 365)}
        )

    checks = (50, 100, 350, 450, 700, 760, 799, 800, 900, 1164, 1165, 1199)
    flow = CaseFlow([book])
    for d in range(1200):
        if d in starts:
            k, name = starts[d]
            if k:
                book.close_slot(0, d)  # the holder leaves on the day the next one starts
            book.open_slot(
                0, uid[name], level=2, limit=20.0, team=int(table.team[table.names.index("lac")])
            )
        flow.step(d, d)
        assert book.cases[WORKER][0] == 0
        if d in checks:
            expected = min(3, by_definition(d))
            assert social_workers_in_year(book.cases, d)[0] == expected, d
            assert three_or_more_workers(book.cases, d, table.looked_after) == (
                int(expected >= 3),
                1,
            )
            assert three_or_more_workers(book.cases, d, ~table.looked_after) == (0, 0)
            counted = book.open_counts(d)[0]  # the counts the case flow keeps
            assert tuple(counted[0]) == (int(expected >= 3), 1)
            assert tuple(counted[1]) == three_or_more_workers(book.cases, d, table.in_need)
    assert by_definition(450) == 3 and by_definition(760) == 2  # A, B, C; A and C


def test_wait_statistics_of_a_histogram():
    """Count, mean, 90th percentile (the smallest day with 90% of waits at or below it) and share
    of waits of a day or more, from waits counted by whole days."""
    from sim.model.summary import wait_statistics

    waits = np.array([0] * 6 + [1, 2, 2, 10])
    s = wait_statistics(np.bincount(waits, minlength=20))
    assert s == {
        "waits": 10.0,
        "mean_wait_days": pytest.approx(waits.mean()),
        "wait_days_p90": 2.0,
        "waited_share": 0.4,
    }
    assert np.isnan(wait_statistics(np.zeros(5, np.int64))["mean_wait_days"])


def test_team_rows_add_up_to_the_authority(baseline):
    """Each team's row: its posts sum to the establishment, its month-end caseloads and waiting
    cases to the authority's; the front door's waits include every first allocation."""
    from sim.model.allocation import FIRST_ALLOC

    teams = {k: {"case_types": v["case_types"]} for k, v in TEAMS.items()}
    region = Region(baseline.with_overrides(teams=teams), 3, 0, Clock(2.0, 0.5))
    region.run()
    months = region.months()
    rows = {r["team"]: r for r in region.team_summaries()}
    assert list(rows) == list(TEAMS)
    assert sum(r["posts"] for r in rows.values()) == 250
    assert sum(r["cases_waiting_mean"] for r in rows.values()) == pytest.approx(
        months["cases_waiting"].mean()
    )
    team_months = pd.DataFrame(region.team_rows)
    window = team_months[team_months["month"] >= 0]
    holders = window.groupby("month")["case_holders"].sum().to_numpy()
    np.testing.assert_array_equal(holders, months["case_holders"].to_numpy())
    [auth] = region.authorities
    cs = auth.book.cases
    firsts = int(((cs[FIRST_ALLOC] >= region.clock.report_start_day) & ~auth.book.initial).sum())
    years = (region.clock.n_days - region.clock.report_start_day) / 365.0
    assert rows["front_door"]["waits"] * years >= firsts - 5  # a day's edge at the window start
    assert rows["looked_after"]["mean_caseload"] != rows["front_door"]["mean_caseload"]


def test_posts_follow_the_work_with_square_root_staffing(baseline):
    """Each team of the baseline gets the posts its expected work fills (R, at its levels' limits)
    plus spare posts in proportion to the square root of R (Halfin-Whitt), so the small court team
    has the larger margin; court posts sit only at levels 3-5 (court cases need level 3); a team
    with half the limits asks for twice the load in posts."""
    from sim.model.demand import CaseTypeTable, expected_open_cases

    table = CaseTypeTable.from_scenario(baseline)
    levels = baseline.workforce.levels.ordered()
    n = np.array([lv.establishment for lv in levels], float)
    limit = np.array([lv.caseload_limit for lv in levels], float)
    work = np.bincount(table.team, weights=expected_open_cases(baseline, table) * table.weight)
    court = table.team_names.index("court")
    per_post = np.array([limit.mean() if k != court else 0.0 for k in range(4)])
    per_post[:] = (n * limit).sum() / n.sum()
    per_post[court] = (n[2:] * limit[2:]).sum() / n[2:].sum()
    load = work / per_post
    want = load + (n.sum() - load.sum()) * np.sqrt(load) / np.sqrt(load).sum()
    auth = _authority(baseline, years=0.25)
    got = np.bincount([p.team for p in auth.establishment.posts if p.funded], minlength=4)
    assert got == pytest.approx(want, abs=1.5)
    assert {p.level for p in auth.establishment.posts if p.team == court} <= {2, 3, 4}
    margin = (got - load) / load
    assert margin[court] > 1.5 * margin[table.team_names.index("family_support_and_protection")]
    slower = baseline.with_overrides(teams={"court": {"caseload_limit_factor": 0.5}})
    posts = lambda a: sum(1 for p in a.establishment.posts if p.team == court)
    assert posts(_authority(slower, years=0.25)) > 1.4 * posts(auth)  # R doubles, the margin less


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=400),
    st.sampled_from([np.int64, np.float64]),
)
def test_the_recorders_percentile_is_numpys_to_the_last_bit(values, dtype):
    from sim.model.recorder import p95

    x = np.array(values, dtype=dtype)
    assert p95(x) == float(np.percentile(x, 95))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=300))
def test_the_recorders_caseload_bands_follow_their_definition(counts):
    """Case holders with ``lo <= cases <= hi`` in each band (the open band: ``lo`` or more)."""
    from sim.columns import CASELOAD_BANDS, band_column
    from sim.model.recorder import band_counts

    c = np.array(counts)
    expected = {
        band_column(lo, hi): int(((c >= lo) & ((hi is None) | (c <= (hi or 0)))).sum())
        for lo, hi in CASELOAD_BANDS
    }
    assert band_counts(c) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=4), st.integers(min_value=1, max_value=45)),
        max_size=200,
    ),
    st.integers(min_value=1, max_value=30),
)
def test_the_team_caseloads_are_each_teams_own_to_the_last_bit(holders, cap):
    """Each team's case holders, mean (``mean``), 95th percentile (numpy's) and share over the cap,
    from all teams' holders at once; NaN for a team without case holders."""
    from sim.model.recorder import team_caseloads
    from sim.model.summary import mean

    teams = np.array([t for t, _ in holders], dtype=np.int64)
    counts = np.array([c for _, c in holders], dtype=np.int64)
    got = team_caseloads(counts, teams, 6, cap)
    assert len(got) == 6
    for k, (n, m, q, o) in enumerate(got):
        c = counts[teams == k]
        assert n == c.size
        if c.size:
            assert (m, q, o) == (mean(c), float(np.percentile(c, 95)), mean(c > cap))
        else:
            assert np.isnan([m, q, o]).all()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(float("nan"))), max_size=200))
def test_the_summaries_mean_is_pandas_to_the_last_bit(values):
    """Summaries average monthly columns with numpy as pandas did: NaN months left out, NaN when
    none is left, the same sum and division."""
    from sim.model.summary import mean

    x = np.array(values, dtype=float)
    expected = pd.Series(x, dtype=float).mean()
    assert (np.isnan(mean(x)) and np.isnan(expected)) or mean(x) == expected


def test_the_staff_counts_and_mean_caseload_follow_their_definitions(baseline):
    """``headcount`` (compiled, from the slot arrays) against the workers themselves: permanent
    staff by the level they practise at, agency workers by the level of the post they cover,
    funded vacancies as funded posts less those with a permanent holder; the mean caseload as
    numpy's mean over the case holders."""
    above = baseline.with_overrides(
        workforce={
            "progression_requires_funded_post": False,
            "asye_completion_requires_funded_post": False,
        }
    )
    auth = _authority(above, years=2.0)
    n = len(auth.levels)
    perm, agency, vacancies = auth.headcount()
    staff = list(auth.roster.staff.values())
    temps = [w for w in auth.roster.temps.values() if w.contract == "agency"]
    assert temps and any(not w.post.funded for w in staff)  # some promoted above establishment
    np.testing.assert_array_equal(perm, np.bincount([w.level for w in staff], minlength=n))
    np.testing.assert_array_equal(agency, np.bincount([w.post.level for w in temps], minlength=n))
    held = np.bincount(
        [p.level for p in auth.establishment.posts if p.funded and p.holder is not None],
        minlength=n,
    )
    np.testing.assert_array_equal(vacancies, auth.rates.establishment - held)
    counts = auth.book.count[auth.book.active]
    assert auth.mean_caseload() == counts[counts > 0].mean()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.booleans(), st.floats(-30000.0, 3000.0)), max_size=80),
    st.floats(0.0, 4000.0),
    st.sampled_from([50.0, 55.0, 60.0]),
)
def test_the_month_ends_other_staff_follow_their_definitions(slots, now, age):
    """Agency workers in unfunded posts, bank workers, and permanent staff at or past the
    succession age (their ages as ``Authority.ages`` computes them), from the slot arrays."""
    from sim.model.clock import DAYS_PER_YEAR
    from sim.model.roster import AGENCY, BANK, CONTRACT_CODE, PERMANENT, other_staff

    contract = np.array([c for c, _, _ in slots], dtype=np.int8)
    funded = np.array([f for _, f, _ in slots], dtype=bool)
    born = np.array([b for _, _, b in slots], dtype=float)
    perm = contract == CONTRACT_CODE[PERMANENT]
    expected = (
        int(((contract == CONTRACT_CODE[AGENCY]) & ~funded).sum()),
        int((contract == CONTRACT_CODE[BANK]).sum()),
        int(((now - born[perm]) / DAYS_PER_YEAR >= age).sum()),
    )
    assert other_staff(contract, funded, born, now, age, DAYS_PER_YEAR) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0, 60.0), st.floats(0.0, 20.0)), max_size=60),
    st.floats(0.5, 1.0),
    st.floats(0.0, 25.0),
    st.floats(0.01, 1.0),
)
def test_a_weeks_pressure_step_is_the_moving_average_of_the_excess_load(
    workers, capacity, threshold, alpha
):
    """``sustain``: pressure moves by ``alpha`` towards ``max(0, load / capacity - threshold)``,
    to the last bit of the numpy expression."""
    from sim.model.turnover import sustain

    load = np.array([w for w, _ in workers], dtype=float)
    pressure = np.array([p for _, p in workers], dtype=float)
    expected = pressure + alpha * (np.maximum(0.0, load / capacity - threshold) - pressure)
    sustain(pressure, load, capacity, threshold, alpha)
    np.testing.assert_array_equal(pressure, expected)


def test_the_staff_slots_kept_between_changes_are_always_the_staff_now(baseline, monkeypatch):
    """``staff_slots`` (kept until the staff change) is, at every read in a run with hires,
    leavers, promotions and conversions, the permanent staff's slots in joining order."""
    from sim.model.roster import Roster

    kept = Roster.staff_slots
    reads = []

    def checked(self):
        got = kept(self)
        slots = np.flatnonzero(self.contract == 1)
        fresh = slots[np.argsort(self.order[slots], kind="stable")]
        reads.append(
            np.array_equal(got, fresh) and list(got) == [w.slot for w in self.staff.values()]
        )
        return got

    monkeypatch.setattr(Roster, "staff_slots", checked)
    region = Region(baseline, 5, 0, Clock(2.0, 0.0))
    region.run()
    months = region.months()
    assert months["conversions"].sum() > 0 and months["leavers"].sum() > 0
    assert len(reads) > 40 and all(reads)


def test_a_worker_slot_opens_and_closes_once(baseline):
    """Opening an open slot, or closing or moving one that is closed, is refused."""
    auth = _authority(baseline, years=0.25)
    book, slot = auth.book, auth.roster.free_slots[-1]
    book.open_slot(slot, 10**6, 2, 20.0, team=1)
    with pytest.raises(RuntimeError, match="already open"):
        book.open_slot(slot, 10**6, 2, 20.0, team=1)
    book.set_team(slot, 2, 90)
    assert book.close_slot(slot, 90) == 0
    with pytest.raises(RuntimeError, match="on no roster"):
        book.close_slot(slot, 90)
    with pytest.raises(RuntimeError, match="on no roster"):
        book.set_team(slot, 1, 90)
