"""Teams in what a reader sees: the console's team table, the report's Teams section and the
children's sentence of the findings, every number from the result files (teams.csv, summary_ci.csv);
nothing breaks where a value is undefined or a result set predates the teams."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli.main import main
from sim.columns import TEAM_OUTCOMES
from sim.experiment.results import load_results
from sim.present.findings import DFE_LAC_3PLUS, summary_sentences
from sim.present.page import report_page
from sim.present.tables import print_summary
from sim.present.teams import TEAM_METRICS, team_means, team_words

ROOT = Path(__file__).resolve().parents[1]
THREE_TEAMS = """extends = "baseline"
name = "three_teams"

[teams.front_door]
case_types = ["assessment"]
[teams.family_support]
case_types = ["cin", "cp", "court"]
caseload_limit_factor = 0.9
[teams.looked_after]
case_types = ["lac"]
"""
TEAMS = ["front_door", "family_support", "looked_after"]
SHORT = ["--reps", "2", "--years", "2", "--warmup-years", "1", "--seed", "8", "--yes"]


def _main(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("teams") / "three_teams.toml"
    path.write_text(THREE_TEAMS)
    return path


@pytest.fixture(scope="module")
def ran(scenario) -> tuple[Path, str]:
    out = scenario.parent / "run"
    printed = _main(["run", str(scenario), *SHORT, "--out", str(out)])
    return out, printed


@pytest.fixture(scope="module")
def compared(scenario) -> tuple[Path, str]:
    out = scenario.parent / "cmp"
    printed = _main(
        [
            "compare",
            str(scenario),
            "caseload_cap:cap=18",
            "--reps",
            "2",
            "--years",
            "1",
            "--warmup-years",
            "1",
            "--seed",
            "8",
            "--yes",
            "--max-reps",
            "2",
            "--out",
            str(out),
        ]
    )
    return out, printed


def _plain(html: str) -> str:
    return " ".join(
        re.sub(r"<[^>]+>", "", html).replace("&#39;", "'").replace("&amp;", "&").split()
    )


def _team_tables(page: str) -> list[dict[str, list[str]]]:
    """Each table of the Teams section: {team: [cell texts]}."""
    section = re.search(r'<section id="teams">(.*?)</section>', page, re.S).group(1)
    out = []
    for table in re.findall(r'<table class="councils teams".*?</table>', section, re.S):
        rows = {}
        for tr in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
            cells = [_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            rows[cells[0]] = cells[1:]
        out.append(rows)
    return out


def _first_number(text: str) -> tuple[float, int]:
    """The first number of a cell and its decimals."""
    m = re.search(r"[+-]?\d[\d,]*(?:\.\d+)?", text)
    shown = m.group(0).replace(",", "")
    return float(shown), len(shown.split(".")[1]) if "." in shown else 0


def _agrees(text: str, value: float, metric: str) -> bool:
    """A shown number is ``value`` (a share as a percentage) to the decimals it shows."""
    if not math.isfinite(value):
        return text.startswith("n/a")
    shown, decimals = _first_number(text)
    scale = 100 if TEAM_OUTCOMES[metric].percent else 1
    return abs(shown - value * scale) <= 0.5 * 10**-decimals + 1e-9


# -- the console --------------------------------------------------------------------------------------
def test_console_prints_each_team_with_its_means(ran):
    out, printed = ran
    teams = pd.read_csv(out / "teams.csv")
    assert set(teams["team"]) == set(TEAMS) and len(teams) == 2 * len(TEAMS)
    block = printed[printed.index("teams (mean over 2 replications") :]
    means = team_means(load_results(out)).set_index("team")
    for team in TEAMS:
        words = team.replace("_", " ")  # as the report names it
        line = next(l for l in block.splitlines() if l.startswith(words + " "))
        cells = line.removeprefix(words).split()
        assert len(cells) == len(TEAM_METRICS), line
        for metric, cell in zip(TEAM_METRICS, cells):
            assert _agrees(cell, means.loc[team, metric], metric), (team, metric, cell)
    assert "waits: every wait for a worker of the team" in block


def test_console_comparison_prints_each_team_and_scenario(compared):
    out, printed = compared
    block = printed[printed.index("teams (mean over") :]
    assert "A  three_teams" in printed and "B  a caseload cap of 18 cases" in printed  # the legend
    for team in TEAMS:
        words = team.replace("_", " ")
        rows = [l for l in block.splitlines() if l.startswith(words + " (")]
        assert [r.split(")")[0].split("(")[-1] for r in rows] == ["A", "B"], rows


def test_no_team_table_without_teams(tmp_path, capsys):
    pool = tmp_path / "pool.toml"  # one pool of workers: the baseline's teams replaced by one
    pool.write_text(
        'extends = "baseline"\nname = "pool"\n[teams.all]\n'
        'case_types = ["assessment", "cin", "cp", "court", "lac"]\n'
    )
    assert (
        main(
            [
                "run",
                str(pool),
                "--reps",
                "2",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--yes",
                "--out",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    assert "teams (mean over" not in capsys.readouterr().out
    page = report_page(load_results(tmp_path / "b"), [], [])
    assert 'id="teams"' not in page


# -- the report ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_report_team_table_is_the_mean_of_teams_csv(ran):
    out, _ = ran
    _main(["report", str(out)])
    page = (out / "report.html").read_text()
    teams = pd.read_csv(out / "teams.csv")
    means = teams.groupby("team")[TEAM_METRICS].mean()
    (table,) = _team_tables(page)
    assert list(table) == [team_words(t) for t in TEAMS]
    for team in TEAMS:
        for metric, cell in zip(TEAM_METRICS, table[team_words(team)]):
            assert _agrees(cell, means.loc[team, metric], metric), (team, metric, cell)
    text = _plain(page)
    assert "new referrals, cases moving in from another team" in text
    assert "front_door" not in _plain(
        re.search(r'<section id="teams">.*?</section>', page, re.S).group(0)
    )


def test_report_comparison_gives_variant_means_and_paired_differences(compared):
    out, _ = compared
    results = load_results(out)
    page = report_page(results, [], [])
    base, variant = _team_tables(page)
    rows = results.teams
    for team in TEAMS:
        for k, metric in enumerate(TEAM_METRICS):
            a = rows[(rows["scenario"] == results.names[0]) & (rows["team"] == team)].set_index(
                "rep"
            )[metric]
            b = rows[(rows["scenario"] == results.names[1]) & (rows["team"] == team)].set_index(
                "rep"
            )[metric]
            assert _agrees(base[team_words(team)][k], a.mean(), metric)
            mean, diff = variant[team_words(team)][k].split("; ")
            assert _agrees(mean, b.mean(), metric)
            d = (b - a).dropna()
            assert _agrees(diff, d.mean() if len(d) else math.nan, metric), (team, metric, diff)


# -- the findings -------------------------------------------------------------------------------------
def _children(findings: list[str]) -> str:
    return next(f for f in findings if f.startswith("Children"))


def test_findings_quote_the_children_numbers_of_the_table(ran):
    out, _ = ran
    results = load_results(out)
    sentence = _children(summary_sentences(results))
    table = pd.read_csv(out / "summary_ci.csv").set_index("metric")
    lac = re.search(
        r"([\d.]+)% \(95% CI ([\d.]+)% to ([\d.]+)%\) of looked-after children", sentence
    )
    assert lac, sentence
    for shown, column in zip(lac.groups(), ["mean", "ci_low", "ci_high"]):
        decimals = len(shown.split(".")[1])
        assert (
            abs(float(shown) - 100 * table.loc["lac_3plus_workers_share", column])
            <= 0.5 * 10**-decimals + 1e-9
        )
    assert f"against {DFE_LAC_3PLUS:.0%} in England in 2024 (DfE)" in sentence
    for words, metric in [
        ("a mean of", "mean_wait_days"),
        ("a 90th percentile of", "wait_days_p90"),
    ]:
        if table.loc[metric, "method"] in ("no data", "the same in every replication"):
            assert words not in sentence
            continue
        m = re.search(
            re.escape(words) + r" ([\d.]+) days \(95% CI ([\d.]+) to ([\d.]+)\)", sentence
        )
        assert m, (words, sentence)
        for shown, column in zip(m.groups(), ["mean", "ci_low", "ci_high"]):
            decimals = len(shown.split(".")[1]) if "." in shown else 0
            assert abs(float(shown) - table.loc[metric, column]) <= 0.5 * 10**-decimals + 1e-9


def test_dfe_figure_is_the_calibration_check():
    with open(ROOT / "calibration" / "targets.csv") as f:
        row = next(r for r in csv.DictReader(f) if r["model_metric"] == "lac_3plus_workers_share")
    assert float(row["value"]) == DFE_LAC_3PLUS and row["year"] == "2024"


def test_undefined_values_do_not_break_the_report(ran):
    out, _ = ran
    results = load_results(out)
    undefined = ["lac_3plus_workers_share", "mean_wait_days", "wait_days_p90", "waited_share"]
    t = results.table
    t.loc[t["metric"].isin(undefined), ["mean", "ci_low", "ci_high", "halfwidth"]] = np.nan
    t.loc[t["metric"].isin(undefined), ["method", "n"]] = ["no data", 0]
    front = results.teams["team"] == "front_door"
    results.teams.loc[
        front,
        [
            "mean_caseload",
            "p95_caseload",
            "share_over_cap",
            "mean_wait_days",
            "wait_days_p90",
            "waited_share",
        ],
    ] = np.nan
    findings = summary_sentences(results)
    assert "looked-after" not in " ".join(findings) and "90th percentile of" not in " ".join(
        findings
    )
    page = report_page(results, [], [])
    assert not re.findall(r"(?i)\b(nan|inf)\b", _plain(page))
    cells = _team_tables(page)[0][team_words("front_door")]
    assert cells[0] != "n/a" and all(c == "n/a" for c in cells[1:])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        print_summary(results)
    assert re.search(r"^front door +\d+( +n/a){6}$", printed.getvalue(), re.M)
