"""Funded posts that follow demand (``workforce.establishment = "follows_demand"``): the rule's
response estimated from DfE's panel, the estimator checked on a panel of known response, and the
model's councils responding as DfE's do."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibration.establishment import dfe_panel, panel, pooled_slope, within_slope
from sim.experiment.replications import run_experiment
from sim.model.clock import MONTH_DAYS, OFFSET_ESTABLISHMENT, Clock
from sim.model.region import Region
from sim.scenario import Review, load_scenario

RULE = {"start.year": 2020, "workforce.establishment": "follows_demand"}


def test_the_defaults_are_dfes_estimates():
    """The rule's speed is the within-council estimate from every council of England, 2017-2020."""
    data = dfe_panel()
    estimate = within_slope(data)
    assert estimate.councils > 140 and estimate.n > 400
    assert Review().adjustment_per_year == round(estimate.slope, 3)
    assert 0 < estimate.slope - 2 * estimate.se_clustered  # councils do respond to their workload
    pooled = pooled_slope(data)
    assert 0 < pooled.slope < estimate.slope + 2 * estimate.se_clustered


def _synthetic(lam: float, councils: int, years: int, rng: np.random.Generator) -> pd.DataFrame:
    """A DfE-shaped panel whose councils follow the rule with speed ``lam`` toward their own
    standard, their cases a random walk."""
    rows = []
    for i in range(councils):
        standard = rng.uniform(6, 14)  # the council's own cases per post
        posts = rng.uniform(50, 800)
        cases = posts * standard * rng.lognormal(0, 0.15)
        for year in range(2010, 2010 + years):
            rows.append(
                {
                    "geographic_level": "Local authority",
                    "la_name": f"c{i}",
                    "time_period": str(year),
                    "inpost_fte": str(0.85 * posts),
                    "vacancy_fte": str(0.15 * posts),
                    "cases": str(cases),
                }
            )
            posts *= np.exp(lam * (np.log(cases / standard) - np.log(posts)) + rng.normal(0, 0.03))
            cases *= rng.lognormal(0, 0.1)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lam", [0.0, 0.15, 0.5])
def test_the_within_estimate_recovers_a_known_response(lam):
    rng = np.random.default_rng(7)
    estimate = within_slope(panel(_synthetic(lam, councils=150, years=8, rng=rng)))
    assert abs(estimate.slope - lam) < 3 * estimate.se_clustered + 0.02, estimate


def test_suppressed_values_and_gaps_leave_a_council_year_out():
    frame = _synthetic(0.2, councils=3, years=4, rng=np.random.default_rng(1))
    frame.loc[1, "cases"] = "c"
    frame.loc[6, "inpost_fte"] = "x"
    data = panel(frame)
    # each council has 3 changes; the suppressed cases lose c0's next change, the suppressed
    # posts lose both of c1's changes that touch that year
    assert len(data) == 9 - 1 - 2


def _funded_by_month(scenario, years: float, seed: int = 3) -> list[int]:
    region = Region(scenario, seed, 0, Clock(years, 0.0))
    [auth] = region.authorities
    out = []
    for month in range(int(years * 12)):
        region.env.run(until=OFFSET_ESTABLISHMENT + month * MONTH_DAYS + 0.001)
        out.append(int(auth.posts.funded_by_level.sum()))
    return out


def test_posts_follow_a_rise_in_demand_at_yearly_reviews_within_the_budget_limit(baseline):
    demand = {"2020": 7525.0, "2021": 15050.0}  # referrals double from April 2020
    sc = baseline.with_values({**RULE, "demand.referrals_by_year": demand})
    posts = _funded_by_month(sc, 5.0)
    review = sc.workforce.review
    start = posts[0]
    changes = [(m, b / a) for m, (a, b) in enumerate(zip(posts, posts[1:]), start=1) if a != b]
    assert changes, "the posts never moved"
    # every change at a review (April: 7 months after the September start, then yearly), growth only
    assert all((m - 7) % 12 == 0 for m, _ in changes), changes
    assert all(1 < ratio <= 1 + review.max_change_per_year + 1 / start for _, ratio in changes)
    assert posts[-1] < 2 * start  # partial adjustment: not all the way in four reviews
    fixed = _funded_by_month(
        baseline.with_values(
            {**RULE, "workforce.establishment": "fixed", "demand.referrals_by_year": demand}
        ),
        3.0,
    )
    assert set(fixed) == {start}


def test_posts_fall_with_demand_closing_vacant_posts(baseline):
    sc = baseline.with_values(
        {**RULE, "demand.referrals_by_year": {"2020": 7525.0, "2021": 3762.5}}
    )
    posts = _funded_by_month(sc, 4.0)
    assert posts[-1] < posts[0]
    assert all(b <= a for a, b in zip(posts, posts[1:]))


def test_a_given_series_wins_over_the_rule(baseline):
    sc = baseline.with_values(
        {
            **RULE,
            "demand.referrals_by_year": {"2020": 7525.0, "2021": 15050.0},
            "workforce.establishment_by_year": {"2020": 1.0, "2030": 1.0},
        }
    )
    assert set(_funded_by_month(sc, 3.0)) == {
        int(sum(lv.establishment for lv in baseline.workforce.levels.ordered()))
    }


def test_simulated_councils_respond_to_their_workload_as_dfes_do():
    """The same within-council regression on the West Midlands' simulated census rows (each
    council and replication a panel unit, with the councils' DfE referral series as demand) lands
    within two standard errors of DfE's estimate."""
    region = load_scenario("west_midlands")
    runs = run_experiment(region, 3, 11, 6.0, 1.0, 2)
    ts = runs.timeseries
    census = ts[(ts["authority"] != "region") & (ts["month"] % 12 == 11)]
    frame = pd.DataFrame(
        {
            "la_name": census["authority"] + "/" + census["rep"].astype(str),
            "time_period": (census["month"] // 12).astype(str),
            "inpost_fte": census["funded_posts"].astype(str),
            "vacancy_fte": "0",
            "cases": census["cases_open"].astype(str),
        }
    )
    simulated = within_slope(panel(frame))
    dfe = within_slope(dfe_panel())
    assert abs(simulated.slope - dfe.slope) <= 2 * dfe.se_clustered, (simulated, dfe)
