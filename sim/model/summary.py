"""What a replication reports, computed: the per-replication summary (``sim.columns.SUMMARY``)
and each team's (``sim.columns.TEAM_SUMMARY``), from the recorder's month-end rows
(``sim.columns.TIMESERIES``) and the case table. The columns are declared in ``sim.columns``; each
is computed here, under its declared name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.columns import (
    AGENCY_SHARE,
    CARE_COST,
    FIRST_WAIT,
    MEAN_CASELOAD,
    TOTAL_COST,
    TURNOVER_RATE,
    VACANCY_RATE,
    WHOLE_SYSTEM_COST,
)
from sim.model.allocation import ARRIVAL, CHANGES, CLOSED, FIRST_ALLOC, UNALLOCATED
from sim.model.clock import DAYS_PER_YEAR, MONTH_DAYS
from sim.model.roster import PERMANENT
from sim.model.workforce import ASYE
from sim.scenario import DESTINATIONS, LEVELS

NAN = float("nan")
TWO_YEARS = 2 * DAYS_PER_YEAR
MARCH = 2  # month ends in March (the run starts on 1 January)


THREE_PLUS = ("lac_3plus_workers_share", "cin_3plus_workers_share")


Columns = Mapping[str, np.ndarray]  # a table as its columns (summaries use numpy, not pandas)


def columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of ``frame`` as numpy arrays."""
    return {name: frame[name].to_numpy() for name in frame.columns}


def subset(table: Columns, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The ``rows`` (a boolean mask) of every column of ``table``."""
    return {name: values[rows] for name, values in table.items()}


def _mean_or_nan(x: np.ndarray) -> float:
    """The mean of the values that are not NaN (summed without them), or NaN if none."""
    x = x[~np.isnan(x)]
    return float(x.mean()) if x.size else float("nan")


def mean(x: np.ndarray) -> float:
    """``pandas.Series.mean`` to the last bit (NaN values left out, summed as zeros; NaN if none
    is left), without numpy's or pandas' per-call overhead: the month end and the summaries use it
    on many small arrays."""
    if x.dtype.kind == "f":
        nan = np.isnan(x)
        n = int(x.size - nan.sum())
        if n < x.size:
            return float(np.where(nan, 0.0, x).sum() / n) if n else float("nan")
    return float(x.sum(dtype=np.float64) / x.size) if x.size else float("nan")


def is_march(months: Columns, start_day: float) -> np.ndarray:
    """Which of the window's month rows end on 31 March (the date DfE records the measure)."""
    first = int(round(start_day / MONTH_DAYS))
    return ((months["month"] + first) % 12) == MARCH


class CaseColumns:
    """Several councils' case tables read field by field (``columns[ARRIVAL]``) as if they were
    one, without copying the whole tables."""

    def __init__(self, tables: list[np.ndarray]):
        self.tables = tables

    def __getitem__(self, field: int) -> np.ndarray:
        return np.concatenate([t[field] for t in self.tables])


@np.errstate(
    divide="ignore", invalid="ignore"
)  # a month without staff: 0/0, left out as pandas did
def summarise(
    months: Columns,
    cases: np.ndarray | CaseColumns,
    initial: np.ndarray,
    workers: Iterable[Any],
    start_day: float,
    end_day: float,
    waits: np.ndarray,
) -> dict[str, float]:
    """One replication's outcomes (``SUMMARY``) over the reporting window [start_day, end_day).

    ``months``: the recorder's rows for the window (columns); ``cases``: the case table (rows as in
    ``allocation``; or ``CaseColumns`` of several); ``initial``: which cases were open at the
    start; ``workers``: every worker; ``waits``: the histogram by whole days of the waits for a
    worker that ended in the window (``WAITS``: every team's, summed). Counts and money are per
    year.
    """
    years = (end_day - start_day) / DAYS_PER_YEAR
    perm = months["perm_total"]
    agency = months["agency_total"]
    vac = months["vacancies_total"]
    referred = ~initial
    first_alloc = cases[FIRST_ALLOC]
    allocated = referred & (first_alloc >= start_day) & (first_alloc < end_day)
    closed = referred & (cases[CLOSED] >= start_day) & (cases[CLOSED] < end_day)
    first_waits = first_alloc[allocated] - cases[ARRIVAL][allocated]
    wait = wait_statistics(waits)
    march = is_march(months, start_day)
    asye = [
        w
        for w in workers
        if w.start_level == ASYE
        and w.contract == PERMANENT
        and w.pipeline not in ("initial", "moved")
        and start_day <= w.hired_day < end_day - TWO_YEARS
    ]
    stayed = [w for w in asye if w.left_day is None or w.left_day - w.hired_day >= TWO_YEARS]
    out: dict[str, float] = {
        TURNOVER_RATE: float(months["leavers"].sum() / mean(perm) / years),
        VACANCY_RATE: mean(vac / (vac + perm)),
        AGENCY_SHARE: mean(agency / (agency + perm)),
        "agency_cover_rate": float(
            (agency - months["agency_above_establishment"]).sum() / vac.sum()
        )
        if vac.sum() > 0
        else float("nan"),
        "starter_rate": float(months["hires"].sum() / mean(perm) / years),
        "share_l3": mean(months["perm_l3"] / perm),
        MEAN_CASELOAD: mean(months["caseload_mean"]),
        "p95_caseload": mean(months["caseload_p95"]),
        "share_over_cap": mean(months["share_over_cap"]),
        "effective_load_mean": mean(months["effective_load_mean"]),
        **wait,
        "waits": wait["waits"] / years,
        FIRST_WAIT: float(first_waits.mean()) if first_waits.size else NAN,
        "first_wait_days_p90": float(np.percentile(first_waits, 90)) if first_waits.size else NAN,
        "worker_changes_per_case": float(cases[CHANGES][closed].mean())
        if closed.any()
        else float("nan"),
        "unallocated_days_per_case": float(cases[UNALLOCATED][closed].mean())
        if closed.any()
        else float("nan"),
        **{name: _mean_or_nan(months[name][march]) for name in THREE_PLUS},
        "asye_retention_2y": len(stayed) / len(asye) if asye else float("nan"),
        "asye_cohort": float(len(asye)),
    }
    for d in DESTINATIONS:
        out[f"leavers_{d}"] = float(months[f"leavers_{d}"].sum() / years)
    last = {name: values[-1] for name, values in months.items()}
    out.update(
        leavers_retirement=float(months["leavers_retirement"].sum() / years),
        staff_near_retirement_share=float(last["perm_near_retirement"] / last["perm_total"])
        if last["perm_total"] > 0
        else float("nan"),
        absence_rate=mean(months["absence_rate"]),
        moves_in_per_year=float(months["moves_in"].sum() / years),
        moves_out_per_year=float(months["moves_out"].sum() / years),
        moves_pay_driven_per_year=float(months["moves_pay_driven"].sum() / years),
        agency_mean=mean(agency),
        bank_mean=mean(months["bank_total"]),
        permanent_practice_share=mean(
            (perm + months["bank_total"]) / (agency + perm + months["bank_total"])
        ),
        agency_above_establishment_mean=mean(months["agency_above_establishment"]),
        agency_unmet_mean=mean(months["agency_unmet"]),
        referrals_per_year=float(months["referrals"].sum() / years),
        cases_waiting_mean=mean(months["cases_waiting"]),
        total_cost_gbp=float(months["cost_gbp_month"].sum() / years),
        pay_per_fte_gbp=mean(months["staff_cost_gbp_month"] * 12 / perm),
        agency_cost_gbp=float(months["agency_cost_gbp_month"].sum() / years),
        agency_premium_gbp=float(months["agency_premium_gbp_month"].sum() / years),
        policy_cost_gbp=float(months["policy_cost_gbp_month"].sum() / years),
        entered_care_per_year=float(months["entered_care"].sum() / years),
        entered_care_extra_per_year=float(months["entered_care_extra"].sum() / years),
        children_in_care_mean=mean(months["children_in_care"]),
        care_cost_gbp=mean(months["care_cost_gbp_month"]) * 12,  # mean children x cost
    )
    out[WHOLE_SYSTEM_COST] = out[TOTAL_COST] + out[CARE_COST]
    for name in LEVELS:
        out[f"headcount_end_{name}"] = float(last[f"perm_{name}"])
    out["headcount_end_agency"] = float(last["agency_total"])
    return out


def wait_statistics(hist: np.ndarray) -> dict[str, float]:
    """Count, mean, 90th percentile and share of at least a day, of waits given as a histogram by
    whole days (the last bin holds the longest)."""
    n = int(hist.sum())
    if n == 0:
        return {"waits": 0.0, "mean_wait_days": NAN, "wait_days_p90": NAN, "waited_share": NAN}
    days = np.arange(hist.size)
    p90 = int(np.searchsorted(np.cumsum(hist), 0.9 * n, side="left"))
    return {
        "waits": float(n),
        "mean_wait_days": float(hist @ days / n),
        "wait_days_p90": float(p90),
        "waited_share": float(hist[1:].sum() / n),
    }


def summarise_teams(
    team_months: Columns, waits: np.ndarray, posts: list[int], names: list[str], years: float
) -> list[dict[str, float | str]]:
    """Each team's outcomes (``TEAM_SUMMARY`` without the authority) over the window, from its
    month-end rows (``team``, ``staff``, ``case_holders``, ``caseload_mean``, ``caseload_p95``,
    ``share_over_cap``, ``cases_waiting``) and the histogram of waits that ended in the window
    (teams x days)."""
    out: list[dict[str, float | str]] = []
    for k, name in enumerate(names):
        rows = team_months["team"] == name
        held = rows & (team_months["case_holders"] > 0)
        stats = wait_statistics(waits[k])
        out.append(
            {
                "team": name,
                "posts": float(posts[k]),
                "staff_mean": mean(team_months["staff"][rows]),
                MEAN_CASELOAD: _mean_or_nan(team_months["caseload_mean"][held]),
                "p95_caseload": _mean_or_nan(team_months["caseload_p95"][held]),
                "share_over_cap": _mean_or_nan(team_months["share_over_cap"][held]),
                "cases_waiting_mean": mean(team_months["cases_waiting"][rows]),
                **stats,
                "waits": stats["waits"] / years,
            }
        )
    return out
