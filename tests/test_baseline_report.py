"""The report shows the baseline against DfE (issue 25, item 5): each council's published figures
travel as data (``observed`` in the scenario, written from the DfE file), a table of each council's
simulated first year against them, and plain warnings in the findings when a council misses its
figure by more than its band or its no-change path drifts; quiet otherwise; and the presentation
layer never reaches into the calibration package for its figures."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import REGIONAL_MARKET

import sim
import sim.present.report as report
from sim.experiment.observed import (
    MEASURES,
    NOT_PUBLISHED,
    OUTSIDE,
    WITHIN,
    baseline_check,
    first_year,
    widened,
)
from sim.experiment.results import Results
from sim.present.baseline import baseline_sentences, observed_table
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
COUNCILS = ["Ashby", "Bourne", "Crewe"]
DFE_COLUMNS = {
    "turnover_rate": "turnover_rate_fte",
    "vacancy_rate": "vacancy_rate_fte",
    "agency_share": "agency_rate_fte",
    "mean_caseload": "caseload_fte",
}


def _observed(**measures) -> dict:
    return {
        "year": 2020,
        "source": "DfE CSWW 2020",
        **{m: {"value": v, "low": lo, "high": hi} for m, (v, lo, hi) in measures.items()},
    }


def _months(councils, vacancies, reps: int = 3, years: int = 5) -> pd.DataFrame:
    """Monthly rows of a made-up run: 100 permanent staff, 20 agency workers, 1.3 leavers a
    month and 17 cases each in every council; vacancies ``vacancies(council, month)``."""
    rows = [
        {
            "authority": a,
            "rep": rep,
            "month": m,
            "perm_total": 100.0,
            "agency_total": 20.0,
            "vacancies_total": vacancies(a, m),
            "leavers": 1.3,
            "caseload_mean": 17.0 + rep,
        }
        for a in ["region", *councils]
        for rep in range(reps)
        for m in range(12 * years)
    ]
    return pd.DataFrame(rows)


def _results(scenario, timeseries: pd.DataFrame) -> Results:
    """A run's results holding only what the baseline check reads (its scenario, its councils and
    its monthly rows)."""
    reps = int(timeseries["rep"].nunique())
    summaries = pd.DataFrame(
        [
            {"authority": a, "rep": r, "scenario": scenario.name}
            for a in timeseries["authority"].unique()
            for r in range(reps)
        ]
    )
    return Results(
        "run",
        [scenario.name],
        {scenario.name: scenario},
        summaries,
        timeseries.assign(scenario=scenario.name),
        pd.DataFrame(),
        {"reps": reps},
    )


@pytest.fixture(scope="module")
def trio(baseline):
    """Three councils: Ashby's DfE figures as the made-up run gives them, Bourne's vacancy rate
    published far from it, Crewe with none."""
    near = _observed(
        turnover_rate=(0.156, 0.13, 0.18),
        vacancy_rate=(0.2, 0.18, 0.22),
        agency_share=(0.1667, 0.15, 0.19),
        mean_caseload=(18.0, 16.0, 20.0),
    )
    far = _observed(vacancy_rate=(0.6, 0.58, 0.62))
    return baseline.with_overrides(
        name="trio",
        market=REGIONAL_MARKET,
        authority={"Ashby": {"observed": near}, "Bourne": {"observed": far}, "Crewe": {}},
    )


# -- the DfE figures are data ------------------------------------------------------------------------
def test_west_midlands_carries_each_councils_dfe_figures_from_the_data_file():
    """Every council of the built-in region has its DfE CSWW 2020 turnover, vacancy and agency
    rates and caseload, as the data file has them, each within its range."""
    dfe = pd.read_csv(ROOT / "calibration" / "data" / "csww_indicators_2017_2020.csv")
    dfe = dfe[(dfe["geographic_level"] == "Local authority") & (dfe["time_period"] == 2020)]
    wm = load_scenario("west_midlands")
    assert len(wm.members()) == 14
    for name, council in wm.members():
        seen = council.observed
        assert seen is not None and seen.year == 2020 and seen.source == "DfE CSWW 2020", name
        row = dfe[dfe["la_name"].str.replace(r", (County|City) of$", "", regex=True) == name].iloc[
            0
        ]
        for metric, column in DFE_COLUMNS.items():
            value = getattr(seen, metric)
            scale = 1.0 if metric == "mean_caseload" else 100.0
            assert value.value * scale == pytest.approx(float(row[column]), abs=1e-9), (
                name,
                metric,
            )
            assert value.low < value.value < value.high, (name, metric)


@pytest.mark.slow
def test_the_model_ignores_the_observed_figures(trio):
    """The same seed gives the same numbers whatever the scenario says was observed."""
    bare = trio.with_overrides(authority={c: {} for c in COUNCILS})
    with_data, without = (sim.run(s, reps=1, years=0.25, warmup_years=0.0) for s in (trio, bare))
    pd.testing.assert_frame_equal(
        with_data.summaries.drop(columns="scenario"), without.summaries.drop(columns="scenario")
    )


# -- the numbers -------------------------------------------------------------------------------------
def test_first_year_is_the_summaries_definition_over_the_first_twelve_months():
    ts = _months(["A"], lambda a, m: 25.0 if m < 12 else 0.0, reps=2, years=2)
    first = first_year(ts).set_index(["authority", "metric"])
    assert first.at[("A", "vacancy_rate"), "mean"] == pytest.approx(0.2)
    assert first.at[("A", "turnover_rate"), "mean"] == pytest.approx(12 * 1.3 / 100)
    assert first.at[("A", "agency_share"), "mean"] == pytest.approx(20 / 120)
    assert first.at[("A", "mean_caseload"), "mean"] == pytest.approx(17.5)
    assert first.at[("A", "mean_caseload"), "se"] == pytest.approx(0.5)
    assert first_year(ts[ts["month"] < 11]).empty  # no whole year


def test_a_council_far_from_its_figure_misses_and_one_near_it_does_not(trio):
    check = baseline_check(trio, _months(COUNCILS, lambda a, m: 25.0))
    table = check.table.set_index(["authority", "metric"])
    assert len(check.table) == len(COUNCILS) * len(MEASURES)
    assert (table.loc["Ashby", "status"] == WITHIN).all()
    assert table.at[("Bourne", "vacancy_rate"), "status"] == OUTSIDE
    assert (table.loc["Bourne"].drop(index="vacancy_rate")["status"] == NOT_PUBLISHED).all()
    assert (table.loc["Crewe", "status"] == NOT_PUBLISHED).all()
    low, high = widened(0.58, 0.62, table.at[("Bourne", "vacancy_rate"), "se"])
    assert (
        table.at[("Bourne", "vacancy_rate"), "band_low"],
        table.at[("Bourne", "vacancy_rate"), "band_high"],
    ) == pytest.approx((low, high))


# -- the words and the table -------------------------------------------------------------------------
def test_the_table_has_a_row_per_council_with_its_dfe_figures_or_not_published(trio):
    results = _results(trio, _months(COUNCILS, lambda a, m: 25.0))
    t = observed_table(results)
    assert [r.council for r in t.rows] == COUNCILS and t.source == "DfE CSWW 2020"
    assert len(t.columns) == len(MEASURES) and all(len(r.cells) == len(MEASURES) for r in t.rows)
    ashby, bourne, crewe = t.rows
    assert [c.dfe.split(" (band")[0] for c in ashby.cells] == ["15.6%", "20.0%", "16.7%", "18.0"]
    assert bourne.cells[1].dfe.startswith("60.0% (band") and bourne.cells[1].miss
    assert [c.dfe for c in crewe.cells] == ["not published"] * len(MEASURES)
    assert ashby.cells[1].simulated.endswith("20.0%") and not any(c.miss for c in ashby.cells)
    text = " ".join(c.simulated + c.dfe for r in t.rows for c in r.cells)
    assert not re.search(r"(?i)\b(nan|inf)\b", text)


def test_a_miss_is_warned_in_plain_words(trio):
    words = baseline_sentences(_results(trio, _months(COUNCILS, lambda a, m: 25.0)))
    miss = [s for s in words if s.startswith("Bourne")]
    assert len(miss) == 1 and "vacancy rate 20.0% against 60.0% (band" in miss[0]
    assert "DfE CSWW 2020" in miss[0] and not any(s.startswith(("Ashby", "Crewe")) for s in words)
    assert not any("Crewe" in s for s in words)  # no figure: not checked, not named
    assert (
        "The other council with DfE CSWW 2020 figures (Ashby) is within its band and steady over "
        "the run." in words
    )


def test_a_drifting_council_is_warned_with_its_drift(trio):
    """Crewe's vacancies fall from 25 to 5 after two years: it drifts, the others do not."""
    ts = _months(COUNCILS, lambda a, m: 5.0 if a == "Crewe" and m >= 24 else 25.0)
    words = baseline_sentences(_results(trio, ts))
    drift = [s for s in words if s.startswith("Crewe")]
    assert drift == [
        "Crewe's vacancy rate drifts from 20.0% to 4.8% (-15.2 percentage points) "
        "over the run with nothing changed (from the mean of its first 2 years to that "
        "of its last 2): differences from this baseline inherit the drift."
    ], words
    assert observed_table(_results(trio, ts)).rows[2].drifts


def test_quiet_when_every_council_is_within_its_band_and_steady(trio):
    quiet = trio.with_overrides(authority={"Bourne": {"observed": None}})
    words = baseline_sentences(_results(quiet, _months(COUNCILS, lambda a, m: 25.0)))
    assert words == [
        "In trio, the first simulated year of every council with DfE CSWW 2020 "
        "figures (1 of 3) is within the band of its DfE CSWW 2020 figures (turnover, "
        "vacancy rate, agency share, caseload), and its no-change path is steady over "
        "the run (no rate moves more than 3 percentage points between the first 2 and "
        "the last 2 years)."
    ]


def test_a_run_under_four_years_says_it_cannot_show_drift(trio):
    ts = _months(COUNCILS, lambda a, m: 5.0 if a == "Crewe" and m >= 24 else 25.0, years=3)
    words = baseline_sentences(_results(trio, ts))
    assert not any(s.startswith("Crewe") for s in words)
    assert any(
        "3 whole years of reporting: too short to show whether trio drifts" in s for s in words
    )
    assert observed_table(_results(trio, ts)).rows[0].drift.startswith("too short")


def test_a_run_without_a_whole_year_claims_nothing(trio):
    results = _results(
        trio, _months(COUNCILS, lambda a, m: 25.0, years=1)[lambda f: f["month"] < 6]
    )
    words = baseline_sentences(results)
    assert words[0].startswith("The run has no whole year of reporting: no council's first year")
    assert not any("within" in s for s in words)
    cells = [c for r in observed_table(results).rows for c in r.cells]
    assert {c.simulated for c in cells} == {"no whole year in the run"} and not any(
        c.miss for c in cells
    )


@pytest.mark.slow  # 11 s: a region's run and report (the quick tier keeps under 4 minutes)
def test_the_page_shows_the_warning_near_the_top_and_the_table_in_the_region(trio, tmp_path):
    """A real (short) run: Bourne's far-off figure warned at the top, the rest of the check before
    the findings, the table at the top of the board's section."""
    results = sim.run(trio, reps=2, years=1.0, warmup_years=0.5)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "screenshot", lambda page, png: None)
        page = report.write_report(tmp_path, results).read_text()
    warned = page.index('id="warnings"')
    top = page.index('id="baseline-check"')
    assert warned < top < page.index('<ul class="findings">') < page.index('id="board"')
    assert page.index('id="board"') < page.index('id="baseline-dfe"') < page.index("board-findings")
    plain = lambda a, b: re.sub(r"<[^>]+>", "", page[a:b]).replace("&#39;", "'")
    warnings = plain(warned, page.index("</div>", warned))
    block = plain(top, page.index("</div>", top))
    assert "Bourne's first simulated year misses its DfE CSWW 2020 figures" in warnings
    assert "Bourne's first" not in block  # said once, at the top
    assert "too short to show whether trio drifts" in block
    table = page[
        page.index('id="baseline-dfe"') : page.index("</table>", page.index('id="baseline-dfe"'))
    ]
    assert table.count("<tr>") == 1 + len(COUNCILS) and table.count("not published") == 3 + 4
    saved = pd.read_csv(tmp_path / "baseline_check.csv").set_index(["authority", "metric"])
    assert len(saved) == len(COUNCILS) * len(MEASURES)
    assert saved.at[("Bourne", "vacancy_rate"), "status"] == OUTSIDE
    assert (tmp_path / "baseline_drift.csv").exists()


# -- layering ------------------------------------------------------------------------------------------
def test_the_simulator_imports_nothing_from_calibration():
    """calibration depends on sim, never the reverse: no module of sim (but the command line, which
    drives calibration's commands) imports calibration; the report's DfE figures reach it as data."""
    offenders = []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        if path.parent.name == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            offenders += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in names
                if n == "calibration" or n.startswith("calibration.")
            ]
    assert not offenders, offenders
    assert (ROOT / "sim" / "present" / "baseline.py").exists()  # the walk covers the report


def test_scenario_from_dfe_writes_the_councils_figures_for_its_year(baseline):
    from calibration.dfe import scenario_from_dfe

    dfe = pd.read_csv(ROOT / "calibration" / "data" / "csww_indicators_2017_2020.csv")
    row = dfe[(dfe["la_name"] == "Warwickshire") & (dfe["time_period"] == 2019)].iloc[0]
    seen = scenario_from_dfe(baseline, "Warwickshire", 2019).observed
    assert seen.year == 2019 and seen.source == "DfE CSWW 2019"
    assert seen.vacancy_rate.value == pytest.approx(float(row["vacancy_rate_fte"]) / 100)
    assert seen.mean_caseload.value == pytest.approx(float(row["caseload_fte"]))
