"""Fitting uncertain parameters to the targets by the method of simulated moments.

The moments are the replication means of the target metrics; the distance is the sum of squared
z-scores ``(simulated - target) / sd`` with ``sd`` the target's range half-width / 1.96. Every
evaluation runs the same replications (common random numbers), so the objective is a deterministic
function of the parameters and Nelder-Mead (``scipy.optimize``) can minimise it within bounds.
Parameters are searched in a unit cube (log scale for multipliers).

Uncertainty: at the optimum the Jacobian G of the z-scores is taken by finite differences; the
parameters' covariance is ``(G'G)^-1`` (target ranges read as 95% intervals of measurement error;
simulation noise, small under common random numbers, is ignored). A sample from the normal
approximation is the "posterior" file that ``swsim run --posterior`` draws from. Identifiability:
standard errors of the fitted parameters, and for parameters left as assumptions, how much of their
effect on the targets the fitted parameters can mimic (R^2 of their Jacobian column on G's).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy import optimize

from calibration.targets import Targets, metric_values
from sim.columns import rows_of
from sim.experiment.executor import Executor
from sim.experiment.replications import run_experiment
from sim.scenario import SEED, Scenario


def schema_range(path: str) -> tuple[float, float]:
    """The closed range a scenario field allows, from its declared bounds (open bounds stepped
    inside by one float); (-inf, inf) where it declares none."""
    model: object = Scenario
    info = None
    for key in path.split("."):
        if (
            not (isinstance(model, type) and issubclass(model, BaseModel))
            or key not in model.model_fields
        ):
            return -math.inf, math.inf
        info = model.model_fields[key]
        model = info.annotation
    low, high = -math.inf, math.inf
    for bound in info.metadata:
        low = max(
            low,
            getattr(bound, "ge", -math.inf),
            math.nextafter(getattr(bound, "gt", -math.inf), math.inf),
        )
        high = min(
            high,
            getattr(bound, "le", math.inf),
            math.nextafter(getattr(bound, "lt", math.inf), -math.inf),
        )
    return low, high


@dataclass(frozen=True)
class Parameter:
    """An uncertain parameter: one or more scenario fields moved together."""

    name: str
    paths: tuple[str, ...]
    low: float
    high: float
    mode: Literal["scale", "value"] = "scale"  # multiply the base values, or set the value
    description: str = ""

    def values(self, base: Scenario, u: float) -> dict[str, float]:
        """Scenario values at unit-cube coordinate ``u``, within each field's allowed range (a
        multiplier near its top could take a long time to fill past the schema's limit)."""
        u = min(max(u, 0.0), 1.0)
        if self.mode == "scale":
            m = self.low * (self.high / self.low) ** u
            values = {p: float(base.get_value(p)) * m for p in self.paths}
        else:
            values = {p: self.low + (self.high - self.low) * u for p in self.paths}
        return {p: min(max(v, schema_range(p)[0]), schema_range(p)[1]) for p, v in values.items()}

    def unit(self, base: Scenario) -> float:
        """The unit coordinate of the base scenario's value."""
        if self.mode == "scale":
            return math.log(1.0 / self.low) / math.log(self.high / self.low)
        return (float(base.get_value(self.paths[0])) - self.low) / (self.high - self.low)

    def reported(self, base: Scenario, u: float) -> float:
        """The value reported for this parameter: the multiplier or the value."""
        if self.mode == "scale":
            return self.low * (self.high / self.low) ** min(max(u, 0.0), 1.0)
        return self.values(base, u)[self.paths[0]]


LEVEL_PATHS = [f"workforce.levels.{lv}" for lv in ("l2", "l3", "l4", "l5")]
ALL_LEVELS = [f"workforce.levels.{lv}" for lv in ("asye", "l2", "l3", "l4", "l5")]

FITTED = (
    Parameter(
        "leave_rate",
        tuple(f"{p}.leave_rate" for p in LEVEL_PATHS),
        0.25,
        4.0,
        description="multiplier on the base leaving hazard of levels 2-5",
    ),
    Parameter(
        "fill_days",
        tuple(f"{p}.fill_days_mean" for p in ALL_LEVELS),
        0.25,
        4.0,
        description="multiplier on every level's mean time to fill a vacancy",
    ),
    Parameter(
        "backfill_probability",
        ("agency.backfill_probability",),
        0.05,
        1.0,
        mode="value",
        description="probability that a vacancy is covered by agency",
    ),
)

ASSUMED = (
    Parameter(
        "asye_leave_rate",
        ("workforce.levels.asye.leave_rate",),
        0.1,
        5.0,
        description="multiplier on the ASYE-year leaving hazard",
    ),
    Parameter(
        "pressure_hazard_ratio_per_case",
        ("turnover.pressure_hazard_ratio_per_case",),
        1.0,
        1.5,
        mode="value",
        description="leaving hazard ratio per case of excess load",
    ),
    Parameter(
        "pay_gap_hazard_ratio_per_10pct",
        ("turnover.pay_gap_hazard_ratio_per_10pct",),
        1.0,
        2.0,
        mode="value",
        description="leaving hazard ratio per 10% pay gap",
    ),
    Parameter(
        "assignment_months",
        ("agency.assignment_months_mean",),
        0.25,
        4.0,
        description="multiplier on the mean agency assignment",
    ),
)


@dataclass
class Settings:
    reps: int = 8
    years: float = 5.0
    warmup_years: float = 3.0
    seed: int = SEED
    workers: int | Executor = 1  # local processes, or where jobs run (an Executor)
    budget: int = 40  # objective evaluations for the search
    step: float = 0.05  # finite-difference step in unit coordinates
    posterior_draws: int = 200


@dataclass
class Fit:
    base: Scenario
    parameters: tuple[Parameter, ...]
    u: np.ndarray
    loss: float
    evaluations: pd.DataFrame
    jacobian: np.ndarray
    cov_u: np.ndarray
    identifiability: pd.DataFrame
    posterior: pd.DataFrame
    scenario: Scenario = field(init=False)

    def __post_init__(self) -> None:
        self.scenario = apply(self.base, self.parameters, self.u)


def apply(base: Scenario, parameters, u) -> Scenario:
    values: dict[str, float] = {}
    for p, x in zip(parameters, u):
        values.update(p.values(base, float(x)))
    return base.with_values(values)


class Objective:
    """Simulated moments of the fitted targets as a function of unit coordinates (with a log)."""

    def __init__(
        self,
        base: Scenario,
        parameters,
        rows: pd.DataFrame,
        settings: Settings,
        progress: Callable[[int, float], None] | None = None,
    ):
        """``rows``: the targets to fit (``Targets.fitted``); ``progress`` is told each logged
        evaluation's number (from 1) and distance."""
        self.base, self.parameters, self.settings = base, tuple(parameters), settings
        self.progress = progress
        self.rows = rows
        if self.rows.empty:
            raise ValueError("the targets file has no rows with role 'target' to fit")
        self.value = self.rows["value"].to_numpy(float)
        self.sd = ((self.rows["high"] - self.rows["low"]) / 2 / 1.96).to_numpy(float)
        self.log: list[dict] = []

    def zscores(self, u, parameters=None) -> np.ndarray:
        params = self.parameters if parameters is None else parameters
        scenario = apply(self.base, params, u)
        s = self.settings
        summary = rows_of(
            run_experiment(scenario, s.reps, s.seed, s.years, s.warmup_years, s.workers).summary
        )
        sim = np.array([np.nanmean(metric_values(summary, m)) for m in self.rows["model_metric"]])
        z = (sim - self.value) / self.sd
        if parameters is None:
            entry = {f"u_{p.name}": float(x) for p, x in zip(params, u)}
            entry.update({p.name: p.reported(self.base, float(x)) for p, x in zip(params, u)})
            entry.update({f"sim_{m}": v for m, v in zip(self.rows["id"], sim)})
            entry["loss"] = float(np.sum(z**2))
            self.log.append(entry)
            if self.progress is not None:
                self.progress(len(self.log), entry["loss"])
        return z

    def __call__(self, u) -> float:
        z = self.zscores(u)
        return float(np.sum(z**2)) if np.all(np.isfinite(z)) else 1e12


def _jacobian(
    objective: Objective,
    u: np.ndarray,
    parameters,
    z0: np.ndarray,
    step: float,
    base_u: np.ndarray | None = None,
) -> np.ndarray:
    """Forward differences of the z-scores in unit coordinates, stepping inwards at a bound."""
    cols = []
    start = u if base_u is None else base_u
    for j in range(len(parameters)):
        h = step if start[j] + step <= 1.0 else -step
        x = start.copy()
        x[j] += h
        cols.append((objective.zscores(x, parameters) - z0) / h)
    return np.column_stack(cols)


def calibrate(
    base: Scenario,
    targets: Targets,
    settings: Settings | None = None,
    parameters=FITTED,
    assumed=ASSUMED,
    progress: Callable[[int, float], None] | None = None,
) -> Fit:
    """Fit ``parameters`` to the targets; report their uncertainty and identifiability
    (``progress`` is told each evaluation's number and distance)."""
    s = settings or Settings()
    objective = Objective(base, parameters, targets.fitted, s, progress)
    u0 = np.array([p.unit(base) for p in parameters])
    simplex = [u0] + [
        np.clip(u0 + 0.2 * np.eye(len(u0))[j] * (1 if u0[j] < 0.8 else -1), 0, 1)
        for j in range(len(u0))
    ]
    result = optimize.minimize(
        objective,
        u0,
        method="Nelder-Mead",
        bounds=[(0.0, 1.0)] * len(u0),
        options={
            "maxfev": s.budget,
            "initial_simplex": np.array(simplex),
            "xatol": 0.01,
            "fatol": 0.05,
        },
    )
    u = np.clip(result.x, 0.0, 1.0)
    z0 = objective.zscores(u, parameters)  # not logged twice: same as the best evaluation
    G = _jacobian(objective, u, tuple(parameters), z0, s.step)
    cov_u = np.linalg.pinv(G.T @ G)
    ident = _identifiability(objective, base, tuple(parameters), tuple(assumed), u, G, cov_u, z0, s)
    posterior = _posterior(base, tuple(parameters), u, cov_u, s)
    return Fit(
        base,
        tuple(parameters),
        u,
        float(np.sum(z0**2)),
        pd.DataFrame(objective.log),
        G,
        cov_u,
        ident,
        posterior,
    )


def _identifiability(objective, base, parameters, assumed, u, G, cov_u, z0, s) -> pd.DataFrame:
    rows = []
    sd_u = np.sqrt(np.clip(np.diag(cov_u), 0, None))
    for j, p in enumerate(parameters):
        lo, hi = u[j] - 1.645 * sd_u[j], u[j] + 1.645 * sd_u[j]
        width = min(hi, 1) - max(lo, 0)
        rows.append(
            {
                "parameter": p.name,
                "role": "fitted",
                "estimate": p.reported(base, u[j]),
                "low_90": p.reported(base, max(lo, 0.0)),
                "high_90": p.reported(base, min(hi, 1.0)),
                "bounds": f"{p.low:g}-{p.high:g}",
                "r2_with_fitted": float("nan"),
                "verdict": "pinned by the targets"
                if width < 0.4
                else "weakly identified: wide interval",
                "description": p.description,
            }
        )
    if assumed:
        # each assumption's effect on the targets, from its current value
        fit_scenario = apply(base, parameters, u)
        a_u = np.array([p.unit(fit_scenario) for p in assumed])
        objective_a = Objective(fit_scenario, assumed, objective.rows, s)
        Ga = _jacobian(objective_a, a_u, assumed, z0, s.step)
        for j, p in enumerate(assumed):
            col = Ga[:, j]
            coef, *_ = np.linalg.lstsq(G, col, rcond=None)
            resid = col - G @ coef
            r2 = 1.0 - float(resid @ resid) / float(col @ col) if col @ col > 0 else float("nan")
            verdict = (
                "no effect on these targets"
                if not np.isfinite(r2) or col @ col < 1e-6
                else "confounded: the fitted parameters mimic its effect (remains an assumption)"
                if r2 > 0.9
                else "partly separable, but not fitted (remains an assumption)"
            )
            rows.append(
                {
                    "parameter": p.name,
                    "role": "assumption",
                    "estimate": p.reported(fit_scenario, a_u[j]),
                    "low_90": float("nan"),
                    "high_90": float("nan"),
                    "bounds": f"{p.low:g}-{p.high:g}",
                    "r2_with_fitted": r2,
                    "verdict": verdict,
                    "description": p.description,
                }
            )
    return pd.DataFrame(rows)


def _posterior(base, parameters, u, cov_u, s: Settings) -> pd.DataFrame:
    rng = np.random.default_rng(s.seed)
    draws = rng.multivariate_normal(u, cov_u, size=s.posterior_draws, method="eigh")
    draws = np.clip(draws, 0.0, 1.0)
    rows = []
    for d in draws:
        values: dict[str, float] = {}
        for p, x in zip(parameters, d):
            values.update(p.values(base, float(x)))
        rows.append(values)
    return pd.DataFrame(rows)
