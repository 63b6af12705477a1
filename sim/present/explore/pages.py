"""What each page of the explorer shows, as tables and matplotlib figures: the decision table and
warnings (``sim.present.decision``, as on the report's first screen), measures over time with the
replications' bands (median, and the central 50% and 90%), one panel per chosen council, and the
distribution of a summary measure over replications by scenario. Every table here is the data its
figure draws, in the figure's units, so the CSV a user downloads is what they saw."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from sim.columns import OUTCOMES, REGION
from sim.experiment.results import Results
from sim.present.board import Board
from sim.present.brief import GAINS_AND_LOSSES, GainsAndLosses, gains_and_losses
from sim.present.canvas import MAX_WIDTH_IN, new_figure, wrap
from sim.present.canvas import title as set_title
from sim.present.decision import decision_table, warnings
from sim.present.figures import (
    BANDS,
    BANDS_NOTE,
    NEUTRAL,
    _council_grid,
    _grid_legend,
    _percent_axis,
    _says,
    _series,
    _shown_scale,
    _with_better,
    better_words,
    council_marks,
    council_rows_height,
    level_scale,
    monthly_rows,
    scenario_colours,
)
from sim.present.formats import outcome
from sim.present.labels import capitalised, scenario_labels
from sim.present.readings import CI, INTERVAL
from sim.present.region import councils

SCREEN_DPI = 100  # PNG downloads: the page's size
BAND_COLUMNS = ("median", "low_50", "high_50", "low_90", "high_90")
TIME_MEASURES = (  # the fans a board asks about first, then the rest of ``figures._series``
    "turnover",
    "vacancy_rate",
    "agency_share",
    "caseload_p95",
    "caseload_mean",
    "cost",
    "agency_cost",
    "agency_total",
    "permanent_practice",
)


# -- the decision table --------------------------------------------------------------------------
def decision_frame(results: Results, authority: str = REGION) -> pd.DataFrame:
    """The decision table as a frame: a row per scenario (its letter and plain name), a column per
    measure (heading and unit); a cell holds the baseline's level or a variant's change, its 95%
    interval and the verdict."""
    d = decision_table(results, authority)
    columns = [f"{h} ({u})" for h, u in zip(d.headings, d.units)]
    rows = []
    for row in d.rows:
        cells = [
            c.value
            + (f" ({c.interval})" if c.interval else "")
            + (f": {c.verdict}" if c.verdict else "")
            for c in row.cells
        ]
        rows.append([row.key, row.label, *cells])
    return pd.DataFrame(rows, columns=["", "scenario", *columns]).set_index("")


def scenario_notes(results: Results) -> list[str]:
    """Each scenario's letter, plain name and what it does, one line each."""
    return [f"{r.key}: {r.label}. {r.sentence}" for r in decision_table(results).rows]


def warning_lines(results: Results) -> list[str]:
    """The first screen's warnings (``decision.warnings``)."""
    return warnings(results)


# -- who gains and who loses ------------------------------------------------------------------
def gains(board: Board | None) -> list[GainsAndLosses]:
    """Who gains and who loses with each variant, council by council (the brief's tables); none
    for a run or a scenario without councils."""
    return [] if board is None else [gains_and_losses(board, name) for name in board.variants]


def gains_frame(g: GainsAndLosses) -> pd.DataFrame:
    """One variant's changes as a frame: a row per council, a column per measure (heading and
    unit); a cell holds the change from the baseline and, if measurable, better or worse."""
    columns = [f"{h} ({u})" for h, u in g.headings]
    rows = [
        [
            text.replace("\u2060", "") + (f": {verdict}" if verdict else "")
            for text, verdict in c.cells
        ]
        for c in g.councils
    ]
    frame = pd.DataFrame(rows, columns=columns, index=[c.name for c in g.councils])
    frame.index.name = "council"
    return frame


def gains_measures() -> dict[str, str]:
    """The measures of who gains and who loses (the brief's table's columns), with their labels."""
    return {m: capitalised(outcome(m).label) for m in GAINS_AND_LOSSES}


def gains_changes(board: Board, metric: str) -> pd.DataFrame:
    """Each variant's paired change from the baseline in ``metric``, council by council, with its
    95% interval (none where every replication gives the same change or there is one), in the
    chart's unit (percentage points, £ thousand a year, people a year): what ``gains_figure``
    draws."""
    scale, unit = _shown_scale(metric)
    rows = []
    for name in board.variants:
        for council in councils(board.results):
            r = board.reading(name, metric, council, difference=True)
            bounded = r.status == INTERVAL
            rows.append(
                {
                    "variant": name,
                    "label": board.labels[name],
                    "council": council,
                    "change": scale * r.estimate,
                    "low_95": scale * r.low if bounded else np.nan,
                    "high_95": scale * r.high if bounded else np.nan,
                    "measurable": r.measurable,
                    "unit": unit,
                }
            )
    return pd.DataFrame(rows)


def gains_figure(board: Board, metric: str):
    """Each council's change in ``metric`` with each variant (a row per council, a marker per
    variant in its colour): the paired change from the baseline with its 95% interval, filled
    where the interval excludes zero (as the report's moves between councils)."""
    results, labels = board.results, board.labels
    names, variants = councils(results), board.variants
    colours = scenario_colours(results.names)
    scale, unit = _shown_scale(metric)
    k = len(variants)
    fig, axes = new_figure(1, 1, council_rows_height(len(names), k))
    ax = axes[0, 0]
    council_marks(
        ax,
        names,
        variants,
        colours,
        labels,
        lambda name, council: board.reading(name, metric, council, difference=True),
        scale,
    )
    label = _with_better(f"change from {labels[results.baseline]}, {unit}", better_words(metric))
    ax.set_xlabel(wrap(f"{label}; filled: the interval excludes zero", MAX_WIDTH_IN * 0.9))
    fig.legend(loc="outside lower center", ncols=min(k, 3), frameon=False)
    set_title(fig, f"{gains_measures()[metric]}: each council's change ({CI})")
    return fig


# -- measures over time --------------------------------------------------------------------------
def time_measures(results: Results) -> dict[str, str]:
    """The measures over time that can be drawn, by key, with their labels."""
    series = _series(monthly_rows(results))
    return {key: series[key].label for key in TIME_MEASURES if key in series}


def panels(results: Results, chosen: list[str], every_council: bool) -> list[str]:
    """The authorities drawn, a panel each: those chosen, or with ``every_council`` each council
    of the region (the region itself for a scenario without councils)."""
    if not every_council:
        return chosen
    return [a for a in results.authorities if a != REGION] or [REGION]


def time_bands(
    results: Results, measure: str, scenarios: list[str], authorities: list[str]
) -> pd.DataFrame:
    """For each authority, scenario and month: the median of the replications and the bounds of
    their central 50% and 90% (``BAND_COLUMNS``), in the unit the figure shows."""
    frames = []
    for authority in authorities:
        ts = monthly_rows(results, authority)
        ts = ts[ts["scenario"].isin(scenarios)].reset_index(drop=True)
        values = ts[["scenario", "rep", "month"]].assign(v=_series(ts)[measure].values.to_numpy())
        grouped = values.groupby(["scenario", "month"], sort=False)["v"]
        quantiles = {"median": 0.5}
        for share in BANDS:
            pct = round(100 * share)
            quantiles[f"low_{pct}"] = (1 - share) / 2
            quantiles[f"high_{pct}"] = (1 + share) / 2
        table = pd.DataFrame({k: grouped.quantile(q) for k, q in quantiles.items()}).reset_index()
        table.insert(0, "authority", authority)
        table.insert(3, "years", table["month"] / 12.0)
        table["replications"] = grouped.count().to_numpy()
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def time_figure(results: Results, bands: pd.DataFrame, measure: str):
    """One panel per authority in ``bands``, each with every scenario's median and bands."""
    m = _series(monthly_rows(results))[measure]
    authorities = list(dict.fromkeys(bands["authority"]))
    fig, panels, spare = _council_grid(authorities, m.label)
    labels = scenario_labels(results.scenarios, results.names)
    colours = scenario_colours(results.names)
    for ax, authority in zip(panels, authorities):
        here = bands[bands["authority"] == authority]
        if here.groupby("scenario")["median"].count().max() < 2:  # no line to draw
            _says(ax, m.short, MAX_WIDTH_IN / max(1, min(3, len(authorities))) * 0.8)
            continue
        for name, rows in here.groupby("scenario", sort=False):
            x = rows["years"].to_numpy()
            for share, alpha in zip(BANDS[::-1], (0.15, 0.3)):
                pct = round(100 * share)
                ax.fill_between(
                    x, rows[f"low_{pct}"], rows[f"high_{pct}"], color=colours[name], alpha=alpha,
                    lw=0,
                )  # fmt: skip
            ax.plot(x, rows["median"], color=colours[name], lw=1.6)
        if m.percent:
            _percent_axis(ax.yaxis)
        if m.people:
            ax.set_ylim(bottom=0)
    from matplotlib.lines import Line2D

    width = MAX_WIDTH_IN / max(1, min(3, len(authorities)))
    handles = [
        Line2D([], [], color=colours[n], lw=2.5, label=wrap(labels[n], width))
        for n in dict.fromkeys(bands["scenario"])
    ]
    _grid_legend(fig, spare, handles)
    set_title(fig, f"{m.label[:1].upper()}{m.label[1:]} over time", BANDS_NOTE)
    return fig


# -- distributions of a summary measure ----------------------------------------------------------
def measure_label(metric: str) -> str:
    """A summary measure's label in its figure's unit: 'annual turnover (%)', 'workforce cost
    (£ thousand a year)', 'cases waiting (cases)' (``figures.level_scale``)."""
    _, label, percent = level_scale(metric)
    return f"{label} (%)" if percent else label


def summary_measures(results: Results) -> dict[str, str]:
    """The summary measures with a value in some replication, by name, with their labels in the
    figure's unit."""
    out = {}
    for name, col in OUTCOMES.items():
        if col.text or name not in results.summaries:
            continue
        if np.isfinite(pd.to_numeric(results.summaries[name], errors="coerce")).any():
            out[name] = measure_label(name)
    return out


def distribution(results: Results, metric: str, authority: str = REGION) -> pd.DataFrame:
    """Each replication's value of ``metric`` for one authority, by scenario, in the figure's unit
    (a share as a percentage, money in £ thousand a year)."""
    scale, _, _ = level_scale(metric)
    labels = scenario_labels(results.scenarios, results.names)
    frames = [
        pd.DataFrame(
            {
                "scenario": name,
                "label": labels[name],
                "authority": authority,
                "rep": results.summary(name, authority)["rep"].to_numpy(),
                "value": scale * results.summary(name, authority)[metric].to_numpy(dtype=float),
            }
        )
        for name in results.names
    ]
    return pd.concat(frames, ignore_index=True)


def _horizontal() -> dict:
    """``boxplot``'s horizontal option: ``orientation`` from Matplotlib 3.10, ``vert`` before."""
    from matplotlib import __version__

    major, minor = (int(p) for p in __version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


def distribution_figure(results: Results, frame: pd.DataFrame, metric: str):
    """A box and the replications' points per scenario (one row each), the baseline on top."""
    _, axis_label, percent = level_scale(metric)
    names = list(dict.fromkeys(frame["scenario"]))
    colours = scenario_colours(results.names)
    fig, axes = new_figure(1, 1, 1.2 + 0.6 * len(names))
    ax = axes[0, 0]
    rng = np.random.default_rng(0)  # the points' jitter only: the same picture every time
    for i, name in enumerate(names):
        y = len(names) - 1 - i
        values = frame.loc[frame["scenario"] == name, "value"].dropna().to_numpy()
        if values.size:
            ax.boxplot(
                values, positions=[y], widths=0.5, showfliers=False,
                medianprops={"color": NEUTRAL}, **_horizontal(),
            )  # fmt: skip
            jitter = rng.uniform(-0.15, 0.15, values.size)
            ax.scatter(values, y + jitter, s=14, color=colours[name], alpha=0.8, zorder=3)
    labels = dict(zip(frame["scenario"], frame["label"]))
    ax.set_yticks(range(len(names)), [wrap(labels[n], 3.0) for n in reversed(names)])
    ax.set_xlabel(wrap(axis_label, MAX_WIDTH_IN * 0.8))
    if percent:
        _percent_axis(ax.xaxis)
    ax.grid(alpha=0.3, axis="x")
    authority = frame["authority"].iloc[0] if len(frame) else REGION
    set_title(fig, f"{axis_label[:1].upper()}{axis_label[1:]}", f"{authority}, each replication")
    return fig


# -- downloads -----------------------------------------------------------------------------------
def png_bytes(fig) -> bytes:
    """The figure as a PNG (then closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=SCREEN_DPI)
    plt.close(fig)
    return buf.getvalue()


def csv_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    """A table as UTF-8 CSV."""
    return frame.to_csv(index=index).encode("utf-8")
