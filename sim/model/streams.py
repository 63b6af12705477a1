"""Named random streams: one ``numpy.random.Generator`` per (replication, authority, purpose).

Each stream is the child of the root seed's ``SeedSequence`` at the spawn key (replication,
authority, purpose), the last two by name. So a replication draws the same numbers in whatever
process or machine runs it, two scenarios run with the same seed see the same referrals, case
careers, leaving draws and so on (common random numbers), and adding an authority, a policy or a
new purpose never shifts the draws of another.
"""

from __future__ import annotations

import zlib

import numpy as np

PURPOSES: tuple[str, ...] = (
    "referrals",  # arrival counts per day
    "case_careers",  # case types, step-ups and episode durations
    "initial",  # the open caseload and staff at the start of a run
    "agency",  # agency assignment ends, conversion
    "progression",  # promotions
    "asye",  # ASYE outcomes (apart from promotions, so policies that change those keep CRN)
    "posts",  # per post and vacancy: time to fill, agency cover, the next holder's resilience
    "people",  # per post and vacancy: the next holder's age at hire and retirement draw
    # the region's labour market (streams of the region, not of one authority)
    "applicants",  # arrivals of applicants and their patience
    "choices",  # the order in which applicants choose, and their choices
    "movers",  # which leavers to another LA look within the region
    "agency_pool",  # agency workers joining and leaving the regional pool
    "agency_leavers",  # which leavers into agency work stay in the region's pool (a policy's cut)
    "care_step_up",  # per case: its threshold for stepping up into care and its career from care
)
SINGLE_AUTHORITY = "authority"  # the key of the one authority of a single-authority scenario


def _key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def stream(root_seed: int, rep: int, authority: str, purpose: str) -> np.random.Generator:
    """The generator for ``purpose`` in ``authority`` in replication ``rep``."""
    seq = np.random.SeedSequence(root_seed, spawn_key=(rep, _key(authority), _key(purpose)))
    return np.random.default_rng(seq)


class Streams:
    """The generators of one authority in one replication, by purpose (made on first use)."""

    def __init__(self, root_seed: int, rep: int, authority: str = SINGLE_AUTHORITY):
        self.root_seed, self.rep, self.authority = root_seed, rep, authority
        self._made: dict[str, np.random.Generator] = {}

    def __getitem__(self, purpose: str) -> np.random.Generator:
        if purpose not in PURPOSES:
            raise KeyError(f"unknown stream purpose {purpose!r}; known: {', '.join(PURPOSES)}")
        if purpose not in self._made:
            self._made[purpose] = stream(self.root_seed, self.rep, self.authority, purpose)
        return self._made[purpose]

    def for_policy(self, name: str, occurrence: int = 0) -> np.random.Generator:
        """A policy's own generator, keyed by its name and place in the scenario's policy list."""
        return stream(self.root_seed, self.rep, self.authority, f"policy:{name}:{occurrence}")
