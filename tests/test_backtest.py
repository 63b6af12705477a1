"""The backtest's groundwork (issue 14): a DfE-format workforce history read and checked, the
model's monthly rows turned into DfE's yearly measures, and the band and errors scored against the
naive last-value forecast."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REGIONAL_MARKET
from scipy.stats import spearmanr

from calibration.backtest import (
    BEYOND,
    MEASURES,
    POSTS,
    SEPTEMBER,
    TABLE_COLUMNS,
    as_dfe,
    backtest,
    backtest_table,
    expected_levels,
    forward_posts,
    naive_forecast,
    observed_start,
    persistence,
    read_workforce,
    scores,
    with_establishment,
    yearly_measures,
)
from calibration.dfe import DATA
from calibration.fit import Settings
from sim.cli.main import main
from sim.errors import BadInput
from sim.experiment.replications import run_experiment
from sim.scenario import scenario_to_toml

pytestmark = pytest.mark.slow  # the full tier (see pyproject.toml)

FILE = DATA / "csww_indicators_2017_2020.csv"
WEST_MIDLANDS = [
    "Birmingham",
    "Coventry",
    "Dudley",
    "Herefordshire",
    "Sandwell",
    "Shropshire",
    "Solihull",
    "Staffordshire",
    "Stoke-on-Trent",
    "Telford and Wrekin",
    "Walsall",
    "Warwickshire",
    "Wolverhampton",
    "Worcestershire",
]


def test_the_dfe_history_reads_as_shares_for_every_council_and_year():
    obs = read_workforce(FILE, WEST_MIDLANDS, [2017, 2018, 2019, 2020])
    assert set(obs["council"]) == set(WEST_MIDLANDS) and set(obs["year"]) == {
        2017,
        2018,
        2019,
        2020,
    }
    raw = pd.read_csv(FILE)
    row = raw[(raw["la_name"] == "Birmingham") & (raw["time_period"] == 2020)].iloc[0]
    got = obs.set_index(["council", "year", "metric"])["observed"]
    assert got["Birmingham", 2020, "turnover_rate"] == pytest.approx(row["turnover_rate_fte"] / 100)
    assert got["Birmingham", 2020, "mean_caseload"] == pytest.approx(float(row["caseload_fte"]))
    assert got["Herefordshire", 2019, "vacancy_rate"] >= 0  # 'Herefordshire, County of' in the file


def test_the_councils_funded_posts_are_an_input_of_the_forward_runs(baseline):
    """Funded posts are DfE's in post plus vacancies (FTE); the forward runs follow them as
    multiples of the fit's last census, and the pooled forecast leaves them out."""
    obs = read_workforce(FILE, WEST_MIDLANDS, [2019, 2020])
    raw = pd.read_csv(FILE)
    row = raw[(raw["la_name"] == "Stoke-on-Trent") & (raw["time_period"] == 2019)].iloc[0]
    posts = obs[obs["metric"] == POSTS].set_index(["council", "year"])["observed"]
    assert posts["Stoke-on-Trent", 2019] == pytest.approx(row["inpost_fte"] + row["vacancy_fte"])
    region = baseline.with_overrides(
        name="two", start={"year": 2019}, authority={"Stoke-on-Trent": {}, "Walsall": {}}
    )
    series = {
        name: m.workforce.establishment_by_year
        for name, m in with_establishment(region, obs, 2019).members()
    }
    assert series["Stoke-on-Trent"]["2019"] == 1.0
    assert series["Stoke-on-Trent"]["2020"] == pytest.approx(
        posts["Stoke-on-Trent", 2020] / posts["Stoke-on-Trent", 2019], abs=1e-4
    )
    assert series["Walsall"]["2020"] < 1.0  # Walsall's posts fell in 2020
    assert POSTS not in set(persistence(obs, 2020)["metric"])


def test_a_backtest_starts_from_the_fit_years_posts_not_the_built_in_years(baseline):
    """A region built from the 2020 census and backtested from 2019 starts each council at its
    2019 funded posts (its posts times DfE's 2019 posts over its 2020 posts)."""
    obs = read_workforce(FILE, WEST_MIDLANDS, [2019, 2020])
    posts = obs[obs["metric"] == POSTS].set_index(["council", "year"])["observed"]
    region = baseline.with_overrides(
        name="two", start={"year": 2020}, authority={"Stoke-on-Trent": {}, "Walsall": {}}
    )
    built = {
        n: sum(lv.establishment for lv in m.workforce.levels.ordered()) for n, m in region.members()
    }
    start = observed_start(region, obs, 2019)
    assert start.start.year == 2019
    for name, member in start.members():
        now = sum(lv.establishment for lv in member.workforce.levels.ordered())
        expected = built[name] * posts[name, 2019] / posts[name, 2020]
        assert abs(now - expected) <= 0.5, name
    stoke = dict(start.members())["Stoke-on-Trent"]
    assert (
        sum(lv.establishment for lv in stoke.workforce.levels.ordered()) < built["Stoke-on-Trent"]
    )
    # the levels keep their shares
    shares = [
        lv.establishment for lv in dict(region.members())["Walsall"].workforce.levels.ordered()
    ]
    now = [lv.establishment for lv in dict(start.members())["Walsall"].workforce.levels.ordered()]
    assert np.corrcoef(shares, now)[0, 1] > 0.99


def test_the_forward_runs_can_fund_posts_by_the_rule_instead(baseline):
    """--posts rule: nothing is read of the councils' posts; each follows its demand by the rule
    (from a fit that held them)."""
    obs = read_workforce(FILE, WEST_MIDLANDS, [2019, 2020])
    region = baseline.with_overrides(
        name="two",
        start={"year": 2019},
        workforce={"establishment": "fixed"},
        authority={"Stoke-on-Trent": {}, "Walsall": {}},
    )
    for name, m in forward_posts(region, obs, 2019, "rule").members():
        assert (
            m.workforce.establishment == "follows_demand" and not m.workforce.establishment_by_year
        )
    observed = dict(forward_posts(region, obs, 2019, "observed").members())
    assert observed["Walsall"].workforce.establishment_by_year["2020"] < 1.0
    with pytest.raises(BadInput):
        backtest(region, obs, 2019, 2020, 2, 1, 1, Settings(reps=1, budget=1), posts="guessed")


def _broken(tmp_path, edit) -> str:
    raw = pd.read_csv(FILE, dtype=str, keep_default_na=False)
    path = tmp_path / "workforce.csv"
    edit(raw).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda r: r.drop(columns=["vacancy_rate_fte"]), ["missing column", "vacancy_rate_fte"]),
        (
            lambda r: r.assign(
                turnover_rate_fte=r["turnover_rate_fte"].where(r["la_name"] != "Dudley", "lots")
            ),
            ["turnover_rate_fte", "'lots'", "percentage"],
        ),
        (
            lambda r: r.assign(
                agency_rate_fte=r["agency_rate_fte"].where(r["la_name"] != "Walsall", "140")
            ),
            ["agency_rate_fte", "'140'", "[0, 100]"],
        ),
        (
            lambda r: r.assign(
                time_period=r["time_period"].where(r["la_name"] != "Solihull", "next year")
            ),
            ["time_period", "'next year'", "not a year"],
        ),
        (lambda r: r[r["la_name"] != "Sandwell"], ["council 'Sandwell' has no rows"]),
        (
            lambda r: r[r["time_period"] != "2018"],
            ["no rows for 2018 of the years asked (2017-2020); the file has 2017, 2019-2020"],
        ),
    ],
)
def test_a_bad_workforce_file_is_refused_naming_the_problem(tmp_path, edit, words):
    with pytest.raises(BadInput) as err:
        read_workforce(_broken(tmp_path, edit), WEST_MIDLANDS, [2017, 2018, 2019, 2020])
    text = str(err.value)
    assert all(w in text for w in words), text


def test_suppressed_values_are_missing_not_malformed(tmp_path):
    path = _broken(
        tmp_path,
        lambda r: r.assign(caseload_fte=r["caseload_fte"].where(r["la_name"] != "Coventry", "x")),
    )
    obs = read_workforce(path, ["Coventry"])
    assert obs[obs["metric"] == "mean_caseload"]["observed"].isna().all()


def test_missing_years_are_one_line_naming_the_years_asked_and_held():
    with pytest.raises(BadInput) as err:
        read_workforce(FILE, WEST_MIDLANDS, list(range(2019, 2032)))  # --until 2031
    assert err.value.problems == [
        f"--workforce {FILE}: no rows for 2021-2031 of the years asked "
        "(2019-2031); the file has 2017-2020"
    ]
    with pytest.raises(BadInput) as err:
        read_workforce(FILE, WEST_MIDLANDS, list(range(1990, 2018)))  # --fit-until 1990
    assert (
        len(err.value.problems) == 1
        and "no rows for 1990-2016 of the years asked (1990-2017)" in err.value.problems[0]
    )


def _dfe_2021_on(tmp_path) -> Path:
    """The 2020 rows of the West Midlands councils as DfE publishes them from 2021 on (the same
    columns), for 2021-2023, with its symbols in places: `low` (a positive value that rounds to
    zero), `u` (low reliability), `c`, `x`, `z` and a bracketed `[c]`."""
    raw = pd.read_csv(FILE, dtype=str, keep_default_na=False)
    last = raw[raw["time_period"] == "2020"]
    frames = [last.assign(time_period=str(year)) for year in (2021, 2022, 2023)]
    out = pd.concat(frames, ignore_index=True)
    council = out["la_name"]
    out.loc[(council == "Solihull") & (out["time_period"] == "2022"), "agency_rate_fte"] = "low"
    out.loc[(council == "Solihull") & (out["time_period"] == "2022"), "agency_fte"] = "low"
    out.loc[(council == "Dudley") & (out["time_period"] == "2021"), "turnover_rate_fte"] = "u"
    out.loc[(council == "Walsall") & (out["time_period"] == "2023"), "caseload_fte"] = "c"
    out.loc[(council == "Coventry") & (out["time_period"] == "2023"), "vacancy_rate_fte"] = "[c]"
    out.loc[council == "Sandwell", "absence_rate_fte"] = "x"
    out.loc[council == "Wolverhampton", "agency_cover_rate_fte"] = "z"
    path = tmp_path / "csww_2021_2023.csv"
    out.to_csv(path, index=False)
    return path


def test_dfe_files_from_2021_on_are_read_with_dfe_symbols(tmp_path):
    path = _dfe_2021_on(tmp_path)
    assert "low" in path.read_text() and ",u," in path.read_text()
    obs = read_workforce(path, WEST_MIDLANDS, [2021, 2022, 2023]).set_index(
        ["council", "year", "metric"]
    )["observed"]
    assert obs["Solihull", 2022, "agency_share"] == 0.0  # low: rounds to zero
    assert obs["Solihull", 2021, "agency_share"] > 0
    assert np.isnan(obs["Dudley", 2021, "turnover_rate"])  # u: withheld as unreliable
    assert obs["Dudley", 2022, "turnover_rate"] > 0
    assert np.isnan(obs["Walsall", 2023, "mean_caseload"]) and np.isnan(
        obs["Coventry", 2023, "vacancy_rate"]
    )
    assert np.isfinite(obs["Solihull", 2022, BEYOND])  # agency FTE 'low' is 0, not malformed
    raw = pd.read_csv(FILE)
    row = raw[(raw["la_name"] == "Sandwell") & (raw["time_period"] == 2020)].iloc[0]
    assert obs["Sandwell", 2023, "agency_share"] == pytest.approx(row["agency_rate_fte"] / 100)
    # a symbol DfE does not use is still malformed, naming DfE's
    bad = tmp_path / "bad.csv"
    bad.write_text(path.read_text().replace(",low,", ",tiny,"))
    with pytest.raises(
        BadInput,
        match="'tiny' is not a percentage in \\[0, 100\\] \\(or one of DfE's symbols: c, x, z, u",
    ):
        read_workforce(bad, WEST_MIDLANDS)


def test_the_shipped_dfe_readers_read_low_as_zero_and_symbols_as_missing(tmp_path):
    from calibration.dfe import DATA, read_dfe

    frame = read_dfe(DATA / "csww_indicators_2017_2020.csv")
    assert frame["absence_rate_fte"].dtype.kind == "f"  # it holds one 'low'
    text = pd.read_csv(DATA / "csww_indicators_2017_2020.csv", dtype=str, keep_default_na=False)
    assert (frame["absence_rate_fte"][text["absence_rate_fte"] == "low"] == 0.0).all()
    path = _dfe_2021_on(tmp_path)
    frame = read_dfe(path)
    assert (
        frame["agency_rate_fte"].dtype.kind == "f" and frame["turnover_rate_fte"].isna().sum() == 1
    )
    assert frame["la_name"].dtype.kind not in "fi"


def _months(reps=2, n=36, first_month=0):
    """Monthly rows of one council: 100 staff, 1 leaver a month, 10 agency, 20 vacancies, 17 cases
    each (turnover 12%, agency rate 10/110, vacancy rate 20/120), plus noise by replication."""
    rows = []
    for rep in range(reps):
        for month in range(n):
            rows.append(
                {
                    "authority": "A",
                    "rep": rep,
                    "month": month,
                    "leavers": 1.0 + rep,
                    "perm_total": 100.0,
                    "agency_total": 10.0,
                    "vacancies_total": 20.0,
                    "caseload_mean": 17.0,
                }
            )
    return pd.DataFrame(rows)


def test_yearly_measures_follow_dfe_at_the_september_census():
    # month 0 ends in January 2021: Septembers are months 8, 20, 32; month 8 lacks a whole year
    got = yearly_measures(_months(), 2021, first_month=0)
    assert sorted(got["year"].unique()) == [2022, 2023]
    rep0 = got[got["rep"] == 0].set_index(["year", "metric"])["value"]
    assert rep0[2022, "turnover_rate"] == pytest.approx(12 / 100)
    assert rep0[2022, "agency_share"] == pytest.approx(10 / 110)
    assert rep0[2022, "vacancy_rate"] == pytest.approx(20 / 120)
    assert rep0[2022, "mean_caseload"] == 17.0
    # starting in October (month 0 ends in October 2020): the first September is month 11
    later = yearly_measures(_months(), 2020, first_month=9)
    assert sorted(later["year"].unique()) == [2021, 2022, 2023]


def test_the_table_scores_the_band_and_the_naive_forecast():
    observed = pd.DataFrame(
        {
            "council": ["A"] * 3 + ["B"] * 3,
            "year": [2018, 2019, 2020] * 2,
            "metric": "turnover_rate",
            "observed": [0.1, 0.2, 0.15, 0.3, 0.3, 0.5],
        }
    )
    sims = pd.DataFrame(
        {
            "council": np.repeat(["A", "B"], 100),
            "year": 2020,
            "metric": "turnover_rate",
            "rep": np.tile(np.arange(100), 2),
            "value": np.concatenate([np.linspace(0.1, 0.2, 100), np.linspace(0.2, 0.3, 100)]),
        }
    )
    naive = naive_forecast(observed, 2019).set_index("council")["naive"]
    assert naive["A"] == 0.2 and naive["B"] == 0.3
    table = backtest_table(observed, sims, 2019)
    assert list(table["covered"]) == [True, False]  # 0.15 in A's band; 0.5 above B's
    s = scores(table).set_index("metric").loc["turnover_rate"]
    assert s["coverage_90"] == 0.5 and s["council_years"] == 2
    assert s["mae_model"] == pytest.approx((abs(0.15 - 0.15) + abs(0.25 - 0.5)) / 2)
    assert s["mae_naive"] == pytest.approx((0.05 + 0.2) / 2)
    assert s["model_better"] == (s["mae_model"] < s["mae_naive"])
    assert set(MEASURES) == {"turnover_rate", "agency_share", "vacancy_rate", "mean_caseload"}


# -- the synthetic backtest: councils with known parameters, their history, the fit, the bands ----
TRUE = {"A": (0.6, 0.8, 0.25), "B": (1.0, 0.0, 0.5), "C": (1.8, -0.8, 0.9), "D": (1.3, 0.4, 0.35)}
HISTORY_START, FIT_UNTIL, UNTIL = 2010, 2014, 2016


@pytest.fixture(scope="module")
def synthetic(baseline, tmp_path_factory):
    """Four councils of a regional market with known turnover scales, appeals and agency backfill;
    their simulated history for 2011-2016 written as a DfE file; the backtest fitted on 2011-2014."""
    councils = {
        name: {
            "turnover": {"hazard_scale": h},
            "employer": {"appeal": a},
            "agency": {"backfill_probability": b},
        }
        for name, (h, a, b) in TRUE.items()
    }
    truth = baseline.with_overrides(
        name="synthetic",
        authority=councils,
        market=REGIONAL_MARKET,
        start={"year": HISTORY_START},
        workforce={"establishment": "fixed"},
    )  # posts as the fit holds them
    runs = run_experiment(truth, 1, 99, UNTIL - HISTORY_START, 3.0)
    months = runs.timeseries[runs.timeseries["authority"] != "region"]
    history = yearly_measures(months, HISTORY_START, SEPTEMBER + 1)
    path = tmp_path_factory.mktemp("synthetic") / "workforce.csv"
    as_dfe(history).to_csv(path, index=False)
    observed = read_workforce(path, list(TRUE), list(range(HISTORY_START + 1, UNTIL + 1)))
    settings = Settings(reps=4, seed=5, workers=1, budget=8)
    return backtest(truth, observed, FIT_UNTIL, UNTIL, 40, 7, 1, settings), observed


def test_the_synthetic_history_reads_back_as_written(synthetic):
    _, observed = synthetic
    assert set(observed["year"]) == set(range(HISTORY_START + 1, UNTIL + 1))
    assert observed["observed"].notna().all()


def test_the_fit_recovers_each_councils_parameters(synthetic):
    bt, _ = synthetic
    fitted = bt.fit.parameters.set_index(["council", "parameter"])["value"]
    for name, (hazard, appeal, backfill) in TRUE.items():
        assert abs(np.log(fitted[name, "hazard_scale"] / hazard)) < 0.4, name
        assert abs(np.log(fitted[name, "backfill_probability"] / backfill)) < 0.5, name
    # appeals are relative (their weighted mean is held at 0) and move a year's vacancies less
    # than the start does: their order is what is known, and each parameter's order is recovered
    for k, parameter in enumerate(["hazard_scale", "appeal", "backfill_probability"]):
        rho = spearmanr([fitted[n, parameter] for n in TRUE], [v[k] for v in TRUE.values()])[0]
        assert rho >= 0.6, parameter
    # ... and every fitted value lies in its reported 90% interval
    p = bt.fit.parameters
    assert ((p["low_90"] <= p["value"]) & (p["value"] <= p["high_90"])).all()


def test_the_bands_cover_the_later_years_at_about_their_nominal_rate(synthetic):
    bt, _ = synthetic
    table = bt.table
    assert set(table["year"]) == {FIT_UNTIL + 1, UNTIL} and set(table["council"]) == set(TRUE)
    rates = table[table["metric"] != "mean_caseload"]
    assert len(rates) == 4 * 2 * 3
    assert 0.7 <= rates["covered"].mean() <= 1.0
    # not by bands so wide they say nothing: narrower than the councils' spread of turnover
    turnover = rates[rates["metric"] == "turnover_rate"]
    spread = max(TRUE.values())[0] / min(TRUE.values())[0]
    assert ((turnover["sim_p95"] - turnover["sim_p05"]) < turnover["sim_mean"] * spread).all()


# -- the command ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_region(baseline, tmp_path_factory):
    """The synthetic region as a scenario file, and its simulated DfE history."""
    root = tmp_path_factory.mktemp("backtest_cli")
    councils = {name: {"turnover": {"hazard_scale": h}} for name, (h, _, _) in TRUE.items()}
    truth = baseline.with_overrides(
        name="small", authority=councils, market=REGIONAL_MARKET, start={"year": HISTORY_START}
    )
    (root / "small.toml").write_text(scenario_to_toml(truth))
    runs = run_experiment(truth, 1, 3, UNTIL - HISTORY_START, 1.0)
    history = yearly_measures(
        runs.timeseries[runs.timeseries["authority"] != "region"], HISTORY_START, SEPTEMBER + 1
    )
    as_dfe(history).to_csv(root / "history.csv", index=False)
    return root


def test_swsim_backtest_writes_the_table_the_plots_and_the_summary(small_region, capsys):
    out = small_region / "out"
    args = [
        "backtest",
        str(small_region / "small.toml"),
        "--workforce",
        str(small_region / "history.csv"),
        "--fit-until",
        str(FIT_UNTIL),
        "--until",
        str(UNTIL),
        "--reps",
        "6",
        "--budget",
        "2",
        "--fit-reps",
        "2",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    table = pd.read_csv(out / "backtest.csv")
    assert list(table.columns[:8]) == TABLE_COLUMNS
    assert set(table["metric"]) == set(MEASURES) and set(table["year"]) == {FIT_UNTIL + 1, UNTIL}
    assert (table["sim_p05"] <= table["sim_mean"]).all() and (
        table["sim_mean"] <= table["sim_p95"]
    ).all()
    summary = pd.read_csv(out / "summary.csv")
    assert {"coverage_90", "mae_model", "mae_naive"} <= set(summary.columns)
    for metric in MEASURES:
        assert (out / f"backtest_{metric}.png").stat().st_size > 10_000
    text = (out / "summary.md").read_text()
    assert "MAE naive" in text and "90% interval" in text
    params = pd.read_csv(out / "parameters.csv")
    assert set(params["council"]) == set(TRUE)
    # the same seed gives the same table, whatever the number of workers
    again = small_region / "again"
    assert main(args[:-4] + ["--workers", "2", "--out", str(again)]) == 0
    pd.testing.assert_frame_equal(table, pd.read_csv(again / "backtest.csv"))


def _edited(small_region, name: str, edit) -> str:
    raw = pd.read_csv(small_region / "history.csv", dtype=str, keep_default_na=False)
    path = small_region / name
    edit(raw).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize(
    "name, edit, extra, words",
    [
        ("no_council.csv", lambda r: r[r["la_name"] != "C"], [], ["council 'C' has no rows"]),
        (
            "no_year.csv",
            lambda r: r[r["time_period"] != str(UNTIL)],
            [],
            [f"no rows for {UNTIL} of the years"],
        ),
        (
            "bad_value.csv",
            lambda r: r.assign(turnover_rate_fte=r["turnover_rate_fte"].where(r.index != 2, "12%")),
            [],
            ["line 4", "turnover_rate_fte", "'12%'"],
        ),
        (
            "bad_year.csv",
            lambda r: r.assign(time_period=r["time_period"].where(r.index != 0, "2011/12")),
            [],
            ["line 2", "time_period", "not a year"],
        ),
        (
            "no_column.csv",
            lambda r: r.drop(columns=["caseload_fte"]),
            [],
            ["missing column", "caseload_fte"],
        ),
        ("fine.csv", lambda r: r, ["--fit-until", str(UNTIL)], ["--until", "after --fit-until"]),
        ("fine.csv", lambda r: r, ["--fit-until", str(HISTORY_START + 1)], ["at least two"]),
    ],
)
def test_a_bad_workforce_file_exits_2_naming_the_problem(
    small_region, capsys, name, edit, extra, words
):
    path = _edited(small_region, name, edit)
    out = small_region / f"never_{name}"
    args = [
        "backtest",
        str(small_region / "small.toml"),
        "--workforce",
        path,
        "--fit-until",
        str(FIT_UNTIL),
        "--until",
        str(UNTIL),
        "--reps",
        "2",
        "--workers",
        "1",
        "--out",
        str(out),
        *extra,
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert "Traceback" not in err and not out.exists()


def test_backtest_needs_a_region(capsys, tmp_path):
    assert (
        main(
            [
                "backtest",
                "baseline",
                "--workforce",
                str(FILE),
                "--fit-until",
                "2019",
                "--until",
                "2020",
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "region" in capsys.readouterr().err and not (tmp_path / "x").exists()


def test_the_pooled_persistence_recovers_a_known_one():
    """Councils whose distance from the region's mean follows x' = 0.6 x + N(0, 0.02): the
    pooled fit finds the factor and the spread, and forecasts the region's mean plus 0.6 of the
    last distance."""
    rng = np.random.default_rng(3)
    n, years = 300, range(2014, 2020)
    x = rng.normal(0, 0.04, n)
    rows = []
    for y in years:
        rows += [
            {"council": f"c{i}", "year": y, "metric": "vacancy_rate", "observed": 0.15 + v}
            for i, v in enumerate(x)
        ]
        x = 0.6 * x + rng.normal(0, 0.02, n)
    observed = pd.DataFrame(rows)
    pooled = persistence(observed, 2019).set_index("metric").loc["vacancy_rate"]
    assert pooled["persistence"] == pytest.approx(0.6, abs=0.05)
    assert pooled["residual_sd"] == pytest.approx(0.02, rel=0.1)
    levels = expected_levels(observed, 2019, [2020], persistence(observed, 2019))
    last = observed[observed["year"] == 2019].set_index("council")["observed"]
    got = levels.set_index("council")["expected"]
    want = last.mean() + pooled["persistence"] * (last - last.mean())
    assert np.allclose(got[want.index], want)


def test_a_rate_that_never_moved_keeps_the_published_precision_as_its_spread():
    observed = pd.DataFrame(
        [
            {"council": c, "year": y, "metric": "agency_share", "observed": 0.0}
            for c in "AB"
            for y in (2017, 2018, 2019)
        ]
    )
    levels = expected_levels(observed, 2019, [2020], persistence(observed, 2019))
    assert (levels["expected"] == 0.0).all() and (levels["sd"] >= 0.001).all()
