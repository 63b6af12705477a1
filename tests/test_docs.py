"""The documentation's shape: a short README that points into docs/, every page in the site's
navigation, and reference pages that cover every command, option, column, policy and scenario field
(generated from the code). The site itself is built with `mkdocs build --strict` (CI, .ci/run)."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import typing

import pages
import pytest
from pydantic import BaseModel

from sim.cli.parser import build_parser
from sim.policy import registry
from sim.scenario import Scenario


def test_the_readme_is_short_and_links_into_the_docs():
    readme = pages.README.read_text()
    assert len(readme.splitlines()) < 250
    links = re.findall(r"\]\((docs/[^)#]+)(?:#[^)]*)?\)", readme)
    assert len(links) >= 10
    for link in links:
        assert (pages.ROOT / link).is_file(), f"README links to {link}, which does not exist"
    image = re.search(r"!\[[^\]]*\]\(([^)]+\.png)\)", readme).group(1)
    assert (
        image
        in subprocess.run(
            ["git", "ls-files", image], cwd=pages.ROOT, capture_output=True, text=True
        ).stdout
    ), f"{image} is not committed"


def test_every_page_is_in_the_navigation():
    config = (pages.ROOT / "mkdocs.yml").read_text()
    for path in pages.DOCS.rglob("*.md"):
        assert f" {path.relative_to(pages.DOCS).as_posix()}\n" in config, (
            f"{path} is not in mkdocs.yml's nav"
        )


def test_the_commands_page_has_every_command_and_option():
    text = pages.page("reference/commands.md")
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert f"### swsim {name}\n" in text
        section = text.split(f"### swsim {name}\n", 1)[1].split("\n### ", 1)[0]
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in section, f"swsim {name} {option}"
    assert " here)" not in text, "the page names the build machine's CPUs"


def test_the_scenario_page_has_every_field():
    text = pages.page("reference/scenario.md")

    def walk(model, path):
        for key, info in model.model_fields.items():
            alike = "One table for each of " in text and f"`{key}`" in text  # the levels
            assert f"| `{key}` |" in text or alike, f"{path}{key}"
            for arg in (info.annotation, *typing.get_args(info.annotation)):
                if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not model:
                    walk(arg, f"{path}{key}.")

    walk(Scenario, "")
    for section in (
        "demand",
        "workforce",
        "workforce.review",
        "turnover",
        "market",
        "teams.<name>",
        "policy[]",
        "workforce.levels.<level>",
    ):
        assert f"### `{section}`" in text


def test_the_policies_page_names_every_policy():
    text = pages.page("reference/policies.md")
    for name in registry():
        assert f"| `{name}` |" in text


def test_the_site_builds_strictly(tmp_path):
    """The same build as CI's; skipped where MkDocs is not installed (pip install -e ".[docs]")."""
    pytest.importorskip("mkdocs")
    mkdocs = shutil.which("mkdocs") or pytest.skip("no mkdocs command")
    proc = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=pages.ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    built = (tmp_path / "site" / "reference" / "outputs" / "index.html").read_text()
    assert "turnover_rate" in built and "generated: columns" in built
