"""The compiled kernel's boundary: the plain-Python path (``SWSIM_NO_JIT=1``) gives the compiled
run's frames, the case book's arrays reach the kernel as a checked record, and the compiled cache
is keyed by every source file the kernel's code comes from."""

from __future__ import annotations

import ast
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]

# One short replication in a fresh process (SWSIM_NO_JIT is read when ``sim.model._jit`` is
# imported), pickled to argv[1]: the single-council baseline, and a region of two West Midlands
# councils (several case books in one kernel call).
RUN_ONE = """
import pickle, sys
from sim.experiment.bench import scaled_region
from sim.experiment.replications import run_replication
from sim.model._jit import JIT
from sim.scenario import load_scenario
out = {"jit": JIT}
for name, scenario, years, warmup in (
        ("baseline", load_scenario("baseline"), 1.0, 0.5),
        ("region", scaled_region(load_scenario("west_midlands"), 2), 0.25, 0.25)):
    rep = run_replication(scenario, 0, 7, years, warmup)
    out[name] = (rep.timeseries, rep.summary, rep.teams, rep.case_events)
with open(sys.argv[1], "wb") as f:
    pickle.dump(out, f)
"""


def _run(tmp_path: Path, no_jit: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SWSIM_NO_JIT"}
    if no_jit:
        env["SWSIM_NO_JIT"] = "1"
    out = tmp_path / ("plain.pkl" if no_jit else "compiled.pkl")
    subprocess.run(
        [sys.executable, "-c", RUN_ONE, str(out)], cwd=ROOT, env=env, check=True, timeout=600
    )
    with open(out, "rb") as f:
        return pickle.load(f)


def test_the_plain_python_kernel_gives_the_compiled_runs_frames_exactly(tmp_path):
    """Every frame (monthly rows, summaries, teams) and the case-flow event count of a short
    baseline and a two-council region are identical, bit for bit, with and without numba."""
    pytest.importorskip("numba")
    compiled, plain = _run(tmp_path, no_jit=False), _run(tmp_path, no_jit=True)
    assert compiled["jit"] is True and plain["jit"] is False
    for name in ("baseline", "region"):
        (ts_c, summary_c, teams_c, events_c), (ts_p, summary_p, teams_p, events_p) = (
            compiled[name],
            plain[name],
        )
        assert events_c == events_p > 0, name
        pd.testing.assert_frame_equal(ts_c, ts_p, check_exact=True)
        pd.testing.assert_frame_equal(
            pd.DataFrame(summary_c), pd.DataFrame(summary_p), check_exact=True
        )
        pd.testing.assert_frame_equal(
            pd.DataFrame(teams_c), pd.DataFrame(teams_p), check_exact=True
        )


def _book(baseline):
    """A case book of one looked-after child, with one worker to hold it."""
    from sim.model.allocation import CaseBook
    from sim.model.demand import Caseload, CaseTypeTable

    table = CaseTypeTable.from_scenario(baseline)
    lac = table.names.index("lac")
    caseload = Caseload(
        np.zeros(1, np.int64),
        np.zeros(1, bool),
        np.zeros(1, np.int64),
        np.ones(1, np.int64),
        np.array([lac]),
        np.array([200]),
        np.zeros(100, np.int64),
    )
    book = CaseBook(caseload, table, 100, 4, np.zeros(len(table.team_names), np.int64))
    book.open_slot(0, 1, level=2, limit=20.0, team=int(table.team[lac]))
    return book


def test_the_books_fields_are_the_kernels_layout_in_order():
    from sim.model.allocation import BOOK_LAYOUT, Book, CaseFlow

    assert tuple(BOOK_LAYOUT) == Book._fields
    assert set(CaseFlow.TABLE) <= set(Book._fields)


def test_the_case_flow_takes_a_books_arrays_by_name_and_steps_them(baseline):
    from sim.model.allocation import WORKER, Book, CaseFlow

    book = _book(baseline)
    record = CaseFlow.record(book)
    assert isinstance(record, Book)
    assert record.cs is book.cs and record.qgen is book.qgen and record.ctr is book.ctr
    CaseFlow([book]).step(0, 5)
    assert book.cases[WORKER][0] == 0 and book.open_cases == 1


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda book: delattr(book, "qgen"), "qgen"),  # missing
        (lambda book: setattr(book, "ctr", book.ctr.astype(np.int32)), "ctr"),  # wrong dtype
        (lambda book: setattr(book, "daily", book.daily[0]), "daily"),  # wrong shape
        (lambda book: setattr(book, "wf", np.asfortranarray(book.wf)), "wf"),  # a copy's layout
        (lambda book: setattr(book, "care_threshold", list(book.care_threshold)), "care_threshold"),
    ],
)
def test_a_book_whose_arrays_do_not_fit_the_kernel_is_refused_by_name(baseline, change, field):
    from sim.model.allocation import BookLayoutError, CaseFlow

    book = _book(baseline)
    change(book)
    with pytest.raises(BookLayoutError, match=rf"\b{field}\b"):
        CaseFlow([book])


def test_a_book_with_its_fields_out_of_place_is_refused(baseline):
    """Fields passed by position in another order (or a plain tuple) are caught before the kernel
    runs."""
    from sim.model.allocation import Book, BookLayoutError, CaseFlow, check_book

    record = CaseFlow.record(_book(baseline))
    check_book(record)
    arrays = list(record)
    swapped = arrays.copy()
    swapped[0], swapped[2] = swapped[2], swapped[0]  # cs <-> wi
    with pytest.raises(BookLayoutError, match=r"\bcs\b"):
        check_book(Book(*swapped))
    with pytest.raises(BookLayoutError, match="Book"):
        check_book(tuple(arrays))


def _kernel_modules() -> list[Path]:
    return sorted((ROOT / "sim" / "model").glob("*.py"))


def _compiled_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """The functions of a module decorated ``@njit`` or ``@inline``."""

    def name(d: ast.expr) -> str:
        return d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else ""

    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(name(d) in ("njit", "inline") for d in node.decorator_list)
    ]


def _imported_from_sim(tree: ast.Module) -> dict[str, str]:
    """Names a module imports from other modules of ``sim``, with the module's name."""
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
            for alias in node.names:  # ``from sim.model import children``: the module
                package = node.module == "sim.model"
                names[alias.asname or alias.name] = (
                    f"sim.model.{alias.name}" if package else node.module
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sim"):
                    names[alias.asname or alias.name.split(".")[0]] = alias.name
    return names


def test_the_cache_key_covers_every_module_compiled_code_comes_from():
    """Every module with compiled functions, and every module a compiled function takes a name
    from (a compiled helper or a constant, which numba freezes into the caller), is hashed."""
    from sim.model._jit import KERNEL_SOURCES

    needed = {}
    for path in _kernel_modules():
        tree = ast.parse(path.read_text())
        compiled = _compiled_functions(tree)
        if not compiled:
            continue
        needed[path.name] = path.name
        imported = _imported_from_sim(tree)
        for fn in compiled:
            for node in ast.walk(fn):
                if isinstance(node, ast.Name) and node.id in imported:
                    module = imported[node.id]
                    assert module.startswith("sim.model."), (fn.name, node.id, module)
                    needed[f"{fn.name}: {node.id}"] = module.rsplit(".", 1)[1] + ".py"
    assert {"allocation.py", "children.py"} <= set(needed.values())  # the test sees them
    assert set(needed.values()) | {"_jit.py"} <= set(KERNEL_SOURCES), needed


def test_the_cache_key_changes_when_any_kernel_source_changes(tmp_path):
    from sim.model._jit import HERE, KERNEL_KEY, KERNEL_SOURCES, source_key

    copies = [tmp_path / name for name in KERNEL_SOURCES]
    for name, copy in zip(KERNEL_SOURCES, copies):
        copy.write_bytes((HERE / name).read_bytes())
    assert source_key(copies) == KERNEL_KEY
    for copy in copies:  # e.g. a constant or a compiled helper another module imports
        text = copy.read_bytes()
        copy.write_bytes(text.replace(b"\n", b"\n\n", 1))
        assert source_key(copies) != KERNEL_KEY, copy.name
        copy.write_bytes(text)
    assert source_key(copies) == KERNEL_KEY


def test_a_new_key_gets_its_own_cache_folder_and_old_ones_go(tmp_path):
    """A change of sources gives a new folder and removes this checkout's old one; another
    checkout's folders (sharing NUMBA_CACHE_DIR) and other files stay."""
    from sim.model._jit import cache_folder

    old = cache_folder("0123", base=tmp_path)
    old.mkdir()
    (old / "stale.nbi").write_text("stale")
    elsewhere = tmp_path / "swsim-kernel-ffffffff-0123"
    elsewhere.mkdir()
    (tmp_path / "other").mkdir()
    new = cache_folder("4567", base=tmp_path)
    assert (
        new.parent == tmp_path
        and new.name.startswith("swsim-kernel-")
        and new.name.endswith("-4567")
    )
    assert new != old and not old.exists()
    assert elsewhere.exists() and (tmp_path / "other").exists()
    assert cache_folder("4567", base=tmp_path) == new


def test_compiled_functions_are_cached_in_the_folder_of_the_sources_key():
    from sim.model import _jit, allocation, children, roster, turnover

    if not _jit.JIT:
        pytest.skip("numba is off")
    assert _jit.CACHE is not None and _jit.CACHE.name.endswith(f"-{_jit.KERNEL_KEY}")
    for fn in (
        allocation.step_books,
        allocation._assign,
        children.step_up_hazard,
        turnover.sustain,
        roster.count_staff,
    ):
        assert Path(fn._cache.cache_path).is_relative_to(_jit.CACHE), fn
