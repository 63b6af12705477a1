"""Documented rates the model should reproduce (``targets.csv``) and the model's values for them."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import ScenarioError, read_text_file

DEFAULT_TARGETS = Path(__file__).parent / "targets.csv"
COLUMNS = [
    "id",
    "quantity",
    "model_metric",
    "value",
    "low",
    "high",
    "unit",
    "year",
    "geography",
    "role",
    "source",
    "note",
]
ROLES = ("target", "check", "input", "context")
MAX_TARGETS_BYTES = 5_000_000


def _leaver_share(destination: str):
    def share(summary: pd.DataFrame) -> pd.Series:
        total = summary[["leavers_profession", "leavers_other_la", "leavers_agency"]].sum(axis=1)
        return summary[f"leavers_{destination}"] / total.where(total > 0)

    return share


# Metrics derived from summary columns (the rest are summary columns themselves).
DERIVED = {f"share_leavers_{d}": _leaver_share(d) for d in ("profession", "other_la", "agency")}


@dataclass(frozen=True)
class Targets:
    """The rows of a targets file."""

    table: pd.DataFrame

    @property
    def simulated(self) -> pd.DataFrame:
        """Rows the model produces a value for (targets and checks)."""
        return self.table[self.table["model_metric"].notna() & (self.table["model_metric"] != "")]

    @property
    def fitted(self) -> pd.DataFrame:
        """Rows the calibration fits to."""
        return self.simulated[self.simulated["role"] == "target"]


def load_targets(
    path: str | Path = DEFAULT_TARGETS, known_metrics: set[str] | None = None
) -> Targets:
    """Read and check a targets file; problems raise ScenarioError with one line each."""
    path = Path(path)
    text = read_text_file(path, MAX_TARGETS_BYTES)
    try:
        table = pd.read_csv(io.StringIO(text), dtype={"model_metric": "string"})
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ScenarioError(
            [f"{path}: malformed targets file: {' '.join(str(err).split())}"]
        ) from None
    problems = []
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ScenarioError(
            [f"{path}: missing column(s) {missing}; a targets file has columns {COLUMNS}"]
        )
    table["model_metric"] = table["model_metric"].fillna("")
    for i, row in table.iterrows():
        where = f"{path.name} row {i + 2} ({row['id']})"
        if row["role"] not in ROLES:
            problems.append(f"{where}: role = {row['role']!r}; allowed: {list(ROLES)}")
        if not row["model_metric"]:
            if row["role"] in ("target", "check"):
                problems.append(f"{where}: a {row['role']} needs a model_metric")
            continue
        if known_metrics is not None and row["model_metric"] not in known_metrics | set(DERIVED):
            problems.append(
                f"{where}: model_metric = {row['model_metric']!r} is not a model output"
            )
        values = [row["value"], row["low"], row["high"]]
        if any(not isinstance(v, (int, float)) or math.isnan(v) for v in values):
            problems.append(f"{where}: value, low and high must be numbers")
        elif not row["low"] <= row["value"] <= row["high"] or row["low"] == row["high"]:
            problems.append(
                f"{where}: need low <= value <= high with low < high, got "
                f"{row['low']}, {row['value']}, {row['high']}"
            )
    if table["id"].duplicated().any():
        problems.append(
            f"{path.name}: duplicate id(s) {sorted(table['id'][table['id'].duplicated()])}"
        )
    if problems:
        raise ScenarioError(problems)
    return Targets(table)


def metric_values(summary: pd.DataFrame, metric: str) -> np.ndarray:
    """Per-replication values of a model metric (a summary column or a derived one)."""
    if metric in DERIVED:
        return DERIVED[metric](summary).to_numpy(dtype=float)
    return summary[metric].to_numpy(dtype=float)


def with_council_targets(targets: Targets, scenario, year: int = 2020) -> Targets:
    """``targets`` plus the DfE turnover, vacancy and agency rates of each council of the region
    that is in the DfE data for ``year`` (see ``dfe.council_targets``); others have none."""
    from calibration.dfe import council_targets

    tables = []
    for name, _ in scenario.members():
        try:
            tables.append(council_targets([name], year))
        except ScenarioError:  # not a council DfE reports on (a made-up or renamed one)
            continue
    return Targets(pd.concat([*tables, targets.table], ignore_index=True))
