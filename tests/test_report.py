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
from sim.present.canvas import drawn_texts
from sim.experiment.results import load_results
from sim.model.outcomes import OUTCOMES
from sim.present.labels import field_words, value_words

matplotlib.use("Agg")
SHORT = ["--reps", "3", "--years", "2", "--warmup-years", "1", "--seed", "8", "--quiet"]
CAP = "a caseload cap of 18 cases"
DISPLAY_PX = 1060   # the widest the page shows an image (CSS pixels)
MIN_PT = 9.0


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    """A comparison whose precision target (0.01 points) cannot be met in 3 replications."""
    out = tmp_path_factory.mktemp("cmp") / "out"
    assert main(["compare", "baseline", "caseload_cap:cap=18", "pay_alignment", *SHORT, "--out", str(out),
                 "--target-halfwidth", "0.0001", "--max-reps", "3", "--report"]) == 0
    return out


def _text(page: str) -> str:
    """The page without its embedded images."""
    return re.sub(r"data:image/png;base64,[^\"]+", "", page)


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).replace("&#39;", "'").replace("&amp;", "&").split())


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
    return [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text.replace("95% CI", ""))]


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
    for stem in ["effects", "cost_effectiveness", "turnover", "workforce", "headcount", "caseload",
                 "cost", "caseload_distribution"]:
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
    for label, name in [(CAP, "baseline+caseload_cap(cap=18)"), ("pay +5% and at least the market rate",
                                                                  "baseline+pay_alignment")]:
        sentence = next(f for f in findings if f.startswith(f"With {label},"))
        for metric in ["turnover_rate", "total_cost_gbp"]:
            words = OUTCOMES[metric].label
            said = _numbers(_clause(sentence, words))
            cell = table[words][label][1]       # the difference column
            assert said and set(said) <= set(_numbers(cell)), (said, cell)
            row = data[(data["scenario"] == name) & (data["metric"] == metric)].iloc[0]
            scale = 100 if OUTCOMES[metric].percent else 1
            shown = float(said[0])
            decimals = len(said[0].split(".")[1]) if "." in said[0] else 0
            step = 10 ** -decimals if scale == 100 else 1000
            assert abs(shown - abs(row["diff"]) * scale) <= step / 2 + 1e-9, (metric, shown, row["diff"])
            checked += 1
    assert checked == 4


def test_a_value_that_never_varies_is_flagged_not_a_finding(compared):
    page = (compared / "report.html").read_text()
    summary = pd.read_parquet(compared / "summaries.parquet")
    waits = summary[summary["scenario"] == "baseline"]["mean_wait_days"]
    assert waits.nunique() == 1  # no case waits in the baseline: the same value every replication
    caveats = _plain(re.search(r'<div class="caveats">(.*?)</div>', page, re.S).group(1))
    assert "Wait for allocation is the same in every replication in baseline (0.00 days)" in caveats
    assert "the same in every replication" in _table(page)["wait for allocation"]["baseline"][0]
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
    for section, key in [("turnover", "pressure_hazard_ratio_per_case"), ("agency", "backfill_delay_days")]:
        model = getattr(scenario, section)
        words = field_words(type(model), key)   # its Field title and unit, or its description
        assert f"{words.name}: {value_words(getattr(model, key), words.unit)}" in box
    assert not re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", box), "a code name in the assumptions box"
    assert not re.findall(r"\b[a-z_]+\.[a-z_]+\b", box), "a dotted path in the assumptions box"


def test_field_titles_and_units_are_read_when_declared():
    from pydantic import BaseModel, Field

    class Declared(BaseModel):
        limit: float = Field(18.0, title="Caseload limit", json_schema_extra={"unit": "cases"},
                             description="Most cases a worker holds. Assumption (Dudley 2018).")
        bare: float = Field(1.1, description="Leaving hazard ratio per case. Assumption.")

    words = field_words(Declared, "limit")
    assert (words.name, words.unit) == ("Caseload limit", "cases")
    assert value_words(18.0, words.unit) == "18 cases"
    assert field_words(Declared, "bare").name == "Leaving hazard ratio per case"


def test_one_replication_says_na_never_nan(tmp_path):
    out = tmp_path / "one"
    assert main(["compare", "baseline", "caseload_cap:cap=18", "--reps", "1", "--years", "1",
                 "--warmup-years", "0", "--quiet", "--out", str(out), "--report"]) == 0
    page = _text((out / "report.html").read_text())
    assert not re.findall(r"(?i)\b(nan|inf|infinity)\b", page)
    assert "n/a (1 replication)" in _plain(page)
    assert "n/a (1 replication)" in _table(page)["annual turnover"][CAP][1]


def test_run_report_and_hint(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "baseline", "--reps", "2", "--years", "1", "--warmup-years", "0",
                 "--out", str(out)]) == 0
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
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > fig.bbox.width + 0.5 or box.y1 > fig.bbox.height + 0.5:
            problems.append(f"{name}: {t.get_text()!r} is cut off")
        shown_pt = t.get_fontsize() * dpi / 72 * shrink * 72 / 96
        if shown_pt < MIN_PT:
            problems.append(f"{name}: {t.get_text()!r} shows at {shown_pt:.1f} pt")
    return problems


def test_every_figure_text_is_inside_and_readable(compared):
    import matplotlib.pyplot as plt

    from sim.present.report import report_figures

    problems = []
    for stem, fig, _ in report_figures(load_results(compared)):
        png = (compared / "figures" / f"{stem}.png").read_bytes()
        width = int.from_bytes(png[16:20], "big")       # the PNG's width: the dpi it was saved at
        problems += _check_figure(stem, fig, width / fig.get_figwidth())
        plt.close(fig)
    assert not problems, "\n".join(problems)


def test_tornado_stays_within_the_outcome_range(tmp_path):
    import matplotlib.pyplot as plt

    from sim.present.report import sensitivity_figure

    out = tmp_path / "sweep"
    assert main(["sweep", "--param", "policy.caseload_cap.cap=12:30:6", "--reps", "1", "--years", "1",
                 "--warmup-years", "1", "--quiet", "--out", str(out)]) == 0
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


def test_report_without_a_browser_says_how_to_get_its_picture(compared, tmp_path, monkeypatch, capsys):
    import sim.present.browser as browser
    from sim.present.report import write_report

    monkeypatch.setattr(browser, "chromium", lambda: None)
    page = write_report(tmp_path, load_results(compared))
    assert page.is_file() and not (tmp_path / "report.png").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install playwright" in err[0] and "chromium" in err[0]
