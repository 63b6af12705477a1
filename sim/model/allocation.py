"""Case flow: allocating cases to workers under limits and eligibility, the waiting list,
episode ends and step-ups, and reallocation when a worker leaves.

Cases live in arrays (one column per case), not as Python objects, and one call advances the
case flow by one day: episode ends first, then new referrals, then allocation. The functions
below are compiled by numba (see ``_jit``).

Rules:
- A case goes to the eligible worker (level >= the type's ``min_level``) with the lowest weighted
  load whose load plus the case's weight stays within their limit; ties go to the lower slot.
  If none has room the case waits: types in priority order, first come first served within a type.
- An episode's clock starts when the case is first allocated in that episode; its end day is then
  fixed. At the end the case closes or steps to its next type; it stays with its worker if the
  worker is eligible and has room, else it waits for a new worker.
- When a worker leaves (or must shed cases after a change of limit) their cases rejoin the
  waiting list; each allocation to a different worker than the last counts a change of worker.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.model._jit import inline, njit, typed_list
from sim.model.children import CareDraws, CareRule, step_up_hazard
from sim.model.demand import Caseload, CaseTypeTable

# Fields of the per-case integer table ``cs`` (one row per case; ``CaseBook.cases`` is its
# transpose, one row per field).
(
    ARRIVAL,
    FIRST_EP,
    N_EP,
    CUR,
    WORKER,
    LAST_UID,
    STARTED,
    END_DAY,
    WAIT_START,
    FIRST_ALLOC,
    CHANGES,
    CLOSED,
    NEXT_IN_BUCKET,
    QGEN,
    TYPE,
    PREV_HELD,
    NEXT_HELD,
    UNALLOCATED,
    SW_0,
    SW_1,
    SW_2,
    HELD_TO_0,
    HELD_TO_1,
    HELD_TO_2,
) = range(24)
N_CASE_ROWS = 24
# The last three different social workers of each case, most recent first (uids in SW_0..SW_2) and
# the last day each held it (HELD_NOW while they still do): enough to tell whether a child had
# three or more social workers in any 12 months (DfE's measure).
RECENT_WORKERS = (SW_0, SW_1, SW_2)
HELD_TO = (HELD_TO_0, HELD_TO_1, HELD_TO_2)
HELD_NOW = 2**31 - 1
# The case table and the waiting queues hold days, case rows and worker uids: 32-bit integers
# suffice (a century is 36,500 days) and halve the largest arrays of a replication.
CASE_INT = np.int32
TWELVE_MONTHS = 365  # days in DfE's "last 12 months" (of a child's social workers)
# Rows of the worker tables: integers ``wi`` and floats ``wf``. W_NEWEST: the head of the worker's
# list of held cases; W_TEAM_POS: their place in their team's roster (``roster[team]``, the slots
# of the team's active workers, the first ``roster_size[team]`` of the row, in no order).
W_ACTIVE, W_LEVEL, W_COUNT, W_UID, W_NEWEST, W_TEAM, W_TEAM_POS = range(7)
W_LIMIT, W_LOAD = range(2)
# Counters ``ctr``: C_CARE_ENTRIES, C_CARE_EXTRA and C_IN_CARE are children entering care (every
# transition into the care type), those of them the staffing effects added, and children in care
# now; C_ROOM counts the changes that may give a worker room for another case (a load falls, a
# limit, level or team changes, a worker starts).
(
    C_NEXT_ARRIVAL,
    C_OPEN,
    C_WAITING,
    C_CLOSED,
    C_EVENTS,
    C_OVER_LIMIT,
    C_CARE_ENTRIES,
    C_CARE_EXTRA,
    C_IN_CARE,
    C_ROOM,
    C_LAST_DAY,
) = range(11)
N_COUNTERS = 11
# Rows of ``qht``, one column per case type's waiting queue: its head and tail in the ring buffer,
# and the value of C_ROOM when it last found no worker with room (it need not look again until
# C_ROOM changes: an allocation only fills workers up).
Q_HEAD, Q_TAIL, Q_STUCK = range(3)
# Children's outcomes (``sim.model.children``), fields of ``cs`` after the others: the case's career
# from care (its first row in ``ep`` and its episodes), the day it first entered care, and why.
CARE_EP, CARE_N, CARE_DAY, CARE_CAUSE = range(N_CASE_ROWS, N_CASE_ROWS + 4)
N_CASE_ROWS = CARE_CAUSE + 1
NEVER_IN_CARE, IN_CARE_AT_START = -1, -2  # CARE_DAY before any entry in the run
DRAWN, STEPPED_UP, BROUGHT_FORWARD = range(3)  # CARE_CAUSE: its drawn career; a staffing
#   step-up of a child whose drawn career never reaches care; one whose career would have later
# The month-end counts the case flow keeps: ``by_type``, rows K_OPEN and K_WAITING, one column per
# case type: open cases, and those waiting for a worker; ``three_plus_until``, by type and day: the
# open cases that stop having had three or more social workers in 12 months on that day (their
# third most recent worker's last day with the case, plus a year). ``open_case_counts`` counts the same case by
# case (the end-of-run check).
K_OPEN, K_WAITING = range(2)
# Rows of ``daily``: open and waiting cases at the end of each day, and children who entered care
# and those the staffing effects added, cumulative to the end of each day.
D_OPEN, D_WAITING, D_CARE_ENTRIES, D_CARE_EXTRA = range(4)
EPS = 1e-9
MAX_WAIT_DAYS = 730  # waits are counted per team by whole days up to this; longer ones at this
SHORT_QUEUE = 3  # queues up to this long are allocated by a linear scan, longer ones by a heap


@inline
def _enqueue(cs, qbuf, qgen, qht, c, t, day, n_cases):
    cs[c, QGEN] += 1
    pos = qht[1, t] % n_cases
    qbuf[t, pos] = c
    qgen[t, pos] = cs[c, QGEN]
    qht[1, t] += 1
    cs[c, TYPE] = t


@inline
def _link_end(cs, bucket_head, c, day):
    cs[c, END_DAY] = day
    if day < bucket_head.shape[0]:
        cs[c, NEXT_IN_BUCKET] = bucket_head[day]
        bucket_head[day] = c


@inline
def _mark_three_plus(three_plus_until, t, held_to, change):
    """Add ``change`` to the cases of type ``t`` whose third most recent worker last held them on
    day ``held_to``."""
    until = held_to + TWELVE_MONTHS
    if 0 <= until < three_plus_until.shape[1]:
        three_plus_until[t, until] += change


@inline
def _recount(cs, by_type, three_plus_until, c, old_t, was_waiting, new_t, waiting):
    """Move case ``c`` in the month-end counts from type ``old_t`` (waiting or not) to ``new_t``
    (-1: not open)."""
    if old_t >= 0:
        by_type[K_OPEN, old_t] -= 1
        by_type[K_WAITING, old_t] -= was_waiting
    if new_t >= 0:
        by_type[K_OPEN, new_t] += 1
        by_type[K_WAITING, new_t] += waiting
    if cs[c, SW_2] >= 0 and old_t != new_t:
        if old_t >= 0:
            _mark_three_plus(three_plus_until, old_t, cs[c, HELD_TO_2], -1)
        if new_t >= 0:
            _mark_three_plus(three_plus_until, new_t, cs[c, HELD_TO_2], 1)


@inline
def _find_worker(wi, wf, roster, roster_size, min_level, team, weight, allow_over):
    """The eligible worker of ``team`` with the lowest load (then the lowest slot) who has room
    for a case of ``weight``; if none has and ``allow_over``, the eligible one with the lowest
    load; else -1."""
    best, best_load = -1, np.inf  # with room
    least, least_load = -1, np.inf  # any
    for i in range(roster_size[team]):
        w = roster[team, i]
        if wi[W_LEVEL, w] >= min_level:
            load = wf[W_LOAD, w]
            if load + weight <= wf[W_LIMIT, w] + EPS and (
                load < best_load or (load == best_load and w < best)
            ):
                best, best_load = w, load
            if allow_over and (load < least_load or (load == least_load and w < least)):
                least, least_load = w, load
    return best if best >= 0 else least


@inline
def _start_episode(cs, ep, bucket_head, c, day):
    cs[c, STARTED] = 1
    _link_end(cs, bucket_head, c, day + ep[cs[c, FIRST_EP] + cs[c, CUR], 1])


@inline
def _count_wait(cs, wait_hist, team, c, day):
    """Count case ``c``'s wait for a worker of ``team``, which ends today."""
    wait_hist[team, min(day - cs[c, WAIT_START], MAX_WAIT_DAYS)] += 1


@inline
def _remember_worker(cs, three_plus_until, c, uid):
    """Put ``uid`` first in the case's recent workers (dropping the oldest if it is new)."""
    if cs[c, SW_0] != uid:
        if cs[c, SW_1] != uid:  # new, or third: the others move down one
            t = cs[c, TYPE]
            if cs[c, SW_2] >= 0:
                _mark_three_plus(three_plus_until, t, cs[c, HELD_TO_2], -1)
            cs[c, SW_2] = cs[c, SW_1]
            cs[c, HELD_TO_2] = cs[c, HELD_TO_1]
            if cs[c, SW_2] >= 0:
                _mark_three_plus(three_plus_until, t, cs[c, HELD_TO_2], 1)
        cs[c, SW_1] = cs[c, SW_0]
        cs[c, HELD_TO_1] = cs[c, HELD_TO_0]
        cs[c, SW_0] = uid
    cs[c, HELD_TO_0] = HELD_NOW


@inline
def _assign(cs, wi, wf, t_weight, ep, bucket_head, ctr, by_type, three_plus_until, c, w, day):
    t = cs[c, TYPE]
    cs[c, WORKER] = w
    head = wi[W_NEWEST, w]  # push onto the worker's list of held cases, newest first
    cs[c, PREV_HELD] = -1
    cs[c, NEXT_HELD] = head
    if head >= 0:
        cs[head, PREV_HELD] = c
    wi[W_NEWEST, w] = c
    wf[W_LOAD, w] += t_weight[t]
    wi[W_COUNT, w] += 1
    if wf[W_LOAD, w] > wf[W_LIMIT, w] + EPS:
        ctr[C_OVER_LIMIT] += 1
    cs[c, UNALLOCATED] += day - cs[c, WAIT_START]
    if cs[c, FIRST_ALLOC] < 0:
        cs[c, FIRST_ALLOC] = day
    uid = wi[W_UID, w]
    if cs[c, LAST_UID] != uid:
        if cs[c, LAST_UID] >= 0:
            cs[c, CHANGES] += 1
        cs[c, LAST_UID] = uid
    _remember_worker(cs, three_plus_until, c, uid)
    by_type[K_WAITING, t] -= 1
    if cs[c, STARTED] == 0:
        _start_episode(cs, ep, bucket_head, c, day)


@inline
def _unassign(cs, wi, wf, t_weight, ctr, c, day):
    w = cs[c, WORKER]
    cs[c, HELD_TO_0] = day
    prev, nxt = cs[c, PREV_HELD], cs[c, NEXT_HELD]
    if prev >= 0:
        cs[prev, NEXT_HELD] = nxt
    else:
        wi[W_NEWEST, w] = nxt
    if nxt >= 0:
        cs[nxt, PREV_HELD] = prev
    wf[W_LOAD, w] -= t_weight[cs[c, TYPE]]
    if wf[W_LOAD, w] < EPS:
        wf[W_LOAD, w] = 0.0
    wi[W_COUNT, w] -= 1
    cs[c, WORKER] = -1
    ctr[C_ROOM] += 1


@inline
def _care_arrival(cs, care_flag, ctr, c, day):
    """A new case (type set) that starts in care enters it; one open at the start is in it."""
    if care_flag[cs[c, TYPE]] == 1:
        ctr[C_IN_CARE] += 1
        if cs[c, CARE_DAY] == NEVER_IN_CARE:
            cs[c, CARE_DAY] = day
            ctr[C_CARE_ENTRIES] += 1


@inline
def _care_step(cs, ep, care_flag, care_hazard, care_threshold, ctr, c, day):
    """At the end of an episode of case ``c`` (CUR already on the next one): a child of a source
    type not yet in care, whose drawn next step is not care, enters care instead once its step-up
    hazard passes its threshold (its career then continues from its drawn career from care); then
    count a child entering or leaving care."""
    old_t = cs[c, TYPE]
    closing = cs[c, CUR] >= cs[c, N_EP]
    into_care = not closing and care_flag[ep[cs[c, FIRST_EP] + cs[c, CUR], 0]] == 1
    if not into_care and cs[c, CARE_DAY] == NEVER_IN_CARE and cs[c, CARE_EP] >= 0:
        waited = cs[c, UNALLOCATED]
        if cs[c, WORKER] < 0:  # waiting for a new worker now
            waited += day - cs[c, WAIT_START]
        if (
            step_up_hazard(waited, cs[c, CHANGES], care_hazard[0, old_t], care_hazard[1, old_t])
            > care_threshold[c]
        ):
            destined = False  # would its drawn career have reached care later?
            for k in range(cs[c, CUR], cs[c, N_EP]):
                if care_flag[ep[cs[c, FIRST_EP] + k, 0]] == 1:
                    destined = True
                    break
            cs[c, FIRST_EP] = cs[c, CARE_EP] - cs[c, CUR]  # episode CUR is the first from care
            cs[c, N_EP] = cs[c, CUR] + cs[c, CARE_N]
            cs[c, CARE_CAUSE] = BROUGHT_FORWARD if destined else STEPPED_UP
            if not destined:
                ctr[C_CARE_EXTRA] += 1
            into_care = True
    if care_flag[old_t] == 1:
        if not into_care:
            ctr[C_IN_CARE] -= 1
    elif into_care:
        ctr[C_IN_CARE] += 1
        ctr[C_CARE_ENTRIES] += 1
        if cs[c, CARE_DAY] == NEVER_IN_CARE:
            cs[c, CARE_DAY] = day


@inline
def _end_episode(
    cs,
    ep,
    wi,
    wf,
    t_weight,
    t_min_level,
    works,
    qbuf,
    qgen,
    qht,
    bucket_head,
    ctr,
    c,
    day,
    care_flag,
    care_hazard,
    care_threshold,
    by_type,
    three_plus_until,
):
    n_cases = cs.shape[0]
    w = cs[c, WORKER]
    old_t = cs[c, TYPE]
    was_waiting = 1 if w < 0 else 0
    cs[c, CUR] += 1
    _care_step(cs, ep, care_flag, care_hazard, care_threshold, ctr, c, day)
    if cs[c, CUR] >= cs[c, N_EP]:  # the case closes
        if w >= 0:
            _unassign(cs, wi, wf, t_weight, ctr, c, day)
        else:  # closes while waiting for a new worker
            ctr[C_WAITING] -= 1
            cs[c, UNALLOCATED] += day - cs[c, WAIT_START]
        cs[c, CLOSED] = day
        cs[c, QGEN] += 1  # invalidates any queue entry
        ctr[C_OPEN] -= 1
        ctr[C_CLOSED] += 1
        _recount(cs, by_type, three_plus_until, c, old_t, was_waiting, -1, 0)
        return
    new_t = ep[cs[c, FIRST_EP] + cs[c, CUR], 0]
    if w >= 0:
        new_load = wf[W_LOAD, w] - t_weight[old_t] + t_weight[new_t]
        if (
            wi[W_LEVEL, w] >= t_min_level[new_t]
            and works[wi[W_TEAM, w], new_t] == 1
            and new_load <= wf[W_LIMIT, w] + EPS
        ):
            if t_weight[new_t] < t_weight[old_t]:
                ctr[C_ROOM] += 1
            wf[W_LOAD, w] = new_load
            cs[c, TYPE] = new_t
            _start_episode(cs, ep, bucket_head, c, day)
            _recount(cs, by_type, three_plus_until, c, old_t, 0, new_t, 0)
            return
        _unassign(cs, wi, wf, t_weight, ctr, c, day)
        ctr[C_WAITING] += 1
        cs[c, WAIT_START] = day
    cs[c, STARTED] = 0
    _enqueue(cs, qbuf, qgen, qht, c, new_t, day, n_cases)
    _recount(cs, by_type, three_plus_until, c, old_t, was_waiting, new_t, 1)


@inline
def _before(hk, hs, i, j):
    return hk[i] < hk[j] or (hk[i] == hk[j] and hs[i] < hs[j])


@inline
def _sift_down(hk, hs, i, n):
    while True:
        left = 2 * i + 1
        if left >= n:
            return
        m = left
        if left + 1 < n and _before(hk, hs, left + 1, left):
            m = left + 1
        if not _before(hk, hs, m, i):
            return
        hk[i], hk[m] = hk[m], hk[i]
        hs[i], hs[m] = hs[m], hs[i]
        i = m


@inline
def _candidates(wi, wf, roster, roster_size, min_level, team, weight, with_room, hk, hs):
    """A heap (by load, then slot) of the eligible workers of ``team``: those with room for a case
    of ``weight`` if ``with_room``, else all of them."""
    n = 0
    for i in range(roster_size[team]):
        w = roster[team, i]
        if wi[W_LEVEL, w] >= min_level and (
            not with_room or wf[W_LOAD, w] + weight <= wf[W_LIMIT, w] + EPS
        ):
            hk[n] = wf[W_LOAD, w]
            hs[n] = w
            n += 1
    for i in range(n // 2 - 1, -1, -1):
        _sift_down(hk, hs, i, n)
    return n


@inline
def _head(cs, qbuf, qgen, qht, t, n_cases):
    """The first valid case waiting in queue ``t`` (dropping stale entries), or -1."""
    while qht[0, t] < qht[1, t]:
        pos = qht[0, t] % n_cases
        c = qbuf[t, pos]
        if qgen[t, pos] == cs[c, QGEN] and cs[c, WORKER] < 0 and cs[c, CLOSED] < 0:
            return c
        qht[0, t] += 1
    return -1


@njit
def step_day(day, book, hk, hs):
    """Advance the case flow of ``book`` (a ``Book``) by one day: episode ends, arrivals,
    allocation (``hk``, ``hs``: room for a heap of its workers)."""
    cs, ep, wi, wf, roster, roster_size = (
        book.cs,
        book.ep,
        book.wi,
        book.wf,
        book.roster,
        book.roster_size,
    )
    t_weight, t_min_level, t_order, t_team, works = (
        book.weight,
        book.min_level,
        book.priority_order,
        book.team,
        book.works,
    )
    team_over, qbuf, qgen, qht, bucket_head, ctr = (
        book.team_over,
        book.qbuf,
        book.qgen,
        book.qht,
        book.bucket_head,
        book.ctr,
    )
    daily, wait_hist, care_flag, care_hazard, care_threshold = (
        book.daily,
        book.wait_hist,
        book.care_flag,
        book.care_hazard,
        book.care_threshold,
    )
    by_type, three_plus_until = book.by_type, book.three_plus_until
    n_cases = cs.shape[0]
    # 1. episodes ending today
    c = bucket_head[day] if day < bucket_head.shape[0] else -1
    while c >= 0:
        nxt = cs[c, NEXT_IN_BUCKET]
        if cs[c, STARTED] == 1 and cs[c, END_DAY] == day and cs[c, CLOSED] < 0:
            _end_episode(
                cs,
                ep,
                wi,
                wf,
                t_weight,
                t_min_level,
                works,
                qbuf,
                qgen,
                qht,
                bucket_head,
                ctr,
                c,
                day,
                care_flag,
                care_hazard,
                care_threshold,
                by_type,
                three_plus_until,
            )
            ctr[C_EVENTS] += 1
        c = nxt
    # 2. new cases
    c = ctr[C_NEXT_ARRIVAL]
    while c < n_cases and cs[c, ARRIVAL] <= day:
        cs[c, WAIT_START] = day
        _enqueue(cs, qbuf, qgen, qht, c, ep[cs[c, FIRST_EP], 0], day, n_cases)
        _care_arrival(cs, care_flag, ctr, c, day)
        ctr[C_OPEN] += 1
        ctr[C_WAITING] += 1
        ctr[C_EVENTS] += 1
        _recount(cs, by_type, three_plus_until, c, -1, 0, cs[c, TYPE], 1)
        c += 1
    ctr[C_NEXT_ARRIVAL] = c
    # 3. allocation, by priority then first come, each case to the least-loaded eligible
    #    worker with room (a heap of candidates per type)
    for k in range(t_order.shape[0]):
        t = t_order[k]
        if qht[Q_STUCK, t] == ctr[C_ROOM]:
            continue  # nobody has had room for this type since it last looked
        c = _head(cs, qbuf, qgen, qht, t, n_cases)
        if c < 0:
            continue
        weight = t_weight[t]
        team = t_team[t]
        allow_over = team_over[team] == 1
        if qht[1, t] - qht[0, t] <= SHORT_QUEUE:  # a few cases: scan the workers for each
            while c >= 0:
                w = _find_worker(
                    wi, wf, roster, roster_size, t_min_level[t], team, weight, allow_over
                )
                if w < 0:
                    qht[Q_STUCK, t] = ctr[C_ROOM]
                    break
                qht[0, t] += 1
                ctr[C_WAITING] -= 1
                _count_wait(cs, wait_hist, team, c, day)
                _assign(
                    cs, wi, wf, t_weight, ep, bucket_head, ctr, by_type, three_plus_until, c, w, day
                )
                ctr[C_EVENTS] += 1
                c = _head(cs, qbuf, qgen, qht, t, n_cases)
            continue
        # a heap of the workers with room; once none has (loads only grow here) and the team may
        # go over the limit, a heap of all its eligible workers: the top is ``_find_worker``'s choice
        n = _candidates(wi, wf, roster, roster_size, t_min_level[t], team, weight, True, hk, hs)
        over = False
        while c >= 0:
            if n == 0 and allow_over and not over:
                n = _candidates(
                    wi, wf, roster, roster_size, t_min_level[t], team, weight, False, hk, hs
                )
                over = True
            if n == 0:
                qht[Q_STUCK, t] = ctr[C_ROOM]
                break
            w = hs[0]
            qht[0, t] += 1
            ctr[C_WAITING] -= 1
            _count_wait(cs, wait_hist, team, c, day)
            _assign(
                cs, wi, wf, t_weight, ep, bucket_head, ctr, by_type, three_plus_until, c, w, day
            )
            ctr[C_EVENTS] += 1
            if over or wf[W_LOAD, w] + weight <= wf[W_LIMIT, w] + EPS:
                hk[0] = wf[W_LOAD, w]
            else:  # no room left: out of the heap
                n -= 1
                hk[0] = hk[n]
                hs[0] = hs[n]
            _sift_down(hk, hs, 0, n)
            c = _head(cs, qbuf, qgen, qht, t, n_cases)
    daily[D_OPEN, day] = ctr[C_OPEN]
    daily[D_WAITING, day] = ctr[C_WAITING]
    daily[D_CARE_ENTRIES, day] = ctr[C_CARE_ENTRIES]
    daily[D_CARE_EXTRA, day] = ctr[C_CARE_EXTRA]
    ctr[C_LAST_DAY] = day


@njit
def step_days(first, last, book):
    """Advance the case flow of ``book`` (a ``Book``) over days ``first`` to ``last`` inclusive."""
    hk = np.empty(book.wi.shape[1], dtype=np.float64)
    hs = np.empty(book.wi.shape[1], dtype=np.int64)
    for day in range(first, last + 1):
        step_day(day, book, hk, hs)


@njit
def step_books(first, last, books):
    """Advance every council's case flow over days ``first`` to ``last`` (one call for a region;
    ``books``: each council's ``Book``, checked by ``CaseFlow``)."""
    for i in range(len(books)):
        step_days(first, last, books[i])


@njit
def release_cases(
    w,
    keep_load,
    release_all,
    day,
    cs,
    wi,
    wf,
    t_weight,
    t_min_level,
    works,
    qbuf,
    qgen,
    qht,
    ctr,
    by_type,
    three_plus_until,
):
    """Send cases of worker ``w`` back to the waiting list, newest first: all of them if
    ``release_all``, else those the worker's level or team may not hold and then as many as needed
    to bring the load down to ``keep_load``. Returns the number released."""
    n_cases = cs.shape[0]
    released = 0
    c = wi[W_NEWEST, w]
    while c >= 0:
        nxt = cs[c, NEXT_HELD]
        if (
            release_all
            or wf[W_LOAD, w] > keep_load + EPS
            or t_min_level[cs[c, TYPE]] > wi[W_LEVEL, w]
            or works[wi[W_TEAM, w], cs[c, TYPE]] == 0
        ):
            _unassign(cs, wi, wf, t_weight, ctr, c, day)
            cs[c, WAIT_START] = day
            ctr[C_WAITING] += 1
            _enqueue(cs, qbuf, qgen, qht, c, cs[c, TYPE], day, n_cases)
            by_type[K_WAITING, cs[c, TYPE]] += 1
            released += 1
        c = nxt
    return released


@inline
def _join_roster(wi, roster, roster_size, w):
    team = wi[W_TEAM, w]
    n = roster_size[team]
    roster[team, n] = w
    wi[W_TEAM_POS, w] = n
    roster_size[team] = n + 1


@inline
def _leave_roster(wi, roster, roster_size, w):
    team = wi[W_TEAM, w]
    last = roster_size[team] - 1
    moved = roster[team, last]  # the last of the roster takes the leaver's place
    roster[team, wi[W_TEAM_POS, w]] = moved
    wi[W_TEAM_POS, moved] = wi[W_TEAM_POS, w]
    wi[W_TEAM_POS, w] = -1
    roster_size[team] = last


@njit
def open_worker(w, uid, level, limit, team, wi, wf, roster, roster_size, ctr):
    """Worker slot ``w`` opens (no cases, on its team's roster); False if it was open."""
    if wi[W_ACTIVE, w]:
        return False
    wi[W_ACTIVE, w] = 1
    wi[W_LEVEL, w] = level
    wi[W_COUNT, w] = 0
    wi[W_UID, w] = uid
    wi[W_NEWEST, w] = -1
    wi[W_TEAM, w] = team
    wf[W_LIMIT, w] = limit
    wf[W_LOAD, w] = 0.0
    _join_roster(wi, roster, roster_size, w)
    ctr[C_ROOM] += 1
    return True


@njit
def close_worker(
    w,
    day,
    cs,
    wi,
    wf,
    t_weight,
    t_min_level,
    works,
    qbuf,
    qgen,
    qht,
    ctr,
    by_type,
    three_plus_until,
    roster,
    roster_size,
):
    """Worker slot ``w`` closes: its cases go back to wait, it leaves its team's roster. Returns
    the cases released, or -1 (nothing done) if the slot is on no roster."""
    if wi[W_TEAM_POS, w] < 0:
        return -1
    released = release_cases(
        w,
        np.inf,
        True,
        day,
        cs,
        wi,
        wf,
        t_weight,
        t_min_level,
        works,
        qbuf,
        qgen,
        qht,
        ctr,
        by_type,
        three_plus_until,
    )
    _leave_roster(wi, roster, roster_size, w)
    wi[W_ACTIVE, w] = 0
    return released


@njit
def move_worker(
    w,
    team,
    day,
    cs,
    wi,
    wf,
    t_weight,
    t_min_level,
    works,
    qbuf,
    qgen,
    qht,
    ctr,
    by_type,
    three_plus_until,
    roster,
    roster_size,
):
    """Worker slot ``w`` moves to ``team``, handing back the cases that team does not hold; -1 if
    the slot is on no roster."""
    if wi[W_TEAM, w] == team:
        return 0
    if wi[W_TEAM_POS, w] < 0:
        return -1
    _leave_roster(wi, roster, roster_size, w)
    wi[W_TEAM, w] = team
    _join_roster(wi, roster, roster_size, w)
    ctr[C_ROOM] += 1
    if wi[W_COUNT, w] > 0:
        return release_cases(
            w,
            np.inf,
            False,
            day,
            cs,
            wi,
            wf,
            t_weight,
            t_min_level,
            works,
            qbuf,
            qgen,
            qht,
            ctr,
            by_type,
            three_plus_until,
        )
    return 0


@njit
def open_case_counts(cs, n, day, looked_after, in_need, team, weight, n_teams):
    """One pass over the first ``n`` cases: among the open ones, (looked after, in need) x
    (children with three or more different social workers in the 12 months to ``day``, children)
    and, by the team that allocates them, the cases waiting for a worker and their weighted work."""
    three_plus = np.zeros((2, 2), dtype=np.int64)
    waiting = np.zeros(n_teams, dtype=np.int64)
    work = np.zeros(n_teams)
    since = day - TWELVE_MONTHS
    for c in range(n):
        if cs[c, CLOSED] >= 0:
            continue
        t = cs[c, TYPE]
        if cs[c, WORKER] < 0:
            waiting[team[t]] += 1
            work[team[t]] += weight[t]
        if looked_after[t] or in_need[t]:
            held = 0
            for k in range(3):
                if cs[c, SW_0 + k] >= 0 and cs[c, HELD_TO_0 + k] > since:
                    held += 1
            if looked_after[t]:
                three_plus[0, 1] += 1
                three_plus[0, 0] += held >= 3
            if in_need[t]:
                three_plus[1, 1] += 1
                three_plus[1, 0] += held >= 3
    return three_plus, waiting, work


@njit
def month_end_counts(three_plus_until, day, by_type, reported_kinds, team, n_teams):
    """From the counts the case flow keeps, at ``day``: (looked after, in need) x (open cases with
    3+ social workers in the 12 months to ``day``, open cases); cases waiting, by team."""
    n_types = by_type.shape[1]
    three_plus = np.zeros((2, 2), dtype=np.int64)
    waiting = np.zeros(n_teams, dtype=np.int64)
    last = min(day + 1 + TWELVE_MONTHS, three_plus_until.shape[1])
    for t in range(n_types):
        three = 0
        for d in range(day + 1, last):
            three += three_plus_until[t, d]
        for k in range(2):
            three_plus[k, 0] += reported_kinds[k, t] * three
            three_plus[k, 1] += reported_kinds[k, t] * by_type[K_OPEN, t]
        waiting[team[t]] += by_type[K_WAITING, t]
    return three_plus, waiting


@njit
def mean_held(active, count):
    """The mean of ``count`` over the active workers with a count above 0 (0.0 if none): the
    mean numpy takes of those counts (a sum of whole numbers, exact, over their number)."""
    total = 0
    n = 0
    for w in range(count.shape[0]):
        if active[w] == 1 and count[w] > 0:
            total += count[w]
            n += 1
    return total / n if n else 0.0


class Book(NamedTuple):
    """One council's case-flow arrays as the kernel takes them (``step_books``), by name: the case
    book's own arrays, and the case-type table's (``TABLE``, read-only). ``CaseFlow`` builds it and
    checks it against ``BOOK_LAYOUT``."""

    cs: np.ndarray
    ep: np.ndarray
    wi: np.ndarray
    wf: np.ndarray
    roster: np.ndarray
    roster_size: np.ndarray
    weight: np.ndarray
    min_level: np.ndarray
    priority_order: np.ndarray
    team: np.ndarray
    works: np.ndarray
    team_over: np.ndarray
    qbuf: np.ndarray
    qgen: np.ndarray
    qht: np.ndarray
    bucket_head: np.ndarray
    ctr: np.ndarray
    daily: np.ndarray
    wait_hist: np.ndarray
    care_flag: np.ndarray
    care_hazard: np.ndarray
    care_threshold: np.ndarray
    by_type: np.ndarray
    three_plus_until: np.ndarray


# Each field of ``Book``: its dtype and number of dimensions (numba compiles the kernel for these;
# another dtype would compile another kernel, or overflow).
BOOK_LAYOUT: dict[str, tuple[type, int]] = {
    "cs": (CASE_INT, 2),
    "ep": (CASE_INT, 2),
    "wi": (np.int64, 2),
    "wf": (np.float64, 2),
    "roster": (np.int64, 2),
    "roster_size": (np.int64, 1),
    "weight": (np.float64, 1),
    "min_level": (np.int64, 1),
    "priority_order": (np.int64, 1),
    "team": (np.int64, 1),
    "works": (np.int64, 2),
    "team_over": (np.int64, 1),
    "qbuf": (CASE_INT, 2),
    "qgen": (CASE_INT, 2),
    "qht": (np.int64, 2),
    "bucket_head": (np.int64, 1),
    "ctr": (np.int64, 1),
    "daily": (np.int64, 2),
    "wait_hist": (np.int64, 2),
    "care_flag": (np.int64, 1),
    "care_hazard": (np.float64, 2),
    "care_threshold": (np.float64, 1),
    "by_type": (np.int64, 2),
    "three_plus_until": (np.int32, 2),
}


class BookLayoutError(TypeError):
    """A case book's arrays do not match the kernel's ``Book`` layout."""


def check_book(book: Book) -> None:
    """Raise ``BookLayoutError`` unless ``book`` is a ``Book`` whose fields are C-contiguous arrays
    of ``BOOK_LAYOUT``'s dtypes and dimensions (an array given in another's place shows where they
    differ; ``CaseFlow.record`` gives each by name)."""
    if not isinstance(book, Book):
        raise BookLayoutError(
            f"expected a Book with fields {Book._fields}, got {type(book).__name__}"
        )
    for name, (dtype, ndim) in BOOK_LAYOUT.items():
        a = getattr(book, name)
        if (
            not isinstance(a, np.ndarray)
            or a.dtype != dtype
            or a.ndim != ndim
            or not a.flags.c_contiguous
        ):
            got = (
                type(a).__name__
                if not isinstance(a, np.ndarray)
                else f"{a.dtype}, {a.ndim} dimensions"
                + ("" if a.flags.c_contiguous else ", not contiguous")
            )
            raise BookLayoutError(
                f"case book field {name}: expected a contiguous "
                f"{np.dtype(dtype)} array of {ndim} dimensions, got {got}"
            )


class CaseFlow:
    """The case books of a region's councils (or of one), advanced together by one compiled call per
    batch of days (each council's days in turn: the same results as stepping them one by one)."""

    TABLE = ("weight", "min_level", "priority_order", "team", "works")  # read-only, of the types

    def __init__(self, books: list[CaseBook]):
        records = [self.record(b) for b in books]
        self.books = typed_list(records)  # one argument, whatever the number of councils

    @classmethod
    def record(cls, book: CaseBook) -> Book:
        """``book``'s arrays as the kernel's ``Book`` (checked; the table's made contiguous, the
        book's own used as they are: the kernel writes to them)."""
        fields = {}
        for name in Book._fields:
            if name in cls.TABLE:
                fields[name] = np.ascontiguousarray(getattr(book.table, name))
            elif not hasattr(book, name):
                raise BookLayoutError(f"case book has no field {name}")
            else:
                fields[name] = getattr(book, name)
        record = Book(**fields)
        check_book(record)
        return record

    def step(self, first: int, last: int) -> None:
        step_books(first, last, self.books)


class CaseBook:
    """The case-flow state of one authority: case, worker and queue arrays plus the kernel calls."""

    def __init__(
        self,
        caseload: Caseload,
        table: CaseTypeTable,
        n_days: int,
        max_workers: int,
        team_over: np.ndarray,
        care: CareRule | None = None,
        care_draws: CareDraws | None = None,
    ):
        n = caseload.n_cases
        self.n_days = n_days
        self.table = table
        self.cs = np.full((n, N_CASE_ROWS), -1, dtype=CASE_INT)  # case-major: fields adjacent
        self.cases[ARRIVAL] = caseload.arrival_day
        self.cases[FIRST_EP] = caseload.first_episode
        self.cases[N_EP] = caseload.n_episodes
        self.cases[[CUR, STARTED, CHANGES, QGEN, UNALLOCATED]] = 0
        self.initial = caseload.initial
        self.ep = np.column_stack((caseload.episode_type, caseload.episode_days)).astype(CASE_INT)
        self.wi = np.zeros((7, max_workers), dtype=np.int64)
        self.wi[[W_UID, W_NEWEST, W_TEAM_POS]] = -1
        self.roster = np.zeros((len(table.team_names), max_workers), dtype=np.int64)
        self.roster_size = np.zeros(len(table.team_names), dtype=np.int64)
        self.wf = np.zeros((2, max_workers), dtype=np.float64)
        n_types = len(table.names)
        qcap = max(n, 1)
        self.qbuf = np.zeros((n_types, qcap), dtype=CASE_INT)
        self.qgen = np.zeros((n_types, qcap), dtype=CASE_INT)
        self.qht = np.zeros((3, n_types), dtype=np.int64)
        self.qht[Q_STUCK] = -1
        self.bucket_head = np.full(n_days, -1, dtype=np.int64)
        self.ctr = np.zeros(N_COUNTERS, dtype=np.int64)
        self.ctr[C_LAST_DAY] = -1
        self.team_over = np.asarray(team_over, dtype=np.int64)  # per team: allocate over the limit
        self.daily = np.zeros((4, n_days), dtype=np.int64)
        # waits for a worker that ended, by the team allocating and whole days waited
        self.wait_hist = np.zeros((len(table.team_names), MAX_WAIT_DAYS + 1), dtype=np.int64)
        self.referrals_per_day = caseload.referrals_per_day
        self.by_type = np.zeros((2, n_types), dtype=np.int64)
        # which types DfE reports: (looked after, in need) x type
        self.reported_kinds = np.stack((table.looked_after, table.in_need)).astype(np.int64)
        self.three_plus_until = np.zeros((n_types, n_days + TWELVE_MONTHS + 1), dtype=np.int32)
        self._set_care(caseload, care or CareRule.none(n_types), care_draws or CareDraws.none(n))

    def _set_care(self, caseload: Caseload, care: CareRule, draws: CareDraws) -> None:
        """The children's-outcome arrays: the rule by type, each case's threshold, and the careers
        from care appended to the episode rows (the drawn careers keep their rows)."""
        self.care = care
        self.care_flag = care.is_care
        self.care_hazard = np.ascontiguousarray(care.hazard, dtype=np.float64)
        self.care_threshold = np.asarray(draws.threshold, dtype=np.float64)
        rows = len(self.ep)
        self.ep = np.concatenate(
            (
                self.ep,
                np.column_stack((draws.episode_type, draws.episode_days))
                .astype(CASE_INT)
                .reshape(-1, 2),
            )
        )
        self.cases[CARE_EP] = np.where(draws.first_episode >= 0, draws.first_episode + rows, -1)
        self.cases[CARE_N] = draws.n_episodes
        starts_in_care = (
            care.is_care[caseload.episode_type[caseload.first_episode]] == 1
            if caseload.n_cases
            else np.zeros(0, bool)
        )
        self.cases[CARE_DAY] = np.where(
            caseload.initial & starts_in_care, IN_CARE_AT_START, NEVER_IN_CARE
        )
        self.cases[CARE_CAUSE] = DRAWN

    # -- kernel calls --------------------------------------------------------------------
    def release(self, slot: int, day: int, keep_load: float | None = None) -> int:
        """Return a worker's cases to the waiting list: all of them, or (given ``keep_load``) those
        they may not hold at their level and enough to bring their load down to ``keep_load``."""
        return int(
            release_cases(
                slot,
                np.inf if keep_load is None else keep_load,
                keep_load is None,
                day,
                self.cs,
                self.wi,
                self.wf,
                self.table.weight,
                self.table.min_level,
                self.table.works,
                self.qbuf,
                self.qgen,
                self.qht,
                self.ctr,
                self.by_type,
                self.three_plus_until,
            )
        )

    # -- worker slots ----------------------------------------------------------------------
    def open_slot(self, slot: int, uid: int, level: int, limit: float, team: int = 0) -> None:
        if not open_worker(
            slot, uid, level, limit, team, self.wi, self.wf, self.roster, self.roster_size, self.ctr
        ):
            raise RuntimeError(f"worker slot {slot} is already open")

    def set_level(self, slot: int, level: int, limit: float, day: int) -> None:
        """Change a worker's level and limit, handing back cases they may no longer hold."""
        lower = level < self.wi[W_LEVEL, slot]
        self.wi[W_LEVEL, slot] = level
        self.wf[W_LIMIT, slot] = limit
        self.ctr[C_ROOM] += 1
        allowed = self.team_over[self.wi[W_TEAM, slot]] == 1
        over = self.wf[W_LOAD, slot] > limit + EPS and not allowed
        if over or (lower and self.wi[W_COUNT, slot] > 0):
            self.release(slot, day, keep_load=np.inf if allowed else limit)

    def set_limits(self, slots: np.ndarray, limits: np.ndarray) -> dict[int, float]:
        """New limits for the workers in ``slots`` (their levels unchanged); returns those now
        over their limit in a team that may not allocate over it, with their limit (they are to
        hand cases back: ``release``)."""
        self.wf[W_LIMIT, slots] = limits
        self.ctr[C_ROOM] += 1
        bound = self.team_over[self.wi[W_TEAM, slots]] == 0
        over = bound & (self.wf[W_LOAD, slots] > limits + EPS)
        return dict(zip(slots[over].tolist(), limits[over].tolist()))

    def set_team(self, slot: int, team: int, day: int) -> None:
        """Move a worker to another team, handing back the cases that team does not hold."""
        t = self.table
        if (
            move_worker(
                slot,
                team,
                day,
                self.cs,
                self.wi,
                self.wf,
                t.weight,
                t.min_level,
                t.works,
                self.qbuf,
                self.qgen,
                self.qht,
                self.ctr,
                self.by_type,
                self.three_plus_until,
                self.roster,
                self.roster_size,
            )
            < 0
        ):
            raise RuntimeError(f"worker slot {slot} is on no roster")

    def close_slot(self, slot: int, day: int) -> int:
        t = self.table
        released = close_worker(
            slot,
            day,
            self.cs,
            self.wi,
            self.wf,
            t.weight,
            t.min_level,
            t.works,
            self.qbuf,
            self.qgen,
            self.qht,
            self.ctr,
            self.by_type,
            self.three_plus_until,
            self.roster,
            self.roster_size,
        )
        if released < 0:
            raise RuntimeError(f"worker slot {slot} is on no roster")
        return int(released)

    # -- views -----------------------------------------------------------------------------
    def open_counts(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Among the open cases at ``day`` (the case flow run up to it): (looked after, in need) x
        (with 3+ social workers in 12 months, children); cases waiting for a worker, by team
        (from the counts the case flow keeps)."""
        if day < self.ctr[C_LAST_DAY]:
            raise ValueError(
                f"month-end counts asked for day {day}, after day {self.ctr[C_LAST_DAY]} ran"
            )
        return month_end_counts(
            self.three_plus_until,
            day,
            self.by_type,
            self.reported_kinds,
            self.table.team,
            len(self.table.team_names),
        )

    def waiting_work(self) -> np.ndarray:
        """Weighted cases waiting for a worker, by the team that allocates them."""
        t = self.table
        return np.bincount(
            t.team, weights=self.by_type[K_WAITING] * t.weight, minlength=len(t.team_names)
        )

    def mean_caseload(self) -> float:
        """Mean cases per case holder now (0 when nobody holds a case)."""
        return mean_held(self.wi[W_ACTIVE], self.wi[W_COUNT])

    @property
    def cases(self) -> np.ndarray:
        """The case table by field: ``cases[ARRIVAL]`` is every case's arrival day (a view)."""
        return self.cs.T

    @property
    def load(self) -> np.ndarray:
        return self.wf[W_LOAD]

    @property
    def count(self) -> np.ndarray:
        return self.wi[W_COUNT]

    @property
    def active(self) -> np.ndarray:
        return self.wi[W_ACTIVE] == 1

    @property
    def open_cases(self) -> int:
        return int(self.ctr[C_OPEN])

    @property
    def waiting(self) -> int:
        return int(self.ctr[C_WAITING])

    @property
    def events(self) -> int:
        return int(self.ctr[C_EVENTS])

    @property
    def in_care(self) -> int:
        """Children in care now (open cases of the care type)."""
        return int(self.ctr[C_IN_CARE])

    def care_entries(self, first: int, last: int) -> tuple[int, int]:
        """(children who entered care, those the staffing effects added) on days ``first`` to
        ``last - 1`` (days already run)."""
        entries, extra = self.daily[D_CARE_ENTRIES], self.daily[D_CARE_EXTRA]
        upto = (int(entries[last - 1]), int(extra[last - 1])) if last > 0 else (0, 0)
        before = (int(entries[first - 1]), int(extra[first - 1])) if first > 0 else (0, 0)
        return upto[0] - before[0], upto[1] - before[1]

    def check_counts(self) -> None:
        """Cheap check (every month): open cases = waiting + held by workers."""
        if (
            self.ctr[C_OPEN] != self.ctr[C_WAITING] + self.wi[W_COUNT].sum()
            or self.ctr[C_NEXT_ARRIVAL] != self.ctr[C_OPEN] + self.ctr[C_CLOSED]
        ):
            raise ConservationError(
                f"cases referred {self.ctr[C_NEXT_ARRIVAL]} != closed {self.ctr[C_CLOSED]} + "
                f"allocated {self.wi[W_COUNT].sum()} + waiting {self.ctr[C_WAITING]}"
            )

    def check_conservation(self) -> None:
        """Full check (end of run): cases referred = closed + allocated + waiting, case by case;
        loads match the cases held; no worker over their limit unless the scenario allows it."""
        arrived = int(self.ctr[C_NEXT_ARRIVAL])
        cs = self.cases[:, :arrived]
        closed = int((cs[CLOSED] >= 0).sum())
        allocated = int((cs[WORKER] >= 0).sum())
        waiting = arrived - closed - allocated
        problems = []
        if (
            closed != self.ctr[C_CLOSED]
            or waiting != self.ctr[C_WAITING]
            or allocated + waiting != self.ctr[C_OPEN]
        ):
            problems.append(
                f"cases referred {arrived} != closed {self.ctr[C_CLOSED]} + allocated "
                f"{allocated} + waiting {self.ctr[C_WAITING]}"
            )
        if allocated != int(self.wi[W_COUNT].sum()):
            problems.append(
                f"allocated cases {allocated} != cases held by workers {self.wi[W_COUNT].sum()}"
            )
        held = cs[WORKER][cs[WORKER] >= 0]
        if held.size and not self.active[held].all():
            problems.append("a case is held by a worker who has left")
        if (
            held.size
            and not self.table.works[self.wi[W_TEAM][held], cs[TYPE][cs[WORKER] >= 0]].all()
        ):
            problems.append("a case is held by a worker whose team does not work its type")
        weights = np.bincount(
            held, weights=self.table.weight[cs[TYPE][cs[WORKER] >= 0]], minlength=self.wf.shape[1]
        )
        if not np.allclose(weights, self.wf[W_LOAD], atol=1e-6):
            problems.append("worker loads do not match the cases they hold")
        in_care = int(((cs[CLOSED] < 0) & (self.care_flag[cs[TYPE]] == 1)).sum()) if arrived else 0
        if in_care != self.ctr[C_IN_CARE]:
            problems.append(
                f"children in care {self.ctr[C_IN_CARE]} != open cases of the care type {in_care}"
            )
        if not self.team_over.any() and self.ctr[C_OVER_LIMIT] > 0:
            problems.append(f"{self.ctr[C_OVER_LIMIT]} allocations took a worker over their limit")
        bound = self.active & (self.team_over[self.wi[W_TEAM]] == 0)
        if (self.wf[W_LOAD][bound] > self.wf[W_LIMIT][bound] + 1e-6).any():
            problems.append("a worker holds more than their hard limit")
        day = int(self.ctr[C_LAST_DAY])
        t = self.table
        kept = (*self.open_counts(day), self.waiting_work())
        counted = open_case_counts(
            self.cs, arrived, day, t.looked_after, t.in_need, t.team, t.weight, len(t.team_names)
        )
        if not (
            np.array_equal(kept[0], counted[0])
            and np.array_equal(kept[1], counted[1])
            and np.allclose(kept[2], counted[2])
        ):
            problems.append(
                f"the month-end counts {kept} differ from a count case by case {counted}"
            )
        for team in range(len(self.roster_size)):
            on_roster = self.roster[team, : self.roster_size[team]]
            listed = np.sort(on_roster)
            if not np.array_equal(
                listed, np.flatnonzero(self.active & (self.wi[W_TEAM] == team))
            ) or not np.array_equal(self.wi[W_TEAM_POS, on_roster], np.arange(on_roster.size)):
                problems.append(f"team {team}'s roster is not its active workers")
        if problems:
            raise ConservationError("; ".join(problems))


class ConservationError(RuntimeError):
    """The model lost or invented a case or a worker."""
