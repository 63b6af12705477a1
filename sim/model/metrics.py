"""Recording: monthly snapshots of one authority, and the per-replication summary.

The recorder keeps one row per month (a tidy table once the replication ends); ``summarise``
turns the rows after warm-up, the cases and the worker records into one row of outcomes.
Definitions follow DfE's workforce statistics where DfE has one (turnover, vacancy and agency rates,
caseload per case holder).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.model.allocation import ARRIVAL, CHANGES, CLOSED, FIRST_ALLOC, UNALLOCATED
from sim.model.demand import DAYS_PER_YEAR
from sim.scenario import DESTINATIONS, LEVELS
from sim.model.workforce import ASYE, MONTH_DAYS, PERMANENT

if TYPE_CHECKING:
    from sim.model.authority import Authority

TWO_YEARS = 2 * DAYS_PER_YEAR
# Caseload bands for the monthly distribution of case holders (cases held, 3 wide; 21 is an edge)
CASELOAD_BANDS = [(lo, lo + 2) for lo in range(1, 31, 3)] + [(31, None)]


def band_column(lo: int, hi: int | None) -> str:
    return f"holders_{lo:02d}_{hi:02d}" if hi is not None else f"holders_{lo:02d}_plus"


class Recorder:
    """Takes a snapshot of an authority at the end of every month."""

    def __init__(self, auth: "Authority"):
        self.auth = auth
        self.rows: list[dict[str, float]] = []

    def run(self, offset: float):
        auth = self.auth
        yield auth.env.timeout(MONTH_DAYS - 1.0 + offset)
        for month in range(auth.n_months):
            self.rows.append(self.snapshot(month))
            auth.tally.clear()
            auth.check_conservation(full=False)
            yield auth.env.timeout(MONTH_DAYS)

    def snapshot(self, month: int) -> dict[str, float]:
        auth = self.auth
        perm, agency, vacancies = auth.headcount()
        book = auth.book
        holding = book.active & (book.count > 0)
        counts = book.count[holding]
        first_day = int(round(month * MONTH_DAYS))
        last_day = int(round((month + 1) * MONTH_DAYS))
        tally = auth.tally
        rates = auth.rates
        staff_cost = float(rates.permanent_cost @ perm) / 12.0
        agency_cost = float(rates.agency_cost @ agency) / 12.0
        recruit_cost = tally["external_hires"] * rates.recruitment_cost
        policy_cost = float(tally["policy_cost"])
        row: dict[str, float] = {"month": month - auth.warmup_months}
        for lo, hi in CASELOAD_BANDS:
            inside = (counts >= lo) if hi is None else ((counts >= lo) & (counts <= hi))
            row[band_column(lo, hi)] = int(inside.sum())
        for i, name in enumerate(LEVELS):
            row[f"perm_{name}"] = perm[i]
        for i, name in enumerate(LEVELS):
            row[f"agency_{name}"] = agency[i]
        for i, name in enumerate(LEVELS):
            row[f"vacancies_{name}"] = vacancies[i]
        row.update(
            perm_total=perm.sum(), agency_total=agency.sum(), vacancies_total=vacancies.sum(),
            leavers=tally["leavers"],
            **{f"leavers_{d}": tally[f"leavers_{d}"] for d in DESTINATIONS},
            hires=tally["hires"], conversions=tally["conversions"], promotions=tally["promotions"],
            agency_starts=tally["agency_starts"],
            referrals=int(book.referrals_per_day[first_day:last_day].sum()),
            cases_open=book.open_cases, cases_waiting=book.waiting,
            case_holders=int(holding.sum()),
            caseload_mean=float(counts.mean()) if counts.size else 0.0,
            caseload_p95=float(np.percentile(counts, 95)) if counts.size else 0.0,
            weighted_load_mean=float(book.load[holding].mean()) if counts.size else 0.0,
            effective_load_mean=float(book.load[holding].mean() / auth.rates.capacity_factor)
            if counts.size else 0.0,
            share_over_cap=float((counts > auth.scenario.reporting.caseload_cap).mean()) if counts.size else 0.0,
            staff_cost_gbp_month=staff_cost, agency_cost_gbp_month=agency_cost,
            recruitment_cost_gbp_month=recruit_cost, policy_cost_gbp_month=policy_cost,
            cost_gbp_month=staff_cost + agency_cost + recruit_cost + policy_cost,
        )
        return row


def summarise(months: pd.DataFrame, cases: np.ndarray, initial: np.ndarray,
              workers: list[Any], start_day: float, end_day: float) -> dict[str, float]:
    """One replication's outcomes over the reporting window [start_day, end_day).

    ``months``: the recorder's rows for the window; ``cases``: the case table (rows as in
    ``allocation``); ``initial``: which cases were open at the start; ``workers``: every worker.
    Counts and money are per year.
    """
    years = (end_day - start_day) / DAYS_PER_YEAR
    perm = months["perm_total"]
    agency = months["agency_total"]
    vac = months["vacancies_total"]
    referred = ~initial
    first_alloc = cases[FIRST_ALLOC]
    allocated = referred & (first_alloc >= start_day) & (first_alloc < end_day)
    closed = referred & (cases[CLOSED] >= start_day) & (cases[CLOSED] < end_day)
    asye = [w for w in workers if w.start_level == ASYE and w.contract == PERMANENT
            and w.pipeline != "initial" and start_day <= w.hired_day < end_day - TWO_YEARS]
    stayed = [w for w in asye if w.left_day is None or w.left_day - w.hired_day >= TWO_YEARS]
    out: dict[str, float] = {
        "turnover_rate": float(months["leavers"].sum() / perm.mean() / years),
        "vacancy_rate": float((vac / (vac + perm)).mean()),
        "agency_share": float((agency / (agency + perm)).mean()),
        "agency_cover_rate": float(agency.sum() / vac.sum()) if vac.sum() > 0 else float("nan"),
        "starter_rate": float(months["hires"].sum() / perm.mean() / years),
        "share_l3": float((months["perm_l3"] / perm).mean()),
        "mean_caseload": float(months["caseload_mean"].mean()),
        "p95_caseload": float(months["caseload_p95"].mean()),
        "share_over_cap": float(months["share_over_cap"].mean()),
        "effective_load_mean": float(months["effective_load_mean"].mean()),
        "mean_wait_days": float((first_alloc[allocated] - cases[ARRIVAL][allocated]).mean())
        if allocated.any() else float("nan"),
        "worker_changes_per_case": float(cases[CHANGES][closed].mean()) if closed.any() else float("nan"),
        "unallocated_days_per_case": float(cases[UNALLOCATED][closed].mean()) if closed.any() else float("nan"),
        "asye_retention_2y": len(stayed) / len(asye) if asye else float("nan"),
        "asye_cohort": float(len(asye)),
    }
    for d in DESTINATIONS:
        out[f"leavers_{d}"] = float(months[f"leavers_{d}"].sum() / years)
    out.update(
        referrals_per_year=float(months["referrals"].sum() / years),
        cases_waiting_mean=float(months["cases_waiting"].mean()),
        total_cost_gbp=float(months["cost_gbp_month"].sum() / years),
        agency_cost_gbp=float(months["agency_cost_gbp_month"].sum() / years),
        policy_cost_gbp=float(months["policy_cost_gbp_month"].sum() / years),
    )
    last = months.iloc[-1]
    for name in LEVELS:
        out[f"headcount_end_{name}"] = float(last[f"perm_{name}"])
    out["headcount_end_agency"] = float(last["agency_total"])
    return out
