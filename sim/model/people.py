"""People: ages, retirement and sickness absence.

- **Ages.** Each worker has a day of birth. Their age at hire is drawn from their pipeline's age
  groups (``retirement.age_at_hire``, uniform within a group) with the ``people`` stream's
  per-post draws, so the k-th holder of a post is the same age in every scenario (common random
  numbers); ages then advance with the clock, and a mover between councils keeps their age.
- **Retirement** competes with the leaving hazard: from ``start_age`` a worker's cumulative
  retirement hazard grows by ``hazard_per_year / 12`` a month, and they retire when it passes their
  own unit-exponential draw (the same law as a hazard added to the leaving hazard), or at
  ``latest_age``. A retiree leaves social work (destination 'profession') and is counted in
  ``leavers_retirement`` too.
- **Sickness absence** is lost capacity. At each month end a worker's share of working days lost
  is ``base_rate * pressure_ratio_per_case ** pressure`` (``pressure`` as in the leaving hazard);
  the authority's absence is the mean over its workers in post, at most ``max_rate``. For the
  coming month every caseload limit is multiplied by ``1 - absence`` and the time the cases take
  grows by its inverse (``Rates.capacity_factor``): fewer cases fit, and the same cases press
  harder on those at work.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import simpy

from sim.model.allocation import CaseBook
from sim.model.clock import MONTH_DAYS
from sim.model.roster import Roster
from sim.model.workforce import ASYE
from sim.scenario import Absence, AgesAtHire, Retirement, Scenario

AGE, RETIRE = range(2)  # which of a post's ``people`` draws (see Authority.people_draws)
N_PEOPLE_DRAWS = 2


class AgesAtHireTable:
    """Ages at hire by pipeline, as the inverse distribution function of a uniform draw."""

    def __init__(self, retirement: Retirement):
        self.edges = np.asarray(retirement.age_group_edges, dtype=float)
        self.cum = {
            name: np.concatenate(([0.0], np.cumsum(getattr(retirement.age_at_hire, name))))
            for name in AgesAtHire.model_fields
        }

    def age(self, pipeline: str, level: int, u: float) -> float:
        """The age (years) at hire of someone joining by ``pipeline`` at ``level`` whose draw is
        ``u``; a pipeline without its own shares (a policy's) is newly qualified into ASYE posts
        and experienced above."""
        name = (
            pipeline
            if pipeline in self.cum
            else ("newly_qualified" if level == ASYE else "experienced")
        )
        return float(np.interp(u, self.cum[name], self.edges))


def retirement_hazard(retirement: Retirement, age: np.ndarray) -> np.ndarray:
    """Annual retirement hazard at each ``age`` (years): ``hazard_per_year`` from ``start_age``."""
    return np.where(age >= retirement.start_age, retirement.hazard_per_year, 0.0)


def absence_rate(absence: Absence, pressure: np.ndarray) -> float:
    """The share of working days an authority loses to sickness: the mean of its workers' shares
    (each rising with their sustained caseload pressure), at most ``max_rate``."""
    if not pressure.size:
        return absence.base_rate
    shares = absence.base_rate * np.power(absence.pressure_ratio_per_case, pressure)
    return float(min(absence.max_rate, shares.mean()))


class AbsentCouncil(Protocol):
    """A council as the absence step sees it (``Authority`` is one)."""

    env: simpy.Environment
    scenario: Scenario
    roster: Roster
    book: CaseBook

    def set_absence(self, share: float) -> None: ...


def absence_watch(auth: AbsentCouncil, offset: float):
    """Monthly, after the record: the absence of the coming month, from the workers in post."""
    absence = auth.scenario.absence
    yield auth.env.timeout(offset)
    while True:
        auth.set_absence(absence_rate(absence, auth.roster.pressure[auth.book.active]))
        yield auth.env.timeout(MONTH_DAYS)
