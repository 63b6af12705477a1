"""The built-in ``west_midlands`` scenario, written from data: each council's demand, posts and
durations from DfE statistics, its demand matched to its DfE open cases
(``calibration.dfe.region_from_dfe``), the region's market parameters below, and the calibrated
values in ``west_midlands_fit.csv`` (``swsim calibrate west_midlands`` writes a new one as
``fitted.csv``).

    python -m calibration.west_midlands     # rewrite sim/scenarios/west_midlands.toml

A test checks that the built-in file is exactly what this writes, so the scenario cannot drift
from its data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import tomli_w

from calibration.dfe import region_from_dfe
from sim.scenario import builtin_path, load_scenario

REGION, YEAR = "West Midlands", 2020
# The region's start state (DfE's 2020 staff, with the assumed tenure and age profiles) takes
# about 8 years to settle in one market: with 3 years, Dudley's vacancy rate and agency share fell
# about 6 points over a 10-year "no change" run; with 8, every council moves by under 1.2 points
# (tests/test_calibration_guard.py, the steady test).
WARMUP_YEARS = 8.0
FIT = Path(__file__).parent / "west_midlands_fit.csv"
# Per-council calibrated values: column -> scenario path within the council.
FITTED = {
    "hazard_scale": ("turnover", "hazard_scale"),
    "appeal": ("employer", "appeal"),
    "backfill_probability": ("agency", "backfill_probability"),
}

HEADER = """\
# west_midlands: the 14 councils of the West Midlands as one labour market (issue: the region).
# WRITTEN BY `python -m calibration.west_midlands`: edit that, or calibration/west_midlands_fit.csv,
# not this file. Shared rates come from `baseline`; each council's demand, posts and durations
# from DfE statistics for 2020 (CSWW case holders scaled to funded posts, CIN referrals, CP and
# CLA durations: see calibration/dfe.py; referrals follow each council's DfE series for the years
# it has from the 2020 census, when reporting starts, the warm-up holding them at the 2020 rate),
# funded posts that follow demand (workforce.establishment), with its child-in-need duration (and, where that
# duration's bounds bind, its assessments' step-up to child in need) fitted so that its expected
# open cases equal its DfE cases (each council's description says what); the market's supply of
# applicants and agency inflow, and each council's turnover scale, appeal and agency backfill,
# calibrated to DfE CSWW 2020 (swsim calibrate west_midlands) after an 8-year warm-up (the time
# the region's start state takes to settle: calibration/west_midlands.py); market parameters not
# set here keep the schema's defaults (sources in docs/background/region.md). Each council's
# `observed` section is its DfE CSWW 2020 turnover, vacancy and agency rates and caseload with their
# ranges (calibration/dfe.py, observed_figures): data the model ignores, which the report shows
# beside the council's simulated first year.
"""


def market(fit: pd.DataFrame | None) -> dict:
    """The region's market section (regional values of the fit file's row ``region``)."""
    values = {
        "labour": "regional",
        # calibrated (regional vacancy rate): the yearly supply into the region's councils
        "newly_qualified_per_year": 150.0,
        "experienced_per_year": {"l2": 20.0, "l3": 20.0, "l4": 0.0, "l5": 0.0},
        # assumption: a small reserve of agency workers between assignments
        "agency_pool_start": 20,
        # calibrated (keeps the reserve at its assumed size)
        "agency_inflow_per_year": 60.0,
        "supplement": True,
    }
    if fit is not None and "region" in set(fit["authority"]):
        row = fit[fit["authority"] == "region"].iloc[0]
        values["newly_qualified_per_year"] = round(float(row["newly_qualified_per_year"]), 1)
        values["experienced_per_year"] = {
            k: round(float(row[f"experienced_{k}"]), 1) for k in values["experienced_per_year"]
        }
        values["agency_inflow_per_year"] = round(float(row["agency_inflow_per_year"]), 1)
    return values


# The councils' teams are the baseline's, but a council allocates over the limit rather than leave a
# child waiting for a worker (Monmouthshire 2017: "each worker would have to be allocated an
# additional 5 cases"): with demand matched to DfE's open cases some councils' teams have no room.
OVERFLOW = {
    team: {"overflow": "over_limit"}
    for team in (
        "duty_and_assessment",
        "family_support_and_protection",
        "court",
        "placement_and_support",
    )
}


def build(fit: pd.DataFrame | None = None) -> str:
    """The text of the built-in scenario."""
    base = load_scenario("baseline")
    region = region_from_dfe(base, REGION, YEAR)
    councils = {name: dict(over) for name, over in region.authority.items()}
    if fit is not None:
        for row in fit[fit["authority"] != "region"].itertuples(index=False):
            over = councils[row.authority]
            for column, (section, field) in FITTED.items():
                over.setdefault(section, {})[field] = round(float(getattr(row, column)), 4)
    data = {
        "extends": "baseline",
        "name": "west_midlands",
        "description": f"The 14 West Midlands councils competing for the same social workers "
        f"({REGION} {YEAR}: DfE inputs per council, demand matched to its DfE "
        f"open cases, calibrated market)",
        "start": {"year": YEAR},
        "run": {"warmup_years": WARMUP_YEARS},
        "demand": {"warmup": "start"},
        "market": market(fit),
        "teams": OVERFLOW,
        "authority": councils,
    }
    return HEADER + tomli_w.dumps(data)


def main() -> int:
    fit = pd.read_csv(FIT) if FIT.exists() else None
    path = builtin_path("west_midlands")
    path.write_text(build(fit), encoding="utf-8")
    load_scenario("west_midlands")  # valid, or this stops with the problems
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
