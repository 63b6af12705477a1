"""Scenario inputs from DfE statistics, for any council by name (files in ``calibration/data``).

Inputs, not targets: the referral volume, the share of referrals that become cases, the number of
case-holding posts, the share of posts filled at the start, and the child-protection and
looked-after durations come from the data; turnover, vacancy and agency rates are what the model
must reproduce.

Demand is then matched to the council's open cases (``fit_demand``): the child-in-need duration,
the one duration that is an assumption rather than a DfE figure, is chosen so that the expected
open cases (traffic equations and Little's law, ``sim.model.demand.expected_open_cases``) equal
the cases DfE counts held by the council's case holders that year; where that duration's bounds
bind, the assessment's step-up to child in need is scaled too; where even both cannot reach the
count, the closest is kept and a ``DemandNotMatched`` warning names the council.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from sim.model.demand import CaseTypeTable, expected_open_cases
from sim.scenario import CLOSE, LEVELS, Scenario, ScenarioError

DATA = Path(__file__).parent / "data"
# DfE's symbols in place of a value (its guidance on symbols in statistics files; meanings in
# calibration/data/README.md). A value withheld or absent is read as missing; `low`, a positive
# value that rounds to zero at the published precision, is read as 0 (the value rounded, as every
# published value is). Symbols are read in any case, with or without square brackets ("[c]").
MISSING_SYMBOLS = {
    "c": "confidential: withheld to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability: withheld as unreliable",
    ":": "not available (older releases)",
    "..": "not available (older releases)",
    ".": "not applicable (older releases)",
    "k": "withheld (older releases)",
    "*": "withheld (older releases)",
}
ROUNDS_TO_ZERO = {
    "low": "a positive value that rounds to zero",
    "~": "a positive value that rounds to zero (older releases)",
}
SUPPRESSED = list(MISSING_SYMBOLS)
DAYS_3_MONTHS = 365.0 / 4

# Matching demand to a council's open cases (``fit_demand``).
FITTED_TYPE = "cin"  # the type whose duration is fitted: child in need (baseline: an assumption)
STEP_FROM = (
    "assessment"  # the type whose step-up to FITTED_TYPE is scaled when the duration cannot match
)
# Assumption: a mean child-in-need episode of between a month and under three years (the baseline
# assumes 180 days; DfE counts children-in-need episodes open from days to years).
CIN_DAYS_BOUNDS = (30.0, 1000.0)
# Assumption: an assessment steps up to child in need with between half and one and a half times
# the base scenario's probability (baseline 0.42; the difference goes to 'close').
STEP_UP_BOUNDS = (0.5, 1.5)
MATCH_RTOL = 1e-3  # expected open cases within 0.1% of DfE's count count as matched


def over_limit_teams(base: Scenario) -> dict[str, dict[str, str]]:
    """The base's teams that leave a child waiting when every worker is at the limit, set to
    allocate over it instead (``teams.<team>.overflow = "over_limit"``; a team with another
    overflow keeps it). With demand matched to DfE's open cases and posts to DfE's case holders,
    the scenario's caseloads are the ones DfE counts held, some above the base's limits
    (Shropshire 2020: 21.2 cases per case holder); a council allocates over the limit rather than
    leave a child waiting for a worker (Monmouthshire 2017: "each worker would have to be
    allocated an additional 5 cases"). Waiting instead piles the cases up: Shropshire 2020 from
    DfE with the baseline's teams had 2,200 cases waiting a mean 470 days for a worker."""
    return {
        name: {"overflow": "over_limit"}
        for name, team in base.teams.items()
        if team.overflow == "wait"
    }


class DemandNotMatched(UserWarning):
    """A council's expected open cases cannot reach its DfE count within the fitted bounds."""


def dfe_values(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from a column of a DfE file read as text: DfE's symbols read as their meaning (a
    missing value, or 0 for `low`), blanks missing; and a mask of the values that are neither a
    number nor a symbol (malformed)."""
    raw = text.fillna("").astype(str).str.strip()
    symbol = raw.str.lower().str.removeprefix("[").str.removesuffix("]")
    missing = symbol.isin(list(MISSING_SYMBOLS)) | (raw == "")
    zero = symbol.isin(list(ROUNDS_TO_ZERO))
    value = pd.to_numeric(raw.where(~missing & ~zero), errors="coerce").mask(zero, 0.0)
    return value, value.isna() & ~missing


def read_dfe(path: Path) -> pd.DataFrame:
    """A DfE CSV file with DfE's symbols read as their meaning (``dfe_values``) in every column
    whose other values are all numbers."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in frame.columns:
        value, malformed = dfe_values(frame[column])
        if not malformed.any() and value.notna().any():
            frame[column] = value
        else:
            frame[column] = frame[column].replace("", None)
    return frame


def _read(name: str) -> pd.DataFrame:
    return read_dfe(DATA / name)


def _row(frame: pd.DataFrame, council: str, year: int, what: str) -> pd.Series:
    la = frame[frame["geographic_level"] == "Local authority"]
    rows = la[
        (la["la_name"].str.lower() == council.lower())
        | (la["la_name"].map(short_council_name).str.lower() == council.lower())
    ]
    if rows.empty:
        names = sorted(la["la_name"].dropna().unique())
        close = [n for n in names if council.lower()[:4] in n.lower()][:5]
        raise ScenarioError(
            [
                f"council {council!r}: not in the DfE {what} file"
                + (f"; did you mean {', '.join(close)}?" if close else "")
            ]
        )
    at = rows[rows["time_period"] == year]
    if at.empty:
        years = sorted(int(y) for y in rows["time_period"].unique())  # 2017, not np.int64(2017)
        raise ScenarioError(
            [f"year {year}: no DfE {what} row for {council}; years available: {years}"]
        )
    return at.iloc[0]


def _number(row: pd.Series, column: str, what: str) -> float:
    value = row[column]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ScenarioError(
            [f"{what}: {column} is suppressed or missing for {row['la_name']} {row['time_period']}"]
        )
    return float(value)


def scenario_from_dfe(base: Scenario, council: str, year: int) -> Scenario:
    """``base`` with demand, establishment and durations taken from DfE data for ``council``, its
    demand matched to the council's DfE open cases (``fit_demand``; what was fitted is written in
    the description). Issues a ``DemandNotMatched`` warning where the bounds keep it from matching."""
    values, la_name, fit = council_inputs(base, council, year)
    slug = re.sub(r"[^a-z0-9]+", "_", council.lower()).strip("_")
    values["name"] = f"{slug}_{year}"
    values["start.year"] = year  # the calendar of its referral series
    values["demand.warmup"] = "start"  # reporting starts from the steady state its cases match
    for team, over in over_limit_teams(base).items():
        values[f"teams.{team}.overflow"] = over["overflow"]
    values["description"] = (
        f"{la_name} {year}: demand, posts and durations from DfE "
        f"statistics (swsim scenario-from-dfe); {fit.note()}; teams allocate "
        f"over the caseload limit rather than leave a child waiting; other "
        f"rates from {base.name}"
    )
    if fit.warning:
        warnings.warn(fit.warning, DemandNotMatched, stacklevel=2)
    # validated, names included; the DfE figures the report shows beside the first year
    return base.with_values(values).with_overrides(observed=observed_figures(council, year))


def region_councils(region: str, year: int) -> list[str]:
    """The councils of an English region (as DfE spells them) with workforce data in ``year``."""
    w = _read("csww_indicators_2017_2020.csv")
    la = w[(w["geographic_level"] == "Local authority") & (w["time_period"] == year)]
    names = la[la["region_name"].str.lower() == region.lower()]["la_name"]
    if names.empty:
        known = sorted(la["region_name"].dropna().unique())
        raise ScenarioError(
            [
                f"region {region!r}: no councils in the DfE workforce file for {year}; "
                f"regions: {', '.join(known)}"
            ]
        )
    return sorted(names)


def short_council_name(la_name: str) -> str:
    """A council's name as a scenario may use it: without DfE's inversions ('Herefordshire, County
    of' -> 'Herefordshire', 'Bristol, City of' -> 'Bristol') and dots ('St. Helens' -> 'St
    Helens'), other commas kept ('Bournemouth, Christchurch and Poole')."""
    return re.sub(r",\s*(County|City) of$", "", la_name.strip()).replace(".", "")


def region_from_dfe(base: Scenario, region: str, year: int) -> Scenario:
    """A region scenario: ``base``'s shared sections, and each council of ``region`` with its
    own demand, establishment and durations from DfE data (``authority.<council>``), its demand
    matched to its DfE open cases (``fit_demand``; each council's description says what was
    fitted). The councils whose bounds keep them from matching are collected: one
    ``DemandNotMatched`` warning each, and named in the region's description."""
    councils: dict[str, dict] = {}
    unmatched: list[DemandFit] = []
    for council in region_councils(region, year):
        values, la_name, fit = council_inputs(base, council, year)
        values["description"] = f"{short_council_name(la_name)} {year}: {fit.note()}"
        if fit.warning:
            unmatched.append(fit)
        over: dict = {}
        for path, value in values.items():
            node = over
            *head, last = path.split(".")
            for key in head:
                node = node.setdefault(key, {})
            node[last] = value.item() if isinstance(value, np.generic) else value
        over["observed"] = observed_figures(council, year)
        councils[short_council_name(la_name)] = over
    for fit in unmatched:
        warnings.warn(fit.warning, DemandNotMatched, stacklevel=2)
    matched = (
        f"expected open cases matched to DfE's in {len(councils) - len(unmatched)} of "
        f"{len(councils)} councils"
        + (
            f" (not {', '.join(short_council_name(f.council) for f in unmatched)}: bounds bind)"
            if unmatched
            else ""
        )
    )
    slug = re.sub(r"[^a-z0-9]+", "_", region.lower()).strip("_")
    return base.with_overrides(
        name=f"{slug}_{year}",
        authority=councils,
        start={**base.start.model_dump(), "year": year},
        demand={"warmup": "start"},
        teams=over_limit_teams(base),
        description=f"{region} {year}: {len(councils)} councils, each with demand, posts and "
        f"durations from DfE statistics (swsim scenario-from-dfe --region); {matched}; teams "
        f"allocate over the caseload limit rather than leave a child waiting; other rates from "
        f"{base.name}",
    )


def establishment_of(scenario: Scenario, posts: float) -> dict[str, int]:
    """``posts`` funded posts shared among the levels as ``scenario``'s are (dotted paths
    ``workforce.levels.<level>.establishment``; the rounding goes to the largest level)."""
    shares = np.array([lv.establishment for lv in scenario.workforce.levels.ordered()], float)
    shares /= shares.sum()
    per_level = np.floor(shares * posts).astype(int)
    per_level[np.argmax(shares)] += int(round(posts)) - per_level.sum()
    return {f"workforce.levels.{n}.establishment": int(k) for n, k in zip(LEVELS, per_level)}


def council_inputs(
    base: Scenario, council: str, year: int
) -> tuple[dict[str, float | int], str, DemandFit]:
    """A council's DfE inputs as dotted scenario paths, with the child-in-need duration (and
    where needed the assessment's step-up) that match its DfE open cases; its name as DfE spells
    it; and the ``DemandFit`` that says what was fitted."""
    w = _row(_read("csww_indicators_2017_2020.csv"), council, year, "workforce")
    inpost = _number(w, "inpost_fte", "workforce")
    vacant = _number(w, "vacancy_fte", "workforce")
    agency = _number(w, "agency_fte", "workforce")
    holders = _number(w, "case_holders_fte", "workforce")
    # Case-holding posts: case holders (employed and agency) scaled from filled to funded posts.
    posts = holders * (inpost + vacant) / (inpost + agency)
    r = _row(_read("cin_referrals_2013_2025.csv"), council, year, "children in need (referrals)")
    referrals = _number(r, "referral_count", "referrals")
    nfa = _number(r, "no_further_action_percent", "referrals") / 100.0
    values: dict[str, float | int | str | dict[str, float]] = {
        "demand.referrals_per_year": referrals,
        "demand.referrals_by_year": referral_series(council),
        "demand.case_share": round(1.0 - nfa, 4),
        "workforce.initial_fill": round(inpost / (inpost + vacant), 4),
    }
    # agency workers covering no vacancy (absence, projects), a share of funded posts: an input
    cover = w.get("agency_cover_fte")
    if cover is not None and not (isinstance(cover, float) and math.isnan(cover)):
        beyond = max(0.0, agency - float(cover)) / (inpost + vacant)
        values["agency.beyond_vacancies"] = round(min(beyond, 1.0), 4)
    values.update(establishment_of(base, posts))
    cp = _row(_read("cp_plans_by_duration_2013_2025.csv"), council, year, "child protection plans")
    under3 = _number(cp, "3_months_or_less_percent", "child protection plans") / 100.0
    if "cp" in base.case_types and 0 < under3 < 1:
        # open plans' durations under an exponential law: P(age <= 3 months) = 1 - exp(-91/mean)
        values["case_types.cp.mean_days"] = round(-DAYS_3_MONTHS / math.log(1.0 - under3), 1)
    if "lac" in base.case_types:
        values.update(_lac_duration(council, year))
    la_name = str(w["la_name"])
    cases = _number(w, "cases", "workforce (cases held by case holders)")
    fit = fit_demand(
        base.with_values({**values, "start.year": year}), cases, council=la_name, year=year
    )
    values.update(fit.values)
    return values, la_name, fit


def referral_series(council: str) -> dict[str, float]:
    """The council's referrals in every DfE reporting year the CIN file has (keyed by the year
    ending 31 March, as text; suppressed years left out)."""
    frame = _read("cin_referrals_2013_2025.csv")
    la = frame[frame["geographic_level"] == "Local authority"]
    rows = la[
        (la["la_name"].str.lower() == council.lower())
        | (la["la_name"].map(short_council_name).str.lower() == council.lower())
    ]
    rows = rows.dropna(subset=["referral_count"])
    return {
        str(int(y)): float(v) for y, v in sorted(zip(rows["time_period"], rows["referral_count"]))
    }


@dataclass(frozen=True)
class DemandFit:
    """What ``fit_demand`` chose for one council, and how close it came."""

    council: str
    year: int
    dfe_cases: float  # DfE CSWW ``cases``: cases held by the council's case holders
    expected_before: float  # expected open cases with the base scenario's duration and step-up
    expected: float  # expected open cases with the fitted values (as rounded in ``values``)
    cin_days: float | None  # fitted child-in-need mean duration (None: the base has no such type)
    step_up_factor: float  # the assessment's step-up to child in need / the base's (1: unchanged)
    at_bound: tuple[str, ...]  # the fitted values that sit at a bound
    values: dict  # dotted scenario paths to set
    warning: str | None  # set where the bounds keep the expected count from DfE's

    @property
    def matched(self) -> bool:
        return self.warning is None

    def note(self) -> str:
        """One clause for a description: what was fitted, and to what."""
        if self.cin_days is None:
            return f"demand not matched to DfE's {self.dfe_cases:,.0f} open cases (no '{FITTED_TYPE}' type)"
        parts = [
            f"child-in-need duration fitted to {self.cin_days:g} days"
            + (" (its bound)" if "cin_days" in self.at_bound else "")
        ]
        if self.step_up_factor != 1.0:
            parts.append(
                f"assessment step-up to child in need x{self.step_up_factor:.3f} of the base"
                + (" (its bound)" if "step_up_factor" in self.at_bound else "")
            )
        how = (
            f" so expected open cases equal DfE's {self.dfe_cases:,.0f}"
            if self.matched
            else f", yet expected open cases are {self.expected:,.0f} against DfE's "
            f"{self.dfe_cases:,.0f}: NOT MATCHED, the bounds bind"
        )
        return " and ".join(parts) + f"{how} (before fitting: {self.expected_before:,.0f})"


def _open_cases(scenario: Scenario, table: CaseTypeTable, cin_days: float, factor: float) -> float:
    """Expected open cases (all types) with the child-in-need duration and step-up factor given."""
    names = table.names
    probs = np.diff(table.next_cum, axis=1, prepend=0.0)
    mean_days = table.mean_days.copy()
    mean_days[names.index(FITTED_TYPE)] = cin_days
    if factor != 1.0:
        a, c = names.index(STEP_FROM), names.index(FITTED_TYPE)
        moved = probs[a, c] * (1.0 - factor)
        probs[a, c] -= moved
        probs[a, len(names)] += moved  # the last column is 'close'
    table = dataclasses.replace(table, next_cum=np.cumsum(probs, axis=1), mean_days=mean_days)
    return float(expected_open_cases(scenario, table).sum())


def _solve(f, low: float, high: float, target: float) -> tuple[float, str | None]:
    """The x in [low, high] where the increasing f(x) = target, or the bound nearest it."""
    f_low, f_high = f(low) - target, f(high) - target
    if f_low > 0:
        return low, "low"
    if f_high < 0:
        return high, "high"
    return brentq(lambda x: f(x) - target, low, high, xtol=1e-9, rtol=1e-12), None


def fit_demand(
    scenario: Scenario, dfe_cases: float, council: str = "", year: int | None = None
) -> DemandFit:
    """The child-in-need duration, and if need be the assessment's step-up, that make
    ``scenario``'s expected open cases (steady state, allocation immediate) equal ``dfe_cases``.

    1. The child-in-need mean duration (``case_types.cin.mean_days``, the one duration that is an
       assumption) within ``CIN_DAYS_BOUNDS``: expected open cases rise linearly with it, so
       ``brentq`` finds the one root.
    2. Where a bound binds (the other types alone hold more cases than DfE counts, or too few even
       with the longest duration), the duration stays at that bound and the assessment's
       probability of stepping up to child in need is scaled by a factor within
       ``STEP_UP_BOUNDS`` (the difference moved to 'close'; expected open cases rise with it).
    3. Where both bounds bind, both stay at the bounds nearest the count and ``warning`` says so.

    Everything else (referrals, posts, child-protection and looked-after durations) is left as
    it is. Values are rounded as they are written (days to 0.1, probabilities to 6 places) and
    ``expected`` is computed from the rounded values."""
    where = f"{council} {year}".strip() if council else "the scenario"
    if not (np.isfinite(dfe_cases) and dfe_cases > 0):
        raise ScenarioError(
            [f"{where}: DfE open cases {dfe_cases!r}: need a positive count to match"]
        )
    table = CaseTypeTable.from_scenario(scenario)
    before = float(expected_open_cases(scenario, table).sum())
    if FITTED_TYPE not in scenario.case_types:
        return DemandFit(
            council,
            year or 0,
            dfe_cases,
            before,
            before,
            None,
            1.0,
            (),
            {},
            f"{where}: demand not matched: the scenario has no '{FITTED_TYPE}' case "
            f"type to fit (DfE {dfe_cases:,.0f} open cases, expected {before:,.0f})",
        )
    step = scenario.case_types.get(STEP_FROM)
    base_p = step.next.get(FITTED_TYPE, 0.0) if step is not None else 0.0
    days, bound = _solve(
        lambda d: _open_cases(scenario, table, d, 1.0), *CIN_DAYS_BOUNDS, dfe_cases
    )
    factor, factor_bound = 1.0, None
    if bound is not None and base_p > 0:
        low, high = STEP_UP_BOUNDS
        factor, factor_bound = _solve(
            lambda f: _open_cases(scenario, table, days, f), low, high, dfe_cases
        )
    days = round(days, 1)
    values: dict = {f"case_types.{FITTED_TYPE}.mean_days": days}
    if factor != 1.0:
        p = round(base_p * factor, 6)
        nxt = dict(step.next)
        nxt[CLOSE] = round(nxt.get(CLOSE, 0.0) + base_p - p, 6)
        nxt[FITTED_TYPE] = p
        values[f"case_types.{STEP_FROM}.next"] = nxt
        factor = p / base_p
    fitted = scenario.with_values(values)
    expected = float(expected_open_cases(fitted).sum())
    at_bound = tuple(
        name for name, b in (("cin_days", bound), ("step_up_factor", factor_bound)) if b is not None
    )
    warning = None
    if abs(expected - dfe_cases) > MATCH_RTOL * dfe_cases:
        lo, hi = CIN_DAYS_BOUNDS
        flo, fhi = STEP_UP_BOUNDS
        warning = (
            f"{where}: expected open cases {expected:,.0f} cannot match DfE's "
            f"{dfe_cases:,.0f} (cases held by case holders): the child-in-need duration is "
            f"at its bound ({days:g} days; bounds "
            f"{lo:g}-{hi:g})"
            + (
                f" and the assessment's step-up to child in need at its "
                f"bound (x{factor:.3g}; bounds {flo:g}-{fhi:g})"
                if base_p > 0
                else " and the scenario has no step-up to scale"
            )
            + "; the closest is kept"
        )
    return DemandFit(
        council, year or 0, dfe_cases, before, expected, days, factor, at_bound, values, warning
    )


def _lac_duration(council: str, year: int) -> dict[str, float]:
    """Mean time looked after by Little's law (looked after / starting per year)."""
    cla = _read("cla_numbers_2021_2025.csv")
    names = cla["la_name"].fillna("")
    # by either spelling, as ``_row`` does ('Herefordshire' finds 'Herefordshire, County of')
    la = cla[
        (cla["geographic_level"] == "Local authority")
        & (
            (names.str.lower() == council.lower())
            | (names.map(short_council_name).str.lower() == council.lower())
        )
    ]
    if la.empty:
        return {}
    use = year if year in set(la["time_period"]) else int(la["time_period"].min())
    at = la[la["time_period"] == use]
    stock = at[at["population_type"].str.startswith("Children looked after on 31 March")][
        "children_count"
    ]
    starts = at[at["population_type"].str.startswith("Children starting")]["children_count"]
    if stock.empty or starts.empty:
        return {}
    stock, starts = float(stock.iloc[0]), float(starts.iloc[0])
    if not (np.isfinite(stock) and np.isfinite(starts)) or starts <= 0:
        return {}
    return {"case_types.lac.mean_days": round(365.0 * stock / starts, 1)}


# A council's DfE rate, its denominator (FTE) and the model's metric.
RATES = {
    "turnover_rate": ("turnover_rate_fte", ("inpost_fte",), "turnover rate (leavers / in post)"),
    "vacancy_rate": (
        "vacancy_rate_fte",
        ("inpost_fte", "vacancy_fte"),
        "vacancy rate (vacancies / (vacancies + in post))",
    ),
    "agency_share": (
        "agency_rate_fte",
        ("inpost_fte", "agency_fte"),
        "agency rate (agency / (agency + in post))",
    ),
}
MIN_HALFWIDTH = 0.02


def _rate_range(
    row: pd.Series, column: str, denominator: tuple[str, ...]
) -> tuple[float, float, float, float]:
    """A council's DfE rate (a share), its denominator (FTE) and its range: the rate +/- the larger
    of 2 points and the 95% binomial half-width among the denominator's FTE."""
    p = _number(row, column, "workforce") / 100.0
    n = sum(_number(row, c, "workforce") for c in denominator)
    half = max(MIN_HALFWIDTH, 1.96 * math.sqrt(p * (1 - p) / max(n, 1.0)))
    return p, n, max(0.0, p - half), min(1.0, p + half)


def council_targets(councils: list[str], year: int) -> pd.DataFrame:
    """Each council's DfE turnover, vacancy and agency rates as calibration targets (rows of a
    targets table, ``geography`` the council). Range: the rate +/- the larger of 2 points and the
    95% binomial half-width of one year's rate among the council's FTE (small councils' rates are
    noisy from year to year)."""
    w = _read("csww_indicators_2017_2020.csv")
    rows = []
    for council in councils:
        row = _row(w, council, year, "workforce")
        name = short_council_name(str(row["la_name"]))
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        for metric, (column, denominator, quantity) in RATES.items():
            p, n, low, high = _rate_range(row, column, denominator)
            rows.append(
                {
                    "id": f"{slug}_{metric}_{year}",
                    "quantity": quantity,
                    "model_metric": metric,
                    "value": p,
                    "low": low,
                    "high": high,
                    "unit": "share",
                    "year": year,
                    "geography": name,
                    "role": "target",
                    "source": f"DfE, Children's social work workforce {year} ({column} "
                    f"{p * 100:.1f}, {n:,.0f} FTE)",
                    "note": "Range: +/- the larger of 2 points and the 95% binomial half-width.",
                }
            )
    return pd.DataFrame(rows)


# Caseload: DfE's cases per case-holder FTE (``caseload_fte``), with a range of +/- 2 cases, as the
# region's caseload check (targets.csv, wm_caseload_2020: 17.2, 15.2-19.2).
CASELOAD = ("caseload_fte", 2.0)


def observed_figures(council: str, year: int) -> dict:
    """The council's DfE CSWW figures for ``year`` as a scenario's ``observed`` section (data the
    model ignores; the report shows them beside the simulated first year): its turnover, vacancy
    and agency rates with the ranges of ``council_targets``, and its caseload (``CASELOAD``);
    shares to 4 decimals, cases to 2. A figure DfE suppressed is left out (the report says "not
    published")."""
    row = _row(_read("csww_indicators_2017_2020.csv"), council, year, "workforce")
    out: dict = {
        "year": year,
        "source": f"DfE CSWW {year}",
        "note": f"ranges: rates ± the larger of {MIN_HALFWIDTH * 100:g} points and the 95% "
        f"binomial half-width among the council's FTE; caseload ± "
        f"{CASELOAD[1]:g} cases",
    }
    for metric, (column, denominator, _) in RATES.items():
        try:
            p, _, low, high = _rate_range(row, column, denominator)
        except ScenarioError:  # suppressed or missing
            continue
        out[metric] = {"value": round(p, 4), "low": round(low, 4), "high": round(high, 4)}
    column, half = CASELOAD
    value = row[column]
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        value = float(value)
        out["mean_caseload"] = {
            "value": round(value, 2),
            "low": round(max(0.0, value - half), 2),
            "high": round(value + half, 2),
        }
    return out
