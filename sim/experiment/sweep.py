"""Parameter sweeps: a design over scenario or policy parameters, run as resumable chunks.

A sweep is a list of design points (parameter values) times replications. Jobs are numbered in a
fixed order (point, then replication) and grouped into chunks of ``CHUNK`` jobs; each finished chunk
is written atomically as one Parquet file under ``DIR/results/``. Running the same sweep again
skips the chunks already on disk, so an interrupted sweep resumes without losing or duplicating a
run, and the final table is the same as an uninterrupted run's: replication ``r`` of every point
uses the seed stream ``r`` whatever process, machine or backend runs it.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import BadInput
from sim.experiment.executor import Executor, consume, execute, progress_bar
from sim.experiment.replications import run_replication
from sim.experiment.resultset import atomic_write, check_folder, is_result_set, write_text
from sim.policy import registry
from sim.scenario import (
    Scenario,
    ScenarioError,
    field_type,
    parse_scenario,
    programmatic_value,
    scenario_to_toml,
)

CHUNK = 8
POLICY_PREFIX = "policy."
MAX_VALUES = 10_000  # values of one parameter in a grid
MAX_POINTS = 100_000  # design points of a sweep
DESIGNS = ("grid", "lhs", "sobol")


@dataclass(frozen=True)
class Param:
    """A swept parameter: a dotted name and either a list of values or a range."""

    name: str
    values: tuple[float, ...] | None = None  # explicit values (grid)
    low: float | None = None  # a range, for lhs/sobol (and grid with --levels)
    high: float | None = None

    def grid(self, levels: int) -> list[float]:
        if self.values is not None:
            return list(self.values)
        return list(np.linspace(self.low, self.high, levels))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "values": list(self.values) if self.values is not None else None,
            "low": self.low,
            "high": self.high,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Param:
        values = data.get("values")
        return cls(
            data["name"],
            tuple(values) if values is not None else None,
            data.get("low"),
            data.get("high"),
        )

    def bounds(self) -> tuple[float, float]:
        if self.values is not None:
            return min(self.values), max(self.values)
        return self.low, self.high


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def parse_param(text: str) -> Param:
    """``NAME=a:b:step`` (grid a to b inclusive), ``NAME=a..b`` (a range), ``NAME=v1,v2,...``."""
    if "=" not in text:
        raise ScenarioError(
            [f"--param {text!r}: expected NAME=SPEC with SPEC a:b:step, a..b or v1,v2,..."]
        )
    name, spec = (part.strip() for part in text.split("=", 1))
    where = f"--param {name}"
    if not re.fullmatch(r"[A-Za-z_][\w]*(\.[\w]+)+", name):
        raise ScenarioError(
            [
                f"{where}: the name must be a dotted parameter path, e.g. "
                "turnover.pressure_hazard_ratio_per_case or policy.caseload_cap.cap"
            ]
        )
    if name.startswith(POLICY_PREFIX) and name.count(".") != 2:
        raise ScenarioError(
            [
                f"{where}: a policy parameter is policy.<policy>.<parameter>, e.g. "
                "policy.caseload_cap.cap"
            ]
        )

    def numbers(*texts: str) -> list[float]:
        values = [float(x) for x in texts]
        if not all(np.isfinite(values)):
            raise ScenarioError([f"{where}={spec}: every number must be finite"])
        return values

    if m := re.fullmatch(rf"({_NUMBER}):({_NUMBER}):({_NUMBER})", spec):
        a, b, step = numbers(*m.groups())
        if step <= 0 or b < a:
            raise ScenarioError([f"{where}={spec}: need a <= b and step > 0 in a:b:step"])
        n = int(np.floor((b - a) / step + 1e-9)) + 1
        if n > MAX_VALUES:
            raise ScenarioError(
                [
                    f"{where}={spec}: {n:,} values; at most {MAX_VALUES:,} (use a larger "
                    "step, or a range a..b with --design lhs)"
                ]
            )
        return Param(name, values=tuple(round(a + i * step, 12) for i in range(n)))
    if m := re.fullmatch(rf"({_NUMBER})\.\.({_NUMBER})", spec):
        a, b = numbers(*m.groups())
        if b <= a:
            raise ScenarioError([f"{where}={spec}: need a < b in a..b"])
        return Param(name, low=a, high=b)
    parts = spec.split(",")
    if all(re.fullmatch(_NUMBER, p.strip()) for p in parts) and len(parts) <= MAX_VALUES:
        return Param(name, values=tuple(numbers(*parts)))
    raise ScenarioError(
        [f"{where}={spec}: SPEC must be a:b:step, a..b or a list v1,v2,... of numbers"]
    )


def apply_point(base: Scenario, values: dict[str, float]) -> Scenario:
    """``base`` with the point's values set; ``policy.<name>.<param>`` adds the policy if absent.
    Values may be numpy scalars, and floats for integer fields (see ``programmatic_value``)."""
    plain = {k: v for k, v in values.items() if not k.startswith(POLICY_PREFIX)}
    scenario = base.with_values(plain) if plain else base
    by_policy: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        if key.startswith(POLICY_PREFIX):
            _, policy, param = key.split(".", 2)
            params = registry()[policy].Params if policy in registry() else None
            by_policy.setdefault(policy, {})[param] = programmatic_value(
                key, value, field_type(params, [param])
            )
    if not by_policy:
        return scenario
    data = scenario.model_dump(mode="python")
    specs = data["policy"]
    for policy, params in by_policy.items():
        existing = [s for s in specs if s["name"] == policy]
        if existing:
            existing[0].update(params)
        else:
            specs.append({"name": policy, "start_month": 0, **params})
    data["policy"] = specs
    return parse_scenario(data)


def design_size(params: list[Param], kind: str, samples: int) -> int:
    """How many points a design has, computed before it is drawn."""
    if kind == "grid":
        return int(
            np.prod(
                [len(p.grid(samples)) if p.values is not None else samples for p in params],
                dtype=float,
            )
        )
    return samples if kind == "lhs" else samples * (len(params) + 2)


def check_design(params: list[Param], kind: str, samples: int) -> int:
    """Refuse a design that cannot be drawn (lists for lhs/sobol, too many points); its size."""
    if kind not in DESIGNS:
        raise ScenarioError([f"--design {kind!r}: allowed {', '.join(DESIGNS)}"])
    if kind != "grid":
        lists = [p.name for p in params if p.values is not None]
        if lists:
            raise ScenarioError(
                [
                    f"--design {kind}: samples ranges; give {name}=a..b (a list of "
                    "values is for --design grid)"
                    for name in lists
                ]
            )
    if not 1 <= samples <= MAX_POINTS:
        raise ScenarioError([f"--samples = {samples}: must be between 1 and {MAX_POINTS:,}"])
    size = design_size(params, kind, samples)
    if size > MAX_POINTS:
        raise ScenarioError(
            [
                f"the {kind} design has {size:,.0f} points; at most {MAX_POINTS:,} (fewer "
                "values, fewer --samples or fewer parameters)"
            ]
        )
    return int(size)


def design(params: list[Param], kind: str, samples: int, seed: int) -> pd.DataFrame:
    """The design points: one row per point, one column per parameter."""
    names = [p.name for p in params]
    if kind == "grid":
        rows = list(itertools.product(*(p.grid(samples) for p in params)))
        return pd.DataFrame(rows, columns=names)
    lows = np.array([p.bounds()[0] for p in params])
    highs = np.array([p.bounds()[1] for p in params])
    if kind == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(params), seed=seed).random(samples)
        return pd.DataFrame(lows + unit * (highs - lows), columns=names)
    if kind == "sobol":
        from SALib.sample import sobol as sobol_sample

        problem = salib_problem(params)
        points = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
        return pd.DataFrame(points, columns=names)
    raise ScenarioError([f"--design {kind!r}: allowed grid, lhs, sobol"])


def salib_problem(params: list[Param]) -> dict[str, Any]:
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [list(p.bounds()) for p in params],
    }


# -- running ----------------------------------------------------------------------------------
@dataclass
class Sweep:
    """A sweep on disk: its settings (``sweep.json``), design and finished chunks."""

    out: Path
    base: Scenario
    params: list[Param]
    kind: str
    samples: int
    reps: int
    seed: int
    years: float
    warmup_years: float

    @cached_property
    def points(self) -> pd.DataFrame:
        """The design (drawn once: Sobol and LHS designs draw random numbers)."""
        return design(self.params, self.kind, self.samples, self.seed)

    def settings(self) -> dict[str, Any]:
        return {
            "scenario": self.base.name,
            "params": [p.to_json() for p in self.params],
            "design": self.kind,
            "samples": self.samples,
            "reps": self.reps,
            "seed": self.seed,
            "years": self.years,
            "warmup_years": self.warmup_years,
            "chunk": CHUNK,
        }

    @property
    def n_jobs(self) -> int:
        """Jobs are (point, replication) pairs numbered point-major: job j is (j // reps, j % reps)."""
        return len(self.points) * self.reps

    def chunk_path(self, k: int) -> Path:
        return self.out / "results" / f"chunk-{k:06d}.parquet"

    def prepare(self) -> None:
        """Write (or check) the sweep's settings, scenario and design; refuse a different sweep
        that has finished runs, naming what differs (one without any can be replaced: nothing is
        lost), and a folder that cannot be written (exit 2, as ``run`` does)."""
        try:
            self._prepare()
        except OSError as err:
            raise BadInput(
                f"--out {self.out}: cannot write there ({err.strerror or err})"
            ) from None

    def _prepare(self) -> None:
        meta = self.out / "sweep.json"
        settings = json.loads(json.dumps(self.settings()))
        check_folder(self.out)
        if self.out.is_dir() and any(self.out.iterdir()) and not meta.exists():
            held = "another swsim result set" if is_result_set(self.out) else "other files"
            raise BadInput(
                f"--out {self.out}: the folder holds {held}, not a sweep; choose an "
                "empty or new folder"
            )
        held = _read_json(meta) if meta.exists() else None
        if (
            held is not None
            and held == settings
            and (self.out / "scenario.toml").is_file()
            and (self.out / "scenario.toml").read_text() == scenario_to_toml(self.base)
        ):
            self._clean_temporaries()
            if self.missing_chunks():  # a resume writes chunks: can it?
                (self.out / "results").mkdir(exist_ok=True)
                tempfile.TemporaryFile(dir=self.out / "results").close()
            return
        # check every design value applies cleanly before anything runs (an unknown parameter is
        # named here, before the folder's sweep is compared)
        points = self.points
        for _, row in points.iterrows():
            apply_point(self.base, row.to_dict())
        if meta.exists() and list((self.out / "results").glob("chunk-*.parquet")):
            raise ScenarioError(
                [
                    f"{self.out}: holds a different sweep with finished runs "
                    f"({_differences(held, settings)}); use another --out, or the "
                    "same scenario and settings to resume it"
                ]
            )
        write_text(self.out / "scenario.toml", scenario_to_toml(self.base))
        atomic_write(self.out / "design.parquet", lambda p: points.to_parquet(p, index=False))
        write_text(meta, json.dumps(settings, indent=2) + "\n")

    def _clean_temporaries(self) -> None:
        """Remove half-written chunk files left by a killed run (finished chunks are kept)."""
        for tmp in (self.out / "results").glob(".chunk-*"):
            tmp.unlink(missing_ok=True)

    def missing_chunks(self) -> list[int]:
        n = -(-self.n_jobs // CHUNK)
        return [k for k in range(n) if not self.chunk_path(k).exists()]

    def chunk_jobs(self, k: int) -> list[tuple[int, int]]:
        return [divmod(j, self.reps) for j in range(k * CHUNK, min((k + 1) * CHUNK, self.n_jobs))]

    def table(self) -> pd.DataFrame:
        """Every finished replication, sorted by point and replication."""
        files = sorted((self.out / "results").glob("chunk-*.parquet"))
        if not files:
            return pd.DataFrame()
        return (
            pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
            .sort_values(["point", "rep"])
            .reset_index(drop=True)
        )


def _differences(held: Any, settings: dict[str, Any]) -> str:
    """What differs between the sweep a folder holds and the one asked for, in words."""
    if not isinstance(held, dict):
        return "its sweep.json cannot be read"
    if held == settings:
        return "its scenario differs"
    names = lambda s: [p.get("name") for p in s.get("params") or [] if isinstance(p, dict)]
    if names(held) != names(settings):
        new = [n for n in names(settings) if n not in names(held)]
        return f"it sweeps {', '.join(map(str, names(held))) or 'nothing'}" + (
            f", not {', '.join(new)}" if new else ""
        )
    keys = [k for k in settings if held.get(k) != settings[k]]
    return "it differs in " + ", ".join(
        "the parameters' values" if k == "params" else k for k in keys
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def run_chunk(
    base: Scenario,
    points: dict[int, dict],
    jobs: list[tuple[int, int]],
    seed: int,
    years: float,
    warmup_years: float,
) -> pd.DataFrame:
    """Simulate the jobs of one chunk: one row per (point, replication) with the parameter values
    (``points``: the values of the chunk's design points, by point number)."""
    rows = []
    for point, rep in jobs:
        values = points[point]
        result = run_replication(apply_point(base, values), rep, seed, years, warmup_years)
        rows += [{"point": point, **values, **row} for row in result.summary]
    return pd.DataFrame(rows)


def _chunk_task(args) -> tuple[int, pd.DataFrame]:
    k, base, points, jobs, seed, years, warmup = args
    return k, run_chunk(base, points, jobs, seed, years, warmup)


def run_sweep(sweep: Sweep, workers: int | Executor = 1, progress: bool = False) -> pd.DataFrame:
    """Run the missing chunks (writing each as it finishes) and return the full table."""
    sweep.prepare()
    todo = sweep.missing_chunks()
    points = sweep.points
    tasks = []
    for k in todo:  # each task carries only its own design points
        jobs = sweep.chunk_jobs(k)
        rows = {p: points.iloc[p].to_dict() for p in sorted({p for p, _ in jobs})}
        tasks.append((k, sweep.base, rows, jobs, sweep.seed, sweep.years, sweep.warmup_years))
    bar = progress_bar(len(tasks), "sweep", progress, unit="chunk")
    for k, frame in consume(execute(_chunk_task, tasks, workers), bar):
        atomic_write(sweep.chunk_path(k), lambda p, frame=frame: frame.to_parquet(p, index=False))
    table = sweep.table()
    if todo or not (sweep.out / "summary.parquet").exists():  # nothing new: the file stands
        atomic_write(sweep.out / "summary.parquet", lambda p: table.to_parquet(p, index=False))
    return table
