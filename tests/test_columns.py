"""The output schema (issue 27): every column declared once in ``sim.columns``, with a direction and
a kind of number; the tallies keyed by declared names; the layers' imports pointing down to it."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from sim import columns as c

ROOT = Path(__file__).resolve().parents[1]
TABLES = {
    "summary": c.SUMMARY,
    "timeseries": c.TIMESERIES,
    "teams": c.TEAM_SUMMARY,
    "intervals": (*c.TABLE_COLUMNS, c.COST_PER_PP_COLUMN),
    "board": tuple(c.DERIVED.values()),
}


@pytest.mark.parametrize("table", list(TABLES))
def test_each_column_is_declared_once_with_a_direction_and_a_format(table):
    names = [o.name for o in TABLES[table]]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    for o in TABLES[table]:
        assert o.better in ("higher", "lower", "neither") and o.format in c.FORMATS, o
        assert o.low <= o.high and o.label and o.unit and o.definition, o
        assert (o.format == c.PERCENT) == o.percent, o
        assert (o.format == c.MONEY) == o.unit.startswith("GBP"), o


def test_the_metrics_of_the_interval_tables_have_one_declaration():
    """A metric of summary_ci, comparison or board.csv names one column: the board's quantities
    and the cost per point are not also summary columns."""
    assert not set(c.DERIVED) & set(c.OUTCOMES) and c.COST_PER_PP not in c.OUTCOMES
    for name in [*c.OUTCOMES, *c.DERIVED, c.COST_PER_PP, *c.TEAM_OUTCOMES]:
        assert c.column(name).name == name


def test_a_column_without_a_kind_of_number_or_direction_is_refused():
    with pytest.raises(ValueError):
        c.Column("x", "x", "cases", "A column.", better="up")
    with pytest.raises(ValueError):
        c.Column("x", "x", "cases", "A column.", format="percentage")


def test_the_tallies_are_monthly_columns_of_the_same_name():
    assert set(c.TALLIES) <= set(c.MONTHLY) and set(c.TALLIES) <= c.COUNTS
    assert not {c.EXTERNAL_HIRES, c.POLICY_COST, c.AGENCY_ENDS} & set(c.MONTHLY)


def test_an_undeclared_tally_is_an_error_not_a_silent_column():
    from sim.model.recorder import _council_month

    auth = SimpleNamespace(name="Dudley", tally=Counter({c.HIRES: 1, "hire": 1}))
    with pytest.raises(c.OutputError, match="undeclared tallies \\['hire'\\]"):
        _council_month(auth, 0)


def test_the_wait_histogram_length_is_the_kernel_s():
    from sim.model.allocation import MAX_WAIT_DAYS

    assert c.MAX_WAIT_DAYS == MAX_WAIT_DAYS


def _imports(path: Path) -> list[str]:
    """The modules a file imports (``from sim import model`` as ``sim.model``)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return out


def _offenders(folder: Path, banned: tuple[str, ...]) -> list[str]:
    files = sorted(folder.rglob("*.py")) if folder.is_dir() else [folder]
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imports(path)
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]


def test_present_imports_nothing_from_the_model():
    """The report reads result tables and the declarations (``sim.columns``), never the model."""
    assert not _offenders(ROOT / "sim" / "present", ("sim.model",))
    assert (ROOT / "sim" / "present" / "board.py").exists()  # the walk covers the report


def test_the_schema_is_on_the_ground_floor():
    """``sim.columns``, like ``sim.scenario``, imports no layer above it."""
    assert not _offenders(
        ROOT / "sim" / "columns.py",
        ("sim.model", "sim.experiment", "sim.present", "sim.cli", "calibration"),
    )
