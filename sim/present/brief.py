"""The board's brief: ``brief.html`` and, printed by the headless Chromium that takes the report's
picture, ``brief.pdf`` (A4, at most ``MAX_PAGES`` pages for a comparison of a region): the
warnings, the decision table, who gains and who loses council by council (whose pay falls, who
loses staff to the others), and one figure per question the board asked. The full report stays the
appendix: methods, parameter names and interval methods are there, not here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.columns import NET_MOVES, PAY_PER_FTE, VACANCY_RATE
from sim.experiment.results import Results
from sim.experiment.resultset import write_text
from sim.present.board import Board, certain
from sim.present.browser import print_pdf
from sim.present.decision import BETTER, WORSE, decision_table, verdict, warnings
from sim.present.formats import count, outcome, short_unit
from sim.present.labels import and_list, capitalised, scenario_labels
from sim.present.page import ENV, run_info
from sim.present.readings import CI, INTERVAL, SINGLE
from sim.present.region import PERMANENT_SHARE, councils

MAX_PAGES = 4
BRIEF_HTML, BRIEF_PDF = "brief.html", "brief.pdf"
# Who gains and who loses, council by council: pay, staff won or lost to the others, vacancies,
# the share of practice by permanent staff
GAINS_AND_LOSSES = (PAY_PER_FTE, NET_MOVES, VACANCY_RATE, PERMANENT_SHARE)
# The figures of the brief, one per question of the board (the report's figure stems)
BRIEF_FIGURES = ("board_practice", "board_agency", "board_moves", "board_children")
RUN_FIGURES = ("turnover", "cost")  # a scenario without councils


@dataclass
class Council:
    name: str
    cells: list[tuple[str, str]] = field(default_factory=list)  # (text, verdict)


@dataclass
class GainsAndLosses:
    """One variant's changes council by council, and the sentence naming who gains and loses."""

    label: str
    sentence: str
    headings: list[tuple[str, str]]
    councils: list[Council]


def _names(board: Board, name: str, metric: str, falls: bool) -> list[str]:
    out = []
    for c in councils(board.results):
        r = board.reading(name, metric, c, difference=True)
        if certain(r) and (r.estimate < 0) == falls:
            out.append(c)
    return out


def gains_and_losses(board: Board, name: str) -> GainsAndLosses:
    """Who gains and who loses with one variant: each council's paired change in pay per FTE, net
    moves from the other councils, vacancy rate and permanent share, and a sentence naming the
    councils whose pay falls or rises and who lose or gain staff (measurable changes only)."""
    rows = []
    for c in councils(board.results):
        council = Council(c)
        for metric in GAINS_AND_LOSSES:
            r = board.reading(name, metric, c, difference=True)
            text = r.shown(r.estimate) if r.status in (INTERVAL, SINGLE) else r.why()
            council.cells.append((text, verdict(r)))
        rows.append(council)
    parts = []
    for metric, (down, up) in (
        (PAY_PER_FTE, ("pay falls", "pay rises")),
        (NET_MOVES, ("loses staff to the other councils", "gains staff from them")),
    ):
        falls, rises = _names(board, name, metric, True), _names(board, name, metric, False)
        if falls:
            parts.append(f"{down} in {and_list(falls)}")
        if rises:
            parts.append(f"{up} in {and_list(rises)}")
    sentence = (
        capitalised("; ".join(parts)) + "."
        if parts
        else "No council's pay or net moves change measurably."
    )
    return GainsAndLosses(
        board.labels[name],
        sentence,
        [(capitalised(outcome(m).label), short_unit(m, True)) for m in GAINS_AND_LOSSES],
        rows,
    )


def brief_page(
    results: Results, figure_items: list[dict], board: Board | None, board_items: list[dict]
) -> str:
    """The brief's HTML: warnings, the decision table, who gains and who loses, the figures."""
    labels = scenario_labels(results.scenarios, results.names)
    compare = results.kind == "compare" and len(results.names) > 1
    stems = BRIEF_FIGURES if board is not None else RUN_FIGURES
    shown = [f for f in [*board_items, *figure_items] if f["stem"] in stems]
    n = len(results.names) - 1
    return ENV.get_template("brief.html.j2").render(
        title=f"Brief: {labels[results.baseline]}"
        + (f" and {count(n, 'alternative')}" if compare else ""),
        info=run_info(results.settings, results.reps, compare),
        warnings=warnings(results),
        decision=decision_table(results) if compare else None,
        better=BETTER,
        worse=WORSE,
        ci=CI,
        gains=[gains_and_losses(board, n) for n in board.variants] if board is not None else [],
        figures=shown,
    )


def write_brief(
    folder: Path,
    results: Results,
    figure_items: list[dict],
    board: Board | None,
    board_items: list[dict],
    print_it: bool = True,
) -> tuple[Path, str | None]:
    """Write FOLDER/brief.html and (``print_it``, where a browser is available) FOLDER/brief.pdf;
    return the page and None, or one line saying why there is no PDF."""
    page = Path(folder) / BRIEF_HTML
    write_text(page, brief_page(results, figure_items, board, board_items))
    return page, print_pdf(page, page.with_suffix(".pdf")) if print_it else None
