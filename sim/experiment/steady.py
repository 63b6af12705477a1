"""Whether a scenario's path is steady: each authority's yearly rates, and how far they drift.

A "no change" baseline that drifts (its rates move over the run with nothing changed) is a model
that has not settled, and every difference from it inherits the drift. The check compares each
authority's mean rates over the first two reporting years with those over the last two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.columns import AGENCY_SHARE, MEAN_CASELOAD, RATES, TURNOVER_RATE, VACANCY_RATE

DRIFT_POINTS = 0.03  # a rate that moves more than 3 points between the ends of a run drifts
ENDS_YEARS = 2  # years averaged at each end


def yearly_rates(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per authority (if the table has one), replication and reporting year (0, 1, ...; whole
    years only): turnover (leavers over mean permanent staff), vacancy rate and agency share (means
    of the month ends), as the summaries define them; and, where the table has the month ends'
    ``caseload_mean``, the year's ``mean_caseload`` (its mean over the month ends, as the
    summaries' ``mean_caseload``)."""
    ts = timeseries.copy()
    if "authority" not in ts:
        ts["authority"] = "all"
    ts["year"] = ts["month"] // 12
    counts = ts.groupby(["authority", "rep", "year"])["month"].transform("size")
    ts = ts[counts == 12]
    perm, vac, agency = ts["perm_total"], ts["vacancies_total"], ts["agency_total"]
    ts = ts.assign(
        **{
            VACANCY_RATE: (vac / (vac + perm)).where(vac + perm > 0, 0.0),
            AGENCY_SHARE: (agency / (agency + perm)).where(agency + perm > 0, 0.0),
        }
    )
    grouped = ts.groupby(["authority", "rep", "year"], sort=False)
    out = grouped[[VACANCY_RATE, AGENCY_SHARE, "perm_total", "leavers"]].mean()
    out[TURNOVER_RATE] = (grouped["leavers"].sum() / out["perm_total"]).where(
        out["perm_total"] > 0, 0.0
    )
    columns = list(RATES)
    if "caseload_mean" in ts:
        out[MEAN_CASELOAD] = grouped["caseload_mean"].mean()
        columns.append(MEAN_CASELOAD)
    return out[columns].reset_index()


def drift(timeseries: pd.DataFrame, years: int = ENDS_YEARS) -> pd.DataFrame:
    """Per authority and rate: the mean over replications of the first ``years`` reporting years,
    of the last ``years``, the change between them (last minus first) and its standard error over
    the replications (0 with one). Empty if the run is shorter than twice ``years``."""
    rates = yearly_rates(timeseries)
    columns = ["authority", "rate", "first", "last", "change", "se"]
    if rates.empty or rates["year"].max() + 1 < 2 * years:
        return pd.DataFrame(columns=columns)
    last_year = rates["year"].max()
    keys = ["authority", "rep"]
    first = rates[rates["year"] < years].groupby(keys, sort=False)[list(RATES)].mean()
    last = rates[rates["year"] > last_year - years].groupby(keys, sort=False)[list(RATES)].mean()
    change = (last - first).groupby(level="authority", sort=False)
    mean_first = first.groupby(level="authority", sort=False).mean()
    mean_last = last.groupby(level="authority", sort=False).mean()
    n = change.size()
    se = (change.std(ddof=1).fillna(0.0)).div(np.sqrt(n), axis=0)
    rows = [
        {
            "authority": name,
            "rate": rate,
            "first": float(mean_first.at[name, rate]),
            "last": float(mean_last.at[name, rate]),
            "change": float(mean_last.at[name, rate] - mean_first.at[name, rate]),
            "se": float(se.at[name, rate]),
        }
        for name in mean_first.index
        for rate in RATES
    ]
    return pd.DataFrame(rows, columns=columns)


def drifting(table: pd.DataFrame, limit: float = DRIFT_POINTS, z: float = 2.0) -> pd.DataFrame:
    """The rows of ``drift`` whose change is larger than ``limit`` either way by more than ``z``
    standard errors (a drift, not the replications' chance)."""
    return table[np.abs(table["change"]) > limit + z * table["se"]]
