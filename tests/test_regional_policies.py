"""The region's own policies (one instance for the region, acting through the region's context):
each moves its measure the right way against the same seeds, its cost adds up, and it acts on the
councils that adopt it only."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import REGIONAL_MARKET, pay_rise

from sim.columns import REGION, rows_of
from sim.experiment.replications import run_replications
from sim.experiment.stats import paired_difference
from sim.model.clock import Clock
from sim.model.region import Region
from sim.policy import get_policy

pytestmark = pytest.mark.slow  # the full tier (see pyproject.toml)


MARKET = REGIONAL_MARKET
SEED = 23
COUNCILS = ["A", "B", "C"]


@pytest.fixture(scope="module")
def region(baseline):
    """Three councils; B pays 10% more, so pay draws staff to it; posts held as given (the
    policies' own effects, without the establishment's yearly review)."""
    return baseline.with_overrides(
        name="r",
        market=MARKET,
        workforce={"establishment": "fixed"},
        authority={"A": {}, "B": pay_rise(0.10), "C": {}},
    )


def _runs(base, variant, reps=6, years=3.0, warmup=1.0):
    return [
        r.summary
        for r in run_replications([base, variant], range(reps), SEED, years, warmup, workers=2)
    ]


def _change(runs, metric, council=REGION):
    base, var = runs
    return paired_difference(rows_of(var, council)[metric], rows_of(base, council)[metric])


def test_region_policies_are_made_once_for_the_region(region):
    scenario = region.with_policy("regional_bank").with_policy("caseload_cap", cap=21)
    r = Region(scenario, SEED, 0, Clock(0.5, 0.0))
    assert len(r.policies) == 1 and r.policies[0].adopters == frozenset(COUNCILS)
    for auth in r.authorities:  # the same bank in every council; a cap of each council's own
        names = [p.name for p in auth.policies]
        assert names == ["caseload_cap", "regional_bank"]
        assert auth.policies[1] is r.policies[0]
    assert len({id(a.policies[0]) for a in r.authorities}) == 3


def test_pay_alignment_removes_pay_driven_moves(region):
    """One scale and no supplements: nobody moves between the joining councils for pay, in any
    replication; without it, B's higher pay draws staff from A and C."""
    market = {**MARKET, "supplement": True, "supplement_vacancy_threshold": 0.05}
    base = region.with_overrides(market=market)
    runs = _runs(base, base.with_policy("regional_pay_alignment"))
    assert rows_of(runs[0], REGION)["moves_pay_driven_per_year"].mean() > 0
    assert (rows_of(runs[1], REGION)["moves_pay_driven_per_year"] == 0).all()
    assert _change(runs, "moves_out_per_year").estimate < 0


def test_pay_alignment_sets_one_scale_for_the_joining_councils_only(region):
    market = {**MARKET, "supplement": True, "supplement_vacancy_threshold": 0.0}  # always bidding
    scenario = region.with_overrides(market=market).with_policy(
        "regional_pay_alignment", authorities=["A", "B"], start_month=6
    )
    r = Region(scenario, SEED, 0, Clock(1.5, 0.0))
    r.run()
    a, b, c = r.authorities
    np.testing.assert_allclose(a.rates.salary, b.rates.salary)
    weights = np.array([a.rates.establishment, b.rates.establishment], float)
    base = np.array([31000.0, 35000.0, 39000.0, 44000.0, 50000.0])
    assert np.all(a.rates.salary > base) and np.all(a.rates.salary < base * 1.1 * 1.1)  # between
    assert a.supplement == b.supplement == 0.0 and c.supplement > 0  # C still bids
    months = r.months()
    cost = (
        months[months["authority"].isin(["A", "B"])].groupby("month")["policy_cost_gbp_month"].sum()
    )
    assert cost[cost > 0].round(6).eq(round(30000.0 / 12, 6)).all()  # the running cost, shared
    assert weights.sum() > 0


def test_agency_rate_cap_lowers_the_premium_paid(region):
    """Every agency worker costs at most the cap over a permanent one; a supply elasticity shrinks
    the pool (fewer agency workers on the same seeds); with no elasticity only the price changes."""
    cap = get_policy("agency_rate_cap").Params().premium_cap_gbp
    runs = _runs(region, region.with_policy("agency_rate_cap", supply_elasticity=2.0))
    base, capped = (rows_of(s, REGION) for s in runs)
    np.testing.assert_allclose(capped["agency_premium_gbp"], cap * capped["agency_mean"], rtol=1e-9)
    assert (capped["agency_premium_gbp"] < base["agency_premium_gbp"]).all()
    assert _change(runs, "agency_mean").estimate < 0
    price_only = _runs(region, region.with_policy("agency_rate_cap", supply_elasticity=0.0), reps=2)
    b, p = (rows_of(s, REGION) for s in price_only)
    np.testing.assert_array_equal(b["agency_mean"], p["agency_mean"])
    np.testing.assert_allclose(
        p["agency_cost_gbp"] - b["agency_cost_gbp"], (cap - 20000.0) * p["agency_mean"], rtol=1e-9
    )


def test_regional_bank_covers_vacancies(region):
    """Bank workers cover vacancies the councils' agency cover leaves open: more vacancies covered,
    lower caseloads; they cost the bank's running cost and pay."""
    runs = _runs(region, region.with_policy("regional_bank", workers=20))
    base, bank = (rows_of(s, REGION) for s in runs)
    assert (bank["bank_mean"] > 0).all() and (bank["bank_mean"] <= 20).all()
    assert (base["bank_mean"] == 0).all()
    assert _change(runs, "mean_caseload").high < 0
    p = get_policy("regional_bank").Params()
    years = 3.0
    floor = p.management_gbp_per_year + p.setup_cost_gbp / years
    assert (bank["policy_cost_gbp"] > floor).all()


def test_a_bank_in_place_of_agency_workers_cuts_agency_spend(region):
    """Deployed in place of agency workers (who go back to the pool), the bank lowers agency
    workers and spend on the same seeds; the councils' own posts are untouched."""
    runs = _runs(
        region,
        region.with_policy(
            "regional_bank",
            workers=20,
            deploy_to="agency",
            from_councils_share=0.0,
            from_agency_share=0.0,
        ),
    )
    assert _change(runs, "agency_mean").high < 0
    assert _change(runs, "agency_cost_gbp").high < 0
    assert _change(runs, "permanent_practice_share").low > 0


def test_a_bank_that_recruits_the_councils_staff_takes_them_from_the_councils(region):
    """Recruits from the councils' own staff leave more of their posts vacant and raise their
    turnover, against recruits from outside (the earlier bank's failure: it moved people, it did
    not add them)."""
    inside = region.with_policy(
        "regional_bank", workers=30, from_councils_share=1.0, from_agency_share=0.0
    )
    outside = region.with_policy(
        "regional_bank", workers=30, from_councils_share=0.0, from_agency_share=0.0
    )
    runs = _runs(outside, inside)
    assert _change(runs, "vacancy_rate").low > 0
    assert _change(runs, "turnover_rate").low > 0


def test_shared_academy_raises_asye_retention_in_every_council(region):
    runs = _runs(region, region.with_policy("shared_academy"), reps=4, years=5.0)
    for council in COUNCILS:
        assert _change(runs, "asye_retention_2y", council).estimate > 0, council
    # one academy: the fixed cost shared by ASYE posts, plus a cost per ASYE post
    p = get_policy("shared_academy").Params()
    posts = 3 * region.workforce.levels.asye.establishment
    total = rows_of(runs[1], REGION)["policy_cost_gbp"]
    np.testing.assert_allclose(total, p.annual_cost_gbp + p.cost_per_asye_post_gbp_per_year * posts)


def test_a_golden_hello_draws_staff_until_the_others_answer(region):
    """A alone: it fills more of its posts, C's staff move for the money, and the region gains
    nothing but churn. Everyone answering at once: still no fewer vacancies, and the hellos cost."""
    alone = _runs(
        region, region.with_policy("golden_hello", authorities=["A"], response_rate_per_year=0.0)
    )
    assert _change(alone, "vacancy_rate", "A").high < 0
    assert _change(alone, "moves_pay_driven_per_year", "C").low > 0
    assert _change(alone, "moves_out_per_year").low > 0
    d = _change(alone, "vacancy_rate")
    assert d.low <= 0 <= d.high, d
    war = _runs(
        region, region.with_policy("golden_hello", authorities=["A"], response_rate_per_year=52.0)
    )
    d = _change(war, "vacancy_rate")
    assert d.high > 0, d  # no measurable fall in the region's vacancies
    hello = get_policy("golden_hello").Params().hello_gbp
    hires = rows_of(war[1], REGION)
    assert (hires["policy_cost_gbp"] > hello).all()


def test_a_region_policy_acts_on_a_council_alone(baseline):
    """A scenario without councils is a region of one: the cap applies to it, and with an outside
    market the cut supply means fewer vacancies find agency cover."""
    runs = _runs(
        baseline, baseline.with_policy("agency_rate_cap", supply_elasticity=2.0), years=2.0
    )
    cap = get_policy("agency_rate_cap").Params().premium_cap_gbp
    capped = rows_of(runs[1], REGION)
    np.testing.assert_allclose(capped["agency_premium_gbp"], cap * capped["agency_mean"], rtol=1e-9)
    assert _change(runs, "agency_mean").high < 0
