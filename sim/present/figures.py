"""The report's figures (matplotlib), sized by ``canvas``'s rule: fan charts over time, the forest
plot of paired effects, the cost-effectiveness plane, the caseload distribution (all of the region),
small multiples of a region's councils, the tornado of a sweep and its design points. Okabe-Ito
colour-blind-safe palette; percentages carry a % sign; titles state what the numbers show, in the
table's numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.columns import (
    CASELOAD_BANDS,
    ENTERED_3Y,
    KEY_METRICS,
    LEVEL_WORDS,
    NET_MOVES,
    NO_EFFECTS_3Y,
    REGION,
    TOTAL_COST,
    TURNOVER_RATE,
    band_column,
)
from sim.experiment.results import Results
from sim.present.board import Board
from sim.present.briefing import FEWER_CHILDREN, YEARS
from sim.present.canvas import MAX_WIDTH_IN, TEXT_PT, new_figure, title, wrap
from sim.present.formats import is_money, outcome
from sim.present.labels import path_words, scenario_labels
from sim.present.readings import CI, INTERVAL, SAME, SINGLE, UNDEFINED, Reading, mean_text, reading
from sim.present.region import council_range, councils
from sim.scenario import LEVELS

PALETTE = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
MONEY_SCALE, MONEY_UNIT = 1e-3, "£ thousand"
BANDS = (0.5, 0.9)  # the fans' central shares of replications
BANDS_NOTE = f"line: median; bands: {BANDS[0]:.0%} and {BANDS[1]:.0%} of replications"


ORDER = [0, 1, 2, 3, 5, 6, 7, 4]  # the palette's yellow last: it is faint on white
REFERENCE = PALETTE[6]  # a target or a claim the figure tests (vermilion, dotted)


def _colour(i: int) -> str:
    return PALETTE[ORDER[i % len(ORDER)]]


def _percent_axis(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=100, decimals=None))


# -- fan charts over time -------------------------------------------------------------------------
def _series(ts: pd.DataFrame) -> dict[str, tuple[pd.Series, str, bool]]:
    """Monthly measures per replication: name -> (values aligned with ts rows, axis label, percent)."""
    perm = ts["perm_total"]
    out = {
        "agency_share": (
            100 * ts["agency_total"] / (ts["agency_total"] + perm),
            "agency share",
            True,
        ),
        "vacancy_rate": (
            100 * ts["vacancies_total"] / (ts["vacancies_total"] + perm),
            "vacancy rate",
            True,
        ),
        "caseload_mean": (ts["caseload_mean"], "mean cases per case holder", False),
        "caseload_p95": (ts["caseload_p95"], "95th percentile of cases per case holder", False),
        "cost": (ts["cost_gbp_month"] * MONEY_SCALE, f"cost per month ({MONEY_UNIT})", False),
        "permanent_practice": (
            100 * perm / (ts["agency_total"] + perm),
            "share of practice by permanent staff",
            True,
        ),
        "agency_total": (ts["agency_total"], "agency workers (FTE)", False),
        "agency_cost": (
            ts["agency_cost_gbp_month"] * MONEY_SCALE,
            f"agency spend per month ({MONEY_UNIT})",
            False,
        ),
    }
    leavers12 = ts.groupby(["scenario", "rep"])["leavers"].transform(
        lambda x: x.rolling(12, min_periods=12).sum()
    )
    out["turnover"] = (100 * leavers12 / perm, "turnover, last 12 months", True)
    for lv in LEVELS:
        out[f"perm_{lv}"] = (ts[f"perm_{lv}"], f"{LEVEL_WORDS[lv]} (FTE)", False)
    return out


def _fan(ax, months, values: pd.DataFrame, colour: str) -> None:
    x = months / 12.0
    for share, alpha in zip(BANDS[::-1], (0.15, 0.3)):
        low, high = values.quantile([(1 - share) / 2, (1 + share) / 2], axis=1).to_numpy()
        ax.fill_between(x, low, high, color=colour, alpha=alpha, lw=0)
    ax.plot(x, values.median(axis=1), color=colour, lw=1.6)


def monthly_rows(results: Results, authority: str = REGION) -> pd.DataFrame:
    """Every scenario's monthly rows for one authority (the region's by default), with a
    ``scenario`` column."""
    return pd.concat(
        [results.monthly(n, authority).assign(scenario=n) for n in results.names], ignore_index=True
    )


def fan_figure(
    results: Results,
    measures: list[str],
    title_text: str,
    references: dict[str, tuple[float, str]] | None = None,
):
    """Rows: measures; columns: scenarios. Each panel shows its scenario's fan (median, and the
    central ``BANDS`` of replications) of the region and, dashed, the baseline's median for
    reference; dotted, a measure's reference value (``references``: measure -> (value as the axis
    shows it, words for the title))."""
    references = references or {}
    ts = monthly_rows(results)
    series = _series(ts)
    labels = scenario_labels(results.scenarios, results.names)
    rows, cols = len(measures), len(results.names)
    panel_height = 2.2
    fig, axes = new_figure(rows, cols, panel_height * rows + 1.4, sharex=True, sharey="row")
    panel = MAX_WIDTH_IN / cols
    for r, measure in enumerate(measures):
        values, label, percent = series[measure]
        frame = ts[["scenario", "rep", "month"]].assign(v=values.to_numpy())
        wide = {
            n: frame[frame["scenario"] == n].pivot(index="month", columns="rep", values="v")
            for n in results.names
        }
        reference = wide[results.baseline].median(axis=1)
        for c, name in enumerate(results.names):
            ax = axes[r, c]
            _fan(ax, wide[name].index.to_numpy(), wide[name], _colour(c))
            if c > 0:
                ax.plot(
                    reference.index / 12.0, reference.to_numpy(), color="black", lw=0.9, ls="--"
                )
            if r == 0:
                ax.set_title(wrap(labels[name], panel * 0.9), fontsize=TEXT_PT)
            if c == 0:
                ax.set_ylabel(wrap(label, 0.75 * panel_height))
            if r == rows - 1:
                ax.set_xlabel("years after warm-up")
            if measure in references:
                ax.axhline(references[measure][0], color=REFERENCE, lw=1.2, ls=":")
            if percent:
                _percent_axis(ax.yaxis)
            ax.grid(alpha=0.3)
    note = BANDS_NOTE + ("; dashed: the baseline's median" if cols > 1 else "")
    note += "".join(f"; dotted: {references[m][1]}" for m in measures if m in references)
    title(fig, f"{title_text}\n{note}")
    return fig


# -- paired effects -------------------------------------------------------------------------------
def _shown_scale(metric: str) -> tuple[float, str]:
    """(multiplier, axis unit) of a difference on a figure."""
    if outcome(metric).percent:
        return 100.0, "percentage points"
    if is_money(metric):
        return MONEY_SCALE, f"{MONEY_UNIT} a year"
    return 1.0, outcome(metric).unit


def level_scale(metric: str) -> tuple[float, str, bool]:
    """(multiplier, axis label, percent) of a value of ``metric`` on a figure."""
    o = outcome(metric)
    if o.percent:
        return 100.0, o.label, True
    if is_money(metric):
        return MONEY_SCALE, f"{o.label} ({MONEY_UNIT} a year)", False
    return 1.0, f"{o.label} ({o.unit})", False


def _mark(ax, x: float, y: float, r: Reading, colour: str, scale: float) -> None:
    """A difference: its interval as a bar; filled when the interval excludes zero."""
    face = colour if r.measurable else "white"
    if r.status == INTERVAL:
        ax.errorbar(
            [x * scale],
            [y],
            xerr=[[(x - r.low) * scale], [(r.high - x) * scale]],
            fmt="o",
            color=colour,
            mfc=face,
            capsize=3,
            ms=7,
        )
    else:
        ax.plot([x * scale], [y], "s" if r.status == SAME else "D", color=colour, mfc="white", ms=7)


def forest_figure(results: Results):
    """Each variant's paired difference from the baseline in each key metric, with its 95% CI; a
    filled marker where the interval excludes zero; a note where there is no interval."""
    variants = results.names[1:]
    labels = scenario_labels(results.scenarios, results.names)
    ticks = [wrap(labels[n], 3.0) for n in variants]
    per_variant = max(0.4, 0.17 * max(t.count("\n") + 1 for t in ticks) + 0.12)  # inches
    cols, rows = 2, math.ceil(len(KEY_METRICS) / 2)
    fig, axes = new_figure(
        rows, cols, rows * (per_variant * len(variants) + 1.2) + 1.0, sharey=True
    )
    panel = MAX_WIDTH_IN / cols
    top = len(variants) - 1  # the first variant at the top
    for ax, metric in zip(axes.flat, KEY_METRICS):
        scale, unit = _shown_scale(metric)
        notes = []
        for i, name in enumerate(variants):
            r = reading(results.row(name, metric), difference=True)
            if r.status == UNDEFINED:
                notes.append(r.why())
                continue
            _mark(ax, r.estimate, top - i, r, _colour(i + 1), scale)
            if r.status in (SINGLE, SAME):
                notes.append(r.why().split(":")[0])
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(wrap(outcome(metric).label, panel * 0.9), fontsize=TEXT_PT)
        note = "; ".join(sorted(set(notes)))
        if note and len(notes) == len(variants) and all(n.startswith("undefined") for n in notes):
            ax.text(
                0.5,
                0.5,
                wrap(note, panel * 0.8),
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="#444444",
            )
            note = ""
        ax.set_xlabel(wrap(f"difference, {unit}" + (f" ({note})" if note else ""), panel * 0.9))
        ax.set_ylim(-0.7, len(variants) - 0.3)
    for ax in axes.flat[len(KEY_METRICS) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_yticks(range(len(variants)))
        ax.set_yticklabels(ticks[::-1])
    turn = {n: reading(results.row(n, TURNOVER_RATE), difference=True) for n in variants}
    lowered = [n for n, r in turn.items() if r.measurable and r.estimate < 0]
    verdict = (
        f"{labels[min(lowered, key=lambda n: turn[n].estimate)]} lowers turnover most"
        if lowered
        else "no variant measurably lowers turnover"
    )
    title(
        fig,
        f"Paired difference from {labels[results.baseline]}, {CI} (filled: the interval "
        f"excludes zero): {verdict}",
    )
    return fig


def cost_plane_figure(results: Results):
    """Extra cost against turnover avoided, each with its paired 95% CI."""
    labels = scenario_labels(results.scenarios, results.names)
    fig, axes = new_figure(1, 1, 5.6, width_in=8.0)
    ax = axes[0, 0]
    best = None
    for i, name in enumerate(results.names[1:]):
        turn = reading(results.row(name, TURNOVER_RATE), difference=True)
        cost = reading(results.row(name, TOTAL_COST), difference=True)
        x, y = -100 * turn.estimate, MONEY_SCALE * cost.estimate
        xerr = (
            [[100 * (turn.high - turn.estimate)], [100 * (turn.estimate - turn.low)]]
            if turn.status == INTERVAL
            else None
        )
        yerr = (
            [
                [MONEY_SCALE * (cost.estimate - cost.low)],
                [MONEY_SCALE * (cost.high - cost.estimate)],
            ]
            if cost.status == INTERVAL
            else None
        )
        ax.errorbar(
            [x],
            [y],
            xerr=xerr,
            yerr=yerr,
            fmt="o",
            color=_colour(i + 1),
            capsize=3,
            ms=7,
            mfc=_colour(i + 1) if turn.measurable else "white",
            label=wrap(labels[name], 7.0),
        )
        if (
            turn.measurable
            and turn.estimate < 0
            and (best is None or turn.estimate < best[1].estimate)
        ):
            best = (name, turn, cost)
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel("turnover avoided (percentage points a year)")
    ax.set_ylabel(f"extra cost ({MONEY_UNIT} a year)")
    fig.legend(loc="outside lower center", ncols=1, frameon=False)
    if best is None:
        verdict = "no variant measurably avoids turnover"
    else:
        name, turn, cost = best
        verdict = (
            f"{labels[name]} avoids most turnover ({turn.shown(-turn.estimate, signed=False)} "
            f"percentage points) at {cost.shown(cost.estimate)} a year"
        )
    title(
        fig,
        f"Cost against turnover avoided, paired with {labels[results.baseline]} ({CI}; "
        f"filled: turnover's interval excludes zero): {verdict}",
    )
    return fig


# -- caseloads ------------------------------------------------------------------------------------
def caseload_figure(results: Results):
    """How many cases the region's case holders hold: the share of case-holder month ends in each
    band."""
    labels = scenario_labels(results.scenarios, results.names)
    cols = [band_column(lo, hi) for lo, hi in CASELOAD_BANDS]
    ticks = [f"{lo}-{hi}" if hi else f"{lo}+" for lo, hi in CASELOAD_BANDS]
    fig, axes = new_figure(1, 1, 4.6)
    ax = axes[0, 0]
    width = 0.8 / len(results.names)
    for i, name in enumerate(results.names):
        counts = results.monthly(name)[cols].sum()
        share = 100 * counts / max(counts.sum(), 1)
        ax.bar(
            np.arange(len(cols)) + i * width,
            share.to_numpy(),
            width,
            label=wrap(labels[name], 4.0),
            color=_colour(i),
        )
    ax.set_xticks(np.arange(len(cols)) + width * (len(results.names) - 1) / 2)
    ax.set_xticklabels(ticks)
    ax.set_xlabel("cases held at a month end")
    ax.set_ylabel("share of case holders")
    _percent_axis(ax.yaxis)
    fig.legend(loc="outside right upper", frameon=False)
    cap = results.scenarios[results.baseline].reporting.caseload_cap
    over = "; ".join(
        f"{labels[n]} {mean_text(results, n, 'share_over_cap')}" for n in results.names
    )
    title(fig, f"Caseloads at month ends; share of case holders over {cap:g} cases: {over}")
    return fig


# -- councils: small multiples --------------------------------------------------------------------
STAFFING = (
    ("perm_total", "permanent staff", "-", PALETTE[5]),
    ("agency_total", "agency workers", "--", PALETTE[1]),
    ("vacancies_total", "vacancies", ":", PALETTE[6]),
)
# (monthly column, words, line style, colour when the figure shows one scenario)
GRID_COLUMNS = 4  # council panels per row
PANEL_IN = 1.75  # height of a council panel (inches)


def _by_month(frame: pd.DataFrame, values: pd.Series) -> pd.Series:
    """Mean over replications of ``values`` (aligned with ``frame``'s rows), by month."""
    return values.groupby(frame["month"]).mean()


def _council_grid(names: list[str], ylabel: str):
    """One panel per council (its name as title), all on the same x and y axes; (figure, panels,
    the spare axes after them, hidden)."""
    cols = min(GRID_COLUMNS, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = new_figure(rows, cols, PANEL_IN * rows + 1.6, sharex=True, sharey=True)
    flat = list(axes.flat)
    panels, spare = flat[: len(names)], flat[len(names) :]
    width = MAX_WIDTH_IN / cols
    for ax, name in zip(panels, names):
        ax.set_title(wrap(name, width * 0.9), fontsize=TEXT_PT)
        ax.grid(alpha=0.3)
    for ax in panels[-cols:]:  # the lowest panel of each column carries the x axis
        ax.xaxis.set_tick_params(labelbottom=True)
        ax.set_xlabel("years after warm-up")
    for ax in panels[::cols]:
        ax.set_ylabel(wrap(ylabel, PANEL_IN * 0.9))
    for ax in spare:
        ax.axis("off")
    return fig, panels, spare


def _grid_legend(fig, spare: list, handles: list) -> None:
    """The legend in the grid's first spare panel, or below the grid when there is none."""
    if spare:
        spare[0].legend(handles=handles, loc="center", frameon=False)
    else:
        fig.legend(
            handles=handles, loc="outside lower center", ncols=min(len(handles), 4), frameon=False
        )


def _scenario_handles(results: Results, width_in: float) -> list:
    """Legend entries for the scenarios' colours (none for a single scenario)."""
    from matplotlib.lines import Line2D

    if len(results.names) < 2:
        return []
    labels = scenario_labels(results.scenarios, results.names)
    return [
        Line2D([], [], color=_colour(i), lw=2.5, label=wrap(labels[n], width_in))
        for i, n in enumerate(results.names)
    ]


def council_staffing_figure(results: Results):
    """Small multiples, one panel per council on the same axes: permanent staff, agency workers and
    vacancies as shares of the council's funded posts, mean over replications by month; each
    scenario in its colour."""
    from matplotlib.lines import Line2D

    names = councils(results)
    one = len(results.names) == 1  # one scenario: a colour per measure; else per scenario
    fig, panels, spare = _council_grid(names, "% of funded posts")
    for ax, council in zip(panels, names):
        for i, name in enumerate(results.names):
            m = results.monthly(name, council)
            posts = m["perm_total"] + m["vacancies_total"]
            for column, _, style, colour in STAFFING:
                mean = _by_month(m, 100 * m[column] / posts)
                ax.plot(
                    mean.index / 12.0,
                    mean.to_numpy(),
                    color=colour if one else _colour(i),
                    ls=style,
                    lw=1.6,
                )
        _percent_axis(ax.yaxis)
    panels[0].set_ylim(0, 100)
    width = MAX_WIDTH_IN / GRID_COLUMNS * 0.9
    handles = [
        Line2D([], [], color=colour if one else "black", ls=style, lw=1.6, label=words)
        for _, words, style, colour in STAFFING
    ]
    _grid_legend(fig, spare, handles + _scenario_handles(results, width))
    base = scenario_labels(results.scenarios, results.names)[results.baseline]
    where = f" in {base}" if len(results.names) > 1 else ""
    title(
        fig,
        f"Each council's staffing as a share of its funded posts (mean over {results.reps} "
        f"replications by month); vacancy rate{where} "
        f"{council_range(results, results.baseline, 'vacancy_rate')}",
    )
    return fig


def council_caseload_figure(results: Results):
    """Small multiples, one panel per council on the same axes: mean cases per case holder, mean
    over replications by month, each scenario in its colour; dashed, the region's (baseline)."""
    from matplotlib.lines import Line2D

    names = councils(results)
    fig, panels, spare = _council_grid(names, "mean cases per case holder")
    region = results.monthly(results.baseline)
    reference = _by_month(region, region["caseload_mean"])
    for ax, council in zip(panels, names):
        ax.plot(reference.index / 12.0, reference.to_numpy(), color="grey", lw=0.9, ls="--")
        for i, name in enumerate(results.names):
            m = results.monthly(name, council)
            mean = _by_month(m, m["caseload_mean"])
            ax.plot(mean.index / 12.0, mean.to_numpy(), color=_colour(i), lw=1.6)
    width = MAX_WIDTH_IN / GRID_COLUMNS * 0.9
    labels = scenario_labels(results.scenarios, results.names)
    region_words = "the region" + (
        f" ({labels[results.baseline]})" if len(results.names) > 1 else ""
    )
    handles = _scenario_handles(results, width) or [
        Line2D([], [], color=_colour(0), lw=1.6, label="the council")
    ]
    handles.append(Line2D([], [], color="grey", lw=0.9, ls="--", label=wrap(region_words, width)))
    _grid_legend(fig, spare, handles)
    where = f" in {labels[results.baseline]}" if len(results.names) > 1 else ""
    title(
        fig,
        f"Each council's mean caseload (mean over {results.reps} replications by month); mean "
        f"caseload{where} {council_range(results, results.baseline, 'mean_caseload')} (the "
        f"region: {mean_text(results, results.baseline, 'mean_caseload')})",
    )
    return fig


# -- the board: the briefing's questions, region then councils ------------------------------------
def council_lines_figure(
    results: Results,
    values,
    ylabel: str,
    title_text: str,
    reference: tuple[float, str] | None = None,
    percent: bool = False,
):
    """Small multiples, one panel per council on the same axes: ``values(monthly rows)`` (aligned
    with the rows), mean over replications by month, each scenario in its colour; dotted, a
    reference value (value, words) where given."""
    from matplotlib.lines import Line2D

    names = councils(results)
    fig, panels, spare = _council_grid(names, ylabel)
    for ax, council in zip(panels, names):
        if reference:
            ax.axhline(reference[0], color=REFERENCE, lw=1.2, ls=":")
        for i, name in enumerate(results.names):
            m = results.monthly(name, council)
            mean = _by_month(m, values(m))
            ax.plot(mean.index / 12.0, mean.to_numpy(), color=_colour(i), lw=1.6)
        if percent:
            _percent_axis(ax.yaxis)
    width = MAX_WIDTH_IN / GRID_COLUMNS * 0.9
    handles = _scenario_handles(results, width) or [
        Line2D([], [], color=_colour(0), lw=1.6, label="the council")
    ]
    if reference:
        handles.append(
            Line2D([], [], color=REFERENCE, lw=1.2, ls=":", label=wrap(reference[1], width))
        )
    _grid_legend(fig, spare, handles)
    title(fig, title_text)
    return fig


def _bar_rows(ax, labels: list[str]) -> None:
    """Rows labelled from the top, a zero line and a grid along x."""
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels[::-1])
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.axvline(0, color="grey", lw=0.8)
    ax.grid(axis="x", alpha=0.3)


def moves_figure(board: Board):
    """Who gains and who loses staff to the other councils: each council's net gain from moves
    (moves in minus moves out, a year), mean over replications with its 95% CI, a marker per
    scenario; filled where the interval excludes zero."""
    results = board.results
    names = councils(results)
    labels = board.labels
    k = len(results.names)
    fig, axes = new_figure(1, 1, 0.28 * len(names) * max(1.0, k / 3) + 2.4)
    ax = axes[0, 0]
    step = 0.7 / k
    for i, name in enumerate(results.names):
        for j, council in enumerate(names):
            r = board.reading(name, NET_MOVES, council)
            y = len(names) - 1 - j + 0.35 - (i + 0.5) * step
            _level_mark(ax, r, y, _colour(i))
        ax.plot(
            [], [], "o", color=_colour(i), label=wrap(labels[name], MAX_WIDTH_IN / min(k, 3) * 0.8)
        )
    _bar_rows(ax, names)
    ax.set_xlabel("net gain from moves between councils (people a year; negative: a loss)")
    fig.legend(loc="outside lower center", ncols=min(k, 3), frameon=False)
    base = results.baseline
    rs = {c: board.reading(base, NET_MOVES, c) for c in names}
    finite = {c: r for c, r in rs.items() if math.isfinite(r.estimate)}
    where = f" in {labels[base]}" if k > 1 else ""
    verdict = ""
    if finite:
        most, least = (
            max(finite, key=lambda c: finite[c].estimate),
            min(finite, key=lambda c: finite[c].estimate),
        )
        verdict = (
            f": most gained{where} by {most} ({finite[most].shown(finite[most].estimate, True)} a "
            f"year), most lost by {least} ({finite[least].shown(finite[least].estimate, True)})"
        )
    title(
        fig,
        f"Who gains and who loses staff to the other councils, mean over {results.reps} "
        f"replications ({CI}; filled: the interval excludes zero){verdict}",
    )
    return fig


def _level_mark(ax, r: Reading, y: float, colour: str, scale: float = 1.0) -> None:
    """A value with its interval, filled when the interval excludes zero; a diamond without one."""
    if r.status == INTERVAL:
        ax.errorbar(
            [r.estimate * scale],
            [y],
            xerr=[[(r.estimate - r.low) * scale], [(r.high - r.estimate) * scale]],
            fmt="o",
            color=colour,
            mfc=colour if r.measurable else "white",
            capsize=2,
            ms=5,
        )
    elif math.isfinite(r.estimate):
        ax.plot([r.estimate * scale], [y], "D", color=colour, mfc="white", ms=5)


def children_figure(board: Board):
    """The test of the briefing's claim: each variant's fewer children entering care over three
    years than the baseline, with the staffing effects on and off (95% CI), beside its 300."""
    from matplotlib.lines import Line2D

    results, labels = board.results, board.labels
    variants = board.variants
    ticks = [wrap(labels[n], 3.0) for n in variants]
    per = max(0.6, 0.17 * max(t.count("\n") + 1 for t in ticks) + 0.3)
    fig, axes = new_figure(1, 1, per * len(variants) + 2.2)
    ax = axes[0, 0]
    for i, name in enumerate(variants):
        for metric, dy, colour in (
            (ENTERED_3Y, 0.15, PALETTE[5]),
            (NO_EFFECTS_3Y, -0.15, PALETTE[1]),
        ):
            d = board.reading(name, metric, difference=True)
            fewer = Reading(d.metric, -d.estimate, -d.high, -d.low, d.method, d.n, True)
            _level_mark(ax, fewer, len(variants) - 1 - i + dy, colour)
    ax.axvline(FEWER_CHILDREN, color=REFERENCE, lw=1.2, ls=":")
    _bar_rows(ax, ticks)
    ax.set_xlabel(
        f"fewer children entering care over {YEARS} years than {labels[results.baseline]} "
        "(negative: more)"
    )
    handles = [
        Line2D([], [], color=PALETTE[5], marker="o", ls="", label="staffing effects on"),
        Line2D([], [], color=PALETTE[1], marker="o", ls="", label="staffing effects off"),
        Line2D(
            [],
            [],
            color=REFERENCE,
            ls=":",
            lw=1.2,
            label=wrap(f"FutureSocial 2017: {FEWER_CHILDREN} fewer", 2.5),
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    reached = [
        labels[n]
        for n in variants
        if (r := board.reading(n, ENTERED_3Y, difference=True)).status == INTERVAL
        and -r.low >= FEWER_CHILDREN
    ]
    verdict = (
        f"{', '.join(reached)} reach{'es' if len(reached) == 1 else ''} it"
        if reached
        else f"no scenario's interval reaches {FEWER_CHILDREN}"
    )
    title(
        fig,
        f"Fewer children entering care over {YEARS} years, paired with "
        f"{labels[results.baseline]} ({CI}), beside the briefing's {FEWER_CHILDREN}: {verdict}",
    )
    return fig


# -- sweeps ---------------------------------------------------------------------------------------
def parameter_name(name: str) -> str:
    """A swept parameter in plain words (a dotted path is looked up; other text is kept)."""
    return path_words(name).name if "." in name else name


def tornado_figure(
    table: pd.DataFrame, base_value: float, label: str, title_text: str, percent: bool = False
):
    """One-way sensitivity: for each parameter (rows of ``table`` with ``parameter``, ``low``,
    ``high``, ``at_low``, ``at_high``), the outcome at its low and high end as bars around
    ``base_value``; the widest at the top."""
    t = table.assign(width=(table["at_high"] - table["at_low"]).abs()).sort_values("width")
    fig, axes = new_figure(1, 1, 0.6 * len(t) + 2.2)
    ax = axes[0, 0]
    for i, r in enumerate(t.itertuples()):
        ax.barh(
            i,
            r.at_low - base_value,
            left=base_value,
            color=PALETTE[5],
            alpha=0.85,
            label="parameter at its low end" if i == 0 else None,
        )
        ax.barh(
            i,
            r.at_high - base_value,
            left=base_value,
            color=PALETTE[6],
            alpha=0.85,
            label="parameter at its high end" if i == 0 else None,
        )
    ax.axvline(base_value, color="black", lw=1)
    ax.set_yticks(range(len(t)))
    ax.set_yticklabels(
        [
            wrap(f"{parameter_name(p)} ({lo:g} to {hi:g})", 3.6)
            for p, lo, hi in zip(t["parameter"], t["low"], t["high"])
        ]
    )
    ax.set_xlabel(label)
    if percent:
        _percent_axis(ax.xaxis)
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    title(fig, title_text)
    return fig


def points_figure(
    points: pd.DataFrame, values: np.ndarray, label: str, title_text: str, percent: bool = False
):
    """The outcome at every design point against each swept parameter."""
    names = list(points.columns)
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = new_figure(rows, cols, 3.2 * rows + 1.0, sharey=True)
    for ax, name in zip(axes.flat, names):
        ax.scatter(points[name], values, s=20, color=PALETTE[5])
        ax.set_xlabel(wrap(parameter_name(name), MAX_WIDTH_IN / cols * 0.9))
        if percent:
            _percent_axis(ax.yaxis)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(wrap(label, 2.4))
    title(fig, title_text)
    return fig
