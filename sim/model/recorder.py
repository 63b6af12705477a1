"""The recorder: a snapshot of a set of authorities at the end of a month (the columns of
``outcomes.TIMESERIES``). One council's row is the snapshot of that council; the region's row is
the snapshot of all of them together (people and money summed, caseload statistics over every
case holder of the region), never an average of council rows."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from sim.model.clock import MONTH_DAYS
from sim.model.allocation import W_TEAM
from sim.model.outcomes import CASELOAD_BANDS, band_column
from sim.model.workforce import AGENCY, BANK, CONTRACT_CODE, PERMANENT
from sim.scenario import DESTINATIONS, LEVELS

if TYPE_CHECKING:
    from sim.model.authority import Authority
    from sim.model.market import LabourMarket

NAN = float("nan")


def p95(values: np.ndarray) -> float:
    """The 95th percentile of a non-empty array, as ``np.percentile(values, 95)`` computes it
    (linear interpolation between order statistics; the same floating-point steps), without its
    overhead on the month end's many small arrays."""
    n = values.size
    h = (n - 1) * 0.95
    lo = int(h)
    hi = min(lo + 1, n - 1)
    part = np.partition(values, (lo, hi)) if n > 1 else values
    a, b = part[lo], part[hi]
    t = h - lo
    d = b - a
    return float(b - d * (1 - t)) if t >= 0.5 else float(a + d * t)


class OpenCases:
    """Each council's open cases at this month end, counted once for all the month's rows (the
    council's, the region's, its teams'): children with 3+ social workers, cases waiting by team."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def of(self, auth: "Authority") -> tuple[np.ndarray, np.ndarray]:
        """([[looked after with 3+, looked after], [in need with 3+, in need]], cases waiting for a
        worker by team)."""
        key = id(auth)
        if key not in self._seen:
            three_plus, waiting, _ = auth.book.open_counts(int(auth.env.now))
            self._seen[key] = (three_plus, waiting)
        return self._seen[key]


def snapshot(auths: Sequence["Authority"], month: int, market: "LabourMarket | None" = None,
             open_cases: OpenCases | None = None) -> dict[str, float]:
    """The month-end row of ``auths`` taken together; ``market``: the region's (its pools' columns
    are defined for the row of the whole region of a regional market only); ``open_cases``: this
    month end's, shared with the month's other rows."""
    open_cases = open_cases or OpenCases()
    perm = np.zeros(len(LEVELS))
    agency = np.zeros(len(LEVELS))
    vacancies = np.zeros(len(LEVELS))
    counts, loads, effective, over = [], [], [], []
    staff_cost = agency_cost = premium = recruit_cost = policy_cost = 0.0
    tally: dict[str, float] = {}
    referrals = cases_open = cases_waiting = above = bank = 0
    three_plus = np.zeros((2, 2), dtype=np.int64)   # (looked after, in need) x (3+, children)
    weighted_supplement = establishment = 0.0
    entered_care = entered_care_extra = in_care = 0
    care_cost = 0.0
    days_lost = in_post = 0.0    # sickness absence: worker-months lost, worker-months
    near_retirement = 0
    first_day = int(round(month * MONTH_DAYS))
    last_day = int(round((month + 1) * MONTH_DAYS))
    for auth in auths:
        p, a, v = auth.headcount()
        perm += p
        agency += a
        vacancies += v
        above += int(((auth.slot_contract == CONTRACT_CODE[AGENCY]) & ~auth.slot_funded).sum())
        bank += int((auth.slot_contract == CONTRACT_CODE[BANK]).sum())
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
        premium += rates.agency_premium * float(a.sum()) / 12.0
        recruit_cost += auth.tally["external_hires"] * rates.recruitment_cost
        policy_cost += float(auth.tally["policy_cost"])
        entries, extra = auth.book.care_entries(first_day, last_day)
        entered_care += entries
        entered_care_extra += extra
        in_care += auth.book.in_care
        care_cost += auth.book.in_care * auth.scenario.children.care_cost_gbp_per_child_year / 12.0
        for key in ("leavers", *(f"leavers_{d}" for d in DESTINATIONS), "leavers_retirement", "hires",
                    "conversions", "promotions", "agency_starts", "moves_in", "moves_out", "moves_pay_driven"):
            tally[key] = tally.get(key, 0) + auth.tally[key]
        referrals += int(book.referrals_per_day[first_day:last_day].sum())
        cases_open += book.open_cases
        cases_waiting += book.waiting
        three_plus += open_cases.of(auth)[0]
        posts = float(rates.establishment.sum())
        weighted_supplement += auth.supplement * posts
        establishment += posts
        days_lost += auth.absence * auth.n_active
        in_post += auth.n_active
        staff = np.flatnonzero(auth.slot_contract == CONTRACT_CODE[PERMANENT])
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
        agency_above_establishment=above, bank_total=bank,
        perm_near_retirement=near_retirement,
        **tally,
        referrals=referrals, cases_open=cases_open, cases_waiting=cases_waiting,
        lac_3plus_workers_share=three_plus[0, 0] / three_plus[0, 1] if three_plus[0, 1] else NAN,
        cin_3plus_workers_share=three_plus[1, 0] / three_plus[1, 1] if three_plus[1, 1] else NAN,
        case_holders=int(counts_all.size),
        caseload_mean=float(counts_all.mean()) if any_held else 0.0,
        caseload_p95=p95(counts_all) if any_held else 0.0,
        weighted_load_mean=float(loads_all.mean()) if any_held else 0.0,
        effective_load_mean=float(np.concatenate(effective).mean()) if any_held else 0.0,
        share_over_cap=float(np.concatenate(over).mean()) if any_held else 0.0,
        absence_rate=days_lost / in_post if in_post else 0.0,
        agency_unmet=unmet,
        pay_supplement=weighted_supplement / establishment if establishment else 0.0,
        applicants_waiting=len(market.applicants) if pools else NAN,
        agency_available=market.agency_idle if pools else NAN,
        staff_cost_gbp_month=staff_cost, agency_cost_gbp_month=agency_cost,
        agency_premium_gbp_month=premium,
        recruitment_cost_gbp_month=recruit_cost, policy_cost_gbp_month=policy_cost,
        cost_gbp_month=staff_cost + agency_cost + recruit_cost + policy_cost,
        entered_care=entered_care, entered_care_extra=entered_care_extra,
        children_in_care=in_care, care_cost_gbp_month=care_cost,
    )
    return row


def team_snapshot(auth: "Authority", open_cases: OpenCases | None = None) -> list[dict[str, float | str]]:
    """The month-end caseloads of each team of ``auth``: staff, case holders, caseload mean, 95th
    percentile and share over the reporting cap, and cases waiting for the team."""
    book = auth.book
    table = book.table
    team = book.wi[W_TEAM]
    waiting_by_team = (open_cases or OpenCases()).of(auth)[1]
    cap = auth.scenario.reporting.caseload_cap
    rows = []
    for k, name in enumerate(table.team_names):
        staff = book.active & (team == k)
        c = book.count[staff & (book.count > 0)]
        rows.append({"team": name, "staff": int(staff.sum()), "case_holders": int(c.size),
                     "caseload_mean": float(c.mean()) if c.size else NAN,
                     "caseload_p95": p95(c) if c.size else NAN,
                     "share_over_cap": float((c > cap).mean()) if c.size else NAN,
                     "cases_waiting": int(waiting_by_team[k])})
    return rows
