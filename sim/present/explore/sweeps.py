"""The explorer's sweep page: a ``swsim sweep`` folder read through its manifest and
``sensitivity.load_sweep``, the response of a chosen outcome to each swept parameter (the mean over
replications at each design point, as the sweep report's points figure draws it) and the
sensitivity indices ``swsim sensitivity`` wrote beside it (its CSV and tornado)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.columns import OUTCOMES, column
from sim.errors import BadInput
from sim.experiment.resultset import verify
from sim.experiment.sensitivity import load_sweep, point_means
from sim.present.explore.pages import measure_label
from sim.present.figures import level_scale, parameter_name, points_figure
from sim.present.formats import count
from sim.present.labels import path_words, value_words
from sim.present.readings import value_text
from sim.present.report import sensitivity_figure

SENSITIVITY = "sensitivity_{}.csv"  # written by ``swsim sensitivity DIR --outcome OUTCOME``
INDEX_HEADINGS = {  # the indices a table may hold beyond the ends, as the page heads them
    "src": "standardised regression coefficient (src)",
    "S1": "first-order Sobol index (S1)",
    "ST": "total Sobol index (ST)",
}


@dataclass(frozen=True)
class Sweep:
    """A sweep folder: its settings (``sweep.json``), design points and the region's rows (a
    row per design point and replication)."""

    folder: Path
    settings: dict
    points: pd.DataFrame
    table: pd.DataFrame


def read_sweep(folder: Path) -> Sweep:
    """The sweep in ``folder``, its data files checked against its manifest first."""
    folder = Path(folder)
    verify(folder)
    settings, points, table = load_sweep(folder)
    return Sweep(folder, settings, points, table)


def outcomes(sweep: Sweep) -> dict[str, str]:
    """The summary measures with a value at some design point, by name, with their labels in the
    figures' units ('annual turnover (%)', 'workforce cost (£ thousand a year)')."""
    out = {}
    for name, col in OUTCOMES.items():
        if col.text or name not in sweep.table:
            continue
        if np.isfinite(pd.to_numeric(sweep.table[name], errors="coerce")).any():
            out[name] = measure_label(name)
    return out


def response(sweep: Sweep, outcome: str) -> pd.DataFrame:
    """A row per design point: each parameter's value there, the outcome's mean over its
    replications (in the figure's unit: a share as a percentage, money in £ thousand) and how
    many replications that mean has."""
    scale, _, _ = level_scale(outcome)
    counts = sweep.table.groupby("point")[outcome].count()
    frame = sweep.points.rename_axis("point").reset_index()
    frame["mean"] = scale * point_means(sweep.points, sweep.table, outcome)
    frame["replications"] = counts.reindex(frame["point"]).fillna(0).astype(int).to_numpy()
    return frame


def response_figure(sweep: Sweep, frame: pd.DataFrame, outcome: str):
    """The outcome at every design point against each swept parameter (a panel each)."""
    _, label, percent = level_scale(outcome)
    reps = int(sweep.settings.get("reps", 0))
    return points_figure(
        sweep.points, frame["mean"].to_numpy(), label,
        f"{label} at each design point (mean over {count(reps, 'replication')})", percent,
    )  # fmt: skip


def written_indices(folder: Path) -> list[str]:
    """The outcomes ``swsim sensitivity`` has written indices of in ``folder``."""
    prefix, suffix = SENSITIVITY.split("{}")
    return sorted(
        p.name[len(prefix) : -len(suffix)] for p in Path(folder).glob(SENSITIVITY.format("*"))
    )


def indices(folder: Path, outcome: str) -> pd.DataFrame | None:
    """The sensitivity indices of ``outcome`` (``sensitivity.analyse``'s table as written), None if
    ``swsim sensitivity`` has not written them; ``BadInput`` if the file cannot be read."""
    path = Path(folder) / SENSITIVITY.format(outcome)
    if not path.is_file():
        return None
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as err:
        raise BadInput(
            f"{path}: cannot read it ({type(err).__name__}); run swsim sensitivity again"
        ) from None
    missing = {"parameter", "at_low", "at_high", "mean_outcome"} - set(table.columns)
    if missing:
        raise BadInput(
            f"{path}: not a table of swsim sensitivity (no {', '.join(sorted(missing))})"
        )
    return table


def indices_shown(table: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The indices as the page shows them, in the sweep report's words and units: rank, the
    parameter (as swept and in plain words), its low and high end, the outcome at each (as the
    report's sentences give it: a percentage, £ a year), the standardised regression coefficient
    and, for a Sobol design, the first-order and total indices."""
    label = column(outcome).label
    words = [path_words(p) for p in table["parameter"]]
    shown = pd.DataFrame(
        {
            "rank": table["rank"],
            "parameter": table["parameter"],
            "in words": table["parameter"].map(parameter_name),
            "low end": [value_words(v, w.unit) for v, w in zip(table["low"], words)],
            "high end": [value_words(v, w.unit) for v, w in zip(table["high"], words)],
            f"{label} at its low end": [value_text(x, outcome) for x in table["at_low"]],
            f"{label} at its high end": [value_text(x, outcome) for x in table["at_high"]],
        }
    )
    for name, heading in INDEX_HEADINGS.items():
        if name in table.columns:
            shown[heading] = table[name].round(3)
    return shown


def tornado_data(table: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The tornado's numbers as it draws them: the outcome at each end and its mean over the
    sweep in the figure's unit (a share as a percentage, money in £ thousand a year)."""
    scale, _, _ = level_scale(outcome)
    scaled = ["at_low", "at_high", "mean_outcome"]
    return table.assign(**{c: scale * table[c] for c in scaled})


def indices_figure(table: pd.DataFrame, outcome: str):
    """The tornado of the indices (as ``swsim sensitivity`` draws it)."""
    return sensitivity_figure(table, outcome)
