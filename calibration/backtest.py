"""Backtesting against each council's own workforce history: fit on the years up to ``fit_until``
of a DfE-format workforce file (the columns of ``data/csww_indicators_2017_2020.csv``, any
years), run forward from the councils' observed state, and score the simulated band against what
was observed later and against the naive forecast "each council's last observed value".

The fit is partly pooled. Where each council is heading comes from its own history and the
region's: a council's distance from the region's mean of a measure persists from one year to the
next by a factor estimated across the region's councils on the fit years (least squares, one
factor and one residual spread per measure, pooled), so the expected level next year is the
region's mean plus that share of the council's last distance. Each council's own parameters
(turnover scale, appeal, agency backfill) are then fitted to its expected turnover, vacancy and
agency rates, with the region's parameters (supply of applicants, agency inflow) shared
(``region_fit.fit_region``); the residual spread, carried to each parameter by the rate's
measured response to it, is its uncertainty, and every forward replication draws the councils'
parameters from it. The forward runs start at
the ``fit_until`` census from each council's observed vacancy and agency rates, the warm-up
burning in only the case mix (``start.hold_staff``), with the councils' referral series and
funded posts as inputs (``with_establishment``).

DfE's children's social work workforce census counts at 30 September: turnover is the year's
leavers over staff in post, the agency rate agency workers over all workers, the vacancy rate
vacancies over vacancies and staff in post, the caseload cases over case holders (FTE). The
model's yearly measure takes the same ratios from its month ends: the 12 months to the September
month end for turnover, that month end's counts for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.dfe import (
    MISSING_SYMBOLS,
    ROUNDS_TO_ZERO,
    dfe_values,
    establishment_of,
    short_council_name,
)
from calibration.fit import Settings
from calibration.region_fit import (
    APPEAL_RANGE,
    BACKFILL_RANGE,
    HAZARD_RANGE,
    RegionFit,
    fit_region,
    logit,
)
from sim.columns import AGENCY_SHARE, MEAN_CASELOAD, OUTCOMES, RATES, TURNOVER_RATE, VACANCY_RATE
from sim.errors import BadInput
from sim.experiment.executor import Executor
from sim.experiment.replications import Runs, run_experiment
from sim.scenario import Scenario

# the measures backtested: declared columns (``sim.columns``: definition, unit, range; taken at
# DfE's 30 September census, not as a mean over the window), each with DfE's column of it (DfE's
# agency rate is the declared ``agency_share``, its caseload ``mean_caseload``)
DFE_COLUMN = {
    TURNOVER_RATE: "turnover_rate_fte",
    AGENCY_SHARE: "agency_rate_fte",
    VACANCY_RATE: "vacancy_rate_fte",
    MEAN_CASELOAD: "caseload_fte",
}
# DfE's column, and whether it is a percentage (files) / share (model: the declared column's)
MEASURES = {metric: (column, OUTCOMES[metric].percent) for metric, column in DFE_COLUMN.items()}
KEYS = ["time_period", "geographic_level", "la_name"]
# agency workers beyond vacancies (an input: ``agency.beyond_vacancies``), from these columns if the
# file has them: agency FTE, agency FTE covering vacancies, FTE in post, vacancies (FTE)
BEYOND, BEYOND_COLUMNS = (
    "agency_beyond",
    ("agency_fte", "agency_cover_fte", "inpost_fte", "vacancy_fte"),
)
# funded posts (in post and vacant, FTE): an input of the forward runs (``with_establishment``)
POSTS = "posts"
SUPPLY_SERIES = "region_posts"  # the series scaling the region's applicants with its posts
COUNCIL_LEVEL = "Local authority"
SEPTEMBER = 8  # month index (January = 0) of DfE's census date, 30 September
BAND = (0.05, 0.95)  # the simulated band: 5th to 95th percentile of the replications
TABLE_COLUMNS = [
    "council",
    "year",
    "metric",
    "observed",
    "sim_mean",
    "sim_p05",
    "sim_p95",
    "covered",
]
# the smallest sd of an expected value: the precision DfE publishes it to (rates in percent to
# one decimal, caseloads to one decimal), so a rate that never moved in the fit years (a council
# with no agency workers) still has a spread
RESOLUTION = {"rate": 0.001, MEAN_CASELOAD: 0.1}
Z90 = 1.6449  # the standard normal's 95th percentile: a 90% interval is +-Z90 sd
# the fitted rates: the backtest's metric -> the model's summary column (region_fit's targets): the same
FITTED = {metric: metric for metric in RATES}
# each council's parameter, the rate it is fitted to, and its scale: parameters on a log scale
# move their rate in proportion (region_fit's steps), the appeal moves the vacancy rate's log-odds
PARAMETERS = {
    "hazard_scale": ("turnover.hazard_scale", TURNOVER_RATE, "log", HAZARD_RANGE),
    "appeal": ("employer.appeal", VACANCY_RATE, "logit", APPEAL_RANGE),
    "backfill_probability": ("agency.backfill_probability", AGENCY_SHARE, "log", BACKFILL_RANGE),
    "beyond_vacancies": ("agency.beyond_vacancies", BEYOND, "linear", (0.0, 1.0)),
}
BURN_IN_YEARS = 1.0  # the forward runs' warm-up: the case mix only (staff held)


def read_workforce(
    path: Path | str, councils: list[str] | None = None, years: list[int] | None = None
) -> pd.DataFrame:
    """The councils' observed measures, tidy: council (short name), year, metric, observed (a
    share for rates, cases for the caseload). ``councils`` and ``years``: those that must be there.
    A file that cannot be read, lacks a column, holds a malformed value, or misses a council or
    year asked for is refused naming each problem (the missing years in one line). DfE's symbols
    are read as their meaning (``calibration.dfe.dfe_values``: "c", "x", "u", ... missing; "low"
    0), not as malformed values."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise BadInput(f"--workforce {path}: cannot read it as CSV ({err})") from err
    needed = KEYS + [column for column, _ in MEASURES.values()]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise BadInput(
            f"--workforce {path}: missing column(s) {', '.join(missing)}; a DfE "
            f"workforce file has {', '.join(needed)} (see calibration/data/README.md)"
        )
    la = raw[raw["geographic_level"] == COUNCIL_LEVEL]
    if la.empty:
        raise BadInput(f"--workforce {path}: no rows with geographic_level '{COUNCIL_LEVEL}'")
    problems: list[str] = []
    year = pd.to_numeric(la["time_period"], errors="coerce")
    for i in la.index[year.isna() | (year % 1 != 0)]:
        problems.append(
            f"--workforce {path}: line {i + 2}: time_period {la.at[i, 'time_period']!r} "
            "is not a year"
        )
    rows = []
    for metric, (column, percent) in MEASURES.items():
        value, bad = dfe_values(la[column])
        bad |= (value < 0) | (percent & (value > 100))
        for i in la.index[bad]:
            problems.append(
                f"--workforce {path}: line {i + 2}: {column} {la.at[i, column]!r} is not "
                + ("a percentage in [0, 100]" if percent else "a number of 0 or more")
                + f" (or one of DfE's symbols: {', '.join([*MISSING_SYMBOLS, *ROUNDS_TO_ZERO])})"
            )
        rows.append(
            pd.DataFrame(
                {
                    "council": la["la_name"].map(short_council_name),
                    "year": year,
                    "metric": metric,
                    "observed": value / 100.0 if percent else value,
                }
            )
        )
    if problems:
        raise BadInput(
            problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        )
    if all(c in la.columns for c in BEYOND_COLUMNS):
        # agency workers covering no vacancy, over funded posts (in post and vacant): an input
        agency, cover, inpost, vacant = (dfe_values(la[c])[0] for c in BEYOND_COLUMNS)
        rows.append(
            pd.DataFrame(
                {
                    "council": la["la_name"].map(short_council_name),
                    "year": year,
                    "metric": BEYOND,
                    "observed": ((agency - cover).clip(lower=0) / (inpost + vacant)),
                }
            )
        )
        rows.append(
            pd.DataFrame(
                {
                    "council": la["la_name"].map(short_council_name),
                    "year": year,
                    "metric": POSTS,
                    "observed": inpost + vacant,
                }
            )
        )
    out = pd.concat(rows, ignore_index=True).dropna(subset=["year"])
    out["year"] = out["year"].astype(int)
    have_councils, have_years = set(out["council"]), set(out["year"])
    problems += [
        f"--workforce {path}: council {c!r} has no rows (councils in the file: "
        f"{len(have_councils)})"
        for c in councils or []
        if c not in have_councils
    ]
    absent = [y for y in years or [] if y not in have_years]
    if absent:
        problems.append(
            f"--workforce {path}: no rows for {_years(absent)} of the years asked "
            f"({_years(years or [])}); the file has {_years(sorted(have_years))}"
        )
    if problems:
        raise BadInput(problems)
    keep = out[out["council"].isin(councils)] if councils else out
    return keep.sort_values(["council", "metric", "year"]).reset_index(drop=True)


def _years(years: list[int]) -> str:
    """Years as runs: ``2017-2020, 2023``."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs) or "none"


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
                continue  # not a whole year of leavers before this census date
            at, year_rows = m.loc[end], m.loc[end - 11 : end]
            perm, agency, vac = at["perm_total"], at["agency_total"], at["vacancies_total"]
            year = first_year + int((end + first_month) // 12)
            values = {
                TURNOVER_RATE: year_rows["leavers"].sum() / year_rows["perm_total"].mean()
                if year_rows["perm_total"].mean() > 0
                else np.nan,
                AGENCY_SHARE: agency / (agency + perm) if agency + perm > 0 else np.nan,
                VACANCY_RATE: vac / (vac + perm) if vac + perm > 0 else np.nan,
                MEAN_CASELOAD: at["caseload_mean"],
            }
            rows += [
                {"council": council, "rep": rep, "year": year, "metric": k, "value": float(v)}
                for k, v in values.items()
            ]
    return pd.DataFrame(rows, columns=["council", "rep", "year", "metric", "value"])


def as_dfe(measures: pd.DataFrame) -> pd.DataFrame:
    """Yearly measures (council, year, metric, value; one replication) as a DfE workforce file's
    rows (``read_workforce`` reads them back): a history written by the model."""
    wide = measures.pivot_table(
        index=["council", "year"], columns="metric", values="value"
    ).reset_index()
    out = pd.DataFrame(
        {"time_period": wide["year"], "geographic_level": COUNCIL_LEVEL, "la_name": wide["council"]}
    )
    for metric, (column, percent) in MEASURES.items():
        out[column] = (wide[metric] * 100.0 if percent else wide[metric]).round(3)
    return out


def naive_forecast(observed: pd.DataFrame, fit_until: int) -> pd.DataFrame:
    """Each council's last observed value of each metric up to ``fit_until``, as the forecast of
    every later year observed: council, year, metric, naive."""
    past = observed[(observed["year"] <= fit_until)].dropna(subset=["observed"])
    last = (
        past.sort_values("year").groupby(["council", "metric"])["observed"].last().rename("naive")
    )
    later = observed[observed["year"] > fit_until][["council", "year", "metric"]]
    return later.merge(last.reset_index(), on=["council", "metric"], how="left")


def backtest_table(observed: pd.DataFrame, simulated: pd.DataFrame, fit_until: int) -> pd.DataFrame:
    """The years after ``fit_until`` with both an observation and simulations: council, year,
    metric, observed, the simulated mean and 90% band (5th to 95th percentile over replications),
    whether the band covers the observation, and the naive forecast."""
    sim = simulated[simulated["year"] > fit_until].dropna(subset=["value"])
    band = sim.groupby(["council", "year", "metric"])["value"].agg(
        sim_mean="mean",
        sim_p05=lambda v: v.quantile(BAND[0]),
        sim_p95=lambda v: v.quantile(BAND[1]),
    )
    table = observed.dropna(subset=["observed"]).merge(
        band.reset_index(), on=["council", "year", "metric"]
    )
    table["covered"] = (table["observed"] >= table["sim_p05"]) & (
        table["observed"] <= table["sim_p95"]
    )
    table = table.merge(
        naive_forecast(observed, fit_until), on=["council", "year", "metric"], how="left"
    )
    return (
        table[TABLE_COLUMNS + ["naive"]]
        .sort_values(["metric", "council", "year"])
        .reset_index(drop=True)
    )


def scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per metric: council-years tested, coverage of the 90% band, mean absolute error of the
    simulated mean and of the naive forecast (over the council-years that have both), and whether
    the model's error is the smaller."""
    rows = []
    for metric, t in table.groupby("metric", sort=False):
        both = t.dropna(subset=["naive"])
        model = float((both["sim_mean"] - both["observed"]).abs().mean()) if len(both) else np.nan
        naive = float((both["naive"] - both["observed"]).abs().mean()) if len(both) else np.nan
        rows.append(
            {
                "metric": metric,
                "council_years": len(t),
                "coverage_90": float(t["covered"].mean()),
                "mae_model": model,
                "mae_naive": naive,
                "model_better": bool(model < naive),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "metric",
            "council_years",
            "coverage_90",
            "mae_model",
            "mae_naive",
            "model_better",
        ],
    )


# -- where each council is heading: a partly pooled estimate ----------------------------------------
def _forecast_rows(observed: pd.DataFrame, fit_until: int) -> pd.DataFrame:
    """The fit years' observations of what the pooled model forecasts: the measures and the
    agency beyond vacancies, not the funded posts (an input as observed)."""
    fit = observed[(observed["year"] <= fit_until) & (observed["metric"] != POSTS)]
    return fit.dropna(subset=["observed"])


def persistence(observed: pd.DataFrame, fit_until: int) -> pd.DataFrame:
    """Per metric, from the fit years: how much of a council's distance from the region's mean
    (the mean over councils) is left a year later (``persistence``, least squares through 0,
    held in [0, 1]), the spread of what it leaves unexplained (``residual_sd``), and the
    council-year pairs it rests on."""
    rows = []
    fit = _forecast_rows(observed, fit_until)
    for metric, m in fit.groupby("metric", sort=False):
        dev = m.assign(dev=m["observed"] - m.groupby("year")["observed"].transform("mean"))
        wide = dev.pivot_table(index="council", columns="year", values="dev")
        years = sorted(wide.columns)
        pairs = [(wide[a], wide[b]) for a, b in zip(years, years[1:]) if b == a + 1]
        x = np.concatenate([a.to_numpy() for a, _ in pairs]) if pairs else np.array([])
        y = np.concatenate([b.to_numpy() for _, b in pairs]) if pairs else np.array([])
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        w = float(np.clip((x @ y) / (x @ x), 0.0, 1.0)) if x.size and x @ x > 0 else 0.0
        sd = float(np.sqrt(((y - w * x) ** 2).sum() / max(x.size - 1, 1))) if x.size else np.nan
        se = float(sd / np.sqrt(x @ x)) if x.size and x @ x > 0 else 0.0
        rows.append(
            {
                "metric": metric,
                "persistence": w,
                "persistence_se": se,
                "residual_sd": sd,
                "pairs": int(x.size),
            }
        )
    return pd.DataFrame(
        rows, columns=["metric", "persistence", "persistence_se", "residual_sd", "pairs"]
    )


def expected_levels(
    observed: pd.DataFrame, fit_until: int, years: list[int], pooled: pd.DataFrame
) -> pd.DataFrame:
    """Each council's expected value of each metric in ``years`` (after ``fit_until``) and its
    sd: the region's mean in the council's last fit year plus ``persistence ** h`` of the
    council's distance from it then (``h`` years on); the sd (a forecast's, as in a regression)
    adds up the unexplained spread of each of the ``h`` years and the persistence's own error
    times the distance it multiplies."""
    fit = _forecast_rows(observed, fit_until)
    means = fit.groupby(["metric", "year"])["observed"].mean()
    rows = []
    for (council, metric), m in fit.groupby(["council", "metric"]):
        last = m.sort_values("year").iloc[-1]
        p = pooled.set_index("metric").loc[metric]
        region = means[metric, int(last["year"])]
        for year in years:
            h = year - int(last["year"])
            w, sd, se = p["persistence"], p["residual_sd"], p["persistence_se"]
            distance = last["observed"] - region
            spread = np.sqrt(
                sd**2 * sum(w ** (2 * k) for k in range(h))
                + (h * w ** (h - 1) * se * distance) ** 2
            )
            spread = max(spread, RESOLUTION.get(metric, RESOLUTION["rate"]))
            rows.append(
                {
                    "council": council,
                    "year": year,
                    "metric": metric,
                    "expected": region + w**h * (last["observed"] - region),
                    "sd": spread,
                }
            )
    return pd.DataFrame(rows, columns=["council", "year", "metric", "expected", "sd"])


def council_targets(levels: pd.DataFrame, year: int) -> pd.DataFrame:
    """``fit_region``'s targets: each council's expected rates in ``year``, with 95% bounds."""
    at = levels[(levels["year"] == year) & levels["metric"].isin(FITTED)]
    return pd.DataFrame(
        {
            "geography": at["council"],
            "model_metric": at["metric"].map(FITTED),
            "value": at["expected"],
            "low": at["expected"] - 1.96 * at["sd"],
            "high": at["expected"] + 1.96 * at["sd"],
        }
    ).reset_index(drop=True)


# -- the councils' start and fit --------------------------------------------------------------------
def observed_start(scenario: Scenario, observed: pd.DataFrame, year: int) -> Scenario:
    """The region starting at ``year``'s census from each council's observed vacancy and agency
    rates (posts filled: 1 - vacancy rate; vacancies covered: agency workers over vacancies, at
    most all) and funded posts (the scenario's, which are those of its start year, times the
    council's observed posts that year over those in its start year: a region built from one
    census starts a backtest from another with that census's posts), the warm-up burning in
    only the case mix. A council whose rate or posts are missing that year keeps the scenario's."""
    at = observed[observed["year"] == year].set_index(["council", "metric"])["observed"]
    built = observed[observed["year"] == scenario.start.year].set_index(["council", "metric"])
    values: dict[str, float | int | bool] = {"start.year": year, "start.hold_staff": True}
    for name, member in scenario.members():
        prefix = f"authority.{name}." if scenario.is_region else ""
        now, then = at.get((name, POSTS), np.nan), built["observed"].get((name, POSTS), np.nan)
        if np.isfinite(now) and np.isfinite(then) and now > 0 and then > 0:
            posts = sum(lv.establishment for lv in member.workforce.levels.ordered())
            values.update(
                {prefix + k: v for k, v in establishment_of(member, posts * now / then).items()}
            )
        vacancy, agency = at.get((name, VACANCY_RATE), np.nan), at.get((name, AGENCY_SHARE), np.nan)
        beyond = at.get((name, BEYOND), np.nan)
        beyond = member.agency.beyond_vacancies if not np.isfinite(beyond) else float(beyond)
        if np.isfinite(vacancy):
            values[prefix + "workforce.initial_fill"] = round(1.0 - float(vacancy), 4)
        if np.isfinite(vacancy) and np.isfinite(agency) and vacancy > 0 and agency < 1:
            # per funded post: in post 1 - v, vacant v, agency a / (1 - a) * (1 - v), of whom
            # ``beyond`` cover no vacancy
            cover = (agency / (1.0 - agency) * (1.0 - vacancy) - beyond) / vacancy
            values[prefix + "agency.initial_cover"] = round(float(np.clip(cover, 0.0, 1.0)), 4)
    return scenario.with_values(values)


def with_establishment(scenario: Scenario, observed: pd.DataFrame, year: int) -> Scenario:
    """The region with each council's funded posts (DfE in post + vacancies, FTE) after
    ``year``'s census as multiples of that census's (``workforce.establishment_by_year``): an
    input of the forward runs, as their referral series is. A council without posts that year
    keeps its establishment. The region's supply of applicants grows with its posts (a series
    ``SUPPLY_SERIES``, by DfE reporting year: the posts at the census within it), so the region's
    mean vacancy rate holds, as the pooled forecast assumes."""
    posts = observed[(observed["metric"] == POSTS) & (observed["year"] >= year)].dropna(
        subset=["observed"]
    )
    values: dict[str, object] = {}
    ratios = []
    for name, _ in scenario.members():
        mine = posts[posts["council"] == name].set_index("year")["observed"]
        if year in mine.index and mine[year] > 0 and len(mine) > 1:
            prefix = f"authority.{name}." if scenario.is_region else ""
            ratio = (mine[mine > 0] / mine[year]).clip(0.01, 10.0)
            values[prefix + "workforce.establishment_by_year"] = {
                str(y): round(float(v), 4) for y, v in ratio.items()
            }
            ratios.append(mine[mine > 0])
    if scenario.is_region and ratios:
        both = pd.concat(ratios, axis=1).dropna()  # the councils' posts, in years all have
        region = both.sum(axis=1) / both.sum(axis=1).get(year, np.nan)
        if np.isfinite(region).all() and len(region) > 1:
            values[f"series.{SUPPLY_SERIES}"] = {
                "affects": "applicants",
                "source": "the councils' funded posts (DfE in post + "
                "vacancies) over those at the start: assumption, supply grows with the posts",
                "by_year": {
                    str(y + 1): round(float(np.clip(v, 0.01, 100.0)), 4) for y, v in region.items()
                },
            }
    return scenario.with_values(values)


def forward_posts(scenario: Scenario, observed: pd.DataFrame, year: int, posts: str) -> Scenario:
    """The forward runs' funded posts: 'observed', the councils' posts after ``year``'s census as
    the file has them (``with_establishment``); 'rule', funded by the establishment rule
    (``workforce.establishment = "follows_demand"``) from the councils' referrals, nothing read
    from the file."""
    if posts == "observed":
        return with_establishment(scenario, observed, year)
    return scenario.with_values({"workforce.establishment": "follows_demand"})


def neutral(scenario: Scenario) -> Scenario:
    """Every council's own parameters at the shared values (turnover scale 1, appeal 0, the
    scenario's agency backfill), so the fit starts from no knowledge of any council."""
    values: dict[str, float] = {}
    for name, _ in scenario.members():
        prefix = f"authority.{name}."
        values[prefix + "turnover.hazard_scale"] = 1.0
        values[prefix + "employer.appeal"] = 0.0
        values[prefix + "agency.backfill_probability"] = scenario.agency.backfill_probability
    return scenario.with_values(values) if scenario.is_region else scenario


@dataclass
class CouncilFit:
    """The councils' fitted parameters: ``scenario`` (the region with them), ``parameters`` (per
    council and parameter: value, the expected rate it is fitted to and that rate's sd, the rate's
    response to it, the centre of its draws, its 90% interval), ``quality`` (per council and
    rate: target, simulated, z; and the fit years' one-year-ahead error of the pooled model),
    ``pooled`` (per metric: persistence and residual spread) and the fit's history."""

    scenario: Scenario
    parameters: pd.DataFrame
    quality: pd.DataFrame
    pooled: pd.DataFrame
    region_fit: RegionFit


def _one_year_errors(observed: pd.DataFrame, fit_until: int, pooled: pd.DataFrame) -> pd.DataFrame:
    """Per council and metric: the fit years' root mean square error of the pooled model's
    forecast of each year from the one before (in sample)."""
    rows = []
    fit = observed[observed["year"] <= fit_until]
    years = sorted(fit["year"].unique())
    for year in years[1:]:
        ahead = expected_levels(fit[fit["year"] < year], year - 1, [year], pooled)
        got = ahead.merge(fit, on=["council", "year", "metric"]).dropna(subset=["observed"])
        rows.append(got.assign(error=got["observed"] - got["expected"]))
    if not rows:
        return pd.DataFrame(columns=["council", "metric", "fit_years_rmse"])
    errors = pd.concat(rows)
    return (
        errors.groupby(["council", "metric"])["error"]
        .apply(lambda e: float(np.sqrt((e**2).mean())))
        .rename("fit_years_rmse")
        .reset_index()
    )


def next_census(fit_until: int) -> Callable[[Runs, list[str]], dict[str, np.ndarray]]:
    """Reads each council's mean rates at the census a year after ``fit_until`` from runs that
    start at the ``fit_until`` census (``fit_region``'s measure)."""

    def measure(runs: Runs, names: list[str]) -> dict[str, np.ndarray]:
        months = runs.timeseries
        rates = yearly_measures(months[months["authority"].isin(names)], fit_until, SEPTEMBER + 1)
        mean = rates[rates["year"] == fit_until + 1].groupby(["metric", "council"])["value"].mean()
        return {model: mean[metric].reindex(names).to_numpy() for metric, model in FITTED.items()}

    return measure


def fit_councils(
    scenario: Scenario, observed: pd.DataFrame, fit_until: int, settings: Settings, progress=None
) -> CouncilFit:
    """Fit each council's parameters so that runs from the ``fit_until`` census (its observed
    state, the case mix burnt in) reach where it is heading a year later (see the module's
    docstring); ``settings``: the replications per round, the rounds and the seed."""
    pooled = persistence(observed, fit_until)
    levels = expected_levels(observed, fit_until, [fit_until + 1], pooled)
    beyond = levels[levels["metric"] == BEYOND]  # agency beyond vacancies: an input, not fitted
    base = neutral(scenario).with_values(
        {
            f"authority.{c}.agency.beyond_vacancies": round(float(np.clip(v, 0.0, 1.0)), 4)
            for c, v in zip(beyond["council"], beyond["expected"])
        }
    )
    base = observed_start(base, observed, fit_until)
    runs = Settings(
        reps=settings.reps,
        years=1.0,
        warmup_years=BURN_IN_YEARS,
        seed=settings.seed,
        workers=settings.workers,
        budget=settings.budget,
    )
    region = fit_region(
        base, council_targets(levels, fit_until + 1), runs, progress, next_census(fit_until)
    )
    # uncertainty: the expected rate's spread, carried to the parameter (``carry``)
    at = levels.set_index(["council", "metric"])
    rows = []
    for name, member in region.scenario.members():
        for parameter, (path, metric, scale, _) in PARAMETERS.items():
            if (name, metric) not in at.index:
                continue  # no history of this rate (a file without the columns of an input)
            rows.append(
                {
                    "council": name,
                    "parameter": parameter,
                    "path": path,
                    "value": float(member.get_value(path)),
                    "scale": scale,
                    "rate": float(at.loc[(name, metric), "expected"]),
                    "rate_sd": float(at.loc[(name, metric), "sd"]),
                    "elasticity": ASSUMED_ELASTICITY[scale],
                    "centre": float(at.loc[(name, metric), "expected"]),
                }
            )
    parameters = with_intervals(pd.DataFrame(rows))
    history = region.history
    best = history[(history["loss"] == region.loss) & (history["authority"] != "region")]
    best = best[best["round"] == best["round"].min()]
    quality = []
    for metric, model in FITTED.items():
        q = (
            best[["authority", f"{model}_target", f"{model}_simulated"]]
            .set_axis(["council", "target", "simulated"], axis=1)
            .assign(metric=metric)
        )
        sd = q["council"].map(lambda c: at.loc[(c, metric), "sd"])
        quality.append(q.assign(z=(q["simulated"] - q["target"]) / sd))
    quality = pd.concat(quality, ignore_index=True).merge(
        _one_year_errors(observed, fit_until, pooled), on=["council", "metric"], how="left"
    )
    return CouncilFit(
        region.scenario,
        parameters,
        quality[["council", "metric", "target", "simulated", "z", "fit_years_rmse"]],
        pooled,
        region,
    )


# how a rate answers its parameter before it is measured (``carry_spread``): in proportion to a
# scale, the vacancy rate's log-odds falling one for one with the appeal, an input as itself
ASSUMED_ELASTICITY = {"log": 1.0, "logit": -1.0, "linear": 1.0}
RATE_RANGE = (1e-3, 1.0 - 1e-3)


def carry(
    value: np.ndarray,
    scale: np.ndarray,
    elasticity: np.ndarray,
    rate: np.ndarray,
    new_rate: np.ndarray,
) -> np.ndarray:
    """The parameter that would move a council's rate from ``rate`` to ``new_rate``: a scale by
    the rates' ratio to the power 1 / elasticity, the appeal by the change in log-odds over the
    elasticity, an input by the change itself."""
    r0, r1 = np.clip(rate, *RATE_RANGE), np.clip(new_rate, *RATE_RANGE)
    return np.where(
        scale == "log",
        value * (r1 / r0) ** (1.0 / elasticity),
        np.where(
            scale == "logit",
            value + (logit(r1) - logit(r0)) / elasticity,
            value + (new_rate - rate),
        ),
    )


def _bounds(p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([PARAMETERS[k][3][0] for k in p["parameter"]]),
        np.array([PARAMETERS[k][3][1] for k in p["parameter"]]),
    )


def with_intervals(p: pd.DataFrame) -> pd.DataFrame:
    """Each parameter's 90% interval: its expected rate's 90% interval, carried (within bounds)."""
    low, high = _bounds(p)
    ends = [
        np.clip(
            carry(
                p["value"].to_numpy(),
                p["scale"].to_numpy(),
                p["elasticity"].to_numpy(),
                p["rate"].to_numpy(),
                p["rate"].to_numpy() + k * Z90 * p["rate_sd"].to_numpy(),
            ),
            low,
            high,
        )
        for k in (-1, 1)
    ]
    return p.assign(low_90=np.minimum(*ends), high_90=np.maximum(*ends))


def parameter_draws(fit: CouncilFit, reps: int, seed: int) -> pd.DataFrame:
    """One row per replication: each council's parameters, carried from a draw of where its
    rates are heading (normal about ``centre``, with the expected rates' spread; within the
    parameters' bounds; the agency rate's through two parameters, below), from a stream of their
    own under ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DRAWS_KEY,)))
    p = fit.parameters
    z = rng.standard_normal((reps, len(p)))
    drawn = carry(
        p["value"].to_numpy(),
        p["scale"].to_numpy(),
        p["elasticity"].to_numpy(),
        p["rate"].to_numpy(),
        p["centre"].to_numpy() + z * p["rate_sd"].to_numpy(),
    )
    columns = [f"authority.{c}.{path}" for c, path in zip(p["council"], p["path"])]
    # A council's agency rate is drawn once: a draw below its expected rate lowers its backfill
    # (carried), one above raises its agency beyond vacancies, which has no bound near it (a
    # backfill fitted at 1 cannot rise). Per funded post, with vacancy rate v and agency rate a,
    # the agency rate answers the agency beyond vacancies b by da / db = (1 - a)^2 / (1 - v).
    index = {(c, k): i for i, (c, k) in enumerate(zip(p["council"], p["parameter"]))}
    for council in p["council"].unique():
        fill, beyond = (
            index.get((council, "backfill_probability")),
            index.get((council, "beyond_vacancies")),
        )
        if fill is None or beyond is None:
            continue
        a = float(np.clip(p.at[p.index[fill], "rate"], *RATE_RANGE))
        vacancy = index.get((council, "appeal"))
        v = (
            float(np.clip(p.at[p.index[vacancy], "rate"], *RATE_RANGE))
            if vacancy is not None
            else 0.0
        )
        rise = p.at[p.index[fill], "centre"] + z[:, fill] * p.at[p.index[fill], "rate_sd"] - a
        drawn[:, fill] = np.where(rise > 0, p.at[p.index[fill], "value"], drawn[:, fill])
        drawn[:, beyond] = (
            p.at[p.index[beyond], "value"] + np.maximum(rise, 0.0) * (1 - v) / (1 - a) ** 2
        )
    return pd.DataFrame(np.clip(drawn, *_bounds(p)), columns=columns)


DRAWS_KEY = 14  # the spawn key of the parameter draws' stream (apart from every replication's)


@dataclass
class Backtest:
    """A backtest's results: the table (``TABLE_COLUMNS`` + naive), the scores per metric, the
    fit, and the simulated yearly measures (council, rep, year, metric, value)."""

    table: pd.DataFrame
    scores: pd.DataFrame
    fit: CouncilFit
    simulated: pd.DataFrame
    start: Scenario  # the fitted region, starting from the observed state


def _forecast(
    start: Scenario,
    draws: pd.DataFrame,
    fit_until: int,
    until: int,
    reps: int,
    seed: int,
    workers: int | Executor,
) -> pd.DataFrame:
    """The councils' yearly measures in runs from the ``fit_until`` census to ``until``'s."""
    runs = run_experiment(
        start, reps, seed, float(until - fit_until), BURN_IN_YEARS, workers, draws=draws
    )
    months = runs.timeseries
    return yearly_measures(months[months["authority"] != "region"], fit_until, SEPTEMBER + 1)


def carry_spread(
    fit: CouncilFit, draws: pd.DataFrame, simulated: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The fitted parameters with each rate's measured response to its parameter in ``year`` (an
    elasticity pooled over the councils, from the replications of ``draws``, each of which drew
    its parameters), which then carries the expected rate's spread to the parameter (a parameter
    its rate barely answers in a year keeps the assumed response). The runs' own chance adds to
    the spread, so where the spread already counts chance the band is wider than it."""
    p = fit.parameters.copy()
    at = _rates_at(simulated, year)
    for parameter, (path, metric, scale, _) in PARAMETERS.items():
        rows = p[p["parameter"] == parameter]
        if scale == "linear" or rows.empty:
            continue  # an input: no rate of its own is simulated
        x, y = [], []
        for _, row in rows.iterrows():
            drawn = draws[f"authority.{row['council']}.{path}"].to_numpy()[at.index]
            d = np.log(drawn / row["value"]) if scale == "log" else drawn - row["value"]
            rate = at[(row["council"], metric)].to_numpy()
            ok = np.isfinite(rate)
            mean = float(rate[ok].mean())
            x.append(d[ok] - d[ok].mean())
            y.append((rate[ok] - mean) / max(mean if scale == "log" else mean * (1.0 - mean), 1e-6))
        xs, ys = np.concatenate(x), np.concatenate(y)
        measured = float((xs @ ys) / (xs @ xs)) if xs @ xs > 0 else 0.0
        if abs(measured) >= WEAK_ELASTICITY and np.sign(measured) == np.sign(
            ASSUMED_ELASTICITY[scale]
        ):
            p.loc[rows.index, "elasticity"] = measured
    return with_intervals(p)


def recentre(parameters: pd.DataFrame, simulated: pd.DataFrame, year: int) -> pd.DataFrame:
    """The draws' centres moved by as much as the runs' mean rate in ``year`` missed the expected
    rate (the draws' curvature and bounds shift the mean)."""
    p = parameters.copy()
    at = _rates_at(simulated, year)
    for i, row in p.iterrows():
        metric = PARAMETERS[row["parameter"]][1]
        if row["scale"] == "linear" or (row["council"], metric) not in at.columns:
            continue
        mean = float(np.nanmean(at[(row["council"], metric)].to_numpy()))
        p.at[i, "centre"] = float(np.clip(row["centre"] + row["rate"] - mean, *RATE_RANGE))
    return p


def _rates_at(simulated: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each replication's rates in ``year``: a row per replication, a column per (council, metric)."""
    return simulated[simulated["year"] == year].pivot_table(
        index="rep", columns=["council", "metric"], values="value"
    )


# a rate that answers its parameter less than this in a year does not identify it: it keeps the
# assumed response rather than a spread blown up by noise
WEAK_ELASTICITY = 0.25


POSTS_FROM = ("observed", "rule")


def backtest(
    scenario: Scenario,
    observed: pd.DataFrame,
    fit_until: int,
    until: int,
    reps: int,
    seed: int,
    workers: int | Executor,
    settings: Settings,
    progress=None,
    posts: str = "observed",
) -> Backtest:
    """Fit on the years up to ``fit_until``, run ``reps`` replications from that census to
    ``until``'s (three times: with the establishment as in the fit, the first runs measure
    how the rates answer the parameters, which sets the parameters' spread, ``carry_spread``,
    and the second where the draws centre, ``recentre``; the third fund posts as ``posts`` says:
    'observed', the councils' observed funded posts, or 'rule', the establishment rule of
    ``workforce.establishment = "follows_demand"`` from the councils' referral series), and score
    them against ``observed``."""
    if posts not in POSTS_FROM:
        raise BadInput(f"--posts {posts!r}: one of {', '.join(POSTS_FROM)}")
    scenario = scenario.with_values({"workforce.establishment": "fixed"})  # the fit holds posts
    fit = fit_councils(scenario, observed, fit_until, settings, progress)
    held = observed_start(fit.scenario, observed, fit_until)
    first = parameter_draws(fit, reps, seed)
    fit.parameters = carry_spread(
        fit, first, _forecast(held, first, fit_until, until, reps, seed, workers), fit_until + 1
    )
    second = parameter_draws(fit, reps, seed)
    fit.parameters = recentre(
        fit.parameters,
        _forecast(held, second, fit_until, until, reps, seed, workers),
        fit_until + 1,
    )
    start = forward_posts(held, observed, fit_until, posts)
    draws = parameter_draws(fit, reps, seed)
    simulated = _forecast(start, draws, fit_until, until, reps, seed, workers)
    table = backtest_table(observed, simulated, fit_until)
    return Backtest(table, scores(table), fit, simulated, start)
