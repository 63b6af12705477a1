"""Figures a board can print (issue 28, item 5): no empty or all-zero panel without a word of why,
the direction of "better" on effect charts, counts of people from zero and costs a year, one colour
per scenario in every figure, one-line titles clear of their legends, and every figure saved as a
200 dpi PNG beside an SVG. Checked on every figure of a short run (too short for a yearly rate) and
of a small regional comparison."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest
from conftest import REGIONAL_MARKET, pay_rise

import sim
import sim.present.report as report
from sim.columns import KEY_METRICS, column
from sim.present.board import board_of
from sim.present.labels import scenario_labels

# the full tier: every figure of a run and a regional comparison drawn and saved (pyproject.toml)
pytestmark = pytest.mark.slow

matplotlib.use("Agg")
PRINT_DPI = 200
ARROWS = {"lower": "← better", "higher": "better →"}


@pytest.fixture(scope="module")
def short_run():
    """Half a year of the baseline: too short for any rolling yearly rate."""
    return sim.run("baseline", reps=2, years=0.5, warmup_years=0, seed=3)


@pytest.fixture(scope="module")
def region_compared(baseline):
    """Three small councils, one paying 10% more, against one regional pay scale and a cap."""
    region = baseline.with_overrides(
        name="trio",
        authority={"Ashby": {}, "Bourne": pay_rise(0.10), "Crewe": {}},
        market=REGIONAL_MARKET,
    )
    return sim.compare(
        region, "regional_pay_alignment", "caseload_cap:cap=18", reps=3, years=1.0,
        warmup_years=0, seed=5,
    )  # fmt: skip


def _figures(results) -> dict[str, object]:
    """Every figure of a result's report, its board's section and its overview, by stem."""
    from sim.present.figures import overview_figure

    out = {stem: fig for stem, fig, _ in report.report_figures(results)}
    out.update({stem: fig for stem, fig, _ in report.council_figures(results)})
    out.update({stem: fig for stem, fig, _ in report.board_figures(board_of(results))})
    if results.kind == "run":
        out["overview"] = overview_figure(results)
    return out


@pytest.fixture(scope="module")
def figures(short_run, region_compared):
    """(results, stem, figure) of every figure of both, drawn."""
    import matplotlib.pyplot as plt

    out = []
    for results in (short_run, region_compared):
        for stem, fig in _figures(results).items():
            fig.canvas.draw()
            out.append((results, stem, fig))
    yield out
    plt.close("all")


def _panels(fig) -> list:
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison]


def _points(ax) -> np.ndarray:
    """The (x, y) points an axes draws in data coordinates: each marker, each line's points where
    it has two or more (one point of a line without a marker draws nothing), each bar's far
    corner."""
    pts = []
    for line in ax.get_lines():
        if line.get_transform() != ax.transData:
            continue  # a reference line across the axes (axhline, axvline)
        xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if line.get_marker() not in ("None", None, "", " ") or len(xy) >= 2:
            pts.append(xy)
    bars = [(b.get_x() + b.get_width(), b.get_y() + b.get_height()) for b in ax.patches]
    pts.append(np.array(bars, dtype=float).reshape(-1, 2))
    return np.concatenate(pts)


def _says_why(ax) -> bool:
    return any(t.get_visible() and t.get_text().strip() for t in ax.texts)


def _siblings(ax) -> list:
    return [
        a
        for group in (ax.get_shared_x_axes(), ax.get_shared_y_axes())
        for a in group.get_siblings(ax)
        if a is not ax
    ]


def _empty_or_zero(ax) -> bool:
    pts = _points(ax)
    return not len(pts) or bool((pts[:, 0] == 0).all() or (pts[:, 1] == 0).all())


# -- no empty chart, no all-zero panel ------------------------------------------------------------
def test_no_empty_or_all_zero_panel_without_words(figures):
    """A panel with nothing to draw, or only zeros, says why in the panel, unless it shares its
    axes with panels that draw something (the councils' small multiples)."""
    problems = []
    for results, stem, fig in figures:
        for ax in _panels(fig):
            if not _empty_or_zero(ax) or _says_why(ax):
                continue
            if any(not _empty_or_zero(a) for a in _siblings(ax)):
                continue
            problems.append(f"{results.kind} {stem}: {ax.get_title()!r} {ax.get_ylabel()!r}")
    assert not problems, "\n".join(problems)


def test_too_short_for_a_yearly_rate_says_so(figures):
    for results, stem, fig in figures:
        if results.kind == "run" and stem in ("turnover", "overview"):
            top = _panels(fig)[0]
            assert any("too short to show a yearly rate" in t.get_text() for t in top.texts), stem
            assert not [t.get_text() for t in top.get_yticklabels() if t.get_text()], stem


# -- better, honest axes --------------------------------------------------------------------------
def test_effect_charts_mark_the_better_direction(figures):
    by_label = {column(m).label: m for m in KEY_METRICS}
    seen = 0
    for _, stem, fig in figures:
        if stem == "effects":
            for ax in _panels(fig):
                metric = by_label[" ".join(ax.get_title().split())]
                better = column(metric).better
                if better in ARROWS:
                    seen += 1
                    assert ARROWS[better] in " ".join(ax.get_xlabel().split()), metric
        if stem == "cost_effectiveness":
            ax = _panels(fig)[0]
            assert "better →" in ax.get_xlabel() and "better" in ax.get_ylabel()
        if stem == "board_children":
            assert "better →" in _panels(fig)[0].get_xlabel()
    assert seen


def test_counts_of_people_are_drawn_from_zero_and_costs_a_year(figures):
    seen = 0
    for results, stem, fig in figures:
        for ax in _panels(fig):
            if "(FTE)" in ax.get_ylabel():
                seen += 1
                low, high = ax.get_ylim()
                assert low <= 0 <= high, f"{results.kind} {stem}: {ax.get_ylabel()} {low}-{high}"
        if stem in ("cost", "board_agency"):
            money = [" ".join(ax.get_ylabel().split()) for ax in _panels(fig)]
            money = [label for label in money if "£" in label]
            assert money and all("a year" in label for label in money), money
    assert seen


# -- titles and legends ---------------------------------------------------------------------------
def test_titles_are_one_line_clear_of_legends(figures):
    problems = []
    for results, stem, fig in figures:
        text = fig._suptitle
        renderer = fig.canvas.get_renderer()
        if text is None or "\n" in text.get_text():
            problems.append(f"{results.kind} {stem}: title of several lines")
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < 0 or box.x1 > fig.bbox.width:
            problems.append(f"{results.kind} {stem}: title wider than the figure")
        legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
        for legend in legends:
            if legend.get_window_extent(renderer).overlaps(box):
                problems.append(f"{results.kind} {stem}: a legend overlaps the title")
    assert not problems, "\n".join(problems)


# -- one colour per scenario ----------------------------------------------------------------------
def _colours(artist) -> set[str]:
    from matplotlib.collections import Collection
    from matplotlib.colors import to_hex
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(artist, Line2D):
        found = [artist.get_color(), artist.get_markerfacecolor(), artist.get_markeredgecolor()]
    elif isinstance(artist, Collection):
        found = [*artist.get_facecolor(), *artist.get_edgecolor()]
    elif isinstance(artist, Patch):
        found = [artist.get_facecolor()]
    else:
        return set()
    return {to_hex(c) for c in found if not isinstance(c, str) or c not in ("none", "None")}


def _neutral(hex_colour: str) -> bool:
    """Black, white and greys: frames, grids, zero lines, hollow markers."""
    return hex_colour[1:3] == hex_colour[3:5] == hex_colour[5:7]


def test_each_scenario_has_one_colour_in_every_figure(figures):
    """An artist drawn for a scenario (gid 'scenario:NAME') has its colour; no other artist takes a
    scenario's colour; a legend entry naming a scenario shows its colour."""
    from matplotlib.colors import to_hex

    from sim.present.figures import scenario_colours

    problems, drawn = [], set()
    for results, stem, fig in figures:
        colours = {n: to_hex(c) for n, c in scenario_colours(results.names).items()}
        owner = {c: n for n, c in colours.items() if not _neutral(c)}
        labels = {
            " ".join(v.split()): n
            for n, v in scenario_labels(results.scenarios, results.names).items()
        }
        in_legends = {
            id(a) for lg in fig.legends + [ax.get_legend() for ax in fig.axes]
            if lg for a in lg.findobj()
        }  # fmt: skip
        for artist in fig.findobj():
            if id(artist) in in_legends:
                continue
            gid = artist.get_gid() or ""
            found = _colours(artist) - {"#ffffff"}
            if gid.startswith("scenario:"):
                name = gid.removeprefix("scenario:")
                drawn.add((results.kind, name))
                if found - {colours[name]}:
                    problems.append(f"{stem}: {name} drawn in {found}, not {colours[name]}")
            else:
                for c in found & set(owner):
                    problems.append(f"{stem}: an artist not of {owner[c]} takes its colour {c}")
        for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
            if lg is None:
                continue
            for handle, text in zip(lg.legend_handles, lg.get_texts()):
                name = labels.get(" ".join(text.get_text().split()))
                if name is not None and colours[name] not in _colours(handle):
                    problems.append(f"{stem}: the legend shows {name} not in its colour")
    assert not problems, "\n".join(sorted(set(problems)))
    assert {n for k, n in drawn if k == "compare"} == set(figures[-1][0].names)


# -- saved ----------------------------------------------------------------------------------------
def _at_print_dpi(png: Path) -> None:
    from PIL import Image

    with Image.open(png) as image:
        dpi, width = image.info.get("dpi", (0, 0)), image.size[0]
    assert dpi[0] == pytest.approx(PRINT_DPI, abs=0.5), png.name
    assert width > 1500, png.name  # a figure of the page's width (10.6 inches) at 200 dpi
    assert png.with_suffix(".svg").stat().st_size > 5000, png.name


def test_every_png_is_200_dpi_beside_its_svg(short_run, region_compared, tmp_path):
    """Every figure of a run's folder and report; a figure of the board's section."""
    import matplotlib.pyplot as plt

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "screenshot", lambda page, png: None)
        folder = sim.save(short_run, tmp_path / "run", report=True)
    pngs = sorted((folder / "figures").glob("*.png"))
    assert len(pngs) >= 6
    for png in [*pngs, folder / "overview.png"]:
        _at_print_dpi(png)
    page = (folder / "report.html").read_text()
    assert page.count("<figure id=") == len(pngs)
    stem, fig, caption = report.board_figures(board_of(region_compared))[-1]
    item = report.save_figure(tmp_path, stem, fig, caption)
    _at_print_dpi(tmp_path / "figures" / f"{stem}.png")
    assert item["width"] == round(fig.get_figwidth() * 100)  # shown at the page's size
    plt.close("all")
