"""The report's figures (matplotlib), sized by ``canvas``'s rule: fan charts over time, the forest
plot of paired effects, the cost-effectiveness plane, the caseload distribution (all of the region),
small multiples of a region's councils, the tornado of a sweep and its design points. Okabe-Ito
colour-blind-safe palette, one colour per scenario in every figure (``scenario_colours``); titles of
one line; percentages carry a % sign, counts of people start at zero, money is a year; effects mark
the direction that is better (the column's declared ``better``); a panel with nothing to draw says
why. ``save`` writes a figure as a 200 dpi PNG and an SVG beside it."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

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
    WHOLE_SYSTEM_COST,
    band_column,
)
from sim.experiment.results import Results
from sim.experiment.resultset import atomic_write
from sim.present.board import Board
from sim.present.briefing import FEWER_CHILDREN, YEARS
from sim.present.canvas import MAX_WIDTH_IN, PRINT_DPI, TEXT_PT, new_figure, title, wrap
from sim.present.formats import is_money, outcome
from sim.present.labels import path_words, scenario_labels
from sim.present.readings import CI, INTERVAL, SAME, SINGLE, UNDEFINED, Reading, mean_text, reading
from sim.present.region import PERMANENT_SHARE, council_range, councils
from sim.scenario import LEVELS

PALETTE = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
MONEY_SCALE, MONEY_UNIT = 1e-3, "£ thousand"
BANDS = (0.5, 0.9)  # the fans' central shares of replications
BANDS_NOTE = f"line: median; bands: {BANDS[0]:.0%} and {BANDS[1]:.0%} of replications"


ORDER = [0, 1, 2, 3, 5, 7, 4]  # the scenarios' colours: vermilion kept for references, yellow last
REFERENCE = PALETTE[6]  # a target or a claim the figure tests (vermilion, dotted)
NEUTRAL = "#777777"  # what is no scenario's: a zero line, the legend's key to markers and bands
TOO_SHORT = "too short to show a yearly rate"
NO_CHANGE = "no change in any replication"
BETTER = {"lower": "← better", "higher": "better →", "neither": ""}


def scenario_colours(names: list[str]) -> dict[str, str]:
    """Each scenario's colour by its place in the comparison (the baseline black): the one map of
    scenario to colour every figure uses."""
    return {name: PALETTE[ORDER[i % len(ORDER)]] for i, name in enumerate(names)}


def _own(artists, name: str) -> None:
    """Mark what is drawn for scenario ``name`` (its gid, kept in the SVG); ``artists`` an artist,
    a list of them or a container (errorbar, bars)."""
    if isinstance(artists, (list, tuple)):
        for artist in artists:
            _own(artist, name)
    elif artists is not None:
        artists.set_gid(f"scenario:{name}")


def better_words(metric: str, sign: int = 1) -> str:
    """'← better' or 'better →' for a difference in ``metric`` on an axis (``sign`` -1 where the
    axis shows the difference negated, e.g. turnover avoided); '' for neither."""
    better = outcome(metric).better
    if sign < 0 and better != "neither":
        better = "higher" if better == "lower" else "lower"
    return BETTER[better]


def _with_better(label: str, words: str) -> str:
    return f"{label} ({words})" if words else label


def _says(ax, text: str, width_in: float) -> None:
    """Words in the middle of a panel that has nothing to draw."""
    ax.text(
        0.5, 0.5, wrap(text, width_in), transform=ax.transAxes, ha="center", va="center",
        color="#444444",
    )  # fmt: skip


def save(fig, png: Path) -> bytes:
    """Write ``fig`` as PNG at ``PRINT_DPI`` and as SVG beside it (same name, .svg); the PNG."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PRINT_DPI)
    data = buf.getvalue()
    png = Path(png)
    atomic_write(png, lambda p: p.write_bytes(data))
    atomic_write(png.with_suffix(".svg"), lambda p: fig.savefig(p, format="svg"))
    return data


def _percent_axis(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=100, decimals=None))


# -- fan charts over time -------------------------------------------------------------------------
class Measure(NamedTuple):
    """A monthly measure per replication as a fan chart draws it."""

    values: pd.Series  # aligned with the monthly rows
    label: str  # the axis label
    percent: bool = False
    people: bool = False  # a count of people: drawn from zero
    metric: str = ""  # the summary column whose mean the panel quotes ("" for none)
    short: str = "nothing to show"  # what a panel says when there are too few months to draw


def _series(ts: pd.DataFrame) -> dict[str, Measure]:
    """Monthly measures per replication by name; money a year (the month's times 12)."""
    perm = ts["perm_total"]
    a_year = f"{MONEY_UNIT} a year"
    out = {
        "agency_share": Measure(
            100 * ts["agency_total"] / (ts["agency_total"] + perm), "agency share", True,
            metric="agency_share",
        ),
        "vacancy_rate": Measure(
            100 * ts["vacancies_total"] / (ts["vacancies_total"] + perm), "vacancy rate", True,
            metric="vacancy_rate",
        ),
        "caseload_mean": Measure(
            ts["caseload_mean"], "mean cases per case holder", metric="mean_caseload"
        ),
        "caseload_p95": Measure(
            ts["caseload_p95"], "95th percentile of cases per case holder", metric="p95_caseload"
        ),
        "cost": Measure(
            12 * ts["cost_gbp_month"] * MONEY_SCALE, f"cost ({a_year})", metric=TOTAL_COST
        ),
        "permanent_practice": Measure(
            100 * perm / (ts["agency_total"] + perm), "share of practice by permanent staff", True,
            metric=PERMANENT_SHARE,
        ),
        "agency_total": Measure(
            ts["agency_total"], "agency workers (FTE)", people=True, metric="agency_mean"
        ),
        "agency_cost": Measure(
            12 * ts["agency_cost_gbp_month"] * MONEY_SCALE, f"agency spend ({a_year})",
            metric="agency_cost_gbp",
        ),
    }  # fmt: skip
    leavers12 = ts.groupby(["scenario", "rep"])["leavers"].transform(
        lambda x: x.rolling(12, min_periods=12).sum()
    )
    out["turnover"] = Measure(
        100 * leavers12 / perm, "turnover, last 12 months", True, metric=TURNOVER_RATE,
        short=TOO_SHORT,
    )  # fmt: skip
    for lv in LEVELS:
        out[f"perm_{lv}"] = Measure(ts[f"perm_{lv}"], f"{LEVEL_WORDS[lv]} (FTE)", people=True)
    return out


def _fan(ax, months, values: pd.DataFrame, colour: str, name: str) -> None:
    x = months / 12.0
    for share, alpha in zip(BANDS[::-1], (0.15, 0.3)):
        low, high = values.quantile([(1 - share) / 2, (1 + share) / 2], axis=1).to_numpy()
        _own(ax.fill_between(x, low, high, color=colour, alpha=alpha, lw=0), name)
    _own(ax.plot(x, values.median(axis=1), color=colour, lw=1.6), name)


def _drawable(values: pd.DataFrame) -> bool:
    """Two months or more with a value: a line to draw."""
    return int(values.median(axis=1).notna().sum()) >= 2


def _fan_legend(fig, cols: int, references: list[str]) -> None:
    """The key to the fans, below them: the median, the bands, the baseline's and the references'
    lines."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=NEUTRAL, lw=1.6, label="median of replications")] + [
        Patch(color=NEUTRAL, alpha=alpha, lw=0, label=f"{share:.0%} of replications")
        for share, alpha in zip(BANDS, (0.45, 0.2))
    ]
    if cols > 1:
        handles.append(
            Line2D([], [], color="black", lw=0.9, ls="--", label="the baseline's median")
        )
    handles += [
        Line2D([], [], color=REFERENCE, lw=1.2, ls=":", label=wrap(words, 3.0))
        for words in references
    ]
    fig.legend(
        handles=handles, loc="outside lower center", ncols=min(len(handles), 3), frameon=False
    )


def monthly_rows(results: Results, authority: str = REGION) -> pd.DataFrame:
    """Every scenario's monthly rows for one authority (the region's by default), with a
    ``scenario`` column."""
    return pd.concat(
        [results.monthly(n, authority).assign(scenario=n) for n in results.names], ignore_index=True
    )


def _panel_title(results: Results, name: str, m: Measure, drawn: bool) -> str:
    """A fan panel's own line: the scenario's mean over the run, as the key numbers table shows
    it ('' where the measure has no summary column or the panel draws nothing)."""
    return f"over the run: {mean_text(results, name, m.metric)}" if m.metric and drawn else ""


def fan_figure(
    results: Results,
    measures: list[str],
    title_text: str,
    references: dict[str, tuple[float, str]] | None = None,
):
    """Rows: measures; columns: scenarios. Each panel shows its scenario's fan (median, and the
    central ``BANDS`` of replications) of the region, its mean over the run above it and, dashed,
    the baseline's median for reference; dotted, a measure's reference value (``references``:
    measure -> (value as the axis shows it, words for the legend)). Counts of people start at zero;
    a panel with too few months to draw says so."""
    references = references or {}
    ts = monthly_rows(results)
    series = _series(ts)
    labels = scenario_labels(results.scenarios, results.names)
    colours = scenario_colours(results.names)
    rows, cols = len(measures), len(results.names)
    panel_height = 2.2
    fig, axes = new_figure(rows, cols, panel_height * rows + 1.4, sharex=True, sharey="row")
    panel = MAX_WIDTH_IN / cols
    for r, measure in enumerate(measures):
        m = series[measure]
        frame = ts[["scenario", "rep", "month"]].assign(v=m.values.to_numpy())
        wide = {
            n: frame[frame["scenario"] == n].pivot(index="month", columns="rep", values="v")
            for n in results.names
        }
        reference = wide[results.baseline].median(axis=1)
        for c, name in enumerate(results.names):
            ax = axes[r, c]
            drawn = _drawable(wide[name])
            if drawn:
                _fan(ax, wide[name].index.to_numpy(), wide[name], colours[name], name)
            else:
                _says(ax, m.short, panel * 0.8)
            if c > 0 and drawn:
                _own(
                    ax.plot(
                        reference.index / 12.0, reference.to_numpy(), color="black", lw=0.9, ls="--"
                    ),
                    results.baseline,
                )
            head = [labels[name]] if r == 0 else []
            own = _panel_title(results, name, m, drawn)
            ax.set_title(
                "\n".join(wrap(t, panel * 0.9) for t in head + ([own] if own else [])),
                fontsize=TEXT_PT,
            )
            if c == 0:
                ax.set_ylabel(wrap(m.label, 0.75 * panel_height))
            if r == rows - 1:
                ax.set_xlabel("years after warm-up")
            if measure in references and drawn:
                ax.axhline(references[measure][0], color=REFERENCE, lw=1.2, ls=":")
            if m.percent:
                _percent_axis(ax.yaxis)
            ax.grid(alpha=0.3)
        if not any(_drawable(w) for w in wide.values()):
            axes[r, 0].set_yticks([])
        elif m.people:
            axes[r, 0].set_ylim(bottom=0)
    _fan_legend(fig, cols, [references[m][1] for m in measures if m in references])
    title(fig, title_text)
    return fig


def overview_figure(results: Results):
    """The run at a glance: the fans of turnover, agency, vacancies and caseloads."""
    base = scenario_labels(results.scenarios, results.names)[results.baseline]
    return fan_figure(
        results,
        ["turnover", "agency_share", "vacancy_rate", "caseload_p95"],
        f"{base}: the workforce over time",
    )


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


def _mark(ax, x: float, y: float, r: Reading, colour: str, scale: float, name: str) -> None:
    """A difference: its interval as a bar; filled when the interval excludes zero."""
    face = colour if r.measurable else "white"
    if r.status == INTERVAL:
        drawn = ax.errorbar(
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
        drawn = ax.plot(
            [x * scale], [y], "s" if r.status == SAME else "D", color=colour, mfc="white", ms=7
        )
    _own(drawn, name)


def _no_change(r: Reading) -> bool:
    """A difference of zero in every replication."""
    return r.status == SAME and r.estimate == 0


def _marker_key(fig, filled: str) -> None:
    """The key to the markers, below the figure: filled, hollow, and without an interval."""
    from matplotlib.lines import Line2D

    key = dict(color=NEUTRAL, ls="", ms=7)
    handles = [
        Line2D([], [], marker="o", mfc=NEUTRAL, label=filled, **key),
        Line2D([], [], marker="o", mfc="white", label="the interval includes zero", **key),
        Line2D([], [], marker="s", mfc="white", label="the same in every replication", **key),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)


def forest_figure(results: Results):
    """Each variant's paired difference from the baseline in each key metric, with its 95% CI; a
    filled marker where the interval excludes zero; a note where there is no interval; the side
    that is better marked on each axis; a panel where no variant changes anything says so."""
    variants = results.names[1:]
    labels = scenario_labels(results.scenarios, results.names)
    colours = scenario_colours(results.names)
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
        ax.set_title(wrap(outcome(metric).label, panel * 0.9), fontsize=TEXT_PT)
        ax.set_ylim(-0.7, len(variants) - 0.3)
        rs = {n: reading(results.row(n, metric), difference=True) for n in variants}
        if all(_no_change(r) for r in rs.values()):
            _says(ax, NO_CHANGE, panel * 0.8)
            ax.set_xticks([])
            continue
        notes = []
        for i, name in enumerate(variants):
            r = rs[name]
            if r.status == UNDEFINED:
                notes.append(r.why())
                continue
            _mark(ax, r.estimate, top - i, r, colours[name], scale, name)
            if r.status in (SINGLE, SAME):
                notes.append(r.why().split(":")[0])
        ax.axvline(0, color="grey", lw=0.8)
        note = "; ".join(sorted(set(notes)))
        if note and len(notes) == len(variants) and all(n.startswith("undefined") for n in notes):
            _says(ax, note, panel * 0.8)
            ax.set_xticks([])
            note = ""
        label = _with_better(f"difference, {unit}", better_words(metric))
        ax.set_xlabel(wrap(label + (f" ({note})" if note else ""), panel * 0.9))
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
    _marker_key(fig, "the interval excludes zero")
    title(fig, f"Paired difference from {labels[results.baseline]} ({CI})", verdict)
    return fig


def cost_plane_figure(results: Results):
    """Extra whole-system cost (workforce and care, as the cost per point) against turnover
    avoided, each with its paired 95% CI."""
    labels = scenario_labels(results.scenarios, results.names)
    colours = scenario_colours(results.names)
    fig, axes = new_figure(1, 1, 5.6, width_in=8.0)
    ax = axes[0, 0]
    best = None
    for i, name in enumerate(results.names[1:]):
        turn = reading(results.row(name, TURNOVER_RATE), difference=True)
        cost = reading(results.row(name, WHOLE_SYSTEM_COST), difference=True)
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
        drawn = ax.errorbar(
            [x],
            [y],
            xerr=xerr,
            yerr=yerr,
            fmt="o",
            color=colours[name],
            capsize=3,
            ms=7,
            mfc=colours[name] if turn.measurable else "white",
            label=wrap(labels[name], 7.0),
        )
        _own(drawn, name)
        if (
            turn.measurable
            and turn.estimate < 0
            and (best is None or turn.estimate < best[1].estimate)
        ):
            best = (name, turn, cost)
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel(
        "turnover avoided (percentage points a year; filled: its interval excludes zero; "
        f"{better_words(TURNOVER_RATE, -1)})"
    )
    ax.set_ylabel(
        f"extra whole-system cost ({MONEY_UNIT} a year; "
        f"{better_words(WHOLE_SYSTEM_COST).replace('←', '↓')})"
    )
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
        f"Cost against turnover avoided, paired with {labels[results.baseline]} ({CI})",
        verdict,
    )
    return fig


# -- caseloads ------------------------------------------------------------------------------------
def caseload_figure(results: Results):
    """How many cases the region's case holders hold: the share of case-holder month ends in each
    band."""
    labels = scenario_labels(results.scenarios, results.names)
    colours = scenario_colours(results.names)
    cap = results.scenarios[results.baseline].reporting.caseload_cap
    cols = [band_column(lo, hi) for lo, hi in CASELOAD_BANDS]
    ticks = [f"{lo}-{hi}" if hi else f"{lo}+" for lo, hi in CASELOAD_BANDS]
    fig, axes = new_figure(1, 1, 4.6)
    ax = axes[0, 0]
    width = 0.8 / len(results.names)
    for i, name in enumerate(results.names):
        counts = results.monthly(name)[cols].sum()
        share = 100 * counts / max(counts.sum(), 1)
        over = mean_text(results, name, "share_over_cap")
        drawn = ax.bar(
            np.arange(len(cols)) + i * width,
            share.to_numpy(),
            width,
            label=wrap(f"{labels[name]} (over {cap:g} cases: {over})", 3.2),
            color=colours[name],
        )
        _own(drawn, name)
    ax.set_xticks(np.arange(len(cols)) + width * (len(results.names) - 1) / 2)
    ax.set_xticklabels(ticks)
    ax.set_xlabel("cases held at a month end")
    ax.set_ylabel("share of case holders")
    _percent_axis(ax.yaxis)
    fig.legend(loc="outside lower center", ncols=min(len(results.names), 3), frameon=False)
    title(fig, f"Cases held at month ends, and the share of case holders over {cap:g} cases")
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
    colours = scenario_colours(results.names)
    return [
        Line2D([], [], color=colours[n], lw=2.5, label=wrap(labels[n], width_in))
        for n in results.names
    ]


def council_staffing_figure(results: Results):
    """Small multiples, one panel per council on the same axes: permanent staff, agency workers and
    vacancies as shares of the council's funded posts, mean over replications by month; each
    scenario in its colour."""
    from matplotlib.lines import Line2D

    names = councils(results)
    one = len(results.names) == 1  # one scenario: a colour per measure; else per scenario
    colours = scenario_colours(results.names)
    fig, panels, spare = _council_grid(names, "% of funded posts")
    for ax, council in zip(panels, names):
        for name in results.names:
            m = results.monthly(name, council)
            posts = m["perm_total"] + m["vacancies_total"]
            for column, _, style, colour in STAFFING:
                mean = _by_month(m, 100 * m[column] / posts)
                drawn = ax.plot(
                    mean.index / 12.0,
                    mean.to_numpy(),
                    color=colour if one else colours[name],
                    ls=style,
                    lw=1.6,
                )
                if not one:
                    _own(drawn, name)
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
        "Each council's staffing as a share of its funded posts",
        f"vacancy rate{where} {council_range(results, results.baseline, 'vacancy_rate')}",
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
    colours = scenario_colours(results.names)
    for ax, council in zip(panels, names):
        ax.plot(reference.index / 12.0, reference.to_numpy(), color="grey", lw=0.9, ls="--")
        for name in results.names:
            m = results.monthly(name, council)
            mean = _by_month(m, m["caseload_mean"])
            _own(ax.plot(mean.index / 12.0, mean.to_numpy(), color=colours[name], lw=1.6), name)
    width = MAX_WIDTH_IN / GRID_COLUMNS * 0.9
    labels = scenario_labels(results.scenarios, results.names)
    region_words = "the region" + (
        f" ({labels[results.baseline]})" if len(results.names) > 1 else ""
    )
    handles = _scenario_handles(results, width) or [
        Line2D([], [], color=colours[results.baseline], lw=1.6, label="the council")
    ]
    handles.append(Line2D([], [], color="grey", lw=0.9, ls="--", label=wrap(region_words, width)))
    _grid_legend(fig, spare, handles)
    where = f" in {labels[results.baseline]}" if len(results.names) > 1 else ""
    title(
        fig,
        "Each council's mean cases per case holder",
        f"{council_range(results, results.baseline, 'mean_caseload')}{where}",
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
    reference value (value, words) where given. A count (not ``percent``) is drawn from zero."""
    from matplotlib.lines import Line2D

    names = councils(results)
    colours = scenario_colours(results.names)
    fig, panels, spare = _council_grid(names, ylabel)
    for ax, council in zip(panels, names):
        if reference:
            ax.axhline(reference[0], color=REFERENCE, lw=1.2, ls=":")
        for name in results.names:
            m = results.monthly(name, council)
            mean = _by_month(m, values(m))
            _own(ax.plot(mean.index / 12.0, mean.to_numpy(), color=colours[name], lw=1.6), name)
        if percent:
            _percent_axis(ax.yaxis)
    if not percent:
        panels[0].set_ylim(bottom=0)
    width = MAX_WIDTH_IN / GRID_COLUMNS * 0.9
    handles = _scenario_handles(results, width) or [
        Line2D([], [], color=colours[results.baseline], lw=1.6, label="the council")
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


def council_rows_height(councils: int, scenarios: int) -> float:
    """The height (inches) of a figure of ``council_marks``."""
    return 0.28 * councils * max(1.0, scenarios / 3) + 2.4


def council_marks(
    ax,
    councils: list[str],
    scenarios: list[str],
    colours: dict[str, str],
    labels: dict[str, str],
    reading: Callable[[str, str], Reading],
    scale: float = 1.0,
) -> None:
    """A row per council (from the top), a mark per scenario in its colour with its interval
    (``reading(scenario, council)``, times ``scale``), and a legend key per scenario."""
    k = len(scenarios)
    step = 0.7 / k
    for i, name in enumerate(scenarios):
        for j, council in enumerate(councils):
            y = len(councils) - 1 - j + 0.35 - (i + 0.5) * step
            _own(_level_mark(ax, reading(name, council), y, colours[name], scale), name)
        key = ax.plot(
            [],
            [],
            "o",
            color=colours[name],
            label=wrap(labels[name], MAX_WIDTH_IN / min(k, 3) * 0.8),
        )
        _own(key, name)
    _bar_rows(ax, councils)


def moves_figure(board: Board):
    """Who gains and who loses staff to the other councils: each council's net gain from moves
    (moves in minus moves out, a year), mean over replications with its 95% CI, a marker per
    scenario; filled where the interval excludes zero."""
    results = board.results
    names = councils(results)
    labels = board.labels
    k = len(results.names)
    fig, axes = new_figure(1, 1, council_rows_height(len(names), k))
    ax = axes[0, 0]
    council_marks(
        ax,
        names,
        results.names,
        scenario_colours(results.names),
        labels,
        lambda name, council: board.reading(name, NET_MOVES, council),
    )
    ax.set_xlabel(
        "net gain from moves between councils (people a year; negative: a loss; filled: the "
        "interval excludes zero)"
    )
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
            f"most gained{where} by {most} ({finite[most].shown(finite[most].estimate, True)} a "
            f"year), most lost by {least} ({finite[least].shown(finite[least].estimate, True)})"
        )
    title(fig, f"Who gains and who loses staff to the other councils ({CI})", verdict)
    return fig


def _level_mark(
    ax, r: Reading, y: float, colour: str, scale: float = 1.0, marker: str = "o"
) -> list:
    """A value with its interval, filled when the interval excludes zero; a diamond without one;
    what it drew."""
    if r.status == INTERVAL:
        return ax.errorbar(
            [r.estimate * scale],
            [y],
            xerr=[[(r.estimate - r.low) * scale], [(r.high - r.estimate) * scale]],
            fmt=marker,
            color=colour,
            mfc=colour if r.measurable else "white",
            capsize=2,
            ms=5,
        )
    if math.isfinite(r.estimate):
        return ax.plot([r.estimate * scale], [y], "D", color=colour, mfc="white", ms=5)
    return []


def children_figure(board: Board):
    """The test of the briefing's claim: each variant's fewer children entering care over three
    years than the baseline, with the staffing effects on (circles) and off (squares), 95% CI, in
    the variant's colour, beside its 300."""
    from matplotlib.lines import Line2D

    results, labels = board.results, board.labels
    variants = board.variants
    colours = scenario_colours(results.names)
    ticks = [wrap(labels[n], 3.0) for n in variants]
    per = max(0.6, 0.17 * max(t.count("\n") + 1 for t in ticks) + 0.3)
    fig, axes = new_figure(1, 1, per * len(variants) + 2.2)
    ax = axes[0, 0]
    for i, name in enumerate(variants):
        for metric, dy, marker in ((ENTERED_3Y, 0.15, "o"), (NO_EFFECTS_3Y, -0.15, "s")):
            d = board.reading(name, metric, difference=True)
            fewer = Reading(d.metric, -d.estimate, -d.high, -d.low, d.method, d.n, True)
            drawn = _level_mark(ax, fewer, len(variants) - 1 - i + dy, colours[name], marker=marker)
            _own(drawn, name)
    ax.axvline(FEWER_CHILDREN, color=REFERENCE, lw=1.2, ls=":")
    _bar_rows(ax, ticks)
    ax.set_xlabel(
        f"fewer children entering care over {YEARS} years than {labels[results.baseline]} "
        f"(negative: more; filled: the interval excludes zero; {better_words(ENTERED_3Y, -1)})"
    )
    handles = [
        Line2D([], [], color=NEUTRAL, marker="o", ls="", label="staffing effects on"),
        Line2D([], [], color=NEUTRAL, marker="s", ls="", label="staffing effects off"),
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
        f"Fewer children entering care over {YEARS} years, beside the briefing's {FEWER_CHILDREN}",
        verdict,
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
