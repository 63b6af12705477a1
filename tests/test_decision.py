"""The first screen of a comparison report (issue 28): the decision table (each variant's change
with its interval and a verdict from the outcome's declared direction), the whole-system cost, and
the warnings that fire on the numbers (a growing queue, an effect on care that rests on the
staffing step-up and turns without it)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from sim import api
from sim.columns import CARE_COST, OUTCOMES, TOTAL_COST, WHOLE_SYSTEM_COST
from sim.experiment.alerts import GROWTH_CASES, queue_trend
from sim.experiment.results import COMPARE, Results
from sim.present.decision import (
    BETTER,
    DECISION_METRICS,
    HIGHER,
    LOWER,
    NO_CHANGE,
    WORSE,
    decision_table,
    verdict,
    warnings,
)
from sim.present.page import report_page
from sim.present.readings import Reading
from sim.scenario import load_scenario


@pytest.mark.parametrize(
    "metric, low, high, expected",
    [
        ("turnover_rate", -0.02, -0.01, BETTER),  # lower is better, measurably lower
        ("turnover_rate", 0.01, 0.02, WORSE),
        ("turnover_rate", -0.01, 0.01, NO_CHANGE),  # the interval includes zero
        ("asye_retention_2y", 0.01, 0.02, BETTER),  # higher is better
        ("asye_retention_2y", -0.02, -0.01, WORSE),
        ("referrals_per_year", 5.0, 9.0, HIGHER),  # no better direction: only which way
        ("referrals_per_year", -9.0, -5.0, LOWER),
    ],
)
def test_the_verdict_follows_the_declared_direction(metric, low, high, expected):
    r = Reading(metric, (low + high) / 2, low, high, "t, clipped to bounds", 10, True)
    assert verdict(r) == expected


def _synthetic(per_year: float, reps: int = 8, years: int = 5, seed: int = 1) -> Results:
    """A run whose cases waiting grow by ``per_year`` a year, with noise, in every replication."""
    rng = np.random.default_rng(seed)
    months = np.arange(12 * years)
    rows = [
        pd.DataFrame(
            {
                "authority": "region",
                "rep": rep,
                "month": months,
                "cases_waiting": 50 + per_year * months / 12 + rng.normal(0, 5, months.size),
                "scenario": "s",
            }
        )
        for rep in range(reps)
    ]
    return Results(
        COMPARE, ["s"], {}, pd.DataFrame(), pd.concat(rows, ignore_index=True), pd.DataFrame()
    )


def test_the_queue_trend_recovers_a_known_growth_and_ignores_none():
    grows = queue_trend(_synthetic(30.0), "s")
    assert grows.per_year.low < 30.0 < grows.per_year.high and grows.grows
    assert grows.first_year == pytest.approx(50 + 30 * 5.5 / 12, abs=3)
    flat = queue_trend(_synthetic(0.0), "s")
    assert flat.per_year.low < 0 < flat.per_year.high and not flat.grows
    # measurable but small: fewer than GROWTH_CASES over the run is not a warning
    small = queue_trend(_synthetic(GROWTH_CASES / 10, reps=40), "s")
    assert small.per_year.low > 0 and not small.grows
    assert queue_trend(_synthetic(30.0, years=1), "s") is None  # too short to tell


@pytest.fixture(scope="module")
def cap() -> Results:
    """The board's example: the baseline against a caseload cap of 21 whose cases wait."""
    return api.compare("baseline", "caseload_cap", reps=5, years=4, warmup_years=2, seed=11)


def test_whole_system_cost_is_the_workforce_and_the_care(cap):
    s = cap.summaries
    assert np.allclose(s[WHOLE_SYSTEM_COST], s[TOTAL_COST] + s[CARE_COST])
    assert OUTCOMES[WHOLE_SYSTEM_COST].better == "lower"


def test_the_first_screen_says_the_cap_lowers_turnover_but_costs_children_and_money(cap):
    """A board member reading only the decision table learns that the cap lowers turnover, that
    children wait longer and more enter care, and what that costs in total."""
    table = decision_table(cap)
    metric = dict(zip(DECISION_METRICS, range(len(DECISION_METRICS))))
    assert [r.key for r in table.rows] == ["A", "B"] and table.rows[0].baseline
    b = table.rows[1]
    verdicts = {m: b.cells[i].verdict for m, i in metric.items()}
    assert verdicts["turnover_rate"] == BETTER
    assert verdicts["cases_waiting_mean"] == WORSE
    assert verdicts["unallocated_days_per_case"] == WORSE
    assert verdicts["entered_care_per_year"] == WORSE
    assert verdicts[WHOLE_SYSTEM_COST] == WORSE
    # each cell is the comparison table's number, and its interval
    row = cap.table[(cap.table["scenario"] == cap.names[1]) & (cap.table["metric"] == TOTAL_COST)]
    assert b.cells[metric[TOTAL_COST]].value.startswith("+") or row["diff"].iloc[0] <= 0
    assert all(c.interval for c in b.cells)
    # the legend says the cap's mode
    assert "cases wait for a worker" in b.sentence
    alerts = warnings(cap)
    assert any("grow by about" in w for w in alerts), alerts
    assert any("enter care" in w and "no published estimate" in w for w in alerts), alerts
    page = report_page(cap, [], [])
    first = page[: page.index('<div class="grid">')]
    assert 'id="decision"' in first and 'id="warnings"' in first
    assert "swsim:" not in page[: page.index("</h1>")]
    assert not re.findall(r"(?i)\b(nan|inf)\b", re.sub(r"<[^>]+>", " ", first))


def test_the_settled_baseline_does_not_warn_of_a_growing_queue(cap):
    trend = queue_trend(cap, cap.baseline)
    assert not trend.grows
    assert not any(w.startswith(f"Under {cap.baseline},") for w in warnings(cap))


def test_a_run_has_warnings_but_no_decision_table():
    results = api.run("baseline", reps=2, years=1, warmup_years=0.5, seed=3)
    page = report_page(results, [], [])
    assert 'id="decision"' not in page
    assert math.isfinite(results.summaries[WHOLE_SYSTEM_COST].iloc[0])
    assert load_scenario("baseline").children.effects  # the step-up assumption is on by default


def test_the_assumptions_leave_out_what_the_caps_mode_does_not_use(baseline):
    """A cap whose cases wait hires nobody: its agency trigger and maximum are not assumptions
    of the result; with agency cover they are."""
    from sim.present.assumptions import assumptions

    def shown(when_full: str) -> str:
        cap = baseline.with_policy("caseload_cap", when_full=when_full)
        results = Results(
            COMPARE,
            ["baseline", "cap"],
            {"baseline": baseline, "cap": cap},
            pd.DataFrame(),
            pd.DataFrame(),
            pd.DataFrame(),
        )
        groups = [g for g in assumptions(results) if "caseload cap" in g.title]
        return " ".join(a.name.lower() for g in groups for a in g.items)

    assert "trigger" not in shown("wait") and "extra agency" not in shown("wait")
    assert "trigger" in shown("agency") and "extra agency" in shown("agency")
