"""The README and the docs pages work as written: CI runs the README's test command; every TOML
block validates as it stands; every shell block's swsim commands run (with fewer replications and
years, so the suite stays quick); every Python block runs; the generated tables match the code they
describe."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pages
import pytest

from sim.cli.main import main
from sim.cli.reference import render
from sim.present.words import column_tables

pytestmark = pytest.mark.slow  # the full tier (see pyproject.toml)

ROOT = Path(__file__).resolve().parents[1]
README = pages.README.read_text()
DOCS = pages.text()  # the README and every docs page


def blocks(language: str, text: str = DOCS) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readme_test_command():
    ci_lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    test_command = next(line for line in ci_lines if "pytest" in line)
    assert "pytest" in test_command and test_command in blocks("bash", README)[1]
    first = blocks("bash", README)[0]
    assert "pip install -e ." in first and "swsim run baseline --report" in first


def test_the_column_table_matches_the_code():
    """(The policy table is checked in test_words.)"""
    text = column_tables(markdown=True).strip()
    assert text in pages.page("reference/outputs.md"), "the columns page lost its generated table"


@pytest.mark.parametrize("index", range(len(blocks("toml"))))
def test_toml_blocks_validate(tmp_path, index, capsys, monkeypatch):
    text = blocks("toml")[index]
    if "[project.entry-points" in text:
        pytest.skip("a packaging snippet, not a scenario")
    path = tmp_path / "snippet.toml"
    path.write_text(text)
    if "[params]" in text:  # a sweep file
        assert (
            main(
                [
                    "sweep",
                    "--file",
                    str(path),
                    "--reps",
                    "1",
                    "--years",
                    "1",
                    "--warmup-years",
                    "0",
                    "--samples",
                    "2",
                    "--quiet",
                    "--out",
                    str(tmp_path / "sw"),
                ]
            )
            == 0
        )
        return
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err


SMALL = {  # how each command is made quick; options given last win in argparse
    "run": ["--reps", "2", "--years", "1", "--warmup-years", "0", "--yes"],
    "compare": ["--reps", "2", "--years", "1", "--warmup-years", "0", "--max-reps", "3", "--yes"],
    "sweep": ["--reps", "1", "--years", "1", "--warmup-years", "0", "--samples", "6", "--yes"],
    "warmup": ["--reps", "2", "--years", "2"],
    "bench": ["--reps", "1", "--years", "0.5", "--naive-reps", "1"],
    "calibrate": ["--reps", "2", "--years", "1", "--warmup-years", "0", "--budget", "3"],
    "validate-calibration": ["--reps", "2", "--years", "1", "--warmup-years", "0"],
    "backtest": ["--reps", "4", "--budget", "2", "--fit-reps", "2"],
}


def commands_in(text: str) -> list[str]:
    """The swsim commands in the bash blocks of a text, in order (continuations joined)."""
    out = []
    for block in blocks("bash", text):
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                part = part.split("#", 1)[0].strip()
                if part.startswith("swsim "):
                    out.append(part)
    return out


def shell_commands() -> list[str]:
    """Every swsim command in the bash blocks of the README and the docs, in order."""
    return commands_in(DOCS)


# The commands a page at a time (a page's later commands may read what its earlier ones wrote,
# e.g. `swsim report results/sweep` after the sweep): each page runs as one test in a folder of its
# own, and goes to a process on its own (tests/conftest.py), so the pages share the cores.
PAGES = {
    str(path.relative_to(ROOT)): commands
    for path in pages.paths()
    if (commands := commands_in(render(path.read_text())))
}


def test_every_shell_command_is_on_a_page():
    """The pages' commands are the README's and the docs' commands, each once, in order: a new
    command (or page) runs in test_every_shell_command_runs."""
    assert [command for commands in PAGES.values() for command in commands] == shell_commands()
    assert len(shell_commands()) >= 8 and "README.md" in PAGES


def test_each_page_goes_to_a_process_on_its_own(request):
    """(pytest-xdist, tests/conftest.py; the rest of this file goes to one process.)"""
    from conftest import work_unit

    test = f"{request.node.nodeid.split('::')[0]}::{test_every_shell_command_runs.__name__}"
    units = {work_unit(f"{test}[{page}]") for page in PAGES}
    assert len(units) == len(PAGES) and work_unit(request.node.nodeid) not in units


@pytest.mark.parametrize("page", PAGES)
def test_every_shell_command_runs(page, tmp_path, monkeypatch, capsys):
    """Run in a scratch folder holding links to the repository's data, so relative paths resolve."""
    for name in ("calibration", "sim", "policies", "notebooks"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    # explore: its folders are checked, but no server starts (tests/test_explore.py starts one)
    monkeypatch.setattr("sim.present.explore.launch.check_port", lambda host, port: None)
    monkeypatch.setattr("sim.present.explore.launch.serve", lambda cmd: 0)
    for command in PAGES[page]:
        args = shlex.split(command)[1:]
        extra = SMALL.get(args[0], [])
        if (
            args[0] == "sweep"
            and "--design" in args
            and args[args.index("--design") + 1] == "sobol"
        ):
            extra = [e for e in extra if e not in ("--samples", "6")] + ["--samples", "2"]
        code = main(args + extra)
        assert code == 0, f"{page}: {command}\n{capsys.readouterr().err}"


def test_python_blocks_run(tmp_path):
    for block in blocks("python"):
        if "class " in block and "Policy" in block:  # the policy template: import it, do not run it
            continue
        proc = subprocess.run(
            [sys.executable, "-c", block],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )
        assert proc.returncode == 0, f"{block}\n{proc.stderr[-2000:]}"
