"""Named random streams: one ``numpy.random.Generator`` per model process, per replication.

Streams are spawned from the replication's ``SeedSequence`` in a fixed order, so two scenarios run
with the same root seed see the same referrals, case careers, leaving draws and so on (common
random numbers). New streams are only ever appended to ``STREAM_NAMES``, never inserted.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STREAM_NAMES: tuple[str, ...] = (
    "referrals",     # arrival counts per day
    "case_careers",  # case types, step-ups and episode durations
    "initial",       # the open caseload and staff at the start of a run
    "leaving",       # who leaves and where they go
    "recruitment",   # time to fill vacancies
    "agency",        # agency backfill, assignment ends, conversion
    "progression",   # ASYE outcome and promotions
    "policy",        # reserved for policies
)


@dataclass(frozen=True)
class Streams:
    """The generators of one replication, by process name."""

    generators: dict[str, np.random.Generator]

    def __getitem__(self, name: str) -> np.random.Generator:
        return self.generators[name]

    @classmethod
    def from_seed_sequence(cls, seq: np.random.SeedSequence) -> "Streams":
        children = seq.spawn(len(STREAM_NAMES))
        return cls({name: np.random.default_rng(child) for name, child in zip(STREAM_NAMES, children)})


def replication_streams(root_seed: int, rep: int) -> Streams:
    """The streams of replication ``rep`` under ``root_seed``: the ``rep``-th child of
    ``SeedSequence(root_seed)``, whatever process or machine runs it."""
    seq = np.random.SeedSequence(root_seed, spawn_key=(rep,))
    return Streams.from_seed_sequence(seq)
