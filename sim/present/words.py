"""Words for readers: the column catalogue and the policy table, generated from the declarations."""
from __future__ import annotations

from sim.experiment.stats import COST_PER_PP_OUTCOME, TABLE_COLUMNS
from sim.model.outcomes import SUMMARY, TIMESERIES, Outcome
from sim.policy import registry

FILES = (("summary.parquet / summary.csv / summaries.parquet: one row per replication", SUMMARY),
         ("timeseries.parquet: one row per replication and month", TIMESERIES),
         ("summary_ci.csv / comparison.parquet / comparison.csv: intervals over replications",
          (*TABLE_COLUMNS, COST_PER_PP_OUTCOME)))


def _range(o: Outcome) -> str:
    lo = "" if o.low == float("-inf") else f"{o.low:g}"
    hi = "" if o.high == float("inf") else f"{o.high:g}"
    return f"[{lo}, {hi}]" if lo and hi else f">= {lo}" if lo else ""


def column_tables(markdown: bool = False) -> str:
    """Every output column (name, unit, definition), by file."""
    out = []
    for title, columns in FILES:
        if markdown:
            out += [f"**{title}**", "", "| column | unit | definition |", "|---|---|---|"]
            out += [f"| `{o.name}` | {o.unit} | {o.definition} |" for o in columns]
        else:
            out += [title]
            out += [f"  {o.name:32s} {o.unit:36s} {o.definition}" for o in columns]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def policy_table() -> str:
    """The shipped policies as a Markdown table."""
    lines = ["| policy | what it does | source |", "|---|---|---|"]
    for name, cls in registry().items():
        lines.append(f"| `{name}` | {cls.description} | {cls.source} |")
    return "\n".join(lines) + "\n"
