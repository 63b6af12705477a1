"""Demand that matches each council: ``scenario-from-dfe`` fits the child-in-need duration (and,
where its bounds bind, the assessment's step-up) so the expected open cases equal the council's
DfE cases. Every expected figure here is read from the DfE file in the test."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from calibration.dfe import (
    CIN_DAYS_BOUNDS,
    DATA,
    STEP_UP_BOUNDS,
    DemandNotMatched,
    council_inputs,
    fit_demand,
    region_from_dfe,
    scenario_from_dfe,
    short_council_name,
)
from sim.cli.main import main
from sim.model.demand import expected_open_cases
from sim.scenario import ScenarioError, load_scenario

WM = [
    "Birmingham",
    "Coventry",
    "Dudley",
    "Herefordshire",
    "Sandwell",
    "Shropshire",
    "Solihull",
    "Staffordshire",
    "Stoke-on-Trent",
    "Telford and Wrekin",
    "Walsall",
    "Warwickshire",
    "Wolverhampton",
    "Worcestershire",
]


def dfe(council: str, year: int) -> pd.Series:
    """The council's row of the DfE workforce file (``cases``: cases held by case holders)."""
    w = pd.read_csv(
        DATA / "csww_indicators_2017_2020.csv", na_values=["x", "c", "u", "z"], low_memory=False
    )
    la = w[(w["geographic_level"] == "Local authority") & (w["time_period"] == year)]
    [row] = [r for _, r in la.iterrows() if short_council_name(r["la_name"]) == council]
    return row


@pytest.fixture(scope="module")
def base():
    return load_scenario("baseline")


def step_up(scenario) -> float:
    return scenario.case_types["assessment"].next["cin"]


@pytest.mark.parametrize(
    "council,year",
    [
        ("Nottinghamshire", 2017),
        ("Shropshire", 2020),
        ("Wolverhampton", 2020),
        ("Dudley", 2020),
        ("Staffordshire", 2020),
        ("Birmingham", 2020),
    ],
)
def test_expected_open_cases_equal_the_dfe_count(base, council, year):
    row = dfe(council, year)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DemandNotMatched)  # these councils can be matched
        s = scenario_from_dfe(base, council, year)
    expected = expected_open_cases(s).sum()
    assert expected == pytest.approx(row["cases"], rel=1e-3)
    # ... and so the caseload per DfE case holder is DfE's (cases / case holders, to 0.1)
    assert expected / row["case_holders_fte"] == pytest.approx(row["caseload_fte"], abs=0.051)
    low, high = CIN_DAYS_BOUNDS
    assert low <= s.case_types["cin"].mean_days <= high
    factor = step_up(s) / step_up(base)
    assert STEP_UP_BOUNDS[0] <= factor <= STEP_UP_BOUNDS[1]
    nxt = s.case_types["assessment"].next
    assert sum(nxt.values()) == pytest.approx(1.0, abs=1e-9)
    assert nxt["cp"] == base.case_types["assessment"].next["cp"]
    # the step-up moves only where the duration is at its bound
    assert factor == 1.0 or s.case_types["cin"].mean_days in CIN_DAYS_BOUNDS
    assert "fitted to" in s.description and f"{row['cases']:,.0f}" in s.description


def test_only_the_assumed_duration_and_step_up_change(base):
    """Referrals, posts and the DfE durations are those read from DfE, as before the fit."""
    values, _, fit = council_inputs(base, "Shropshire", 2020)
    s = scenario_from_dfe(base, "Shropshire", 2020)
    assert set(fit.values) == {"case_types.cin.mean_days"}
    for path in (
        "demand.referrals_per_year",
        "demand.case_share",
        "case_types.cp.mean_days",
        "case_types.lac.mean_days",
        "workforce.initial_fill",
        "workforce.levels.l3.establishment",
    ):
        section, *rest = path.split(".")
        node = getattr(s, section)
        for key in rest:
            node = node[key] if isinstance(node, dict) else getattr(node, key)
        assert node == values[path], path
    assert s.case_types["court"].mean_days == base.case_types["court"].mean_days
    assert s.case_types["assessment"] == base.case_types["assessment"]
    # Shropshire holds twice the cases its referrals give at 180 days: a longer child-in-need spell
    assert s.case_types["cin"].mean_days > base.case_types["cin"].mean_days


def test_where_the_other_types_exceed_the_count_the_step_up_falls(base):
    """Wolverhampton 2020: with child in need at its shortest the others alone hold more cases
    than DfE counts, so the duration sits at its lower bound and the step-up is scaled down."""
    row = dfe("Wolverhampton", 2020)
    _, _, fit = council_inputs(base, "Wolverhampton", 2020)
    assert fit.cin_days == CIN_DAYS_BOUNDS[0] and fit.at_bound == ("cin_days",)
    assert STEP_UP_BOUNDS[0] < fit.step_up_factor < 1.0 and fit.matched
    assert fit.expected == pytest.approx(row["cases"], rel=1e-3)
    assert fit.expected_before > row["cases"]


def test_where_both_bounds_bind_a_warning_names_the_council(base, tmp_path, capsys):
    """A base whose court work lasts 5,000 days holds more cases than Wolverhampton's count
    whatever the child-in-need duration and step-up: both stay at their bounds and the warning
    names the council, the DfE count and the expected count."""
    row = dfe("Wolverhampton", 2020)
    long_court = base.with_values({"case_types.court.mean_days": 5000.0})
    with pytest.warns(DemandNotMatched) as caught:
        s = scenario_from_dfe(long_court, "Wolverhampton", 2020)
    expected = expected_open_cases(s).sum()
    [message] = [str(w.message) for w in caught]
    assert "Wolverhampton" in message and f"{row['cases']:,.0f}" in message
    assert f"{expected:,.0f}" in message and expected > row["cases"] * 1.001
    assert s.case_types["cin"].mean_days == CIN_DAYS_BOUNDS[0]
    assert step_up(s) / step_up(base) == pytest.approx(STEP_UP_BOUNDS[0])
    assert "NOT MATCHED" in s.description
    # the command says so on stderr and still writes the scenario
    path = tmp_path / "long_court.toml"
    path.write_text(
        'extends = "baseline"\nname = "long_court"\n[case_types.court]\nmean_days = 5000.0\n'
    )
    out = tmp_path / "w.toml"
    assert (
        main(
            [
                "scenario-from-dfe",
                "Wolverhampton",
                "--base",
                str(path),
                "--fit",
                "none",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert err.startswith("warning: Wolverhampton 2020") and f"{row['cases']:,.0f}" in err
    assert out.exists()


def test_too_few_cases_at_the_longest_duration_scale_the_step_up_up(base):
    """The other bound: a count beyond what the longest duration gives raises the step-up."""
    s = scenario_from_dfe(base, "Solihull", 2020)
    reach = expected_open_cases(
        s.with_values({"case_types.cin.mean_days": CIN_DAYS_BOUNDS[1]})
    ).sum()
    fit = fit_demand(s, reach * 1.05, council="Solihull", year=2020)
    assert fit.cin_days == CIN_DAYS_BOUNDS[1] and 1.0 < fit.step_up_factor < STEP_UP_BOUNDS[1]
    assert fit.matched and fit.expected == pytest.approx(reach * 1.05, rel=1e-3)
    far = fit_demand(s, reach * 10, council="Solihull", year=2020)
    assert not far.matched and far.step_up_factor == pytest.approx(STEP_UP_BOUNDS[1])
    assert "Solihull 2020" in far.warning and f"{reach * 10:,.0f}" in far.warning


@pytest.mark.slow
def test_the_region_matches_every_council_and_collects_warnings(base):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DemandNotMatched)
        region = region_from_dfe(base, "West Midlands", 2020)
    assert [name for name, _ in region.members()] == WM
    for name, council in region.members():
        assert expected_open_cases(council).sum() == pytest.approx(
            dfe(name, 2020)["cases"], rel=1e-3
        ), name
        assert CIN_DAYS_BOUNDS[0] <= council.case_types["cin"].mean_days <= CIN_DAYS_BOUNDS[1]
        assert "fitted to" in council.description, name
    assert "in 14 of 14 councils" in region.description
    long_court = base.with_values({"case_types.court.mean_days": 5000.0})
    with pytest.warns(DemandNotMatched) as caught:
        region = region_from_dfe(long_court, "West Midlands", 2020)
    named = {str(w.message).split(" 2020")[0] for w in caught}
    assert "Wolverhampton" in named and all(
        short_council_name(n) in region.description for n in named
    )


def test_councils_without_the_data_are_clear_errors(base):
    with pytest.raises(ScenarioError, match="Atlantis"):
        scenario_from_dfe(base, "Atlantis", 2020)
    with pytest.raises(ScenarioError, match="years available"):
        scenario_from_dfe(base, "Shropshire", 2016)
    # Brent 2017 and Suffolk 2018: DfE's case holders and cases are missing: no posts, nothing to match
    for council, year in [("Brent", 2017), ("Suffolk", 2018)]:
        assert pd.isna(dfe(council, year)["cases"])
        with pytest.raises(ScenarioError, match=rf"is suppressed or missing for {council} {year}"):
            scenario_from_dfe(base, council, year)
    with pytest.raises(ScenarioError, match="positive count"):
        fit_demand(base, 0.0)


@pytest.mark.slow
def test_the_readme_table_is_what_the_fit_gives(base):
    """docs/how-to/new-council.md, "Demand matches each council": each row is the fit as it stands."""
    import pages

    readme = pages.text()
    rows = [
        line
        for line in readme.splitlines()
        if line.startswith("| ")
        and line.split("|")[1].strip()[-4:] in ("2017", "2020")
        and "(1.00)" in line
    ]
    assert len(rows) == 15
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        council, year = cells[0].rsplit(" ", 1)
        _, _, fit = council_inputs(base, council, int(year))
        assert float(cells[1].replace(",", "")) == dfe(council, int(year))["cases"]
        assert cells[2] == f"{fit.expected_before:,.0f} ({fit.expected_before / fit.dfe_cases:.2f})"
        assert cells[3] == f"{fit.expected:,.0f} ({fit.expected / fit.dfe_cases:.2f})"
        assert cells[4].split()[0] == f"{fit.cin_days:g}"
        assert float(cells[5]) == pytest.approx(fit.step_up_factor, abs=0.005)


def test_a_council_named_either_way_gets_the_same_scenario(base):
    """'Herefordshire' and DfE's 'Herefordshire, County of' find the same rows in every file (the
    looked-after duration too), so the same fit."""
    short = scenario_from_dfe(base, "Herefordshire", 2020)
    full = scenario_from_dfe(base, "Herefordshire, County of", 2020)
    assert short.case_types == full.case_types and short.demand == full.demand
    assert short.case_types["lac"].mean_days != base.case_types["lac"].mean_days
