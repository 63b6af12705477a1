"""The result folders the explorer opens: found under a results folder or named on the command
line, each read through ``load_results`` (its manifest checked) before it is shown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.errors import BadInput
from sim.experiment.results import COMPARE, RUN, Results, load_results
from sim.experiment.resultset import MANIFEST, is_result_set, read_manifest
from sim.present.explore.sweeps import Sweep, read_sweep

SWEEP = "sweep"
KINDS = (RUN, COMPARE, SWEEP)  # what the explorer's pages show
EXPLORE = "explore"  # the subfolder of the results folder that runs from the form go to
PREVIOUS = ".previous"  # an earlier set kept beside a replaced one (``resultset``)


@dataclass(frozen=True)
class Skipped:
    """A result set found but not opened, and why."""

    path: Path
    why: str


def one_line(err: BadInput) -> str:
    """A refusal's problems as one line: the first, and how many more."""
    first = err.problems[0] if err.problems else str(err)
    more = len(err.problems) - 1
    return first + (f" (and {more} more like it)" if more > 0 else "")


def kind_of(folder: Path) -> str | None:
    """The kind of result set in ``folder`` ('run', 'compare', 'sweep', ...), None if it has no
    manifest."""
    manifest = read_manifest(folder)
    return None if manifest is None else manifest.get("kind")


def check(folder: Path) -> Results | Sweep:
    """The results in ``folder`` (a sweep's as a ``Sweep``), or ``BadInput`` with one line saying
    why they cannot be shown (not a folder, no manifest, files changed since it was written, a
    kind with no pages)."""
    folder = Path(folder)
    try:
        kind = kind_of(folder) if folder.is_dir() else None
        if folder.is_dir() and kind is not None and kind not in KINDS:
            raise BadInput(
                f"{folder}: holds a '{kind}' result set; explore opens the results of swsim run, "
                f"compare and sweep ({MANIFEST} kind 'run', 'compare' or 'sweep')"
            )
        return read_sweep(folder) if kind == SWEEP else load_results(folder)
    except BadInput as err:
        raise BadInput(one_line(err)) from None


def discover(root: Path) -> list[Path]:
    """Every result set below ``root`` (itself included), sorted; staging folders and earlier sets
    kept as ``.previous`` left out."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [root] if is_result_set(root) else []
    for path in sorted(root.rglob(MANIFEST)):
        folder = path.parent
        rel = folder.relative_to(root).parts
        if folder == root or any(p.startswith(".") or p.endswith(PREVIOUS) for p in rel):
            continue
        found.append(folder)
    return found


def openable(root: Path) -> tuple[list[Path], list[Skipped]]:
    """The result sets below ``root`` the explorer can open, and those it cannot, with why."""
    good, skipped = [], []
    for folder in discover(root):
        try:
            check(folder)
        except BadInput as err:
            skipped.append(Skipped(folder, one_line(err)))
        else:
            good.append(folder)
    return good, skipped


def explore_root(results_root: Path) -> Path:
    """Where runs from the form are written: ``<results>/explore``."""
    return Path(results_root) / EXPLORE


def shown_kind(folder: Path) -> bool:
    """Whether ``folder`` holds a kind of result set the pages show (its files not yet checked)."""
    try:
        return kind_of(folder) in KINDS
    except BadInput:
        return False


def folders_shown(given: list[Path], results_root: Path) -> list[Path]:
    """The folders in the sidebar: those given (else every run, comparison or sweep under the results
    folder), then any run from the form since, each once. Cheap (manifests read, files not
    hashed): each is checked when opened."""
    made = [f for f in discover(explore_root(results_root)) if shown_kind(f)]
    base = list(given) if given else [f for f in discover(results_root) if shown_kind(f)]
    out: list[Path] = []
    for folder in [*base, *made]:
        if folder.resolve() not in {f.resolve() for f in out}:
            out.append(folder)
    return out
