"""Whether to believe the baseline, in the report's words: for a region of councils, a table of
each council's simulated first year against its published (DfE) figures for the start year, and
plain warnings for the findings where a council misses a figure by more than its band or its
no-change path drifts. The numbers are ``sim.experiment.observed``'s (the model's first year, the
scenario's ``observed`` figures); this module only words them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.experiment.observed import (
    MEASURES,
    NO_YEAR,
    NOT_PUBLISHED,
    OUTSIDE,
    SE_FACTOR,
    BaselineCheck,
    baseline_check,
)
from sim.experiment.results import Results
from sim.experiment.steady import DRIFT_POINTS, ENDS_YEARS
from sim.present.formats import board, outcome, short_unit
from sim.present.keytable import estimate_cell
from sim.present.labels import scenario_labels
from sim.present.readings import CI, reading
from sim.present.region import councils

NOT_SHOWN = "not published"
TABLE_ID = "baseline-dfe"
CHECK_FILE, DRIFT_FILE = "baseline_check.csv", "baseline_drift.csv"  # beside the page


def check_of(results: Results) -> BaselineCheck | None:
    """The baseline's check (a comparison's no-change scenario, or the run's) for a region of
    councils; None without councils."""
    if not councils(results):
        return None
    ts = results.timeseries
    ts = ts[ts["scenario"] == results.baseline].drop(columns="scenario")
    return baseline_check(results.scenarios[results.baseline], ts)


def _shown(x: float, metric: str) -> str:
    """A figure without an interval, in the board's digits (``formats.board``)."""
    return board(x, metric)


def _source(check: BaselineCheck) -> str:
    """'DfE CSWW 2020': the source the scenario names for its figures (the first that names one)."""
    named = check.table[(check.table["status"] != NOT_PUBLISHED) & (check.table["source"] != "")]
    if named.empty:
        return "published figure"
    row = named.iloc[0]
    year = row["year"]
    source = str(row["source"])
    has_year = (
        year is None or (isinstance(year, float) and math.isnan(year)) or str(int(year)) in source
    )
    return source if has_year else f"{source} {int(year)}"


def _band(row: pd.Series) -> str:
    return f"{_shown(row['band_low'], row['metric'])} to {_shown(row['band_high'], row['metric'])}"


def _drift_words(check: BaselineCheck, council: str) -> str:
    """The council's no-change path over the run, for its cell of the table."""
    if not check.can_drift:
        return f"too short to tell (under {2 * ENDS_YEARS} years)"
    moved = check.drifting[check.drifting["authority"] == council]
    if moved.empty:
        return "steady"
    return "; ".join(
        f"{outcome(r.rate).label} drifts {_shown(r.first, r.rate)} to {_shown(r.last, r.rate)}"
        for r in moved.itertuples()
    )


@dataclass(frozen=True)
class ObservedCell:
    """One council's measure: its simulated first year, its published figure with the band."""

    simulated: str
    dfe: str
    miss: bool  # the simulated mean outside the band


@dataclass(frozen=True)
class ObservedRow:
    council: str
    cells: list[ObservedCell]
    drift: str  # the no-change path over the run, in words
    drifts: bool


@dataclass(frozen=True)
class ObservedTable:
    caption: str
    source: str  # 'DfE CSWW 2020'
    columns: list[tuple[str, str]]  # (measure label, unit)
    rows: list[ObservedRow]
    notes: list[str]  # how to read it, each a sentence


def _notes(check: BaselineCheck, source: str) -> list[str]:
    ranges = sorted({str(n) for n in check.table["note"] if n})
    return [
        f"In each cell, first the council's simulated first reporting year (mean over "
        f"replications with its {CI}; turnover, vacancy rate, agency share and mean caseload as "
        f"the summaries define them), then its {source} figure for the start year with the band "
        f"the simulated mean should fall in: the published range"
        + (f" ({'; '.join(ranges)})" if ranges else "")
        + f" widened by its half-width either side and by {SE_FACTOR:g} standard errors of the "
        "simulated mean (the calibration guard's band).",
        f"Bold: a mean outside its band, or a rate that moves more than {DRIFT_POINTS * 100:g} "
        f"percentage points between the first {ENDS_YEARS} and the last {ENDS_YEARS} years of "
        "the run with nothing changed, by more than 2 standard errors.",
        f"Every number of the table is in {CHECK_FILE} (and the drift in {DRIFT_FILE}) beside "
        "this page.",
    ]


def observed_table(results: Results, check: BaselineCheck | None = None) -> ObservedTable | None:
    """The table of each council's first year against its published figures: per council and
    measure, the simulated mean with its interval above the published figure and its band ("not
    published" where the scenario has none), marked where the mean lies outside the band; and the
    no-change path over the run. None without councils."""
    check = check or check_of(results)
    if check is None:
        return None
    source = _source(check)
    rows = []
    for council in councils(results):
        part = check.table[check.table["authority"] == council]
        cells = []
        for metric in MEASURES:
            row = part[part["metric"] == metric].iloc[0]
            if row["status"] == NO_YEAR or not math.isfinite(float(row["mean"])):
                simulated = "no whole year in the run"
            else:
                simulated = estimate_cell(reading(row), results.reps)
            if row["status"] == NOT_PUBLISHED:
                dfe = NOT_SHOWN
            else:
                dfe = _shown(row["observed"], metric)
                if row["status"] != NO_YEAR:
                    dfe += f" (band {_band(row)})"
            cells.append(ObservedCell(simulated, dfe, row["status"] == OUTSIDE))
        rows.append(
            ObservedRow(
                council,
                cells,
                _drift_words(check, council),
                check.can_drift and council in set(check.drifting["authority"]),
            )
        )
    labels = scenario_labels(results.scenarios, results.names)
    where = f" in {labels[results.baseline]}" if len(results.names) > 1 else ""
    return ObservedTable(
        f"Before the policies: each council's first simulated year{where} against {source}",
        source,
        [(outcome(m).label, short_unit(m)) for m in MEASURES],
        rows,
        _notes(check, source),
    )


def _miss_sentence(check: BaselineCheck, council: str, source: str, reps: int) -> str:
    rows = check.misses[check.misses["authority"] == council]
    parts = []
    for _, row in rows.iterrows():
        metric = row["metric"]
        parts.append(
            f"{outcome(metric).label} {_shown(row['mean'], metric)} against "
            f"{_shown(row['observed'], metric)} (band {_band(row)})"
        )
    return (
        f"{council}'s first simulated year misses its {source} figures by more than their "
        f"band: " + "; ".join(parts) + f" (means over {reps} replications): differences from "
        "this baseline start from a council that does not look like its DfE figures."
    )


def _drift_sentence(check: BaselineCheck, council: str) -> str:
    rows = check.drifting[check.drifting["authority"] == council]
    parts = [
        f"{outcome(r.rate).label} from {_shown(r.first, r.rate)} to {_shown(r.last, r.rate)} "
        f"({board(r.change, r.rate, difference=True)} percentage points)"
        for r in rows.itertuples()
    ]
    return (
        f"{council}'s "
        + " and its ".join(parts).replace(" from ", " drifts from ", 1)
        + f" over the run with nothing changed (from the mean of its first {ENDS_YEARS} years to "
        f"that of its last {ENDS_YEARS}): differences from this baseline inherit the drift."
    )


def flagged_sentences(results: Results, check: BaselineCheck) -> list[str]:
    """One sentence for each council whose first simulated year misses a published figure by
    more than its band, then one for each whose no-change path drifts."""
    out = []
    if check.published:
        missed = set(check.misses["authority"])
        out += [
            _miss_sentence(check, c, _source(check), results.reps)
            for c in councils(results)
            if c in missed
        ]
    drifting = set(check.drifting["authority"]) if check.can_drift else set()
    return out + [_drift_sentence(check, c) for c in councils(results) if c in drifting]


def baseline_sentences(results: Results, check: BaselineCheck | None = None) -> list[str]:
    """Plain warnings on the baseline (a comparison's no-change scenario): each council whose
    first simulated year misses a published figure by more than its band, each council whose
    no-change path drifts (``steady.drifting``), and a run too short to show drift; or one line
    saying every council is within its band and steady. None without councils."""
    check = check or check_of(results)
    if check is None:
        return []
    n = len(councils(results))
    source = _source(check)
    labels = scenario_labels(results.scenarios, results.names)
    base = labels[results.baseline]
    if not check.published:
        out = [
            f"No council of {base} carries a published figure for its start year (a scenario "
            "written by swsim scenario-from-dfe does): its first year is not checked against DfE."
        ]
    else:
        out = []
    out += flagged_sentences(results, check)
    drifting = set(check.drifting["authority"]) if check.can_drift else set()
    flagged = drifting | (set(check.misses["authority"]) if check.published else set())
    if check.published and flagged:
        others = [
            c
            for c in councils(results)
            if c not in flagged
            and not (check.table[check.table["authority"] == c]["status"] == NOT_PUBLISHED).all()
        ]
        if others:
            one = len(others) == 1
            out.append(
                (
                    f"The other council with {source} figures ({others[0]}) is within its band"
                    if one
                    else f"The other {len(others)} councils with {source} figures are "
                    f"within their bands"
                )
                + (" and steady over the run." if check.can_drift else ".")
            )
    if not check.can_drift:
        out.append(
            f"The run has {check.years} whole year{'' if check.years == 1 else 's'} of "
            f"reporting: too short to show whether {base} drifts with nothing changed (the "
            f"check compares the first {ENDS_YEARS} years with the last {ENDS_YEARS}); run "
            f"{2 * ENDS_YEARS} years or more to check that it is steady."
        )
    compared = (
        check.published
        and (check.table["status"] == NO_YEAR).sum()
        < (check.table["status"] != NOT_PUBLISHED).sum()
    )
    if check.published and not compared:
        out.insert(
            0,
            f"The run has no whole year of reporting: no council's first year can be set "
            f"against its {source} figures; run a year or more.",
        )
    elif check.published and check.misses.empty and not drifting:
        unpublished = sorted(
            {
                c
                for c in councils(results)
                if (check.table[check.table["authority"] == c]["status"] == NOT_PUBLISHED).all()
            }
        )
        which = (
            "every council"
            if not unpublished
            else f"every council with {source} figures ({n - len(unpublished)} of {n})"
        )
        steady = (
            f", and its no-change path is steady over the run (no rate moves more than "
            f"{DRIFT_POINTS * 100:g} percentage points between the first {ENDS_YEARS} and the "
            f"last {ENDS_YEARS} years)"
            if check.can_drift
            else ""
        )
        out.insert(
            0,
            f"In {base}, the first simulated year of {which} is within the band of its "
            f"{source} figures (turnover, vacancy rate, agency share, caseload){steady}.",
        )
    return out
