"""A quick check that a built-in scenario still meets its calibration targets.

The full check is ``swsim validate-calibration`` (20 replications of 10 years). This one runs a
few replications of a few years, so the test suite can run it on every change, and widens each
target's range so that it is stable on that budget: by the range's own half-width either side
(what the fit allows is the range; twice its half-width is a miss no fit would leave), and by
three standard errors of the simulated mean over the replications (``SE_FACTOR``; the rule is
``sim.experiment.observed.widened``, which the report's baseline check shares). A council outside
that band has lost its calibration: a change to demand, the market, the defaults or a mechanism
moved it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibration.targets import (
    DEFAULT_TARGETS,
    Targets,
    load_targets,
    metric_values,
    with_council_targets,
)
from sim.columns import OUTCOMES, REGION, rows_of
from sim.experiment.observed import SE_FACTOR, widened  # noqa: F401 (SE_FACTOR: as before)
from sim.experiment.replications import run_experiment
from sim.scenario import Scenario

# Targets the model cannot reach by its structure, each with the reason (docs/background/calibration.md, "Calibration of
# the region"); every other target must stay within its band. None since agency workers covering
# no vacancy became a DfE input of each council (Shropshire's agency rate was out of reach before).
KNOWN_MISSES: dict[str, str] = {}


def guard_table(
    scenario: Scenario,
    reps: int,
    years: float,
    warmup_years: float,
    seed: int,
    workers: int = 1,
    targets: Targets | None = None,
) -> pd.DataFrame:
    """Each fitted target (role 'target') of ``scenario`` (``targets``, default the targets file,
    with each council's for a region): target, range, simulated mean, the widened band, ``ok``
    (the mean within the band) and ``known_miss`` (in ``KNOWN_MISSES``)."""
    if targets is None:
        targets = load_targets(DEFAULT_TARGETS, set(OUTCOMES))
    if scenario.is_region:
        targets = with_council_targets(targets, scenario)
    summary = run_experiment(scenario, reps, seed, years, warmup_years, workers).summary
    councils = [name for name, _ in scenario.members()] if scenario.is_region else []
    rows = []
    for row in targets.fitted.itertuples():
        x = metric_values(
            rows_of(summary, row.geography if row.geography in councils else REGION),
            row.model_metric,
        )
        x = x[np.isfinite(x)]
        mean = float(x.mean()) if len(x) else float("nan")
        se = float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else 0.0
        low, high = widened(row.low, row.high, se)  # the report's band (sim.experiment.observed)
        rows.append(
            {
                "id": row.id,
                "geography": row.geography,
                "target": row.value,
                "low": row.low,
                "high": row.high,
                "simulated_mean": mean,
                "band_low": low,
                "band_high": high,
                "ok": bool(low <= mean <= high),
                "known_miss": row.id in KNOWN_MISSES,
            }
        )
    return pd.DataFrame(rows)
