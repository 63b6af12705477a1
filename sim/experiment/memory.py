"""The memory ceiling of a replication: a run whose memory runs away stops with one line (exit 1)
instead of pushing the machine into swap.

The process's resident memory is read every simulated month (and once the replication is set up);
above the ceiling the replication raises ``OverMemory``. The ceiling is ``MEMORY_CEILING_MB`` per
process, or ``SWSIM_MEMORY_CEILING_MB`` from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable

MEMORY_CEILING_MB = 4096  # resident memory of a process running replications
ENV_CEILING = "SWSIM_MEMORY_CEILING_MB"


class OverMemory(RuntimeError):
    """A replication's process went above the memory ceiling (an internal limit, exit 1)."""


def ceiling_mb() -> int:
    """The ceiling in MB: ``SWSIM_MEMORY_CEILING_MB`` if set to a positive whole number, else
    ``MEMORY_CEILING_MB``."""
    text = os.environ.get(ENV_CEILING, "")
    return int(text) if text.isdigit() and int(text) > 0 else MEMORY_CEILING_MB


def resident_mb() -> float:
    """This process's resident memory in MB (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_guard(where: str) -> Callable[[], None]:
    """A check that raises ``OverMemory`` (naming ``where``, the memory and the ceiling) once this
    process's resident memory is above the ceiling."""
    limit = ceiling_mb()

    def check() -> None:
        used = resident_mb()
        if used > limit:
            raise OverMemory(
                f"{where} used {used:,.0f} MB of memory, above the ceiling of "
                f"{limit:,} MB a process (docs/reference/commands.md; {ENV_CEILING} sets "
                "it); stopped: nothing more was written, earlier results are unchanged"
            )

    return check
