"""The recorder: a snapshot of a set of authorities at the end of a month (the columns of
``sim.columns.TIMESERIES``). One council's row is the snapshot of that council; the region's row is
the snapshot of all of them together (people and money summed, caseload statistics over every
case holder of the region), never an average of council rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from sim.columns import (
    CASELOAD_BANDS,
    COUNTS,
    EXTERNAL_HIRES,
    POLICY_COST,
    TALLIES,
    OutputError,
    band_column,
)
from sim.model.allocation import W_TEAM
from sim.model.clock import DAYS_PER_YEAR, MONTH_DAYS
from sim.model.roster import other_staff
from sim.model.summary import mean
from sim.scenario import LEVELS

if TYPE_CHECKING:
    from sim.model.authority import Authority
    from sim.model.market import LabourMarket

NAN = float("nan")
TOP_BAND = CASELOAD_BANDS[-1][0]  # the open band's lower end: "31 or more"


BAND_NAMES = [band_column(lo, hi) for lo, hi in CASELOAD_BANDS]
BAND_STARTS = np.array([lo for lo, _ in CASELOAD_BANDS])  # the bands follow one another


def band_counts(counts: np.ndarray) -> dict[str, int]:
    """Case holders by caseload band (``sim.columns.CASELOAD_BANDS``), from their case counts (1 or
    more)."""
    by_count = np.bincount(np.minimum(counts, TOP_BAND), minlength=TOP_BAND + 1)
    return dict(zip(BAND_NAMES, np.add.reduceat(by_count, BAND_STARTS).tolist()))


def p95(values: np.ndarray, ordered: bool = False) -> float:
    """The 95th percentile of a non-empty array, as ``np.percentile(values, 95)`` computes it
    (linear interpolation between order statistics; the same floating-point steps), without its
    overhead on the month end's many small arrays (``ordered``: the values are sorted already)."""
    n = values.size
    h = (n - 1) * 0.95
    lo = int(h)
    hi = min(lo + 1, n - 1)
    part = values if ordered or n == 1 else np.partition(values, (lo, hi))
    a, b = part[lo], part[hi]
    t = h - lo
    d = b - a
    return float(b - d * (1 - t)) if t >= 0.5 else float(a + d * t)


def team_caseloads(
    counts: np.ndarray, teams: np.ndarray, n_teams: int, cap: float
) -> list[tuple[int, float, float, float]]:
    """Each team's case holders, caseload mean, 95th percentile and share over ``cap`` (NaN for
    a team without case holders), from the case holders' ``counts`` and ``teams``: one sort for
    all teams, the same arithmetic as ``mean`` and ``p95`` on each team's counts."""
    holders = np.bincount(teams, minlength=n_teams)
    totals = np.bincount(teams, weights=counts, minlength=n_teams)  # sums of integers: exact
    over = np.bincount(teams[counts > cap], minlength=n_teams)
    ordered = counts[np.lexsort((counts, teams))]
    out = []
    start = 0
    for k, n in enumerate(holders.tolist()):
        if n:
            out.append(
                (
                    n,
                    float(totals[k] / n),
                    p95(ordered[start : start + n], ordered=True),
                    float(over[k] / n),
                )
            )
        else:
            out.append((0, NAN, NAN, NAN))
        start += n
    return out


@dataclass
class CouncilMonth:
    """One council's figures at a month end: what its row and its part of the region's row add
    up (people by level; case holders' counts and loads; money this month; counts of events)."""

    perm: np.ndarray
    agency: np.ndarray
    vacancies: np.ndarray
    above: int  # agency workers above establishment
    bank: int
    counts: np.ndarray  # cases per case holder
    loads: np.ndarray  # their weighted loads
    effective: np.ndarray  # loads over the capacity factor
    over: np.ndarray  # whether over the reporting cap
    teams: np.ndarray  # the team of each worker in post (case holder or not)
    holding: np.ndarray  # which of them hold cases (the case holders, in the same order)
    staff_cost: float
    agency_cost: float
    premium: float
    recruit_cost: float
    policy_cost: float
    tally: dict[str, float]
    referrals: int
    cases_open: int
    cases_waiting: int
    three_plus: np.ndarray  # (looked after, in need) x (3+ social workers, children)
    waiting_by_team: np.ndarray
    posts: float
    weighted_supplement: float
    entered_care: int
    entered_care_extra: int
    in_care: int
    care_cost: float
    days_lost: float  # sickness absence: worker-months lost
    in_post: float  # ... of worker-months
    near_retirement: int


class MonthEnd:
    """A month end's figures of each council, taken once for all the month's rows (the
    council's, the region's, its teams')."""

    def __init__(self, month: int) -> None:
        self.month = month
        self._seen: dict[int, CouncilMonth] = {}

    def of(self, auth: Authority) -> CouncilMonth:
        key = id(auth)
        if key not in self._seen:
            self._seen[key] = _council_month(auth, self.month)
        return self._seen[key]


def _council_month(auth: Authority, month: int) -> CouncilMonth:
    if not COUNTS.issuperset(auth.tally):
        raise OutputError(
            f"{auth.name}: undeclared tallies {sorted(set(auth.tally) - COUNTS)} "
            "(declare them in sim.columns: TALLIES or COUNTS)"
        )
    first_day = int(round(month * MONTH_DAYS))
    last_day = int(round((month + 1) * MONTH_DAYS))
    p, a, v = auth.headcount()
    book = auth.book
    active = book.active
    held = book.count[active]
    holding = held > 0
    c = held[holding]
    loads = book.load[active][holding]
    rates = auth.rates
    three_plus, waiting_by_team = book.open_counts(int(auth.env.now))
    entries, extra = book.care_entries(first_day, last_day)
    posts = float(rates.establishment.sum())
    above, bank, near_retirement = other_staff(
        auth.roster.contract,
        auth.roster.funded,
        auth.roster.born,
        auth.env.now,
        auth.scenario.reporting.succession_age,
        DAYS_PER_YEAR,
    )
    return CouncilMonth(
        perm=p,
        agency=a,
        vacancies=v,
        above=above,
        bank=bank,
        counts=c,
        loads=loads,
        effective=loads / rates.capacity_factor,
        over=c > auth.scenario.reporting.caseload_cap,
        teams=book.wi[W_TEAM][active],
        holding=holding,
        staff_cost=float(rates.permanent_cost @ p) / 12.0,
        agency_cost=float(rates.agency_cost @ a) / 12.0,
        premium=rates.agency_premium * float(a.sum()) / 12.0,
        recruit_cost=auth.tally[EXTERNAL_HIRES] * rates.recruitment_cost,
        policy_cost=float(auth.tally[POLICY_COST]),
        tally={key: auth.tally[key] for key in TALLIES},
        referrals=int(book.referrals_per_day[first_day:last_day].sum()),
        cases_open=book.open_cases,
        cases_waiting=book.waiting,
        three_plus=three_plus,
        waiting_by_team=waiting_by_team,
        posts=posts,
        weighted_supplement=auth.supplement * posts,
        entered_care=entries,
        entered_care_extra=extra,
        in_care=book.in_care,
        care_cost=book.in_care * auth.scenario.children.care_cost_gbp_per_child_year / 12.0,
        days_lost=auth.absence * auth.n_active,
        in_post=auth.n_active,
        near_retirement=near_retirement,
    )


def snapshot(
    auths: Sequence[Authority],
    month: int,
    market: LabourMarket | None = None,
    month_end: MonthEnd | None = None,
) -> dict[str, float]:
    """The month-end row of ``auths`` taken together; ``market``: the region's (its pools' columns
    are defined for the row of the whole region of a regional market only); ``month_end``: this
    month end's figures, shared with the month's other rows."""
    month_end = month_end or MonthEnd(month)
    parts = [month_end.of(auth) for auth in auths]
    if (
        len(parts) == 1
    ):  # one council's figures as they are (finite: adding them to 0 changes nothing)
        total = joined = partial(getattr, parts[0])
    else:

        def total(name: str):
            """``name`` added up over the councils, in their order."""
            values = [getattr(part, name) for part in parts]
            return sum(values, 0 * values[0])

        def joined(name: str) -> np.ndarray:
            """The councils' arrays ``name`` (of their case holders), one after another."""
            return np.concatenate([getattr(part, name) for part in parts])

    perm, agency, vacancies = total("perm"), total("agency"), total("vacancies")
    three_plus = total("three_plus")  # (looked after, in need) x (3+, children)
    staff_cost, agency_cost, premium = total("staff_cost"), total("agency_cost"), total("premium")
    recruit_cost, policy_cost = total("recruit_cost"), total("policy_cost")
    days_lost, in_post = total("days_lost"), total("in_post")  # sickness absence: worker-months
    establishment, weighted_supplement = total("posts"), total("weighted_supplement")
    tally = (
        parts[0].tally
        if len(parts) == 1
        else {key: sum(part.tally[key] for part in parts) for key in TALLIES}
    )
    counts_all = joined("counts")
    loads_all = joined("loads")
    any_held = counts_all.size > 0
    unmet = 0 if market is None else market.unmet(list(auths))
    row: dict[str, float] = {"month": month - auths[0].clock.warmup_months}
    row.update(band_counts(counts_all))
    for i, name in enumerate(LEVELS):
        row[f"perm_{name}"] = perm[i]
    for i, name in enumerate(LEVELS):
        row[f"agency_{name}"] = agency[i]
    for i, name in enumerate(LEVELS):
        row[f"vacancies_{name}"] = vacancies[i]
    pools = market is not None and market.regional and len(auths) == len(market.authorities)
    row.update(
        perm_total=perm.sum(),
        agency_total=agency.sum(),
        vacancies_total=vacancies.sum(),
        funded_posts=establishment,
        agency_above_establishment=total("above"),
        bank_total=total("bank"),
        perm_near_retirement=total("near_retirement"),
        **tally,
        referrals=total("referrals"),
        cases_open=total("cases_open"),
        cases_waiting=total("cases_waiting"),
        lac_3plus_workers_share=three_plus[0, 0] / three_plus[0, 1] if three_plus[0, 1] else NAN,
        cin_3plus_workers_share=three_plus[1, 0] / three_plus[1, 1] if three_plus[1, 1] else NAN,
        case_holders=int(counts_all.size),
        caseload_mean=mean(counts_all) if any_held else 0.0,
        caseload_p95=p95(counts_all) if any_held else 0.0,
        weighted_load_mean=mean(loads_all) if any_held else 0.0,
        effective_load_mean=mean(joined("effective")) if any_held else 0.0,
        share_over_cap=mean(joined("over")) if any_held else 0.0,
        absence_rate=days_lost / in_post if in_post else 0.0,
        agency_unmet=unmet,
        pay_supplement=weighted_supplement / establishment if establishment else 0.0,
        applicants_waiting=len(market.applicants) if pools else NAN,
        agency_available=market.agency_idle if pools else NAN,
        staff_cost_gbp_month=staff_cost,
        agency_cost_gbp_month=agency_cost,
        agency_premium_gbp_month=premium,
        recruitment_cost_gbp_month=recruit_cost,
        policy_cost_gbp_month=policy_cost,
        cost_gbp_month=staff_cost + agency_cost + recruit_cost + policy_cost,
        entered_care=total("entered_care"),
        entered_care_extra=total("entered_care_extra"),
        children_in_care=total("in_care"),
        care_cost_gbp_month=total("care_cost"),
    )
    return row


def team_snapshot(auth: Authority, month_end: MonthEnd) -> list[dict[str, float | str]]:
    """The month-end caseloads of each team of ``auth``: staff, case holders, caseload mean, 95th
    percentile and share over the reporting cap, and cases waiting for the team."""
    part = month_end.of(auth)
    names = auth.book.table.team_names
    staff = np.bincount(part.teams, minlength=len(names)).tolist()
    waiting = part.waiting_by_team.tolist()
    stats = team_caseloads(
        part.counts, part.teams[part.holding], len(names), auth.scenario.reporting.caseload_cap
    )
    return [
        {
            "team": name,
            "staff": staff[k],
            "case_holders": n,
            "caseload_mean": m,
            "caseload_p95": q,
            "share_over_cap": o,
            "cases_waiting": waiting[k],
        }
        for k, (name, (n, m, q, o)) in enumerate(zip(names, stats))
    ]
