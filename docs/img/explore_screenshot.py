"""Take docs/img/explore.png, the picture of ``swsim explore`` in the README and the explore how-to.

Starts ``swsim explore`` over the two examples kept in git (results/README.md) on a free port of
127.0.0.1, opens it in headless Chromium (Playwright driving Debian's /usr/bin/chromium), picks the
West Midlands example's "Over time" page with two councils, and saves the page. From the
repository's root, with the app and test extras installed:

    python docs/img/explore_screenshot.py            # writes docs/img/explore.png
    python docs/img/explore_screenshot.py --out x.png
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("results/west_midlands-example", "results/example")  # the first opens first
COUNCILS = ("Dudley", "Sandwell")  # two councils whose pay falls under one regional scale
MEASURE = "vacancy rate"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 820}


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int) -> subprocess.Popen:
    """``swsim explore`` over ``FOLDERS`` on ``port``, once it answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "explore", *FOLDERS, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.terminate()
                raise SystemExit(f"swsim explore did not start (exit code {server.poll()})")
            time.sleep(0.5)


def idle(page) -> None:
    """Wait until Streamlit has finished running the script (no status widget)."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000
    )


def shoot(address: str, out: Path) -> None:
    """The West Midlands example's "Over time" page with ``COUNCILS`` chosen, saved to ``out``."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(address)
            page.locator("table").first.wait_for(timeout=90_000)  # the decision page first
            page.get_by_test_id("stSidebar").get_by_text("Over time", exact=True).click()
            measure = page.get_by_test_id("stSelectbox").filter(has_text="Measure")
            measure.locator("input").fill(MEASURE)
            page.keyboard.press("Enter")
            expect(measure.locator("input")).to_have_value(MEASURE, timeout=30_000)
            idle(page)
            councils = page.get_by_test_id("stMultiSelect").filter(has_text="Region and councils")
            for council in COUNCILS:
                councils.locator("input").fill(council)
                page.keyboard.press("Enter")
                councils.get_by_text(council, exact=True).wait_for(timeout=30_000)
            page.keyboard.press("Escape")
            page.get_by_text("Measures over time", exact=True).click()  # the list closed, unfocused
            page.mouse.move(VIEWPORT["width"] - 1, VIEWPORT["height"] - 1)  # hovers on nothing
            idle(page)
            page.wait_for_function(  # the chart of the region and both councils, loaded
                "[...document.querySelectorAll('[data-testid=stImage] img')]"
                ".some(i => i.complete && i.naturalWidth > 600)",
                timeout=60_000,
            )
            page.screenshot(path=str(out))
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    """Take the picture; its path is printed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "explore.png")
    args = parser.parse_args(argv)
    port = free_port()
    server = start(port)
    try:
        shoot(f"http://127.0.0.1:{port}", args.out)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
