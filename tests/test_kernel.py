"""The compiled kernel's boundary: the plain-Python path (``SWSIM_NO_JIT=1``) gives the compiled
run's frames, the case book's arrays reach the kernel as a checked record, and the compiled cache
is keyed by every source file the kernel's code comes from."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]

# One short replication in a fresh process (SWSIM_NO_JIT is read when ``sim.model._jit`` is
# imported), pickled to argv[1]: the single-council baseline, and a region of two West Midlands
# councils (several case books in one kernel call).
RUN_ONE = """
import pickle, sys
from sim.experiment.bench import scaled_region
from sim.experiment.replications import run_replication
from sim.model._jit import JIT
from sim.scenario import load_scenario
out = {"jit": JIT}
for name, scenario, years, warmup in (
        ("baseline", load_scenario("baseline"), 1.0, 0.5),
        ("region", scaled_region(load_scenario("west_midlands"), 2), 0.25, 0.25)):
    rep = run_replication(scenario, 0, 7, years, warmup)
    out[name] = (rep.timeseries, rep.summary, rep.teams, rep.case_events)
with open(sys.argv[1], "wb") as f:
    pickle.dump(out, f)
"""


def _run(tmp_path: Path, no_jit: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SWSIM_NO_JIT"}
    if no_jit:
        env["SWSIM_NO_JIT"] = "1"
    out = tmp_path / ("plain.pkl" if no_jit else "compiled.pkl")
    subprocess.run([sys.executable, "-c", RUN_ONE, str(out)], cwd=ROOT, env=env, check=True,
                   timeout=600)
    with open(out, "rb") as f:
        return pickle.load(f)


def test_the_plain_python_kernel_gives_the_compiled_runs_frames_exactly(tmp_path):
    """Every frame (monthly rows, summaries, teams) and the case-flow event count of a short
    baseline and a two-council region are identical, bit for bit, with and without numba."""
    pytest.importorskip("numba")
    compiled, plain = _run(tmp_path, no_jit=False), _run(tmp_path, no_jit=True)
    assert compiled["jit"] is True and plain["jit"] is False
    for name in ("baseline", "region"):
        (ts_c, summary_c, teams_c, events_c), (ts_p, summary_p, teams_p, events_p) = \
            compiled[name], plain[name]
        assert events_c == events_p > 0, name
        pd.testing.assert_frame_equal(ts_c, ts_p, check_exact=True)
        pd.testing.assert_frame_equal(pd.DataFrame(summary_c), pd.DataFrame(summary_p),
                                      check_exact=True)
        pd.testing.assert_frame_equal(pd.DataFrame(teams_c), pd.DataFrame(teams_p),
                                      check_exact=True)
