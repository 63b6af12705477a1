"""Results of a run or a comparison, in memory and on disk.

``Results`` holds everything a report or a user needs: the scenarios, every replication's summary
and monthly rows (with a ``scenario`` column), the interval table and the run settings. ``save``
writes it as a result set (see ``resultset``); ``load_results`` reads one back after checking its
manifest.

Files of a run: ``summary.parquet``/``.csv`` (one row per replication), ``summary_ci.csv`` (each
metric's mean and interval), ``timeseries.parquet`` (one row per replication and month),
``scenario.toml`` (the resolved scenario: running it repeats the run). Files of a comparison:
``comparison.parquet``/``.csv``, ``summaries.parquet``, ``timeseries.parquet`` (every scenario,
with a ``scenario`` column) and ``scenarios/<name>.toml``. Both: ``teams.csv`` (one row per
replication, council and team) and ``manifest.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.columns import REGION, authorities_of, rows_of
from sim.errors import BadInput
from sim.experiment.compare import Comparison
from sim.experiment.replications import Runs
from sim.experiment.resultset import ResultSet, verify
from sim.experiment.stats import summary_table
from sim.experiment.variants import short_name
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_to_toml

RUN, COMPARE = "run", "compare"


@dataclass
class Results:
    """The results of ``run`` (one scenario) or ``compare`` (a baseline, then variants)."""

    kind: str  # "run" or "compare"
    names: list[str]
    scenarios: dict[str, Scenario]
    summaries: pd.DataFrame  # one row per scenario x replication
    timeseries: pd.DataFrame  # one row per scenario x replication x month
    table: pd.DataFrame  # intervals (see sim.columns.TABLE_COLUMNS); per scenario for compare
    settings: dict = field(default_factory=dict)  # seed, reps, years, warmup_years, workers, ...
    precision: list[dict] | None = None  # target half-widths (compare --target-halfwidth)
    teams: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per scenario x rep x team

    @property
    def baseline(self) -> str:
        return self.names[0]

    @property
    def reps(self) -> int:
        region = rows_of(self.summaries)
        return int(self.settings.get("reps", len(region) // max(len(self.names), 1)))

    @property
    def authorities(self) -> list[str]:
        """The region, then its councils (just the region for a scenario without councils)."""
        return authorities_of(self.summaries)

    def summary(self, name: str | None = None, authority: str = REGION) -> pd.DataFrame:
        """One scenario's per-replication summary (the baseline's by default) for one authority
        (the region by default)."""
        name = name or self.baseline
        return rows_of(
            self.summaries[self.summaries["scenario"] == name].drop(columns="scenario"), authority
        )

    def monthly(self, name: str | None = None, authority: str = REGION) -> pd.DataFrame:
        """One scenario's monthly rows (the baseline's by default) for one authority."""
        name = name or self.baseline
        return rows_of(
            self.timeseries[self.timeseries["scenario"] == name].drop(columns="scenario"), authority
        )

    def row(self, name: str, metric: str, authority: str = REGION) -> pd.Series:
        """The interval table's row for a scenario, metric and authority (the region by default)."""
        t = self.table
        t = t[t["authority"] == authority]
        rows = (
            t[(t["metric"] == metric) & (t["scenario"] == name)]
            if "scenario" in t
            else t[t["metric"] == metric]
        )
        return rows.iloc[0]

    def team_rows(self, name: str | None = None) -> pd.DataFrame:
        """One scenario's per-replication team rows (the baseline's by default)."""
        name = name or self.baseline
        if self.teams.empty:
            return self.teams
        return (
            self.teams[self.teams["scenario"] == name]
            .drop(columns="scenario")
            .reset_index(drop=True)
        )

    @classmethod
    def from_run(cls, scenario: Scenario, runs: Runs, settings: dict) -> Results:
        name = scenario.name
        return cls(
            RUN,
            [name],
            {name: scenario},
            runs.summary.assign(scenario=name),
            runs.timeseries.assign(scenario=name),
            summary_table(runs.summary),
            settings,
            teams=runs.teams.assign(scenario=name),
        )

    @classmethod
    def from_comparison(
        cls,
        comparison: Comparison,
        scenarios: list[Scenario],
        settings: dict,
        precision: list[dict] | None = None,
    ) -> Results:
        names = list(comparison.names)
        stack = lambda frames: pd.concat(
            [f.assign(scenario=n) for n, f in zip(names, frames)], ignore_index=True
        )
        return cls(
            COMPARE,
            names,
            dict(zip(names, scenarios)),
            stack(comparison.summaries),
            stack(comparison.timeseries),
            comparison.table(),
            {**settings, "reps": comparison.reps},
            precision,
            stack(comparison.teams) if comparison.teams else pd.DataFrame(),
        )

    def scenario_texts(self) -> dict[str, str]:
        return {name: scenario_to_toml(s) for name, s in self.scenarios.items()}


def default_out(kind: str, names: list[str]) -> Path:
    """``results/<scenario>`` for a run, ``results/compare/<base>-vs-<variant>...`` for a comparison."""
    if kind == RUN:
        return Path("results") / names[0]
    label = f"{names[0]}-vs-" + "-".join(
        n[len(names[0]) + 1 :] if n.startswith(names[0] + "+") else n for n in names[1:]
    )
    return Path("results") / "compare" / short_name(label, 120)


def save(results: Results, rs: ResultSet) -> None:
    """Write the data files of ``results`` into the (prepared) result set."""
    if results.kind == RUN:
        name = results.baseline
        rs.write_table("timeseries.parquet", results.timeseries.drop(columns="scenario"))
        summary = results.summaries.drop(columns="scenario")  # every authority's rows
        rs.write_table("summary.parquet", summary)
        rs.write_table("summary.csv", summary)
        rs.write_table("summary_ci.csv", results.table)
        rs.write_table("teams.csv", results.teams.drop(columns="scenario"))
        rs.write_text("scenario.toml", scenario_to_toml(results.scenarios[name]))
        return
    rs.write_table("comparison.parquet", results.table)
    rs.write_table("comparison.csv", results.table)
    rs.write_table("summaries.parquet", results.summaries)
    rs.write_table("timeseries.parquet", results.timeseries)
    rs.write_table("teams.csv", results.teams)
    for name, text in results.scenario_texts().items():
        rs.write_text(f"scenarios/{name}.toml", text)


def commit(results: Results, rs: ResultSet) -> Path:
    extra = {"precision": results.precision} if results.precision is not None else None
    return rs.commit({**results.settings, "names": results.names}, results.scenario_texts(), extra)


def load_results(directory: Path) -> Results:
    """The results in a folder written by ``swsim run`` or ``swsim compare`` (manifest checked)."""
    d = Path(directory)
    manifest = verify(d)
    kind = manifest.get("kind")
    settings = dict(manifest.get("settings") or {})
    names = list(settings.pop("names", []) or manifest.get("identity", {}).get("scenarios", []))
    try:
        if kind == RUN:
            scenario = load_scenario(d / "scenario.toml")
            name = names[0] if names else scenario.name
            return Results(
                RUN,
                [name],
                {name: scenario},
                pd.read_parquet(d / "summary.parquet").assign(scenario=name),
                pd.read_parquet(d / "timeseries.parquet").assign(scenario=name),
                pd.read_csv(d / "summary_ci.csv"),
                settings,
                teams=pd.read_csv(d / "teams.csv").assign(scenario=name),
            )
        if kind == COMPARE:
            scenarios = {n: load_scenario(d / "scenarios" / f"{n}.toml") for n in names}
            return Results(
                COMPARE,
                names,
                scenarios,
                pd.read_parquet(d / "summaries.parquet"),
                pd.read_parquet(d / "timeseries.parquet"),
                pd.read_parquet(d / "comparison.parquet"),
                settings,
                manifest.get("precision"),
                pd.read_csv(d / "teams.csv"),
            )
    except (ScenarioError, OSError, ValueError) as err:
        problems = err.problems if isinstance(err, (ScenarioError, BadInput)) else [str(err)]
        raise BadInput([f"{d}: cannot read its results: {p}" for p in problems]) from None
    raise BadInput(
        f"{d}: holds a '{kind}' result set; a report needs the results of swsim run "
        "or swsim compare"
    )
