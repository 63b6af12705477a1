"""A region of councils sharing one labour market: conservation, aggregation, common random
numbers, the direction of pay and agency-supply effects, and bad region files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REGIONAL_MARKET, pay_rise

from sim.cli.main import main
from sim.columns import REGION, rows_of
from sim.experiment.replications import run_replications
from sim.experiment.stats import paired_difference
from sim.model.clock import Clock
from sim.model.region import Region
from sim.scenario import load_scenario

MARKET = REGIONAL_MARKET
SUMMED = [
    "perm_total",
    "agency_total",
    "vacancies_total",
    "leavers",
    "hires",
    "moves_in",
    "moves_out",
    "moves_pay_driven",
    "agency_premium_gbp_month",
    "referrals",
    "cases_open",
    "cases_waiting",
    "case_holders",
    "cost_gbp_month",
    "agency_unmet",
]


def _region(baseline, councils: dict, **market):
    return baseline.with_overrides(name="r", authority=councils, market={**MARKET, **market})


@pytest.fixture(scope="module")
def three(baseline):
    """Three councils with different demand and pay, policies, supplements: one run."""
    scenario = _region(
        baseline,
        {"A": {}, "B": pay_rise(0.1), "C": {"demand": {"referrals_per_year": 9000.0}}},
        supplement=True,
        supplement_vacancy_threshold=0.05,
    )
    scenario = scenario.with_policy("caseload_cap", cap=18.0, when_full="agency")
    region = Region(scenario, 5, 0, Clock(3.0, 1.0))
    region.run()  # checks people, moves and cases every month and at the end
    return region


def test_people_and_moves_are_conserved_across_the_region(three):
    ledger = three.market.ledger
    looking = sum(1 for p in three.market.applicants if p.origin >= 0)
    assert ledger["moves_out"] > 0 and ledger["moves_in"] > 0
    assert ledger["moves_out"] == ledger["moves_in"] + looking + ledger["movers_left"]
    joined = ledger["joined"] + sum(a.flow["joined"] for a in three.authorities)
    left = ledger["left"] + sum(a.flow["left"] for a in three.authorities)
    assert three.market.people() == joined - left
    # supplements moved pay, and somebody wanted agency cover the pool could not give at once
    assert max(a.supplement for a in three.authorities) > 0


def test_region_rows_are_sums_and_rates_come_from_sums(three):
    months = three.months()
    region = months[months["authority"] == REGION].set_index("month")
    councils = months[months["authority"] != REGION].groupby("month")
    for column in SUMMED:
        np.testing.assert_allclose(councils[column].sum(), region[column], err_msg=column)
    summaries = {row["authority"]: row for row in three.summaries(months)}
    years = 3.0
    turnover = region["leavers"].sum() / region["perm_total"].mean() / years
    assert summaries[REGION]["turnover_rate"] == pytest.approx(turnover)
    assert summaries[REGION]["moves_in_per_year"] == pytest.approx(
        sum(summaries[n]["moves_in_per_year"] for n in "ABC")
    )
    # every move out of a council is counted once in the region's moves begun (the market's ledger)
    assert region["moves_out"].sum() <= three.market.ledger["moves_out"]
    assert (months["moves_pay_driven"] <= months["moves_out"]).all()
    # a rate of the region is not the mean of its councils' rates
    assert summaries[REGION]["vacancy_rate"] == pytest.approx(
        (region["vacancies_total"] / (region["vacancies_total"] + region["perm_total"])).mean()
    )
    assert region["applicants_waiting"].notna().all()
    assert months[months["authority"] != REGION]["applicants_waiting"].isna().all()


def test_same_results_for_any_number_of_workers(baseline):
    scenario = _region(baseline, {"A": {}, "B": pay_rise(0.05)})
    one = run_replications([scenario], range(3), 11, 1.0, 0.5, workers=1)[0]
    two = run_replications([scenario], range(3), 11, 1.0, 0.5, workers=2)[0]
    pd.testing.assert_frame_equal(one.timeseries, two.timeseries)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.teams, two.teams)
    assert set(one.summary["authority"]) == {"A", "B", REGION}
    assert set(one.teams["authority"]) == {"A", "B"}


@pytest.fixture(scope="module")
def pay_runs(baseline):
    """Two councils alike, then the same with A paying 10% more (common random numbers)."""
    equal = _region(baseline, {"A": {}, "B": {}})
    richer = _region(baseline, {"A": pay_rise(0.10), "B": {}})
    runs = run_replications([equal, richer], range(20), 3, 3.0, 1.0, workers=2)
    return [r.summary for r in runs]


@pytest.mark.slow
def test_moves_are_symmetric_with_equal_pay(pay_runs):
    """Alike councils: moves into each are equal in expectation (their difference's 99% interval
    holds zero)."""
    equal = pay_runs[0]
    d = paired_difference(
        rows_of(equal, "A")["moves_in_per_year"],
        rows_of(equal, "B")["moves_in_per_year"],
        level=0.99,
    )
    assert (equal["moves_pay_driven_per_year"] == 0).all()  # nobody moves for pay when pay is equal
    assert rows_of(equal, REGION)["moves_in_per_year"].mean() > 5
    assert d.low <= 0 <= d.high, d


@pytest.mark.slow
def test_a_council_that_pays_more_gains_staff(pay_runs):
    """A pays 10% more: it fills more of its posts (a lower vacancy rate), keeps its people and
    draws movers from its rival, who loses them (paired differences, 95% intervals)."""
    equal, richer = pay_runs

    def change(council, metric):
        return paired_difference(rows_of(richer, council)[metric], rows_of(equal, council)[metric])

    # B's staff move to A for pay; A's staff have no pay reason to move
    assert rows_of(richer, "B")["moves_pay_driven_per_year"].mean() > 0
    assert (rows_of(richer, "A")["moves_pay_driven_per_year"] == 0).all()
    for council, sign in (("A", 1), ("B", -1)):
        for metric, direction in (
            ("vacancy_rate", -1),
            ("turnover_rate", -1),
            ("moves_in_per_year", 1),
        ):
            d = change(council, metric)
            assert (d.low > 0) if sign * direction > 0 else (d.high < 0), (council, metric, d)


def test_a_tiny_agency_pool_means_less_cover_and_more_waiting(baseline):
    busy = {"demand": {"referrals_per_year": 9500.0}}
    scarce = {"newly_qualified_per_year": 20.0, "experienced_per_year": {"l2": 5.0, "l3": 5.0}}
    ample = _region(
        baseline,
        {"A": busy, "B": busy},
        **scarce,
        agency_pool_start=400,
        agency_inflow_per_year=400.0,
    )
    tiny = _region(
        baseline,
        {"A": busy, "B": busy},
        **scarce,
        agency_pool_start=0,
        agency_inflow_per_year=0.0,
        agency_exit_rate=52.0,
    )
    a, t = (r.summary for r in run_replications([ample, tiny], range(4), 8, 2.0, 1.0, workers=2))
    a, t = rows_of(a), rows_of(t)
    assert (t["agency_share"] < a["agency_share"]).all()
    assert (t["agency_unmet_mean"] > a["agency_unmet_mean"]).all()
    assert t["cases_waiting_mean"].mean() > a["cases_waiting_mean"].mean()
    assert t["mean_wait_days"].mean() > a["mean_wait_days"].mean()


@pytest.mark.parametrize(
    "text, field",
    [
        (
            '[authority.A]\n[authority.B]\n[[policy]]\nname = "caseload_cap"\nauthorities = ["Q"]\n',
            "policy[0].authorities",
        ),
        (
            "[authority.A]\n[authority.A.demand]\nreferrals_per_year = 1.0\n[authority.A]\n",
            "authority",
        ),
        (
            "[market]\nnewly_qualified_per_year = -5.0\n[authority.A]\n",
            "market.newly_qualified_per_year",
        ),
        ("[authority.A.run]\nreps = 3\n", "authority.A.run"),
        (
            "[authority.A.workforce.levels.l2]\ncaseload_limit = 0.5\n",
            "authority.A.workforce.levels.l2.caseload_limit",
        ),
        (
            "[market]\nnewly_qualified_month_shares = [0.5, 0.5]\n",
            "market.newly_qualified_month_shares",
        ),
        ("[authority.region]\n[authority.A]\n", "authority.region"),
        ('[authority."St. Helens"]\n', "authority.St. Helens"),
    ],
)
def test_bad_region_files_exit_2_naming_the_field(tmp_path, capsys, text, field):
    path = tmp_path / "bad.toml"
    path.write_text('extends = "baseline"\n' + text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert field in err, err


@pytest.mark.slow
def test_west_midlands_is_built_from_its_data():
    """The built-in is what `python -m calibration.west_midlands` writes: each council's inputs
    from DfE (case-holding posts scaled to funded posts), the fitted values from the fit file."""
    from calibration.dfe import region_from_dfe
    from calibration.west_midlands import FIT, build
    from sim.scenario import builtin_path

    fit = pd.read_csv(FIT) if FIT.exists() else None
    assert builtin_path("west_midlands").read_text(encoding="utf-8") == build(fit)
    wm = load_scenario("west_midlands")
    dfe = region_from_dfe(load_scenario("baseline"), "West Midlands", 2020)
    assert list(wm.authority) == list(dfe.authority) and len(wm.authority) == 14
    for (name, council), (_, data) in zip(wm.members(), dfe.members()):
        assert council.demand == data.demand, name
        assert [lv.establishment for lv in council.workforce.levels.ordered()] == [
            lv.establishment for lv in data.workforce.levels.ordered()
        ], name
    posts = sum(
        sum(lv.establishment for lv in c.workforce.levels.ordered()) for _, c in wm.members()
    )
    # DfE 2020: 2,282 FTE case holders; scaled by (in post + vacancies) / (in post + agency)
    assert posts == pytest.approx(2282.1 * (3416.2 + 744.2) / (3416.2 + 649.3), abs=10)


def test_agency_above_establishment_follows_caseloads(baseline):
    """A team whose overflow is 'agency' carries agency workers above establishment while its work
    per worker is above the threshold, at most its share of posts, and lets them go when it
    falls; with a regional market they come from the region's pool."""
    teams = {
        "all": {
            "case_types": baseline.type_names,
            "overflow": "agency",
            "agency_load": 17.0,
            "agency_max_share": 0.04,
        }
    }
    busy = baseline.with_overrides(demand={"referrals_per_year": 9000.0})
    on = busy.with_overrides(teams=teams)
    off_s, on_s = (r.summary for r in run_replications([busy, on], range(3), 4, 2.0, 1.0))
    assert (rows_of(on_s)["agency_above_establishment_mean"] > 0).all()
    assert (rows_of(off_s)["agency_above_establishment_mean"] == 0).all()
    assert (rows_of(on_s)["cases_waiting_mean"] < rows_of(off_s)["cases_waiting_mean"]).all()
    region = Region(on, 4, 0, Clock(2.0, 1.0))
    region.run()
    [auth] = region.authorities
    extra = [w for w in auth.workers if w.post is not None and w.post.overflow]
    assert 0 < len([w for w in extra if w.left_day is None]) <= 0.04 * 250
    calm = on.with_overrides(demand={"referrals_per_year": 4000.0})
    region = Region(calm, 4, 0, Clock(1.0, 0.0))
    region.run()
    assert not any(
        w.post is not None and w.post.overflow for w in region.authorities[0].roster.temps.values()
    )


@pytest.mark.slow
def test_a_region_sweep_gives_the_same_results_on_dask(tmp_path):
    """Per-council rows of a regional sweep do not depend on the backend."""
    pytest.importorskip("dask.distributed")
    path = tmp_path / "two.toml"
    path.write_text(
        'extends = "baseline"\nname = "two"\n[market]\nlabour = "regional"\n'
        "newly_qualified_per_year = 40.0\nexperienced_per_year = { l2 = 20.0, l3 = 20.0 }\n"
        "[authority.A]\n[authority.B.demand]\nreferrals_per_year = 9000.0\n"
    )
    common = [
        str(path),
        "--param",
        "market.choice_pay_coef=0.5,2",
        "--reps",
        "2",
        "--years",
        "0.5",
        "--warmup-years",
        "0",
        "--seed",
        "5",
        "--quiet",
    ]
    assert main(["sweep", *common, "--out", str(tmp_path / "local"), "--workers", "2"]) == 0
    assert (
        main(
            [
                "sweep",
                *common,
                "--out",
                str(tmp_path / "dask"),
                "--backend",
                "dask",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    local = pd.read_parquet(tmp_path / "local" / "summary.parquet")
    pd.testing.assert_frame_equal(local, pd.read_parquet(tmp_path / "dask" / "summary.parquet"))
    assert set(local["authority"]) == {"A", "B", REGION} and len(local) == 2 * 2 * 3


def test_pay_compares_with_the_region_after_every_change(baseline):
    """The regional mean pay is recomputed from this month's pay: alike councils with the same
    supplement have no pay gap; when one pays more, its gap is negative, the other's positive,
    and a leaver weighs the other councils' pay."""
    region = Region(_region(baseline, {"A": {}, "B": {}}), 1, 0, Clock(1 / 12, 0.0))
    market, (a, b) = region.market, region.authorities
    market.supplement[:] = 0.05
    market.update_pay()
    assert np.allclose(a.rates.pay_gap, 0) and np.allclose(b.rates.pay_gap, 0)
    assert a.rates.salary[2] == pytest.approx(39000.0 * 1.05)
    market.supplement[:] = (0.10, 0.0)
    market.update_pay()
    assert (a.rates.pay_gap < 0).all() and (b.rates.pay_gap > 0).all()
    np.testing.assert_allclose(b.others_salary, a.rates.salary)


def test_council_rows_of_the_agency_shortfall_add_up(baseline):
    busy = {"demand": {"referrals_per_year": 9500.0}}
    scarce = _region(
        baseline,
        {"A": busy, "B": busy},
        newly_qualified_per_year=20.0,
        experienced_per_year={"l2": 5.0, "l3": 5.0},
        agency_pool_start=0,
        agency_inflow_per_year=0.0,
        agency_exit_rate=52.0,
    )
    region = Region(scarce, 2, 0, Clock(1.0, 0.5))
    region.run()
    months = region.months()
    by = months.groupby("authority")["agency_unmet"].sum()
    assert by[REGION] > 0 and by["A"] + by["B"] == by[REGION]


def test_a_value_for_the_region_may_not_miss_councils_that_set_their_own():
    from sim.scenario import ScenarioError

    wm = load_scenario("west_midlands")
    with pytest.raises(ScenarioError, match="set per council in Birmingham"):
        wm.with_values({"turnover.hazard_scale": 2.0})
    assert (
        wm.with_values({"turnover.pressure_hazard_ratio_per_case": 1.2})
        .members()[0][1]
        .turnover.pressure_hazard_ratio_per_case
        == 1.2
    )


def test_a_variant_may_name_the_councils_that_adopt_it():
    from sim.experiment.variants import variant

    wm = load_scenario("west_midlands")
    v = variant(wm, 'caseload_cap:cap=20:authorities=["Dudley","Solihull"]')
    adopted = {name for name, council in v.members() if council.policy}
    assert adopted == {"Dudley", "Solihull"}
    assert (
        dict(variant(wm, "caseload_cap:authorities=Dudley").members())["Dudley"].policy[0].name
        == "caseload_cap"
    )


@pytest.mark.slow
def test_the_region_fit_recovers_a_known_council_turnover(baseline):
    """Synthetic truth: council A's turnover scale is 1.5; fitting from 1.0 to the rates it
    produces recovers it (within 15%), and the distance falls."""
    from calibration.fit import Settings
    from calibration.region_fit import fit_region

    truth = _region(baseline, {"A": {"turnover": {"hazard_scale": 1.5}}, "B": {}})
    settings = Settings(reps=4, years=3.0, warmup_years=1.0, seed=1, budget=6)
    summary = run_replications([truth], range(4), 1, 3.0, 1.0)[0].summary
    targets = pd.DataFrame(
        [
            {"geography": c, "model_metric": m, "value": v, "low": v - 0.02, "high": v + 0.02}
            for c in ("A", "B")
            for m in ("turnover_rate", "vacancy_rate", "agency_share")
            for v in [float(rows_of(summary, c)[m].mean())]
        ]
    )
    start = _region(baseline, {"A": {}, "B": {}})
    fit = fit_region(start, targets, settings)
    fitted = fit.fitted.set_index("authority")
    assert fitted.loc["A", "hazard_scale"] == pytest.approx(1.5, rel=0.15)
    assert fit.history["loss"].iloc[-1] <= fit.history["loss"].iloc[0]
    assert abs(fitted.loc[["A", "B"], "appeal"].mean()) < 1e-9  # equal posts: appeals sum to 0
