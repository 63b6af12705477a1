"""Each policy moves the metric it should, against the baseline on the same seeds; bad policy
input is rejected naming the policy and field; third-party policies register by entry point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim.policy as policy_module
from sim.cli.main import main
from sim.experiment.replications import run_replications
from sim.policy import Policy, PolicyParams, registry
from sim.scenario import ScenarioError, load_scenario

SHIPPED = [
    "academy",
    "agency_conversion",
    "agency_rate_cap",
    "apprenticeships",
    "caseload_cap",
    "golden_hello",
    "international_recruitment",
    "pay_alignment",
    "regional_bank",
    "regional_pay_alignment",
    "shared_academy",
    "step_up_return",
    "support_officers",
]
SEED = 17


def paired(baseline, variant, reps=6, years=5.0, warmup=1.0):
    """(baseline, variant) summaries and timeseries on the same seeds."""
    base, var = run_replications([baseline, variant], range(reps), SEED, years, warmup)
    return base.summary, var.summary, base.timeseries, var.timeseries


def test_registry_lists_the_shipped_policies(capsys):
    assert sorted(registry()) == SHIPPED
    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    for name in SHIPPED:
        assert f"{name}:" in out
    assert "cap = 21.0" in out and "source:" in out


def test_caseload_cap_holds_everyone_at_or_below_the_cap(baseline):
    b, v, _, vts = paired(baseline, baseline.with_policy("caseload_cap", cap=21))
    assert (vts["caseload_p95"] <= 21).all()
    assert (v["share_over_cap"] == 0).all()
    assert (v["p95_caseload"] < b["p95_caseload"]).all()
    # when everyone is at cap, cases wait longer...
    assert v["mean_wait_days"].mean() > b["mean_wait_days"].mean() + 0.5
    # ...unless extra agency workers are hired to hold it
    _, a, _, _ = paired(baseline, baseline.with_policy("caseload_cap", cap=21, when_full="agency"))
    assert a["first_wait_days"].mean() < 0.5 * v["first_wait_days"].mean()
    assert a["agency_share"].mean() > v["agency_share"].mean()


def test_a_cap_held_by_agency_hires_them_where_cases_wait_so_the_queue_does_not_grow(baseline):
    """Extra agency workers join the teams whose cases wait (a worker of another team cannot take
    them): with them the queue stays level, where without them it grows year on year."""
    from sim.experiment.alerts import GROWTH_CASES

    _, _, _, vts = paired(baseline, baseline.with_policy("caseload_cap", cap=21))
    _, _, _, ats = paired(
        baseline, baseline.with_policy("caseload_cap", cap=21, when_full="agency")
    )

    def growth_per_year(ts):
        return np.mean(
            [12 * np.polyfit(r["month"], r["cases_waiting"], 1)[0] for _, r in ts.groupby("rep")]
        )

    assert growth_per_year(vts) > GROWTH_CASES  # the cap alone: the queue grows
    assert abs(growth_per_year(ats)) < GROWTH_CASES  # held by agency: it does not
    last = ats["month"] >= ats["month"].max() - 11
    assert ats.loc[last, "cases_waiting"].mean() < 0.25 * vts.loc[last, "cases_waiting"].mean()


def test_cap_below_demand_builds_a_waiting_list(baseline):
    b, v, _, vts = paired(baseline, baseline.with_policy("caseload_cap", cap=12), reps=2, years=2)
    assert vts["cases_waiting"].mean() > 100
    assert (vts["weighted_load_mean"] <= 12 + 1e-9).all()


@pytest.mark.slow
def test_academy_raises_early_career_retention(baseline):
    b, v, bts, vts = paired(baseline, baseline.with_policy("academy"), reps=8, years=8.0)
    assert (v["asye_retention_2y"] - b["asye_retention_2y"]).mean() > 0.03
    assert vts["promotions"].sum() > bts["promotions"].sum()
    assert np.allclose(v["policy_cost_gbp"], 250000.0)
    # CPD days take capacity: the same cases take a larger share of the worker's time
    assert (vts["effective_load_mean"] > vts["weighted_load_mean"]).all()


def test_pay_alignment_lowers_turnover_and_costs_salary(baseline):
    b, v, _, _ = paired(baseline, baseline.with_policy("pay_alignment", uplift=0.10))
    assert (v["turnover_rate"] - b["turnover_rate"]).mean() < -0.01
    assert (v["vacancy_rate"] - b["vacancy_rate"]).mean() < 0
    assert (v["total_cost_gbp"] > b["total_cost_gbp"]).all()


def test_support_officers_lower_the_effective_load(baseline):
    busy = baseline.with_overrides(demand={"referrals_per_year": 8500.0})
    b, v, _, _ = paired(busy, busy.with_policy("support_officers", officers=50))
    assert (v["effective_load_mean"] < b["effective_load_mean"]).all()
    assert (v["turnover_rate"] - b["turnover_rate"]).mean() < 0
    assert v["policy_cost_gbp"].iloc[0] == pytest.approx(50 * 24245, rel=1e-3)


def test_support_officers_pilot_ends(baseline):
    _, v, _, vts = paired(
        baseline, baseline.with_policy("support_officers", duration_months=6), reps=1
    )
    cost = vts["policy_cost_gbp_month"].to_numpy()
    assert (cost[:6] > 0).all() and (cost[7:] == 0).all()


def test_agency_conversion_lowers_agency_share(baseline):
    b, v, bts, vts = paired(baseline, baseline.with_policy("agency_conversion"))
    assert vts["conversions"].sum() > 2 * bts["conversions"].sum()
    assert (v["agency_share"] - b["agency_share"]).mean() < 0


def test_international_recruits_arrive_and_fill_vacancies(baseline):
    b, v, _, vts = paired(
        baseline, baseline.with_policy("international_recruitment"), reps=3, years=3
    )
    assert (vts.groupby("rep")["policy_cost_gbp_month"].sum() == 25 * 5000).all()
    assert (v["vacancy_rate"] - b["vacancy_rate"]).mean() < 0


def test_apprentices_qualify_into_asye_posts(baseline):
    b, v, _, vts = paired(
        baseline, baseline.with_policy("apprenticeships", intake_per_year=10), reps=3, years=6
    )
    # three years in training: no qualified apprentice before month 36, then about 8 a year
    assert (v["asye_cohort"] >= b["asye_cohort"]).all()
    cost = vts.groupby("month")["policy_cost_gbp_month"].mean()
    assert cost.iloc[0] > 0 and cost.iloc[30] > cost.iloc[0]


def test_step_up_and_return_add_entrants(baseline):
    b, v, bts, vts = paired(
        baseline,
        baseline.with_policy("step_up_return", step_up_per_year=10, return_per_year=5),
        reps=3,
        years=4,
    )
    assert vts["hires"].sum() > bts["hires"].sum()
    assert (v["vacancy_rate"] - b["vacancy_rate"]).mean() < 0


def test_policy_waits_for_its_start_month(baseline):
    _, _, bts, vts = paired(
        baseline, baseline.with_policy("pay_alignment", start_month=12), reps=2, years=2
    )
    early_b = bts[bts["month"] < 12].reset_index(drop=True)
    early_v = vts[vts["month"] < 12].reset_index(drop=True)
    pd.testing.assert_frame_equal(early_b, early_v)  # common random numbers, policy not yet on
    assert (
        not bts[bts["month"] >= 13]
        .reset_index(drop=True)
        .equals(vts[vts["month"] >= 13].reset_index(drop=True))
    )


def test_policies_combine(baseline):
    both = baseline.with_policy("caseload_cap", cap=20).with_policy("support_officers")
    assert [p.name for p in both.policy] == ["caseload_cap", "support_officers"]
    b, v, _, vts = paired(baseline, both, reps=2, years=2)
    assert (vts["caseload_p95"] <= 20).all()
    assert (v["policy_cost_gbp"] > 0).all()


def _scenario_with(tmp_path, text):
    base = (load_scenario.__globals__["builtin_path"]("baseline")).read_text()
    path = tmp_path / "s.toml"
    path.write_text(base + "\n" + text)
    return path


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            '[[policy]]\nname = "caseload_cap"\ncap = 0\n',
            ["policy[0] (caseload_cap).cap", "greater than or equal to 1"],
        ),
        (
            '[[policy]]\nname = "academy"\ncpd_days = 5\n',
            ["policy[0] (academy).cpd_days", "unknown key"],
        ),
        ('[[policy]]\nname = "pay_alignment"\nlevels = ["l9"]\n', ["pay_alignment", "l9"]),
        ('[[policy]]\nname = "caseload_cap"\nstart_month = -1\n', ["policy[0].start_month"]),
        ('[[policy]]\nname = "four_day_week"\n', ["unknown policy", "caseload_cap", "academy"]),
    ],
)
def test_bad_policy_input_exits_2_naming_policy_and_field(tmp_path, capsys, text, expected):
    path = _scenario_with(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    for part in expected:
        assert part in err, err
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    assert not out.exists()


def test_policies_in_a_scenario_file_round_trip(tmp_path):
    path = _scenario_with(
        tmp_path, '[[policy]]\nname = "caseload_cap"\ncap = 20\nstart_month = 6\n'
    )
    s = load_scenario(path)
    assert s.policy[0].name == "caseload_cap" and s.policy[0].params["cap"] == 20
    assert s.policy[0].params["when_full"] == "wait"  # defaults filled in
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                str(path),
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    again = load_scenario(out / "scenario.toml")
    assert again.policy == s.policy


class FourDayWeekParams(PolicyParams):
    hazard_ratio: float = 0.5


class FourDayWeek(Policy):
    name = "four_day_week"
    description = "A third-party policy"
    Params = FourDayWeekParams

    def leaving_hazard(self, ctx, staff, hazard):
        return hazard * self.params.hazard_ratio


def test_third_party_policy_registers_by_entry_point(monkeypatch, baseline):
    class EntryPoint:
        name = "four_day_week"

        def load(self):
            return FourDayWeek

    monkeypatch.setattr(
        policy_module,
        "entry_points",
        lambda group: [EntryPoint()] if group == policy_module.ENTRY_POINT_GROUP else [],
    )
    registry.cache_clear()
    try:
        assert "four_day_week" in registry()
        s = baseline.with_policy("four_day_week")
        b, v, _, _ = paired(baseline, s, reps=2, years=2)
        assert (v["turnover_rate"] < b["turnover_rate"]).all()
    finally:
        monkeypatch.undo()
        registry.cache_clear()
    with pytest.raises(ScenarioError, match="unknown policy"):
        baseline.with_policy("four_day_week")


def test_support_officers_end_agency_above_establishment(baseline):
    """Teams that hire agency above establishment when work per worker is high let them go when
    support officers free time: on common random numbers agency spend falls during the pilot."""
    busy = baseline.with_overrides(
        teams={
            "all": {"case_types": baseline.type_names, "overflow": "agency", "agency_load": 18.0}
        }
    )
    pilot = busy.with_policy("support_officers", officers=19, hazard_ratio=1.0)  # time only
    b, v, bts, vts = paired(busy, pilot, reps=4)
    assert (b["agency_above_establishment_mean"] > 10).all()
    assert (v["agency_above_establishment_mean"] < b["agency_above_establishment_mean"] - 5).all()
    assert (v["agency_cost_gbp"] < b["agency_cost_gbp"]).all()


def test_the_nottinghamshire_pilot_costs_what_the_paper_says_and_ends_agency_work():
    """The built-in pilot: 19 support officers for six months cost the paper's £230,328; while
    they are in post the teams carry fewer agency workers above establishment (common random
    numbers), and after they leave the gap closes."""
    from sim.scenario import load_scenario

    before, pilot = load_scenario("nottinghamshire"), load_scenario("nottinghamshire_pilot")
    _, _, bts, vts = paired(before, pilot, reps=3, years=1.0, warmup=1.0)
    cost = vts.groupby("rep")["policy_cost_gbp_month"].sum()
    assert cost.to_numpy() == pytest.approx(230328.0, abs=1.0)
    extra = lambda ts, months: (
        ts[ts["month"].isin(months)].groupby("rep")["agency_above_establishment"].mean()
    )
    during, after = range(1, 6), range(10, 12)
    assert (extra(vts, during) < extra(bts, during) - 3).all()
    assert (extra(vts, after) - extra(bts, after)).abs().mean() < (
        extra(bts, during) - extra(vts, during)
    ).mean() / 2
