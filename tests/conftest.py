"""Shared helpers: small scenarios built from the baseline."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.scenario import LEVELS, Scenario, load_scenario

ZERO_LEVEL = {
    "establishment": 0,
    "salary_gbp": 30000.0,
    "caseload_limit": 10.0,
    "leave_rate": 0.0,
    "fill_days_mean": 100.0,
}


# a small regional market for regions of two or three baseline-sized councils
REGIONAL_MARKET = {
    "labour": "regional",
    "newly_qualified_per_year": 60.0,
    "experienced_per_year": {"l2": 25.0, "l3": 25.0, "l4": 5.0, "l5": 2.0},
    "agency_pool_start": 20,
    "agency_inflow_per_year": 30.0,
}


def pay_rise(rise: float) -> dict:
    """A council's section paying the baseline's salaries raised by ``rise`` (0.1 = 10%)."""
    return {
        "workforce": {
            "levels": {
                lv: {"salary_gbp": s * (1 + rise)}
                for lv, s in zip(LEVELS, (31000.0, 35000.0, 39000.0, 44000.0, 50000.0))
            }
        }
    }


# Long tests whose cases are independent of each other: under `--dist loadfile` (pyproject.toml) each
# case goes to a process on its own, so the cases share the cores.
APART = ("tests/test_readme.py::test_every_shell_command_runs[",)  # a docs page's commands


def work_unit(nodeid: str) -> str:
    """What pytest-xdist sends to one process together: a test file (so a module's fixtures are
    built once), but a case of a test in APART alone."""
    return nodeid if nodeid.startswith(APART) else nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: absent under `-p no:xdist`
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadfile`, with its units of work from work_unit. (Not `--dist loadgroup` and
    xdist_group marks: under pytest 9.2 and xdist 3.8 the marks are silently ignored, see
    pytest-dev/pytest-xdist#1386.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrCase(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return FileOrCase(config, log)


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario("baseline")


def queue_scenario(workers: int, limit: int, mean_days: float, utilisation: float) -> Scenario:
    """A fixed-staff case flow: one case type, exponential durations, no turnover (nor
    retirement), no agency, no sickness absence.

    It is an M/M/c queue with c = workers * limit case slots."""
    servers = workers * limit
    arrivals_per_day = utilisation * servers / mean_days
    level = dict(ZERO_LEVEL, establishment=workers, caseload_limit=float(limit))
    return Scenario.model_validate(
        {
            "name": "mmc",
            "demand": {
                "referrals_per_year": arrivals_per_day * 365.0,
                "case_share": 1.0,
                "seasonal_amplitude": 0.0,
                "initial_type": {"case": 1.0},
            },
            "case_types": {"case": {"weight": 1.0, "mean_days": mean_days, "next": {"close": 1.0}}},
            "workforce": {
                "levels": {
                    "asye": ZERO_LEVEL,
                    "l2": ZERO_LEVEL,
                    "l3": level,
                    "l4": ZERO_LEVEL,
                    "l5": ZERO_LEVEL,
                },
                "initial_fill": 1.0,
            },
            "agency": {"backfill_probability": 0.0, "conversion_rate_per_year": 0.0},
            "absence": {"enabled": False},
            "retirement": {"enabled": False},
        }
    )


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder nothing can be written in, and the error its writes give: a read-only tmpfs where
    this user may mount one (root), else a folder without write permission."""
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        ro.chmod(0o500)
    try:
        yield ro, "Read-only file system" if mounted else "Permission denied"
    finally:
        if mounted:
            subprocess.run(["umount", str(ro)], capture_output=True)
