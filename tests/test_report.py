"""The board's report: self-contained HTML, every figure embedded, numbers from the result tables."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main

SHORT = ["--reps", "3", "--years", "2", "--warmup-years", "1", "--seed", "8", "--quiet"]


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "out"
    assert main(["compare", "baseline", "caseload_cap", "pay_alignment", *SHORT, "--out", str(out),
                 "--report"]) == 0
    return out


def _images(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


def test_report_is_self_contained_with_every_figure(compared):
    page = (compared / "report.html").read_text()
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    images = _images(page)
    stems = re.findall(r'<figure id="([^"]+)">', page)
    assert len(images) == len(stems) >= 7
    for stem, png in zip(stems, images):
        assert png.startswith(b"\x89PNG") and len(png) > 5000, stem
        assert (compared / "figures" / f"{stem}.png").read_bytes() == png
        assert (compared / "figures" / f"{stem}.svg").stat().st_size > 5000
    for stem in ["effects", "cost_effectiveness", "turnover", "workforce", "headcount", "caseload",
                 "cost", "caseload_distribution"]:
        assert stem in stems


def test_summary_numbers_are_the_table_numbers(compared):
    page = (compared / "report.html").read_text()
    table = pd.read_parquet(compared / "comparison.parquet")
    row = table[(table["scenario"] == "baseline+pay_alignment") & (table["metric"] == "turnover_rate")].iloc[0]
    m = re.search(r"Adding pay alignment (lowers|raises|makes no clear change to) annual turnover"
                  r"(?: by)? \(?(-?[\d.]+) percentage points;? \(?95% CI (-?[\d.]+) to (-?[\d.]+)\)", page)
    assert m, page[:3000]
    sign = -1 if m.group(1) == "lowers" else 1
    shown = [float(m.group(2)), float(m.group(3)), float(m.group(4))]
    if m.group(1) == "makes no clear change to":
        expected = [100 * row["diff"], 100 * row["diff_low"], 100 * row["diff_high"]]
    else:
        expected = [sign * 100 * row["diff"], sign * 100 * row["diff_high"], sign * 100 * row["diff_low"]]
    assert shown == [round(x, 2) for x in expected]
    base = table[(table["scenario"] == "baseline") & (table["metric"] == "turnover_rate")].iloc[0]
    assert f"annual turnover averages {100 * base['mean']:.2f}%" in page
    assert "pressure_hazard_ratio_per_case" in page  # the driving assumption is listed
    assert "nan" not in re.sub(r"<[^>]+>", " ", page.split("<h2>Figures</h2>")[0])


def test_run_report_and_hint(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "baseline", "--reps", "2", "--years", "1", "--warmup-years", "0",
                 "--out", str(out)]) == 0
    assert f"swsim report {out}" in capsys.readouterr().out
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text()
    summary = pd.read_parquet(out / "summary.parquet")
    assert f"{summary['mean_caseload'].mean():.1f} (95% CI" in page
    assert len(_images(page)) >= 6
    assert main(["report", str(tmp_path / "nothing")]) == 2


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium'); "
                    "the report is still checked above without a browser")
def test_report_renders_in_a_browser(compared, tmp_path):
    """Open the page as the board would: every image decodes, nothing overflows sideways."""
    probe = (compared / "report.html").read_text().replace("</body>", """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const shown = imgs.filter(i => i.complete && i.naturalWidth > 100 && i.getBoundingClientRect().width > 100).length;
  const overflow = document.documentElement.scrollWidth > window.innerWidth + 1;
  document.title = `IMAGES ${shown}/${imgs.length} OVERFLOW ${overflow}`;
});
</script></body>""")
    page = tmp_path / "probe.html"
    page.write_text(probe)
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tempfile.mkdtemp()}", "--window-size=1280,2000",
             "--virtual-time-budget=5000"]
    dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    m = re.search(r"IMAGES (\d+)/(\d+) OVERFLOW (\w+)", dom)
    assert m, dom[:500]
    assert m.group(1) == m.group(2) and int(m.group(2)) >= 7
    assert m.group(3) == "false"
    shot = tmp_path / "report.png"
    subprocess.run(flags + [f"--screenshot={shot}", (compared / "report.html").as_uri()],
                   capture_output=True, timeout=120)
    import matplotlib.image as mpimg
    pixels = mpimg.imread(shot)
    assert pixels.std() > 0.05  # not a blank page
