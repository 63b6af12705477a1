"""What a replication reports, declared once: every summary outcome and every monthly column, with
its plain name, unit, definition, allowed range and which direction is better.

The recorder's monthly columns, the per-replication summary, the checks every run makes on its
own outputs, the comparison's key metrics, the report's lists, ``swsim columns`` and the docs'
column tables all come from these declarations. Definitions follow DfE's children's social work
workforce statistics where DfE has one (turnover, vacancy and agency rates, caseload).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Literal, Mapping

import numpy as np
import pandas as pd

from sim.model.allocation import ARRIVAL, CHANGES, CLOSED, FIRST_ALLOC, MAX_WAIT_DAYS, UNALLOCATED
from sim.model.clock import DAYS_PER_YEAR, MONTH_DAYS
from sim.model.roster import PERMANENT
from sim.model.workforce import ASYE
from sim.scenario import DESTINATIONS, LEVELS, REGION_NAME

INF = math.inf
NAN = float("nan")
LEVEL_WORDS = {"asye": "ASYE", "l2": "level 2", "l3": "level 3", "l4": "level 4", "l5": "level 5"}
DESTINATION_WORDS = {"profession": "leaving the profession", "other_la": "to another local authority",
                     "agency": "into agency work"}
# Caseload bands for the monthly distribution of case holders (cases held, 3 wide; 21 is an edge)
CASELOAD_BANDS = [(lo, lo + 2) for lo in range(1, 31, 3)] + [(31, None)]
TWO_YEARS = 2 * DAYS_PER_YEAR
MARCH = 2                            # month ends in March (the run starts on 1 January)


@dataclass(frozen=True)
class Outcome:
    """One output column: what it is, in what unit, and the values it may take."""

    name: str
    label: str                     # plain words, e.g. "annual turnover"
    unit: str                      # e.g. "share of permanent staff a year", "cases", "GBP a year"
    definition: str
    low: float = 0.0               # allowed range; a value outside it is an internal error
    high: float = INF
    better: Literal["lower", "higher"] | None = None
    percent: bool = False          # a share or rate: shown as a percentage (points for differences)
    undefined_when: str = ""       # when the value may be missing (NaN); "" means never
    key: bool = False              # one of the key metrics of comparisons and reports
    text: bool = False             # a label (e.g. the authority), not a number

    @property
    def bounded(self) -> tuple[float, float]:
        return self.low, self.high


def _share(name, label, unit, definition, **kw) -> Outcome:
    return Outcome(name, label, unit, definition, 0.0, 1.0, percent=True, **kw)


REGION = REGION_NAME   # the ``authority`` of a region's own rows (the sum of its councils)
AUTHORITY = Outcome(
    "authority", "authority", "name", "The council the row describes, or 'region' for the whole "
    "region (people and money summed over its councils, rates recomputed from the sums). A "
    "scenario without councils is a region of one: its rows are the region's.", text=True)
POOLS_ARE_REGIONAL = ("a council's row (the pools are the region's), or a region whose vacancies "
                      "are filled from an outside market (market.labour = 'outside')")

NO_COHORT = "no ASYE starter in the window had two years left to run"
NONE_ALLOCATED = "no case was first allocated in the window"
NONE_CLOSED = "no case closed in the window"
NO_MARCH = "the window holds no 31 March with such children open"
NO_CHILDREN = "no such child was open at the month end"
NO_HOLDERS = "the team held no case at any month end of the window"
NO_WAITS = "no wait for a worker of the team ended in the window"

SUMMARY: tuple[Outcome, ...] = (
    AUTHORITY,
    Outcome("turnover_rate", "annual turnover", "leavers a year per permanent FTE",
            "Permanent leavers per year / mean permanent headcount (DfE turnover rate).",
            better="lower", percent=True, key=True),
    _share("vacancy_rate", "vacancy rate", "share of funded posts",
           "Mean over month ends of vacancies / (vacancies + permanent staff) (DfE vacancy rate).",
           better="lower", key=True),
    _share("agency_share", "agency share", "share of staff",
           "Mean over month ends of agency / (agency + permanent) (DfE agency rate).",
           better="lower", key=True),
    Outcome("agency_cover_rate", "agency cover of vacancies", "agency workers per vacancy",
            "Agency workers covering a vacancy (those above the establishment left out) / "
            "vacancies, summed over month ends (DfE agency workers covering vacancies).",
            percent=True, undefined_when="there was no vacancy at any month end"),
    Outcome("starter_rate", "starter rate", "starters a year per permanent FTE",
            "Permanent starters per year (hires and conversions) / mean permanent headcount.",
            percent=True),
    _share("share_l3", "share at level 3", "share of permanent staff",
           "Mean share of permanent staff practising at level 3."),
    Outcome("mean_caseload", "mean caseload", "cases per case holder",
            "Mean cases per case holder (permanent or agency worker holding a case; DfE), averaged "
            "over month ends.", better="lower", key=True),
    Outcome("p95_caseload", "95th percentile caseload", "cases per case holder",
            "95th percentile of cases per case holder, averaged over month ends.",
            better="lower", key=True),
    _share("share_over_cap", "share of case holders over the reporting cap", "share of case holders",
           "Share of case holders holding more than `reporting.caseload_cap` cases (Dudley: 21), "
           "averaged over month ends.", better="lower", key=True),
    Outcome("effective_load_mean", "effective weighted caseload", "weighted cases",
            "Mean weighted caseload divided by the capacity factor (the time the cases take when "
            "support officers or CPD days change it), averaged over month ends.", better="lower"),
    Outcome("mean_wait_days", "wait for allocation", "days",
            "Days from referral to first allocation, for cases first allocated in the window.",
            better="lower", undefined_when=NONE_ALLOCATED, key=True),
    Outcome("wait_days_p90", "wait for allocation, 90th percentile", "days",
            "90th percentile of the days from referral to first allocation, for cases first "
            "allocated in the window (the mean hides the long waits).", better="lower",
            undefined_when=NONE_ALLOCATED),
    _share("waited_share", "share of cases that waited", "share of cases allocated",
           "Share of cases first allocated in the window that waited at least a day for it.",
           better="lower", undefined_when=NONE_ALLOCATED),
    Outcome("worker_changes_per_case", "changes of worker per case", "changes per case",
            "Changes of allocated worker per case, for cases closed in the window ('having to tell "
            "their story too many times').", better="lower", undefined_when=NONE_CLOSED, key=True),
    _share("lac_3plus_workers_share", "looked-after children with 3+ social workers",
           "share of children looked after", "Share of children looked after at 31 March who had "
           "three or more different social workers in the previous 12 months (DfE's measure: 27% "
           "in England in 2024), the mean over the window's 31 Marches.", better="lower",
           undefined_when=NO_MARCH),
    _share("cin_3plus_workers_share", "children in need with 3+ social workers",
           "share of children in need", "Share of children in need at 31 March (past assessment: "
           "child in need, protection, court and care cases) who had three or more different "
           "social workers in the previous 12 months, the mean over the window's 31 Marches.",
           better="lower", undefined_when=NO_MARCH),
    Outcome("unallocated_days_per_case", "days without a worker per case", "days per case",
            "Days a case spent without a worker over its life (first wait and waits after a worker "
            "left), for cases closed in the window.", better="lower", undefined_when=NONE_CLOSED),
    _share("asye_retention_2y", "two-year ASYE retention", "share of ASYE starters",
           "Share of permanent staff who started in an ASYE post during the window (newly "
           "qualified hires and policy pipelines, not movers from another council) still employed "
           "by the council that took them on two years after starting.",
           better="higher", undefined_when=NO_COHORT, key=True),
    Outcome("asye_cohort", "ASYE starters followed", "people",
            "Number of ASYE starters behind `asye_retention_2y`."),
    *(Outcome(f"leavers_{d}", f"leavers {DESTINATION_WORDS[d]}", "people a year",
              f"Permanent leavers per year whose destination is '{d}'.") for d in DESTINATIONS),
    Outcome("leavers_retirement", "leavers retiring", "people a year",
            "Permanent leavers per year who retired (counted in `leavers_profession` too: they leave "
            "local authority social work). Zero with `retirement.enabled = false`."),
    _share("staff_near_retirement_share", "share of staff near retirement", "share of permanent staff",
           "Share of permanent staff aged `reporting.succession_age` (60) or over at the last month "
           "end (Dudley 2018: succession planning for the 60-64 age group).",
           undefined_when="there was no permanent staff at the last month end"),
    _share("absence_rate", "sickness absence", "share of working days",
           "Mean over months of the share of working days lost to sickness absence by the workers "
           "in post (permanent and agency; DfE sickness absence rate), taken from their caseload "
           "capacity. Zero with `absence.enabled = false`.", better="lower"),
    Outcome("moves_in_per_year", "moves between councils", "people a year",
            "Permanent starters a year who came from another council of the region (for the "
            "region: moves between its councils). Zero with an outside market."),
    Outcome("moves_out_per_year", "moves out to another council", "people a year",
            "Permanent leavers a year who went to look for a post in another council of the region "
            "(for the region: moves between its councils begun; the difference from "
            "`moves_in_per_year` is who is still looking or gave up). Zero with an outside market."),
    Outcome("moves_pay_driven_per_year", "moves between councils driven by pay", "people a year",
            "Of `moves_out_per_year`, leavers who went to another council only because the region's "
            "other councils paid more: with the same draw and the pay tilt of the destination "
            "removed they would not have gone to another council. Zero when the councils pay alike.",
            better="lower"),
    Outcome("agency_mean", "agency workers", "FTE",
            "Mean month-end agency workers on assignment (FTE: one worker per post covered; "
            "FutureSocial 2017: 'c700 agency workers' across the region's councils).", better="lower"),
    Outcome("bank_mean", "bank workers deployed", "FTE",
            "Mean month-end workers of a regional bank (policy `regional_bank`) covering vacancies; "
            "employed by the region, so counted with the permanent staff in "
            "`permanent_practice_share`."),
    _share("permanent_practice_share", "share of practice by permanent staff", "share of staff",
           "Mean over month ends of (permanent + bank) / (permanent + bank + agency) staff (FutureSocial 2017: a "
           "target of 90% of practice by permanent staff).", better="higher"),
    Outcome("agency_above_establishment_mean", "agency workers above establishment", "FTE",
            "Mean month-end agency workers above the funded establishment (teams' overflow "
            "'agency'; DfE CSWW 2020: 23% of agency workers do not cover a vacancy).",
            better="lower"),
    Outcome("agency_unmet_mean", "agency cover wanted but not found", "posts",
            "Mean month-end number of vacancies whose council wants agency cover that the "
            "region's agency pool cannot supply (zero with an outside market).", better="lower"),
    Outcome("referrals_per_year", "referrals", "referrals a year", "Referrals received per year."),
    Outcome("cases_waiting_mean", "cases waiting", "cases",
            "Mean month-end number of cases waiting for a worker.", better="lower"),
    Outcome("total_cost_gbp", "total cost", "GBP a year",
            "Permanent staff (salary + on-costs), agency, recruitment and policy cost per year.",
            better="lower", key=True),
    Outcome("agency_cost_gbp", "agency spend", "GBP a year",
            "Cost of agency workers per year (permanent cost of the post covered + premium).",
            better="lower", key=True),
    Outcome("agency_premium_gbp", "agency premium paid", "GBP a year",
            "Of `agency_cost_gbp`, the premium over the permanent cost of the posts covered.",
            better="lower"),
    Outcome("policy_cost_gbp", "policies' own cost", "GBP a year",
            "The policies' own running cost per year (zero without policies).", key=True),
    Outcome("entered_care_per_year", "children entering care", "children a year",
            "Children entering care a year: every move into the care type (`children.care_type`), "
            "from a referral, a drawn step up or a staffing step-up.", better="lower", key=True),
    Outcome("entered_care_extra_per_year", "children entering care because of staffing",
            "children a year", "Of `entered_care_per_year`, children stepped up into care by the "
            "staffing effects (weeks without a worker, changes of worker) whose drawn careers never "
            "reached care; a child whose entry was only brought forward is not counted. Zero with "
            "`children.effects` off.", better="lower"),
    Outcome("children_in_care_mean", "children in care", "children",
            "Mean month-end number of children in care (open cases of the care type)."),
    Outcome("care_cost_gbp", "cost of care", "GBP a year",
            "Children in care (month-end mean) x `children.care_cost_gbp_per_child_year` "
            "(FutureSocial 2017: £40,000 a year); not part of `total_cost_gbp` (the workforce).",
            better="lower"),
    *(Outcome(f"headcount_end_{lv}", f"permanent staff at {LEVEL_WORDS[lv]} at the end", "FTE",
              f"Permanent staff practising at {LEVEL_WORDS[lv]} at the last month end.") for lv in LEVELS),
    Outcome("headcount_end_agency", "agency workers at the end", "FTE",
            "Agency workers at the last month end."),
)


def band_column(lo: int, hi: int | None) -> str:
    return f"holders_{lo:02d}_{hi:02d}" if hi is not None else f"holders_{lo:02d}_plus"


def _band_words(lo: int, hi: int | None) -> str:
    return f"{lo} to {hi} cases" if hi is not None else f"{lo} or more cases"


TIMESERIES: tuple[Outcome, ...] = (
    AUTHORITY,
    Outcome("rep", "replication", "index", "Replication number (seed stream).", high=INF),
    Outcome("month", "month", "months after warm-up", "Month end, counted from the end of the "
            "warm-up (0 is the first reported month).", low=-INF),
    *(Outcome(band_column(lo, hi), f"case holders holding {_band_words(lo, hi)}", "people",
              f"Case holders holding {_band_words(lo, hi)} at the month end.") for lo, hi in CASELOAD_BANDS),
    *(Outcome(f"perm_{lv}", f"permanent staff at {LEVEL_WORDS[lv]}", "FTE",
              f"Permanent staff practising at {LEVEL_WORDS[lv]}.") for lv in LEVELS),
    *(Outcome(f"agency_{lv}", f"agency workers covering {LEVEL_WORDS[lv]} posts", "FTE",
              f"Agency workers by the level of the post they cover ({LEVEL_WORDS[lv]}).") for lv in LEVELS),
    *(Outcome(f"vacancies_{lv}", f"vacancies at {LEVEL_WORDS[lv]}", "posts",
              f"Funded {LEVEL_WORDS[lv]} posts without a permanent holder.") for lv in LEVELS),
    Outcome("perm_total", "permanent staff", "FTE", "Permanent staff in post."),
    Outcome("agency_total", "agency workers", "FTE", "Agency workers on assignment."),
    Outcome("vacancies_total", "vacancies", "posts", "Funded posts without a permanent holder."),
    Outcome("funded_posts", "funded posts", "posts",
            "Funded social-worker posts (the establishment: DfE's in post + vacancies), as set by "
            "`workforce.establishment`, its series or a policy."),
    Outcome("agency_above_establishment", "agency workers above establishment", "FTE",
            "Agency workers in posts added above the funded establishment (a team's overflow "
            "'agency'), not covering a vacancy."),
    Outcome("bank_total", "bank workers deployed", "FTE",
            "Workers of a regional bank (policy `regional_bank`) covering the council's vacancies."),
    Outcome("perm_near_retirement", "permanent staff near retirement", "FTE",
            "Permanent staff aged `reporting.succession_age` (60) or over."),
    Outcome("leavers", "leavers", "people this month", "Permanent staff who left this month."),
    *(Outcome(f"leavers_{d}", f"leavers {DESTINATION_WORDS[d]}", "people this month",
              f"Permanent leavers this month whose destination is '{d}'.") for d in DESTINATIONS),
    Outcome("leavers_retirement", "leavers retiring", "people this month",
            "Permanent leavers this month who retired (counted in `leavers_profession` too)."),
    Outcome("hires", "permanent starters", "people this month",
            "Permanent starters this month (hires and conversions)."),
    Outcome("conversions", "agency conversions", "people this month",
            "Agency workers who became permanent this month."),
    Outcome("promotions", "promotions", "people this month", "Promotions to a higher level this month."),
    Outcome("agency_starts", "agency starts", "people this month", "Agency assignments started this month."),
    Outcome("moves_in", "moves in from another council", "people this month",
            "Permanent starters this month who came from another council of the region."),
    Outcome("moves_out", "moves out to another council", "people this month",
            "Permanent leavers this month who went to look for a post in another council of the region."),
    Outcome("moves_pay_driven", "moves driven by pay", "people this month",
            "Of `moves_out`, leavers who would not have gone to another council at equal pay."),
    Outcome("agency_unmet", "agency cover wanted but not found", "posts",
            "Vacancies waiting for agency cover that the region's pool cannot supply."),
    _share("absence_rate", "sickness absence", "share of working days",
           "Share of working days lost to sickness absence this month by the workers in post "
           "(permanent and agency; for the region, weighted by workers in post)."),
    Outcome("pay_supplement", "market supplement", "share of salary", "Market supplement on pay "
            "(weighted by funded posts for the region).", high=1.0, percent=True),
    Outcome("applicants_waiting", "applicants looking", "people", "Applicants in the region's "
            "pool looking for a post.", undefined_when=POOLS_ARE_REGIONAL),
    Outcome("agency_available", "agency workers available", "people", "Agency workers in the "
            "region's pool without an assignment.", undefined_when=POOLS_ARE_REGIONAL),
    Outcome("referrals", "referrals", "referrals this month", "Referrals received this month."),
    Outcome("cases_open", "open cases", "cases", "Cases open at the month end (allocated or waiting)."),
    Outcome("cases_waiting", "cases waiting", "cases", "Cases waiting for a worker at the month end."),
    _share("lac_3plus_workers_share", "looked-after children with 3+ social workers",
           "share of children looked after", "Share of the children looked after at the month end "
           "who had three or more different social workers in the previous 12 months (DfE records "
           "it at 31 March).", undefined_when=NO_CHILDREN),
    _share("cin_3plus_workers_share", "children in need with 3+ social workers",
           "share of children in need", "Share of the children in need at the month end (past "
           "assessment) who had three or more different social workers in the previous 12 months.",
           undefined_when=NO_CHILDREN),
    Outcome("case_holders", "case holders", "people", "Workers holding at least one case."),
    Outcome("caseload_mean", "mean caseload", "cases per case holder", "Mean cases per case holder."),
    Outcome("caseload_p95", "95th percentile caseload", "cases per case holder",
            "95th percentile of cases per case holder."),
    Outcome("weighted_load_mean", "mean weighted caseload", "weighted cases",
            "Mean weighted caseload of case holders."),
    Outcome("effective_load_mean", "effective weighted caseload", "weighted cases",
            "Mean weighted caseload of case holders divided by the capacity factor."),
    _share("share_over_cap", "share of case holders over the reporting cap", "share of case holders",
           "Share of case holders holding more than `reporting.caseload_cap` cases."),
    Outcome("staff_cost_gbp_month", "permanent staff cost", "GBP this month",
            "Salary and on-costs of permanent staff this month."),
    Outcome("agency_cost_gbp_month", "agency cost", "GBP this month", "Cost of agency workers this month."),
    Outcome("agency_premium_gbp_month", "agency premium", "GBP this month",
            "Of `agency_cost_gbp_month`, the premium over the permanent cost of the posts covered."),
    Outcome("recruitment_cost_gbp_month", "recruitment cost", "GBP this month",
            "Cost of external hires this month."),
    Outcome("policy_cost_gbp_month", "policies' cost", "GBP this month", "The policies' own cost this month."),
    Outcome("cost_gbp_month", "total cost", "GBP this month", "Sum of the four costs above."),
    Outcome("entered_care", "children entering care", "people this month",
            "Children who entered care this month (every move into the care type)."),
    Outcome("entered_care_extra", "children entering care because of staffing", "people this month",
            "Of `entered_care`, children stepped up by the staffing effects whose drawn careers never "
            "reached care."),
    Outcome("children_in_care", "children in care", "people", "Children in care at the month end."),
    Outcome("care_cost_gbp_month", "cost of care", "GBP this month",
            "Children in care at the month end x the cost of a child in care a year / 12 (not in "
            "`cost_gbp_month`)."),
)

TEAM_SUMMARY: tuple[Outcome, ...] = (
    AUTHORITY,
    Outcome("team", "team", "name", "The team of the authority (scenario `teams`; 'all' when the "
            "scenario has none).", text=True),
    Outcome("posts", "funded posts", "posts", "Funded posts of the team at the end of the run."),
    Outcome("staff_mean", "staff", "FTE", "Mean month-end permanent and agency workers in the team."),
    Outcome("mean_caseload", "mean caseload", "cases per case holder",
            "Mean cases per case holder of the team, averaged over month ends (months without "
            "case holders left out).", better="lower", undefined_when=NO_HOLDERS),
    Outcome("p95_caseload", "95th percentile caseload", "cases per case holder",
            "95th percentile of cases per case holder of the team, averaged over month ends.",
            better="lower", undefined_when=NO_HOLDERS),
    _share("share_over_cap", "share of case holders over the reporting cap", "share of case holders",
           "Share of the team's case holders holding more than `reporting.caseload_cap` cases, "
           "averaged over month ends.", better="lower", undefined_when=NO_HOLDERS),
    Outcome("cases_waiting_mean", "cases waiting", "cases",
            "Mean month-end number of cases waiting for a worker of the team.", better="lower"),
    Outcome("waits", "waits for a worker", "waits a year", "Waits for a worker of the team that "
            "ended in the window, a year: new referrals, cases moving in from another team and "
            "cases whose worker left or shed them."),
    Outcome("mean_wait_days", "wait for a worker", "days", "Mean of those waits (days; a wait "
            f"over {MAX_WAIT_DAYS} days counts as {MAX_WAIT_DAYS}).", better="lower",
            undefined_when=NO_WAITS),
    Outcome("wait_days_p90", "wait for a worker, 90th percentile", "days",
            "90th percentile of those waits (whole days).", better="lower", undefined_when=NO_WAITS),
    _share("waited_share", "share that waited", "share of allocations",
           "Share of those allocations that came after a wait of at least a day.", better="lower",
           undefined_when=NO_WAITS),
)

OUTCOMES: dict[str, Outcome] = {o.name: o for o in SUMMARY}
TEAM_OUTCOMES: dict[str, Outcome] = {o.name: o for o in TEAM_SUMMARY}
MONTHLY: dict[str, Outcome] = {o.name: o for o in TIMESERIES}
KEY_METRICS: list[str] = [o.name for o in SUMMARY if o.key]


def authorities_of(frame: pd.DataFrame) -> list[str]:
    """The authorities a results frame describes: the region first, then its councils."""
    if "authority" not in frame:
        return [REGION]
    names = list(dict.fromkeys(frame["authority"]))
    return [REGION] + [n for n in names if n != REGION]


def rows_of(frame: pd.DataFrame, authority: str = REGION) -> pd.DataFrame:
    """The rows of one authority (the region's by default), without the ``authority`` column."""
    if "authority" not in frame:
        return frame.reset_index(drop=True)
    return frame[frame["authority"] == authority].drop(columns="authority").reset_index(drop=True)


class OutputError(RuntimeError):
    """A replication produced a value outside its declared range: a fault in the model, not the input."""


def check_outputs(values: dict[str, Any] | pd.DataFrame, declared: dict[str, Outcome],
                  where: str) -> None:
    """Raise OutputError unless every column is declared and every value finite and in range
    (missing only where the outcome may be undefined)."""
    columns = list(values.columns) if isinstance(values, pd.DataFrame) else list(values)
    unknown = [c for c in columns if c not in declared]
    missing = [c for c in declared if c not in columns]
    if unknown or missing:
        raise OutputError(f"{where}: columns differ from their declaration (undeclared {unknown}, "
                          f"missing {missing})")
    for name in columns:
        o = declared[name]
        if o.text:
            continue
        x = np.atleast_1d(np.asarray(values[name], dtype=float))
        bad = ~np.isfinite(x)
        if o.undefined_when:
            bad &= ~np.isnan(x)
        if bad.any():
            raise OutputError(f"{where}: {name} is not finite ({x[bad][0]})")
        ok = x[np.isfinite(x)]
        if ok.size and (ok.min() < o.low - 1e-9 or ok.max() > o.high + 1e-9):
            raise OutputError(f"{where}: {name} = {ok.min() if ok.min() < o.low else ok.max()} "
                              f"is outside its range [{o.low}, {o.high}]")


# Measures whose being undefined means the scenario's work was not done: said as a warning
UNDONE_WORK = (NONE_ALLOCATED, NONE_CLOSED)


def undefined_warnings(summaries: pd.DataFrame) -> list[str]:
    """One line per scenario and reason in ``UNDONE_WORK`` for which some summary measure is
    undefined (NaN) in some replication: the measures, in how many replications, and the councils
    where it is not the region's row alone."""
    lines = []
    scenario = summaries["scenario"] if "scenario" in summaries else pd.Series("", summaries.index)
    for name in scenario.unique():
        rows = summaries[(scenario == name).to_numpy()]
        for reason in UNDONE_WORK:
            measures = [o.name for o in SUMMARY if o.undefined_when == reason and o.name in rows]
            empty = rows[measures].isna().any(axis=1)
            if not measures or not empty.any():
                continue
            councils = sorted(set(rows["authority"][empty]) - {REGION})
            lines.append(f"{', '.join(measures)}: undefined (left empty) in "
                         f"{rows['rep'][empty].nunique()} of {rows['rep'].nunique()} replications"
                         f"{f' of {name}' if name else ''}"
                         f"{' (in ' + ', '.join(councils) + ')' if councils else ''}: {reason}; check "
                         "who may hold the cases (posts, caseload limits, min_level) and the window")
    return lines


THREE_PLUS = ("lac_3plus_workers_share", "cin_3plus_workers_share")


Columns = Mapping[str, np.ndarray]   # a table as its columns (summaries use numpy, not pandas)


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


@np.errstate(divide="ignore", invalid="ignore")   # a month without staff: 0/0, left out as pandas did
def summarise(months: Columns, cases: "np.ndarray | CaseColumns", initial: np.ndarray,
              workers: Iterable[Any], start_day: float, end_day: float) -> dict[str, float]:
    """One replication's outcomes (``SUMMARY``) over the reporting window [start_day, end_day).

    ``months``: the recorder's rows for the window (columns); ``cases``: the case table (rows as in
    ``allocation``; or ``CaseColumns`` of several); ``initial``: which cases were open at the start; ``workers``: every worker.
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
    waits = first_alloc[allocated] - cases[ARRIVAL][allocated]
    march = is_march(months, start_day)
    asye = [w for w in workers if w.start_level == ASYE and w.contract == PERMANENT
            and w.pipeline not in ("initial", "moved") and start_day <= w.hired_day < end_day - TWO_YEARS]
    stayed = [w for w in asye if w.left_day is None or w.left_day - w.hired_day >= TWO_YEARS]
    out: dict[str, float] = {
        "turnover_rate": float(months["leavers"].sum() / mean(perm) / years),
        "vacancy_rate": mean(vac / (vac + perm)),
        "agency_share": mean(agency / (agency + perm)),
        "agency_cover_rate": float((agency - months["agency_above_establishment"]).sum() / vac.sum())
        if vac.sum() > 0 else float("nan"),
        "starter_rate": float(months["hires"].sum() / mean(perm) / years),
        "share_l3": mean(months["perm_l3"] / perm),
        "mean_caseload": mean(months["caseload_mean"]),
        "p95_caseload": mean(months["caseload_p95"]),
        "share_over_cap": mean(months["share_over_cap"]),
        "effective_load_mean": mean(months["effective_load_mean"]),
        "mean_wait_days": float(waits.mean()) if waits.size else float("nan"),
        "wait_days_p90": float(np.percentile(waits, 90)) if waits.size else float("nan"),
        "waited_share": float((waits >= 1).mean()) if waits.size else float("nan"),
        "worker_changes_per_case": float(cases[CHANGES][closed].mean()) if closed.any() else float("nan"),
        "unallocated_days_per_case": float(cases[UNALLOCATED][closed].mean()) if closed.any() else float("nan"),
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
        if last["perm_total"] > 0 else float("nan"),
        absence_rate=mean(months["absence_rate"]),
        moves_in_per_year=float(months["moves_in"].sum() / years),
        moves_out_per_year=float(months["moves_out"].sum() / years),
        moves_pay_driven_per_year=float(months["moves_pay_driven"].sum() / years),
        agency_mean=mean(agency),
        bank_mean=mean(months["bank_total"]),
        permanent_practice_share=mean((perm + months["bank_total"]) / (agency + perm + months["bank_total"])),
        agency_above_establishment_mean=mean(months["agency_above_establishment"]),
        agency_unmet_mean=mean(months["agency_unmet"]),
        referrals_per_year=float(months["referrals"].sum() / years),
        cases_waiting_mean=mean(months["cases_waiting"]),
        total_cost_gbp=float(months["cost_gbp_month"].sum() / years),
        agency_cost_gbp=float(months["agency_cost_gbp_month"].sum() / years),
        agency_premium_gbp=float(months["agency_premium_gbp_month"].sum() / years),
        policy_cost_gbp=float(months["policy_cost_gbp_month"].sum() / years),
        entered_care_per_year=float(months["entered_care"].sum() / years),
        entered_care_extra_per_year=float(months["entered_care_extra"].sum() / years),
        children_in_care_mean=mean(months["children_in_care"]),
        care_cost_gbp=mean(months["care_cost_gbp_month"]) * 12,   # mean children x cost
    )
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
    return {"waits": float(n), "mean_wait_days": float(hist @ days / n), "wait_days_p90": float(p90),
            "waited_share": float(hist[1:].sum() / n)}


def summarise_teams(team_months: Columns, waits: np.ndarray, posts: list[int],
                    names: list[str], years: float) -> list[dict[str, float | str]]:
    """Each team's outcomes (``TEAM_SUMMARY`` without the authority) over the window, from its
    month-end rows (``team``, ``staff``, ``case_holders``, ``caseload_mean``, ``caseload_p95``,
    ``share_over_cap``, ``cases_waiting``) and the histogram of waits that ended in the window
    (teams x days)."""
    out: list[dict[str, float | str]] = []
    for k, name in enumerate(names):
        rows = team_months["team"] == name
        held = rows & (team_months["case_holders"] > 0)
        stats = wait_statistics(waits[k])
        out.append({
            "team": name, "posts": float(posts[k]),
            "staff_mean": mean(team_months["staff"][rows]),
            "mean_caseload": _mean_or_nan(team_months["caseload_mean"][held]),
            "p95_caseload": _mean_or_nan(team_months["caseload_p95"][held]),
            "share_over_cap": _mean_or_nan(team_months["share_over_cap"][held]),
            "cases_waiting_mean": mean(team_months["cases_waiting"][rows]),
            **stats, "waits": stats["waits"] / years,
        })
    return out
