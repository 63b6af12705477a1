"""Each team's numbers, as the console and the report show them, from the team rows of a result
(``teams.csv``): for every authority that describes its teams, each team's mean over replications
of its posts, caseloads and waits for a worker, with a 95% interval (and, for a comparison, each
variant's paired difference from the baseline, replication by replication). An authority without
teams is one team called 'all': it has no team table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.columns import REGION, TEAM_OUTCOMES
from sim.experiment.derived import team_interval
from sim.experiment.results import Results
from sim.present.formats import board_digits, number
from sim.present.keytable import Cell
from sim.present.labels import scenario_labels
from sim.present.readings import INTERVAL, SAME, SINGLE, Reading, aligned
from sim.present.terminal import grid, letters

NO_TEAMS = "all"  # the one team of an authority without teams
TEAM_METRICS = [
    "posts",
    "mean_caseload",
    "p95_caseload",
    "share_over_cap",
    "mean_wait_days",
    "wait_days_p90",
    "waited_share",
]
COMPARE_METRICS = ["mean_caseload", "share_over_cap", "mean_wait_days", "wait_days_p90"]
HEADINGS = {
    "posts": "posts",
    "mean_caseload": "mean caseload",
    "p95_caseload": "p95 caseload",
    "share_over_cap": "over cap",
    "mean_wait_days": "mean wait",
    "wait_days_p90": "p90 wait",
    "waited_share": "waited",
}
NOT_DEFINED = "n/a"
WAITS = (
    "A team's waits are every wait for one of its workers that ended in the window: new "
    "referrals, cases moving in from another team when their type changes, and cases whose "
    "worker left or handed them back. They are counted in whole days (0: a worker took the "
    "case the day it came): the measure of the key numbers' wait for a worker, so the teams' "
    "waits together are the council's."
)
UNDEFINED_WORDS = (
    f"{NOT_DEFINED}: undefined in every replication (caseloads: "
    f"{TEAM_OUTCOMES['mean_caseload'].undefined_when}; waits: "
    f"{TEAM_OUTCOMES['mean_wait_days'].undefined_when})."
)


def has_teams(rows: pd.DataFrame) -> bool:
    return bool(len(rows)) and set(rows["team"]) != {NO_TEAMS}


def team_authorities(results: Results) -> list[str]:
    """The authorities (in the results' order) that describe their teams in any scenario."""
    if results.teams.empty:
        return []
    return [
        a for a in results.authorities if has_teams(results.teams[results.teams["authority"] == a])
    ]


def teams_of(results: Results, authority: str, name: str | None = None) -> list[str]:
    """One scenario's teams (the baseline's by default) of an authority, in the scenario's order."""
    rows = results.team_rows(name)
    return list(dict.fromkeys(rows.loc[rows["authority"] == authority, "team"]))


def team_reading(
    results: Results, name: str, authority: str, team: str, metric: str, difference: bool = False
) -> Reading:
    """A team's mean of ``metric`` over replications with its interval, or (``difference``) the
    paired difference of scenario ``name`` from the baseline (``derived.team_interval``)."""
    iv = team_interval(results, name, authority, team, metric, difference)
    return Reading(metric, iv.estimate, iv.low, iv.high, iv.method, iv.n, difference)


def value_cell(r: Reading) -> str:
    """The estimate alone ('21.2', '41.9%', '-0.6'; decimals by its interval, one without), or
    'n/a' where no replication defines it."""
    if not math.isfinite(r.estimate):
        return NOT_DEFINED
    if r.status == INTERVAL:
        return r.shown(r.estimate)
    whole = r.metric == "posts" and float(r.estimate).is_integer()
    return number(r.estimate, r.metric, 0 if whole else board_digits(r.metric), r.difference)


def interval_cell(r: Reading) -> str:
    """'21.2 (20.5 to 21.9)'; the estimate alone without an interval (one replication, the same
    in every replication); 'n/a' where undefined."""
    if r.status == INTERVAL:
        return f"{r.shown(r.estimate)} ({r.shown(r.low)} to {r.shown(r.high)})"
    return value_cell(r) if r.status in (SINGLE, SAME) else NOT_DEFINED


def team_words(team: str) -> str:
    """A team's name for a reader: 'front door' for ``front_door``."""
    return team.replace("_", " ")


def where_words(authority: str) -> str:
    return "" if authority == REGION else f" of {authority}"


def unit_of(metric: str, difference: bool = False) -> str:
    """'%' ('percentage points' for a difference), 'days', 'cases per case holder', 'posts'."""
    o = TEAM_OUTCOMES[metric]
    if o.percent:
        return "percentage points" if difference else "%"
    return o.unit


def heading(metric: str, cap: float) -> str:
    """A console column's heading: 'mean caseload', 'over cap (21)', 'mean wait (days)'."""
    if metric == "share_over_cap":
        return f"{HEADINGS[metric]} ({cap:g})"
    return HEADINGS[metric] + (" (days)" if TEAM_OUTCOMES[metric].unit == "days" else "")


def label(metric: str, cap: float) -> str:
    """A report column's label: the outcome's, with the cap for the share over it."""
    words = TEAM_OUTCOMES[metric].label
    return f"{words} ({cap:g} cases)" if metric == "share_over_cap" else words


# -- the report ---------------------------------------------------------------------------------------
@dataclass
class TeamTable:
    """One table of an authority's teams: a row per team, a column per metric."""

    caption: str
    columns: list[tuple[str, str]]  # (metric label, unit)
    rows: list[tuple[str, list[Cell]]]  # (team, its cells)


def _columns(cap: float, variant: bool) -> list[tuple[str, str]]:
    """(label, unit) of each column; a variant's cells hold its mean, then the paired difference."""

    def unit(m: str) -> str:
        if not variant or unit_of(m) == unit_of(m, True):
            return unit_of(m)
        return f"{unit_of(m)}; difference in {unit_of(m, True)}"

    return [(label(m, cap), unit(m)) for m in TEAM_METRICS]


def _variant_cell(
    results: Results, name: str, authority: str, team: str, metric: str, paired: bool
) -> Cell:
    """A variant's mean; then its paired difference from the baseline (95% CI) where the baseline
    has the team."""
    mean = value_cell(team_reading(results, name, authority, team, metric))
    if not paired:
        return Cell(mean)
    d = team_reading(results, name, authority, team, metric, difference=True)
    return Cell(f"{mean}; {interval_cell(d)}", d.measurable)


def team_tables(results: Results) -> list[tuple[str, list[TeamTable]]]:
    """(authority heading, its tables) for every authority with teams: the baseline's means with
    their intervals, then for a comparison each variant's means and paired differences."""
    labels = scenario_labels(results.scenarios, results.names)
    compare = results.kind == "compare" and len(results.names) > 1
    base = results.baseline
    out = []
    for authority in team_authorities(results):
        where = where_words(authority)
        cap = results.scenarios[base].reporting.caseload_cap
        tables = []
        in_base = f" in {labels[base]}" if compare else ""
        tables.append(
            TeamTable(
                f"Each team{where}: mean over replications{in_base} (95% CI)",
                _columns(cap, False),
                [
                    (
                        team_words(team),
                        [
                            Cell(interval_cell(team_reading(results, base, authority, team, m)))
                            for m in TEAM_METRICS
                        ],
                    )
                    for team in teams_of(results, authority, base)
                ],
            )
        )
        for name in results.names[1:] if compare else []:
            base_teams = set(teams_of(results, authority, base))
            rows = [
                (
                    team_words(team),
                    [
                        _variant_cell(results, name, authority, team, m, team in base_teams)
                        for m in TEAM_METRICS
                    ],
                )
                for team in teams_of(results, authority, name)
            ]
            tables.append(
                TeamTable(
                    f"With {labels[name]}, each team{where}: mean over replications; paired difference "
                    f"from {labels[base]} (95% CI)",
                    _columns(cap, True),
                    rows,
                )
            )
        title = "The region's teams" if authority == REGION else f"{authority}'s teams"
        out.append((title, tables))
    return out


# -- the console --------------------------------------------------------------------------------------
def _console_rows(
    results: Results, metrics: list[str], names: list[str]
) -> list[tuple[str, list[list[str]]]]:
    """(the team, with its council if several and its scenario's letter in a comparison; a cell
    per metric)."""
    rows = []
    several = len(team_authorities(results)) > 1
    codes = letters(names)
    for authority in team_authorities(results):
        for team in dict.fromkeys(t for n in names for t in teams_of(results, authority, n)):
            for name in names:
                if team not in teams_of(results, authority, name):
                    continue
                readings = [team_reading(results, name, authority, team, m) for m in metrics]
                where = f"{authority}: " if several else ""
                which = f" ({codes[name]})" if len(names) > 1 else ""
                rows.append((where + team_words(team) + which, readings))
    columns = [aligned([r[i] for _, r in rows]) for i in range(len(metrics))]
    return [(lb, [[value_cell(c[k])] for c in columns]) for k, (lb, _) in enumerate(rows)]


def console_lines(results: Results, max_rows: int = 60) -> list[str]:
    """Each team's means over replications, for the authorities with teams: every column for a
    run; for a comparison, the key columns for each scenario (by its letter, as in the table
    above; a pointer to the report when there are more than ``max_rows`` rows)."""
    if not team_authorities(results):
        return []
    names = results.names if results.kind == "compare" else [results.baseline]
    metrics = COMPARE_METRICS if len(names) > 1 else TEAM_METRICS
    cap = results.scenarios[results.baseline].reporting.caseload_cap
    rows = _console_rows(results, metrics, names)
    n = results.reps
    title = (
        f"teams (mean over {n} replication{'' if n == 1 else 's'}; intervals and the definitions "
        "in the report and teams.csv)"
    )
    if len(rows) > max_rows:
        return [
            f"teams: {len(rows)} rows (teams x scenarios); see the report (swsim report) or teams.csv"
        ]
    heads = ["team" + (" (scenario)" if len(names) > 1 else "")] + [
        heading(m, cap) for m in metrics
    ]
    lines = [title, *grid(rows, heads, right=True)]
    lines.append(
        "waits: every wait for a worker of the team (new referrals, moves from another team, "
        "after a worker left), counted in whole days"
    )
    return lines


def team_means(results: Results, name: str | None = None) -> pd.DataFrame:
    """Each team's mean over replications of every team column (NaN where undefined in every
    replication), one row per authority and team, in the scenario's order."""
    rows = results.team_rows(name)
    columns = [c for c in rows.columns if c not in ("rep", "authority", "team")]
    return rows.groupby(["authority", "team"], sort=False)[columns].mean().reset_index()
