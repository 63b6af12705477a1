"""The board's regional report (issue 13): the region first, then every council; findings whose
numbers are the result tables' numbers (``comparison.csv`` and the board's derived ``board.csv``);
the test of the briefing's "300 fewer children, £12m"; nothing of it without councils."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from conftest import REGIONAL_MARKET, pay_rise

import sim
import sim.present.report as report
from sim.columns import ENTERED_3Y, ENTRY_COST_3Y, NET_MOVES, NO_EFFECTS, NO_EFFECTS_3Y, REGION
from sim.experiment.results import load_results
from sim.experiment.stats import paired_difference
from sim.present.board import (
    BOARD_FILE,
    BY_COUNCIL,
    board_of,
    board_sentences,
    board_tables,
    children_claim_sentence,
)
from sim.present.briefing import FEWER_CHILDREN, YEARS
from sim.present.page import report_page

matplotlib.use("Agg")
MARKET = REGIONAL_MARKET
COUNCILS = ["Ashby", "Bourne", "Crewe"]
SHORT = {"reps": 3, "years": 1.0, "warmup_years": 0.5, "seed": 5}


pytestmark = pytest.mark.slow  # the full tier (see pyproject.toml)


@pytest.fixture(scope="module")
def folder(baseline, tmp_path_factory) -> Path:
    """Three small councils, one paying 10% more, compared with one regional pay scale and a
    regional bank, saved with the report (no browser picture)."""
    region = baseline.with_overrides(
        name="trio", authority={"Ashby": {}, "Bourne": pay_rise(0.10), "Crewe": {}}, market=MARKET
    )
    out = tmp_path_factory.mktemp("board") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "screenshot", lambda page, png: None)
        sim.save(
            sim.compare(region, "regional_pay_alignment", "regional_bank:workers=10", **SHORT),
            out,
            report=True,
        )
    return out


@pytest.fixture(scope="module")
def results(folder):
    return load_results(folder)


def _plain(html: str) -> str:
    return " ".join(
        re.sub(r"<[^>]+>", "", html)
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("\u2060", "")
        .split()
    )


def _section(folder: Path) -> str:
    page = (folder / "report.html").read_text()
    return re.search(r'<section id="board">(.*?)</section>', page, re.S).group(1)


def _findings(folder: Path) -> list[str]:
    block = re.search(r'<ul class="board-findings">(.*?)</ul>', _section(folder), re.S).group(1)
    return [_plain(li) for li in re.findall(r"<li>(.*?)</li>", block, re.S)]


def _agrees(shown: str, value: float, scale: float = 1.0) -> bool:
    """A number as shown ('1,234.5', '£12.0k', '£4.15m', '85.8%') is ``value`` x ``scale`` to its
    decimals."""
    text = shown.replace(",", "").replace("£", "").replace("\u2060", "").rstrip("%")
    unit = next((u for u in ("bn", "k", "m") if text.endswith(u)), "")
    text = text.removesuffix(unit) if unit else text
    per = {"bn": 1e9, "k": 1e3, "m": 1e6, "": 1.0}[unit]
    decimals = len(text.split(".")[1]) if "." in text else 0
    step = 10**-decimals
    return abs(float(text) * per - value * scale) <= 0.5 * step * per + 1e-9


NUMBER = r"-?\u2060?£?[\d,]+(?:\.\d+)?(?:bn|k|m)?%?"


# -- every council appears --------------------------------------------------------------------------
def test_region_first_then_every_council_in_figures_and_tables(folder, results):
    page = (folder / "report.html").read_text()
    assert page.index('<section id="board">') < page.index('<section id="councils">')
    stems = re.findall(r'<figure id="([^"]+)">', _section(folder))
    assert stems == [
        "board_practice",
        "board_agency",
        "board_practice_by_council",
        "board_agency_by_council",
        "board_moves",
        "board_children",
    ]
    for stem in stems:
        assert (folder / "figures" / f"{stem}.png").stat().st_size > 5000
    board = board_of(results)
    figures = dict((stem, fig) for stem, fig, _ in report.board_figures(board))
    for stem in ["board_practice_by_council", "board_agency_by_council"]:
        titles = [ax.get_title() for ax in figures[stem].axes if ax.get_title()]
        assert titles == COUNCILS, stem
    ticks = [t.get_text() for t in figures["board_moves"].axes[0].get_yticklabels()]
    assert sorted(ticks) == COUNCILS
    tables = board_tables(board)
    assert len(tables) == 1 + len(BY_COUNCIL) + 1 + 2  # region, per council, children, each variant
    for t in tables[1 : 1 + len(BY_COUNCIL)] + tables[-2:]:
        names = [name for name, _ in t.rows]
        assert [n for n in names if not n.startswith("the region")] == COUNCILS, t.caption
    section = _plain(_section(folder))
    for council in COUNCILS:
        assert section.count(council) >= len(tables) - 2, council


# -- the numbers are the tables' numbers ---------------------------------------------------------------
def test_board_table_is_computed_from_each_replication(folder, results):
    board = pd.read_csv(folder / BOARD_FILE)
    base, variant = results.names[0], results.names[1]
    summ = lambda name, authority=REGION: results.summary(name, authority).set_index("rep")

    def row(name, metric, authority=REGION):
        return board[
            (board["scenario"] == name)
            & (board["metric"] == metric)
            & (board["authority"] == authority)
        ].iloc[0]

    off = summ(base)["entered_care_per_year"] - summ(base)["entered_care_extra_per_year"]
    assert row(base, NO_EFFECTS)["mean"] == pytest.approx(off.mean())
    d = paired_difference(
        summ(variant)["entered_care_per_year"] * YEARS, summ(base)["entered_care_per_year"] * YEARS
    )
    r = row(variant, ENTERED_3Y)
    assert (r["diff"], r["diff_low"], r["diff_high"]) == pytest.approx((d.estimate, d.low, d.high))
    # over 3 years is the comparison table's difference a year, times 3
    cmp = pd.read_csv(folder / "comparison.csv")
    c = cmp[
        (cmp["scenario"] == variant)
        & (cmp["metric"] == "entered_care_per_year")
        & (cmp["authority"] == REGION)
    ].iloc[0]
    assert r["diff"] == pytest.approx(YEARS * c["diff"]) and r["diff_low"] == pytest.approx(
        YEARS * c["diff_low"]
    )
    price = results.scenarios[variant].children.care_cost_gbp_per_child_year
    assert row(variant, ENTRY_COST_3Y)["diff"] == pytest.approx(price * r["diff"])
    for council in COUNCILS:
        s = summ(base, council)
        assert row(base, NET_MOVES, council)["mean"] == pytest.approx(
            (s["moves_in_per_year"] - s["moves_out_per_year"]).mean()
        )
    assert set(board["authority"]) == {REGION, *COUNCILS}


def test_children_claim_quotes_the_tables(folder, results):
    """'over 3 years ... N fewer (or more) children entering care than the baseline (95% CI a to b)
    with the staffing effects on ...; with them off, ...', beside 300 and £12m: N, a and b are the
    board table's paired difference (and 3 x the comparison table's)."""
    board = pd.read_csv(folder / BOARD_FILE)
    findings = _findings(folder)
    for name in results.names[1:]:
        sentence = next(
            f
            for f in findings
            if f.startswith("With")
            and "over 3 years the region has" in f
            and f == _plain(children_claim_sentence(board_of(results), name))
        )
        assert f"{FEWER_CHILDREN} fewer" in sentence and "£12m" in sentence
        for metric, words in [
            (ENTERED_3Y, "children entering care"),
            (NO_EFFECTS_3Y, "children"),
            (ENTRY_COST_3Y, "spent on their care"),
        ]:
            r = board[
                (board["scenario"] == name)
                & (board["metric"] == metric)
                & (board["authority"] == REGION)
            ].iloc[0]
            same = f"as many {words} as "
            if r["diff"] == 0 and r["diff_low"] == r["diff_high"] == 0 and same in sentence:
                sentence = sentence[
                    sentence.index(same) + len(same) :
                ]  # no change in any replication
                continue
            m = re.search(
                rf"({NUMBER}) (fewer|more|less) {words} than \S+ \(95% CI ({NUMBER}) to ({NUMBER})\)",
                sentence,
            )
            assert m, (metric, sentence)
            size, way, low, high = m.groups()
            sign = -1 if way in ("fewer", "less") else 1  # fewer: the difference is negative
            assert _agrees(size, sign * r["diff"])
            bounds = (
                (-r["diff_high"], -r["diff_low"]) if sign < 0 else (r["diff_low"], r["diff_high"])
            )
            assert _agrees(low, bounds[0]) and _agrees(high, bounds[1]), (
                metric,
                m.group(0),
                bounds,
            )
            sentence = sentence[m.end() :]


def test_practice_and_agency_findings_quote_the_comparison_table(folder, results):
    cmp = pd.read_csv(folder / "comparison.csv")
    region = cmp[cmp["authority"] == REGION].set_index(["scenario", "metric"])
    findings = _findings(folder)
    practice = next(
        f for f in findings if f.startswith("Share of practice by permanent staff in the region")
    )
    agency = next(f for f in findings if f.startswith("Agency workers and agency spend"))
    for name, part in zip(results.names, practice.split(": ", 1)[1].split("; ")):
        m = re.search(rf"({NUMBER}) \(95% CI ({NUMBER}) to ({NUMBER})\)", part)
        row = region.loc[(name, "permanent_practice_share")]
        for shown, column in zip(m.groups(), ["mean", "ci_low", "ci_high"]):
            assert _agrees(shown, row[column], 100), (part, column)
    fte = re.findall(r"([\d,.]+) FTE \(95% CI", agency)
    assert len(fte) == len(results.names)
    for name, shown in zip(results.names, fte):
        assert _agrees(shown, region.loc[(name, "agency_mean"), "mean"])
    assert "c700" in agency and "headcount" in agency and "FTE" in agency
    # councils at or above 90%: those whose mean in the table is
    councils = next(f for f in findings if f.startswith("Councils whose mean share"))
    for name, part in zip(results.names, councils.split(": ", 1)[1].split("; ")):
        t = cmp[
            (cmp["scenario"] == name)
            & (cmp["metric"] == "permanent_practice_share")
            & (cmp["authority"] != REGION)
        ]
        met = sorted(t.loc[t["mean"] >= 0.9, "authority"])
        assert sorted(c for c in COUNCILS if f"{c} " in part.split(": ", 1)[1]) == met, part


def test_moves_findings_name_who_gains_and_loses(folder, results):
    board = pd.read_csv(folder / BOARD_FILE)
    net = board[board["metric"] == NET_MOVES].set_index(["scenario", "authority"])
    findings = [f for f in _findings(folder) if "move between the region's councils" in f]
    assert len(findings) == len(results.names)
    for name, sentence in zip(results.names, findings):
        gains = sentence.split("measurably gain staff from the others (net, a year): ")[1]
        gains, loses = gains.split("; that measurably lose: ")
        for council in COUNCILS:
            row = net.loc[(name, council)]
            up, down = row["ci_low"] > 0, row["ci_high"] < 0
            assert (council in gains) == up and (council in loses) == down, (council, sentence)
            if up or down:
                shown = re.search(rf"{council} ([+-][\d.,]+) people a year", sentence).group(1)
                assert _agrees(shown.lstrip("+"), row["mean"])


def test_every_finding_and_cell_is_a_number_never_nan(folder):
    text = _plain(_section(folder))
    assert not re.findall(r"(?i)\b(nan|inf)\b", text)
    assert "trio+" not in text and "regional_pay_alignment" not in text  # plain names only


def test_figure_texts_are_inside_and_readable(results):
    import matplotlib.pyplot as plt
    from test_report import _check_figure

    problems = []
    for stem, fig, _ in report.board_figures(board_of(results)):
        problems += _check_figure(stem, fig, 100)
        plt.close(fig)
    assert not problems, "\n".join(problems)


# -- without councils -----------------------------------------------------------------------------------
def test_no_board_section_without_councils(tmp_path):
    one = sim.compare("baseline", "caseload_cap:cap=18", reps=2, years=0.25, warmup_years=0)
    assert board_of(one) is None and report.board_figures(None) == []
    page = report_page(one, [], [])
    assert 'id="board"' not in page and "board-findings" not in page
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "screenshot", lambda page, png: None)
        report.write_report(tmp_path, one)
    assert not (tmp_path / BOARD_FILE).exists()
    assert not list((tmp_path / "figures").glob("board_*"))


def test_a_run_of_a_region_has_levels_but_no_claim_test(results):
    """One scenario: the board's levels, no differences, no test of the claim."""
    one = sim.run(results.scenarios[results.baseline], reps=2, years=0.5, warmup_years=0)
    board = board_of(one)
    findings = board_sentences(board)
    assert findings and not any("300 fewer" in f for f in findings)
    assert [stem for stem, _, _ in report.board_figures(board)][-1] == "board_moves"
    assert "change" not in " ".join(
        c.text for t in board_tables(board) for _, cells in t.rows for c in cells
    )


def test_the_region_table_shows_bank_workers_where_a_scenario_has_a_bank(results):
    table = board_tables(board_of(results))[0]
    labels = [label for label, _ in table.columns]
    assert "bank workers deployed" in labels
    bank = [row for name, row in table.rows if "bank" in name]
    assert bank and bank[0][labels.index("bank workers deployed")].text not in ("", "0")
