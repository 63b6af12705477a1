"""``CaseFlow``: one council's cases: the referrals drawn for the run, the case book that
allocates them to its teams' workers, and each team's work.

A part of ``Authority`` (``authority.py``); the case book's own rules are in ``allocation.py``.
"""

from __future__ import annotations

import numpy as np

from sim.model.allocation import CaseBook
from sim.model.children import CareRule, draw_care
from sim.model.clock import Calendar, Clock
from sim.model.demand import CaseTypeTable, draw_caseload
from sim.model.rates import Rates
from sim.model.roster import Roster
from sim.model.streams import Streams
from sim.scenario import LEVELS, Scenario


class CaseFlow:
    """The council's referrals and case book, and the caseload limit of each level and team."""

    def __init__(
        self,
        scenario: Scenario,
        streams: Streams,
        clock: Clock,
        calendar: Calendar | None,
        rates: Rates,
        max_workers: int,
    ):
        """Draw the run's referrals and start the case book (``max_workers``: its worker rows)."""
        self.table = CaseTypeTable.from_scenario(scenario)
        caseload = draw_caseload(
            scenario,
            clock.n_days,
            streams["referrals"],
            streams["case_careers"],
            streams["initial"],
            calendar,
        )
        self.teams = scenario.team_list()
        # every (level, team) pair, and the caseload limit of each under the rates now
        self.level_team = np.divmod(np.arange(len(LEVELS) * len(self.teams)), len(self.teams))
        self.limit_table = rates.limits(*self.level_team)
        over = [
            int(t.overflow == "over_limit" or scenario.allocation.allow_over_limit)
            for _, t in self.teams
        ]
        care = CareRule.from_scenario(scenario, self.table)
        self.book: CaseBook | None = CaseBook(
            caseload,
            self.table,
            clock.n_days,
            max_workers,
            np.array(over),
            care,
            draw_care(scenario, self.table, care, caseload, streams["care_step_up"]),
        )

    def set_limits(self, rates: Rates, roster: Roster, day: int) -> None:
        """Apply ``rates``' caseload limits if they changed: every worker in post gets the limit
        of their level and team; those now over it hand cases back to wait (permanent staff
        first, then agency and bank workers, in the order they joined)."""
        old = self.limit_table
        self.limit_table = rates.limits(*self.level_team)
        if np.array_equal(self.limit_table, old):
            return
        book = self.book
        slots = np.flatnonzero(book.active)
        over = book.set_limits(slots, rates.limits(roster.level[slots], roster.team[slots]))
        if over:
            for worker in [*roster.staff.values(), *roster.temps.values()]:
                if worker.slot in over:
                    book.release(worker.slot, day, keep_load=over[worker.slot])

    def team_work(self, team: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each team's weighted cases (held, and waiting for a worker of the team) and workers;
        ``team``: each worker row's team."""
        book = self.book
        n = len(self.teams)
        active = book.active
        work = np.bincount(team[active], weights=book.load[active], minlength=n)
        work += book.waiting_work()
        return work, np.bincount(team[active], minlength=n)

    def mean_caseload(self) -> float:
        """Mean cases per case holder now (0 when nobody holds a case)."""
        return self.book.mean_caseload()
