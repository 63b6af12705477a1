"""The board's brief beside report.html (issue 28, item 4): brief.html and, printed by headless
Chromium, brief.pdf of at most four A4 pages, with the warnings, the decision table, who gains
and who loses council by council (whose pay falls, who loses staff) and the board's figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REGIONAL_MARKET, pay_rise

import sim
from sim.experiment.results import load_results
from sim.present import report
from sim.present.board import board_of
from sim.present.brief import MAX_PAGES, gains_and_losses

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.slow  # the full tier (see pyproject.toml)


@pytest.fixture(scope="module")
def folder(baseline, tmp_path_factory) -> Path:
    """Three councils, Bourne paying 10% more, against one regional pay scale."""
    region = baseline.with_overrides(
        name="trio",
        authority={"Ashby": {}, "Bourne": pay_rise(0.10), "Crewe": {}},
        market=REGIONAL_MARKET,
    )
    out = tmp_path_factory.mktemp("brief") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "screenshot", lambda page, png: None)
        sim.save(
            sim.compare(
                region, "regional_pay_alignment", reps=3, years=2.0, warmup_years=0.5, seed=5
            ),
            out,
            report=True,
        )
    return out


def _pages(pdf: Path) -> int:
    """Pages of a PDF Chromium printed (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def test_whose_pay_falls_and_who_gains_are_named(folder):
    """One pay scale at the joining councils' mean: Bourne, which paid 10% more, is paid less;
    the other two more."""
    board = board_of(load_results(folder))
    [name] = board.variants
    g = gains_and_losses(board, name)
    assert "pay falls in bourne" in g.sentence.lower(), g.sentence
    assert "pay rises in ashby and crewe" in g.sentence.lower(), g.sentence
    assert [c.name for c in g.councils] == ["Ashby", "Bourne", "Crewe"]
    brief = (folder / "brief.html").read_text()
    assert "Who gains and who loses" in brief and 'class="decision"' in brief
    assert brief.index('class="decision"') < brief.index("Who gains and who loses")
    assert brief.count("<figure>") >= 3  # a figure per question: practice, agency, moves, children


@pytest.mark.skipif(
    not CHROMIUM.is_file(), reason="Chromium is not installed (apt-get install chromium)"
)
def test_the_brief_prints_to_at_most_four_pages_and_is_listed(folder):
    pdf = folder / "brief.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert 1 <= _pages(pdf) <= MAX_PAGES
    listed = {
        f["path"]: f["role"] for f in json.loads((folder / "manifest.json").read_text())["files"]
    }
    assert listed["brief.pdf"] == "report" and listed["brief.html"] == "report"
