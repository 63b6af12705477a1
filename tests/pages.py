"""The documentation as the tests read it: the README and every page under docs/, with the
reference pages' generated parts filled in as the site's build fills them (sim.cli.reference)."""

from __future__ import annotations

from pathlib import Path

from sim.cli.reference import render

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def paths() -> list[Path]:
    """The README, then the docs pages in a fixed order."""
    return [README, *sorted(DOCS.rglob("*.md"))]


def page(relative: str) -> str:
    """One docs page (e.g. 'reference/outputs.md'), as built."""
    return render((DOCS / relative).read_text())


def text() -> str:
    """The README and every docs page, as built, one after another."""
    return "\n\n".join(render(p.read_text()) for p in paths())
