"""The scenario schema: every model parameter, its unit, allowed range, default and source.

A scenario is read from TOML, validated by pydantic and frozen. Units: days for durations, years
for rates ("per year"), GBP per year for money. Each default names its source in the field's
description: a seed paper (``../shared/seeds``), a DfE statistic (``../shared/data``) or the word
"assumption".

Validation is strict: a value must have the field's type (a TOML integer is accepted for a float,
but a boolean or a string is not a number), be finite, and lie in the field's range; unknown keys
are errors. A scenario file may start from another with ``extends = "baseline"`` (a built-in name
or a path relative to the file) and give only what differs.
"""

from __future__ import annotations

import difflib
import os
import stat
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import numpy as np
import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from sim.errors import BadInput
from sim.strict import STRICT

LEVELS: tuple[str, ...] = ("asye", "l2", "l3", "l4", "l5")
LevelName = Literal["asye", "l2", "l3", "l4", "l5"]
CLOSE = "close"
DestinationName = Literal["profession", "other_la", "agency"]
DESTINATIONS: tuple[str, ...] = get_args(DestinationName)
_SUM_TOL = 1e-6

# Every model (and every policy's parameters): exact types, finite numbers, no unknown keys,
# read-only once validated.

# Upper bounds on money, GBP: far above any real figure, they catch typos and overflow.
MAX_SALARY_GBP = 250_000.0  # a year, for one person (a salary, or the yearly cost of a post)
MAX_PREMIUM_GBP = 200_000.0  # a year, the agency premium over a permanent salary
MAX_FEE_GBP = 100_000.0  # one-off, per person (a hire, a conversion, a recruit, a trainee)
MAX_PROGRAMME_GBP = 10_000_000.0  # a year, a whole programme (an academy)
MAX_CARE_GBP = 2_000_000.0  # a year, one child in care (residential care can pass £500,000)

# Names become file names and plot titles: letters, digits, space and _ . + - # ( ) , only,
# starting with a letter or a digit (so never "." or ".."), 1-100 characters.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _.+\-#(),=]{0,99}$"
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
Share = Annotated[float, Field(ge=0, le=1)]
FIRST_YEAR, LAST_YEAR = 1990, 2100  # calendar years a scenario may name
# a year of a yearly series (a TOML key is text): the DfE reporting year ending 31 March of it
YearKey = Annotated[str, StringConstraints(pattern=r"^(19|20|21)[0-9][0-9]$")]

MAX_FILE_BYTES = 1_000_000  # a scenario file
MAX_AUTHORITIES = 200  # councils in a region (England has 153)
# The sections in which one council of a region may differ from the others (the rest is region-wide)
REGION_NAME = "region"  # the authority of a region's own result rows
COUNCIL_SECTIONS = (
    "description",
    "demand",
    "case_types",
    "workforce",
    "turnover",
    "agency",
    "allocation",
    "costs",
    "reporting",
    "employer",
    "teams",
    "absence",
    "retirement",
    "observed",
)
MAX_EXTENDS_DEPTH = 5  # files a scenario may extend in a chain
# Bounds on the work of one replication, checked from the scenario before anything runs
# (docs/reference/commands.md): beyond them a run would not finish or not fit in memory.
MAX_EPISODES = 60  # a case's career is cut after this many episodes; the chain's
# expected episodes (its fundamental matrix) may not exceed it
MAX_POSTS = 100_000  # funded posts at their peak, summed over a region's councils
ENGLAND_POSTS = (
    "England's councils fund about 38,000: DfE CSWW 2020, 31,852 FTE in post, 6,113 vacant"
)
MAX_OPEN_CASES = 1_000_000  # cases expected open at once, summed over a region's councils
ENGLAND_CASES = "England's case holders held 334,706 cases: DfE CSWW 2020"
MAX_POLICIES = 100  # [[policy]] entries of a scenario


class ScenarioError(BadInput):
    """A scenario that cannot be read or validated; ``problems`` holds one line per problem."""


class _Strict(BaseModel):
    model_config = STRICT


def _sum_to_one(value: dict[str, float]) -> dict[str, float]:
    """Shares (each already in [0, 1]) that must sum to 1."""
    total = sum(value.values())
    if abs(total - 1.0) > _SUM_TOL:
        raise ValueError(f"the shares sum to {total:g}; they must sum to 1")
    return value


def _fail(title: str, problems: list[tuple[tuple[str | int, ...], Any, str]]) -> None:
    """Raise one validation error per problem, each a (field location, bad value, message)."""
    if problems:
        raise ValidationError.from_exception_data(
            title,
            [
                InitErrorDetails(
                    type=PydanticCustomError("invalid", "{message}", {"message": message}),
                    loc=loc,
                    input=value,
                )
                for loc, value, message in problems
            ],
        )


class Demand(_Strict):
    """Referrals: a non-homogeneous Poisson process with trend and seasonality."""

    referrals_per_year: float = Field(
        7525.0,
        gt=0,
        le=1_000_000,
        description="Referrals per year at the start of the run. DfE West Midlands 2020: 30.1 "
        "referrals per case-holding FTE (68,710 referrals / 2,282 FTE case holders), times the "
        "baseline's 250 posts. At most 1,000,000 (England has about 650,000 a year).",
    )
    case_share: float = Field(
        0.936,
        gt=0,
        le=1,
        description="Share of referrals that become a case (are assessed); above 0. DfE CIN table "
        "C1, West Midlands 2020: 6.4% of referrals end in no further action.",
    )
    annual_trend: float = Field(
        0.0,
        ge=-0.5,
        le=1.0,
        description="Growth of the referral rate per year (0.05 = +5%/year). DfE C1: West "
        "Midlands referrals fell from 76,650 (2014) to 68,710 (2020), so 0 for the baseline; "
        "Monmouthshire reports +69% cases 2013/14-2017 (about +14%/year).",
    )
    seasonal_amplitude: float = Field(
        0.1,
        ge=0,
        lt=1,
        description="Relative amplitude of the annual seasonal cycle of referrals. Assumption "
        "(Warwickshire: demand 'at different times of year' makes caseloads feel unmanageable).",
    )
    seasonal_peak_day: int = Field(
        305,
        ge=0,
        le=364,
        description="Day of the year at which referrals peak. Assumption (November).",
    )
    initial_type: dict[str, Share] = Field(
        default_factory=lambda: {"assessment": 1.0},
        min_length=1,
        description="Shares of new cases by first case type; must sum to 1.",
    )
    referrals_by_year: dict[YearKey, Annotated[float, Field(gt=0, le=1_000_000)]] = Field(
        default_factory=dict,
        max_length=200,
        description="Referrals in each DfE reporting year (1 April to 31 March, keyed by the year "
        "it ends), e.g. DfE CIN referral_count; needs `start.year`. The series replaces "
        "`referrals_per_year` for its years; before its first year the first value holds, after "
        "its last the last value grows by `annual_trend`.",
    )
    warmup: Literal["series", "start"] = Field(
        "series",
        description="Referrals during the warm-up, with a yearly series: 'series' follows "
        "`referrals_by_year` from the run's first day (the years before the start replayed); "
        "'start' holds them at `referrals_per_year` until reporting starts, so reporting starts "
        "from the steady state of that rate (what a council fitted to one year's open cases, as "
        "`swsim scenario-from-dfe` does, assumes).",
    )

    _shares = field_validator("initial_type")(_sum_to_one)


class CaseType(_Strict):
    """One type of case: how long an episode lasts, how much it weighs, who may hold it."""

    weight: float = Field(gt=0, le=10, description="Workload weight of one case of this type.")
    mean_days: float = Field(gt=0, le=20000, description="Mean episode duration in days.")
    distribution: Literal["exponential", "lognormal", "fixed"] = Field(
        "exponential", description="Episode duration distribution."
    )
    cv: float = Field(1.0, gt=0, le=10, description="Coefficient of variation (lognormal only).")
    min_level: LevelName = Field("asye", description="Lowest level allowed to hold this type.")
    priority: int = Field(0, ge=0, le=100, description="Allocation priority; lower goes first.")
    next: dict[str, Share] = Field(
        default_factory=lambda: {CLOSE: 1.0},
        min_length=1,
        description="Probabilities of what follows an episode: another case type (step up or "
        "down) or 'close'; must sum to 1, and every case type must lead to 'close' eventually.",
    )

    _shares = field_validator("next")(_sum_to_one)


class Level(_Strict):
    """One grade of permanent social worker."""

    establishment: int = Field(ge=0, le=100000, description="Funded posts (FTE).")
    salary_gbp: float = Field(gt=0, le=MAX_SALARY_GBP, description="Annual salary, GBP.")
    market_salary_gbp: float | None = Field(
        None,
        gt=0,
        le=MAX_SALARY_GBP,
        description="Salary the market pays for this level; default: own salary (no gap).",
    )
    caseload_limit: float = Field(ge=1, le=100, description="Hard limit on weighted caseload.")
    leave_rate: float = Field(ge=0, le=5, description="Base annual leaving hazard (per year).")
    fill_days_mean: float = Field(
        gt=0, le=3650, description="Mean days to fill a vacancy by recruitment."
    )
    min_years_to_progress: float = Field(
        0.0, ge=0, le=40, description="Minimum years in level before promotion."
    )
    progression_rate: float = Field(
        0.0, ge=0, le=12, description="Promotion hazard per year once eligible."
    )

    @property
    def market_salary(self) -> float:
        return self.market_salary_gbp if self.market_salary_gbp is not None else self.salary_gbp


class Levels(_Strict):
    asye: Level
    l2: Level
    l3: Level
    l4: Level
    l5: Level

    def ordered(self) -> list[Level]:
        return [getattr(self, name) for name in LEVELS]

    @model_validator(mode="after")
    def _some_posts(self) -> Levels:
        if sum(lv.establishment for lv in self.ordered()) < 1:
            raise ValueError("total establishment must be at least 1 post")
        return self


class Review(_Strict):
    """How a council with ``workforce.establishment = "follows_demand"`` sets its funded posts."""

    month: int = Field(
        4,
        ge=1,
        le=12,
        description="Calendar month of the yearly establishment review (1-12; 4 = April, when "
        "councils set their budgets: assumption).",
    )
    adjustment_per_year: float = Field(
        0.145,
        ge=0,
        le=1,
        description="Share of the gap (in logs) between the posts the workload needs and the funded "
        "posts closed at each review. DfE CSWW 2017-2020, 152 councils: within-council slope of the "
        "yearly change in log funded posts on last census's log cases per post, 0.145 (clustered "
        "standard error 0.053; `python -m calibration.establishment`).",
    )
    max_change_per_year: float = Field(
        0.10,
        ge=0,
        le=1,
        description="Budget limit: at most this share of posts opened or closed at one review. "
        "Assumption within DfE CSWW 2017-2020, where councils' yearly changes in funded posts run "
        "from -11% to +20% (5th to 95th percentile; median +2.9%).",
    )
    max_growth: float = Field(
        2.0,
        ge=1,
        le=10,
        description="Funded posts never pass this multiple of the start's (bounds the run's memory; "
        "assumption: no council in DfE CSWW 2017-2020 grew its posts by half in three years).",
    )


class Workforce(_Strict):
    levels: Levels
    establishment: Literal["fixed", "follows_demand"] = Field(
        "fixed",
        description="How funded posts change during reporting: 'fixed' (the levels' establishments "
        "throughout) or 'follows_demand' (each year's review moves them toward the posts the "
        "workload needs at the council's own cases per post at the start: see `workforce.review`). "
        "An `establishment_by_year` series, where given, is used instead of either.",
    )
    review: Review = Field(default_factory=Review, description="The yearly establishment review.")
    initial_fill: float = Field(
        0.85,
        ge=0,
        le=1,
        description="Share of funded posts held by permanent staff at the start. DfE CSWW, West "
        "Midlands 2020: vacancy rate 17.9%.",
    )
    asye_months: float = Field(12.0, gt=0, le=60, description="Length of the ASYE year (months).")
    asye_pass_probability: float = Field(
        0.95, ge=0, le=1, description="Probability of passing the ASYE. Assumption."
    )
    progression_requires_funded_post: bool = Field(
        True, description="Promotion from level 2 up needs a vacant funded post at the next level."
    )
    asye_completion_requires_funded_post: bool = Field(
        True,
        description="Passing the ASYE needs a vacant funded level-2 post (else the worker is "
        "carried above establishment).",
    )
    establishment_by_year: dict[YearKey, Annotated[float, Field(gt=0, le=10)]] = Field(
        default_factory=dict,
        max_length=200,
        description="The funded establishment at each year's DfE census (30 September) as a "
        "multiple of the levels' establishments, which are the start's (1 = as given), e.g. a "
        "council's posts (DfE inpost_fte + vacancy_fte) over those of the start year; needs "
        "`start.year`. From the start of reporting it moves evenly, month by month, between "
        "census dates (an assumption: DfE counts posts only at the census), the first value "
        "holding before the series and the last after it, each level and team keeping its "
        "share: new posts open vacant, and vacant posts close (an agency worker "
        "covering one leaves it); while only posts with a holder are left to close, the "
        "establishment waits for vacancies.",
    )


class Turnover(_Strict):
    hazard_scale: float = Field(
        1.0,
        gt=0,
        le=10,
        description="Multiplies every level's leaving hazard: one council's turnover relative to the "
        "levels' rates (calibrated per council in a region; 1 for a single authority).",
    )
    tenure_bands_years: list[Annotated[float, Field(gt=0, le=50)]] = Field(
        default_factory=lambda: [2.0, 5.0],
        description="Tenure band edges (years at this authority): strictly increasing, each in (0, 50].",
    )
    tenure_hazard_ratios: list[Annotated[float, Field(gt=0, le=10)]] = Field(
        default_factory=lambda: [1.3, 1.0, 0.7],
        description="Hazard ratio per tenure band (one more than the edges), each in (0, 10]. "
        "Assumption shaped by DfE 2019: 35% of leavers had under 2 years' service, 33% 2-5 years.",
    )
    pressure_threshold: float = Field(
        20.0,
        ge=0,
        le=100,
        description="Weighted caseload above which a worker is under pressure. Assumption: "
        "Monmouthshire's 'safe' range is 20-25 cases, Dudley's target no one over 21.",
    )
    pressure_window_weeks: float = Field(
        8.0,
        gt=0,
        le=520,
        description="Mean age (weeks) of the exponentially weighted average of weekly excess load "
        "that counts as sustained pressure. Assumption.",
    )
    pressure_hazard_ratio_per_case: float = Field(
        1.10,
        gt=0,
        le=10,
        description="Leaving hazard ratio per weighted case of sustained excess load. Assumption "
        "(Monmouthshire 3.15: leaving 'strongly correlates to unmanageable workloads').",
    )
    pay_gap_hazard_ratio_per_10pct: float = Field(
        1.20,
        gt=0,
        le=10,
        description="Leaving hazard ratio per 10% that the market pays above own salary. Assumption "
        "(Warwickshire: social workers 'did not stay if they were being [paid] more money elsewhere').",
    )
    destinations: dict[DestinationName, Share] = Field(
        default_factory=lambda: {"profession": 0.53, "other_la": 0.31, "agency": 0.16},
        min_length=1,
        description="Where leavers go. DfE attrition 2020 (leavers_and_service_england.csv): "
        "7.2% left the profession, 4.2% moved to another LA, 2.2% went into agency work.",
    )

    _shares = field_validator("destinations")(_sum_to_one)

    @field_validator("tenure_bands_years")
    @classmethod
    def _increasing(cls, v: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError("band edges must be strictly increasing")
        return v

    @field_validator("tenure_hazard_ratios")
    @classmethod
    def _one_per_band(cls, v: list[float], info: ValidationInfo) -> list[float]:
        edges = info.data.get("tenure_bands_years")
        if edges is not None and len(v) != len(edges) + 1:
            raise ValueError(
                f"{len(v)} ratios; need one per tenure band: {len(edges) + 1}, one "
                "more than tenure_bands_years"
            )
        return v


class Agency(_Strict):
    initial_cover: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Share of the posts vacant at the start that an agency worker covers (e.g. a "
        "council's observed agency workers over its vacancies at a census date). None: "
        "`backfill_probability`.",
    )
    beyond_vacancies: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Agency workers kept above the establishment (covering absence, projects, "
        "extra work), as a share of funded posts: DfE counts them among agency workers though they "
        "cover no vacancy (CSWW agency_fte minus agency_cover_fte; West Midlands 2019: Stoke-on-"
        "Trent 83.5 of 112 agency FTE, Sandwell 48 of 118, most councils none). Default 0.",
    )
    backfill_probability: float = Field(
        0.673,
        ge=0,
        le=1,
        description="Probability that a vacancy is backfilled by an agency worker. DfE CSWW, West "
        "Midlands 2020: agency workers covered 67.3% of vacancies (vacancy_agency_cover_rate_fte).",
    )
    backfill_delay_days: float = Field(
        21.0, gt=0, le=365, description="Mean days to find an agency worker. Assumption."
    )
    premium_gbp_per_year: float = Field(
        20000.0,
        ge=0,
        le=MAX_PREMIUM_GBP,
        description="Extra cost per year of an agency worker over a permanent one. Warwickshire 2022: "
        "'£20,000 more than a normal social worker' (Monmouthshire 2017: ~£13,000; FutureSocial "
        "2017: at least £7/hour).",
    )
    assignment_months_mean: float = Field(
        9.0, gt=0, le=120, description="Mean length of an agency assignment. Assumption."
    )
    conversion_rate_per_year: float = Field(
        0.10,
        ge=0,
        le=12,
        description="Rate at which an agency worker converts to permanent in the post they cover. "
        "Assumption (Monmouthshire moved agency workers onto council terms: 18 to 7 in 18 months).",
    )
    level: LevelName = Field(
        "l3",
        description="Level at which an agency worker practises (eligibility and caseload limit). Assumption.",
    )


class Absence(_Strict):
    """Sickness absence as lost capacity: each month an authority loses the mean share of working
    days its workers are off sick, and every caseload limit shrinks by that share (see
    ``sim/model/people.py``). A worker's share rises with their sustained caseload pressure."""

    enabled: bool = Field(
        True,
        description="Model sickness absence as lost case-holding capacity (false: nobody is "
        "ever off sick, as before absence was modelled).",
    )
    base_rate: float = Field(
        0.035,
        ge=0,
        lt=1,
        description="Share of working days a worker under no caseload pressure loses to sickness "
        "absence, in [0, 1). DfE CSWW 2020, West Midlands sickness absence rate: 3.5% (30,692 "
        "working days lost over 3,416 FTE; England 2.9%, the regions 2.1-3.8%).",
    )
    pressure_ratio_per_case: float = Field(
        1.05,
        ge=1,
        le=10,
        description="Ratio by which a worker's absence rises per weighted case of sustained excess "
        "load (the pressure of the leaving hazard), in [1, 10]. Assumption, kept conservative "
        "(Monmouthshire 2017 risk register: 'increase absence levels if caseloads are too high').",
    )
    max_rate: float = Field(
        0.117,
        ge=0,
        lt=1,
        description="The most working days an authority can lose in a month, however high the "
        "pressure, in [0, 1). DfE CSWW 2017-2020: the highest council rate was 11.7% (Leicester "
        "2019).",
    )

    @model_validator(mode="after")
    def _base_within_max(self) -> Absence:
        if self.base_rate > self.max_rate:
            _fail(
                "Absence",
                [(("base_rate",), self.base_rate, f"must be at most max_rate ({self.max_rate:g})")],
            )
        return self


# DfE CSWW's age groups (years): 20-29, 30-39, 40-49, 50-59 and 60 and over (the last closed at
# the latest age at which anyone still works).
AGE_GROUP_EDGES = (20.0, 30.0, 40.0, 50.0, 60.0, 67.0)
AgeShares = Annotated[list[Share], Field(min_length=1, max_length=20)]


class AgesAtHire(_Strict):
    """Age at hire by how people join: shares in each of ``Retirement.age_group_edges``' groups
    (uniform within a group); each list sums to 1. Other pipelines (a policy's trainees and
    recruits) take ``newly_qualified`` into ASYE posts and ``experienced`` above; a mover from
    another council of the region keeps their age."""

    initial: AgeShares = Field(
        default_factory=lambda: [0.153, 0.301, 0.263, 0.206, 0.077],
        description="Staff in post at the start. DfE CSWW 2024, England, social workers in post "
        "(FTE) by age: 15.3% 20-29, 30.1% 30-39, 26.3% 40-49, 20.6% 50-59, the remaining 7.7% 60 "
        "and over (Dudley 2018: most aged 40-59, a high cohort aged 60-64).",
    )
    newly_qualified: AgeShares = Field(
        default_factory=lambda: [0.55, 0.30, 0.11, 0.04, 0.0],
        description="Newly qualified hires into ASYE posts (mean about 31). Assumption "
        "(Warwickshire 2022: 'most social workers hired were aged between 25-35').",
    )
    experienced: AgeShares = Field(
        default_factory=lambda: [0.282, 0.319, 0.230, 0.139, 0.030],
        description="Experienced hires. DfE CSWW 2024, England, starters (FTE, every route) by "
        "age: 28.2% 20-29, 31.9% 30-39, 23.0% 40-49, 13.9% 50-59, the remaining 3.0% 60 and over.",
    )
    conversion: AgeShares = Field(
        default_factory=lambda: [0.282, 0.319, 0.230, 0.139, 0.030],
        description="Agency workers who become permanent. Assumption: as experienced starters "
        "(DfE CSWW 2024 starters by age).",
    )

    @field_validator("initial", "newly_qualified", "experienced", "conversion")
    @classmethod
    def _shares(cls, v: list[float]) -> list[float]:
        _sum_to_one(dict(enumerate(v)))
        return v


class Retirement(_Strict):
    """Ages and retirement: an age at hire drawn per pipeline, ages advancing with time, and a
    retirement hazard from ``start_age`` (certain at ``latest_age``) that competes with the
    leaving hazard (see ``sim/model/people.py``). Ages are drawn and reported even when
    retirement is off."""

    enabled: bool = Field(
        True,
        description="Retirement as a reason to leave (false: nobody retires, as before ages "
        "were modelled; ages are still drawn and reported).",
    )
    age_group_edges: list[Annotated[float, Field(ge=14, le=100)]] = Field(
        default_factory=lambda: list(AGE_GROUP_EDGES),
        min_length=2,
        max_length=21,
        description="Edges of the age groups (years) in which ages at hire are given, strictly "
        "increasing, the last at most `latest_age`. DfE CSWW's groups 20-29, 30-39, 40-49, 50-59, "
        "60 and over (closed at 67, the state pension age from 2028).",
    )
    age_at_hire: AgesAtHire = Field(default_factory=AgesAtHire)
    start_age: float = Field(
        60.0,
        ge=14,
        le=100,
        description="Age (years) from which people may retire, below `latest_age`. Assumption "
        "(Dudley 2018: staff aged 60-64 will retire 'in the coming years', so 'succession planning "
        "will be required').",
    )
    hazard_per_year: float = Field(
        0.08,
        ge=0,
        le=12,
        description="Retirement hazard a year from `start_age`, on top of the leaving hazard. "
        "DfE CSWW 2024, England (FTE): leavers aged 60 and over (528, the remainder after the "
        "20-59 groups) were 20% of the 2,646 in post at that age, against 11.8% for ages 50-59 "
        "(836 of 7,086): about 8 points a year of retirement.",
    )
    latest_age: float = Field(
        67.0,
        ge=14,
        le=100,
        description="Age (years) by which everyone still in post retires. State pension age: 66, "
        "rising to 67 between 2026 and 2028 (Pensions Act 2014); assumption that nobody works "
        "beyond it (Dudley 2018: 'an even smaller cohort aged between 65 and 70 plus').",
    )

    @field_validator("age_group_edges")
    @classmethod
    def _edges_increase(cls, v: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError("age group edges must be strictly increasing")
        return v

    @model_validator(mode="after")
    def _ages_consistent(self) -> Retirement:
        problems: list[tuple[tuple[str | int, ...], Any, str]] = []
        groups = len(self.age_group_edges) - 1
        for name in AgesAtHire.model_fields:
            shares = getattr(self.age_at_hire, name)
            if len(shares) != groups:
                problems.append(
                    (
                        ("age_at_hire", name),
                        shares,
                        f"{len(shares)} shares; need one "
                        f"per age group: {groups} (age_group_edges has {groups + 1} edges)",
                    )
                )
        if self.age_group_edges[-1] > self.latest_age:
            problems.append(
                (
                    ("age_group_edges",),
                    self.age_group_edges,
                    "the last edge "
                    f"{self.age_group_edges[-1]:g} is above latest_age "
                    f"{self.latest_age:g}: nobody is hired past retirement",
                )
            )
        if self.start_age >= self.latest_age:
            problems.append(
                (("start_age",), self.start_age, f"must be below latest_age ({self.latest_age:g})")
            )
        _fail("Retirement", problems)
        return self


MONTHS = 12
# Assumption: most social work degrees end in the summer and newly qualified social workers start
# in September and October (the academic year); a few start in each other month.
NQ_MONTH_SHARES = (0.04, 0.04, 0.04, 0.04, 0.04, 0.05, 0.05, 0.05, 0.35, 0.20, 0.05, 0.05)
EXPERIENCED = ("l2", "l3", "l4", "l5")


class Market(_Strict):
    """The labour market of a region: where social workers come from and go to (see
    ``sim/model/market.py`` and docs/background/region.md). ``labour = "outside"`` (the
    default) fills each vacancy from an outside market after the level's ``fill_days_mean``, each
    council on its own; ``"regional"`` makes the councils of a region compete for one pool of
    applicants and one pool of agency workers."""

    labour: Literal["outside", "regional"] = Field(
        "outside",
        description="'outside': vacancies are filled after the level's time to fill "
        "(no competition); 'regional': one pool of applicants and of agency workers for the region.",
    )
    newly_qualified_per_year: float = Field(
        0.0,
        ge=0,
        le=100_000,
        description="Newly qualified social workers entering the region's councils a year "
        "(regional market only). Calibrated; scale: DfE CSWW 2020 counts 598 FTE starters in West "
        "Midlands councils.",
    )
    newly_qualified_month_shares: list[Share] = Field(
        default_factory=lambda: list(NQ_MONTH_SHARES),
        min_length=MONTHS,
        max_length=MONTHS,
        description="Share of the year's newly qualified arriving in each month, January first; "
        "must sum to 1. Assumption: the academic year (55% in September and October).",
    )
    experienced_per_year: dict[
        Literal["l2", "l3", "l4", "l5"], Annotated[float, Field(ge=0, le=100_000)]
    ] = Field(
        default_factory=lambda: {lv: 0.0 for lv in EXPERIENCED},
        description="Experienced applicants a year by level from outside the region's councils "
        "(returners, people moving into the region). Calibrated.",
    )
    applicant_patience_months: float = Field(
        3.0,
        gt=0,
        le=120,
        description="Mean months an applicant waits for a vacancy at their level before looking "
        "elsewhere (leaving the region). Assumption.",
    )
    choice_pay_coef: float = Field(
        1.0,
        ge=0,
        le=20,
        description="Applicants' choice (multinomial logit): log-odds per 10% that a council pays "
        "above the regional mean at the level. Assumption (Warwickshire 2022: a regionally "
        "competitive salary attracted applicants; DfE longitudinal study wave 5: pay is the most "
        "cited reason to consider leaving).",
    )
    choice_caseload_coef: float = Field(
        0.1,
        ge=0,
        le=20,
        description="Applicants' choice: log-odds lost per case that a council's mean caseload is "
        "above the regional mean. Assumption (Monmouthshire 2017: manageable caseloads help "
        "recruitment).",
    )
    movers_in_region: Share = Field(
        0.75,
        description="Share of leavers 'to another local authority' who look for a post in the "
        "region's councils (the rest leave the region). Assumption (FutureSocial 2017: turnover is "
        "'often moving between councils in the region').",
    )
    move_pay_coef: float = Field(
        1.0,
        ge=0,
        le=20,
        description="Leavers' destination: log-odds of moving to another council per 10% that the "
        "region's other councils pay above the leaver's own pay. Assumption.",
    )
    move_pressure_coef: float = Field(
        0.05,
        ge=0,
        le=20,
        description="Leavers' destination: log-odds of going to another council or into agency "
        "work (rather than out) per weighted case of sustained excess load. Assumption.",
    )
    agency_pool_start: int = Field(
        0,
        ge=0,
        le=100_000,
        description="Agency social workers in the region but not on assignment at the start "
        "(regional market only). Assumption.",
    )
    agency_inflow_per_year: float = Field(
        0.0,
        ge=0,
        le=100_000,
        description="Agency social workers a year joining the regional pool from outside it (leavers "
        "into agency work join it too). Calibrated.",
    )
    agency_exit_rate: float = Field(
        1.0,
        ge=0,
        le=52,
        description="Rate a year at which an agency worker without an assignment leaves the region's "
        "pool. Assumption.",
    )
    supplement: bool = Field(
        False,
        description="Market supplements: a council whose vacancy rate stays above "
        "`supplement_vacancy_threshold` raises its pay (the bidding war of the FutureSocial "
        "briefing, 2017: 'each council tries to outdo the other in terms of workforce reward').",
    )
    supplement_vacancy_threshold: Share = Field(
        0.2,
        description="Vacancy rate above which a council raises its market supplement. Assumption.",
    )
    supplement_step_per_year: float = Field(
        0.02,
        ge=0,
        le=1,
        description="How fast a supplement rises while the vacancy rate is above the threshold, and "
        "falls while it is below (share of salary a year). Assumption.",
    )
    supplement_max: float = Field(
        0.1, ge=0, le=1, description="The largest supplement, as a share of salary. Assumption."
    )

    @field_validator("newly_qualified_month_shares")
    @classmethod
    def _shares(cls, v: list[float]) -> list[float]:
        _sum_to_one(dict(enumerate(v)))
        return v


class Employer(_Strict):
    """What makes one council more attractive to applicants than another, apart from pay and
    caseloads (regional market only)."""

    appeal: float = Field(
        0.0,
        ge=-10,
        le=10,
        description="Applicants' choice: log-odds of this council over one of equal pay and caseload "
        "(location, reputation, Ofsted rating). Calibrated per council; 0 by default.",
    )


class Team(_Strict):
    """A team of an authority: the case types it takes from the waiting list (each type belongs to
    one team), the types it keeps when one of its cases steps to them (else the case moves to the
    other type's team: a change of worker), its share of each level's funded posts, its caseload
    limits, and what happens when none of its workers has room."""

    case_types: list[Name] = Field(min_length=1, description="Case types this team allocates.")
    keeps: list[Name] = Field(
        default_factory=list,
        description="Other case types a worker of this team keeps when a case "
        "steps to them (no change of worker).",
    )
    share: Share | None = Field(
        None,
        description="Share of each level's funded posts in this team; the teams' shares sum "
        "to 1. Give every team a share, or none: then posts follow the work, each team asking for "
        "the posts its expected weighted open cases fill (traffic equations and Little's law) plus "
        "spare posts in proportion to the square root of that load (square-root staffing).",
    )
    caseload_limit_factor: float = Field(
        1.0,
        gt=0,
        le=5,
        description="Multiplies each level's caseload limit for this team "
        "(Monmouthshire 2017: lower caseloads in complex and court work).",
    )
    overflow: Literal["wait", "over_limit", "agency"] = Field(
        "wait",
        description="When no worker of the team has room: 'wait' (the case waits), "
        "'over_limit' (it goes to the least-loaded eligible worker above their limit) or 'agency' "
        "(it waits, and while the team's work per worker is above `agency_load` the team hires "
        "agency workers above establishment, letting them go when it falls).",
    )
    agency_load: float = Field(
        20.0,
        ge=1,
        le=100,
        description="Under overflow 'agency': the weighted cases per worker of "
        "the team (held and waiting) above which it hires agency workers above establishment, "
        "enough to bring it back to this. Assumption: the caseload at which pressure starts "
        "(turnover.pressure_threshold). DfE CSWW 2020: 23% of agency workers do not cover a "
        "vacancy (Monmouthshire 2017: five of seven in non-establishment assignments).",
    )
    agency_release_margin: float = Field(
        1.0,
        ge=0,
        le=50,
        description="Under overflow 'agency': agency workers above establishment "
        "are let go, one a month, once the team's work per worker would stay this far below "
        "`agency_load` without them. Assumption.",
    )
    agency_max_share: Share = Field(
        0.2,
        description="Under overflow 'agency': the most agency workers above establishment, "
        "as a share of the team's funded posts. Assumption.",
    )


class Allocation(_Strict):
    allow_over_limit: bool = Field(
        False,
        description="When no eligible worker has room, allocate to the least-loaded eligible "
        "worker above their limit instead of waiting.",
    )


class Costs(_Strict):
    on_cost_rate: float = Field(
        0.30,
        ge=0,
        le=2,
        description="Employer on-costs (NI, pension) as a share of salary. Assumption.",
    )
    recruitment_cost_gbp: float = Field(
        5000.0,
        ge=0,
        le=MAX_FEE_GBP,
        description="Cost of one external hire. Assumption (Warwickshire 2022: £125,000 for 25 "
        "international recruits, £5,000 each).",
    )


LOOKED_AFTER = (
    "lac"  # the care type when ``children.care_type`` is not given and a type has this name
)


class Children(_Strict):
    """Children's outcomes: entries into care and their cost, and the named assumptions by which
    staffing moves them (docs/background/model.md, "Children's outcomes"). With ``effects`` off, whether a child
    enters care depends on its drawn career alone, never on staffing."""

    effects: bool = Field(
        True,
        title="Staffing effects on entries into care",
        description="Switch for the two step-up effects below: false runs the whole analysis "
        "without them (entries into care and their cost are still reported).",
    )
    care_type: Name | None = Field(
        None,
        title="Case type of children in care",
        description="The case type of children looked after (in care). Default: 'lac' if the "
        "scenario has that type, else none (nothing is counted and the effects do nothing).",
    )
    source_types: list[Name] | None = Field(
        None,
        title="Case types that may step up into care",
        description="Case types whose end may step up into care because of staffing. Default: "
        "every other type from which a chain of next steps reaches care (the baseline names child "
        "in need and child protection; FutureSocial 2017: 'the issues that have brought families "
        "to the edge of care').",
    )
    care_step_up_per_unallocated_week: float = Field(
        0.0025,
        ge=0,
        le=0.5,
        title="Extra chance of care per week without a worker",
        json_schema_extra={"unit": "probability a week"},
        description="Extra chance that a child of a source type enters care at the end of an "
        "episode instead of its drawn next step, per week the case has spent without a social "
        "worker (independent chances: 1 - (1 - p)^weeks), in [0, 0.5]. Assumption: no published "
        "estimate (Strolin, McCarthy and Caringi's review of child welfare workforce turnover: "
        "research on its effects on children is scant). The whole staffing effect a run gives (the "
        "children entering care because of staffing) is stated in the report beside the results; "
        "FutureSocial 2017 aimed at 300 fewer children entering care over 3 years across 14 "
        "councils (about 7 a year each).",
    )
    care_step_up_per_change_of_worker: float = Field(
        0.0025,
        ge=0,
        le=0.5,
        title="Extra chance of care per change of social worker",
        json_schema_extra={"unit": "probability a change"},
        description="Extra chance, per change of allocated social worker so far, that a child of a "
        "source type enters care at the end of an episode instead of its drawn next step "
        "(independent chances: 1 - (1 - p)^changes), in [0, 0.5]. Assumption, as for weeks "
        "without a worker (FutureSocial 2017: families 'having to tell their story too many times "
        "to new social workers').",
    )
    care_cost_gbp_per_child_year: float = Field(
        40000.0,
        ge=0,
        le=MAX_CARE_GBP,
        title="Cost of a child in care",
        json_schema_extra={"unit": "GBP a year"},
        description="Cost of one child in care for a year. FutureSocial 2017: 'The average cost "
        "of a child in care is £40,000 per year'.",
    )


class Reporting(_Strict):
    caseload_cap: float = Field(
        21.0,
        ge=1,
        le=100,
        description="Cases per worker above which a worker counts as over the "
        "cap in `share_over_cap`. Dudley 2018: 'no social worker will have caseload over 21'.",
    )
    looked_after_types: list[Name] | None = Field(
        None,
        description="Case types of children looked after, for DfE's share of looked-after "
        "children with three or more social workers in the last 12 months. Default: 'lac' if the "
        "scenario has that type, else none (the share is then undefined).",
    )
    in_need_types: list[Name] | None = Field(
        None,
        description="Case types of children in need (DfE's children in need include those "
        "on child protection plans and looked after), for the same share. Default: every type a "
        "referral does not start in (`demand.initial_type`: the assessment).",
    )
    succession_age: float = Field(
        60.0,
        ge=14,
        le=100,
        description="Age (years) from which permanent staff count in "
        "`staff_near_retirement_share`. Dudley 2018: 'a high cohort of staff who fall in the 60-64 "
        "age group which means that succession planning will be required'.",
    )


class Start(_Strict):
    """Where a run starts: a calendar for yearly series, and whether the warm-up keeps the staff."""

    year: int | None = Field(
        None,
        ge=FIRST_YEAR,
        le=LAST_YEAR,
        description="The year at whose DfE census date (30 September) reporting starts (the "
        "warm-up runs before it); yearly series (`demand.referrals_by_year`, `series`) need it. "
        "None: no calendar.",
    )
    hold_staff: bool = Field(
        False,
        description="The warm-up burns in only the case mix: nobody joins, leaves, is "
        "promoted or changes contract before reporting starts, so reporting starts from the "
        "scenario's staffing (`workforce.initial_fill`, `agency.initial_cover`), e.g. a "
        "council's observed state at a census date.",
    )


class ObservedValue(_Strict):
    """One published figure of an authority and the range a calibrated model should land in."""

    value: float = Field(ge=0, le=1000, description="The published figure (a share for a rate).")
    low: float = Field(
        ge=0, le=1000, description="Low end of the range the model should reproduce."
    )
    high: float = Field(ge=0, le=1000, description="High end of that range.")

    @model_validator(mode="after")
    def _ordered(self) -> ObservedValue:
        if not self.low <= self.value <= self.high or self.low == self.high:
            raise ValueError(
                f"need low <= value <= high with low < high, got {self.low:g}, "
                f"{self.value:g}, {self.high:g}"
            )
        return self


class Observed(_Strict):
    """What a source published of the authority in its start year (DfE CSWW, for a scenario
    written from DfE data): data the model ignores, shown by the report beside the simulated first
    reporting year, so a reader sees whether to believe the baseline. A measure not given is
    "not published"."""

    year: int | None = Field(
        None,
        ge=FIRST_YEAR,
        le=LAST_YEAR,
        description="The year the figures describe (the census year).",
    )
    source: str = Field("", max_length=500, description="Where the figures come from.")
    note: str = Field("", max_length=500, description="How the ranges were set.")
    turnover_rate: ObservedValue | None = Field(
        None, description="Leavers over staff in post (share a year), as `turnover_rate`."
    )
    vacancy_rate: ObservedValue | None = Field(
        None, description="Vacancies over vacancies and staff in post (share), as `vacancy_rate`."
    )
    agency_share: ObservedValue | None = Field(
        None, description="Agency workers over agency and staff in post (share), as `agency_share`."
    )
    mean_caseload: ObservedValue | None = Field(
        None, description="Cases per case holder (cases), as `mean_caseload`."
    )


class Series(_Strict):
    """A named yearly external series (e.g. a labour-market index) scaling one of the model's
    rates in each DfE reporting year (1 April to 31 March, keyed by the year it ends)."""

    affects: Literal["leaving_hazard", "applicants"] = Field(
        description="'leaving_hazard': multiplies every permanent worker's leaving hazard; "
        "'applicants': multiplies the region's newly qualified and experienced applicants."
    )
    by_year: dict[YearKey, Annotated[float, Field(gt=0, le=100)]] = Field(
        min_length=1,
        max_length=200,
        description="The multiplier in each year (1 = no change); the nearest year's value holds "
        "outside the series.",
    )
    source: str = Field("", max_length=500, description="Where the series comes from.")


MAX_REPS = 10_000
MAX_YEARS = 100
MAX_WARMUP_YEARS = 50
SEED = 20261125  # the root seed a scenario runs with unless it names another


class RunSettings(_Strict):
    years: float = Field(
        10.0,
        ge=1 / 12,
        le=MAX_YEARS,
        description="Simulated years reported after warm-up (at least one month).",
    )
    warmup_years: float = Field(
        3.0, ge=0, le=MAX_WARMUP_YEARS, description="Years simulated before reporting starts."
    )
    reps: int = Field(20, ge=1, le=MAX_REPS, description="Replications.")
    seed: int = Field(SEED, ge=0, le=2**63 - 1, description="Root seed of the SeedSequence.")


def _policies() -> dict[str, Any]:
    from sim.policy import registry  # the registry only: the core imports no specific policy

    return registry()


class PolicySpec(BaseModel):
    """A policy named in a scenario: ``[[policy]]`` with ``name``, ``start_month`` and its
    parameters (checked against the installed policy's ``Params`` by ``Scenario``)."""

    model_config = STRICT | ConfigDict(extra="allow")  # the parameters: checked by Scenario
    name: str = Field(
        min_length=1, max_length=100, description="An installed policy (see `swsim policies`)."
    )
    start_month: int = Field(
        0, ge=0, le=1200, description="Months after warm-up at which the policy starts."
    )
    authorities: list[Name] = Field(
        default_factory=list,
        max_length=1000,
        description="The councils of a region that adopt the policy; empty: all of them.",
    )

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """Write out a known policy's default parameters, so a resolved scenario lists them all."""
        policy = (
            _policies().get(data.get("name"))
            if isinstance(data, dict) and isinstance(data.get("name"), str)
            else None
        )
        if policy is None:
            return data
        return {
            **{
                k: f.get_default(call_default_factory=True)
                for k, f in policy.Params.model_fields.items()
            },
            **data,
        }

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _policy_problems(index: int, spec: PolicySpec) -> list[tuple[tuple[str | int, ...], Any, str]]:
    """The problems of one policy: an unknown name, or each bad parameter."""
    known = _policies()
    if spec.name not in known:
        near = difflib.get_close_matches(spec.name, known, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        return [
            (
                ("policy", index, "name"),
                spec.name,
                f"unknown policy; {hint}known policies: {', '.join(known)}",
            )
        ]
    try:
        known[spec.name].Params.model_validate(spec.params)
    except ValidationError as err:
        return [
            ((f"policy[{index}] ({spec.name})", *e["loc"]), e.get("input"), _message(e))
            for e in err.errors()
        ]
    return []


def _team_problems(
    teams: dict[str, Team], types: set[str]
) -> list[tuple[tuple[str | int, ...], Any, str]]:
    """Each case type in exactly one team; kept types known; shares summing to 1."""
    if not teams:
        return []
    problems: list[tuple[tuple[str | int, ...], Any, str]] = []
    owner: dict[str, str] = {}
    for name, team in teams.items():
        for field in ("case_types", "keeps"):
            problems += [
                (
                    ("teams", name, field, i),
                    t,
                    f"unknown case type {t!r}; case_types has {sorted(types)}",
                )
                for i, t in enumerate(getattr(team, field))
                if t not in types
            ]
        for t in team.case_types:
            if t in owner:
                problems.append(
                    (
                        ("teams", name, "case_types"),
                        t,
                        f"case type {t!r} is already "
                        f"allocated by team {owner[t]!r}; each type belongs to one team",
                    )
                )
            owner.setdefault(t, name)
    missing = sorted(types - set(owner))
    if missing:
        problems.append((("teams",), {}, f"no team allocates case type(s) {', '.join(missing)}"))
    given = [team.share for team in teams.values() if team.share is not None]
    if given and len(given) < len(teams):
        problems.append(
            (("teams",), {}, "give every team a share, or none (posts then follow the work)")
        )
    elif given and abs(sum(given) - 1.0) > _SUM_TOL:
        problems.append(
            (("teams",), {}, f"the teams' shares sum to {sum(given):g}; they must sum to 1")
        )
    return problems


def _never_close(case_types: dict[str, CaseType]) -> list[str]:
    """Case types from which no chain of ``next`` steps (of positive probability) reaches 'close':
    their expected number of episodes is infinite (I - Q, Q the type-to-type probabilities, is
    singular), so a case that enters them never closes."""
    closing = {CLOSE}
    while more := {
        t
        for t, ct in case_types.items()
        if t not in closing and any(p > 0 and k in closing for k, p in ct.next.items())
    }:
        closing |= more
    return sorted(set(case_types) - closing)


def expected_episodes(case_types: dict[str, CaseType]) -> dict[str, float]:
    """Expected episodes of a case that starts in each type before it closes: the row sums of the
    fundamental matrix N = (I - Q)^-1 of the absorbing chain (Q the type-to-type probabilities);
    infinite where N does not exist."""
    names = list(case_types)
    q = np.zeros((len(names), len(names)))
    for i, name in enumerate(names):
        for k, p in case_types[name].next.items():
            if k in case_types:
                q[i, names.index(k)] += p
    try:
        with np.errstate(all="ignore"):
            episodes = np.linalg.solve(np.eye(len(names)) - q, np.ones(len(names)))
    except np.linalg.LinAlgError:
        episodes = np.full(len(names), np.inf)
    return {
        n: float(e) if np.isfinite(e) and e >= 1 else float("inf") for n, e in zip(names, episodes)
    }


def _episode_problems(
    case_types: dict[str, CaseType],
) -> list[tuple[tuple[str | int, ...], Any, str]]:
    """The case type whose cases expect the most episodes, if more than ``MAX_EPISODES``."""
    episodes = expected_episodes(case_types)
    worst = max(episodes, key=lambda t: episodes[t])
    if episodes[worst] <= MAX_EPISODES:
        return []
    return [
        (
            ("case_types", worst, "next"),
            {},
            f"a case of type {worst!r} goes through "
            f"{episodes[worst]:,.0f} episodes on average before it closes (the fundamental matrix of "
            f"the case-type chain); at most {MAX_EPISODES} are allowed (a career is cut at "
            f"{MAX_EPISODES}): give '{CLOSE}' more probability",
        )
    ]


def _holder_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], Any, str]]:
    """Case types that a case can reach but no worker could ever hold: no level from the type's
    ``min_level`` up has posts (nor practises agency work or a policy's hires there), or its weight
    is above every caseload limit of those levels (less the base sickness absence) while nothing
    allocates over the limit. Skipped where a policy may raise capacity."""
    levels = scenario.workforce.levels
    staffed = {LEVELS.index(n) for n in LEVELS if getattr(levels, n).establishment > 0}
    hired = {LEVELS.index(scenario.agency.level)} | {
        LEVELS.index(v)
        for spec in scenario.policy
        for k, v in spec.params.items()
        if k.endswith("level") and v in LEVELS
    }
    raises_capacity = any("capacity" in k for spec in scenario.policy for k in spec.params)
    absence = scenario.absence.base_rate if scenario.absence.enabled else 0.0
    owner = {t: team for _, team in scenario.team_list() for t in team.case_types}
    reached = {t for t, p in scenario.demand.initial_type.items() if p > 0}
    for t in list(reached):
        reached |= _reachable(scenario.case_types, t)
    problems: list[tuple[tuple[str | int, ...], Any, str]] = []
    for name in (t for t in scenario.case_types if t in reached):
        ct, team = scenario.case_types[name], owner[name]
        lowest = LEVELS.index(ct.min_level)
        holders = sorted(i for i in staffed | hired if i >= lowest)
        if not holders:
            problems.append(
                (
                    ("case_types", name, "min_level"),
                    ct.min_level,
                    "no level from "
                    f"{ct.min_level} up has funded posts (workforce.levels.*.establishment) and "
                    f"agency workers practise at {scenario.agency.level} (agency.level): no one "
                    "may hold this case type; give such a level posts, or lower min_level",
                )
            )
            continue
        if raises_capacity or scenario.allocation.allow_over_limit or team.overflow == "over_limit":
            continue
        most = max(getattr(levels, LEVELS[i]).caseload_limit for i in holders)
        room = most * team.caseload_limit_factor * (1.0 - absence)
        if ct.weight > room + 1e-9:
            problems.append(
                (
                    ("case_types", name, "weight"),
                    ct.weight,
                    "above every caseload "
                    f"limit of the levels that may hold it (at most {room:g}: caseload_limit "
                    f"{most:g} x the team's caseload_limit_factor {team.caseload_limit_factor:g}"
                    f", less {absence:.1%} sickness absence): no worker could ever take such a "
                    "case; lower the weight, raise a limit, or allow allocation over the limit",
                )
            )
    return problems


def _size_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], Any, str]]:
    """Funded posts and cases open at once above ``MAX_POSTS`` and ``MAX_OPEN_CASES`` (summed over
    a region's councils; posts at the peak of ``establishment_by_year``)."""
    members = [m for _, m in scenario.members()]
    where = " (summed over the councils)" if scenario.is_region else ""
    posts = sum(m.peak_posts() for m in members)
    problems: list[tuple[tuple[str | int, ...], Any, str]] = []
    if posts > MAX_POSTS:
        problems.append(
            (
                ("workforce", "levels"),
                {},
                f"{posts:,.0f} funded posts at the peak{where}; "
                f"at most {MAX_POSTS:,} ({ENGLAND_POSTS})",
            )
        )
    cases = [m.expected_open_cases() for m in members]
    total = sum(sum(c.values()) for c in cases)
    if total > MAX_OPEN_CASES:
        by_type: dict[str, float] = {}
        for c in cases:
            for t, v in c.items():
                by_type[t] = by_type.get(t, 0.0) + v
        most = max(by_type, key=lambda t: by_type[t])
        field = "referrals_by_year" if scenario.demand.referrals_by_year else "referrals_per_year"
        problems.append(
            (
                ("demand", field),
                {},
                f"with these case types about {total:,.0f} cases "
                f"would be open at once{where} (most of type {most!r}, "
                f"case_types.{most}.mean_days = {scenario.case_types[most].mean_days:g}); at "
                f"most {MAX_OPEN_CASES:,} ({ENGLAND_CASES})",
            )
        )
    return problems


def _reachable(case_types: dict[str, CaseType], start: str) -> set[str]:
    """The case types a case of type ``start`` may reach by next steps of positive probability."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for k, p in case_types[todo.pop()].next.items():
            if p > 0 and k in case_types and k not in seen:
                seen.add(k)
                todo.append(k)
    return seen


class Scenario(_Strict):
    name: Name = "unnamed"
    description: str = ""
    demand: Demand = Field(default_factory=Demand)
    case_types: dict[Name, CaseType] = Field(min_length=1)
    workforce: Workforce
    turnover: Turnover = Field(default_factory=Turnover)
    agency: Agency = Field(default_factory=Agency)
    absence: Absence = Field(default_factory=Absence)
    retirement: Retirement = Field(default_factory=Retirement)
    allocation: Allocation = Field(default_factory=Allocation)
    costs: Costs = Field(default_factory=Costs)
    children: Children = Field(default_factory=Children)
    reporting: Reporting = Field(default_factory=Reporting)
    run: RunSettings = Field(default_factory=RunSettings)
    start: Start = Field(default_factory=Start)
    series: dict[Name, Series] = Field(
        default_factory=dict,
        max_length=50,
        description="Named yearly external series (a labour-market index, a pay award, ...); "
        "need `start.year`.",
    )
    policy: list[PolicySpec] = Field(
        default_factory=list,
        max_length=MAX_POLICIES,
        description=f"Policies, in order (at most {MAX_POLICIES}).",
    )
    teams: dict[Name, Team] = Field(
        default_factory=dict,
        max_length=50,
        description="The authority's teams; none: one team holding every case type.",
    )
    employer: Employer = Field(default_factory=Employer)
    market: Market = Field(default_factory=Market)
    observed: Observed | None = Field(
        None,
        description="Published figures of the authority for its start year, which the report "
        "shows beside the simulated first year (data only: the model ignores them).",
    )
    authority: dict[Name, dict[str, Any]] = Field(
        default_factory=dict,
        max_length=MAX_AUTHORITIES,
        description="The councils of a region, by name: each a table of the sections in which it "
        "differs from the scenario's own (which every council shares). None: a region of one.",
    )
    _members: list[tuple[str, Scenario]] = PrivateAttr(default_factory=list)

    def _resolve_councils(self) -> None:
        """Resolve each council into a scenario of its own (the shared sections with its
        differences merged in, and the policies it adopts); report each problem under
        ``authority.<name>``."""
        problems: list[tuple[tuple[str | int, ...], Any, str]] = []
        names = set(self.authority)
        for i, spec in enumerate(self.policy):
            problems += [
                (
                    ("policy", i, "authorities"),
                    n,
                    f"unknown council {n!r}; "
                    f"{_did_you_mean(n, list(self.authority))}the region has "
                    f"{', '.join(self.authority) or 'no councils'}",
                )
                for n in spec.authorities
                if n not in names
            ]
        members = []
        shared = self.model_dump(mode="python", exclude={"authority"})
        for name, over in self.authority.items():
            if name == REGION_NAME or "." in name:
                problems.append(
                    (
                        ("authority", name),
                        {},
                        f"a council may not be called "
                        f"'{REGION_NAME}' (the region's own rows) or have a '.' in its name "
                        "(dotted paths such as authority.<name>.turnover.hazard_scale)",
                    )
                )
                continue
            bad = [k for k in over if k not in COUNCIL_SECTIONS]
            problems += [
                (
                    ("authority", name, k),
                    {},
                    "not a council's section (region-wide or "
                    f"unknown); a council may set {', '.join(COUNCIL_SECTIONS)}",
                )
                for k in bad
            ]
            if bad:
                continue
            data = _deep_merge(shared, over)
            data["name"] = name
            data["policy"] = [
                {**p, "authorities": []}
                for p in shared["policy"]
                if not p["authorities"] or name in p["authorities"]
            ]
            try:
                members.append((name, Scenario.model_validate(data)))
            except ValidationError as err:
                problems += [
                    (("authority", name, *e["loc"]), e.get("input"), _message(e))
                    for e in err.errors()
                ]
        _fail("Scenario", problems)
        self._members = members

    @property
    def is_region(self) -> bool:
        """Whether the scenario names its councils (else it is a region of one)."""
        return bool(self.authority)

    def members(self) -> list[tuple[str, Scenario]]:
        """The councils as (name, resolved scenario); a region of one is itself."""
        return list(self._members) if self.authority else [(self.name, self)]

    @model_validator(mode="after")
    def _children_types(self) -> Scenario:
        """The care type and the source types of ``children`` are case types; a source is not the
        care type. (Checked before the councils, so a bad name is reported once.)"""
        names = sorted(self.case_types)
        given = self.children
        problems: list[tuple[tuple[str | int, ...], Any, str]] = []
        if given.care_type is not None and given.care_type not in self.case_types:
            problems.append(
                (
                    ("children", "care_type"),
                    given.care_type,
                    f"unknown case type "
                    f"{given.care_type!r}; {_did_you_mean(given.care_type, names)}"
                    f"case_types has {names}",
                )
            )
        for i, t in enumerate(given.source_types or ()):
            if t not in self.case_types:
                problems.append(
                    (
                        ("children", "source_types", i),
                        t,
                        f"unknown case type {t!r}; {_did_you_mean(t, names)}case_types has {names}",
                    )
                )
            elif t == self.care_type():
                problems.append(
                    (
                        ("children", "source_types", i),
                        t,
                        "the care type cannot step up into care; list the types that may",
                    )
                )
        if given.source_types and self.care_type() is None:
            problems.append(
                (
                    ("children", "care_type"),
                    {},
                    f"no care type: the scenario has no "
                    f"'{LOOKED_AFTER}' case type, so name the type of children in care",
                )
            )
        _fail("Scenario", problems)
        return self

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        """Case types named in shares exist and every one can close; policies are installed and
        their parameters valid. One problem each."""
        names = set(self.case_types)
        problems = (
            [(("case_types", CLOSE), None, f"'{CLOSE}' is reserved and cannot name a case type")]
            if CLOSE in names
            else []
        )
        problems += [
            (
                ("demand", "initial_type", k),
                v,
                f"unknown case type {k!r}; case_types has {sorted(names)}",
            )
            for k, v in self.demand.initial_type.items()
            if k not in names
        ]
        for tname, ct in self.case_types.items():
            problems += [
                (
                    ("case_types", tname, "next", k),
                    v,
                    f"unknown case type {k!r}; allowed: "
                    f"'{CLOSE}' or one of case_types, {sorted(names)}",
                )
                for k, v in ct.next.items()
                if k != CLOSE and k not in names
            ]
        if not problems and (trapped := _never_close(self.case_types)):
            problems.append(
                (
                    ("case_types",),
                    {},
                    f"case types {', '.join(trapped)} form a loop with "
                    f"no way to '{CLOSE}': give one of them a '{CLOSE}' probability",
                )
            )
        elif not problems:
            problems += _episode_problems(self.case_types)
        for i, spec in enumerate(self.policy):
            problems += _policy_problems(i, spec)
        problems += _team_problems(self.teams, names)
        if self.start.year is None:
            problems += (
                [
                    (
                        ("demand", "referrals_by_year"),
                        {},
                        "a yearly series needs a calendar: "
                        "set start.year (the census year at which reporting starts)",
                    )
                ]
                if self.demand.referrals_by_year
                else []
            )
            problems += [
                (
                    ("series", name),
                    {},
                    "a yearly series needs a calendar: set start.year "
                    "(the census year at which reporting starts)",
                )
                for name in self.series
            ]
            problems += (
                [
                    (
                        ("workforce", "establishment_by_year"),
                        {},
                        "a yearly series needs a "
                        "calendar: set start.year (the census year at which reporting starts)",
                    )
                ]
                if self.workforce.establishment_by_year
                else []
            )
        for field in ("looked_after_types", "in_need_types"):
            problems += [
                (
                    ("reporting", field),
                    t,
                    f"unknown case type {t!r}; case_types has {sorted(names)}",
                )
                for t in getattr(self.reporting, field) or ()
                if t not in names
            ]
        _fail("Scenario", problems)
        if not self.authority:
            _fail("Scenario", _holder_problems(self))
        self._resolve_councils()
        _fail("Scenario", _size_problems(self))
        return self

    # -- derived, read-only views used by the model ---------------------------------------
    def posts_growth(self) -> float:
        """The most funded posts may grow to, as a multiple of the start's (one council): the peak
        of ``workforce.establishment_by_year``, or the rule's ceiling
        (``workforce.review.max_growth``) where posts follow demand, else 1."""
        wf = self.workforce
        if wf.establishment_by_year:
            return max([1.0, *wf.establishment_by_year.values()])
        return wf.review.max_growth if wf.establishment == "follows_demand" else 1.0

    def peak_posts(self) -> float:
        """Funded posts at their peak (one council)."""
        return sum(lv.establishment for lv in self.workforce.levels.ordered()) * self.posts_growth()

    def expected_open_cases(self) -> dict[str, float]:
        """Cases of each type expected open at once (one council) at the highest referral rate
        given: visits per case (the fundamental matrix) x cases a day x mean days."""
        d = self.demand
        per_day = max([d.referrals_per_year, *d.referrals_by_year.values()]) * d.case_share / 365.0
        names = self.type_names
        q = np.zeros((len(names), len(names)))
        for i, name in enumerate(names):
            for k, p in self.case_types[name].next.items():
                if k in self.case_types:
                    q[i, names.index(k)] += p
        start = np.array([d.initial_type.get(n, 0.0) for n in names])
        with np.errstate(all="ignore"):
            visits = np.linalg.solve(np.eye(len(names)) - q.T, start)
        return {n: float(v) * per_day * self.case_types[n].mean_days for n, v in zip(names, visits)}

    @property
    def type_names(self) -> list[str]:
        return list(self.case_types)

    def looked_after_types(self) -> list[str]:
        """The case types of children looked after (``reporting.looked_after_types``)."""
        given = self.reporting.looked_after_types
        return list(given) if given is not None else [t for t in ("lac",) if t in self.case_types]

    def in_need_types(self) -> list[str]:
        """The case types of children in need (``reporting.in_need_types``)."""
        given = self.reporting.in_need_types
        return (
            list(given)
            if given is not None
            else [t for t in self.case_types if not self.demand.initial_type.get(t, 0.0) > 0]
        )

    def team_list(self) -> list[tuple[str, Team]]:
        """The teams in order; without teams, one team ('all') holding every case type."""
        if self.teams:
            return list(self.teams.items())
        return [("all", Team(case_types=self.type_names, share=1.0))]

    def care_type(self) -> str | None:
        """The case type of children in care (``children.care_type``, else 'lac' if present)."""
        given = self.children.care_type
        return (
            given
            if given is not None
            else (LOOKED_AFTER if LOOKED_AFTER in self.case_types else None)
        )

    def care_sources(self) -> list[str]:
        """The case types that may step up into care (``children.source_types``, else every other
        type from which care can be reached)."""
        care = self.care_type()
        if self.children.source_types is not None:
            return list(self.children.source_types)
        if care is None:
            return []
        return [t for t in self.case_types if t != care and care in _reachable(self.case_types, t)]

    def with_policy(self, name: str, start_month: int = 0, **params: Any) -> Scenario:
        """A new scenario with one more policy (named ``<name>+<policy>``)."""
        data = self.model_dump(mode="python")
        data["policy"] = data["policy"] + [{"name": name, "start_month": start_month, **params}]
        data["name"] = f"{self.name}+{name}"
        return parse_scenario(data)

    def get_value(self, path: str) -> Any:
        """The value at a dotted path, e.g. ``workforce.levels.l3.leave_rate``."""
        node: Any = self
        for key in path.split("."):
            node = node[key] if isinstance(node, dict) else getattr(node, key)
        return node

    def with_values(self, values: dict[str, Any]) -> Scenario:
        """A new validated scenario with the values at dotted paths replaced. Values may come from
        code (numpy scalars, floats for integer fields): see ``programmatic_value``."""
        nested: dict[str, Any] = {}
        for path, value in values.items():
            if path.startswith("authority.") and path.split(".")[1] not in self.authority:
                raise ScenarioError(
                    [
                        f"{path}: unknown council {path.split('.')[1]!r}; the region has "
                        f"{', '.join(self.authority) or 'no councils'}"
                    ]
                )
            shadowed = [name for name, over in self.authority.items() if _has_path(over, path)]
            if shadowed and not path.startswith("authority."):
                raise ScenarioError(
                    [
                        f"{path}: set per council in {', '.join(shadowed)}, so a value "
                        f"for the whole region would not reach them; set "
                        f"authority.<council>.{path} instead"
                    ]
                )
            node = nested
            *head, last = keys = path.split(".")
            for key in head:
                node = node.setdefault(key, {})
            node[last] = programmatic_value(path, value, field_type(Scenario, keys))
        return self.with_overrides(**nested)

    def with_overrides(self, **sections: Any) -> Scenario:
        """A new validated scenario with some fields replaced (nested dicts merge)."""
        return parse_scenario(_deep_merge(self.model_dump(mode="python"), sections))


def _did_you_mean(name: str, known: list[str]) -> str:
    near = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {near[0]!r}? " if near else ""


def _has_path(data: Any, path: str) -> bool:
    """Whether nested tables ``data`` hold a value at the dotted ``path``."""
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


def field_type(model: Any, keys: list[str]) -> Any:
    """The type of the field at ``keys`` below a pydantic model class (None if there is none)."""
    for key in keys:
        if get_origin(model) is dict:
            model = get_args(model)[1]
        elif isinstance(model, type) and issubclass(model, BaseModel) and key in model.model_fields:
            model = model.model_fields[key].annotation
        else:
            return None
    return model


def programmatic_value(path: str, value: Any, annotation: Any) -> Any:
    """A value set from code (a sweep point, a calibration, a parameter draw) made fit for the
    strict schema: a numpy scalar becomes a Python number, and a whole float becomes an int where
    the field is an int (a fractional one is an error naming the field)."""
    if isinstance(value, np.generic):
        value = value.item()
    if annotation is int and isinstance(value, float):
        if not value.is_integer():
            raise ScenarioError(
                [f"{path} = {value!r}: Input should be a whole number (the field is an integer)"]
            )
        value = int(value)
    return value


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``: tables merge key by key; anything else (lists too) replaces. A
    ``teams`` table naming a team ``base`` lacks is a new team structure: it replaces the base's
    teams (one naming only existing teams changes them)."""
    out = dict(base)
    for key, value in extra.items():
        if (
            key == "teams"
            and isinstance(value, dict)
            and isinstance(out.get(key), dict)
            and not set(value) <= set(out[key])
        ):
            out[key] = value
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _message(e: dict[str, Any]) -> str:
    return (
        "unknown key (not a field of this section)" if e["type"] == "extra_forbidden" else e["msg"]
    )


def _path(loc: tuple[str | int, ...]) -> str:
    """A field location as written in a scenario: ``turnover.tenure_hazard_ratios[1]``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).removeprefix(".")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def format_validation_error(err: ValidationError) -> list[str]:
    """One line per problem: the field path, the bad value and what is allowed."""
    lines = []
    for e in err.errors():
        value = e.get("input")
        shown = (
            ""
            if isinstance(value, dict) or e["type"] in ("missing", "too_long")
            else f" = {_shown(value)}"
        )
        lines.append(f"{_path(e['loc']) or '(scenario)'}{shown}: {_message(e)}")
    return lines


def parse_scenario(data: dict[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(format_validation_error(err)) from None


def read_text_file(path: str | Path, limit: int) -> str:
    """The text of a UTF-8 file of at most ``limit`` bytes. Anything else is refused with a
    ScenarioError naming the path: a missing file, a directory, a FIFO or device (checked before
    opening: reading one would block or never end), a larger file, one we may not read, binary
    content (NUL bytes, as in UTF-16) or bytes that are not UTF-8."""

    def refuse(why: str) -> ScenarioError:
        return ScenarioError([f"{path}: {why}"])

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("is not a regular file")
        if info.st_size > limit:
            raise refuse(f"is too large ({info.st_size:,} bytes; at most {limit:,})")
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except PermissionError:
        raise refuse("permission denied: cannot read the file") from None
    except OSError as err:
        raise refuse(f"cannot read the file: {err.strerror or err}") from None
    if len(data) > limit:
        raise refuse(f"is too large (more than {limit:,} bytes)")
    if b"\0" in data:
        raise refuse("binary content (NUL bytes; UTF-16?): need UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise refuse(
            f"not UTF-8 text (byte {err.start} is {data[err.start : err.start + 1]!r}); "
            "save the file as UTF-8"
        ) from None


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_text_file(path, MAX_FILE_BYTES)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError([f"{path}: malformed TOML: {err}"]) from None
    except RecursionError:
        raise ScenarioError([f"{path}: malformed TOML: nested too deeply"]) from None


def _resolve(source: str | Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A scenario file's data with its ``extends`` chain merged in; ``chain``: the files that
    extend it, innermost last (a path in ``source`` is relative to the last one's folder)."""
    path = Path(source) if not chain else chain[-1].parent / source
    if not path.suffix and not path.exists() and str(source) in builtin_names():
        path = builtin_path(str(source))
    where = f"{chain[-1]}: extends = {str(source)!r}: " if chain else ""
    if not path.exists():
        raise ScenarioError(
            [
                f"{where}{path}: no such scenario file or built-in scenario "
                f"(built-ins: {', '.join(builtin_names())})"
            ]
        )
    if path.resolve() in {p.resolve() for p in chain}:
        raise ScenarioError([f"{where}a cycle: {' -> '.join(map(str, (*chain, path)))}"])
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [f"{where}too deep: a scenario may extend at most {MAX_EXTENDS_DEPTH} files in a chain"]
        )
    data = _read_toml(path)
    base = data.pop("extends", None)
    data.setdefault("name", path.stem)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(
            [
                f"{path}: extends = {_shown(base)}: must be a built-in scenario name "
                "or a path to a scenario file"
            ]
        )
    return _deep_merge(_resolve(base, (*chain, path)), data)


def load_scenario(source: str | Path) -> Scenario:
    """Load a built-in scenario by name or a TOML file by path (resolving ``extends``); a file
    without a ``name`` is named after the file."""
    return parse_scenario(_resolve(source))


def builtin_dir() -> Path:
    return Path(__file__).parent / "scenarios"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.toml"))


def builtin_path(name: str) -> Path:
    return builtin_dir() / f"{name}.toml"


def scenario_to_toml(scenario: Scenario) -> str:
    """The fully resolved scenario as TOML (every default written out; no ``extends``)."""
    data = scenario.model_dump(mode="python", exclude_none=True)
    return tomli_w.dumps(data)
