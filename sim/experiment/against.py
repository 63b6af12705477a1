"""``swsim bench --against REF``: this code's speed against another version's, each scenario timed
by each version's own ``swsim bench`` in a fresh process on one core, the two alternated (this one
first in odd rounds, the other first in even rounds) so that a machine's drift from run to run falls
on both. REF is a git commit of this checkout (exported to a temporary folder), a folder holding a
checkout, or the Python interpreter of an environment with swsim installed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np

from sim.errors import BadInput
from sim.experiment.targets import base_lines

ROOT = Path(__file__).resolve().parents[2]  # this checkout (the folder holding sim/)
MEDIAN = re.compile(r"seconds per replication: median ([0-9.]+)")
SCENARIO = re.compile(r"^scenario (\S+)", re.M)


@dataclass(frozen=True)
class Version:
    """How to run one version's ``swsim``: its interpreter and import path."""

    label: str
    python: str
    path: str | None  # PYTHONPATH (a checkout), or None for an installed version

    def command(self, args: list[str]) -> tuple[list[str], dict[str, str]]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        if self.path is not None:
            env["PYTHONPATH"] = self.path
        return [self.python, "-m", "sim.cli", *args], env

    def where(self) -> str:
        """The folder its ``sim`` package is imported from."""
        _, env = self.command([])
        cmd = [self.python, "-c", "import sim, pathlib; print(pathlib.Path(sim.__file__).parent)"]
        done = subprocess.run(
            cmd, env=env, cwd=self.path or None, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise BadInput(f"--against {self.label}: cannot import swsim there ({_last(done)})")
        return done.stdout.strip()


@dataclass(frozen=True)
class Ratio:
    """One scenario's medians over rounds (seconds per replication) and the speed-up: REF's time
    over this version's (above 1: this version is faster), with its range over rounds."""

    scenario: str
    this: list[float]
    ref: list[float]

    @property
    def speedup(self) -> float:
        return float(np.median(np.array(self.ref) / np.array(self.this)))

    @property
    def spread(self) -> tuple[float, float]:
        r = np.array(self.ref) / np.array(self.this)
        return float(r.min()), float(r.max())


def _last(done: subprocess.CompletedProcess) -> str:
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


def _export(commit: str, into: Path) -> None:
    """Write the tree of ``commit`` of this checkout into ``into`` (``git archive``)."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True
    )
    if done.returncode != 0:
        raise BadInput(
            f"--against {commit}: not a commit of this checkout, a folder holding a checkout or "
            "a Python interpreter"
        )
    with tarfile.open(fileobj=BytesIO(done.stdout)) as tar:
        tar.extractall(into, filter="data")


def reference(ref: str, scratch: Path) -> Version:
    """The version REF names (see the module's docstring)."""
    path = Path(ref)
    if path.is_file() and os.access(path, os.X_OK):
        return Version(ref, str(path), None)
    if path.is_dir():
        if not (path / "sim" / "__init__.py").is_file():
            raise BadInput(f"--against {ref}: the folder holds no swsim checkout (sim/__init__.py)")
        return Version(ref, sys.executable, str(path.resolve()))
    _export(ref, scratch)
    return Version(ref, sys.executable, str(scratch))


def _median(version: Version, scenario: str, settings: list[str]) -> float:
    cmd, env = version.command(["bench", scenario, *settings])
    done = subprocess.run(cmd, env=env, cwd=version.path or None, capture_output=True, text=True)
    found = MEDIAN.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise BadInput(f"--against {version.label}: its bench of {scenario} failed: {_last(done)}")
    return float(found.group(1))


def bench_against(
    names: list[str],
    ref: str,
    reps: int,
    years: float,
    seed: int,
    rounds: int = 3,
    say: Callable[[str], None] = print,
) -> list[Ratio]:
    """Time each scenario with this version and REF's, alternated over ``rounds``; print and
    return each scenario's speed-up."""
    settings = ["--reps", str(reps), "--years", f"{years:g}", "--seed", str(seed)]
    # a scenario file by its full path: each version runs in its own folder
    names = [str(Path(n).resolve()) if Path(n).is_file() else n for n in names]
    with tempfile.TemporaryDirectory(prefix="swsim-against-") as scratch:
        this = Version("this checkout", sys.executable, str(ROOT))
        other = reference(ref, Path(scratch))
        if Path(other.where()).resolve() == Path(this.where()).resolve():
            raise BadInput(f"--against {ref}: imports this very checkout; give another version")
        say(
            f"{reps} replications of {years:g} years per scenario and version, no warm-up, one core "
            f"each; {rounds} rounds alternated; this checkout against {ref}"
        )
        out = []
        for name in names:
            mine, theirs = [], []
            for k in range(rounds):
                order = [(this, mine), (other, theirs)]
                for version, times in order if k % 2 == 0 else order[::-1]:
                    times.append(_median(version, name, settings))
                say(f"  {name} round {k + 1}: this {mine[-1]:.3f} s, {ref} {theirs[-1]:.3f} s")
            ratio = Ratio(name, mine, theirs)
            low, high = ratio.spread
            say(
                f"scenario {name}: {ratio.speedup:.2f} times the speed of {ref} (rounds "
                f"{low:.2f}-{high:.2f}; median seconds per replication {np.median(mine):.3f} "
                f"against {np.median(theirs):.3f})"
            )
            for line in base_lines(name, ref, ratio.speedup):
                say(line)
            out.append(ratio)
    return out
