"""The report as the board opens it: a fresh report in headless Chromium (through Playwright) loads
every image at its own size, fits a 1280-pixel window and logs no error; ``swsim report`` keeps a
picture of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli.main import main

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH = 1280

pytestmark = [
    pytest.mark.slow,  # the full tier (see pyproject.toml)
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason=(
            "Chromium is not installed at /usr/bin/chromium (Debian package 'chromium': "
            "apt-get install chromium; .ci/run installs it)"
        ),
    ),
]

OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}: right edge ${el.getBoundingClientRect().right}`);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide};
}"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "out"
    assert (
        main(
            [
                "compare",
                "baseline",
                "caseload_cap",
                "pay_alignment",
                "--reps",
                "3",
                "--years",
                "2",
                "--warmup-years",
                "1",
                "--quiet",
                "--out",
                str(out),
                "--report",
            ]
        )
        == 0
    )
    return out


def test_report_opens_in_chromium(report):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((report / "report.html").as_uri(), wait_until="load")
            images = page.evaluate(
                "[...document.images].map(i => [i.alt, i.complete, i.naturalWidth, i.clientWidth, "
                "Number(i.getAttribute('width'))])"
            )
            layout = page.evaluate(OVERFLOW)
        finally:
            browser.close()
    assert len(images) >= 8
    assert all(done and width > 0 for _, done, width, _, _ in images), images
    # shown at the size they were drawn for (the page's width attribute: the figure's inches at
    # the screen's 100 dpi), never shrunk below it, from a PNG of at least that many pixels (the
    # PNGs are 200 dpi, for print), so their text reads at the size it was drawn
    assert all(shown >= asked and width >= asked for _, _, width, shown, asked in images), images
    assert layout["scrollWidth"] <= layout["innerWidth"], layout
    assert not layout["wide"], layout["wide"][:10]
    assert not errors, errors


def test_report_keeps_a_picture_of_its_first_screen(report):
    import matplotlib.image as mpimg

    shot = report / "report.png"
    pixels = mpimg.imread(shot)
    assert pixels.shape[1] == WIDTH and pixels.std() > 0.05  # not a blank page
    listed = {
        f["path"]: f["role"] for f in json.loads((report / "manifest.json").read_text())["files"]
    }
    assert listed["report.png"] == "report"
    shot.unlink()
    assert main(["report", str(report)]) == 0  # swsim report makes it again, and lists it
    assert shot.is_file()
    listed = {
        f["path"]: f["role"] for f in json.loads((report / "manifest.json").read_text())["files"]
    }
    assert listed["report.png"] == "report"


FIRST_SCREEN = """() => {
  const box = sel => { const el = document.querySelector(sel); if (!el) return null;
    const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  return {table: box('#decision table'), warnings: box('#warnings'), height: window.innerHeight};
}"""


def test_the_first_screen_holds_the_decision_table_and_the_warnings(report):
    """At 1280 x 800 (the picture report.png keeps), the decision table and the warnings are
    whole on the first screen, before anything else a board member would have to scroll to."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 800})
            page.goto((report / "report.html").as_uri(), wait_until="load")
            screen = page.evaluate(FIRST_SCREEN)
        finally:
            browser.close()
    assert screen["table"] is not None and screen["warnings"] is not None, screen
    assert screen["table"]["bottom"] <= screen["height"], screen
    assert screen["warnings"]["bottom"] <= screen["height"], screen
