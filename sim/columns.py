"""The output schema: every column swsim writes, declared once, as ``sim.scenario`` declares its
input. Each ``Column`` has its name, plain label, unit, definition, allowed range, the direction
that is better (higher, lower or neither) and the kind of number it is (``format``: a percentage,
money, a count of people, days, another number or text).

The declarations, by table:

- ``SUMMARY``: one row per replication and authority (``summary.parquet``), computed by
  ``sim.model.summary.summarise``;
- ``TIMESERIES``: one row per replication, authority and month end (``timeseries.parquet``),
  taken by ``sim.model.recorder.snapshot``; ``TALLIES`` are the monthly columns counted as events
  happen (``Authority.tally``), keyed by these names;
- ``TEAM_SUMMARY``: one row per replication, authority and team (``teams.csv``),
  ``sim.model.summary.summarise_teams``;
- ``TABLE_COLUMNS``: the interval tables over replications (``summary_ci.csv``,
  ``comparison.csv``), ``sim.experiment.stats``; their ``metric`` is a summary column,
  ``COST_PER_PP`` (``sim.experiment.stats.cost_per_point``) or, in ``board.csv``, one of
  ``DERIVED`` (``sim.experiment.derived``).

The recorder, the summaries, the checks every run makes on its own outputs (``check_outputs``),
the comparison's key metrics, the report's formats and lists, the backtest's measures, ``swsim
columns`` and the docs' column tables all come from here. Definitions follow DfE's children's
social work workforce statistics where DfE has one (turnover, vacancy and agency rates, caseload).
Adding a column: docs/how-to/new-output.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.scenario import DESTINATIONS, LEVELS, REGION_NAME

INF = math.inf
LEVEL_WORDS = {"asye": "ASYE", "l2": "level 2", "l3": "level 3", "l4": "level 4", "l5": "level 5"}
DESTINATION_WORDS = {
    "profession": "leaving the profession",
    "other_la": "to another local authority",
    "agency": "into agency work",
}
# Caseload bands for the monthly distribution of case holders (cases held, 3 wide; 21 is an edge)
CASELOAD_BANDS = [(lo, lo + 2) for lo in range(1, 31, 3)] + [(31, None)]
# Waits are counted per team by whole days up to this (``sim.model.allocation.MAX_WAIT_DAYS``,
# the kernel's own constant; a test holds the two equal)
MAX_WAIT_DAYS = 730
# The FutureSocial briefing's horizon ("£12m saving over the 3 years"), for the board's quantities
BRIEFING_YEARS = 3

Direction = Literal["higher", "lower", "neither"]
# The kind of number a column holds, for formatting: a share or rate shown as a percentage
# (differences in points), money (GBP), a count of people (FTE, people, children), days, any
# other number (cases, posts, referrals, indices), or a label
PERCENT, MONEY, PEOPLE, DAYS, NUMBER, TEXT = "percent", "money", "people", "days", "number", "text"
FORMATS = (PERCENT, MONEY, PEOPLE, DAYS, NUMBER, TEXT)
_PEOPLE_UNITS = ("people", "FTE", "children", "leavers", "starters")


@dataclass(frozen=True)
class Column:
    """One output column: what it is, in what unit, and the values it may take."""

    name: str
    label: str  # plain words, e.g. "annual turnover"
    unit: str  # e.g. "share of permanent staff a year", "cases", "GBP a year"
    definition: str
    low: float = 0.0  # allowed range; a value outside it is an internal error
    high: float = INF
    better: Direction = "neither"  # which direction is better
    percent: bool = False  # a share or rate: shown as a percentage (points for differences)
    undefined_when: str = ""  # when the value may be missing (NaN); "" means never
    key: bool = False  # one of the key metrics of comparisons and reports
    text: bool = False  # a label (e.g. the authority), not a number
    format: str = ""  # one of FORMATS; "" to take it from ``text``, ``percent`` and the unit

    def __post_init__(self) -> None:
        if not self.format:
            object.__setattr__(self, "format", _format_of(self))
        if self.format not in FORMATS or self.better not in ("higher", "lower", "neither"):
            raise ValueError(f"column {self.name}: format {self.format!r}, better {self.better!r}")

    @property
    def bounded(self) -> tuple[float, float]:
        return self.low, self.high


def _share(name, label, unit, definition, **kw) -> Column:
    return Column(name, label, unit, definition, 0.0, 1.0, percent=True, **kw)


def _format_of(c: Column) -> str:
    """The kind of number a column holds, from what it declares: a label, a share, its unit."""
    if c.text or c.unit in ("name", "text"):
        return TEXT
    if c.percent:
        return PERCENT
    if c.unit.startswith("GBP"):
        return MONEY
    if c.unit.startswith("days"):
        return DAYS
    if c.unit.split()[0] in _PEOPLE_UNITS:
        return PEOPLE
    return NUMBER


REGION = REGION_NAME  # the ``authority`` of a region's own rows (the sum of its councils)
AUTHORITY = Column(
    "authority",
    "authority",
    "name",
    "The council the row describes, or 'region' for the whole "
    "region (people and money summed over its councils, rates recomputed from the sums). A "
    "scenario without councils is a region of one: its rows are the region's.",
    text=True,
)
POOLS_ARE_REGIONAL = (
    "a council's row (the pools are the region's), or a region whose vacancies "
    "are filled from an outside market (market.labour = 'outside')"
)

NO_COHORT = "no ASYE starter in the window had two years left to run"
NONE_ALLOCATED = "no case was first allocated in the window"
NONE_CLOSED = "no case closed in the window"
NO_MARCH = "the window holds no 31 March with such children open"
NO_CHILDREN = "no such child was open at the month end"
NO_HOLDERS = "the team held no case at any month end of the window"
NO_WAITS = "no wait for a worker ended in the window"
NO_PERMANENT = "no permanent worker was in post at any month end of the window"

# The names other modules use by name: the DfE rates, the caseload and the cost
TURNOVER_RATE, VACANCY_RATE, AGENCY_SHARE = "turnover_rate", "vacancy_rate", "agency_share"
MEAN_CASELOAD, TOTAL_COST = "mean_caseload", "total_cost_gbp"
WHOLE_SYSTEM_COST, CARE_COST = "whole_system_cost_gbp", "care_cost_gbp"
MEAN_WAIT, FIRST_WAIT = "mean_wait_days", "first_wait_days"
PAY_PER_FTE = "pay_per_fte_gbp"

# Every wait a child has for a worker, in one measure: the summary's (a council, the region) and
# each team's rows share these declarations, and the region's figures are its teams' together.
WAITS: tuple[Column, ...] = (
    Column(
        "waits",
        "waits for a worker",
        "waits a year",
        "Waits for a worker that ended in the window, a year: new referrals waiting for a first "
        "worker, cases whose worker left or shed them, and cases moving between teams (a team's "
        "row: the waits for a worker of the team; a council's or the region's: all of its "
        "teams').",
    ),
    Column(
        MEAN_WAIT,
        "wait for a worker",
        "days",
        f"Mean of those waits (days; a wait over {MAX_WAIT_DAYS} days counts as {MAX_WAIT_DAYS}).",
        better="lower",
        undefined_when=NO_WAITS,
        key=True,
    ),
    Column(
        "wait_days_p90",
        "wait for a worker, 90th percentile",
        "days",
        "90th percentile of those waits (whole days; the mean hides the long waits).",
        better="lower",
        undefined_when=NO_WAITS,
    ),
    _share(
        "waited_share",
        "share of waits of a day or more",
        "share of allocations",
        "Share of those allocations that came after a wait of at least a day.",
        better="lower",
        undefined_when=NO_WAITS,
    ),
)
RATES = (TURNOVER_RATE, VACANCY_RATE, AGENCY_SHARE)  # DfE's workforce rates

SUMMARY: tuple[Column, ...] = (
    AUTHORITY,
    Column(
        TURNOVER_RATE,
        "annual turnover",
        "leavers a year per permanent FTE",
        "Permanent leavers per year / mean permanent headcount (DfE turnover rate).",
        better="lower",
        percent=True,
        key=True,
    ),
    _share(
        VACANCY_RATE,
        "vacancy rate",
        "share of funded posts",
        "Mean over month ends of vacancies / (vacancies + permanent staff) (DfE vacancy rate).",
        better="lower",
        key=True,
    ),
    _share(
        AGENCY_SHARE,
        "agency share",
        "share of staff",
        "Mean over month ends of agency / (agency + permanent) (DfE agency rate).",
        better="lower",
        key=True,
    ),
    Column(
        "agency_cover_rate",
        "agency cover of vacancies",
        "agency workers per vacancy",
        "Agency workers covering a vacancy (those above the establishment left out) / "
        "vacancies, summed over month ends (DfE agency workers covering vacancies).",
        percent=True,
        undefined_when="there was no vacancy at any month end",
    ),
    Column(
        "starter_rate",
        "starter rate",
        "starters a year per permanent FTE",
        "Permanent starters per year (hires and conversions) / mean permanent headcount.",
        percent=True,
    ),
    _share(
        "share_l3",
        "share at level 3",
        "share of permanent staff",
        "Mean share of permanent staff practising at level 3.",
    ),
    Column(
        MEAN_CASELOAD,
        "mean caseload",
        "cases per case holder",
        "Mean cases per case holder (permanent or agency worker holding a case; DfE), averaged "
        "over month ends.",
        better="lower",
        key=True,
    ),
    Column(
        "p95_caseload",
        "95th percentile caseload",
        "cases per case holder",
        "95th percentile of cases per case holder, averaged over month ends.",
        better="lower",
        key=True,
    ),
    _share(
        "share_over_cap",
        "share of case holders over the reporting cap",
        "share of case holders",
        "Share of case holders holding more than `reporting.caseload_cap` cases (Dudley: 21), "
        "averaged over month ends.",
        better="lower",
        key=True,
    ),
    Column(
        "effective_load_mean",
        "effective weighted caseload",
        "weighted cases",
        "Mean weighted caseload divided by the capacity factor (the time the cases take when "
        "support officers or CPD days change it), averaged over month ends.",
        better="lower",
    ),
    *WAITS,
    Column(
        FIRST_WAIT,
        "wait for a first worker (new referrals)",
        "days",
        "Days from referral to first allocation, for cases first allocated in the window: "
        f"the first of the waits in `{MEAN_WAIT}`, which also counts the waits after a "
        "worker leaves or sheds a case and after a move between teams.",
        better="lower",
        undefined_when=NONE_ALLOCATED,
    ),
    Column(
        "first_wait_days_p90",
        "wait for a first worker (new referrals), 90th percentile",
        "days",
        f"90th percentile of the waits in `{FIRST_WAIT}`.",
        better="lower",
        undefined_when=NONE_ALLOCATED,
    ),
    Column(
        "worker_changes_per_case",
        "changes of worker per case",
        "changes per case",
        "Changes of allocated worker per case, for cases closed in the window ('having to tell "
        "their story too many times').",
        better="lower",
        undefined_when=NONE_CLOSED,
        key=True,
    ),
    _share(
        "lac_3plus_workers_share",
        "looked-after children with 3+ social workers",
        "share of children looked after",
        "Share of children looked after at 31 March who had "
        "three or more different social workers in the previous 12 months (DfE's measure: 27% "
        "in England in 2024), the mean over the window's 31 Marches.",
        better="lower",
        undefined_when=NO_MARCH,
    ),
    _share(
        "cin_3plus_workers_share",
        "children in need with 3+ social workers",
        "share of children in need",
        "Share of children in need at 31 March (past assessment: "
        "child in need, protection, court and care cases) who had three or more different "
        "social workers in the previous 12 months, the mean over the window's 31 Marches.",
        better="lower",
        undefined_when=NO_MARCH,
    ),
    Column(
        "unallocated_days_per_case",
        "days without a worker per case",
        "days per case",
        "Days a case spent without a worker over its life (first wait and waits after a worker "
        "left), for cases closed in the window.",
        better="lower",
        undefined_when=NONE_CLOSED,
    ),
    _share(
        "asye_retention_2y",
        "two-year ASYE retention",
        "share of ASYE starters",
        "Share of permanent staff who started in an ASYE post during the window (newly "
        "qualified hires and policy pipelines, not movers from another council) still employed "
        "by the council that took them on two years after starting.",
        better="higher",
        undefined_when=NO_COHORT,
        key=True,
    ),
    Column(
        "asye_cohort",
        "ASYE starters followed",
        "people",
        "Number of ASYE starters behind `asye_retention_2y`.",
    ),
    *(
        Column(
            f"leavers_{d}",
            f"leavers {DESTINATION_WORDS[d]}",
            "people a year",
            f"Permanent leavers per year whose destination is '{d}'.",
        )
        for d in DESTINATIONS
    ),
    Column(
        "leavers_retirement",
        "leavers retiring",
        "people a year",
        "Permanent leavers per year who retired (counted in `leavers_profession` too: they leave "
        "local authority social work). Zero with `retirement.enabled = false`.",
    ),
    _share(
        "staff_near_retirement_share",
        "share of staff near retirement",
        "share of permanent staff",
        "Share of permanent staff aged `reporting.succession_age` (60) or over at the last month "
        "end (Dudley 2018: succession planning for the 60-64 age group).",
        undefined_when="there was no permanent staff at the last month end",
    ),
    _share(
        "absence_rate",
        "sickness absence",
        "share of working days",
        "Mean over months of the share of working days lost to sickness absence by the workers "
        "in post (permanent and agency; DfE sickness absence rate), taken from their caseload "
        "capacity. Zero with `absence.enabled = false`.",
        better="lower",
    ),
    Column(
        "moves_in_per_year",
        "moves between councils",
        "people a year",
        "Permanent starters a year who came from another council of the region (for the "
        "region: moves between its councils). Zero with an outside market.",
    ),
    Column(
        "moves_out_per_year",
        "moves out to another council",
        "people a year",
        "Permanent leavers a year who went to look for a post in another council of the region "
        "(for the region: moves between its councils begun; the difference from "
        "`moves_in_per_year` is who is still looking or gave up). Zero with an outside market.",
    ),
    Column(
        "moves_pay_driven_per_year",
        "moves between councils driven by pay",
        "people a year",
        "Of `moves_out_per_year`, leavers who went to another council only because the region's "
        "other councils paid more: with the same draw and the pay tilt of the destination "
        "removed they would not have gone to another council. Zero when the councils pay alike.",
        better="lower",
    ),
    Column(
        "agency_mean",
        "agency workers",
        "FTE",
        "Mean month-end agency workers on assignment (FTE: one worker per post covered; "
        "FutureSocial 2017: 'c700 agency workers' across the region's councils).",
        better="lower",
    ),
    Column(
        "bank_mean",
        "bank workers deployed",
        "FTE",
        "Mean month-end workers of a regional bank (policy `regional_bank`) covering vacancies; "
        "employed by the region, so counted with the permanent staff in "
        "`permanent_practice_share`.",
    ),
    _share(
        "permanent_practice_share",
        "share of practice by permanent staff",
        "share of staff",
        "Mean over month ends of (permanent + bank) / (permanent + bank + agency) staff (FutureSocial 2017: a "
        "target of 90% of practice by permanent staff).",
        better="higher",
    ),
    Column(
        "agency_above_establishment_mean",
        "agency workers above establishment",
        "FTE",
        "Mean month-end agency workers above the funded establishment (teams' overflow "
        "'agency'; DfE CSWW 2020: 23% of agency workers do not cover a vacancy).",
        better="lower",
    ),
    Column(
        "agency_unmet_mean",
        "agency cover wanted but not found",
        "posts",
        "Mean month-end number of vacancies whose council wants agency cover that the "
        "region's agency pool cannot supply (zero with an outside market).",
        better="lower",
    ),
    Column("referrals_per_year", "referrals", "referrals a year", "Referrals received per year."),
    Column(
        "cases_waiting_mean",
        "cases waiting",
        "cases",
        "Mean month-end number of cases waiting for a worker.",
        better="lower",
    ),
    Column(
        TOTAL_COST,
        "workforce cost",
        "GBP a year",
        "Permanent staff (salary + on-costs), agency, recruitment and policy cost per year: the "
        f"cost to the workforce budget (`{WHOLE_SYSTEM_COST}` adds the cost of care).",
        better="lower",
        key=True,
    ),
    Column(
        PAY_PER_FTE,
        "pay per permanent FTE",
        "GBP a year",
        "Permanent staff cost a year (salary + on-costs) per permanent FTE in post, averaged over "
        "month ends: moves with pay (a pay scale, a supplement) and with the mix of levels.",
        undefined_when=NO_PERMANENT,
    ),
    Column(
        "agency_cost_gbp",
        "agency spend",
        "GBP a year",
        "Cost of agency workers per year (permanent cost of the post covered + premium).",
        better="lower",
        key=True,
    ),
    Column(
        "agency_premium_gbp",
        "agency premium paid",
        "GBP a year",
        "Of `agency_cost_gbp`, the premium over the permanent cost of the posts covered.",
        better="lower",
    ),
    Column(
        "policy_cost_gbp",
        "policies' own cost",
        "GBP a year",
        "The policies' own running cost per year (zero without policies).",
        key=True,
    ),
    Column(
        "entered_care_per_year",
        "children entering care",
        "children a year",
        "Children entering care a year: every move into the care type (`children.care_type`), "
        "from a referral, a drawn step up or a staffing step-up.",
        better="lower",
        key=True,
    ),
    Column(
        "entered_care_extra_per_year",
        "children entering care because of staffing",
        "children a year",
        "Of `entered_care_per_year`, children stepped up into care by the "
        "staffing effects (weeks without a worker, changes of worker) whose drawn careers never "
        "reached care; a child whose entry was only brought forward is not counted. Zero with "
        "`children.effects` off.",
        better="lower",
    ),
    Column(
        "children_in_care_mean",
        "children in care",
        "children",
        "Mean month-end number of children in care (open cases of the care type).",
    ),
    Column(
        "care_cost_gbp",
        "cost of care",
        "GBP a year",
        "Children in care (month-end mean) x `children.care_cost_gbp_per_child_year` "
        "(FutureSocial 2017: £40,000 a year); not part of `total_cost_gbp` (the workforce).",
        better="lower",
    ),
    Column(
        WHOLE_SYSTEM_COST,
        "whole-system cost",
        "GBP a year",
        f"`{TOTAL_COST}` (staff, agency, recruitment, policy) + `{CARE_COST}`: what a change "
        "costs the council once the children it sends into care or keeps out are counted.",
        better="lower",
        key=True,
    ),
    *(
        Column(
            f"headcount_end_{lv}",
            f"permanent staff at {LEVEL_WORDS[lv]} at the end",
            "FTE",
            f"Permanent staff practising at {LEVEL_WORDS[lv]} at the last month end.",
        )
        for lv in LEVELS
    ),
    Column(
        "headcount_end_agency",
        "agency workers at the end",
        "FTE",
        "Agency workers at the last month end.",
    ),
)


def band_column(lo: int, hi: int | None) -> str:
    return f"holders_{lo:02d}_{hi:02d}" if hi is not None else f"holders_{lo:02d}_plus"


def _band_words(lo: int, hi: int | None) -> str:
    return f"{lo} to {hi} cases" if hi is not None else f"{lo} or more cases"


TIMESERIES: tuple[Column, ...] = (
    AUTHORITY,
    Column("rep", "replication", "index", "Replication number (seed stream).", high=INF),
    Column(
        "month",
        "month",
        "months after warm-up",
        "Month end, counted from the end of the warm-up (0 is the first reported month).",
        low=-INF,
    ),
    *(
        Column(
            band_column(lo, hi),
            f"case holders holding {_band_words(lo, hi)}",
            "people",
            f"Case holders holding {_band_words(lo, hi)} at the month end.",
        )
        for lo, hi in CASELOAD_BANDS
    ),
    *(
        Column(
            f"perm_{lv}",
            f"permanent staff at {LEVEL_WORDS[lv]}",
            "FTE",
            f"Permanent staff practising at {LEVEL_WORDS[lv]}.",
        )
        for lv in LEVELS
    ),
    *(
        Column(
            f"agency_{lv}",
            f"agency workers covering {LEVEL_WORDS[lv]} posts",
            "FTE",
            f"Agency workers by the level of the post they cover ({LEVEL_WORDS[lv]}).",
        )
        for lv in LEVELS
    ),
    *(
        Column(
            f"vacancies_{lv}",
            f"vacancies at {LEVEL_WORDS[lv]}",
            "posts",
            f"Funded {LEVEL_WORDS[lv]} posts without a permanent holder.",
        )
        for lv in LEVELS
    ),
    Column("perm_total", "permanent staff", "FTE", "Permanent staff in post."),
    Column("agency_total", "agency workers", "FTE", "Agency workers on assignment."),
    Column("vacancies_total", "vacancies", "posts", "Funded posts without a permanent holder."),
    Column(
        "funded_posts",
        "funded posts",
        "posts",
        "Funded social-worker posts (the establishment: DfE's in post + vacancies), as set by "
        "`workforce.establishment`, its series or a policy.",
    ),
    Column(
        "agency_above_establishment",
        "agency workers above establishment",
        "FTE",
        "Agency workers in posts added above the funded establishment (a team's overflow "
        "'agency'), not covering a vacancy.",
    ),
    Column(
        "bank_total",
        "bank workers deployed",
        "FTE",
        "Workers of a regional bank (policy `regional_bank`) covering the council's vacancies.",
    ),
    Column(
        "perm_near_retirement",
        "permanent staff near retirement",
        "FTE",
        "Permanent staff aged `reporting.succession_age` (60) or over.",
    ),
    Column("leavers", "leavers", "people this month", "Permanent staff who left this month."),
    *(
        Column(
            f"leavers_{d}",
            f"leavers {DESTINATION_WORDS[d]}",
            "people this month",
            f"Permanent leavers this month whose destination is '{d}'.",
        )
        for d in DESTINATIONS
    ),
    Column(
        "leavers_retirement",
        "leavers retiring",
        "people this month",
        "Permanent leavers this month who retired (counted in `leavers_profession` too).",
    ),
    Column(
        "hires",
        "permanent starters",
        "people this month",
        "Permanent starters this month (hires and conversions).",
    ),
    Column(
        "conversions",
        "agency conversions",
        "people this month",
        "Agency workers who became permanent this month.",
    ),
    Column(
        "promotions", "promotions", "people this month", "Promotions to a higher level this month."
    ),
    Column(
        "agency_starts",
        "agency starts",
        "people this month",
        "Agency assignments started this month.",
    ),
    Column(
        "moves_in",
        "moves in from another council",
        "people this month",
        "Permanent starters this month who came from another council of the region.",
    ),
    Column(
        "moves_out",
        "moves out to another council",
        "people this month",
        "Permanent leavers this month who went to look for a post in another council of the region.",
    ),
    Column(
        "moves_pay_driven",
        "moves driven by pay",
        "people this month",
        "Of `moves_out`, leavers who would not have gone to another council at equal pay.",
    ),
    Column(
        "agency_unmet",
        "agency cover wanted but not found",
        "posts",
        "Vacancies waiting for agency cover that the region's pool cannot supply.",
    ),
    _share(
        "absence_rate",
        "sickness absence",
        "share of working days",
        "Share of working days lost to sickness absence this month by the workers in post "
        "(permanent and agency; for the region, weighted by workers in post).",
    ),
    Column(
        "pay_supplement",
        "market supplement",
        "share of salary",
        "Market supplement on pay (weighted by funded posts for the region).",
        high=1.0,
        percent=True,
    ),
    Column(
        "applicants_waiting",
        "applicants looking",
        "people",
        "Applicants in the region's pool looking for a post.",
        undefined_when=POOLS_ARE_REGIONAL,
    ),
    Column(
        "agency_available",
        "agency workers available",
        "people",
        "Agency workers in the region's pool without an assignment.",
        undefined_when=POOLS_ARE_REGIONAL,
    ),
    Column("referrals", "referrals", "referrals this month", "Referrals received this month."),
    Column(
        "cases_open", "open cases", "cases", "Cases open at the month end (allocated or waiting)."
    ),
    Column(
        "cases_waiting", "cases waiting", "cases", "Cases waiting for a worker at the month end."
    ),
    _share(
        "lac_3plus_workers_share",
        "looked-after children with 3+ social workers",
        "share of children looked after",
        "Share of the children looked after at the month end "
        "who had three or more different social workers in the previous 12 months (DfE records "
        "it at 31 March).",
        undefined_when=NO_CHILDREN,
    ),
    _share(
        "cin_3plus_workers_share",
        "children in need with 3+ social workers",
        "share of children in need",
        "Share of the children in need at the month end (past "
        "assessment) who had three or more different social workers in the previous 12 months.",
        undefined_when=NO_CHILDREN,
    ),
    Column("case_holders", "case holders", "people", "Workers holding at least one case."),
    Column(
        "caseload_mean", "mean caseload", "cases per case holder", "Mean cases per case holder."
    ),
    Column(
        "caseload_p95",
        "95th percentile caseload",
        "cases per case holder",
        "95th percentile of cases per case holder.",
    ),
    Column(
        "weighted_load_mean",
        "mean weighted caseload",
        "weighted cases",
        "Mean weighted caseload of case holders.",
    ),
    Column(
        "effective_load_mean",
        "effective weighted caseload",
        "weighted cases",
        "Mean weighted caseload of case holders divided by the capacity factor.",
    ),
    _share(
        "share_over_cap",
        "share of case holders over the reporting cap",
        "share of case holders",
        "Share of case holders holding more than `reporting.caseload_cap` cases.",
    ),
    Column(
        "staff_cost_gbp_month",
        "permanent staff cost",
        "GBP this month",
        "Salary and on-costs of permanent staff this month.",
    ),
    Column(
        "agency_cost_gbp_month",
        "agency cost",
        "GBP this month",
        "Cost of agency workers this month.",
    ),
    Column(
        "agency_premium_gbp_month",
        "agency premium",
        "GBP this month",
        "Of `agency_cost_gbp_month`, the premium over the permanent cost of the posts covered.",
    ),
    Column(
        "recruitment_cost_gbp_month",
        "recruitment cost",
        "GBP this month",
        "Cost of external hires this month.",
    ),
    Column(
        "policy_cost_gbp_month",
        "policies' cost",
        "GBP this month",
        "The policies' own cost this month.",
    ),
    Column("cost_gbp_month", "total cost", "GBP this month", "Sum of the four costs above."),
    Column(
        "entered_care",
        "children entering care",
        "people this month",
        "Children who entered care this month (every move into the care type).",
    ),
    Column(
        "entered_care_extra",
        "children entering care because of staffing",
        "people this month",
        "Of `entered_care`, children stepped up by the staffing effects whose drawn careers never "
        "reached care.",
    ),
    Column("children_in_care", "children in care", "people", "Children in care at the month end."),
    Column(
        "care_cost_gbp_month",
        "cost of care",
        "GBP this month",
        "Children in care at the month end x the cost of a child in care a year / 12 (not in "
        "`cost_gbp_month`).",
    ),
)

TEAM_SUMMARY: tuple[Column, ...] = (
    AUTHORITY,
    Column(
        "team",
        "team",
        "name",
        "The team of the authority (scenario `teams`; 'all' when the scenario has none).",
        text=True,
    ),
    Column("posts", "funded posts", "posts", "Funded posts of the team at the end of the run."),
    Column(
        "staff_mean", "staff", "FTE", "Mean month-end permanent and agency workers in the team."
    ),
    Column(
        MEAN_CASELOAD,
        "mean caseload",
        "cases per case holder",
        "Mean cases per case holder of the team, averaged over month ends (months without "
        "case holders left out).",
        better="lower",
        undefined_when=NO_HOLDERS,
    ),
    Column(
        "p95_caseload",
        "95th percentile caseload",
        "cases per case holder",
        "95th percentile of cases per case holder of the team, averaged over month ends.",
        better="lower",
        undefined_when=NO_HOLDERS,
    ),
    _share(
        "share_over_cap",
        "share of case holders over the reporting cap",
        "share of case holders",
        "Share of the team's case holders holding more than `reporting.caseload_cap` cases, "
        "averaged over month ends.",
        better="lower",
        undefined_when=NO_HOLDERS,
    ),
    Column(
        "cases_waiting_mean",
        "cases waiting",
        "cases",
        "Mean month-end number of cases waiting for a worker of the team.",
        better="lower",
    ),
    *WAITS,
)


# -- the interval tables over replications (``sim.experiment.stats``) --------------------------------
SMALL_SAMPLE = 20  # below this many replications, Student's t interval (sim.experiment.stats)
# the values of ``method`` and ``diff_method``: how an interval was computed
T_CLIPPED = "t, clipped to bounds"
BCA = "BCa bootstrap"
ONE = "n/a (1 replication)"
CONSTANT = "the same in every replication"
NO_DATA = "no data"
FIELLER = "Fieller"
NO_EFFECT = "no measurable effect on turnover"
TURNOVER_RISES = "turnover rises"
UNBOUNDED = "turnover's change too uncertain to bound the cost per point"

TABLE_COLUMNS: tuple[Column, ...] = (
    AUTHORITY,
    Column(
        "scenario",
        "scenario",
        "name",
        "The scenario (comparisons only; the first is the baseline).",
    ),
    Column(
        "metric",
        "metric",
        "name",
        "A summary outcome (see the summary columns) or `cost_per_pp_turnover_avoided`.",
    ),
    Column(
        "mean", "mean", "the metric's unit", "Mean over replications (of finite values).", low=-INF
    ),
    Column(
        "ci_low",
        "lower 95% limit",
        "the metric's unit",
        "Lower end of the 95% confidence interval of the mean (empty with one replication).",
        low=-INF,
    ),
    Column(
        "ci_high", "upper 95% limit", "the metric's unit", "Upper end of the interval.", low=-INF
    ),
    Column("halfwidth", "half-width", "the metric's unit", "(ci_high - ci_low) / 2."),
    Column(
        "method",
        "interval method",
        "text",
        f"How the interval was computed: '{T_CLIPPED}' "
        f"(fewer than {SMALL_SAMPLE} replications), '{BCA}', '{ONE}', '{CONSTANT}' (flagged, not a "
        f"finding), '{FIELLER}' (cost per point), '{NO_EFFECT}', '{TURNOVER_RISES}' or "
        f"'{UNBOUNDED}'.",
    ),
    Column("n", "replications", "replications", "Replications with a finite value."),
    Column(
        "diff",
        "difference",
        "the metric's unit",
        "Mean paired difference, scenario minus "
        "baseline, over replications on common random numbers (comparisons only).",
        low=-INF,
    ),
    Column(
        "diff_low",
        "difference, lower 95% limit",
        "the metric's unit",
        "Lower end of the difference's interval.",
        low=-INF,
    ),
    Column("diff_high", "difference, upper 95% limit", "the metric's unit", "Upper end.", low=-INF),
    Column(
        "diff_halfwidth",
        "difference, half-width",
        "the metric's unit",
        "(diff_high - diff_low) / 2: the precision of the comparison.",
    ),
    Column("diff_method", "difference interval method", "text", "As `method`, for the difference."),
)
COST_PER_PP = "cost_per_pp_turnover_avoided"
COST_PER_PP_COLUMN = Column(
    COST_PER_PP,
    "cost per point of turnover avoided",
    "GBP a year per percentage point",
    f"Extra whole-system cost a year (`{WHOLE_SYSTEM_COST}`: the workforce and the children in "
    "care) per percentage point of annual turnover avoided (paired; Fieller's interval).",
    low=-INF,
    better="lower",
)

# -- the board's quantities, derived from each replication's summary (``sim.experiment.derived``) ----
NET_MOVES = "net_moves_per_year"
NO_EFFECTS = "entered_care_no_effects_per_year"
ENTERED_3Y, NO_EFFECTS_3Y = "entered_care_3y", "entered_care_no_effects_3y"
ENTRY_COST_3Y, NO_EFFECTS_COST_3Y = "entry_cost_gbp_3y", "entry_cost_no_effects_gbp_3y"
CARE_COST_3Y = "care_cost_gbp_3y"

_ON = "with the staffing effects on entries into care (the model's assumptions)"
_OFF = (
    "with the children entering care because of staffing taken out "
    "(`entered_care_per_year` - `entered_care_extra_per_year`, on the same seeds)"
)
_ARITHMETIC = (
    "the briefing's arithmetic: each child who does not enter care saves a year's care "
    "at `children.care_cost_gbp_per_child_year` (£40,000 in the briefing)"
)
DERIVED: dict[str, Column] = {
    o.name: o
    for o in (
        Column(
            NET_MOVES,
            "net gain from moves between councils",
            "people a year",
            "Moves in from another council of the region minus moves out to another council "
            "(`moves_in_per_year` - `moves_out_per_year`): a council's gain (or, negative, loss) of "
            "staff to the others.",
            low=-INF,
        ),
        Column(
            NO_EFFECTS,
            "children entering care, staffing effects off",
            "children a year",
            f"Children entering care a year {_OFF}.",
            better="lower",
        ),
        Column(
            ENTERED_3Y,
            f"children entering care over {BRIEFING_YEARS} years",
            "children",
            f"`entered_care_per_year` x {BRIEFING_YEARS} ({_ON}): the briefing's {BRIEFING_YEARS} "
            "years at the run's mean rate.",
            better="lower",
        ),
        Column(
            NO_EFFECTS_3Y,
            f"children entering care over {BRIEFING_YEARS} years, staffing effects off",
            "children",
            f"Children entering care a year {_OFF}, x {BRIEFING_YEARS}.",
            better="lower",
        ),
        Column(
            ENTRY_COST_3Y,
            f"cost of the children entering care over {BRIEFING_YEARS} years",
            f"GBP over {BRIEFING_YEARS} years",
            f"Children entering care over {BRIEFING_YEARS} years x {_ARITHMETIC}.",
            better="lower",
        ),
        Column(
            NO_EFFECTS_COST_3Y,
            f"cost of the children entering care over {BRIEFING_YEARS} years, staffing effects off",
            f"GBP over {BRIEFING_YEARS} years",
            f"As the cost of the children entering care, {_OFF}.",
            better="lower",
        ),
        Column(
            CARE_COST_3Y,
            f"cost of care over {BRIEFING_YEARS} years",
            f"GBP over {BRIEFING_YEARS} years",
            f"`care_cost_gbp` x {BRIEFING_YEARS}: the model's cost of the children in care "
            f"(month-end mean) over {BRIEFING_YEARS} years.",
            better="lower",
        ),
    )
}

# -- the tallies: events an authority counts as they happen (``Authority.tally``), reset at every
# month end; each of ``TALLIES`` is the monthly column of the same name (the recorder copies it)
LEAVERS, LEAVERS_RETIREMENT, HIRES = "leavers", "leavers_retirement", "hires"
CONVERSIONS, PROMOTIONS, AGENCY_STARTS = "conversions", "promotions", "agency_starts"
MOVES_IN, MOVES_OUT, MOVES_PAY_DRIVEN = "moves_in", "moves_out", "moves_pay_driven"


def leavers_to(destination: str) -> str:
    """The tally and monthly column of permanent leavers to ``destination`` (``DESTINATIONS``)."""
    return f"leavers_{destination}"


TALLIES = (
    LEAVERS,
    *(leavers_to(d) for d in DESTINATIONS),
    LEAVERS_RETIREMENT,
    HIRES,
    CONVERSIONS,
    PROMOTIONS,
    AGENCY_STARTS,
    MOVES_IN,
    MOVES_OUT,
    MOVES_PAY_DRIVEN,
)
# counted too, not columns of their own: the recorder prices them (recruitment and policy cost),
# policies read them (``Context.this_month``)
EXTERNAL_HIRES, POLICY_COST, AGENCY_ENDS = "external_hires", "policy_cost", "agency_ends"
COUNTS = frozenset((*TALLIES, EXTERNAL_HIRES, POLICY_COST, AGENCY_ENDS))

OUTCOMES: dict[str, Column] = {o.name: o for o in SUMMARY}
TEAM_OUTCOMES: dict[str, Column] = {o.name: o for o in TEAM_SUMMARY}
MONTHLY: dict[str, Column] = {o.name: o for o in TIMESERIES}
KEY_METRICS: list[str] = [o.name for o in SUMMARY if o.key]


def column(metric: str) -> Column:
    """The declaration of a metric of the interval tables: a summary column, the cost per point, a
    team column (``posts``...) or a quantity the board derives (``DERIVED``)."""
    if metric == COST_PER_PP:
        return COST_PER_PP_COLUMN
    if metric in DERIVED:
        return DERIVED[metric]
    return OUTCOMES[metric] if metric in OUTCOMES else TEAM_OUTCOMES[metric]


def authorities_of(frame: pd.DataFrame) -> list[str]:
    """The authorities a results frame describes: the region first, then its councils."""
    names = list(dict.fromkeys(frame["authority"]))
    return [REGION] + [n for n in names if n != REGION]


def rows_of(frame: pd.DataFrame, authority: str = REGION) -> pd.DataFrame:
    """The rows of one authority (the region's by default), without the ``authority`` column."""
    return frame[frame["authority"] == authority].drop(columns="authority").reset_index(drop=True)


class OutputError(RuntimeError):
    """A replication produced a value outside its declared range: a fault in the model, not the input."""


def check_outputs(
    values: dict[str, Any] | pd.DataFrame, declared: dict[str, Column], where: str
) -> None:
    """Raise OutputError unless every column is declared and every value finite and in range
    (missing only where the outcome may be undefined)."""
    columns = list(values.columns) if isinstance(values, pd.DataFrame) else list(values)
    unknown = [c for c in columns if c not in declared]
    missing = [c for c in declared if c not in columns]
    if unknown or missing:
        raise OutputError(
            f"{where}: columns differ from their declaration (undeclared {unknown}, "
            f"missing {missing})"
        )
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
            raise OutputError(
                f"{where}: {name} = {ok.min() if ok.min() < o.low else ok.max()} "
                f"is outside its range [{o.low}, {o.high}]"
            )


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
            lines.append(
                f"{', '.join(measures)}: undefined (left empty) in "
                f"{rows['rep'][empty].nunique()} of {rows['rep'].nunique()} replications"
                f"{f' of {name}' if name else ''}"
                f"{' (in ' + ', '.join(councils) + ')' if councils else ''}: {reason}; check "
                "who may hold the cases (posts, caseload limits, min_level) and the window"
            )
    return lines
