"""Named random streams: one ``numpy.random.Generator`` per model process, per replication.

Streams are spawned from the replication's ``SeedSequence`` in a fixed order, so two scenarios run
with the same root seed see the same referrals, case careers, leaving draws and so on (common
random numbers). New streams are only ever appended to ``STREAM_NAMES``, never inserted.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

STREAM_NAMES: tuple[str, ...] = (
    "referrals",     # arrival counts per day
    "case_careers",  # case types, step-ups and episode durations
    "initial",       # the open caseload and staff at the start of a run
    "agency",        # agency backfill, assignment ends, conversion
    "progression",   # promotions
    "asye",          # ASYE outcomes (apart from promotions, so policies that change those keep CRN)
    "posts",         # per post and vacancy: time to fill, agency cover, the next holder's resilience
)


@dataclass(frozen=True)
class Streams:
    """The generators of one replication, by process name."""

    generators: dict[str, np.random.Generator]
    seed: np.random.SeedSequence

    def __getitem__(self, name: str) -> np.random.Generator:
        return self.generators[name]

    @classmethod
    def from_seed_sequence(cls, seq: np.random.SeedSequence) -> "Streams":
        children = np.random.SeedSequence(seq.entropy, spawn_key=seq.spawn_key).spawn(len(STREAM_NAMES))
        return cls({name: np.random.default_rng(child) for name, child in zip(STREAM_NAMES, children)},
                   seq)

    def for_policy(self, name: str, occurrence: int = 0) -> np.random.Generator:
        """A policy's own generator, keyed by its name: adding one policy never shifts another's draws."""
        key = self.seed.spawn_key + (1_000_000, zlib.crc32(name.encode()), occurrence)
        return np.random.default_rng(np.random.SeedSequence(self.seed.entropy, spawn_key=key))


def replication_streams(root_seed: int, rep: int) -> Streams:
    """The streams of replication ``rep`` under ``root_seed``: the ``rep``-th child of
    ``SeedSequence(root_seed)``, whatever process or machine runs it."""
    seq = np.random.SeedSequence(root_seed, spawn_key=(rep,))
    return Streams.from_seed_sequence(seq)
