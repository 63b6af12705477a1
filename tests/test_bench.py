"""``swsim bench`` runs (timings are not tested: speed targets live in the benchmark), and the
per-case reference model it compares with simulates the same referrals."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from sim.cli.main import main
from sim.experiment.reference import capacity, run_reference
from sim.model.demand import referral_rate_per_day


def test_swsim_bench_times_a_scenario_and_the_reference_model(capsys):
    assert (
        main(
            [
                "bench",
                "baseline",
                "--reps",
                "2",
                "--years",
                "0.1",
                "--compare-naive",
                "--naive-reps",
                "1",
                "--profile",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "seconds per replication: median" in out and "peak memory" in out
    assert "per-case reference model" in out and "times faster" in out
    assert "where a replication's time goes" in out and "case flow (the compiled kernel)" in out


def test_the_profile_splits_a_replications_time_by_model_process(baseline):
    """Each event's time goes to the process it resumes; what is left of the replication's time
    is outside the event loop; the parts add up to the replication's time."""
    from sim.experiment.bench import OUTSIDE, time_scenario

    t = time_scenario(baseline, years=0.5, reps=1, seed=1, profile=True)
    assert {"_case_flow", "_record", "leavers", "promotions", OUTSIDE} <= set(t.profile)
    assert all(seconds > 0 for seconds in t.profile.values())
    assert sum(t.profile.values()) == pytest.approx(t.seconds_per_replication, rel=1e-9)
    assert list(t.profile.values()) == sorted(t.profile.values(), reverse=True)


def test_the_reference_model_has_the_scenarios_referrals_and_capacity(baseline):
    years = 1.0
    out = run_reference(baseline, years, np.random.default_rng(5))
    days = np.arange(int(years * 365)) + 0.5
    expected = (
        float(referral_rate_per_day(baseline.demand, days).sum()) * baseline.demand.case_share
    )
    assert abs(out["referred"] - expected) < 4 * np.sqrt(expected)
    assert 0 < out["closed"] < out["referred"] and out["events"] > out["referred"]
    # few staff hold few cases: the rest wait, and fewer close
    few = baseline.with_values({"workforce.initial_fill": 0.05})
    assert capacity(few) < capacity(baseline) / 10
    assert run_reference(few, years, np.random.default_rng(5))["closed"] < out["closed"] / 2


def test_bench_refuses_bad_reference_replications(capsys):
    assert main(["bench", "baseline", "--compare-naive", "--naive-reps", "0"]) == 2
    assert "--naive-reps" in capsys.readouterr().err


def test_a_region_is_cut_or_doubled_with_its_market_scaled_to_its_posts():
    from sim.experiment.bench import scaled_region
    from sim.scenario import load_scenario

    region = load_scenario("west_midlands")
    posts = lambda s: sum(
        lv.establishment for _, m in s.members() for lv in m.workforce.levels.ordered()
    )
    doubled = scaled_region(region, 28)
    assert len(doubled.authority) == 28 and posts(doubled) == 2 * posts(region)
    assert doubled.market.newly_qualified_per_year == 2 * region.market.newly_qualified_per_year
    four = scaled_region(region, 4)
    assert list(four.authority) == list(region.authority)[:4]
    share = posts(four) / posts(region)
    assert (
        abs(four.market.agency_inflow_per_year - share * region.market.agency_inflow_per_year)
        < 1e-9
    )


def test_bench_councils_needs_a_region(capsys):
    assert main(["bench", "baseline", "--councils", "2"]) == 2
    assert "needs a region" in capsys.readouterr().err


@pytest.mark.parametrize(
    "ref, words",
    [
        ("no-such-commit", "not a commit of this checkout"),
        ("/", "holds no swsim checkout"),
    ],
)
def test_bench_against_refuses_what_is_not_a_version(capsys, ref, words):
    assert main(["bench", "baseline", "--against", ref, "--reps", "1", "--years", "0.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0] and ref in err[0]
    assert main(["bench", "--against", "HEAD", "--rounds", "0"]) == 2


@pytest.mark.slow
def test_bench_against_times_both_versions_alternated(tmp_path, capsys, monkeypatch):
    """Against a copy of this very code in another folder: both are timed in every round and the
    speed-up is the median of their ratios."""
    import shutil

    from sim.experiment.against import ROOT, bench_against

    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "sim", copy / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "policies", copy / "policies", ignore=shutil.ignore_patterns("__pycache__")
    )
    lines: list[str] = []
    monkeypatch.setenv("SWSIM_NO_JIT", "1")  # both versions in plain Python: nothing to compile
    [ratio] = bench_against(["baseline"], str(copy), 1, 0.25, 3, rounds=2, say=lines.append)
    assert len(ratio.this) == len(ratio.ref) == 2 and min(ratio.this + ratio.ref) > 0
    assert ratio.speedup == pytest.approx(
        float(np.median(np.array(ratio.ref) / np.array(ratio.this)))
    )
    assert lines[-2].startswith("scenario baseline: ") and "times the speed of" in lines[-2]
    # a copy is not the version the targets are set against: the line says how to check them
    assert lines[-1].startswith("  target: ") and "run --against" in lines[-1]
    # the other version ran its own code, not this checkout's
    from sim.experiment.against import Version

    assert Version("copy", sys.executable, str(copy)).where() == str(copy / "sim")


def test_the_targets_are_checked_against_their_declared_bounds():
    """Each printed target compares the run's figure with the bound declared in ``TARGETS``."""
    from sim.experiment.targets import (
        FLAT_SHARE,
        TARGET_BASE,
        TARGETS,
        base_lines,
        memory_lines,
        reference_lines,
    )

    wm = TARGETS["west_midlands"]
    assert reference_lines("west_midlands", wm.over_reference * 0.99)[0].endswith("NOT met")
    assert reference_lines("west_midlands", wm.over_reference)[0].endswith(", met")
    assert reference_lines("a_scenario_without_targets", 1.0) == []
    peak, flat = memory_lines("west_midlands", wm.peak_mb - 10, wm.peak_mb - 10)
    assert peak.endswith(", met") and flat.endswith(", met")
    peak, flat = memory_lines("west_midlands", 100.0, 100.0 * (1 + 2 * FLAT_SHARE))
    assert peak.endswith(", met") and flat.endswith("NOT met")
    peak, _ = memory_lines("west_midlands", wm.peak_mb + 1, wm.peak_mb + 1)
    assert peak.endswith("NOT met")
    assert memory_lines("baseline", 1e6, 1e6) == []  # no memory target for one council
    assert base_lines("baseline", "HEAD", 9.0) == [
        f"  target: at least {TARGETS['baseline'].over_base:g} times the speed of {TARGET_BASE} "
        f"(run --against {TARGET_BASE} to check it)"
    ]
    assert base_lines("/some/where/baseline.toml", TARGET_BASE, 2.9)[0].endswith("NOT met")
    assert base_lines("baseline", TARGET_BASE + "0" * 10, 3.0)[0].endswith(", met")


def test_a_profile_divides_into_kinds_of_work_that_add_up():
    from sim.experiment.bench import KINDS, OUTSIDE, PEOPLES_EVENTS, by_kind

    parts = {
        "_case_flow": 1.0,
        OUTSIDE: 0.5,
        "leavers": 0.25,
        "agency_beyond_vacancies": 0.25,
        "backfill": 0.125,
        "x": 0.0625,
    }
    kinds = by_kind(parts)
    assert sum(kinds.values()) == sum(parts.values())
    assert kinds[KINDS["leavers"]] == 0.5
    assert kinds[PEOPLES_EVENTS] == 0.125 + 0.0625
    assert list(kinds) == sorted(kinds, key=lambda k: -kinds[k])


def test_every_process_named_in_the_kinds_of_work_is_one_of_the_models():
    """A renamed process would silently fall into people's events: each name ``KINDS`` gives a
    kind is a generator function (or method) of ``sim.model``."""
    import importlib
    import inspect
    import pkgutil

    import sim.model
    from sim.experiment.bench import KINDS, OUTSIDE

    generators = set()
    for info in pkgutil.iter_modules(sim.model.__path__):
        module = importlib.import_module(f"sim.model.{info.name}")
        for _, obj in inspect.getmembers(module):
            members = [obj, *vars(obj).values()] if inspect.isclass(obj) else [obj]
            generators |= {f.__name__ for f in members if inspect.isgeneratorfunction(f)}
    assert set(KINDS) - {OUTSIDE} <= generators, set(KINDS) - {OUTSIDE} - generators
