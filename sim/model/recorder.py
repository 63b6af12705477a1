"""The recorder: a snapshot of a set of authorities at the end of a month (the columns of
``outcomes.TIMESERIES``). One council's row is the snapshot of that council; the region's row is
the snapshot of all of them together (people and money summed, caseload statistics over every
case holder of the region), never an average of council rows."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from sim.model.clock import MONTH_DAYS
from sim.model.outcomes import CASELOAD_BANDS, band_column
from sim.scenario import DESTINATIONS, LEVELS

if TYPE_CHECKING:
    from sim.model.authority import Authority
    from sim.model.market import LabourMarket

NAN = float("nan")


def snapshot(auths: Sequence["Authority"], month: int, market: "LabourMarket | None" = None
             ) -> dict[str, float]:
    """The month-end row of ``auths`` taken together; ``market``: the region's (its pools' columns
    are defined for the row of the whole region of a regional market only)."""
    perm = np.zeros(len(LEVELS))
    agency = np.zeros(len(LEVELS))
    vacancies = np.zeros(len(LEVELS))
    counts, loads, effective, over = [], [], [], []
    staff_cost = agency_cost = recruit_cost = policy_cost = 0.0
    tally: dict[str, float] = {}
    referrals = cases_open = cases_waiting = 0
    weighted_supplement = establishment = 0.0
    days_lost = in_post = 0.0    # sickness absence: worker-months lost, worker-months
    near_retirement = 0
    first_day = int(round(month * MONTH_DAYS))
    last_day = int(round((month + 1) * MONTH_DAYS))
    for auth in auths:
        p, a, v = auth.headcount()
        perm += p
        agency += a
        vacancies += v
        book = auth.book
        holding = book.active & (book.count > 0)
        c = book.count[holding]
        counts.append(c)
        loads.append(book.load[holding])
        effective.append(book.load[holding] / auth.rates.capacity_factor)
        over.append(c > auth.scenario.reporting.caseload_cap)
        rates = auth.rates
        staff_cost += float(rates.permanent_cost @ p) / 12.0
        agency_cost += float(rates.agency_cost @ a) / 12.0
        recruit_cost += auth.tally["external_hires"] * rates.recruitment_cost
        policy_cost += float(auth.tally["policy_cost"])
        for key in ("leavers", *(f"leavers_{d}" for d in DESTINATIONS), "leavers_retirement", "hires",
                    "conversions", "promotions", "agency_starts", "moves_in"):
            tally[key] = tally.get(key, 0) + auth.tally[key]
        referrals += int(book.referrals_per_day[first_day:last_day].sum())
        cases_open += book.open_cases
        cases_waiting += book.waiting
        posts = float(rates.establishment.sum())
        weighted_supplement += auth.supplement * posts
        establishment += posts
        days_lost += auth.absence * auth.n_active
        in_post += auth.n_active
        staff = np.flatnonzero(auth.slot_contract == 1)
        near_retirement += int((auth.ages(staff) >= auth.scenario.reporting.succession_age).sum())
    counts_all = np.concatenate(counts)
    loads_all = np.concatenate(loads)
    any_held = counts_all.size > 0
    unmet = 0 if market is None else market.unmet(list(auths))
    row: dict[str, float] = {"month": month - auths[0].clock.warmup_months}
    for lo, hi in CASELOAD_BANDS:
        inside = (counts_all >= lo) if hi is None else ((counts_all >= lo) & (counts_all <= hi))
        row[band_column(lo, hi)] = int(inside.sum())
    for i, name in enumerate(LEVELS):
        row[f"perm_{name}"] = perm[i]
    for i, name in enumerate(LEVELS):
        row[f"agency_{name}"] = agency[i]
    for i, name in enumerate(LEVELS):
        row[f"vacancies_{name}"] = vacancies[i]
    pools = market is not None and market.regional and len(auths) == len(market.authorities)
    row.update(
        perm_total=perm.sum(), agency_total=agency.sum(), vacancies_total=vacancies.sum(),
        perm_near_retirement=near_retirement,
        **tally,
        referrals=referrals, cases_open=cases_open, cases_waiting=cases_waiting,
        case_holders=int(counts_all.size),
        caseload_mean=float(counts_all.mean()) if any_held else 0.0,
        caseload_p95=float(np.percentile(counts_all, 95)) if any_held else 0.0,
        weighted_load_mean=float(loads_all.mean()) if any_held else 0.0,
        effective_load_mean=float(np.concatenate(effective).mean()) if any_held else 0.0,
        share_over_cap=float(np.concatenate(over).mean()) if any_held else 0.0,
        absence_rate=days_lost / in_post if in_post else 0.0,
        agency_unmet=unmet,
        pay_supplement=weighted_supplement / establishment if establishment else 0.0,
        applicants_waiting=len(market.applicants) if pools else NAN,
        agency_available=market.agency_idle if pools else NAN,
        staff_cost_gbp_month=staff_cost, agency_cost_gbp_month=agency_cost,
        recruitment_cost_gbp_month=recruit_cost, policy_cost_gbp_month=policy_cost,
        cost_gbp_month=staff_cost + agency_cost + recruit_cost + policy_cost,
    )
    return row
