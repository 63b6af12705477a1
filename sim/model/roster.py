"""The roster: the one record of each worker, and the posts they hold.

A worker is a row of the roster's arrays, by slot: the arrays are what the case-flow kernel and
the monthly steps read, and the only place a worker's attributes are kept. ``SocialWorker`` is a
view of its row while the worker holds a slot; when they leave, the row is copied into the worker
(the slot is then free for someone else) and the worker becomes the record of who they were.
The case book's worker rows (level, team, uid) are columns of the roster too: the roster reads
them from the book, and only ``Roster.open``, ``Roster.close`` and the book's own calls write them.

Adding a worker attribute: docs/howto-worker-attribute.md.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.model._jit import njit
from sim.model.allocation import W_LEVEL, W_TEAM, W_UID, CaseBook
from sim.model.clock import DAYS_PER_YEAR
from sim.scenario import LEVELS

PERMANENT, AGENCY, BANK = "permanent", "agency", "bank"  # BANK: employed by the region, deployed
CONTRACTS = ("", PERMANENT, AGENCY, BANK)  # Roster.contract: a code, 0 for a free slot
CONTRACT_CODE = {name: code for code, name in enumerate(CONTRACTS) if name}
PERMANENT_CODE, AGENCY_CODE, BANK_CODE = (
    CONTRACT_CODE[PERMANENT],
    CONTRACT_CODE[AGENCY],
    CONTRACT_CODE[BANK],
)


@njit
def count_staff(contract, level, post_level, funded, n_levels):
    """By level, from the roster's columns: permanent workers (the level they practise at), agency
    workers (the level of the post they cover), and permanent workers in funded posts (the post's
    level)."""
    permanent = np.zeros(n_levels, dtype=np.int64)
    agency = np.zeros(n_levels, dtype=np.int64)
    in_funded = np.zeros(n_levels, dtype=np.int64)
    for slot in range(contract.shape[0]):
        if contract[slot] == PERMANENT_CODE:
            permanent[level[slot]] += 1
            if funded[slot]:
                in_funded[post_level[slot]] += 1
        elif contract[slot] == AGENCY_CODE:
            agency[post_level[slot]] += 1
    return permanent, agency, in_funded


@njit
def other_staff(contract, funded, born, now, succession_age, days_per_year):
    """From the roster's columns: agency workers above establishment (in unfunded posts), bank
    workers, and permanent staff aged ``succession_age`` or more on day ``now`` (ages as
    ``Roster.ages``: days since birth over ``days_per_year``)."""
    above, bank, near_retirement = 0, 0, 0
    for slot in range(contract.shape[0]):
        if contract[slot] == PERMANENT_CODE:
            near_retirement += (now - born[slot]) / days_per_year >= succession_age
        elif contract[slot] == AGENCY_CODE:
            above += not funded[slot]
        elif contract[slot] == BANK_CODE:
            bank += 1
    return above, bank, near_retirement


class Column:
    """A worker attribute kept in the roster's array ``column``: read from (and written to) the
    worker's row while they hold a slot, from their record once they have left. ``read`` turns the
    array's value into the attribute's; ``writable=False``: it changes only through the roster
    (the case book, or who is in post, must follow)."""

    def __init__(self, column: str, read: Callable[[Any], Any], writable: bool = True):
        self.column, self.read, self.writable = column, read, writable
        self.name = column
        self.index = -1  # its place in a worker's record (see RECORD)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, worker: SocialWorker | None, owner: type | None = None) -> Any:
        if worker is None:
            return self
        record = worker.record
        if record is None:
            return self.read(getattr(worker.roster, self.column)[worker.slot])
        return record[self.index]

    def __set__(self, worker: SocialWorker, value: Any) -> None:
        if not self.writable:
            raise AttributeError(f"a worker's {self.name} changes through the roster")
        if worker.record is not None:
            raise AttributeError(f"worker {worker.uid} has left: their record is fixed")
        getattr(worker.roster, self.column)[worker.slot] = value


class SocialWorker:
    """A permanent, agency or bank social worker: a view of their row in the roster while they
    hold a slot, the record of who they were once they have left."""

    __slots__ = (
        "roster",
        "uid",
        "slot",
        "post",
        "record",
        "left_day",
        "destination",
        "retired",
        "on_end",
    )

    level = Column("level", int, writable=False)  # index into LEVELS: the level they practise at
    contract = Column(
        "contract", CONTRACTS.__getitem__, writable=False
    )  # PERMANENT, AGENCY or BANK
    hired_day = Column("hired", float)
    pipeline = Column(
        "pipeline", str
    )  # initial, newly_qualified, experienced, agency, conversion, ...
    level_since = Column("level_since", float)  # day they started practising at their level
    start_level = Column("start_level", int)
    asye_passed = Column("asye_passed", bool)
    born = Column("born", float)  # day of birth (permanent staff; see people.py)

    def __init__(self, roster: Roster, uid: int, slot: int, post: Post | None) -> None:
        self.roster = roster
        self.uid = uid
        self.slot = slot  # column in the roster's (and the case book's) arrays
        self.post = post
        self.record: tuple[Any, ...] | None = None  # their row (RECORD), copied when they left
        self.left_day: float | None = None
        self.destination: str | None = None
        self.retired = False
        self.on_end: Callable[[SocialWorker], None] | None = (
            None  # a bank cover's owner, told when it ends
        )

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]

    def __repr__(self) -> str:
        return f"SocialWorker(uid={self.uid}, slot={self.slot}, level={self.level}, contract={self.contract!r})"


def _numbered(cls: type) -> tuple[Column, ...]:
    """The ``Column`` attributes of ``cls`` in order, each told its place in a record."""
    columns = tuple(value for value in vars(cls).values() if isinstance(value, Column))
    for index, column in enumerate(columns):
        column.index = index
    return columns


RECORD = _numbered(SocialWorker)  # what a worker's record keeps of their row when they leave


@dataclass(eq=False)
class Post:
    """A post at a level: funded (part of the establishment) or carried above it."""

    level: int
    funded: bool = True
    team: int = 0  # index into the authority's teams
    index: int = -1  # row in the authority's per-post random draws (-1: none)
    cycle: int = 0  # how many times the post has fallen vacant
    holder: SocialWorker | None = None  # the permanent worker in post
    agency: SocialWorker | None = None  # an agency (or bank) worker covering the vacancy
    recruiting: bool = False
    backfilling: bool = False
    requested: bool = False  # waiting for cover from the region's agency pool
    overflow: bool = False  # carried above establishment while caseloads are high
    beyond: bool = False  # kept above establishment for agency work beyond vacancies
    seq: int = -1  # its place in the establishment's order (-1: not in it)

    @property
    def vacant(self) -> bool:
        return self.holder is None


@dataclass
class Establishment:
    """All posts of an authority, in the order they were added, and its vacant funded posts by
    level and by level and team in the same order. Posts are added and removed through ``add``
    and ``remove``; a post whose holder leaves is reported with ``vacated``."""

    posts: list[Post] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._added = 0
        # heaps of (seq, entry number, post), checked when they come to the top (an entry of a post
        # filled, closed or removed since is dropped there): the vacant funded posts, first first
        self._vacant: dict[int | tuple[int, int], list[tuple[int, int, Post]]] = {}
        self._entries = 0
        for post in self.posts:
            self._place(post)

    def _place(self, post: Post) -> None:
        post.seq = self._added
        self._added += 1
        self.vacated(post)

    def add(self, post: Post) -> None:
        self.posts.append(post)
        self._place(post)

    def remove(self, post: Post) -> None:
        self.posts.remove(post)
        post.seq = -1

    def vacated(self, post: Post) -> None:
        """``post`` is vacant now (its holder left, or it was added without one)."""
        if post.funded and post.holder is None and post.seq >= 0:
            for key in (post.level, (post.level, post.team)):
                self._entries += 1
                heapq.heappush(self._vacant.setdefault(key, []), (post.seq, self._entries, post))

    def _first(self, key: int | tuple[int, int]) -> Post | None:
        heap = self._vacant.get(key)
        while heap:
            seq, _, post = heap[0]
            if post.seq == seq and post.funded and post.holder is None:
                return post
            heapq.heappop(heap)
        return None

    def first_vacant(self, level: int, team: int | None = None) -> Post | None:
        """The first vacant funded post at ``level``: in ``team`` if it has one, else any."""
        if team is not None:
            post = self._first((level, team))
            if post is not None:
                return post
        return self._first(level)

    def first_vacant_by_scan(self, level: int, team: int | None = None) -> Post | None:
        """``first_vacant`` by looking at every post (what the end-of-run check compares with)."""
        vacant = [p for p in self.posts if p.level == level and p.funded and p.holder is None]
        in_team = [p for p in vacant if p.team == team]
        return (in_team or vacant or [None])[0]


class Roster:
    """Every worker of one council, one row each by slot: the arrays the case-flow kernel and the
    monthly steps read, ``SocialWorker`` views of the rows, and who is in post (permanent staff
    in the order they joined; agency and bank workers). Opening and closing a row are its only
    writes to the case book's worker rows."""

    def __init__(self, book: CaseBook):
        self.book = book
        n = book.wi.shape[1]
        self.size = n
        # the case book's rows (written by its calls): level practised at, team, uid
        self.level = book.wi[W_LEVEL]
        self.team = book.wi[W_TEAM]
        self.uid = book.wi[W_UID]
        self.contract = np.zeros(n, dtype=np.int8)  # CONTRACT_CODE; 0: a free slot
        self.post_level = np.zeros(n, dtype=np.int64)  # the level of the post held or covered
        self.funded = np.zeros(n, dtype=bool)  # ... and whether it is funded
        self.hired = np.zeros(n)  # day hired (for tenure)
        self.level_since = np.zeros(n)  # day they started practising at their level
        self.asye_passed = np.zeros(n, dtype=bool)
        self.start_level = np.zeros(n, dtype=np.int64)
        self.pipeline = np.empty(n, dtype=object)
        self.born = np.zeros(n)  # day of birth (negative: before the run)
        self.cum_hazard = np.zeros(n)  # cumulative leaving hazard since hire
        self.resilience = np.zeros(n)  # they leave when the cumulative hazard passes it
        self.destination_draw = np.zeros(n)  # the uniform draw that picks their destination
        self.cum_retire = np.zeros(n)  # cumulative retirement hazard since hire
        self.retire_draw = np.zeros(n)  # they retire when it passes this (unit exponential)
        self.pressure = np.zeros(n)  # sustained caseload pressure (see turnover.sustain)
        self.order = np.zeros(n, dtype=np.int64)  # when they joined the permanent staff
        self.free_slots = list(range(n - 1, -1, -1))
        self.workers: list[SocialWorker] = []  # everyone ever employed, in order of hire
        self.staff: dict[int, SocialWorker] = {}  # permanent workers in post, by uid
        self.temps: dict[int, SocialWorker] = {}  # agency and bank workers on assignment, by uid
        self.n_left = 0
        self._joined = 0
        self._staff_slots: np.ndarray | None = None  # staff_slots() until the staff change

    def open(
        self, level: int, contract: str, pipeline: str, hired_day: float, post: Post, limit: float
    ) -> SocialWorker:
        """A new worker's row, in post (or covering ``post``) with caseload limit ``limit``."""
        if not self.free_slots:
            raise RuntimeError("no free worker slot: raise Authority.max_workers")
        slot = self.free_slots.pop()
        worker = SocialWorker(self, len(self.workers), slot, post)
        self.workers.append(worker)
        self.hired[slot] = self.level_since[slot] = hired_day
        self.asye_passed[slot] = False
        self.born[slot] = 0.0
        self.start_level[slot] = level
        self.pipeline[slot] = pipeline
        self.contract[slot] = CONTRACT_CODE[contract]
        if contract == PERMANENT:
            self.join_staff(worker)
        else:
            self.temps[worker.uid] = worker
        self.place(worker, post)
        self.pressure[slot] = 0.0
        self.book.open_slot(slot, worker.uid, level, limit, post.team)
        return worker

    def join_staff(self, worker: SocialWorker) -> None:
        """``worker`` joins the permanent staff (hired, or an agency worker converted)."""
        if worker.uid in self.temps:
            del self.temps[worker.uid]
        self.contract[worker.slot] = PERMANENT_CODE
        self.staff[worker.uid] = worker
        self.order[worker.slot] = self._joined
        self._joined += 1
        self._staff_slots = None

    def place(self, worker: SocialWorker, post: Post) -> None:
        """``worker`` holds (or covers) ``post``."""
        worker.post = post
        self.post_level[worker.slot] = post.level
        self.funded[worker.slot] = post.funded

    def close(self, worker: SocialWorker, day: int, now: float) -> None:
        """``worker`` leaves on ``now``: their row becomes their record, their cases go back to
        wait (on ``day``), and the slot is free."""
        slot = worker.slot
        worker.record = tuple(column.__get__(worker) for column in RECORD)
        self.book.close_slot(slot, day)
        self.free_slots.append(slot)
        self.contract[slot] = 0
        if worker.contract == PERMANENT:
            del self.staff[worker.uid]
            self._staff_slots = None
        else:
            del self.temps[worker.uid]
        worker.left_day = now
        self.n_left += 1

    def staff_slots(self) -> np.ndarray:
        """The slots of the permanent staff, in the order they joined it (read-only)."""
        if self._staff_slots is None:
            slots = np.flatnonzero(self.contract == PERMANENT_CODE)
            self._staff_slots = slots[np.argsort(self.order[slots], kind="stable")]
            self._staff_slots.flags.writeable = False
        return self._staff_slots

    def worker_at(self, slot: int) -> SocialWorker:
        return self.workers[int(self.uid[slot])]

    def ages(self, slots: np.ndarray, now: float) -> np.ndarray:
        """The ages (years) on day ``now`` of the workers in ``slots`` (slot numbers, or a mask)."""
        return (now - self.born[slots]) / DAYS_PER_YEAR

    def counts(self, n_levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """By level: permanent workers, agency workers, permanent workers in funded posts (see
        ``count_staff``)."""
        return count_staff(self.contract, self.level, self.post_level, self.funded, n_levels)

    def permanent(self) -> list[SocialWorker]:
        return list(self.staff.values())

    def agency_workers(self) -> list[SocialWorker]:
        return [w for w in self.temps.values() if w.contract == AGENCY]

    @property
    def n_active(self) -> int:
        return len(self.staff) + len(self.temps)
