"""A picture of a report's first screen, taken in headless Chromium through Playwright when both
are installed (best effort: otherwise one line says how to get them)."""

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
HOW = (
    "report.png (the report's first screen) needs Playwright and Chromium: "
    "pip install playwright; apt-get install chromium"
)


def chromium() -> str | None:
    """The Chromium executable, if installed."""
    return CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")


def screenshot(page: Path, png: Path, viewport: dict = VIEWPORT) -> str | None:
    """Save the first screen of ``page`` as ``png``; None, or one line saying why not."""
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return HOW
    if executable is None:
        return HOW
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=ARGS)
            try:
                tab = browser.new_page(viewport=viewport)
                tab.goto(Path(page).resolve().as_uri(), wait_until="load")
                tab.screenshot(path=str(png))
            finally:
                browser.close()
    except Exception as err:  # any browser failure: the report stands without its picture
        return f"report.png not written: {str(err).splitlines()[0] if str(err) else type(err).__name__}"
    return None
