"""``swsim sweep``: a design over scenario or policy parameters, run in chunks (resumable), with
its settings from the command line, else a sweep file, else sweep's defaults."""

from __future__ import annotations

import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sim.errors import BadInput
from sim.experiment.executor import Executor
from sim.experiment.resultset import Output, verify, write_manifest
from sim.experiment.settings import (
    DEFAULTS,
    SWEEP_DESIGN,
    SWEEP_GRID_LEVELS,
    SWEEP_SAMPLES,
    Given,
    check_size,
    settle,
)
from sim.experiment.sweep import Sweep, check_design, parse_param, run_sweep
from sim.experiment.variants import scenario_named, short_name
from sim.scenario import read_text_file, scenario_to_toml

SWEEP_FILE_BYTES = 1_000_000


class SweepFile:
    """The keys a sweep file may hold."""

    KEYS = {
        "scenario": str,
        "design": str,
        "samples": int,
        "reps": int,
        "years": (int, float),
        "warmup_years": (int, float),
        "seed": int,
        "params": dict,
    }

    @classmethod
    def read(cls, path: Path) -> dict:
        text = read_text_file(path, SWEEP_FILE_BYTES)
        try:
            spec = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as err:
            raise BadInput(f"--file {path}: not a readable TOML sweep file ({err})") from None
        problems = [
            f"--file {path}: unknown key {k!r}; allowed: {', '.join(cls.KEYS)}"
            for k in spec
            if k not in cls.KEYS
        ]
        for key, kind in cls.KEYS.items():
            if key in spec and (not isinstance(spec[key], kind) or isinstance(spec[key], bool)):
                problems.append(f"--file {path}: {key} = {spec[key]!r} has the wrong type")
        for name, value in (
            (spec.get("params") or {}).items() if isinstance(spec.get("params"), dict) else []
        ):
            if not isinstance(value, str):
                problems.append(
                    f"--file {path}: params.{name} = {value!r}: give a text spec like "
                    '"0..0.1", "16:26:2" or "18,21"'
                )
        if problems:
            raise BadInput(problems)
        return spec


@dataclass(frozen=True)
class Swept:
    """What a sweep did: its job, the runs in its table, the chunks missing when it started (None:
    a new sweep), its seconds; if interrupted, the chunks still to run."""

    job: Sweep
    runs: int = 0
    before: int | None = None
    seconds: float = 0.0
    left: int | None = None


def sweep(
    scenario: str | None,
    params: list[str],
    asked: Given,
    pool: Executor,
    output: Output = Output(),
    *,
    file: Path | None = None,
    design: str | None = None,
    samples: int | None = None,
    yes: bool = False,
    progress: bool = False,
) -> Swept:
    """Run the design (``design``, ``samples``) over ``params`` ("NAME=SPEC", after the file's) on
    ``scenario`` (else the file's, else baseline) with the settings ``asked`` (else the file's, else
    sweep's defaults); resume a sweep already in the folder; write its manifest."""
    spec = SweepFile.read(file) if file else {}
    texts = [f"{k}={v}" for k, v in (spec.get("params") or {}).items()] + list(params)
    if not texts:
        raise BadInput("sweep: give at least one --param NAME=SPEC (or a --file with [params])")
    parsed = [parse_param(t) for t in texts]
    base = scenario_named(scenario or spec.get("scenario", "baseline"))
    kind = design if design is not None else spec.get("design", SWEEP_DESIGN)
    samples = (
        samples
        if samples is not None
        else spec.get("samples", SWEEP_GRID_LEVELS if kind == "grid" else SWEEP_SAMPLES)
    )
    points = check_design(parsed, kind, samples)
    from_file = Given(**{k: spec.get(k) for k in ("reps", "years", "warmup_years", "seed")})
    _, opts = settle(base, asked, from_file.over(DEFAULTS["sweep"]))
    check_size(opts, base, points * opts.reps, opts.workers, monthly=False, yes=yes)
    out = output.out or Path("results") / "sweep" / _label(base.name, kind, parsed)
    job = Sweep(
        out=out,
        base=base,
        params=parsed,
        kind=kind,
        samples=samples,
        reps=opts.reps,
        seed=opts.seed,
        years=opts.years,
        warmup_years=opts.warmup_years,
    )
    started = time.perf_counter()
    before = len(job.missing_chunks()) if (job.out / "sweep.json").exists() else None
    try:
        with pool:
            table = run_sweep(job, workers=pool, progress=progress)
    except KeyboardInterrupt:
        return Swept(job, left=len(job.missing_chunks()))
    if before != 0 or not _manifest_holds(job.out):  # a no-op re-run leaves it alone
        write_manifest(
            job.out,
            {"kind": "sweep", "scenarios": [base.name]},
            list(sys.argv if output.command is None else output.command),
            {**job.settings(), "workers": opts.workers},
            {base.name: scenario_to_toml(base)},
        )
    return Swept(job, len(table), before, time.perf_counter() - started)


def _manifest_holds(out: Path) -> bool:
    """Whether ``out``'s manifest lists its files as they are."""
    try:
        verify(out)
    except BadInput:
        return False
    return True


def _label(scenario: str, kind: str, params) -> str:
    names = "-".join(p.name.split(".")[-1] for p in params)
    return short_name(f"{scenario}-{kind}-{names}", 120)
