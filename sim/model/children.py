"""Children's outcomes: entries into care, and the staffing effects that may bring them about.

At the end of an episode of a source type (child in need, child protection) whose drawn next step
is not care, a child who has not yet been in care enters care instead once its staffing hazard
passes its own threshold:

    hazard = -ln(1 - p_week) x weeks without a worker + -ln(1 - p_change) x changes of worker,

with the weeks and changes counted over the case's life so far, and threshold = -ln(1 - u), u a
uniform drawn up front for each case from its own stream (so two scenarios with the same seed
share every child's threshold: common random numbers). The chance of stepping up at the first
such episode end is therefore ``step_up_probability`` = 1 - (1 - p_week)^weeks (1 - p_change)^changes,
and at a later one the same formula over the weeks and changes since: each week without a worker
and each change of worker carries its own independent chance, counted once. After a step-up the
child's career is a career that starts in care, drawn up front for every case from the same
stream (for the baseline: an episode in care, then the case closes).

With the effects off (or both chances zero) nothing here changes the case flow: entries into care
are only counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model._jit import njit
from sim.model.demand import Caseload, CaseTypeTable, draw_careers
from sim.scenario import Scenario

DAYS_PER_WEEK = 7.0


@njit
def step_up_hazard(
    unallocated_days: float, changes: float, per_day: float, per_change: float
) -> float:
    """The cumulative step-up hazard of a case (see the module's formula); the kernel uses it."""
    return per_day * unallocated_days + per_change * changes


def hazard_rates(per_week: float, per_change: float) -> tuple[float, float]:
    """The hazard per day without a worker and per change of worker, from the chances per week and
    per change (``children.care_step_up_per_*``)."""
    return -math.log1p(-per_week) / DAYS_PER_WEEK, -math.log1p(-per_change)


def step_up_probability(
    unallocated_days: float, changes: float, per_week: float, per_change: float
) -> float:
    """The chance that a child who has spent ``unallocated_days`` without a worker and had
    ``changes`` changes of worker steps up into care at its first source episode end:
    1 - (1 - per_week)^(days / 7) x (1 - per_change)^changes."""
    per_day, per_one = hazard_rates(per_week, per_change)
    return 1.0 - math.exp(-step_up_hazard(unallocated_days, changes, per_day, per_one))


@dataclass(frozen=True)
class CareRule:
    """A scenario's children's-outcome rule as arrays by case type number."""

    care: int  # the care type's number; -1: the scenario has none
    is_care: np.ndarray  # int64 per type: 1 for the care type
    hazard: np.ndarray  # float64 (2, types): per day without a worker, per change of
    #                             worker; zero for types that do not step up, or with effects off

    @classmethod
    def from_scenario(cls, scenario: Scenario, table: CaseTypeTable) -> CareRule:
        n = len(table.names)
        name = scenario.care_type()
        care = table.names.index(name) if name is not None else -1
        is_care = np.zeros(n, dtype=np.int64)
        hazard = np.zeros((2, n))
        if care >= 0:
            is_care[care] = 1
            rules = scenario.children
            if rules.effects:
                for source in scenario.care_sources():
                    hazard[:, table.names.index(source)] = hazard_rates(
                        rules.care_step_up_per_unallocated_week,
                        rules.care_step_up_per_change_of_worker,
                    )
        return cls(care, is_care, hazard)

    @classmethod
    def none(cls, n_types: int) -> CareRule:
        """No care type: nothing counted, nothing stepped up."""
        return cls(-1, np.zeros(n_types, dtype=np.int64), np.zeros((2, n_types)))

    @property
    def steps_up(self) -> bool:
        """Whether any case may step up into care (effects on, a positive chance, a source type)."""
        return bool(self.hazard.any())


@dataclass(frozen=True)
class CareDraws:
    """Per case, drawn up front: the threshold of its step-up hazard and its career from care."""

    threshold: np.ndarray  # float64; inf: never steps up
    first_episode: np.ndarray  # int64 offset into episode_type/episode_days; -1: none drawn
    n_episodes: np.ndarray  # int64
    episode_type: np.ndarray  # int64
    episode_days: np.ndarray  # int64

    @classmethod
    def none(cls, n_cases: int) -> CareDraws:
        empty = np.empty(0, dtype=np.int64)
        return cls(
            np.full(n_cases, np.inf),
            np.full(n_cases, -1, dtype=np.int64),
            np.zeros(n_cases, dtype=np.int64),
            empty,
            empty,
        )


def draw_care(
    scenario: Scenario,
    table: CaseTypeTable,
    rule: CareRule,
    caseload: Caseload,
    rng: np.random.Generator,
) -> CareDraws:
    """Each case's threshold and career from care (``rng``: the ``care_step_up`` stream). New
    referrals draw first, so their numbers do not depend on the size of the opening caseload."""
    if not rule.steps_up:
        return CareDraws.none(caseload.n_cases)
    n_init = int(caseload.initial.sum())
    n_new = caseload.n_cases - n_init

    def draw(n: int) -> tuple[np.ndarray, ...]:
        if n == 0:
            empty = np.empty(0, dtype=np.int64)
            return np.empty(0), empty, empty, empty, empty
        threshold = -np.log1p(-rng.random(n))
        return (
            threshold,
            *draw_careers(scenario, table, np.full(n, rule.care, dtype=np.int64), rng),
        )

    t_new, f_new, n_ep_new, types_new, days_new = draw(n_new)
    t_init, f_init, n_ep_init, types_init, days_init = draw(n_init)
    return CareDraws(  # in case order: the opening caseload first, as in ``Caseload``
        threshold=np.concatenate((t_init, t_new)),
        first_episode=np.concatenate((f_init, f_new + len(types_init))).astype(np.int64),
        n_episodes=np.concatenate((n_ep_init, n_ep_new)).astype(np.int64),
        episode_type=np.concatenate((types_init, types_new)).astype(np.int64),
        episode_days=np.concatenate((days_init, days_new)).astype(np.int64),
    )
