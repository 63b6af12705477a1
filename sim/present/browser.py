"""Headless Chromium through Playwright, when both are installed: a picture of a report's first
screen, and a page printed to PDF (best effort: otherwise one line says how to get them)."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
HOW = "{name}: needs Playwright and Chromium: pip install playwright; apt-get install chromium"


def chromium() -> str | None:
    """The Chromium executable, if installed."""
    return CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")


def missing(names: str) -> str | None:
    """None when Playwright and Chromium are installed, else one line saying how to get them for
    ``names`` (e.g. 'report.png and brief.pdf')."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return HOW.format(name=names)
    return HOW.format(name=names) if chromium() is None else None


def _in_chromium(page: Path, out: Path, act, viewport: dict = VIEWPORT) -> str | None:
    """Open ``page`` in headless Chromium and ``act(tab)``; None, or one line saying why not."""
    if why := missing(out.name):
        return why
    executable = chromium()
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=ARGS)
            try:
                tab = browser.new_page(viewport=viewport)
                tab.goto(Path(page).resolve().as_uri(), wait_until="load")
                act(tab)
            finally:
                browser.close()
    except Exception as err:  # any browser failure: the page stands without its picture
        return f"{out.name} not written: {str(err).splitlines()[0] if str(err) else type(err).__name__}"
    return None


def screenshot(page: Path, png: Path, viewport: dict = VIEWPORT) -> str | None:
    """Save the first screen of ``page`` as ``png``; None, or one line saying why not."""
    return _in_chromium(page, Path(png), lambda tab: tab.screenshot(path=str(png)), viewport)


def print_pdf(page: Path, pdf: Path) -> str | None:
    """Print ``page`` to ``pdf`` (A4, backgrounds kept); None, or one line saying why not."""
    return _in_chromium(
        page,
        Path(pdf),
        lambda tab: tab.pdf(path=str(pdf), format="A4", print_background=True),
    )
