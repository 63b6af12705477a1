"""Scenario inputs from DfE statistics, for any council by name (files in ``calibration/data``).

Inputs, not targets: the referral volume, the share of referrals that become cases, the number of
case-holding posts, the share of posts filled at the start, and the child-protection and
looked-after durations come from the data; turnover, vacancy and agency rates are what the model
must reproduce.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import LEVELS, Scenario, ScenarioError

DATA = Path(__file__).parent / "data"
SUPPRESSED = ["x", "c", "u", "z", "k", ":", ".."]
DAYS_3_MONTHS = 365.0 / 4


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, na_values=SUPPRESSED, low_memory=False)


def _row(frame: pd.DataFrame, council: str, year: int, what: str) -> pd.Series:
    la = frame[frame["geographic_level"] == "Local authority"]
    rows = la[(la["la_name"].str.lower() == council.lower())
              | (la["la_name"].map(short_council_name).str.lower() == council.lower())]
    if rows.empty:
        names = sorted(la["la_name"].dropna().unique())
        close = [n for n in names if council.lower()[:4] in n.lower()][:5]
        raise ScenarioError([f"council {council!r}: not in the DfE {what} file"
                             + (f"; did you mean {', '.join(close)}?" if close else "")])
    at = rows[rows["time_period"] == year]
    if at.empty:
        years = sorted(int(y) for y in rows["time_period"].unique())  # 2017, not np.int64(2017)
        raise ScenarioError([f"year {year}: no DfE {what} row for {council}; years available: {years}"])
    return at.iloc[0]


def _number(row: pd.Series, column: str, what: str) -> float:
    value = row[column]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ScenarioError([f"{what}: {column} is suppressed or missing for {row['la_name']} "
                             f"{row['time_period']}"])
    return float(value)


def scenario_from_dfe(base: Scenario, council: str, year: int) -> Scenario:
    """``base`` with demand, establishment and durations taken from DfE data for ``council``."""
    values, la_name = council_inputs(base, council, year)
    slug = re.sub(r"[^a-z0-9]+", "_", council.lower()).strip("_")
    values["name"] = f"{slug}_{year}"
    values["description"] = (f"{la_name} {year}: demand, posts and durations from DfE "
                             f"statistics (swsim scenario-from-dfe); other rates from {base.name}")
    return base.with_values(values)  # validated, names included


def region_councils(region: str, year: int) -> list[str]:
    """The councils of an English region (as DfE spells them) with workforce data in ``year``."""
    w = _read("csww_indicators_2017_2020.csv")
    la = w[(w["geographic_level"] == "Local authority") & (w["time_period"] == year)]
    names = la[la["region_name"].str.lower() == region.lower()]["la_name"]
    if names.empty:
        known = sorted(la["region_name"].dropna().unique())
        raise ScenarioError([f"region {region!r}: no councils in the DfE workforce file for {year}; "
                             f"regions: {', '.join(known)}"])
    return sorted(names)


def short_council_name(la_name: str) -> str:
    """A council's name as a scenario may use it: without DfE's inversions ('Herefordshire, County
    of' -> 'Herefordshire', 'Bristol, City of' -> 'Bristol') and dots ('St. Helens' -> 'St
    Helens'), other commas kept ('Bournemouth, Christchurch and Poole')."""
    return re.sub(r",\s*(County|City) of$", "", la_name.strip()).replace(".", "")


def region_from_dfe(base: Scenario, region: str, year: int) -> Scenario:
    """A region scenario: ``base``'s shared sections, and each council of ``region`` with its
    own demand, establishment and durations from DfE data (``authority.<council>``)."""
    councils: dict[str, dict] = {}
    for council in region_councils(region, year):
        values, la_name = council_inputs(base, council, year)
        over: dict = {}
        for path, value in values.items():
            node = over
            *head, last = path.split(".")
            for key in head:
                node = node.setdefault(key, {})
            node[last] = value.item() if isinstance(value, np.generic) else value
        councils[short_council_name(la_name)] = over
    slug = re.sub(r"[^a-z0-9]+", "_", region.lower()).strip("_")
    return base.with_overrides(
        name=f"{slug}_{year}", authority=councils,
        description=f"{region} {year}: {len(councils)} councils, each with demand, posts and "
        f"durations from DfE statistics (swsim scenario-from-dfe --region); other rates from {base.name}")


def council_inputs(base: Scenario, council: str, year: int) -> tuple[dict[str, float | int], str]:
    """A council's DfE inputs as dotted scenario paths, and its name as DfE spells it."""
    w = _row(_read("csww_indicators_2017_2020.csv"), council, year, "workforce")
    inpost = _number(w, "inpost_fte", "workforce")
    vacant = _number(w, "vacancy_fte", "workforce")
    agency = _number(w, "agency_fte", "workforce")
    holders = _number(w, "case_holders_fte", "workforce")
    # Case-holding posts: case holders (employed and agency) scaled from filled to funded posts.
    posts = holders * (inpost + vacant) / (inpost + agency)
    shares = np.array([lv.establishment for lv in base.workforce.levels.ordered()], float)
    shares /= shares.sum()
    per_level = np.floor(shares * posts).astype(int)
    per_level[np.argmax(shares)] += int(round(posts)) - per_level.sum()
    r = _row(_read("cin_referrals_2013_2025.csv"), council, year, "children in need (referrals)")
    referrals = _number(r, "referral_count", "referrals")
    nfa = _number(r, "no_further_action_percent", "referrals") / 100.0
    values: dict[str, float | int | str] = {
        "demand.referrals_per_year": referrals,
        "demand.case_share": round(1.0 - nfa, 4),
        "workforce.initial_fill": round(inpost / (inpost + vacant), 4),
    }
    for name, n in zip(LEVELS, per_level):
        values[f"workforce.levels.{name}.establishment"] = int(n)
    cp = _row(_read("cp_plans_by_duration_2013_2025.csv"), council, year, "child protection plans")
    under3 = _number(cp, "3_months_or_less_percent", "child protection plans") / 100.0
    if "cp" in base.case_types and 0 < under3 < 1:
        # open plans' durations under an exponential law: P(age <= 3 months) = 1 - exp(-91/mean)
        values["case_types.cp.mean_days"] = round(-DAYS_3_MONTHS / math.log(1.0 - under3), 1)
    if "lac" in base.case_types:
        values.update(_lac_duration(council, year))
    return values, str(w["la_name"])


def _lac_duration(council: str, year: int) -> dict[str, float]:
    """Mean time looked after by Little's law (looked after / starting per year)."""
    cla = _read("cla_numbers_2021_2025.csv")
    la = cla[(cla["geographic_level"] == "Local authority") & (cla["la_name"].str.lower() == council.lower())]
    if la.empty:
        return {}
    use = year if year in set(la["time_period"]) else int(la["time_period"].min())
    at = la[la["time_period"] == use]
    stock = at[at["population_type"].str.startswith("Children looked after on 31 March")]["children_count"]
    starts = at[at["population_type"].str.startswith("Children starting")]["children_count"]
    if stock.empty or starts.empty:
        return {}
    stock, starts = float(stock.iloc[0]), float(starts.iloc[0])
    if not (np.isfinite(stock) and np.isfinite(starts)) or starts <= 0:
        return {}
    return {"case_types.lac.mean_days": round(365.0 * stock / starts, 1)}


# A council's DfE rate, its denominator (FTE) and the model's metric.
RATES = {"turnover_rate": ("turnover_rate_fte", ("inpost_fte",), "turnover rate (leavers / in post)"),
         "vacancy_rate": ("vacancy_rate_fte", ("inpost_fte", "vacancy_fte"),
                          "vacancy rate (vacancies / (vacancies + in post))"),
         "agency_share": ("agency_rate_fte", ("inpost_fte", "agency_fte"),
                          "agency rate (agency / (agency + in post))")}
MIN_HALFWIDTH = 0.02


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
            p = _number(row, column, "workforce") / 100.0
            n = sum(_number(row, c, "workforce") for c in denominator)
            half = max(MIN_HALFWIDTH, 1.96 * math.sqrt(p * (1 - p) / max(n, 1.0)))
            rows.append({"id": f"{slug}_{metric}_{year}", "quantity": quantity, "model_metric": metric,
                         "value": p, "low": max(0.0, p - half), "high": min(1.0, p + half),
                         "unit": "share", "year": year, "geography": name, "role": "target",
                         "source": f"DfE, Children's social work workforce {year} ({column} "
                                   f"{p * 100:.1f}, {n:,.0f} FTE)",
                         "note": "Range: +/- the larger of 2 points and the 95% binomial half-width."})
    return pd.DataFrame(rows)
