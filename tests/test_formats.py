"""Numbers in one style (``sim.present.formats``) and the terminal's tables and progress lines."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sim.cli.main import main
from sim.present.formats import NO_BREAK, board, money
from sim.present.readings import Reading, aligned
from sim.present.terminal import WIDTH

MONEY_TEXT = re.compile(r"^[+-]?£\d{1,3}(,\d{3})*(\.\d+)?(k|m|bn)?$")


def _figures(text: str) -> int:
    """Significant figures of a formatted number ('£51.0k' -> 3)."""
    digits = re.sub(r"\D", "", text).lstrip("0")
    return len(digits)


@given(st.floats(min_value=-5e11, max_value=5e11, allow_nan=False).filter(lambda x: abs(x) >= 1))
def test_money_has_three_significant_figures_and_the_sign_before_the_pound(x):
    for text in (money(x), board(x, "total_cost_gbp", difference=True)):
        text = text.replace(NO_BREAK, "")
        assert MONEY_TEXT.match(text), text
        assert _figures(text) == 3 or text.endswith(("£100", "£1,000bn")), text
        assert text.startswith("-£") == (x < 0) and "£-" not in text, text


def test_money_in_thousands_and_millions():
    assert money(-51000).replace(NO_BREAK, "") == "-£51.0k"
    assert money(4147400) == "£4.15m" and money(950) == "£950" and money(0) == "£0"
    assert money(532000, signed=True).replace(NO_BREAK, "") == "+£532k"
    assert money(999_999) == "£1.00m"  # the scale of the rounded sum


@given(st.floats(min_value=0, max_value=1))
def test_percentages_to_one_decimal(share):
    assert re.fullmatch(r"\d+\.\d%", board(share, "turnover_rate"))
    assert re.fullmatch(r"[+-]?\d+\.\d", board(share - 0.5, "turnover_rate", difference=True))


@given(st.floats(min_value=0, max_value=1e6))
def test_people_and_children_as_whole_numbers(n):
    for metric in ("entered_care_per_year", "agency_mean", "asye_cohort"):
        assert re.fullmatch(r"\d{1,3}(,\d{3})*", board(n, metric))
    assert board(2730.3, "entered_care_per_year") == "2,730"


def test_one_table_shows_a_metric_with_the_same_decimals():
    """18.6 never beside 18.42: a column's cells share the digits its narrowest interval needs."""
    wide = Reading("mean_caseload", 18.6, 18.3, 18.9, "t_clipped", 5)
    narrow = Reading("mean_caseload", 18.42, 18.40, 18.44, "t_clipped", 5)
    a, b = aligned([wide, narrow])
    texts = [r.shown(x) for r in (a, b) for x in (r.estimate, r.low, r.high)]
    assert len({t.split(".")[1].__len__() for t in texts}) == 1, texts
    assert b.shown(b.low) != b.shown(b.high)  # the interval does not collapse
    # the board's own digits are fixed: one decimal
    assert board(20.999, "mean_caseload") == "21.0"


def _small(command: str, *items: str, out) -> list[str]:
    return [
        command,
        *items,
        "--reps",
        "2",
        "--years",
        "1",
        "--warmup-years",
        "0",
        "--workers",
        "1",
        "--seed",
        "3",
        "--out",
        str(out),
    ]


def test_compare_table_fits_100_columns_with_the_reports_labels(tmp_path, capsys):
    assert main(_small("compare", "baseline", "caseload_cap", "pay_alignment", out=tmp_path)) == 0
    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    table = [line for line in lines if str(tmp_path) not in line]  # a path is not wrapped
    assert max(len(line) for line in table) <= WIDTH, max(table, key=len)
    for words in ("annual turnover (%)", "vacancy rate (%)", "workforce cost (£ a year)"):
        assert any(line.startswith(words) for line in lines), words
    assert "turnover_rate" not in printed.out and "total_cost_gbp" not in printed.out
    assert "A  baseline" in printed.out and "B  a caseload cap of" in printed.out
    # progress on the standard error, which is not a terminal here
    assert "compare (3 scenarios): 6/6 replications done" in printed.err


def test_run_prints_progress_lines_without_a_terminal(tmp_path, capsys):
    assert main(_small("run", "baseline", out=tmp_path)) == 0
    printed = capsys.readouterr()
    progress = [line for line in printed.err.splitlines() if "replications done" in line]
    assert progress[-1].startswith("baseline: 2/2 replications done ("), printed.err
    table = [line for line in printed.out.splitlines() if str(tmp_path) not in line]
    assert max(len(line) for line in table) <= WIDTH
    assert "annual turnover (%)" in printed.out
