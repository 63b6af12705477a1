"""``Region``: what one replication runs. It owns the SimPy environment, the clock and the random
streams, and holds the authorities that share them; a single-authority scenario is a region of
one. (The labour market that makes authorities compete for the same social workers lives here too
as it is built.)"""
from __future__ import annotations

import pandas as pd
import simpy

from sim.model.authority import Authority
from sim.model.clock import Clock
from sim.model.outcomes import summarise
from sim.model.streams import SINGLE_AUTHORITY, Streams
from sim.scenario import Scenario


class Region:
    """The authorities of a scenario in one environment, for one replication."""

    def __init__(self, scenario: Scenario, root_seed: int, rep: int, clock: Clock,
                 env: simpy.Environment | None = None):
        self.env = env or simpy.Environment()
        self.clock = clock
        self.rep = rep
        self.authorities = [Authority(self.env, scenario, Streams(root_seed, rep, SINGLE_AUTHORITY), clock)]

    def run(self) -> None:
        """Simulate to the last month end; check every authority's conservation laws."""
        self.env.run(until=self.clock.n_days)
        for auth in self.authorities:
            auth.check_conservation()

    def months(self, auth: Authority) -> pd.DataFrame:
        """An authority's monthly rows in the reporting window (month 0 is the first after warm-up)."""
        rows = pd.DataFrame(auth.recorder.rows)
        return rows[rows["month"] >= 0].reset_index(drop=True)

    def summary(self, auth: Authority, months: pd.DataFrame) -> dict[str, float]:
        """An authority's outcomes over the reporting window."""
        return summarise(months, auth.book.cases, auth.book.initial, auth.workers,
                         start_day=self.clock.report_start_day, end_day=self.clock.n_days)

    @property
    def case_events(self) -> int:
        return sum(auth.book.events for auth in self.authorities)
