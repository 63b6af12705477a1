"""Statistics a reader can rely on: intervals stay inside a quantity's bounds, one replication gives
no interval, constant metrics are flagged, undetectable effects are "no measurable effect", and the
intervals cover the truth at their nominal rate."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.cli.main import main
from sim.columns import OUTCOMES
from sim.experiment.stats import (
    BCA,
    CONSTANT,
    FIELLER,
    NO_EFFECT,
    ONE,
    T_CLIPPED,
    TURNOVER_RISES,
    cost_per_point,
    mean_interval,
    paired_difference,
    replications_needed,
    summary_table,
)

shares = st.lists(st.floats(0.0, 1.0), min_size=2, max_size=200)


@settings(max_examples=150, deadline=None)
@given(shares)
def test_intervals_of_shares_stay_in_0_1(x):
    i = mean_interval(x, (0.0, 1.0))
    if i.has_interval:
        assert 0.0 <= i.low <= i.estimate <= i.high <= 1.0


@settings(max_examples=150, deadline=None)
@given(shares, st.data())
def test_paired_differences_of_shares_stay_in_minus_1_1(x, data):
    y = data.draw(st.lists(st.floats(0.0, 1.0), min_size=len(x), max_size=len(x)))
    i = paired_difference(y, x, (0.0, 1.0))
    if i.has_interval:
        assert -1.0 <= i.low <= i.estimate <= i.high <= 1.0


def test_a_small_share_near_zero_keeps_its_interval_above_zero():
    rng = np.random.default_rng(3)
    for n in (2, 5, 200):
        x = np.where(rng.random(n) < 0.9, 0.0, rng.random(n) * 0.01)
        x[0] = 0.004
        i = mean_interval(x, OUTCOMES["share_over_cap"].bounded)
        assert i.low >= 0.0, (n, i)
        assert i.method == (T_CLIPPED if n < 20 else BCA)


def test_one_replication_and_constant_values():
    assert mean_interval([0.3]).method == ONE and math.isnan(mean_interval([0.3]).low)
    i = mean_interval([0.0, 0.0, 0.0])
    assert i.method == CONSTANT and i.low == i.high == 0.0
    assert mean_interval([math.nan, math.nan]).n == 0


@pytest.mark.parametrize("n", [30, 200])
def test_bca_covers_the_mean_at_about_its_nominal_rate(n):
    """Against theory: the 95% interval of a known mean covers it in about 95% of samples."""
    rng = np.random.default_rng(n)
    hits = 0
    trials = 300
    for _ in range(trials):
        i = mean_interval(rng.beta(2, 30, n), (0, 1))
        hits += i.low <= 2 / 32 <= i.high
    assert 0.90 <= hits / trials <= 0.99


def test_fieller_interval_covers_the_true_ratio():
    rng = np.random.default_rng(1)
    hits = trials = 0
    for _ in range(400):
        d_turn = rng.normal(-0.01, 0.004, 30)  # 1 point of turnover avoided
        d_cost = rng.normal(100_000, 40_000, 30)  # for 100,000 a year
        i = cost_per_point(d_cost, d_turn)
        if i.method == FIELLER:
            trials += 1
            hits += i.low <= 100_000 <= i.high
    assert trials > 350 and 0.92 <= hits / trials <= 0.98


def test_cost_per_point_needs_a_measurable_effect():
    rng = np.random.default_rng(2)
    noise = cost_per_point(rng.normal(1e5, 1e4, 20), rng.normal(0.0, 0.01, 20))
    assert noise.method == NO_EFFECT and math.isnan(noise.estimate)
    rises = cost_per_point(np.full(20, 1e5) + rng.normal(0, 1, 20), 0.01 + rng.normal(0, 1e-4, 20))
    assert rises.method == TURNOVER_RISES
    ok = cost_per_point(np.array([1e5, 1.2e5, 0.8e5]), np.array([-0.01, -0.011, -0.009]))
    assert ok.method == FIELLER and ok.low <= ok.estimate <= ok.high


def test_replications_needed_scale_with_the_square_of_the_halfwidth():
    i = mean_interval(np.random.default_rng(0).normal(0, 1, 25))
    need = replications_needed(i, i.halfwidth / 2)
    assert 95 <= need <= 105


def test_real_tables_stay_in_bounds_with_2_and_200_replications():
    """Every metric's interval lies within its declared range, for 2 and for 200 replications."""
    base = sim.load_scenario("baseline")
    from sim.experiment.replications import run_experiment

    small = run_experiment(base, 2, 4, 1.0, 0.0).summary
    rng = np.random.default_rng(0)
    big = small.sample(200, replace=True, random_state=1).reset_index(drop=True)
    big = big.assign(share_over_cap=rng.beta(0.3, 40, 200), agency_share=rng.beta(1, 200, 200))
    for summary in (small, big):
        table = summary_table(summary)
        for row in table.itertuples():
            o = OUTCOMES[row.metric]
            if math.isfinite(row.ci_low):
                assert o.low - 1e-12 <= row.ci_low <= row.ci_high <= o.high + 1e-12, row


def test_one_replication_prints_na_never_nan(tmp_path, capsys):
    assert (
        main(
            [
                "run",
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "n/a (1 replication)" in out and "nan" not in out.lower().replace("n/a", "")
    assert (
        main(
            [
                "compare",
                "baseline",
                "academy",
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--out",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "nan" not in out.lower() and "inf" not in out.lower()
    assert (
        main(
            [
                "run",
                "--reps",
                "2",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--out",
                str(tmp_path / "r2"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.replace("\n  ", " ")  # a line wrapped at 100 columns, joined
    line = next(x for x in out.splitlines() if x.startswith("policies' own cost"))
    assert "the same in every replication" in line  # no policy: zero in every replication


def test_compare_states_its_precision(tmp_path, capsys):
    assert (
        main(
            [
                "compare",
                "baseline",
                "pay_alignment",
                "--reps",
                "3",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--target-halfwidth",
                "0.0001",
                "--max-reps",
                "4",
                "--out",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.replace("\n  ", " ")  # a line wrapped at 100 columns, joined
    assert "not reached" in out and "with 4 replications" in out and "would reach it" in out
    assert "±" in out
