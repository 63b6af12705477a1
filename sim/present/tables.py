"""Tables for the terminal, in the report's words: each metric's mean and interval, a comparison's
paired differences with their half-widths, and whether a precision target was reached (all of the
region; each council's numbers are in the report and the result tables); then, where the scenario
describes teams, each team's means over replications."""

from __future__ import annotations

from sim.columns import COST_PER_PP, rows_of
from sim.experiment.results import Results
from sim.present.formats import NO_BREAK
from sim.present.keytable import difference_cell, estimate_cell, target_cell
from sim.present.readings import CI, method_words, reading
from sim.present.region import councils, key_metrics
from sim.present.teams import console_lines


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
    print(line.replace(NO_BREAK, ""))  # the page's word joiners are not for a terminal


def print_summary(results: Results) -> None:
    """Each summary metric's mean and interval (the region's); then each team's means."""
    print(f"{'metric':28s} mean ({CI})")
    for _, row in rows_of(results.table).iterrows():
        _out(f"{row['metric']:28s} {estimate_cell(reading(row), results.reps)}")
    _methods(results)
    _councils(results)
    _teams(results)


def print_comparison(results: Results, metrics: list[str] | None = None) -> None:
    """Key metrics: each scenario's mean and interval, and the paired difference from the
    baseline ± its half-width; then the cost per point of turnover avoided (the region's)."""
    width = max(34, *(len(n) for n in results.names))
    print(
        f"{'metric':26s} {'scenario':{width}s} {'mean (' + CI + ')':44s} difference ± half-width ({CI})"
    )
    table = rows_of(results.table)
    for metric in [*(metrics or key_metrics(results)), COST_PER_PP]:
        label = metric
        for name in results.names:
            rows = table[(table["metric"] == metric) & (table["scenario"] == name)]
            if rows.empty:
                continue
            row = rows.iloc[0]
            if metric == COST_PER_PP:
                mean, diff = "", estimate_cell(reading(row), results.reps)
            else:
                mean = estimate_cell(reading(row), results.reps)
                diff = (
                    ""
                    if name == results.baseline
                    else difference_cell(reading(row, difference=True))
                )
            _out(f"{label:26s} {name:{width}s} {mean:44s} {diff}")
            label = ""
    _methods(results)
    _councils(results)
    _teams(results)


def print_precision(results: Results) -> None:
    """Whether the replications reached the target half-width, and how many more would."""
    for p in results.precision or []:
        _out(f"{p['scenario']}, {p['metric']}: {target_cell(p)}")


def _methods(results: Results) -> None:
    table = rows_of(results.table)
    columns = [c for c in ("method", "diff_method") if c in table]
    used = sorted({m for c in columns for m in table[c].dropna()})
    print("interval methods: " + "; ".join(method_words(m) for m in used))


def _councils(results: Results) -> None:
    """Where each council's numbers are, for a region of councils."""
    names = councils(results)
    if names:
        print(
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
