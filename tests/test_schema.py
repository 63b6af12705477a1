"""The strict scenario schema: a value that would give silently wrong numbers (NaN, infinity, an
absurd size, a boolean or a string for a number, a bad name) is refused, naming the field; files
are read safely; ``extends``; parameter draws; values set from code (numpy, whole floats)."""

from __future__ import annotations

import copy
import io
import os
import tempfile
import threading
import time
import tomllib
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim.cli.main import main
from sim.draws import load_draws
from sim.experiment.memory import ENV_CEILING
from sim.experiment.sweep import apply_point
from sim.policy import registry
from sim.scenario import (
    MAX_EPISODES,
    MAX_FILE_BYTES,
    MAX_OPEN_CASES,
    MAX_POLICIES,
    MAX_POSTS,
    Scenario,
    ScenarioError,
    builtin_path,
    expected_episodes,
    load_scenario,
    parse_scenario,
    scenario_to_toml,
)

BASE: dict[str, Any] = tomllib.loads(builtin_path("baseline").read_text())
NAN, INF = float("nan"), float("inf")
DELETE = object()


def _path(keys) -> str:
    """A location as the error messages write it: ``turnover.tenure_hazard_ratios[1]``."""
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).removeprefix(".")


def _get(keys) -> Any:
    node = BASE
    for key in keys:
        node = node[key]
    return node


def _mutated(keys, value) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node = data
    for key in keys[:-1]:
        node = node[key]
    if value is DELETE:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


def _validate(path: Path) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["validate", str(path)])
    return code, err.getvalue()


def _write(tmp_path: Path, data: dict[str, Any], name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(tomli_w.dumps(data))
    return path


# -- one table of values that used to pass -----------------------------------------------------
LEVEL = ["workforce", "levels", "l3"]
BAD = [
    # NaN passes a comparison: shares
    (["turnover", "destinations", "profession"], NAN, "turnover.destinations.profession"),
    (["case_types", "cp", "next", "cin"], NAN, "case_types.cp.next.cin"),
    (["demand", "initial_type", "assessment"], NAN, "demand.initial_type.assessment"),
    # tenure hazard ratios and band edges
    (["turnover", "tenure_hazard_ratios"], [1.3, NAN, 0.7], "turnover.tenure_hazard_ratios[1]"),
    (["turnover", "tenure_hazard_ratios"], [1e308] * 3, "turnover.tenure_hazard_ratios[0]"),
    (["turnover", "tenure_hazard_ratios"], [1.3, 0.0, 0.7], "turnover.tenure_hazard_ratios[1]"),
    (["turnover", "tenure_bands_years"], [-5.0, 5.0], "turnover.tenure_bands_years[0]"),
    (["turnover", "tenure_bands_years"], [2.0, NAN], "turnover.tenure_bands_years[1]"),
    (["turnover", "tenure_bands_years"], [INF, INF], "turnover.tenure_bands_years[0]"),
    (["turnover", "tenure_bands_years"], [2.0, 60.0], "turnover.tenure_bands_years[1]"),
    (["turnover", "tenure_bands_years"], [5.0, 2.0], "turnover.tenure_bands_years"),
    (["turnover", "tenure_bands_years"], [2.0, 2.0], "turnover.tenure_bands_years"),
    (["turnover", "tenure_bands_years"], [2.0], "turnover.tenure_hazard_ratios"),
    # money
    ([*LEVEL, "salary_gbp"], INF, "workforce.levels.l3.salary_gbp"),
    ([*LEVEL, "salary_gbp"], 1e308, "workforce.levels.l3.salary_gbp"),
    ([*LEVEL, "market_salary_gbp"], 1e308, "workforce.levels.l3.market_salary_gbp"),
    (["agency", "premium_gbp_per_year"], INF, "agency.premium_gbp_per_year"),
    (["agency", "premium_gbp_per_year"], 1e308, "agency.premium_gbp_per_year"),
    (["costs", "recruitment_cost_gbp"], 1e308, "costs.recruitment_cost_gbp"),
    # booleans and strings are not numbers, numbers and strings are not booleans
    (["run", "years"], True, "run.years"),
    (["run", "reps"], "20", "run.reps"),
    ([*LEVEL, "establishment"], 95.0, "workforce.levels.l3.establishment"),
    (["allocation", "allow_over_limit"], "yes", "allocation.allow_over_limit"),
    (["allocation", "allow_over_limit"], 1, "allocation.allow_over_limit"),
    # demand and run settings
    (["demand", "case_share"], 0.0, "demand.case_share"),
    (["run", "years"], 0.05, "run.years"),
    (["run", "years"], 101.0, "run.years"),
    (["run", "warmup_years"], 51.0, "run.warmup_years"),
    (["run", "reps"], 10_001, "run.reps"),
    (["run", "seed"], 2**63, "run.seed"),
    (["run", "seed"], -1, "run.seed"),
    # names become file names and plot titles
    (["name"], "../etc", "name"),
    (["name"], "a/b", "name"),
    (["name"], "$HOME", "name"),
    (["name"], "a\x00b", "name"),
    (["name"], "a\nb", "name"),
    (["name"], "", "name"),
    (["name"], "x" * 101, "name"),
    (["case_types", "c/p"], BASE["case_types"]["cp"], "case_types.c/p"),
]


@pytest.mark.parametrize("keys,value,field", BAD, ids=[f"{_path(k)}={v!r}"[:60] for k, v, _ in BAD])
def test_bad_value_is_refused_naming_the_field(tmp_path, keys, value, field):
    code, err = _validate(_write(tmp_path, _mutated(keys, value)))
    assert code == 2, err
    assert f"error: {field}" in err, err


def test_every_number_has_a_stated_range():
    """Each numeric field of the scenario and of every policy has a lower and an upper bound."""

    def models(cls):
        yield cls
        for field in cls.model_fields.values():
            for t in (field.annotation, *getattr(field.annotation, "__args__", ())):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    yield from models(t)

    classes = {*models(Scenario), *(p.Params for p in registry().values())}
    unbounded = []
    for cls in classes:
        for name, field in cls.model_fields.items():
            if field.annotation in (int, float, float | None):
                bounds = {
                    k
                    for m in field.metadata
                    for k in ("gt", "ge", "lt", "le")
                    if getattr(m, k, None) is not None
                }
                if not ({"gt", "ge"} & bounds and {"lt", "le"} & bounds):
                    unbounded.append(f"{cls.__name__}.{name}")
    assert not unbounded


def test_one_line_per_problem(tmp_path):
    data = dict(
        BASE,
        policy=[
            {"name": "caseload_cap", "cap": 0, "when_full": "never", "agency_trigger_cases": 1.5}
        ],
    )
    code, err = _validate(_write(tmp_path, data))
    assert code == 2
    assert err.splitlines() == [
        "error: policy[0] (caseload_cap).cap = 0: Input should be greater than or equal to 1",
        "error: policy[0] (caseload_cap).when_full = 'never': Input should be 'wait' or 'agency'",
        "error: policy[0] (caseload_cap).agency_trigger_cases = 1.5: Input should be a valid integer",
    ]


def test_every_policy_cost_is_bounded(tmp_path):
    specs = [
        {"name": name, key: 1e308}
        for name, cls in registry().items()
        for key in cls.Params.model_fields
        if "gbp" in key
    ]
    assert len(specs) >= 6
    code, err = _validate(_write(tmp_path, dict(BASE, policy=specs)))
    assert code == 2 and len(err.splitlines()) == len(specs), err
    for i, spec in enumerate(specs):
        assert f"policy[{i}] ({spec['name']})." in err


def test_unknown_policy_suggests_the_closest(tmp_path):
    code, err = _validate(_write(tmp_path, dict(BASE, policy=[{"name": "caseload_capp"}])))
    assert code == 2
    assert "policy[0].name = 'caseload_capp'" in err and "did you mean 'caseload_cap'?" in err
    assert "academy" in err  # the known ones are listed


def test_a_loop_with_no_way_to_close_is_refused():
    data = _mutated(["case_types", "lac", "next"], {"cin": 1.0})
    data["case_types"]["cin"]["next"] = {"lac": 0.5, "cp": 0.5}
    data["case_types"]["cp"]["next"] = {"cin": 1.0}
    with pytest.raises(ScenarioError, match="case types cin, cp, lac form a loop"):
        parse_scenario(data)
    data["case_types"]["cp"]["next"] = {"cin": 0.9, "close": 0.1}  # a loop with a way out is fine
    parse_scenario(data)


def test_expected_episodes_come_from_the_fundamental_matrix():
    data = _mutated(["case_types", "assessment", "next"], {"assessment": 0.5, "close": 0.5})
    episodes = expected_episodes(parse_scenario(data).case_types)
    assert episodes["assessment"] == pytest.approx(2.0)  # geometric: 1 / 0.5
    assert episodes["lac"] == pytest.approx(1.0)
    # cin: itself, then cp (0.10: 1 + 0.55 cin...) - checked against the linear system it solves
    cin, cp, court = episodes["cin"], episodes["cp"], episodes["court"]
    assert cin == pytest.approx(1 + 0.10 * cp + 0.05 * 1.0)
    assert cp == pytest.approx(1 + 0.55 * cin + 0.15 * court)


def test_a_nearly_absorbing_chain_is_refused_naming_the_field(tmp_path):
    data = _mutated(["case_types", "assessment", "next"], {"assessment": 0.999999, "close": 1e-6})
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith("error: case_types.assessment.next: ") and "1,000,000 episodes" in err, (
        err
    )
    assert f"at most {MAX_EPISODES}" in err
    data["case_types"]["assessment"]["next"] = {"assessment": 0.98, "close": 0.02}  # 50 episodes
    assert _validate(_write(tmp_path, data))[0] == 0


def test_too_many_posts_policies_or_open_cases_are_refused(tmp_path):
    data = copy.deepcopy(BASE)
    data["workforce"]["establishment"] = "fixed"
    for level in data["workforce"]["levels"].values():
        level["establishment"] = 100_000
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and err.splitlines() == [
        f"error: workforce.levels: 500,000 funded posts at the peak; at most {MAX_POSTS:,} "
        "(England's councils fund about 38,000: DfE CSWW 2020, 31,852 FTE in post, 6,113 vacant)"
    ]
    for level in data["workforce"]["levels"].values():
        level["establishment"] = 15_000  # 75,000 posts ...
    assert _validate(_write(tmp_path, data))[0] == 0
    data["workforce"]["establishment"] = "follows_demand"  # ... that may double by the rule
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and "150,000 funded posts at the peak" in err, err
    data["workforce"]["establishment"] = "fixed"
    data["workforce"]["establishment_by_year"] = {"2020": 1.0, "2021": 2.0}  # ... doubling
    data["start"] = {"year": 2020}
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and "150,000 funded posts at the peak" in err, err

    policies = dict(BASE, policy=[{"name": "pay_alignment"}] * (MAX_POLICIES + 1))
    code, err = _validate(_write(tmp_path, policies))
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("error: policy: "), err
    assert f"at most {MAX_POLICIES} items" in err
    assert (
        _validate(_write(tmp_path, dict(BASE, policy=[{"name": "pay_alignment"}] * MAX_POLICIES)))[
            0
        ]
        == 0
    )

    data = _mutated(["demand", "referrals_per_year"], 1_000_000.0)
    data["case_types"]["lac"]["mean_days"] = 20_000.0
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith("error: demand.referrals_per_year: ") and "most of type 'lac'" in err, err
    assert f"at most {MAX_OPEN_CASES:,}" in err


def test_a_region_is_bounded_over_its_councils(tmp_path):
    data = copy.deepcopy(BASE)
    data["workforce"]["establishment"] = "fixed"
    for level in data["workforce"]["levels"].values():
        level["establishment"] = 12_000  # 60,000 posts a council
    data["authority"] = {"north": {}, "south": {}}
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and err.splitlines() == [
        f"error: workforce.levels: 120,000 funded posts at the peak (summed over the councils); at "
        f"most {MAX_POSTS:,} (England's councils fund about 38,000: DfE CSWW 2020, 31,852 FTE in "
        "post, 6,113 vacant)"
    ]


def _every_type(data: dict[str, Any], **values) -> dict[str, Any]:
    for ct in data["case_types"].values():
        ct.update(values)
    return data


def test_work_no_one_can_hold_is_refused_naming_each_case_type(tmp_path):
    data = _every_type(copy.deepcopy(BASE), weight=10.0)
    for level in data["workforce"]["levels"].values():
        level["caseload_limit"] = 1.0
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and len(err.splitlines()) == len(BASE["case_types"]), err
    for name in BASE["case_types"]:
        assert f"error: case_types.{name}.weight = 10.0: above every caseload limit" in err, err
    data["allocation"] = {"allow_over_limit": True}  # then someone takes them, over the limit
    assert _validate(_write(tmp_path, data))[0] == 0

    data = _every_type(copy.deepcopy(BASE), min_level="l5")
    data["workforce"]["levels"]["l5"]["establishment"] = 0
    code, err = _validate(_write(tmp_path, data))
    assert code == 2 and len(err.splitlines()) == len(BASE["case_types"]), err
    for name in BASE["case_types"]:
        assert (
            f"error: case_types.{name}.min_level = 'l5': no level from l5 up has funded posts"
            in err
        )
    data["agency"]["level"] = "l5"  # agency workers practise at level 5
    assert _validate(_write(tmp_path, data))[0] == 0
    data = _every_type(copy.deepcopy(BASE), min_level="l5")  # level 5 has posts: fine
    assert _validate(_write(tmp_path, data))[0] == 0


# -- a property: whatever one value is, validate refuses it cleanly or the run is sane ------------
def _nodes(node, keys=()):
    yield keys
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _nodes(child, (*keys, key))


NODES = [k for k in _nodes(BASE) if k]
WRONG_TYPE = [NAN, INF, -INF, "text", True]  # refused at the very field, or valid
OUT_OF_RANGE = [1e308, -1, 0, 2**64, [], {}, DELETE, "unknown key"]
LARGE = [100_000, 0.999999]  # in range: accepted work must stay bounded
RUN_SECONDS, RUN_MB = 60.0, 2048  # the budget of an accepted mutation's run
NOT_UTF8 = "bytes that are not UTF-8"
SHARES = ["vacancy_rate", "agency_share", "share_l3", "share_over_cap", "asye_retention_2y"]
MAY_BE_UNDEFINED = [
    "asye_retention_2y",
    "mean_wait_days",
    "worker_changes_per_case",
    "unallocated_days_per_case",
    "agency_cover_rate",
]


@settings(max_examples=60, deadline=None)
@given(
    keys=st.sampled_from(NODES),
    mutation=st.sampled_from([*WRONG_TYPE, *OUT_OF_RANGE, *LARGE, NOT_UTF8]),
)
def test_any_single_bad_value_is_refused_or_harmless(keys, mutation):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.toml"
        if mutation == NOT_UTF8:
            path.write_bytes(tomli_w.dumps(dict(BASE, description="café")).encode("latin-1"))
        elif mutation == "unknown key":  # a new key in the table at (or holding) the node
            while not isinstance(_get(keys), dict):
                keys = keys[:-1]
            keys = (*keys, "zz_unknown")
            path.write_text(tomli_w.dumps(_mutated(keys, 1.0)))
        else:
            path.write_text(tomli_w.dumps(_mutated(keys, mutation)))
        code, err = _validate(path)
        assert code in (0, 2)
        if code == 2:
            if mutation == NOT_UTF8:
                assert str(path) in err
            elif any(mutation is m for m in WRONG_TYPE):
                assert _path(keys) in err, err
            else:  # a range, a sum, a missing or unknown key: this field or the table holding it
                assert any(_path(keys[:n]) in err for n in range(len(keys), 0, -1)), err
            return
        _runs_within_budget(path, Path(tmp) / "out")
        summary = pd.read_parquet(Path(tmp) / "out" / "summary.parquet").drop(columns="authority")
        values = summary.drop(columns=MAY_BE_UNDEFINED).to_numpy(float)
        assert np.isfinite(values).all(), summary.T
        assert (summary.fillna(0).to_numpy(float) >= 0).all(), summary.T
        assert (summary[SHARES].fillna(0) <= 1).all().all(), summary.T


def _runs_within_budget(path: Path, out: Path) -> None:
    """A year of the scenario at ``path`` runs to the end within ``RUN_SECONDS`` and under a memory
    ceiling of ``RUN_MB`` (the replication's own guard: above it the run is exit 1)."""
    started = time.perf_counter()
    ceiling = os.environ.get(ENV_CEILING)
    os.environ[ENV_CEILING] = str(RUN_MB)
    try:
        code = main(
            [
                "run",
                str(path),
                "--reps",
                "1",
                "--years",
                "1",
                "--warmup-years",
                "0",
                "--out",
                str(out),
                "--quiet",
            ]
        )
    finally:
        if ceiling is None:
            os.environ.pop(ENV_CEILING)
        else:
            os.environ[ENV_CEILING] = ceiling
    assert code == 0
    assert time.perf_counter() - started < RUN_SECONDS


def _runaway(kind: str) -> dict[str, Any]:
    """The three shapes that validate once accepted and that never finished (issue 26)."""
    data = copy.deepcopy(BASE)
    if kind == "nearly absorbing":
        data["case_types"]["assessment"]["next"] = {"assessment": 0.999999, "close": 1e-6}
    elif kind == "every level 100,000 posts":
        for level in data["workforce"]["levels"].values():
            level["establishment"] = 100_000
    else:
        data["policy"] = [{"name": "pay_alignment"}] * 20_000
    return data


@pytest.mark.parametrize(
    "kind, field",
    [
        ("nearly absorbing", "case_types.assessment.next"),
        ("every level 100,000 posts", "workforce.levels"),
        ("20,000 policies", "policy"),
    ],
)
def test_the_runaway_shapes_are_refused_before_they_run(tmp_path, kind, field):
    path = _write(tmp_path, _runaway(kind))
    started = time.perf_counter()
    code, err = _validate(path)
    assert code == 2 and err.splitlines()[0].startswith(f"error: {field}: "), err
    assert len(err.splitlines()) == 1, err
    out = tmp_path / "out"
    assert main(["run", str(path), "--reps", "1", "--years", "1", "--out", str(out)]) == 2
    assert time.perf_counter() - started < 30 and not out.exists()


# -- reading files -----------------------------------------------------------------------------
def _refused(path: Path, why: str) -> None:
    code, err = _validate(path)
    assert code == 2 and str(path) in err and why in err, err
    assert len(err.splitlines()) == 1, err


def test_files_that_are_not_small_utf8_toml_are_refused(tmp_path):
    _refused(tmp_path, "is a directory")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    done = threading.Thread(target=_refused, args=(fifo, "not a regular file"), daemon=True)
    done.start()
    done.join(timeout=10)
    assert not done.is_alive(), "reading a FIFO blocked"
    if Path("/dev/zero").exists():
        _refused(Path("/dev/zero"), "not a regular file")
    big = tmp_path / "big.toml"
    big.write_text(builtin_path("baseline").read_text() + "#" * MAX_FILE_BYTES + "\n")
    _refused(big, "too large")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(tomli_w.dumps(dict(BASE, description="café")).encode("latin-1"))
    _refused(latin, "not UTF-8")
    utf16 = tmp_path / "utf16.toml"
    utf16.write_bytes(tomli_w.dumps(BASE).encode("utf-16"))
    _refused(utf16, "UTF-8")
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    _refused(deep, "nested too deeply")
    _refused(tmp_path / "missing.toml", "no such scenario file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_refused(tmp_path):
    path = _write(tmp_path, BASE)
    path.chmod(0)
    _refused(path, "permission denied")


# -- extends -----------------------------------------------------------------------------------
def test_extends_gives_only_what_differs(tmp_path):
    path = tmp_path / "busy.toml"
    path.write_text('extends = "baseline"\n[demand]\nreferrals_per_year = 9000.0\n')
    assert main(["validate", str(path)]) == 0
    baseline = load_scenario("baseline")
    assert load_scenario(path) == baseline.with_overrides(
        name="busy", demand={"referrals_per_year": 9000.0}
    )
    # a path relative to the file; a [[policy]] list replaces the base's; tables merge
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "capped.toml").write_text(
        'extends = "../busy.toml"\nname = "capped"\n[[policy]]\nname = "caseload_cap"\n'
    )
    (tmp_path / "pay.toml").write_text(
        'extends = "sub/capped.toml"\n[[policy]]\nname = "pay_alignment"\n[run]\nreps = 3\n'
    )
    pay = load_scenario(tmp_path / "pay.toml")
    assert pay.name == "pay" and [p.name for p in pay.policy] == ["pay_alignment"]
    assert (
        pay.demand.referrals_per_year == 9000.0
        and pay.run.reps == 3
        and pay.run.years == baseline.run.years
    )
    assert "extends" not in scenario_to_toml(pay)
    assert (
        load_scenario(_write(tmp_path, tomllib.loads(scenario_to_toml(pay)), "resolved.toml"))
        == pay
    )


def test_extends_cycles_and_deep_chains_are_refused(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    code, err = _validate(tmp_path / "a.toml")
    assert code == 2 and "cycle" in err and "b.toml" in err, err
    (tmp_path / "s0.toml").write_text('extends = "baseline"\n')
    for i in range(1, 8):
        (tmp_path / f"s{i}.toml").write_text(f'extends = "s{i - 1}.toml"\n')
    assert main(["validate", str(tmp_path / "s4.toml")]) == 0  # five links
    code, err = _validate(tmp_path / "s7.toml")
    assert code == 2 and "at most 5" in err, err
    (tmp_path / "gone.toml").write_text('extends = "nowhere.toml"\n')
    code, err = _validate(tmp_path / "gone.toml")
    assert code == 2 and "nowhere.toml" in err and "gone.toml" in err, err


# -- parameter draws ---------------------------------------------------------------------------
L3 = "workforce.levels.l3.leave_rate"


@pytest.mark.parametrize(
    "content,expected",
    [
        (f"{L3}\n0.1\n0.2\n-1\n", ["row 4", L3, "-1"]),  # every row is checked, not only the first
        (f"{L3}\n0.1\nabc\n", ["row 3", "'abc'", "not a finite number"]),
        (f"{L3}\n0.1\ninf\n", ["row 3", "'inf'"]),
        (f"{L3}\n0.1\n0.2\n", []),
        (f"{L3},agency.premium\n0.1,1\n", ["column 'agency.premium'", "not a scenario path"]),
        (f"{L3},Unnamed: 0\n0.1,1\n", ["column 'Unnamed: 0'"]),
        (f"{L3},agency.level\n0.1,1\n", ["column 'agency.level'", "not a numeric"]),
        (
            f"{L3},workforce.levels.l3.establishment\n0.1,90.5\n",
            ["row 2", "establishment", "whole number"],
        ),
        ("".encode("utf-16"), ["UTF-8"]),
        (f"{L3}\n0.1\n".encode("utf-16"), ["UTF-8"]),
        ("é\n1\n".encode("latin-1"), ["not UTF-8"]),
        ("", ["cannot read"]),
    ],
)
def test_bad_parameter_draws_are_refused(tmp_path, content, expected):
    path = tmp_path / "posterior.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    baseline = load_scenario("baseline")
    if not expected:
        assert list(load_draws(path, baseline)[L3]) == [0.1, 0.2]
        return
    with pytest.raises(ScenarioError) as err:
        load_draws(path, baseline)
    text = str(err.value)
    assert all(line.startswith(f"{path}:") for line in err.value.problems), text
    for part in expected:
        assert part in text, text


def test_posterior_refused_by_the_commands(tmp_path, capsys):
    bad = tmp_path / "post.csv"
    bad.write_text(f"{L3}\n0.1\n0.1\nnan\n")
    for argv in (["run", "baseline"], ["compare", "baseline", "caseload_cap"]):
        out = tmp_path / argv[0]
        assert (
            main(
                [
                    *argv,
                    "--reps",
                    "1",
                    "--years",
                    "1",
                    "--out",
                    str(out),
                    "--quiet",
                    "--posterior",
                    str(bad),
                ]
            )
            == 2
        )
        assert f"{bad}: row 4" in capsys.readouterr().err
        assert not out.exists()
    assert (
        main(["run", "baseline", "--posterior", str(tmp_path), "--out", str(tmp_path / "x")]) == 2
    )
    assert "is a directory" in capsys.readouterr().err


# -- values set from code ----------------------------------------------------------------------
def test_values_from_code_keep_working():
    baseline = load_scenario("baseline")
    s = baseline.with_values(
        {
            "workforce.levels.l3.establishment": np.float64(19.0),
            "demand.case_share": np.float64(0.9),
            "run.reps": np.int64(3),
            "demand.seasonal_peak_day": 300.0,
        }
    )
    assert (
        s.workforce.levels.l3.establishment == 19
        and type(s.workforce.levels.l3.establishment) is int
    )
    assert (
        type(s.demand.case_share) is float and s.run.reps == 3 and s.demand.seasonal_peak_day == 300
    )
    with pytest.raises(ScenarioError, match=r"workforce\.levels\.l3\.establishment = 19\.5"):
        baseline.with_values({"workforce.levels.l3.establishment": 19.5})
    row = (
        pd.DataFrame(
            {
                "policy.support_officers.officers": [19.0],
                "workforce.levels.l2.establishment": [61.0],
                "policy.caseload_cap.cap": [np.float64(18)],
            }
        )
        .iloc[0]
        .to_dict()
    )
    point = apply_point(baseline, row)
    assert (
        point.policy[0].params["officers"] == 19 and point.workforce.levels.l2.establishment == 61
    )
    with pytest.raises(ScenarioError, match=r"policy\.support_officers\.officers = 2\.5"):
        apply_point(baseline, {"policy.support_officers.officers": 2.5})


def test_dfe_errors_print_plain_years():
    from calibration.dfe import scenario_from_dfe

    with pytest.raises(ScenarioError) as err:
        scenario_from_dfe(load_scenario("baseline"), "Warwickshire", 2012)
    assert "[2017, 2018, 2019, 2020]" in str(err.value) and "np." not in str(err.value)
