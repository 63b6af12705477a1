"""Parameter draws: a CSV file (a calibration's ``posterior.csv``) with one column per dotted
scenario path and one row per draw; replication ``r`` uses row ``r`` (modulo the number of rows).

``load_draws`` refuses, naming the file (and the row and column), anything that would make a
replication silently wrong: an unreadable or non-text file, a value that is not a finite number, a
column that is not a numeric scenario field, or a row that makes the scenario invalid. Row numbers
count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import Scenario, ScenarioError, field_type, read_text_file

MAX_DRAWS_BYTES = 50_000_000
MAX_PROBLEMS = 20  # lines reported (a file may have thousands of bad rows)


def load_draws(path: str | Path, scenario: Scenario, *more: Scenario) -> pd.DataFrame:
    """The draws in ``path``, every row checked against ``scenario`` (and any ``more``)."""
    text = read_text_file(path, MAX_DRAWS_BYTES)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)  # cells as written
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ScenarioError([f"{path}: cannot read parameter draws: {err}"]) from None
    if raw.empty:
        raise ScenarioError(
            [
                f"{path}: no parameter draws: need a header of scenario paths "
                "(e.g. workforce.levels.l3.leave_rate) and one row per draw"
            ]
        )
    problems = [
        f"{path}: column {c!r}: {why}" for c in raw.columns if (why := _column_problem(scenario, c))
    ]
    draws = raw.apply(pd.to_numeric, errors="coerce").astype(float)  # text, "" and "true" -> NaN
    for i, j in zip(*np.nonzero(~np.isfinite(draws.to_numpy()))):
        problems.append(
            f"{path}: row {i + 2}, column {raw.columns[j]!r}: {raw.iat[i, j]!r} is not "
            "a finite number"
        )
    _refuse(problems)
    for s in (scenario, *more):
        for i, row in enumerate(draws.to_dict("records")):
            try:
                s.with_values(row)
            except ScenarioError as err:
                problems += [f"{path}: row {i + 2}: {line}" for line in err.problems]
            if len(problems) > MAX_PROBLEMS:
                break
    _refuse(problems)
    return draws


def _column_problem(scenario: Scenario, column: str) -> str | None:
    not_a_path = (
        "not a scenario path (columns are dotted paths such as workforce.levels.l3.leave_rate)"
    )
    if field_type(Scenario, column.split(".")) is None:
        return not_a_path
    try:
        value = scenario.get_value(column)
    except KeyError:  # a key of a table, e.g. a case type, that the scenario does not have
        return not_a_path
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"not a numeric scenario field (its value is {type(value).__name__})"
    return None


def _refuse(problems: list[str]) -> None:
    if problems:
        more = (
            [f"(only the first {MAX_PROBLEMS} problems are shown)"]
            if len(problems) > MAX_PROBLEMS
            else []
        )
        raise ScenarioError(problems[:MAX_PROBLEMS] + more)
