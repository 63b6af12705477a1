"""The first screen of a report: the decision table (one row per scenario, the measures a board
decides on, each variant's change from the baseline with its interval and whether it is better,
worse or no measurable change, from the outcome's declared direction) and the warnings that say
when a result cannot be taken at face value (a queue that keeps growing, a baseline that misses
DfE or drifts, an effect that rests on an assumption without a published estimate, a verdict
that turns when that assumption is switched off). Numbers come from the result tables (and
``sim.experiment.alerts``); nothing here computes a statistic."""

from __future__ import annotations

from dataclasses import dataclass, field
from string import ascii_uppercase

from sim.columns import (
    AGENCY_SHARE,
    CARE_COST,
    REGION,
    TOTAL_COST,
    TURNOVER_RATE,
    VACANCY_RATE,
    WHOLE_SYSTEM_COST,
)
from sim.experiment.alerts import queue_trend, without_effects
from sim.experiment.results import Results
from sim.policy import registry
from sim.present.baseline import BaselineCheck, check_of, flagged_sentences
from sim.present.board import certain
from sim.present.formats import outcome, short_unit, with_unit
from sim.present.labels import and_list, capitalised, lower_first, scenario_labels
from sim.present.readings import INTERVAL, SAME, SINGLE, Reading, reading

ENTERED_CARE, WAITING, WITHOUT = (
    "entered_care_per_year",
    "cases_waiting_mean",
    "unallocated_days_per_case",
)
# What a board decides on, in the order of the table's columns
DECISION_METRICS = (
    TURNOVER_RATE,
    VACANCY_RATE,
    AGENCY_SHARE,
    TOTAL_COST,
    CARE_COST,
    WHOLE_SYSTEM_COST,
    ENTERED_CARE,
    WAITING,
    WITHOUT,
)
BETTER, WORSE, NO_CHANGE, HIGHER, LOWER = (
    "better",
    "worse",
    "no measurable change",
    "higher",
    "lower",
)
STEP_UP = (
    "the assumed chance that a week without a worker or a change of worker sends a child into "
    "care, which has no published estimate"
)
MOST_BASELINE = 2  # the baseline's flagged councils named one sentence each at the top


@dataclass
class Cell:
    """One measure of one scenario: the value or change, its interval and the verdict."""

    value: str
    interval: str = ""
    verdict: str = ""  # BETTER, WORSE, NO_CHANGE, HIGHER, LOWER or "" (the baseline's level)


@dataclass
class DecisionRow:
    key: str  # A, B, C, ...
    label: str
    sentence: str  # what the scenario is and does, in one plain sentence
    baseline: bool
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Decision:
    headings: list[str]
    units: list[str]
    rows: list[DecisionRow]


def verdict(r: Reading) -> str:
    """A change in words from its interval and the outcome's declared direction."""
    if not certain(r):
        return NO_CHANGE if r.status in (INTERVAL, SAME) else ""
    direction = outcome(r.metric).better
    if direction == "neither":
        return HIGHER if r.estimate > 0 else LOWER
    return BETTER if (r.estimate < 0) == (direction == "lower") else WORSE


def _cell(r: Reading, difference: bool) -> Cell:
    """The value (a level, or a signed change; its unit is the column's) with its interval and
    verdict."""
    if r.status not in (INTERVAL, SINGLE, SAME):
        return Cell(r.why())
    interval = f"{r.shown(r.low)} to {r.shown(r.high)}" if r.status == INTERVAL else ""
    return Cell(r.shown(r.estimate), interval, verdict(r) if difference else "")


def scenario_sentence(results: Results, name: str) -> str:
    """What a scenario is in one plain sentence: the baseline as built; a variant by what each
    policy it adds does (in the mode chosen, e.g. whether cases wait when nobody has room)."""
    scenario = results.scenarios[name]
    if name == results.baseline:
        return f"No change: {lower_first(scenario.description or name)}."
    base = results.scenarios[results.baseline]
    added = [p for p in scenario.policy if p not in base.policy]
    says = [
        registry()[p.name].describe(p.params) if p.name in registry() else p.name for p in added
    ]
    if not says:
        return f"{capitalised(scenario.description or name)}."
    return capitalised("; ".join(says)) + "."


def _unit(metric: str) -> str:
    """A column's unit: '%, changes in points', '£ a year', 'children a year'."""
    if outcome(metric).percent:
        return "%; changes in points"
    return short_unit(metric)


def decision_table(results: Results, authority: str = REGION) -> Decision:
    """One row per scenario (A the baseline), a column per measure a board decides on: the
    baseline's level, each variant's change with its interval and verdict."""
    labels = scenario_labels(results.scenarios, results.names)
    metrics = [m for m in DECISION_METRICS if not results.table[results.table["metric"] == m].empty]
    rows = []
    for key, name in zip(ascii_uppercase, results.names):
        base = name == results.baseline
        row = DecisionRow(key, labels[name], scenario_sentence(results, name), base)
        for metric in metrics:
            table_row = results.row(name, metric, authority)
            row.cells.append(_cell(reading(table_row, difference=not base), not base))
        rows.append(row)
    return Decision(
        [capitalised(outcome(m).label) for m in metrics],
        [_unit(m) for m in metrics],
        rows,
    )


# -- warnings ----------------------------------------------------------------------------------
def _number(results: Results, name: str, metric: str, difference: bool = True) -> str:
    r = reading(results.row(name, metric), difference=difference)
    return with_unit(r.shown(r.estimate), metric, difference)


def queue_warnings(results: Results) -> list[str]:
    """A scenario whose cases waiting for a worker keep growing over the run."""
    labels = scenario_labels(results.scenarios, results.names)
    out = []
    for name in results.names:
        trend = queue_trend(results, name)
        if trend is None or not trend.grows:
            continue
        out.append(
            f"Under {labels[name]}, cases waiting for a worker grow by about "
            f"{trend.per_year.estimate:,.0f} a year ({trend.per_year.low:,.0f} to "
            f"{trend.per_year.high:,.0f}; {trend.first_year:,.0f} on average in the first year, "
            f"{trend.last_year:,.0f} in the last): these staff cannot keep up with the cases, so "
            "the queue has not settled and its averages over the run understate where it ends."
        )
    return out


def care_warnings(results: Results) -> list[str]:
    """Effects on children entering care (and on the whole-system cost) that rest on the staffing
    step-up, and verdicts that turn when it is taken out."""
    if results.kind != "compare" or len(results.names) < 2:
        return []
    if not results.scenarios[results.baseline].children.effects:
        return []
    labels = scenario_labels(results.scenarios, results.names)
    out = []
    for name in results.names[1:]:
        entered = reading(results.row(name, ENTERED_CARE), difference=True)
        if not entered.measurable:
            continue
        off = without_effects(results, name)
        off_words = f"{off.estimate:+,.0f} a year ({off.low:+,.0f} to {off.high:+,.0f})"
        turns = not (off.excludes_zero() and (off.estimate > 0) == (entered.estimate > 0))
        more = "more" if entered.estimate > 0 else "fewer"
        text = (
            f"Under {labels[name]}, {entered.shown(abs(entered.estimate), signed=False)} {more} "
            f"children a year enter care ({entered.shown(entered.low)} to "
            f"{entered.shown(entered.high)}); this rests on {STEP_UP}. With it taken out the "
            f"change is {off_words}"
        )
        text += (
            ": the effect on care turns on the assumption." if turns else ", the same direction."
        )
        out.append(text)
        workforce = reading(results.row(name, TOTAL_COST), difference=True)
        whole = reading(results.row(name, WHOLE_SYSTEM_COST), difference=True)
        if (
            workforce.measurable
            and whole.measurable
            and (workforce.estimate > 0) != (whole.estimate > 0)
        ):
            out.append(
                f"Under {labels[name]} the workforce cost changes by "
                f"{_number(results, name, TOTAL_COST)} but the whole-system cost by "
                f"{_number(results, name, WHOLE_SYSTEM_COST)}, through the cost of children in "
                "care: the verdict on cost rests on the same assumption."
            )
    return out


def baseline_warnings(results: Results, check: BaselineCheck | None) -> list[str]:
    """The baseline's misses of its published figures and its drift (``baseline``): each
    council's sentence when there are at most ``MOST_BASELINE``, else one naming the councils."""
    if check is None:
        return []
    flagged = flagged_sentences(results, check)
    if len(flagged) <= MOST_BASELINE:
        return flagged
    missed = list(dict.fromkeys(check.misses["authority"])) if check.published else []
    drifting = list(dict.fromkeys(check.drifting["authority"])) if check.can_drift else []
    parts = [f"misses its published figures in {and_list(missed)}"] if missed else []
    parts += [f"drifts with nothing changed in {and_list(drifting)}"] if drifting else []
    return [
        f"The baseline {' and '.join(parts)}: differences from it there rest on a baseline "
        "that does not match the council (each council's figures are under 'Whether to believe "
        "the baseline' below)."
    ]


def warnings(results: Results, check: BaselineCheck | None = None) -> list[str]:
    """Every warning of the first screen, each naming the number that fired it."""
    check = check if check is not None else check_of(results)
    return queue_warnings(results) + care_warnings(results) + baseline_warnings(results, check)
