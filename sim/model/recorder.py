"""The recorder: a snapshot of one authority at the end of every month (the columns of
``outcomes.TIMESERIES``), kept as rows until the replication ends."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.scenario import DESTINATIONS, LEVELS
from sim.model.outcomes import CASELOAD_BANDS, band_column
from sim.model.clock import MONTH_DAYS

if TYPE_CHECKING:
    from sim.model.authority import Authority


class Recorder:
    """Takes a snapshot of an authority at the end of every month."""

    def __init__(self, auth: "Authority"):
        self.auth = auth
        self.rows: list[dict[str, float]] = []

    def run(self, offset: float):
        auth = self.auth
        yield auth.env.timeout(MONTH_DAYS - 1.0 + offset)
        for month in range(auth.clock.n_months):
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
        row: dict[str, float] = {"month": month - auth.clock.warmup_months}
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
