"""``swsim scenario-from-dfe``: a scenario for a council (or every council of a region) from DfE
statistics, its rates fitted to the council's DfE turnover, vacancy and agency rates if asked."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

from calibration.council_fit import FITS, check_lines, fit_to_dfe, settings_for
from calibration.dfe import DemandNotMatched, region_councils, region_from_dfe, short_council_name
from calibration.dfe import scenario_from_dfe as build
from sim.errors import BadInput
from sim.experiment.executor import Executor
from sim.experiment.resultset import write_text
from sim.experiment.settings import Given, settle
from sim.experiment.variants import scenario_named
from sim.scenario import Scenario, scenario_to_toml


def scenario_from_dfe(
    base: Scenario | str,
    asked: Given,
    pool: Executor,
    *,
    council: str | None = None,
    region: str | None = None,
    year: int = 2020,
    fit: str = "quick",
    out: Path | None = None,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] = print,
) -> str:
    """The scenario (TOML) for ``council`` or every council of ``region`` in ``year``, the other
    rates ``base``'s; fitted (``fit``: quick, full or none) on ``pool`` with the seed ``asked``,
    its lines told to ``say``; written to ``out`` if given. Demand that cannot match a council's
    DfE open cases is told to ``warn``."""
    if out is not None and (out.is_dir() or str(out).strip() in ("", ".")):
        raise BadInput(f"--out {out}: is a folder; give a file name such as warwickshire.toml")
    if out is not None and not out.parent.is_dir():
        raise BadInput(f"--out {out}: the folder {out.parent} does not exist")
    if (council is None) == (region is None):
        raise BadInput("scenario-from-dfe: name a council, or give --region (one of the two)")
    if fit not in FITS:
        raise BadInput(f"--fit = {fit!r}: one of {', '.join(FITS)}")
    base = scenario_named(base) if isinstance(base, str) else base
    _, opts = settle(base, Given(seed=asked.seed, workers=asked.workers))  # checked before any work
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DemandNotMatched)
        if region is not None:
            scenario = region_from_dfe(base, region, year)
            councils = {short_council_name(n): n for n in region_councils(region, year)}
        else:
            scenario = build(base, council, year)
            councils = {scenario.name: council}
    for w in caught:  # demand that cannot match the council's DfE open cases: said, not fatal
        if issubclass(w.category, DemandNotMatched):
            warn(f"warning: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if fit != "none":
        scenario = _fitted(scenario, councils, year, fit, opts.seed, pool, say)
    text = scenario_to_toml(scenario)
    if out:
        try:
            write_text(out, text)
        except OSError as err:
            raise BadInput(f"--out {out}: cannot write it ({err.strerror})") from None
    return text


def _fitted(
    scenario: Scenario,
    councils: dict[str, str],
    year: int,
    fit: str,
    seed: int,
    pool: Executor,
    say: Callable[[str], None],
) -> Scenario:
    """``scenario`` with each council's rates fitted to its DfE rates for ``year``; the rounds and
    the targets met on fresh seeds told to ``say``."""
    s = settings_for(scenario, fit, seed)
    say(
        f"fitting {', '.join(councils)} to DfE {year} turnover, vacancy and agency rates: "
        f"{s.budget} rounds of {s.reps} replications x {s.years:g} years (after "
        f"{s.warmup_years:g} warm-up), seed {seed}"
    )
    with pool:
        fitted = fit_to_dfe(
            scenario,
            councils,
            year,
            fit,
            seed,
            pool,
            progress=lambda r, loss: say(f"round {r + 1}/{s.budget}: distance {loss:.1f}"),
        )
    result = fitted.scenario.with_overrides(
        description=scenario.description
        + (
            f"; turnover scale, {'appeal' if scenario.market.labour == 'regional' else 'time to fill'}"
            f" and agency backfill fitted to DfE {year} rates (--fit {fit}, seed "
            f"{seed}): {int(fitted.checks['within'].sum())} of {len(fitted.checks)} targets within "
            f"range"
        )
    )
    say(f"targets, the fitted scenario on fresh seeds ({s.reps} replications):")
    for line in check_lines(fitted.checks, year):
        say(f"  {line}")
    return result
