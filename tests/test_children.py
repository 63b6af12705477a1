"""Children's outcomes (issue 12): entries into care, the staffing step-up into care as a named,
switchable assumption, and its cost.

Three staffing levels of the baseline on the same seed: ``well`` (the baseline), ``churn`` (four
times the leaving hazard: twice the changes of worker, yet every case is allocated the day it
asks, so every episode keeps its timing) and ``short`` (far fewer posts: cases wait months)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.columns import MONTHLY, OUTCOMES, REGION
from sim.experiment.replications import run_replication
from sim.model.allocation import (
    BROUGHT_FORWARD,
    C_CARE_ENTRIES,
    C_CARE_EXTRA,
    C_IN_CARE,
    CARE_CAUSE,
    CARE_DAY,
    CHANGES,
    CLOSED,
    CUR,
    D_WAITING,
    DRAWN,
    NEVER_IN_CARE,
    STEPPED_UP,
    TYPE,
    UNALLOCATED,
    CaseBook,
    CaseFlow,
)
from sim.model.children import CareDraws, CareRule, hazard_rates, step_up_probability
from sim.model.clock import MONTH_DAYS, Clock
from sim.model.demand import Caseload, CaseTypeTable
from sim.model.region import Region
from sim.scenario import ScenarioError, parse_scenario

YEARS = 3.0
STRONG = {"care_step_up_per_unallocated_week": 0.01, "care_step_up_per_change_of_worker": 0.03}
STAFFING = {
    "well": {},
    "churn": {"turnover": {"hazard_scale": 4.0}},
    "short": {"workforce": {"levels": {"l2": {"establishment": 30}, "l3": {"establishment": 45}}}},
}
NEW_SUMMARY = {
    "entered_care_per_year",
    "entered_care_extra_per_year",
    "children_in_care_mean",
    "care_cost_gbp",
    "whole_system_cost_gbp",  # the workforce's cost and the cost of care
}
NEW_MONTHLY = {"entered_care", "entered_care_extra", "children_in_care", "care_cost_gbp_month"}


def _run(scenario, years: float = YEARS) -> Region:
    region = Region(scenario, 3, 0, Clock(years, 0.0))
    region.run()
    return region


def single_pool(scenario):
    """``scenario`` with one pool of workers (no teams) and no sickness absence: a case never waits
    for a new team or for lost capacity, so with ample staff every episode keeps its timing."""
    data = scenario.model_dump(mode="python")
    return parse_scenario({**data, "teams": {}, "absence": {**data["absence"], "enabled": False}})


@pytest.fixture(scope="module")
def runs(baseline):
    """Each staffing level with the effects off and with strong effects (the mechanism, not the
    conservative defaults, is under test), one pool of workers: {(staffing, effects): Region}."""
    baseline = single_pool(baseline)
    out = {}
    for name, over in STAFFING.items():
        for effects in (False, True):
            children = {"effects": effects, **(STRONG if effects else {})}
            out[name, effects] = _run(baseline.with_overrides(**over, children=children))
    return out


def _book(region: Region):
    return region.authorities[0].book


def _ever_in_care(region: Region) -> np.ndarray:
    return _book(region).cases[CARE_DAY] != NEVER_IN_CARE


def _closed(region: Region) -> np.ndarray:
    return _book(region).cases[CLOSED] >= 0


def _window_end(region: Region) -> int:
    """The day after the last month's days (the months' rows count days before it)."""
    return int(round(region.clock.n_months * MONTH_DAYS))


def test_without_the_effects_entering_care_does_not_depend_on_staffing(runs):
    well, churn, short = (runs[name, False] for name in STAFFING)
    cases = {name: _book(runs[name, False]).cases for name in STAFFING}
    closed = {name: cases[name][CLOSED] >= 0 for name in STAFFING}
    # the staffing really differs: twice the changes of worker, months without a worker
    changes = {name: cases[name][CHANGES][closed[name]].mean() for name in STAFFING}
    waits = {name: cases[name][UNALLOCATED][closed[name]].mean() for name in STAFFING}
    assert changes["churn"] > 1.8 * changes["well"]
    assert waits["short"] > 30 and waits["short"] > 100 * waits["well"]
    # churn keeps every episode's timing (nobody waits past a day's allocation), so the same
    # children enter care on the same days: per case and month by month
    assert (_book(churn).daily[D_WAITING] == 0).all() and (_book(well).daily[D_WAITING] == 0).all()
    np.testing.assert_array_equal(cases["churn"][CARE_DAY], cases["well"][CARE_DAY])
    for column in ("entered_care", "children_in_care", "care_cost_gbp_month"):
        np.testing.assert_array_equal(churn.months()[column], well.months()[column])
    assert well.months()["entered_care"].sum() > 500
    # waiting delays entries, but over a whole career the same children enter care
    both = closed["well"] & closed["short"]
    assert both.sum() > 10_000
    np.testing.assert_array_equal(_ever_in_care(short)[both], _ever_in_care(well)[both])
    for name in STAFFING:
        assert (cases[name][CARE_CAUSE] == DRAWN).all()
        assert runs[name, False].months()["entered_care_extra"].sum() == 0


def test_with_teams_the_same_children_enter_care_whatever_the_staffing(baseline):
    """With teams (cases wait when they move team) and the effects off, staffing shifts when
    children enter care, never which children do."""
    off = {"children": {"effects": False}}
    well = _run(baseline.with_overrides(**off))
    short = _run(baseline.with_overrides(**off, **STAFFING["short"]))
    both = _closed(well) & _closed(short)
    assert both.sum() > 10_000
    np.testing.assert_array_equal(_ever_in_care(short)[both], _ever_in_care(well)[both])
    assert (
        _book(short).cases[UNALLOCATED][both].mean()
        > 10 * _book(well).cases[UNALLOCATED][both].mean()
    )


def test_with_the_effects_bad_staffing_puts_more_children_in_care(runs):
    extra = {name: runs[name, True].months()["entered_care_extra"].sum() for name in STAFFING}
    entered = {name: runs[name, True].months()["entered_care"].sum() for name in STAFFING}
    assert extra["churn"] > 1.3 * extra["well"] > 0
    assert extra["short"] > 2 * extra["well"]
    assert entered["churn"] > entered["well"]
    for name in STAFFING:
        on, off = runs[name, True], runs[name, False]
        cause = _book(on).cases[CARE_CAUSE]
        both = _closed(on) & _closed(off)
        # per case: a child is in care with the effects if it was without them or stepped up
        np.testing.assert_array_equal(
            _ever_in_care(on)[both], _ever_in_care(off)[both] | (cause[both] != DRAWN)
        )
        assert not _ever_in_care(off)[both & (cause == STEPPED_UP)].any()  # added children
        assert _ever_in_care(off)[both & (cause == BROUGHT_FORWARD)].all()  # only earlier
        # the counter of added children is the per-case flag, in the window
        end = _window_end(on)
        day_on, day_off = _book(on).cases[CARE_DAY], _book(off).cases[CARE_DAY]
        in_window_on = (day_on >= 0) & (day_on < end)
        assert (
            on.months()["entered_care_extra"].sum() == (in_window_on & (cause == STEPPED_UP)).sum()
        )
    for name in ("well", "churn"):  # nobody waits: the extra count is the difference in entries
        on, off = runs[name, True], runs[name, False]
        assert (_book(on).daily[D_WAITING] == 0).all()
        end = _window_end(on)
        day_on, day_off = _book(on).cases[CARE_DAY], _book(off).cases[CARE_DAY]
        forward = _book(on).cases[CARE_CAUSE] == BROUGHT_FORWARD
        moved_in = (forward & (day_on < end) & ~((day_off >= 0) & (day_off < end))).sum()
        assert (
            on.months()["entered_care"].sum() - off.months()["entered_care"].sum()
            == on.months()["entered_care_extra"].sum() + moved_in
        )


def test_children_share_their_draws_across_scenarios(runs):
    """Common random numbers: every case has the same step-up threshold and career from care
    whatever the staffing."""
    books = [_book(runs[name, True]) for name in STAFFING]
    for book in books[1:]:
        np.testing.assert_array_equal(book.care_threshold, books[0].care_threshold)
        np.testing.assert_array_equal(book.ep, books[0].ep)  # drawn careers, then from care


def test_the_step_up_chance_is_the_documented_formula():
    # 14 days (two weeks) without a worker and one change of worker
    assert step_up_probability(14, 1, 0.01, 0.02) == pytest.approx(1 - 0.99**2 * 0.98, rel=1e-12)
    assert step_up_probability(3.5, 0, 0.04, 0.5) == pytest.approx(1 - 0.96**0.5, rel=1e-12)
    assert step_up_probability(0, 3, 0.3, 0.1) == pytest.approx(1 - 0.9**3, rel=1e-12)
    assert step_up_probability(0, 0, 0.5, 0.5) == 0.0
    assert step_up_probability(70, 5, 0.0, 0.0) == 0.0
    per_day, per_change = hazard_rates(0.01, 0.02)
    assert per_day == pytest.approx(-math.log(0.99) / 7) and per_change == pytest.approx(
        -math.log(0.98)
    )


def _one_child_in_need(baseline, threshold: float, history: str) -> CaseBook:
    """A case book holding one child in need (a 20-day episode, then close; 50 days in care if it
    steps up) run for 100 days. ``history``: 'change' (worker A from day 0 leaves on day 5, B takes
    the case on day 12: 7 days without a worker, one change) or 'waiting' (A leaves on day 5 and
    nobody takes the case: 15 days without a worker when the episode ends). One pool of workers."""
    baseline = single_pool(baseline)
    table = CaseTypeTable.from_scenario(baseline)
    cin, lac = table.names.index("cin"), table.names.index("lac")
    caseload = Caseload(
        np.zeros(1, np.int64),
        np.zeros(1, bool),
        np.zeros(1, np.int64),
        np.ones(1, np.int64),
        np.array([cin]),
        np.array([20]),
        np.zeros(100, np.int64),
    )
    draws = CareDraws(
        np.array([threshold]),
        np.zeros(1, np.int64),
        np.ones(1, np.int64),
        np.array([lac]),
        np.array([50]),
    )
    book = CaseBook(
        caseload,
        table,
        100,
        4,
        np.zeros(1, np.int64),
        CareRule.from_scenario(baseline, table),
        draws,
    )
    flow = CaseFlow([book])
    for day in range(100):
        if day == 0:
            book.open_slot(0, 10, level=2, limit=20.0)
        if day == 12 and history == "change":
            book.open_slot(1, 11, level=2, limit=20.0)
        flow.step(day, day)
        if day == 5:
            book.close_slot(0, day)
    return book


@pytest.mark.parametrize(
    "history, days, changes, booked", [("change", 7, 1, 7), ("waiting", 15, 0, 0)]
)
def test_the_kernel_steps_up_exactly_when_the_formula_says(
    baseline, history, days, changes, booked
):
    """The kernel's threshold rule is the formula: a child whose threshold is just below
    -ln(1 - p) steps up at the end of its episode (day 20), just above it does not. A wait still
    running counts (``booked``: the days already in UNALLOCATED)."""
    rules = baseline.children
    p = step_up_probability(
        days,
        changes,
        rules.care_step_up_per_unallocated_week,
        rules.care_step_up_per_change_of_worker,
    )
    assert 0.002 < p < 0.05
    at = -math.log1p(-p)
    lac = baseline.type_names.index("lac")
    up = _one_child_in_need(baseline, at * (1 - 1e-6), history)
    c = up.cases[:, 0]
    assert (c[UNALLOCATED], c[CHANGES]) == (booked, changes)
    assert c[CARE_CAUSE] == STEPPED_UP and c[CARE_DAY] == 20 and c[TYPE] == lac
    assert up.ctr[C_CARE_ENTRIES] == 1 and up.ctr[C_CARE_EXTRA] == 1
    assert up.care_entries(0, 100) == (1, 1) and up.care_entries(0, 20) == (0, 0)
    if history == "change":  # the worker keeps the child in care for 50 days, then it closes
        assert c[CLOSED] == 70 and c[CUR] == 2 and up.in_care == 0
    else:  # in care, waiting for a worker: its episode has not started
        assert c[CLOSED] == NEVER_IN_CARE and up.in_care == 1 == up.ctr[C_IN_CARE]
    not_up = _one_child_in_need(baseline, at * (1 + 1e-6), history)
    c = not_up.cases[:, 0]
    assert c[CARE_CAUSE] == DRAWN and c[CARE_DAY] == NEVER_IN_CARE and c[CLOSED] == 20
    assert not_up.care_entries(0, 100) == (0, 0)


def _pre_existing(row: dict) -> dict:
    """The columns that were there before children's outcomes (NaN as a string, so equal)."""
    return {
        k: "nan" if isinstance(v, float) and math.isnan(v) else v
        for k, v in row.items()
        if k not in NEW_SUMMARY
    }


def test_with_the_effects_off_every_earlier_result_is_unchanged(baseline, monkeypatch):
    """The switch off, the effects on with zero chances, and other children's parameters while off
    give exactly the results of a model without any of this (no care type: the case flow as it was
    before children's outcomes), in every earlier summary and monthly column."""

    def run(scenario):
        return run_replication(scenario, 1, 5, 2.0, 1.0)

    variants = [
        baseline.with_overrides(children={"effects": False}),
        baseline.with_overrides(
            children={
                "care_step_up_per_unallocated_week": 0.0,
                "care_step_up_per_change_of_worker": 0.0,
            }
        ),
        baseline.with_overrides(
            children={
                "effects": False,
                "source_types": ["assessment", "court"],
                "care_cost_gbp_per_child_year": 90000.0,
                **STRONG,
            }
        ),
    ]
    results = [run(s) for s in variants]
    with monkeypatch.context() as m:
        m.setattr(
            CareRule, "from_scenario", classmethod(lambda cls, s, t: CareRule.none(len(t.names)))
        )
        before = run(variants[0])
    assert before.summary[0]["entered_care_per_year"] == 0  # really the model without care
    old_monthly = [c for c in MONTHLY if c not in NEW_MONTHLY and c != "rep"]
    for result in results:
        assert result.summary[0]["entered_care_per_year"] > 200
        assert result.summary[0]["entered_care_extra_per_year"] == 0
        assert _pre_existing(result.summary[0]) == _pre_existing(before.summary[0])
        assert result.timeseries[old_monthly].equals(before.timeseries[old_monthly])
    # the default switch is on, and it does add children
    on = run(baseline)
    assert baseline.children.effects and on.summary[0]["entered_care_extra_per_year"] > 0


def test_the_cost_of_care_and_the_region_rows(baseline):
    """Cost of care = children in care (month-end mean) x cost a child-year, outside the workforce
    cost; a region's rows are its councils' sums."""
    scenario = baseline.with_overrides(name="two", authority={"A": {}, "B": {}})
    region = Region(scenario, 4, 0, Clock(1.0, 0.5))
    region.run()
    months = region.months()
    rows = {row["authority"]: row for row in region.summaries(months)}
    for row in rows.values():
        assert row["care_cost_gbp"] == pytest.approx(40000.0 * row["children_in_care_mean"])
    assert rows[REGION]["entered_care_per_year"] > 400
    by_month = months[months["authority"] != REGION].groupby("month")
    mine = months[months["authority"] == REGION].set_index("month")
    for column in NEW_MONTHLY:
        np.testing.assert_allclose(by_month[column].sum(), mine[column], err_msg=column)
    assert rows[REGION]["entered_care_per_year"] == pytest.approx(
        rows["A"]["entered_care_per_year"] + rows["B"]["entered_care_per_year"]
    )
    free = run_replication(
        baseline.with_overrides(children={"care_cost_gbp_per_child_year": 0.0}), 0, 4, 1.0, 0.0
    )
    paid = run_replication(baseline, 0, 4, 1.0, 0.0)
    assert free.summary[0]["care_cost_gbp"] == 0 < paid.summary[0]["care_cost_gbp"]
    assert free.summary[0]["total_cost_gbp"] == paid.summary[0]["total_cost_gbp"]
    for name in NEW_SUMMARY:
        assert name in OUTCOMES


@pytest.mark.parametrize(
    "children, expected",
    [
        (
            {"care_type": "lak"},
            "children.care_type = 'lak': unknown case type 'lak'; did you mean 'lac'?",
        ),
        (
            {"source_types": ["cin", "cpp"]},
            "children.source_types[1] = 'cpp': unknown case type 'cpp'; did you mean 'cp'?",
        ),
        (
            {"source_types": ["lac"]},
            "children.source_types[0] = 'lac': the care type cannot step up",
        ),
        (
            {"care_step_up_per_change_of_worker": 0.7},
            "children.care_step_up_per_change_of_worker = 0.7: Input should be less than or equal to 0.5",
        ),
        (
            {"care_step_up_per_unallocated_week": -0.1},
            "children.care_step_up_per_unallocated_week = -0.1: Input should be greater than or equal to 0",
        ),
        (
            {"care_cost_gbp_per_child_year": 5e6},
            "children.care_cost_gbp_per_child_year = 5000000.0: Input "
            "should be less than or equal to 2000000",
        ),
        ({"effects": "yes"}, "children.effects = 'yes': Input should be a valid boolean"),
        ({"in_care": "lac"}, "children.in_care = 'lac': unknown key"),
    ],
)
def test_bad_children_sections_are_refused(baseline, children, expected):
    data = baseline.model_dump(mode="python")
    data["children"] = {**data["children"], **children}
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data)
    assert any(line.startswith(expected) for line in err.value.problems), err.value.problems


def test_a_scenario_without_a_care_type(baseline):
    """No 'lac' type: nothing is counted unless a care type is named; naming sources without one
    is refused."""
    data = baseline.model_dump(mode="python")
    data["case_types"]["care"] = data["case_types"].pop("lac")
    for ct in data["case_types"].values():
        ct["next"] = {("care" if k == "lac" else k): v for k, v in ct["next"].items()}
    data["children"] = {"effects": True}
    data["teams"] = {}
    unnamed = parse_scenario(data)
    assert unnamed.care_type() is None and unnamed.care_sources() == []
    assert run_replication(unnamed, 0, 2, 0.5, 0.0).summary[0]["entered_care_per_year"] == 0
    named = parse_scenario({**data, "children": {"care_type": "care"}})
    assert named.care_sources() == ["cp", "court", "assessment", "cin"]  # every type reaching care
    assert run_replication(named, 0, 2, 0.5, 0.0).summary[0]["entered_care_per_year"] > 100
    with pytest.raises(ScenarioError, match="children.care_type: no care type"):
        parse_scenario({**data, "children": {"source_types": ["cin"]}})
