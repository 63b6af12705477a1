"""Tables for the terminal, in the report's words and at most ``WIDTH`` columns wide: each metric by
its declared label (``Column.label``) and unit, its mean and interval for a run; for a comparison one
row per metric and one column per scenario (letters A, B, C with a legend of the report's scenario
labels), the baseline's mean and each variant's paired difference from it; whether a precision
target was reached (all of the region; each council's numbers are in the report and the result
tables); then, where the scenario describes teams, each team's means over replications. Numbers are
the report's (``formats``, through ``readings``), aligned per metric."""

from __future__ import annotations

import textwrap

from sim.columns import COST_PER_PP, rows_of
from sim.experiment.results import Results
from sim.present.formats import NO_BREAK, outcome, short_unit
from sim.present.keytable import estimate_cell, target_cell
from sim.present.labels import scenario_labels
from sim.present.readings import CI, INTERVAL, Reading, aligned, method_words, reading
from sim.present.region import councils, key_metrics
from sim.present.teams import console_lines
from sim.present.terminal import GAP, LABEL, WIDTH, grid, letters, wrapped


def markdown_table(frame, digits: int = 4) -> str:
    """A table as markdown: a header row, then a row per record (floats to ``digits``
    significant figures)."""
    cols = list(frame.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        lines.append(
            "| "
            + " | ".join(f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in row)
            + " |"
        )
    return "\n".join(lines) + "\n"


def _out(line: str) -> None:
    """Print a line for a terminal: without the page's word joiners, wrapped at ``WIDTH``."""
    for part in wrapped(line.replace(NO_BREAK, "")):
        print(part)


def metric_label(metric: str, difference: bool = False) -> str:
    """A row's label: the declared label and its unit, 'annual turnover (%)'."""
    if metric == COST_PER_PP:
        return f"{outcome(metric).label} (£)"
    return f"{outcome(metric).label} ({short_unit(metric, difference)})"


def cell_lines(r: Reading, reps: int, width: int) -> list[str]:
    """A cell in lines of at most ``width``: the estimate and its interval (on two lines if they
    do not fit on one); '*' marks a difference whose interval excludes zero; or why there is no
    number."""
    if r.status == INTERVAL:
        mark = "*" if r.difference and r.measurable else ""
        parts = [r.shown(r.estimate) + mark, f"({r.shown(r.low)} to {r.shown(r.high)})"]
        one = " ".join(parts)
        lines = [one] if len(one) <= width else parts
    else:
        lines = [estimate_cell(r, reps)]
    return [part for line in lines for part in textwrap.wrap(line.replace(NO_BREAK, ""), width)]


def print_summary(results: Results) -> None:
    """Each summary metric's mean and interval (the region's); then each team's means."""
    cell_width = WIDTH - LABEL - 10 - len(GAP)
    rows = []
    for _, row in rows_of(results.table).iterrows():
        r = reading(row)
        rows.append((metric_label(r.metric), [cell_lines(r, results.reps, cell_width)]))
    for line in grid(rows, ["measure", f"mean ({CI})"], label=LABEL + 10):
        _out(line)
    _methods(results)
    _councils(results)
    _teams(results)


def comparison_lines(results: Results, metrics: list[str] | None = None) -> list[str]:
    """The comparison as terminal lines: a legend of the scenarios' letters, then a row per key
    metric (and the cost per point of turnover avoided) and a column per scenario."""
    names, base = results.names, results.baseline
    codes = letters(names)
    labels = scenario_labels(results.scenarios, names)
    cell_width = max(16, (WIDTH - LABEL) // max(1, len(names)) - len(GAP))
    table = rows_of(results.table)
    rows = []
    for metric in [*(metrics or key_metrics(results)), COST_PER_PP]:
        present = set(table.loc[table["metric"] == metric, "scenario"])
        shown = [n for n in names if n in present and (metric != COST_PER_PP or n != base)]
        if not shown:
            continue
        base_row = lambda n: n == base or metric == COST_PER_PP
        by_name = dict(
            zip(shown, aligned([reading(results.row(n, metric), not base_row(n)) for n in shown]))
        )
        cells = [
            cell_lines(by_name[n], results.reps, cell_width) if n in by_name else [""]
            for n in names
        ]
        rows.append((metric_label(metric), cells))
    legend = [f"{codes[n]}  {labels[n]}" for n in names]
    note = (
        f"{codes[base]}: the mean ({CI}); {', '.join(codes[n] for n in names[1:])}: the paired "
        f"difference from {codes[base]} (percentage points for a percentage); * where the "
        "interval excludes zero"
    )
    return legend + [note, ""] + grid(rows, ["measure", *(codes[n] for n in names)])


def print_comparison(results: Results, metrics: list[str] | None = None) -> None:
    """Key metrics: the baseline's mean and interval, each variant's paired difference from it;
    then the cost per point of turnover avoided (the region's)."""
    for line in comparison_lines(results, metrics):
        _out(line)
    _methods(results)
    _councils(results)
    _teams(results)


def print_precision(results: Results) -> None:
    """Whether the replications reached the target half-width, and how many more would."""
    codes = letters(results.names)
    for p in results.precision or []:
        _out(
            f"{codes.get(p['scenario'], p['scenario'])}, {outcome(p['metric']).label}: {target_cell(p)}"
        )


def _methods(results: Results) -> None:
    table = rows_of(results.table)
    columns = [c for c in ("method", "diff_method") if c in table]
    used = sorted({m for c in columns for m in table[c].dropna()})
    _out("interval methods: " + "; ".join(method_words(m) for m in used))


def _councils(results: Results) -> None:
    """Where each council's numbers are, for a region of councils."""
    names = councils(results)
    if names:
        _out(
            f"above: the region, its {len(names)} councils together; for each council, see the "
            "report (swsim report) or the authority column of the tables"
        )


def _teams(results: Results) -> None:
    """Each team's means over replications, for the authorities that describe their teams."""
    lines = console_lines(results)
    if lines:
        print()
    for line in lines:
        _out(line)
