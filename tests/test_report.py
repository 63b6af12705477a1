"""The board's report: self-contained HTML whose every number comes from the result table, honest
about what the replications cannot tell, in plain words, with figures a board can read."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from sim.cli.main import main
from sim.columns import OUTCOMES
from sim.experiment.results import load_results
from sim.present.canvas import drawn_texts
from sim.present.labels import field_words, value_words

matplotlib.use("Agg")
SHORT = ["--reps", "3", "--years", "2", "--warmup-years", "1", "--seed", "8", "--quiet"]
CAP = "a caseload cap of 18 cases"
DISPLAY_PX = 1060  # the widest the page shows an image (CSS pixels)
MIN_PT = 9.0


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    """A comparison whose precision target (0.01 points) cannot be met in 3 replications."""
    out = tmp_path_factory.mktemp("cmp") / "out"
    assert (
        main(
            [
                "compare",
                "baseline",
                "caseload_cap:cap=18",
                "pay_alignment",
                *SHORT,
                "--out",
                str(out),
                "--target-halfwidth",
                "0.0001",
                "--max-reps",
                "3",
                "--report",
            ]
        )
        == 0
    )
    return out


def _text(page: str) -> str:
    """The page without its embedded images."""
    return re.sub(r"data:image/png;base64,[^\"]+", "", page)


def _plain(html: str) -> str:
    return " ".join(
        re.sub(r"<[^>]+>", "", html).replace("&#39;", "'").replace("&amp;", "&").split()
    )


def _images(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def _findings(page: str) -> list[str]:
    block = re.search(r'<ul class="findings">(.*?)</ul>', page, re.S).group(1)
    return [_plain(li) for li in re.findall(r"<li>(.*?)</li>", block, re.S)]


class _Table(HTMLParser):
    """The key numbers table: {metric label: {scenario label: [cell texts]}}."""

    def __init__(self):
        super().__init__()
        self.groups: dict[str, dict[str, list[str]]] = {}
        self.inside, self.cell, self.row, self.group = False, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "key-numbers") in attrs:
            self.inside = True
        if self.inside and tag in ("td", "th"):
            self.cell = ["metric" if ("class", "metric") in attrs else "", ""]
        if self.inside and tag == "tr":
            self.row = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data

    def handle_endtag(self, tag):
        if self.inside and tag in ("td", "th") and self.cell is not None:
            kind, text = self.cell
            if kind == "metric":
                self.group = text.split(" (")[0].strip()
                self.groups[self.group] = {}
            else:
                self.row.append(" ".join(text.split()))
            self.cell = None
        if self.inside and tag == "tr" and self.row and self.group:
            self.groups[self.group][self.row[0]] = self.row[1:]
        if tag == "table":
            self.inside = False


def _table(page: str) -> dict[str, dict[str, list[str]]]:
    parser = _Table()
    parser.feed(page)
    return parser.groups


def _numbers(text: str) -> list[str]:
    """Every number in a text (but the 95 of "95% CI"), unsigned, without thousands separators."""
    return [
        n.replace(",", "")
        for n in re.findall(r"\d[\d,]*(?:\.\d+)?(?:bn|k|m)?", text.replace("95% CI", ""))
    ]


def _clause(sentence: str, label: str) -> str:
    """The part of a finding about one metric: from its label to the closing bracket."""
    m = re.search(re.escape(label) + r" [^()]*\([^()]*\)", sentence)
    assert m, (label, sentence)
    return m.group(0)


# -- the page ---------------------------------------------------------------------------------------
def test_report_is_self_contained_with_every_figure(compared):
    page = (compared / "report.html").read_text()
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    images = _images(page)
    stems = re.findall(r'<figure id="([^"]+)">', page)
    assert len(images) == len(stems) >= 8
    for stem, png in zip(stems, images):
        assert png.startswith(b"\x89PNG") and len(png) > 5000, stem
        assert (compared / "figures" / f"{stem}.png").read_bytes() == png
        assert (compared / "figures" / f"{stem}.svg").stat().st_size > 5000
    for stem in [
        "effects",
        "cost_effectiveness",
        "turnover",
        "workforce",
        "headcount",
        "caseload",
        "cost",
        "caseload_distribution",
    ]:
        assert stem in stems


def test_findings_name_policies_in_plain_words(compared):
    page = _text((compared / "report.html").read_text())
    findings = _findings(page)
    assert any(f.startswith(f"With {CAP},") for f in findings), findings
    assert any(f.startswith("With pay +5%") for f in findings), findings
    # no code names anywhere a reader looks: findings, title, table, captions, figure titles
    for code in ["baseline+", "caseload_cap", "cap=18", "pay_alignment"]:
        assert code not in page, code


def test_findings_numbers_are_the_table_numbers(compared):
    page = (compared / "report.html").read_text()
    findings, table = _findings(page), _table(page)
    data = pd.read_parquet(compared / "comparison.parquet")
    baseline = next(f for f in findings if f.startswith("In baseline"))
    turnover = table["annual turnover"]
    assert _numbers(_clause(baseline, "annual turnover")) == _numbers(turnover["baseline"][0])
    checked = 0
    for label, name in [
        (CAP, "baseline+caseload_cap(cap=18)"),
        ("pay +5% and at least the market rate", "baseline+pay_alignment"),
    ]:
        sentence = next(f for f in findings if f.startswith(f"With {label},"))
        for metric in ["turnover_rate", "total_cost_gbp"]:
            words = OUTCOMES[metric].label
            said = _numbers(_clause(sentence, words))
            cell = table[words][label][1]  # the difference column
            assert said and set(said) <= set(_numbers(cell)), (said, cell)
            row = data[(data["scenario"] == name) & (data["metric"] == metric)].iloc[0]
            scale = 100 if OUTCOMES[metric].percent else 1
            unit = next((u for u in ("bn", "k", "m") if said[0].endswith(u)), "")
            per = {"bn": 1e9, "k": 1e3, "m": 1e6, "": 1.0}[unit]
            text = said[0].removesuffix(unit) if unit else said[0]
            decimals = len(text.split(".")[1]) if "." in text else 0
            shown, step = float(text) * per, 10**-decimals * per
            assert abs(shown - abs(row["diff"]) * scale) <= step / 2 + 1e-9, (
                metric,
                shown,
                row["diff"],
            )
            checked += 1
    assert checked == 4


def test_a_value_that_never_varies_is_flagged_not_a_finding(compared):
    page = (compared / "report.html").read_text()
    summary = pd.read_parquet(compared / "summaries.parquet")
    spend = summary[summary["scenario"] == "baseline"]["policy_cost_gbp"]
    assert spend.nunique() == 1  # no policy in the baseline: the same value every replication
    caveats = _plain(re.search(r'<div class="caveats">(.*?)</div>', page, re.S).group(1))
    assert "same in every replication in baseline (£0" in caveats
    assert "the same in every replication" in _table(page)["policies' own cost"]["baseline"][0]
    assert not any("same in every replication" in f for f in _findings(page))


def test_undefined_metric_says_why(compared):
    page = (compared / "report.html").read_text()
    why = f"undefined: {OUTCOMES['asye_retention_2y'].undefined_when}"
    cells = _table(page)["two-year ASYE retention"]
    assert all(why in row[0] for row in cells.values())
    assert why in _plain(page)


def test_precision_target_and_half_widths(compared):
    page = (compared / "report.html").read_text()
    manifest = json.loads((compared / "manifest.json").read_text())
    for p in manifest["precision"]:
        assert not p["reached"]
        assert f"about {p['replications_needed']:,}" in _plain(page)
    rows = _table(page)["annual turnover"]
    assert "±" in rows[CAP][1] and "not reached" in rows[CAP][-1]
    assert "t interval" in rows[CAP][2]  # the interval method is named in the table


def test_assumptions_box_has_plain_names_and_units(compared):
    page = (compared / "report.html").read_text()
    box = _plain(re.search(r'<section class="assumptions".*?</section>', page, re.S).group(0))
    scenario = load_results(compared).scenarios["baseline"]
    for section, key in [
        ("turnover", "pressure_hazard_ratio_per_case"),
        ("agency", "backfill_delay_days"),
    ]:
        model = getattr(scenario, section)
        words = field_words(type(model), key)  # its Field title and unit, or its description
        assert f"{words.name}: {value_words(getattr(model, key), words.unit)}" in box
    assert not re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", box), "a code name in the assumptions box"
    assert not re.findall(r"\b[a-z_]+\.[a-z_]+\b", box), "a dotted path in the assumptions box"


def test_field_titles_and_units_are_read_when_declared():
    from pydantic import BaseModel, Field

    class Declared(BaseModel):
        limit: float = Field(
            18.0,
            title="Caseload limit",
            json_schema_extra={"unit": "cases"},
            description="Most cases a worker holds. Assumption (Dudley 2018).",
        )
        bare: float = Field(1.1, description="Leaving hazard ratio per case. Assumption.")

    words = field_words(Declared, "limit")
    assert (words.name, words.unit) == ("Caseload limit", "cases")
    assert value_words(18.0, words.unit) == "18 cases"
    assert field_words(Declared, "bare").name == "Leaving hazard ratio per case"


@pytest.mark.slow
def test_one_replication_says_na_never_nan(tmp_path):
    out = tmp_path / "one"
    assert (
        main(
            [
                "compare",
                "baseline",
                "caseload_cap:cap=18",
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--quiet",
                "--out",
                str(out),
                "--report",
            ]
        )
        == 0
    )
    page = _text((out / "report.html").read_text())
    assert not re.findall(r"(?i)\b(nan|inf|infinity)\b", page)
    assert "n/a (1 replication)" in _plain(page)
    assert "n/a (1 replication)" in _table(page)["annual turnover"][CAP][1]


@pytest.mark.slow  # 10 s: a run and its report (the quick tier keeps under 4 minutes)
def test_run_report_and_hint(tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                "baseline",
                "--reps",
                "2",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert f"swsim report {out}" in capsys.readouterr().out
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text()
    table = pd.read_csv(out / "summary_ci.csv").set_index("metric")
    cell = _table(page)["mean caseload"]["baseline"][0]
    low, high = (float(x) for x in _numbers(cell)[1:3])
    assert low <= table.loc["mean_caseload", "mean"] <= high
    assert len(_images(page)) >= 6
    assert main(["report", str(tmp_path / "nothing")]) == 2


# -- figures ----------------------------------------------------------------------------------------
def _check_figure(name: str, fig, dpi: float) -> list[str]:
    """Texts outside the canvas, or smaller than 9 pt as the page shows the figure (saved at
    ``dpi``, shown at most DISPLAY_PX CSS pixels wide; a CSS point is 96/72 pixels)."""
    problems = []
    renderer = fig.canvas.get_renderer()
    png_px = fig.get_figwidth() * dpi
    shrink = min(1.0, DISPLAY_PX / png_px)
    for t in drawn_texts(fig):
        box = t.get_window_extent(renderer)
        if (
            box.x0 < -0.5
            or box.y0 < -0.5
            or box.x1 > fig.bbox.width + 0.5
            or box.y1 > fig.bbox.height + 0.5
        ):
            problems.append(f"{name}: {t.get_text()!r} is cut off")
        shown_pt = t.get_fontsize() * dpi / 72 * shrink * 72 / 96
        if shown_pt < MIN_PT:
            problems.append(f"{name}: {t.get_text()!r} shows at {shown_pt:.1f} pt")
    return problems


@pytest.mark.slow
def test_every_figure_text_is_inside_and_readable(compared):
    import matplotlib.pyplot as plt

    from sim.present.report import report_figures

    problems = []
    for stem, fig, _ in report_figures(load_results(compared)):
        png = (compared / "figures" / f"{stem}.png").read_bytes()
        width = int.from_bytes(png[16:20], "big")  # the PNG's width: the dpi it was saved at
        problems += _check_figure(stem, fig, width / fig.get_figwidth())
        plt.close(fig)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_tornado_stays_within_the_outcome_range(tmp_path):
    import matplotlib.pyplot as plt

    from sim.present.report import sensitivity_figure

    out = tmp_path / "sweep"
    assert (
        main(
            [
                "sweep",
                "--param",
                "policy.caseload_cap.cap=12:30:6",
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "1",
                "--quiet",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["sensitivity", str(out), "--outcome", "mean_wait_days"]) == 0
    sens = pd.read_csv(out / "sensitivity_mean_wait_days.csv")
    points = pd.read_parquet(out / "summary.parquet").groupby("point")["mean_wait_days"].mean()
    o = OUTCOMES["mean_wait_days"]
    for value in [*sens["at_low"], *sens["at_high"]]:
        assert o.low <= value <= o.high and points.min() <= value <= points.max()
    # the tornado shows those values, and its texts fit
    fig = sensitivity_figure(sens, "mean_wait_days")
    bars = [p for p in fig.axes[0].patches]
    ends = [b.get_x() + b.get_width() for b in bars]
    assert min(ends) >= o.low and max(ends) <= points.max() + 1e-9
    assert not _check_figure("tornado", fig, 100)
    plt.close(fig)
    assert main(["report", str(out)]) == 0
    assert "at its low end" in (out / "report.html").read_text()


@pytest.mark.slow
def test_report_without_a_browser_says_how_to_get_its_picture(
    compared, tmp_path, monkeypatch, capsys
):
    import sim.present.browser as browser
    from sim.present.report import write_report

    monkeypatch.setattr(browser, "chromium", lambda: None)
    page = write_report(tmp_path, load_results(compared))
    assert page.is_file() and not (tmp_path / "report.png").exists()
    assert (tmp_path / "brief.html").is_file() and not (tmp_path / "brief.pdf").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install playwright" in err[0] and "chromium" in err[0]
    assert "report.png" in err[0] and "brief.pdf" in err[0]  # one line for both


# -- a region of councils ---------------------------------------------------------------------------
TINY_REGION = {"reps": 2, "years": 0.25, "warmup_years": 0}


@pytest.fixture(scope="module")
def region_run():
    """The built-in region, run for three months (in memory)."""
    import sim

    return sim.run("west_midlands", **TINY_REGION)


@pytest.fixture(scope="module")
def region_compared(tmp_path_factory) -> Path:
    """The region compared with a caseload cap, saved with its report (no browser picture)."""
    import sim
    import sim.present.report as report

    out = tmp_path_factory.mktemp("region") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "screenshot", lambda page, png: None)
        sim.save(
            sim.compare("west_midlands", "caseload_cap:cap=18", **TINY_REGION), out, report=True
        )
    return out


def _council_table(page: str, index: int) -> dict[str, list[str]]:
    """The councils' table ``index`` (1: means; 2: the first variant's differences): {row: cells}."""
    block = re.search(
        rf'<table class="councils" id="councils-{index}">(.*?)</table>', page, re.S
    ).group(1)
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", block.split("<tbody>")[1], re.S):
        cells = [_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def _section(page: str) -> str:
    return re.search(r'<section id="councils">(.*?)</section>', page, re.S).group(1)


@pytest.mark.slow
def test_region_report_shows_the_region_then_every_council(region_compared):
    results = load_results(region_compared)
    councils = results.authorities[1:]
    assert len(councils) == 14
    page = _text((region_compared / "report.html").read_text())
    assert page.index('id="key-numbers"') < page.index('<section id="councils">')
    section = _section(page)
    assert re.findall(r'<figure id="([^"]+)">', section) == [
        "councils_staffing",
        "councils_caseload",
    ]
    assert "councils_" not in page.split('<section id="councils">')[0]  # region figures first
    for index in (1, 2):  # the baseline's means, then the variant's paired differences
        table = _council_table(page, index)
        assert list(table)[1:] == councils and list(table)[0].startswith("the region")
        assert all(len(cells) == 6 for cells in table.values())
    for stem in ["councils_staffing", "councils_caseload"]:
        assert (region_compared / "figures" / f"{stem}.png").stat().st_size > 5000


@pytest.mark.slow
def test_council_small_multiples_share_axes(region_run):
    import matplotlib.pyplot as plt

    from sim.present.report import council_figures

    councils = region_run.authorities[1:]
    figures = council_figures(region_run)
    assert [stem for stem, _, _ in figures] == ["councils_staffing", "councils_caseload"]
    problems = []
    for stem, fig, _ in figures:
        panels = [ax for ax in fig.axes if ax.get_title()]
        assert [ax.get_title() for ax in panels] == councils
        first = panels[0]
        for ax in panels[1:]:
            assert first.get_shared_x_axes().joined(first, ax) and first.get_shared_y_axes().joined(
                first, ax
            )
            assert ax.get_ylim() == first.get_ylim() and ax.get_xlim() == first.get_xlim()
        problems += _check_figure(stem, fig, 100)
    staffing = figures[0][1]
    assert [ax for ax in staffing.axes if ax.get_title()][0].get_ylim() == (0, 100)
    # each panel plots its own council's rows: Solihull's permanent staff, % of funded posts
    solihull = next(ax for ax in staffing.axes if ax.get_title() == "Solihull")
    m = region_run.monthly(authority="Solihull")
    share = (
        (100 * m["perm_total"] / (m["perm_total"] + m["vacancies_total"]))
        .groupby(m["month"])
        .mean()
    )
    assert list(solihull.lines[0].get_ydata()) == pytest.approx(list(share))
    for _, fig, _ in figures:
        plt.close(fig)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_region_numbers_come_from_the_region_rows(region_run):
    from sim.present.keytable import key_table
    from sim.present.readings import reading

    name = region_run.baseline
    table = {g.label: g.rows[0].mean for g in key_table(region_run)}
    t = region_run.table
    for metric in ["turnover_rate", "total_cost_gbp"]:
        region = reading(region_run.row(name, metric))
        cell = table[OUTCOMES[metric].label]
        assert cell.startswith(region.shown(region.estimate)), (metric, cell)
        councils = t[(t["metric"] == metric) & (t["authority"] != "region")]["mean"]
        assert region.estimate != pytest.approx(councils.mean()), metric  # not their average
        if region.shown(councils.mean()) != region.shown(
            region.estimate
        ):  # (unless both round alike)
            assert not cell.startswith(region.shown(councils.mean())), (metric, cell)
    # the region's own measures are in the key table
    for metric in ["moves_in_per_year", "permanent_practice_share", "agency_unmet_mean"]:
        assert OUTCOMES[metric].label in table
    # the fan charts plot the region's rows: the median of its vacancy rate by month
    from sim.present.figures import fan_figure

    fig = fan_figure(region_run, ["vacancy_rate"], "")
    m = region_run.monthly()
    rate = (
        (100 * m["vacancies_total"] / (m["vacancies_total"] + m["perm_total"]))
        .groupby(m["month"])
        .median()
    )
    assert list(fig.axes[0].lines[0].get_ydata()) == pytest.approx(list(rate))


@pytest.mark.slow
def test_region_findings_name_its_measures_and_the_target(region_run):
    from sim.present.findings import council_sentences, summary_sentences

    findings = summary_sentences(region_run)
    assert findings[0].startswith("In west_midlands, the region (its 14 councils together), over 2")
    region = next(f for f in findings if f.startswith("Across the region"))
    assert "FutureSocial's target of 90%" in region
    assert OUTCOMES["moves_in_per_year"].label in region
    said = council_sentences(region_run)
    means = region_run.table[
        (region_run.table["metric"] == "vacancy_rate") & (region_run.table["authority"] != "region")
    ].sort_values("mean")
    low, high = means.iloc[0], means.iloc[-1]
    assert f"in {low['authority']} to " in said[0] and f"in {high['authority']};" in said[0]


@pytest.mark.slow
def test_council_tables_quote_each_councils_rows(region_compared):
    from sim.present.readings import reading

    results = load_results(region_compared)
    page = (region_compared / "report.html").read_text()
    base, variant = results.names
    means, differences = _council_table(page, 1), _council_table(page, 2)
    for council in results.authorities[1:]:
        r = reading(results.row(base, "mean_caseload", council))
        shown = means[council][3].split(" ")[0]  # to the digits the table gives the measure
        digits = len(shown.split(".")[1]) if "." in shown else 0
        assert abs(float(shown) - r.estimate) <= 0.5 * 10**-digits + 1e-9, (council, shown)
        d = reading(results.row(variant, "turnover_rate", council), difference=True)
        cell = differences[council][0]
        if d.status != "interval":  # e.g. the same in every replication: the reason, not a number
            assert cell.startswith(d.why().split(":")[0]), (council, cell)
            continue
        shown = cell.split(" ")[0]  # percentage points, signed
        digits = len(shown.split(".")[1]) if "." in shown else 0
        assert abs(float(shown) - 100 * d.estimate) <= 0.5 * 10**-digits + 1e-9, (council, shown)
    with_cap = next(
        f
        for f in re.findall(r"<li>(.*?)</li>", _section(page), re.S)
        if f.startswith(f"With {CAP}, council by council")
    )
    assert "annual turnover" in with_cap and "workforce cost" in with_cap


@pytest.mark.slow
def test_a_report_without_councils_has_no_council_section(compared, region_run):
    from sim.present.findings import council_sentences
    from sim.present.keytable import council_tables
    from sim.present.report import council_figures

    page = (compared / "report.html").read_text()
    assert '<section id="councils">' not in page and 'class="councils"' not in page
    assert not list((compared / "figures").glob("councils_*"))
    results = load_results(compared)
    assert results.authorities == ["region"]
    assert not council_figures(results) and not council_tables(results)
    assert not council_sentences(results)
    assert OUTCOMES["moves_in_per_year"].label not in _table(page)
    assert "the region" not in _text(page)


@pytest.mark.slow
def test_policies_and_assumptions_name_the_councils_they_differ_in(region_run):
    from sim.experiment.results import Results
    from sim.present.assumptions import assumptions
    from sim.present.labels import policy_label
    from sim.scenario import PolicySpec

    spec = PolicySpec(name="caseload_cap", cap=18, authorities=["Dudley", "Solihull"])
    assert policy_label(spec) == "a caseload cap of 18 cases in Dudley and Solihull"
    region = region_run.scenarios[region_run.baseline]
    own = {
        n: {**region.authority[n], "turnover": {"pressure_threshold": 22.0}}
        for n in ("Dudley", "Solihull")
    }
    changed = region.with_overrides(authority={**region.authority, **own})
    results = Results(
        "run",
        [changed.name],
        {changed.name: changed},
        region_run.summaries,
        region_run.timeseries,
        region_run.table,
    )
    words = field_words(type(changed.turnover), "pressure_threshold").name
    item = next(a for a in assumptions(results)[0].items if a.name == words)
    assert item.value == "20; 22 in Dudley and Solihull"
