"""``swsim explore`` (issue 30): the pages' data built without a browser (the decision table, bands
over time, distributions, who gains and who loses by council, a sweep's response and indices), the
form's fields from the policies' schemas, folders refused before any server starts, the app run by
Streamlit's ``AppTest`` (a bad value refused, a cap of 18 run beside the folder's 21 and saved as a
result folder ``load_results`` accepts), the examples kept in git (checked, and opened by default),
and the server opened in Chromium on a comparison, on a region (a council's chart and its CSV) and
through the form (bad values refused, a cap of 18 run into a folder ``swsim report`` accepts)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import REGIONAL_MARKET, pay_rise

import sim
from sim.cli.main import main
from sim.errors import BadInput
from sim.experiment.results import load_results
from sim.experiment.variants import variant
from sim.present.board import board_of
from sim.present.brief import gains_and_losses
from sim.present.decision import decision_table
from sim.present.explore import folders, form, launch, pages, sweeps
from sim.present.figures import TOO_SHORT
from sim.present.readings import value_text

# the full tier: the app's pages under Streamlit's AppTest and its server (see pyproject.toml)
pytestmark = pytest.mark.slow

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "sim" / "present" / "explore" / "app.py"
# the result sets kept in git (results/README.md), and what each holds
EXAMPLES = {"example": ("run", 0), "west_midlands-example": ("compare", 14)}  # kind, councils
TINY = {"reps": 2, "years": 2, "warmup_years": 0.5}
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The baseline against a caseload cap of 21: 2 replications of 2 years."""
    out = tmp_path_factory.mktemp("explore") / "cmp"
    sim.save(sim.compare("baseline", "caseload_cap", **TINY), out)
    return out


@pytest.fixture(scope="module")
def smallest(tmp_path_factory) -> Path:
    """The baseline against a caseload cap of 21: 1 replication of half a year, no warm-up (a run
    from the form beside it stays quick)."""
    out = tmp_path_factory.mktemp("explore") / "smallest"
    sim.save(sim.compare("baseline", "caseload_cap", reps=1, years=0.5, warmup_years=0), out)
    return out


@pytest.fixture(scope="module")
def results(folder):
    return load_results(folder)


@pytest.fixture(scope="module")
def region(baseline):
    """A run of two small councils in one regional market: 2 replications of 1 year."""
    trio = baseline.with_overrides(
        name="duo", authority={"Ashby": {}, "Bourne": pay_rise(0.10)}, market=REGIONAL_MARKET
    )
    return sim.run(trio, reps=2, years=1, warmup_years=0.5)


@pytest.fixture(scope="module")
def trio(baseline, tmp_path_factory) -> Path:
    """Three councils, Bourne paying 10% more, against one regional pay scale: 2 replications of
    1 year, saved."""
    region = baseline.with_overrides(
        name="trio",
        authority={"Ashby": {}, "Bourne": pay_rise(0.10), "Crewe": {}},
        market=REGIONAL_MARKET,
    )
    out = tmp_path_factory.mktemp("explore") / "trio"
    sim.save(sim.compare(region, "regional_pay_alignment", reps=2, years=1, warmup_years=0.5), out)
    return out


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """A grid of two caps by two pay uplifts, 2 replications of 1 year each, with the sensitivity
    of turnover written beside it."""
    out = tmp_path_factory.mktemp("explore") / "sweep"
    grid = [
        "--param",
        "policy.caseload_cap.cap=16,26",
        "--param",
        "policy.pay_alignment.uplift=0,0.05",
    ]
    small = ["--reps", "2", "--years", "1", "--warmup-years", "0.5", "--seed", "3", "--quiet"]
    assert main(["sweep", *grid, *small, "--out", str(out)]) == 0
    assert main(["sensitivity", str(out), "--outcome", "turnover_rate"]) == 0
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind((launch.LOCAL_HOST, 0))
        return s.getsockname()[1]


# -- the pages' data -------------------------------------------------------------------------------
def test_decision_frame_is_the_reports_decision_table(results):
    frame = pages.decision_frame(results)
    d = decision_table(results)
    assert list(frame.index) == ["A", "B"]
    assert list(frame["scenario"]) == ["baseline", "a caseload cap of 21 cases"]
    assert len(frame.columns) == 1 + len(d.headings)
    cell = d.rows[1].cells[0]
    assert frame.iloc[1, 1] == f"{cell.value} ({cell.interval}): {cell.verdict}"
    assert frame.columns[1].startswith(d.headings[0])
    assert pages.warning_lines(results) == sim.present.decision.warnings(results)


def test_time_bands_are_quantiles_of_the_replications(results):
    bands = pages.time_bands(results, "vacancy_rate", results.names, ["region"])
    assert set(bands["scenario"]) == set(results.names)
    ts = results.monthly("baseline")
    month = int(ts["month"].max())
    at = ts[ts["month"] == month]
    values = 100 * at["vacancies_total"] / (at["vacancies_total"] + at["perm_total"])
    row = bands[(bands["scenario"] == "baseline") & (bands["month"] == month)].iloc[0]
    assert row["median"] == pytest.approx(np.median(values))
    assert row["low_90"] == pytest.approx(np.quantile(values, 0.05))
    assert row["high_50"] == pytest.approx(np.quantile(values, 0.75))
    assert row["replications"] == results.reps
    ordered = bands[["low_90", "low_50", "median", "high_50", "high_90"]].dropna()
    assert (ordered.diff(axis=1).iloc[:, 1:] >= -1e-9).all().all()


def test_time_bands_by_council_give_a_panel_each(region):
    chosen = ["region", "Ashby", "Bourne"]
    bands = pages.time_bands(region, "agency_total", region.names, chosen)
    assert list(dict.fromkeys(bands["authority"])) == chosen
    by = bands.groupby("authority")["median"].sum()
    # the region's rows sum its councils'; with two replications a median is their mean
    assert by["region"] == pytest.approx(by["Ashby"] + by["Bourne"], rel=1e-9)
    assert by["Ashby"] != by["Bourne"]
    fig = pages.time_figure(region, bands, "agency_total")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.axison]
    assert titles[:3] == chosen
    assert pages.png_bytes(fig).startswith(b"\x89PNG")
    # a year's run has one month of a 12-month turnover: each panel says so instead of a dot
    short = pages.time_bands(region, "turnover", region.names, chosen)
    assert short.groupby("authority")["median"].count().max() == len(region.names)
    fig = pages.time_figure(region, short, "turnover")
    assert [t.get_text() for ax in fig.axes for t in ax.texts] == [TOO_SHORT] * 3


def test_distribution_holds_each_replications_value_in_the_figures_unit(results):
    frame = pages.distribution(results, "turnover_rate")
    cap = results.summary("baseline+caseload_cap")["turnover_rate"].to_numpy()
    got = frame.loc[frame["scenario"] == "baseline+caseload_cap", "value"].to_numpy()
    assert got == pytest.approx(100 * cap)
    money = pages.distribution(results, "total_cost_gbp")
    base = results.summary("baseline")["total_cost_gbp"].to_numpy()
    assert money.loc[money["scenario"] == "baseline", "value"].to_numpy() == pytest.approx(
        base / 1000
    )
    assert "turnover_rate" in pages.summary_measures(results)
    assert pages.summary_measures(results)["total_cost_gbp"] == "workforce cost (£ thousand a year)"
    assert "authority" not in pages.summary_measures(results)


def test_downloads_are_a_png_and_the_charts_data(results):
    frame = pages.distribution(results, "vacancy_rate")
    png = pages.png_bytes(pages.distribution_figure(results, frame, "vacancy_rate"))
    assert png.startswith(b"\x89PNG") and len(png) > 5_000
    back = pd.read_csv(io.BytesIO(pages.csv_bytes(frame)))
    assert list(back.columns) == list(frame.columns)
    assert back["value"].to_numpy() == pytest.approx(frame["value"].to_numpy())


def test_who_gains_and_who_loses_is_the_briefs_table_council_by_council(trio, results):
    board = board_of(load_results(trio))
    [g] = pages.gains(board)
    assert g == gains_and_losses(board, board.variants[0])
    frame = pages.gains_frame(g)
    assert list(frame.index) == ["Ashby", "Bourne", "Crewe"]
    assert frame.columns[0] == "Pay per permanent FTE (£ a year)"
    # one pay scale at the councils' mean: Bourne, which paid 10% more, is paid less
    assert frame.loc["Bourne", frame.columns[0]].startswith("-£")
    assert frame.loc["Ashby", frame.columns[0]].startswith("+£")
    text, verdict = g.councils[1].cells[2]
    assert frame.iloc[1, 2] == text.replace("\u2060", "") + (f": {verdict}" if verdict else "")
    back = pd.read_csv(
        io.BytesIO(pages.csv_bytes(frame, index=True)), index_col="council", dtype=str
    )
    assert back.equals(frame)
    assert pages.gains(board_of(results)) == []  # no councils, no table


def test_each_councils_change_is_charted_with_its_interval(trio):
    """The chart of who gains and who loses: each council's paired change with its 95% interval,
    in the chart's unit, as the board reads it; the table's better or worse where it is filled."""
    board = board_of(load_results(trio))
    assert list(pages.gains_measures()) == ["pay_per_fte_gbp", "net_moves_per_year",
        "vacancy_rate", "permanent_practice_share"]  # fmt: skip
    frame = pages.gains_changes(board, "pay_per_fte_gbp")
    assert list(frame["council"]) == ["Ashby", "Bourne", "Crewe"]
    assert set(frame["unit"]) == {"£ thousand a year"}
    [g] = pages.gains(board)
    table = pages.gains_frame(g)
    for row in frame.itertuples():
        r = board.reading(row.variant, "pay_per_fte_gbp", row.council, difference=True)
        assert row.change == pytest.approx(r.estimate / 1000)
        assert (row.low_95, row.high_95) == pytest.approx((r.low / 1000, r.high / 1000))
        assert row.measurable == r.measurable
        cell = table.loc[row.council, table.columns[0]]
        assert cell.endswith((": lower", ": higher")) == row.measurable
    bourne = frame.set_index("council").loc["Bourne"]
    assert bourne["change"] < 0  # paid 10% more before one pay scale
    points = pages.gains_changes(board, "vacancy_rate")
    r = board.reading(board.variants[0], "vacancy_rate", "Crewe", difference=True)
    assert points.set_index("council").loc["Crewe", "change"] == pytest.approx(100 * r.estimate)
    fig = pages.gains_figure(board, "pay_per_fte_gbp")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Crewe", "Bourne", "Ashby"]
    assert "£ thousand a year" in ax.get_xlabel()
    assert pages.png_bytes(fig).startswith(b"\x89PNG")
    back = pd.read_csv(io.BytesIO(pages.csv_bytes(frame)))
    assert back["change"].to_numpy() == pytest.approx(frame["change"].to_numpy())


def test_a_sweeps_response_and_indices_are_its_own_numbers(sweep, tmp_path):
    swept = folders.check(sweep)
    assert isinstance(swept, sweeps.Sweep) and len(swept.points) == 4
    assert "turnover_rate" in sweeps.outcomes(swept) and "authority" not in sweeps.outcomes(swept)
    frame = sweeps.response(swept, "turnover_rate")
    table = pd.read_parquet(sweep / "summary.parquet")
    means = 100 * table[table["authority"] == "region"].groupby("point")["turnover_rate"].mean()
    assert frame["mean"].to_numpy() == pytest.approx(means.to_numpy())
    assert list(frame.columns) == [
        "point", "policy.caseload_cap.cap", "policy.pay_alignment.uplift", "mean", "replications",
    ]  # fmt: skip
    assert sorted(frame["policy.caseload_cap.cap"]) == [16, 16, 26, 26]
    assert (frame["replications"] == 2).all()
    fig = sweeps.response_figure(swept, frame, "turnover_rate")
    assert pages.png_bytes(fig).startswith(b"\x89PNG")
    written = pd.read_csv(sweep / "sensitivity_turnover_rate.csv")
    assert sweeps.indices(sweep, "turnover_rate").equals(written)
    assert sweeps.indices(sweep, "total_cost_gbp") is None
    assert sweeps.written_indices(sweep) == ["turnover_rate"]
    shown = sweeps.indices_shown(written, "turnover_rate")
    assert list(shown["parameter"]) == list(written["parameter"])
    assert list(shown.columns) == [
        "rank",
        "parameter",
        "in words",
        "low end",
        "high end",
        "annual turnover at its low end",
        "annual turnover at its high end",
        "standardised regression coefficient (src)",
    ]  # a regression design: no Sobol indices
    cap = shown.set_index("parameter").loc["policy.caseload_cap.cap"]
    row = written.set_index("parameter").loc["policy.caseload_cap.cap"]
    assert (cap["low end"], cap["high end"]) == ("16", "26")
    assert cap["annual turnover at its low end"] == f"{100 * row['at_low']:.1f}%"  # the report's
    assert cap["annual turnover at its low end"] == value_text(row["at_low"], "turnover_rate")
    data = sweeps.tornado_data(written, "turnover_rate")  # the tornado's CSV: its percentages
    assert data["at_high"].to_numpy() == pytest.approx(100 * written["at_high"].to_numpy())
    assert sweeps.outcomes(swept)["turnover_rate"] == "annual turnover (%)"
    assert sweeps.outcomes(swept)["total_cost_gbp"] == "workforce cost (£ thousand a year)"
    changed = tmp_path / "changed"
    shutil.copytree(sweep, changed)
    chunk = next((changed / "results").glob("chunk-*.parquet"))
    chunk.write_bytes(chunk.read_bytes() + b"x")
    with pytest.raises(BadInput, match="does not match manifest.json"):
        folders.check(changed)


# -- the form --------------------------------------------------------------------------------------
def test_form_fields_come_from_the_policy_schema():
    cap = {f.key: f for f in form.form_fields("caseload_cap")}
    assert (cap["cap"].kind, cap["cap"].low, cap["cap"].high, cap["cap"].default) == (
        form.NUMBER, 1, 100, 21.0,
    )  # fmt: skip
    assert cap["when_full"].kind == form.CHOICE and cap["when_full"].options == ("wait", "agency")
    assert cap["agency_trigger_cases"].kind == form.INTEGER
    pay = {f.key: f for f in form.form_fields("pay_alignment")}
    assert pay["to_market"].kind == form.FLAG
    assert pay["levels"].kind == form.CHOICES and "l3" in pay["levels"].options
    for name in sim.policy.registry():  # every policy has a form
        assert form.form_fields(name)


def test_a_value_outside_the_schema_is_refused_with_the_field_and_the_range():
    with pytest.raises(BadInput) as err:
        form.checked("caseload_cap", {"cap": 500.0})
    assert err.value.problems == [
        "caseload_cap.cap = 500.0: Input should be less than or equal to 100"
    ]
    with pytest.raises(BadInput, match="greater than 0"):
        form.checked("academy", {"early_career_hazard_ratio": 0.0})
    with pytest.raises(BadInput, match="replications = 21"):
        form.check_size(21, 2)
    with pytest.raises(BadInput, match="years = 11"):
        form.check_size(2, 11)


def test_a_variant_is_spelled_and_named_as_on_the_command_line(baseline):
    assert form.variant_item("caseload_cap", form.checked("caseload_cap", {"cap": 18.0})) == (
        "caseload_cap:cap=18"
    )
    assert form.variant_item("caseload_cap", form.checked("caseload_cap", {})) == "caseload_cap"
    item = form.variant_item(
        "pay_alignment", form.checked("pay_alignment", {"levels": ["l2"], "to_market": False})
    )
    assert variant(baseline, item).policy[-1].params == {
        **sim.policy.registry()["pay_alignment"].Params().model_dump(),
        "levels": ["l2"],
        "to_market": False,
    }
    named = variant(baseline, "caseload_cap:cap=18").name
    assert form.variant_out(Path("r"), ["baseline", named]) == Path(
        "r/explore/baseline-vs-caseload_cap(cap=18)"
    )


# -- folders -------------------------------------------------------------------------------------
def test_folders_found_checked_and_refused(folder, tmp_path):
    root = tmp_path / "results"
    shutil.copytree(folder, root / "compare" / "a")
    shutil.copytree(folder, root / "compare" / "a.previous")
    shutil.copytree(folder, root / ".swsim-staging-x")
    bad = root / "b"
    shutil.copytree(folder, bad)
    with open(bad / "comparison.csv", "a") as f:
        f.write("x\n")
    sweep = root / "sweep"  # a sweep's manifest, but no sweep
    sweep.mkdir()
    (sweep / "manifest.json").write_text(json.dumps({"kind": "sweep", "files": []}))
    other = root / "other"
    other.mkdir()
    (other / "manifest.json").write_text(json.dumps({"kind": "calibration", "files": []}))
    assert folders.discover(root) == [root / "b", root / "compare" / "a", other, sweep]
    good, skipped = folders.openable(root)
    assert good == [root / "compare" / "a"]
    why = {s.path: s.why for s in skipped}
    assert "comparison.csv: does not match manifest.json" in why[bad]
    assert "not a sweep folder (no sweep.json)" in why[sweep]
    assert "'calibration' result set" in why[other]
    assert folders.folders_shown([], root) == [root / "b", root / "compare" / "a", sweep]


def test_a_busy_port_is_refused(folder):
    with socket.socket() as s:
        s.bind((launch.LOCAL_HOST, 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(BadInput, match=f"--port {port} on --host 127.0.0.1: in use"):
            launch.check_port(launch.LOCAL_HOST, port)


# -- the command -----------------------------------------------------------------------------------
@pytest.fixture
def no_server(monkeypatch):
    """``launch.serve`` recorded instead of run: the command lines it was given."""
    started: list[list[str]] = []
    monkeypatch.setattr(launch, "serve", lambda cmd: started.append(cmd) or 0)
    return started


def test_a_folder_that_is_not_a_result_set_exits_2_with_one_line(
    tmp_path, folder, capsys, no_server
):
    assert main(["explore", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: {tmp_path}: no manifest.json here (not a result folder of this swsim version); "
        "run the command again to write one"
    ]
    changed = tmp_path / "changed"
    shutil.copytree(folder, changed)
    (changed / "teams.csv").write_text("nothing\n")
    (changed / "summaries.parquet").unlink()
    assert main(["explore", str(folder), str(changed)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"error: {changed}/" in err[0] and "(and 1 more like it)" in err[0]
    assert no_server == []  # refused before any server started


def test_explore_binds_to_this_machine_and_warns_for_any_other_host(folder, capsys, no_server):
    port = free_port()
    assert main(["explore", str(folder), "--port", str(port)]) == 0
    out = capsys.readouterr()
    assert f"http://127.0.0.1:{port}" in out.out and out.err == ""
    cmd = no_server[-1]
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert cmd[cmd.index("--") + 1 :] == [str(folder), "--results", "results"]
    assert main(["explore", str(folder), "--port", str(port), "--host", "0.0.0.0"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("warning: --host 0.0.0.0: the app is open")


# -- the examples kept in git --------------------------------------------------------------------


def test_the_committed_examples_pass_their_manifest_check():
    """Each example kept in git is read as ``swsim report`` reads it (every file checked against
    its manifest), holds what results/README.md says, and was made by the command it gives."""
    documented = (ROOT / "results" / "README.md").read_text()
    for name, (kind, councils) in EXAMPLES.items():
        path = ROOT / "results" / name
        made = load_results(path)
        assert made.kind == kind
        assert len([a for a in made.authorities if a != "region"]) == councils
        command = " ".join(json.loads((path / "manifest.json").read_text())["command"])
        assert f"`{command}`" in " ".join(documented.split()), command


def test_explore_with_no_folder_opens_the_readme_comparison_and_the_examples(
    tmp_path, monkeypatch, capsys, no_server
):
    """In a clone after the README's first command (its comparison, made small here): ``swsim
    explore`` with no folder opens that comparison and both examples, none skipped."""
    results = tmp_path / "results"
    for name in EXAMPLES:
        shutil.copytree(ROOT / "results" / name, results / name)
    monkeypatch.chdir(tmp_path)
    small = ["--reps", "2", "--years", "1", "--warmup-years", "0", "--workers", "1", "--quiet"]
    assert main(["compare", "baseline", "caseload_cap", *small]) == 0
    capsys.readouterr()
    readme = Path("results/compare/baseline-vs-caseload_cap")
    expected = [readme, *(Path("results") / name for name in EXAMPLES)]
    assert main(["explore", "--port", str(free_port())]) == 0
    assert capsys.readouterr().err == ""  # nothing skipped
    cmd = no_server[-1]
    assert cmd[cmd.index("--") + 1 :] == [*map(str, expected), "--results", "results"]
    assert folders.folders_shown([], Path("results")) == expected


# -- the app, without a browser ------------------------------------------------------------------
def open_app(folders: list[Path], results_root: Path, monkeypatch):
    """The app script run by ``AppTest`` over ``folders``, its runs saved under ``results_root``."""
    from streamlit.testing.v1 import AppTest

    argv = [str(APP), *map(str, folders), "--results", str(results_root)]
    monkeypatch.setattr(sys, "argv", argv)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app(folder, tmp_path, monkeypatch):
    """The app script over the comparison, its runs saved under ``tmp_path``."""
    return open_app([folder], tmp_path, monkeypatch)


def test_the_app_opens_on_the_decision_table_and_its_warnings(app, results):
    assert app.sidebar.radio(key="page").value == "Decision"
    table = app.table[0].value
    assert list(table.index) == ["A", "B"]
    assert table.loc["B", "scenario"] == "a caseload cap of 21 cases"
    assert table.equals(pages.decision_frame(results))
    assert [w.value for w in app.warning] == pages.warning_lines(results)


def test_the_app_draws_measures_over_time_with_downloads(app):
    app.sidebar.radio(key="page").set_value("Over time").run()
    app.selectbox(key="time-measure").set_value("agency_share").run()
    app.multiselect(key="time-scenarios").set_value(["baseline+caseload_cap"]).run()
    assert not app.exception, [e.value for e in app.exception]
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download the chart (PNG)", "Download its data (CSV)"]
    app.sidebar.radio(key="page").set_value("Distributions").run()
    app.selectbox(key="dist").set_value("total_cost_gbp").run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.get("download_button")) == 2


def test_the_app_shows_who_gains_and_who_loses_by_council(trio, folder, tmp_path, monkeypatch):
    app = open_app([trio, folder], tmp_path, monkeypatch)
    app.sidebar.radio(key="page").set_value("Who gains and who loses").run()
    assert not app.exception, [e.value for e in app.exception]
    board = board_of(load_results(trio))
    [g] = pages.gains(board)
    assert [h.value for h in app.subheader] == [g.label]
    assert app.table[0].value.equals(pages.gains_frame(g))
    assert g.sentence in [m.value for m in app.markdown]
    assert [b.label for b in app.get("download_button")] == [
        "Download the chart (PNG)", "Download its data (CSV)", "Download the table (CSV)",
    ]  # fmt: skip
    assert app.selectbox(key="gains-measure").value == "pay_per_fte_gbp"
    app.selectbox(key="gains-measure").set_value("vacancy_rate").run()
    assert not app.exception, [e.value for e in app.exception]
    app.sidebar.selectbox(key="folder").set_value(str(folder)).run()  # no councils: says so
    assert not app.table and "compares councils" in app.info[0].value


def test_small_multiples_draw_every_council(trio, folder, tmp_path, monkeypatch):
    regional = load_results(trio)
    assert pages.panels(regional, ["region"], True) == ["Ashby", "Bourne", "Crewe"]
    assert pages.panels(regional, ["Crewe"], False) == ["Crewe"]
    assert pages.panels(load_results(folder), [], True) == ["region"]
    app = open_app([trio], tmp_path, monkeypatch)
    app.sidebar.radio(key="page").set_value("Over time").run()
    app.multiselect(key="time-authorities").set_value([]).run()
    assert "Pick at least one scenario and one council" in app.info[0].value
    app.checkbox(key="time-every").check().run()  # every council: none need picking
    assert not app.exception, [e.value for e in app.exception]
    assert app.multiselect(key="time-authorities").disabled
    assert not app.info and len(app.get("download_button")) == 2


def test_the_west_midlands_example_in_the_app(tmp_path, monkeypatch):
    """The example kept in git: two councils picked get a panel each with their bands, and each of
    its 14 councils a row of who gains and who loses, the brief's."""
    example = ROOT / "results" / "west_midlands-example"
    app = open_app([example], tmp_path, monkeypatch)
    app.sidebar.radio(key="page").set_value("Over time").run()
    app.multiselect(key="time-authorities").set_value(["Dudley", "Sandwell"]).run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.info and len(app.get("download_button")) == 2
    results = load_results(example)
    measure = app.selectbox(key="time-measure").value
    bands = pages.time_bands(results, measure, results.names, ["Dudley", "Sandwell"])
    assert list(dict.fromkeys(bands["authority"])) == ["Dudley", "Sandwell"]
    drawn = bands.dropna(subset=["median"])  # a 12-month turnover starts at month 12
    assert len(drawn) > 0 and (drawn["replications"] == 4).all()
    assert (drawn["low_90"] < drawn["high_90"]).any()
    app.sidebar.radio(key="page").set_value("Who gains and who loses").run()
    assert not app.exception, [e.value for e in app.exception]
    [g] = pages.gains(board_of(results))
    assert len(app.table[0].value) == 14 and app.table[0].value.equals(pages.gains_frame(g))


def test_the_app_shows_a_sweeps_response_and_its_indices(sweep, tmp_path, monkeypatch):
    app = open_app([sweep], tmp_path, monkeypatch)
    assert not app.sidebar.radio  # one page for a sweep
    assert app.header[0].value == "A sweep: what moves the outcome"
    app.selectbox(key="sweep-outcome").set_value("turnover_rate").run()
    assert not app.exception, [e.value for e in app.exception]
    shown = sweeps.indices_shown(
        pd.read_csv(sweep / "sensitivity_turnover_rate.csv"), "turnover_rate"
    )
    assert app.table[0].value.reset_index(drop=True).equals(shown)
    assert len(app.get("download_button")) == 4  # the response and the tornado, PNG and CSV
    app.selectbox(key="sweep-outcome").set_value("total_cost_gbp").run()
    assert not app.table and len(app.get("download_button")) == 2
    assert f"swsim sensitivity {sweep} --outcome total_cost_gbp" in app.info[0].value


def test_a_bad_parameter_value_is_refused_in_the_form(app, tmp_path):
    app.sidebar.radio(key="page").set_value("Run a variant").run()
    app.selectbox(key="variant-policy").set_value("academy").run()
    app.number_input(key="param-academy-early_career_hazard_ratio").set_value(0.0)
    app.button(key="FormSubmitter:variant-academy-Run").click().run()
    assert [e.value for e in app.error] == [
        "Not run: academy.early_career_hazard_ratio = 0.0: Input should be greater than 0"
    ]
    assert not (tmp_path / "explore").exists()


def test_a_variant_already_in_the_folder_is_refused(results):
    scenarios = form.with_variant(results, "baseline", "caseload_cap:cap=18")
    assert [s.name for s in scenarios] == [*results.names, "baseline+caseload_cap(cap=18)"]
    assert scenarios[:2] == [results.scenarios[n] for n in results.names]
    with pytest.raises(BadInput, match="baseline\\+caseload_cap, already in this folder"):
        form.with_variant(results, "baseline", "caseload_cap")  # the default cap: 21, as B


def test_a_cap_of_18_from_the_form_is_run_beside_the_21(app, tmp_path, results):
    """The folder's baseline and cap of 21 run again with the 18 in one comparison: the same
    seed and replications give the folder's own numbers for A and B (common random numbers)."""
    app.sidebar.radio(key="page").set_value("Run a variant").run()
    app.selectbox(key="variant-policy").set_value("caseload_cap").run()
    app.number_input(key="param-caseload_cap-cap").set_value(18.0)
    app.button(key="FormSubmitter:variant-caseload_cap-Run").click().run()
    assert not app.exception, [e.value for e in app.exception]
    out = tmp_path / "explore" / "baseline-vs-caseload_cap-caseload_cap(cap=18)"
    made = load_results(out)
    assert made.names == [*results.names, "baseline+caseload_cap(cap=18)"]
    assert made.reps == 2 and made.settings["seed"] == results.settings["seed"]
    assert made.scenarios[made.names[2]].policy[-1].params["cap"] == 18
    for name in results.names:
        pd.testing.assert_frame_equal(made.summary(name), results.summary(name))
    assert app.sidebar.selectbox(key="folder").value == str(out)
    assert str(out) in app.sidebar.selectbox(key="folder").options
    table = app.table[0].value
    assert list(table.index) == ["A", "B", "C"]
    assert list(table["scenario"]) == [
        "baseline", "a caseload cap of 21 cases", "a caseload cap of 18 cases",
    ]  # fmt: skip
    assert table.equals(pages.decision_frame(made))


# -- the server in a browser (full tier) -------------------------------------------------------------
@contextlib.contextmanager
def served(folders: list[Path], cwd: Path) -> Iterator[str]:
    """``swsim explore`` over ``folders`` on a free port, run in ``cwd``; its address once it
    answers. Stopped on leaving; its output is checked to name the address."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "explore", *map(str, folders), "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(APP.parents[3])},
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.communicate(timeout=5)) from None
                time.sleep(0.5)
        yield address
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=20)
    assert f"explore: {len(folders)} result folder(s) at {address}" in out


@contextlib.contextmanager
def browser_page() -> Iterator:
    """A page of headless Chromium (Playwright), the size of a laptop's screen."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Chromium is not installed at /usr/bin/chromium")
def test_the_server_shows_the_decision_table_in_chromium(folder, tmp_path):
    with served([folder], tmp_path) as address, browser_page() as page:
        page.goto(address)
        table = page.locator("table").first
        table.wait_for(timeout=60_000)
        text = " ".join(table.inner_text().split())
        assert "Annual turnover" in text and "a caseload cap of 21 cases" in text
        assert page.get_by_text("Download the table (CSV)").count() == 1


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Chromium is not installed at /usr/bin/chromium")
def test_a_council_chosen_in_chromium_gets_its_chart_and_its_data(trio, tmp_path):
    """On the regional comparison: the over-time page, Bourne added to the panels, its chart
    drawn, and the chart's CSV downloaded holding Bourne's rows."""
    with served([trio], tmp_path) as address, browser_page() as page:
        page.goto(address)
        page.locator("table").first.wait_for(timeout=60_000)  # the decision page first
        page.get_by_test_id("stSidebar").get_by_text("Over time", exact=True).click()
        chart = page.get_by_test_id("stImage").locator("img")
        chart.wait_for(timeout=60_000)  # the region's chart
        region_only = chart.get_attribute("src")
        councils = page.get_by_test_id("stMultiSelect").filter(has_text="Region and councils")
        councils.locator("input").fill("Bourne")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        councils.get_by_text("Bourne", exact=True).wait_for(timeout=30_000)
        page.wait_for_function(  # a new chart, of the region and Bourne, drawn
            "old => [...document.querySelectorAll('[data-testid=stImage] img')]"
            ".some(i => i.src !== old && i.complete && i.naturalWidth > 600)",
            arg=region_only,
            timeout=60_000,
        )
        from playwright.sync_api import Error as PlaywrightError

        for _ in range(10):  # the button of a finished rerun: Streamlit idle, then download
            idle(page)
            try:
                with page.expect_download(timeout=30_000) as download:
                    page.get_by_role("button", name="Download its data (CSV)").click()
                data = pd.read_csv(download.value.path())
            except PlaywrightError:  # a rerun replaced the file as it downloaded: again
                data = pd.DataFrame({"authority": []})
            if "Bourne" in set(data["authority"]):
                break
            page.wait_for_timeout(1_000)
        assert list(dict.fromkeys(data["authority"])) == ["region", "Bourne"]
        assert set(data["scenario"]) == {"trio", "trio+regional_pay_alignment"}
        assert page.get_by_role("button", name="Download the chart (PNG)").count() == 1


def enter(page, field, text: str) -> None:
    """Type ``text`` into a number field and leave it (Tab), as a user does before pressing Run."""
    field.locator("input").fill(text)
    page.keyboard.press("Tab")


def idle(page) -> None:
    """Wait until Streamlit has finished its rerun (no status widget: no script running)."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000
    )


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Chromium is not installed at /usr/bin/chromium")
def test_the_form_in_chromium_refuses_a_bad_value_and_runs_a_cap_of_18(smallest, tmp_path):
    """On "Run a variant": a cap of 500 is refused in its field with the schema's range and nothing
    runs; a hazard ratio of 0 (within the input, outside the schema's strict bound) is refused by
    the form naming the field; a cap of 18, with the fewest replications and years the form
    allows, runs beside the 21 and writes a folder that ``swsim report`` accepts."""
    made = tmp_path / "results" / "explore"
    with served([smallest], tmp_path) as address, browser_page() as page:
        page.goto(address)
        page.locator("table").first.wait_for(timeout=60_000)
        page.get_by_test_id("stSidebar").get_by_text("Run a variant", exact=True).click()
        fields = page.get_by_test_id("stNumberInput")
        cap = fields.filter(has_text="Most weighted cases any worker may hold")
        cap.wait_for(timeout=60_000)
        run = page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Run")
        enter(page, cap, "500")
        run.click()
        refusal = "Number is outside the allowed range. Please enter a value between 1 and 100."
        cap.get_by_text(refusal).wait_for(timeout=30_000)  # the schema's range, in the field
        page.wait_for_timeout(2_000)  # time for a run to start, were one to start
        idle(page)
        assert page.get_by_test_id("stAlert").count() == 0 and not made.exists()

        policy = page.get_by_test_id("stSelectbox").filter(has_text="Policy")
        policy.locator("input").fill("academy")
        page.keyboard.press("Enter")
        ratio = fields.filter(has_text="Leaving hazard ratio")
        ratio.wait_for(timeout=30_000)
        idle(page)
        enter(page, ratio, "0")
        run.click()
        alert = page.get_by_test_id("stAlert")
        alert.first.wait_for(timeout=30_000)
        assert [" ".join(a.inner_text().split()) for a in alert.all()] == [
            "Not run: academy.early_career_hazard_ratio = 0.0: Input should be greater than 0"
        ]
        assert not made.exists()

        policy.locator("input").fill("caseload_cap")
        page.keyboard.press("Enter")
        cap.wait_for(timeout=30_000)
        idle(page)
        enter(page, cap, "18")
        enter(page, fields.filter(has_text="Replications"), "1")
        enter(page, fields.filter(has_text="Years after the warm-up"), "0.1")
        run.click()
        page.get_by_text("Your run is saved in").wait_for(timeout=120_000)
        idle(page)
        table = " ".join(page.locator("table").first.inner_text().split())
        assert "a caseload cap of 21 cases" in table and "a caseload cap of 18 cases" in table
    [out] = made.iterdir()
    assert out.name == "baseline-vs-caseload_cap-caseload_cap(cap=18)"
    ran = load_results(out)
    assert ran.names == ["baseline", "baseline+caseload_cap", "baseline+caseload_cap(cap=18)"]
    assert (ran.reps, ran.settings["years"]) == (1, 0.1)
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").is_file()


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.is_file(), reason="Chromium is not installed at /usr/bin/chromium")
def test_the_screenshot_script_takes_the_west_midlands_page(tmp_path):
    """docs/img/explore_screenshot.py, which took docs/img/explore.png, still takes it: the West
    Midlands example's Over time page with two councils, a picture the size of its viewport."""
    import importlib.util

    from PIL import Image

    path = ROOT / "docs" / "img" / "explore_screenshot.py"
    spec = importlib.util.spec_from_file_location("explore_screenshot", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert sorted(script.FOLDERS) == sorted(f"results/{name}" for name in EXAMPLES)
    assert script.main(["--out", str(tmp_path / "shot.png")]) == 0
    with Image.open(tmp_path / "shot.png") as shot:
        assert shot.size == (script.VIEWPORT["width"], script.VIEWPORT["height"])
    with Image.open(ROOT / "docs" / "img" / "explore.png") as kept:
        assert kept.size == shot.size
