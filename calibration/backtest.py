"""Backtesting against a council's own workforce history (issue 14, first step): read a DfE-format
workforce file (the columns of ``data/csww_indicators_2017_2020.csv``, any years), turn a run's
monthly rows into the same yearly measures, set the simulated band beside what was observed and
score it against the naive forecast "each council's last observed value".

DfE's children's social work workforce census counts at 30 September: turnover is the year's
leavers over staff in post, the agency rate agency workers over all workers, the vacancy rate
vacancies over vacancies and staff in post, the caseload cases over case holders (FTE). The
model's yearly measure takes the same ratios from its month ends: the 12 months to the September
month end for turnover, that month end's counts for the rest.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calibration.dfe import SUPPRESSED, short_council_name
from sim.errors import BadInput

# the measures backtested: DfE's column, and whether it is a percentage (files) / share (model)
MEASURES = {"turnover_rate": ("turnover_rate_fte", True), "agency_rate": ("agency_rate_fte", True),
            "vacancy_rate": ("vacancy_rate_fte", True), "caseload": ("caseload_fte", False)}
KEYS = ["time_period", "geographic_level", "la_name"]
COUNCIL_LEVEL = "Local authority"
SEPTEMBER = 8          # month index (January = 0) of DfE's census date, 30 September
BAND = (0.05, 0.95)    # the simulated band: 5th to 95th percentile of the replications
TABLE_COLUMNS = ["council", "year", "metric", "observed", "sim_mean", "sim_p05", "sim_p95", "covered"]


def read_workforce(path: Path | str, councils: list[str] | None = None,
                   years: list[int] | None = None) -> pd.DataFrame:
    """The councils' observed measures, tidy: council (short name), year, metric, observed (a
    share for rates, cases for the caseload). ``councils`` and ``years``: those that must be there.
    A file that cannot be read, lacks a column, holds a malformed value, or misses a council or
    year asked for is refused naming each problem (suppressed values, DfE's "x", "c", ..., are
    missing, not malformed)."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise BadInput(f"--workforce {path}: cannot read it as CSV ({err})") from err
    needed = KEYS + [column for column, _ in MEASURES.values()]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise BadInput(f"--workforce {path}: missing column(s) {', '.join(missing)}; a DfE "
                       f"workforce file has {', '.join(needed)} (see calibration/data/README.md)")
    la = raw[raw["geographic_level"] == COUNCIL_LEVEL]
    if la.empty:
        raise BadInput(f"--workforce {path}: no rows with geographic_level '{COUNCIL_LEVEL}'")
    problems: list[str] = []
    year = pd.to_numeric(la["time_period"], errors="coerce")
    for i in la.index[year.isna() | (year % 1 != 0)]:
        problems.append(f"--workforce {path}: line {i + 2}: time_period {la.at[i, 'time_period']!r} "
                        "is not a year")
    rows = []
    for metric, (column, percent) in MEASURES.items():
        text = la[column].str.strip()
        value = pd.to_numeric(text.where(~text.isin(SUPPRESSED + [""])), errors="coerce")
        bad = value.isna() & ~text.isin(SUPPRESSED + [""])
        bad |= (value < 0) | (percent & (value > 100))
        for i in la.index[bad]:
            problems.append(f"--workforce {path}: line {i + 2}: {column} {la.at[i, column]!r} is not "
                            + ("a percentage in [0, 100]" if percent else "a number of 0 or more")
                            + " (or a DfE suppression marker)")
        rows.append(pd.DataFrame({"council": la["la_name"].map(short_council_name), "year": year,
                                  "metric": metric, "observed": value / 100.0 if percent else value}))
    if problems:
        raise BadInput(problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else []))
    out = pd.concat(rows, ignore_index=True).dropna(subset=["year"])
    out["year"] = out["year"].astype(int)
    have_councils, have_years = set(out["council"]), set(out["year"])
    problems += [f"--workforce {path}: council {c!r} has no rows (councils in the file: "
                 f"{len(have_councils)})" for c in councils or [] if c not in have_councils]
    problems += [f"--workforce {path}: year {y} has no rows; years in the file: "
                 f"{', '.join(map(str, sorted(have_years)))}" for y in years or [] if y not in have_years]
    if problems:
        raise BadInput(problems)
    keep = out[out["council"].isin(councils)] if councils else out
    return keep.sort_values(["council", "metric", "year"]).reset_index(drop=True)


def yearly_measures(months: pd.DataFrame, first_year: int, first_month: int = 0) -> pd.DataFrame:
    """The model's measures as DfE counts them, from the monthly rows of one or more replications
    (columns authority, rep, month, leavers, perm_total, agency_total, vacancies_total,
    caseload_mean): council, rep, year, metric, value. Month 0 of the rows ends in calendar month
    ``first_month`` (January = 0) of ``first_year``; a year counts once its September month end
    and the 12 months before it are in the rows."""
    rows = []
    for (council, rep), m in months.sort_values("month").groupby(["authority", "rep"], sort=True):
        m = m.set_index("month")
        calendar = m.index.to_numpy() + first_month
        for end in m.index[(calendar % 12) == SEPTEMBER]:
            if end - 11 not in m.index:
                continue   # not a whole year of leavers before this census date
            at, year_rows = m.loc[end], m.loc[end - 11:end]
            perm, agency, vac = at["perm_total"], at["agency_total"], at["vacancies_total"]
            year = first_year + int((end + first_month) // 12)
            values = {"turnover_rate": year_rows["leavers"].sum() / year_rows["perm_total"].mean()
                      if year_rows["perm_total"].mean() > 0 else np.nan,
                      "agency_rate": agency / (agency + perm) if agency + perm > 0 else np.nan,
                      "vacancy_rate": vac / (vac + perm) if vac + perm > 0 else np.nan,
                      "caseload": at["caseload_mean"]}
            rows += [{"council": council, "rep": rep, "year": year, "metric": k, "value": float(v)}
                     for k, v in values.items()]
    return pd.DataFrame(rows, columns=["council", "rep", "year", "metric", "value"])


def naive_forecast(observed: pd.DataFrame, fit_until: int) -> pd.DataFrame:
    """Each council's last observed value of each metric up to ``fit_until``, as the forecast of
    every later year observed: council, year, metric, naive."""
    past = observed[(observed["year"] <= fit_until)].dropna(subset=["observed"])
    last = past.sort_values("year").groupby(["council", "metric"])["observed"].last().rename("naive")
    later = observed[observed["year"] > fit_until][["council", "year", "metric"]]
    return later.merge(last.reset_index(), on=["council", "metric"], how="left")


def backtest_table(observed: pd.DataFrame, simulated: pd.DataFrame, fit_until: int) -> pd.DataFrame:
    """The years after ``fit_until`` with both an observation and simulations: council, year,
    metric, observed, the simulated mean and 90% band (5th to 95th percentile over replications),
    whether the band covers the observation, and the naive forecast."""
    sim = simulated[simulated["year"] > fit_until].dropna(subset=["value"])
    band = sim.groupby(["council", "year", "metric"])["value"].agg(
        sim_mean="mean", sim_p05=lambda v: v.quantile(BAND[0]), sim_p95=lambda v: v.quantile(BAND[1]))
    table = observed.dropna(subset=["observed"]).merge(band.reset_index(), on=["council", "year", "metric"])
    table["covered"] = (table["observed"] >= table["sim_p05"]) & (table["observed"] <= table["sim_p95"])
    table = table.merge(naive_forecast(observed, fit_until), on=["council", "year", "metric"], how="left")
    return table[TABLE_COLUMNS + ["naive"]].sort_values(["metric", "council", "year"]).reset_index(drop=True)


def scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per metric: council-years tested, coverage of the 90% band, mean absolute error of the
    simulated mean and of the naive forecast (over the council-years that have both), and whether
    the model's error is the smaller."""
    rows = []
    for metric, t in table.groupby("metric", sort=False):
        both = t.dropna(subset=["naive"])
        model = float((both["sim_mean"] - both["observed"]).abs().mean()) if len(both) else np.nan
        naive = float((both["naive"] - both["observed"]).abs().mean()) if len(both) else np.nan
        rows.append({"metric": metric, "council_years": len(t), "coverage_90": float(t["covered"].mean()),
                     "mae_model": model, "mae_naive": naive, "model_better": bool(model < naive)})
    return pd.DataFrame(rows, columns=["metric", "council_years", "coverage_90", "mae_model",
                                       "mae_naive", "model_better"])
