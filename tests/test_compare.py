"""Comparing scenarios: paired differences on common random numbers, files, adaptive replications."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from sim.cli.main import main
from sim.experiment.compare import Comparison, compare
from sim.experiment.replications import run_replications
from sim.experiment.stats import T_CLIPPED, mean_interval


def test_compare_writes_and_prints_the_comparison(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert (
        main(
            [
                "compare",
                "baseline",
                "caseload_cap",
                "pay_alignment",
                "--reps",
                "3",
                "--years",
                "2",
                "--warmup-years",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "the paired difference from A" in printed and "B  a caseload cap of" in printed
    table = pd.read_parquet(out / "comparison.parquet")
    assert set(table.columns) >= {
        "scenario",
        "metric",
        "mean",
        "ci_low",
        "ci_high",
        "diff",
        "diff_low",
        "diff_high",
        "n",
    }
    assert list(dict.fromkeys(table["scenario"])) == [
        "baseline",
        "baseline+caseload_cap",
        "baseline+pay_alignment",
    ]
    base = table[table["scenario"] == "baseline"]
    assert (base["diff"].dropna() == 0).all()
    # the paired difference is the mean of per-replication differences
    summaries = pd.read_parquet(out / "summaries.parquet")
    b = summaries[summaries["scenario"] == "baseline"]["total_cost_gbp"].to_numpy()
    v = summaries[summaries["scenario"] == "baseline+pay_alignment"]["total_cost_gbp"].to_numpy()
    row = table[
        (table["scenario"] == "baseline+pay_alignment") & (table["metric"] == "total_cost_gbp")
    ].iloc[0]
    assert row["diff"] == np.mean(v - b)
    assert "cost_per_pp_turnover_avoided" in set(table["metric"])
    assert (out / "scenarios" / "baseline+caseload_cap.toml").exists()
    assert pd.read_csv(out / "comparison.csv").shape == table.shape


def test_common_random_numbers_narrow_the_paired_interval(baseline):
    """The same policy effect, estimated from paired runs and from independent runs."""
    variant = baseline.with_policy("pay_alignment")
    reps, years = 8, 4.0
    b, v = (r.summary for r in run_replications([baseline, variant], range(reps), 31, years, 1.0))
    v_indep = run_replications([variant], range(reps), 9031, years, 1.0)[0].summary
    for metric in ["total_cost_gbp", "mean_caseload", "vacancy_rate"]:
        paired = mean_interval(v[metric].to_numpy() - b[metric].to_numpy()).halfwidth
        # independent samples: Welch half-width of the difference of means
        se = np.sqrt(v_indep[metric].var(ddof=1) / reps + b[metric].var(ddof=1) / reps)
        independent = 2.0 * se
        assert paired < 0.6 * independent, (metric, paired, independent)


def test_target_halfwidth_adds_replications_until_met(baseline):
    variant = baseline.with_policy("pay_alignment")
    target = 0.004
    result = compare(
        [baseline, variant],
        reps=3,
        seed=5,
        years=2.0,
        warmup_years=1.0,
        target_metric="turnover_rate",
        target_halfwidth=target,
        max_reps=60,
        batch=3,
    )
    assert result.reps > 3
    assert result.halfwidth("turnover_rate") <= target
    # replications are the same ones a single run would give (rep r uses seed stream r)
    again = compare([baseline, variant], reps=result.reps, seed=5, years=2.0, warmup_years=1.0)
    pd.testing.assert_frame_equal(result.summaries[1], again.summaries[1])


def test_target_stops_at_max_reps(tmp_path):
    out = tmp_path / "cmp"
    assert (
        main(
            [
                "compare",
                "baseline",
                "academy",
                "--reps",
                "2",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--target-halfwidth",
                "1e-9",
                "--max-reps",
                "4",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    meta = json.loads((out / "manifest.json").read_text())
    assert meta["settings"]["reps"] == 4
    [p] = meta["precision"]
    assert not p["reached"] and p["halfwidth"] > 1e-9 and p["replications_needed"] > 4


def test_comparison_table_from_summaries():
    base = pd.DataFrame(
        {
            "authority": "region",
            "rep": [0, 1, 2],
            "turnover_rate": [0.15, 0.16, 0.14],
            "whole_system_cost_gbp": [1.0, 2.0, 3.0],
        }
    )
    var = base.assign(
        turnover_rate=base["turnover_rate"] - 0.02,
        whole_system_cost_gbp=base["whole_system_cost_gbp"] + 10,
    )
    table = Comparison(["a", "b"], [base, var]).table()
    row = table[(table["scenario"] == "b") & (table["metric"] == "turnover_rate")].iloc[0]
    assert abs(row["diff"] + 0.02) < 1e-12 and abs(row["diff_low"] - row["diff_high"]) < 1e-12
    assert row["method"] == T_CLIPPED
    ratio = table[
        (table["scenario"] == "b") & (table["metric"] == "cost_per_pp_turnover_avoided")
    ].iloc[0]
    assert abs(ratio["mean"] - 5.0) < 1e-9  # 10 GBP per 2 points


def test_welch_warmup_finds_the_end_of_a_transient():
    from sim.experiment.warmup import welch_warmup

    months = np.arange(240)
    rng = np.random.default_rng(0)
    rows = []
    for rep in range(10):
        level = 100.0 + 30.0 * np.exp(-months / 12.0) + rng.normal(0, 0.5, len(months))
        rows.append(pd.DataFrame({"rep": rep, "month": months, "x": level}))
    ts = pd.concat(rows)
    found = welch_warmup(ts, "x", tolerance=0.01)
    # 30 exp(-t/12) falls below 1% of 100 at t = 12 ln 30 = 41 months; the moving average lags ~6
    assert 35 <= found <= 55, found
    flat = ts.assign(x=100.0 + rng.normal(0, 0.5, len(ts)))
    assert welch_warmup(flat, "x") == 0


def test_bad_compare_input_exits_2(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "baseline", "no_such_policy", "--out", str(out)]) == 2
    assert "no_such_policy" in capsys.readouterr().err
    assert (
        main(
            [
                "compare",
                "baseline",
                "academy",
                "--reps",
                "2",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--target-halfwidth",
                "0.01",
                "--target-metric",
                "happiness",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "happiness" in capsys.readouterr().err
    assert not out.exists()
