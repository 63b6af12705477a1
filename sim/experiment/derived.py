"""Quantities the report reads that no result table holds, computed here from the tables over
replications as the comparison's are (``stats``: mean and interval, paired differences on common
random numbers), so that ``sim.present`` only words them:

- the board's derived quantities (``sim.columns.DERIVED``), from each replication's summary:
  every council's net gain from moves; the region's entries into care without the staffing
  effects, over the briefing's three years, and their cost (``board_table``, written beside the
  report as ``board.csv``);
- each team's mean over replications of a team column (``sim.columns.TEAM_SUMMARY``) and, for a
  variant, its paired difference from the baseline (``team_interval``).
"""

from __future__ import annotations

import pandas as pd

from sim.columns import (
    BRIEFING_YEARS,
    CARE_COST_3Y,
    DERIVED,
    ENTERED_3Y,
    ENTRY_COST_3Y,
    NET_MOVES,
    NO_EFFECTS,
    NO_EFFECTS_3Y,
    NO_EFFECTS_COST_3Y,
    REGION,
    TEAM_OUTCOMES,
)
from sim.experiment.results import Results
from sim.experiment.stats import Interval, interval_row, mean_interval, paired_difference


# -- the board's derived quantities --------------------------------------------------------------------
def derived_values(results: Results, name: str, authority: str) -> pd.DataFrame:
    """One scenario's derived quantities for one authority, a row per replication (indexed by
    replication): every council's net gain from moves; the region's entries into care without the
    staffing effects, over three years, and their cost."""
    s = results.summary(name, authority).set_index("rep").sort_index()
    if authority != REGION:
        return pd.DataFrame({NET_MOVES: s["moves_in_per_year"] - s["moves_out_per_year"]})
    price = results.scenarios[name].children.care_cost_gbp_per_child_year
    off = s["entered_care_per_year"] - s["entered_care_extra_per_year"]
    years = BRIEFING_YEARS
    return pd.DataFrame(
        {
            NO_EFFECTS: off,
            ENTERED_3Y: s["entered_care_per_year"] * years,
            NO_EFFECTS_3Y: off * years,
            ENTRY_COST_3Y: s["entered_care_per_year"] * years * price,
            NO_EFFECTS_COST_3Y: off * years * price,
            CARE_COST_3Y: s["care_cost_gbp"] * years,
        }
    )


def board_table(results: Results) -> pd.DataFrame:
    """The derived quantities' mean and interval over replications for every scenario and
    authority, and each variant's paired difference from the baseline (the comparison table's
    columns)."""
    rows = []
    for authority in results.authorities:
        base = derived_values(results, results.baseline, authority)
        for i, name in enumerate(results.names):
            values = derived_values(results, name, authority)
            both = values.index.intersection(base.index)
            for metric in values.columns:
                bounds = DERIVED[metric].bounded
                diff = (
                    None
                    if i == 0
                    else paired_difference(values.loc[both, metric], base.loc[both, metric], bounds)
                )
                rows.append(
                    {
                        "authority": authority,
                        **interval_row(
                            metric, mean_interval(values[metric], bounds), diff, scenario=name
                        ),
                    }
                )
    return pd.DataFrame(rows)


# -- each team's intervals -----------------------------------------------------------------------------
def team_values(results: Results, name: str, authority: str, team: str, metric: str) -> pd.Series:
    """One team's value of ``metric`` in each replication (indexed by replication)."""
    rows = results.team_rows(name)
    rows = rows[(rows["authority"] == authority) & (rows["team"] == team)]
    return rows.set_index("rep")[metric].astype(float).sort_index()


def team_interval(
    results: Results, name: str, authority: str, team: str, metric: str, difference: bool = False
) -> Interval:
    """A team's mean of ``metric`` over replications with its interval, or (``difference``) the
    paired difference of scenario ``name`` from the baseline, replication by replication."""
    x = team_values(results, name, authority, team, metric)
    bounds = TEAM_OUTCOMES[metric].bounded
    if difference:
        base = team_values(results, results.baseline, authority, team, metric)
        both = x.index.intersection(base.index)
        return paired_difference(x[both].to_numpy(), base[both].to_numpy(), bounds)
    return mean_interval(x.to_numpy(), bounds)
