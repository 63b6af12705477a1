"""Words for readers: the column catalogue and the policy table, generated from the declarations
(the docs' reference pages embed both: sim/cli/reference.py)."""

from __future__ import annotations

from sim.columns import (
    COST_PER_PP_COLUMN,
    DERIVED,
    SUMMARY,
    TABLE_COLUMNS,
    TEAM_SUMMARY,
    TIMESERIES,
)
from sim.policy import registry
from sim.present.labels import field_words, value_words

FILES = (
    (
        "summary.parquet / summary.csv / summaries.parquet: one row per replication and authority (the region, then each council)",
        SUMMARY,
    ),
    ("timeseries.parquet: one row per replication, authority and month", TIMESERIES),
    (
        "teams.csv: one row per replication, authority and team (a comparison's also has a "
        "scenario column)",
        TEAM_SUMMARY,
    ),
    (
        "summary_ci.csv / comparison.parquet / comparison.csv: intervals over replications",
        (*TABLE_COLUMNS, COST_PER_PP_COLUMN),
    ),
    (
        "board.csv (a region of councils, beside report.html): the board's derived quantities, "
        "the `metric` of rows with the interval tables' columns",
        tuple(DERIVED.values()),
    ),
)


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


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def policy_parameters(cls) -> list[str]:
    """Each parameter of a policy: name, default with its unit, and what it is."""
    out = []
    for key, info in cls.parameters().items():
        words = field_words(cls.Params, key)
        out.append(f"`{key}` = {value_words(info['default'], words.unit)}: {words.name}")
    return out


def policy_table() -> str:
    """The installed policies as a Markdown table: name, label in reports (with the default
    parameters), what it does, parameters with defaults, and source."""
    lines = [
        "| policy | in reports | what it does (defaults) | parameters (defaults) | source |",
        "|---|---|---|---|---|",
    ]
    for name, cls in registry().items():
        cells = [
            f"`{name}`",
            cls.label_for(),
            cls.describe(),
            "<br>".join(policy_parameters(cls)),
            cls.source or "not given",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
