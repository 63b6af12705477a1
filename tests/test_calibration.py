"""Calibration: targets file checks, DfE inputs, synthetic-truth recovery, posterior draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calibration.dfe import scenario_from_dfe
from calibration.fit import FITTED, Settings, apply, calibrate
from calibration.targets import DEFAULT_TARGETS, load_targets
from sim.cli.main import main
from sim.experiment.replications import run_experiment

SHORT = ["--reps", "2", "--years", "1", "--warmup-years", "1"]


def test_shipped_targets_are_well_formed():
    targets = load_targets(DEFAULT_TARGETS)
    t = targets.table
    assert set(t["role"]) == {"target", "check", "input", "context"}
    assert list(targets.fitted["model_metric"]) == ["turnover_rate", "vacancy_rate", "agency_share"]
    assert t["source"].str.len().min() > 10  # every row names its source


@pytest.mark.parametrize(
    "text,message",
    [
        ("id,quantity\nx,y\n", "missing column"),
        ('"unterminated\n', "malformed"),
        (
            ",".join(
                [
                    "id",
                    "quantity",
                    "model_metric",
                    "value",
                    "low",
                    "high",
                    "unit",
                    "year",
                    "geography",
                    "role",
                    "source",
                    "note",
                ]
            )
            + "\nt1,q,turnover_rate,0.2,0.3,0.1,u,2020,E,target,src,n\n",
            "low <= value <= high",
        ),
        (
            ",".join(
                [
                    "id",
                    "quantity",
                    "model_metric",
                    "value",
                    "low",
                    "high",
                    "unit",
                    "year",
                    "geography",
                    "role",
                    "source",
                    "note",
                ]
            )
            + "\nt1,q,happiness,0.2,0.1,0.3,u,2020,E,target,src,n\n",
            "not a model output",
        ),
        (
            ",".join(
                [
                    "id",
                    "quantity",
                    "model_metric",
                    "value",
                    "low",
                    "high",
                    "unit",
                    "year",
                    "geography",
                    "role",
                    "source",
                    "note",
                ]
            )
            + "\nt1,q,turnover_rate,0.2,0.1,0.3,u,2020,E,goal,src,n\n",
            "role = 'goal'",
        ),
    ],
)
def test_malformed_targets_exit_2(tmp_path, capsys, text, message):
    path = tmp_path / "targets.csv"
    path.write_text(text)
    out = tmp_path / "out"
    assert (
        main(["calibrate", "baseline", "--targets", str(path), "--budget", "2", "--out", str(out)])
        == 2
    )
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert main(["validate-calibration", "baseline", "--targets", str(path), *SHORT]) == 2


def test_scenario_from_dfe_reads_the_councils_figures(tmp_path, baseline):
    s = scenario_from_dfe(baseline, "Warwickshire", 2019)
    # DfE 2019 Warwickshire: 5,351 referrals (C1); 344.5 FTE in post, 50.2 vacancies (CSWW)
    assert s.demand.referrals_per_year == 5351
    assert s.workforce.initial_fill == pytest.approx(344.5 / (344.5 + 50.2), abs=1e-4)
    posts = sum(lv.establishment for lv in s.workforce.levels.ordered())
    assert posts == round(136.8 * (344.5 + 50.2) / (344.5 + 9.0))
    assert s.name == "warwickshire_2019"
    out = tmp_path / "w.toml"
    assert (
        main(
            [
                "scenario-from-dfe",
                "Warwickshire",
                "--year",
                "2019",
                "--fit",
                "none",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["validate", str(out)]) == 0


def test_scenario_from_dfe_errors_name_what_is_wrong(capsys):
    assert main(["scenario-from-dfe", "Atlantis", "--year", "2019"]) == 2
    assert "Atlantis" in capsys.readouterr().err
    assert main(["scenario-from-dfe", "Warwickshire", "--year", "2011"]) == 2
    assert "years available" in capsys.readouterr().err


@pytest.mark.slow
def test_synthetic_truth_is_recovered(tmp_path, baseline):
    """Simulate with known parameters, calibrate to what they produce, recover them."""
    fitted = FITTED[:2]  # leave_rate and fill_days multipliers
    truth_u = np.array([p.unit(baseline) for p in fitted]) + np.array([0.08, -0.1])
    truth = apply(baseline, fitted, truth_u)
    summ = run_experiment(truth, reps=24, seed=99, years=4.0, warmup_years=2.0, workers=1).summary
    rows = []
    for metric in ["turnover_rate", "vacancy_rate"]:
        v = float(summ[metric].mean())
        rows.append(
            {
                "id": metric,
                "quantity": metric,
                "model_metric": metric,
                "value": v,
                "low": v * 0.95,
                "high": v * 1.05,
                "unit": "share",
                "year": 2020,
                "geography": "synthetic",
                "role": "target",
                "source": "simulated truth",
                "note": "",
            }
        )
    path = tmp_path / "t.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    settings = Settings(reps=8, years=4.0, warmup_years=2.0, seed=3, budget=30)
    fit = calibrate(baseline, load_targets(path), settings, parameters=fitted, assumed=())
    for p, u_hat, u_true in zip(fitted, fit.u, truth_u):
        estimate, true = p.reported(baseline, u_hat), p.reported(baseline, u_true)
        assert abs(estimate / true - 1) < 0.15, (p.name, estimate, true)
    assert fit.loss < 2.0
    # the posterior is centred on the estimate and the report's parameters are finite
    assert len(fit.posterior) == settings.posterior_draws
    col = fitted[0].paths[0]
    assert abs(fit.posterior[col].median() / fit.scenario.get_value(col) - 1) < 0.1
    assert fit.identifiability["estimate"].notna().all()


def test_calibrate_command_writes_scenario_posterior_and_report(tmp_path):
    out = tmp_path / "cal"
    assert (
        main(
            [
                "calibrate",
                "baseline",
                "--budget",
                "4",
                "--reps",
                "2",
                "--years",
                "1",
                "--warmup-years",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    for name in [
        "calibrated.toml",
        "posterior.csv",
        "identifiability.csv",
        "evaluations.csv",
        "report.md",
        "report.csv",
        "report.png",
    ]:
        assert (out / name).stat().st_size > 0, name
    report = pd.read_csv(out / "report.csv")
    assert set(report["status"]) <= {"pass", "miss", "not simulated", "undefined (runs too short)"}
    # a 1-year run cannot follow ASYE starters for two years: said so, not "not simulated"
    assert (
        report.set_index("id").loc["dudley_asye_retention", "status"]
        == "undefined (runs too short)"
    )
    assert (report["role"] == "target").sum() == 3
    ident = pd.read_csv(out / "identifiability.csv")
    assert set(ident["role"]) == {"fitted", "assumption"}
    assert main(["validate", str(out / "calibrated.toml")]) == 0


def test_posterior_draws_vary_parameters_per_replication(tmp_path, capsys):
    draws = pd.DataFrame(
        {"workforce.levels.l3.leave_rate": [0.05, 0.6], "agency.backfill_probability": [0.2, 0.9]}
    )
    path = tmp_path / "post.csv"
    draws.to_csv(path, index=False)
    out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                "baseline",
                *SHORT,
                "--seed",
                "4",
                "--out",
                str(out),
                "--quiet",
                "--posterior",
                str(path),
            ]
        )
        == 0
    )
    s = pd.read_parquet(out / "summary.parquet")
    assert s["turnover_rate"].iloc[1] > s["turnover_rate"].iloc[0]  # rep 1 drew the higher hazard
    assert s["agency_share"].iloc[1] > s["agency_share"].iloc[0]
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"workforce.levels.l3.leave_rate": [-1.0]}).to_csv(bad, index=False)
    assert (
        main(
            [
                "run",
                "baseline",
                *SHORT,
                "--out",
                str(tmp_path / "x"),
                "--quiet",
                "--posterior",
                str(bad),
            ]
        )
        == 2
    )
    assert "leave_rate" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_shipped_posterior_fits_the_baseline(baseline):
    draws = pd.read_csv(DEFAULT_TARGETS.parent / "baseline_posterior.csv")
    for path in draws.columns:
        assert path.split(".")[0] in {"workforce", "agency"}
    baseline.with_values({k: float(v) for k, v in draws.iloc[0].items()})  # valid


def test_shipped_baseline_hits_its_calibration_targets(baseline):
    """The docs (background/calibration.md) claim the baseline's three targets are met: check it on
    fresh seeds."""
    from calibration.report import validation_table

    table = validation_table(
        baseline, load_targets(DEFAULT_TARGETS), reps=6, seed=777, years=6.0, warmup_years=3.0
    )
    targets = table[table["role"] == "target"]
    assert len(targets) == 3
    assert (targets["status"] == "pass").all(), targets[["id", "target", "simulated_mean"]]


def test_validate_calibration_fails_under_a_count_of_targets(tmp_path, capsys):
    """--fail-under N: exit 1 when fewer than N fitted targets are within range (exit 0 at 0,
    exit 2 for a negative count), the report written either way."""
    args = ["validate-calibration", "baseline", *SHORT, "--seed", "3"]
    assert main([*args, "--out", str(tmp_path / "a"), "--fail-under", "0"]) == 0
    printed = capsys.readouterr().out
    passed = int(printed.split(" of 3 targets within range")[0].split()[-1])
    assert main([*args, "--out", str(tmp_path / "b"), "--fail-under", str(passed + 1)]) == 1
    assert "fewer than --fail-under" in capsys.readouterr().err
    assert (tmp_path / "b" / "report.csv").exists()
    assert main([*args, "--out", str(tmp_path / "c"), "--fail-under", "-1"]) == 2
    assert not (tmp_path / "c").exists()
