"""Writing a result folder's report files: ``report.html`` (one self-contained page, see ``page``),
every figure as PNG and SVG in ``figures/`` (the region's, then for a region of councils the
board's figures and the small multiples of its councils), for a region of councils the board's
table of derived quantities ``board.csv`` (see ``board``) and, where its councils carry published
figures, their first year against them ``baseline_check.csv`` and the baseline's drift
``baseline_drift.csv`` (see ``baseline``), and ``report.png``, the page's first screen (see
``browser``); a run's ``overview.png`` (and its SVG); a sweep's report, sensitivity table and
tornado plot. PNGs are saved at 200 dpi (``figures.save``).

Entry points: ``write_report``, ``write_overview``, ``write_sweep_report``, ``write_sensitivity``.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.columns import CASELOAD_BANDS, OUTCOMES, TOTAL_COST, TURNOVER_RATE, band_column
from sim.experiment.results import Results
from sim.experiment.resultset import atomic_write, write_text
from sim.present.baseline import CHECK_FILE, DRIFT_FILE, check_of
from sim.present.board import BOARD_FILE, FTE_WORDS, Board, board_of
from sim.present.brief import write_brief
from sim.present.briefing import AGENCY_WORKERS, PERMANENT_TARGET, YEARS
from sim.present.browser import missing, screenshot
from sim.present.canvas import DPI
from sim.present.figures import (
    caseload_figure,
    children_figure,
    cost_plane_figure,
    council_caseload_figure,
    council_lines_figure,
    council_staffing_figure,
    fan_figure,
    forest_figure,
    level_scale,
    moves_figure,
    overview_figure,
    parameter_name,
    points_figure,
    save,
    tornado_figure,
)
from sim.present.findings import sweep_sentence
from sim.present.formats import count
from sim.present.labels import capitalised, scenario_labels
from sim.present.page import report_page, run_info, sweep_page
from sim.present.readings import CI
from sim.present.region import councils, region_words
from sim.scenario import LEVELS

SWEEP_OUTCOMES = [TURNOVER_RATE, TOTAL_COST, "mean_wait_days"]
ENDS = "mean of the design points in the lowest and highest fifth of each parameter's range"


def _agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def report_figures(results: Results) -> list[tuple[str, object, str]]:
    """(file stem, figure, caption) of every figure of the report."""
    labels = scenario_labels(results.scenarios, results.names)
    base = labels[results.baseline]
    out = [
        (
            "turnover",
            fan_figure(results, ["turnover"], "Annual turnover"),
            "Leavers in the last 12 months as a share of permanent staff.",
        ),
        (
            "workforce",
            fan_figure(results, ["agency_share", "vacancy_rate"], "Agency share and vacancy rate"),
            "Agency workers over all staff; vacancies over funded posts (DfE definitions), month ends.",
        ),
        (
            "headcount",
            fan_figure(
                results, [f"perm_{lv}" for lv in LEVELS], "Permanent staff in post by level (FTE)"
            ),
            "Permanent social workers in post by level (FTE).",
        ),
        (
            "caseload",
            fan_figure(
                results,
                ["caseload_mean", "caseload_p95"],
                "Cases per case holder: mean and 95th percentile",
            ),
            "Cases held per case holder at month ends: mean and 95th percentile.",
        ),
        (
            "cost",
            fan_figure(results, ["cost"], "Workforce cost a year"),
            "Permanent staff, agency, recruitment and policy costs, each month's times 12.",
        ),
    ]
    if band_column(*CASELOAD_BANDS[0]) in results.timeseries.columns:
        out.append(
            (
                "caseload_distribution",
                caseload_figure(results),
                "How many cases case holders hold, over every month end and replication.",
            )
        )
    if councils(results):
        where = capitalised(region_words(results))
        out = [(stem, fig, f"{caption} {where}.") for stem, fig, caption in out]
    if results.kind == "compare" and len(results.names) > 1:
        out.insert(
            0,
            (
                "cost_effectiveness",
                cost_plane_figure(results),
                f"Extra whole-system cost a year (workforce and the children in care) against "
                f"turnover avoided, paired with {base} (common random numbers).",
            ),
        )
        out.insert(
            0,
            (
                "effects",
                forest_figure(results),
                f"Each scenario's paired difference from {base}: mean and {CI} over replications; "
                "a filled marker where the interval excludes zero.",
            ),
        )
    return out


def council_figures(results: Results) -> list[tuple[str, object, str]]:
    """(file stem, figure, caption) of the small multiples of a region's councils; none without
    councils."""
    if not councils(results):
        return []
    colours = "; colours: the scenarios, as in the other figures" if len(results.names) > 1 else ""
    same = "One panel per council, all on the same axes"
    return [
        (
            "councils_staffing",
            council_staffing_figure(results),
            f"{same}: permanent staff, agency workers and vacancies as a share of the council's "
            "funded posts (permanent staff plus vacancies, so permanent staff and vacancies add up "
            "to 100%), so that large and small councils compare; lines: mean over replications by "
            f"month end{colours}.",
        ),
        (
            "councils_caseload",
            council_caseload_figure(results),
            f"{same}: mean cases per case holder at month ends, mean over replications; dashed: the "
            f"region's{colours}.",
        ),
    ]


def board_figures(board: Board | None) -> list[tuple[str, object, str]]:
    """(file stem, figure, caption) of the board's section: the region's permanent practice and
    agency over time, then each council's; who gains and loses moves; and, for a comparison, the
    test of the briefing's 300 fewer children. None without councils."""
    if board is None:
        return []
    results = board.results
    labels = board.labels
    base = results.baseline
    target = f"FutureSocial's target of {PERMANENT_TARGET:.0%}"
    agency = f"FutureSocial 2017: c{AGENCY_WORKERS} agency workers (headcount)"
    where = capitalised(region_words(results))
    same = "One panel per council, all on the same axes; lines: mean over replications by month end"
    colours = "; colours: the scenarios" if len(results.names) > 1 else ""
    out = [
        (
            "board_practice",
            fan_figure(
                results,
                ["permanent_practice"],
                "Share of practice by permanent staff",
                {"permanent_practice": (100 * PERMANENT_TARGET, target)},
            ),
            f"Permanent staff / (permanent staff + agency workers) at month ends. {where}.",
        ),
        (
            "board_agency",
            fan_figure(
                results,
                ["agency_total", "agency_cost"],
                "Agency workers (FTE) and agency spend a year",
                {"agency_total": (AGENCY_WORKERS, agency)},
            ),
            f"Agency workers on assignment at month ends (FTE: {FTE_WORDS}) and agency spend, each "
            f"month's times 12. {where}.",
        ),
        (
            "board_practice_by_council",
            council_lines_figure(
                results,
                lambda m: 100 * m["perm_total"] / (m["perm_total"] + m["agency_total"]),
                "share of practice by permanent staff",
                "Each council's share of practice by permanent staff",
                (100 * PERMANENT_TARGET, target),
                percent=True,
            ),
            f"{same}{colours}; dotted: {target}.",
        ),
        (
            "board_agency_by_council",
            council_lines_figure(
                results,
                lambda m: m["agency_total"],
                "agency workers (FTE)",
                "Each council's agency workers on assignment (FTE)",
            ),
            f"{same}{colours}.",
        ),
        (
            "board_moves",
            moves_figure(board),
            "Moves in from another council of the region minus moves out to another council, a "
            f"year{colours}.",
        ),
    ]
    if board.variants:
        out.append(
            (
                "board_children",
                children_figure(board),
                f"Each scenario's paired difference from {labels[base]} in children entering care, "
                f"a year x {YEARS}: with the staffing effects on (the model's assumptions) and "
                f"off (the children entering care because of staffing taken out); a filled "
                f"marker where the interval excludes zero.",
            )
        )
    return out


def save_figure(folder: Path, stem: str, fig, caption: str) -> dict:
    """Write FOLDER/figures/STEM.png and .svg; the figure as the page embeds it."""
    plt = _agg()
    png = save(fig, folder / "figures" / f"{stem}.png")
    alt = " ".join(fig.get_suptitle().split()) or stem
    item = {
        "stem": stem,
        "alt": alt,
        "caption": caption,
        "png": base64.b64encode(png).decode(),
        "width": round(fig.get_figwidth() * DPI),
        "height": round(fig.get_figheight() * DPI),
    }
    plt.close(fig)
    return item


def _picture(page: Path) -> None:
    """FOLDER/report.png beside the page, or one line saying how to get it."""
    why = screenshot(page, page.parent / "report.png")
    if why:
        print(why, file=sys.stderr)


def write_report(folder: Path, results: Results) -> Path:
    """Write FOLDER/report.html (self-contained), FOLDER/figures/*.png, *.svg and, where a browser
    is available, FOLDER/report.png; return the page."""
    _agg()
    folder = Path(folder)
    items = [
        save_figure(folder, stem, fig, caption) for stem, fig, caption in report_figures(results)
    ]
    council_items = [
        save_figure(folder, stem, fig, caption) for stem, fig, caption in council_figures(results)
    ]
    board = board_of(results)
    board_items = [
        save_figure(folder, stem, fig, caption) for stem, fig, caption in board_figures(board)
    ]
    if board is not None:
        atomic_write(folder / BOARD_FILE, lambda p: board.table.to_csv(p, index=False))
    check = check_of(results)
    if check is not None and check.published:
        atomic_write(folder / CHECK_FILE, lambda p: check.table.to_csv(p, index=False))
        atomic_write(folder / DRIFT_FILE, lambda p: check.drift.to_csv(p, index=False))
    page = folder / "report.html"
    write_text(page, report_page(results, items, council_items, board, board_items))
    # the report's picture and the brief's PDF: one line if the browser is missing
    why = missing("report.png and brief.pdf")
    if why is None:
        _picture(page)
    _, pdf_why = write_brief(folder, results, items, board, board_items, print_it=why is None)
    for line in filter(None, [why, pdf_why]):
        print(line, file=sys.stderr)
    return page


def write_overview(path: Path, results: Results) -> None:
    """The run at a glance: the report's fan charts of turnover, agency, vacancies and caseloads."""
    plt = _agg()
    fig = overview_figure(results)
    save(fig, path)
    plt.close(fig)


# -- sweeps ---------------------------------------------------------------------------------------
def sensitivity_figure(sens: pd.DataFrame, outcome: str):
    """The tornado of ``analyse``'s table (one outcome), in the outcome's display unit."""
    scale, label, percent = level_scale(outcome) if outcome in OUTCOMES else (1.0, outcome, False)
    top = parameter_name(sens.iloc[0]["parameter"])
    scaled = sens.assign(at_low=sens["at_low"] * scale, at_high=sens["at_high"] * scale)
    return tornado_figure(
        scaled,
        float(sens["mean_outcome"].iloc[0]) * scale,
        label,
        f"{label}: {top} moves it most ({ENDS})",
        percent,
    )


def write_sensitivity(out: Path, outcome: str, method: str = "auto") -> tuple[pd.DataFrame, Path]:
    """DIR/sensitivity_OUTCOME.csv and its tornado plot DIR/sensitivity_OUTCOME.png."""
    from sim.experiment.sensitivity import analyse

    plt = _agg()
    table = analyse(out, outcome, method)
    atomic_write(Path(out) / f"sensitivity_{outcome}.csv", lambda p: table.to_csv(p, index=False))
    fig = sensitivity_figure(table, outcome)
    png = Path(out) / f"sensitivity_{outcome}.png"
    save(fig, png)
    plt.close(fig)
    return table, png


def write_sweep_report(directory: Path, folder: Path) -> Path:
    """The report of the sweep in ``directory``, written to ``folder``: what moves each key outcome
    (tornado), and the outcome at every design point."""
    from sim.experiment.sensitivity import analyse, load_sweep, point_means

    _agg()
    d, folder = Path(directory), Path(folder)
    settings, points, table = load_sweep(d)
    items, findings = [], []
    for outcome in SWEEP_OUTCOMES:
        sens = analyse(d, outcome, "regression")
        y = point_means(points, table, outcome)
        top = sens.iloc[0]
        findings.append(
            sweep_sentence(
                outcome, y[np.isfinite(y)], len(table), top, parameter_name(top["parameter"])
            )
        )
        items.append(
            save_figure(
                folder,
                f"tornado_{outcome}",
                sensitivity_figure(sens, outcome),
                f"The outcome at each parameter's low and high end: the {ENDS}.",
            )
        )
        scale, label, percent = level_scale(outcome)
        fig = points_figure(
            points,
            y * scale,
            label,
            f"{label} at each design point (mean over {count(settings['reps'], 'replication')})",
            percent,
        )
        items.append(save_figure(folder, f"points_{outcome}", fig, "Each dot is one design point."))
    names = ", ".join(parameter_name(c) for c in points.columns)
    info = (
        f"{settings['design']} design over {names}; {count(len(points), 'point')} x "
        f"{run_info(settings, settings['reps'], paired=False)}"
    )
    page = folder / "report.html"
    write_text(page, sweep_page(settings["scenario"], info, findings, items))
    _picture(page)
    return page
