"""The allocation's choice of worker, checked against its rule over every worker slot (the kernel
searches only the team's roster)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model.allocation import (
    EPS,
    W_ACTIVE,
    W_LEVEL,
    W_LIMIT,
    W_LOAD,
    W_TEAM,
    CaseBook,
    _find_worker,
)
from sim.model.demand import Caseload, CaseTypeTable

SLOTS = 6


def _empty_book(scenario) -> tuple[CaseBook, int]:
    """A case book with no cases and ``SLOTS`` worker slots; and its number of teams."""
    table = CaseTypeTable.from_scenario(scenario)
    none = np.zeros(0, np.int64)
    caseload = Caseload(none, np.zeros(0, bool), none, none, none, none, np.zeros(10, np.int64))
    n_teams = len(table.team_names)
    return CaseBook(caseload, table, 10, SLOTS, np.zeros(n_teams, np.int64)), n_teams


def _by_the_rule(book: CaseBook, min_level: int, team: int, weight: float, allow_over: bool) -> int:
    """The active worker of ``team`` at ``min_level`` or above with the lowest load (then slot)
    whose load plus ``weight`` is within their limit; else, if ``allow_over``, the lowest load of
    any of them; else -1."""
    wi, wf = book.wi, book.wf
    eligible = [
        w
        for w in range(SLOTS)
        if wi[W_ACTIVE, w] == 1 and wi[W_TEAM, w] == team and wi[W_LEVEL, w] >= min_level
    ]
    with_room = [w for w in eligible if wf[W_LOAD, w] + weight <= wf[W_LIMIT, w] + EPS]
    pool = with_room or (eligible if allow_over else [])
    return min(pool, key=lambda w: (wf[W_LOAD, w], w)) if pool else -1


operation = st.tuples(
    st.sampled_from(["join or leave", "team", "load"]),
    st.integers(0, SLOTS - 1),
    st.integers(0, 3),
    st.integers(0, 6),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(operation, min_size=30, max_size=80))
def test_the_worker_found_through_the_rosters_is_the_rules_choice(baseline, operations):
    """Workers join, leave, change team and gain load in any order: each team's roster stays its
    active workers, and the worker chosen for a case is the one the rule picks over all slots."""
    book, n_teams = _empty_book(baseline)
    uid = 0
    for op, slot, level, load in operations:
        team = level % 2  # two teams: crowded rosters
        if op == "join or leave" and not book.wi[W_ACTIVE, slot]:
            uid += 1
            book.open_slot(slot, uid, level=level, limit=4.0, team=team)
        elif op == "join or leave":
            book.close_slot(slot, day=0)
        elif op == "team" and book.wi[W_ACTIVE, slot]:
            book.set_team(slot, team, day=0)
        elif op == "load" and book.wi[W_ACTIVE, slot]:
            book.wf[W_LOAD, slot] = load * 0.75  # ties and workers over their limit included
        for k in range(n_teams):
            listed = sorted(book.roster[k, : book.roster_size[k]])
            assert listed == [
                w for w in range(SLOTS) if book.wi[W_ACTIVE, w] and book.wi[W_TEAM, w] == k
            ]
            for min_level in range(4):
                for weight in (0.5, 1.0, 3.0):
                    for allow_over in (False, True):
                        found = _find_worker(
                            book.wi,
                            book.wf,
                            book.roster,
                            book.roster_size,
                            min_level,
                            k,
                            weight,
                            allow_over,
                        )
                        assert found == _by_the_rule(book, min_level, k, weight, allow_over)
