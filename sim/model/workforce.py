"""Social workers, the posts they hold, and their progression (ASYE year, promotion)."""
from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

from sim.model._jit import njit
from sim.columns import PROMOTIONS
from sim.model.allocation import W_LEVEL
from sim.model.clock import CENSUS_MONTH, DAYS_PER_YEAR, MONTH_DAYS
from sim.model.demand import expected_open_cases
from sim.model.series import at_census
from sim.scenario import LEVELS

if TYPE_CHECKING:
    from sim.model.authority import Authority

ASYE, L2 = 0, 1
PERMANENT, AGENCY, BANK = "permanent", "agency", "bank"   # BANK: employed by the region, deployed
CONTRACT_CODE = {PERMANENT: 1, AGENCY: 2, BANK: 3}           # Authority.slot_contract (0: free)
PERMANENT_CODE, AGENCY_CODE, BANK_CODE = CONTRACT_CODE[PERMANENT], CONTRACT_CODE[AGENCY], CONTRACT_CODE[BANK]


@njit
def count_staff(contract, level, post_level, funded, n_levels):
    """By level, from the slot arrays: permanent workers (the level they practise at), agency
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
    """From the slot arrays: agency workers above establishment (in unfunded posts), bank workers,
    and permanent staff aged ``succession_age`` or more on day ``now`` (ages as
    ``Authority.ages``: days since birth over ``days_per_year``)."""
    above, bank, near_retirement = 0, 0, 0
    for slot in range(contract.shape[0]):
        if contract[slot] == PERMANENT_CODE:
            near_retirement += (now - born[slot]) / days_per_year >= succession_age
        elif contract[slot] == AGENCY_CODE:
            above += not funded[slot]
        elif contract[slot] == BANK_CODE:
            bank += 1
    return above, bank, near_retirement


@dataclass(eq=False)
class SocialWorker:
    """A permanent, agency or bank social worker."""

    uid: int
    slot: int             # column in the case-flow worker arrays
    level: int            # index into LEVELS (the level they practise at)
    contract: str         # PERMANENT, AGENCY or BANK
    hired_day: float
    pipeline: str         # initial, newly_qualified, experienced, agency, conversion
    level_since: float = 0.0
    start_level: int = 0
    post: "Post | None" = None
    asye_passed: bool = False
    left_day: float | None = None
    destination: str | None = None
    born: float = 0.0     # day of birth (permanent staff; see people.py)
    retired: bool = False
    on_end: "Callable[[SocialWorker], None] | None" = None   # a bank cover's owner, told when it ends

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]


@dataclass(eq=False)
class Post:
    """A post at a level: funded (part of the establishment) or carried above it."""

    level: int
    funded: bool = True
    team: int = 0                        # index into the authority's teams
    index: int = -1                      # row in the authority's per-post random draws (-1: none)
    cycle: int = 0                       # how many times the post has fallen vacant
    holder: SocialWorker | None = None   # the permanent worker in post
    agency: SocialWorker | None = None   # an agency (or bank) worker covering the vacancy
    recruiting: bool = False
    backfilling: bool = False
    requested: bool = False              # waiting for cover from the region's agency pool
    overflow: bool = False               # carried above establishment while caseloads are high
    beyond: bool = False                 # kept above establishment for agency work beyond vacancies
    seq: int = -1                        # its place in the establishment's order (-1: not in it)

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


def asye_year(auth: "Authority", worker: SocialWorker):
    """The Assessed and Supported Year in Employment: pass and move to level 2, or leave."""
    wf = auth.scenario.workforce
    remaining = wf.asye_months * MONTH_DAYS - (auth.env.now - worker.hired_day)
    yield auth.env.timeout(max(remaining, 0.0))
    if worker.left_day is not None or worker.level != ASYE:
        return
    if auth.streams["asye"].random() >= auth.rates.asye_pass_probability:
        auth.leave(worker, "profession")
        return
    auth.pass_asye(worker)
    target = auth.establishment.first_vacant(L2, worker.post.team)
    if target is None and not wf.asye_completion_requires_funded_post:
        target = auth.add_unfunded_post(L2, worker.post.team)
    if target is not None:
        auth.move(worker, target)
    else:  # practises at level 2 in the ASYE post until `promotions` finds a level-2 post
        auth.regrade(worker, L2)


def promotions(auth: "Authority", offset: float):
    """Monthly: workers past their minimum time in level are promoted at the level's rate."""
    wf = auth.scenario.workforce
    levels = auth.scenario.workforce.levels.ordered()
    rng = auth.streams["progression"]
    min_days = np.array([lv.min_years_to_progress * DAYS_PER_YEAR for lv in levels])
    yield auth.env.timeout(offset)
    while True:
        now = auth.env.now
        p_month = -np.expm1(-auth.rates.progression_rate / 12.0)
        slots = auth.staff_slots()
        level = auth.book.wi[W_LEVEL, slots]
        in_level = auth.slot_post_level[slots] == level
        eligible = in_level & (level > ASYE) & (level < len(levels) - 1) & \
            (now - auth.slot_level_since[slots] >= min_days[level])
        waiting = slots[~in_level & auth.slot_asye_passed[slots]]
        candidates = slots[eligible]
        # ASYE workers who passed but found no level-2 post move as soon as one is free
        for slot in waiting:
            worker = auth.worker_at(slot)
            target = auth.establishment.first_vacant(L2, worker.post.team)
            if target is None:
                break
            auth.move(worker, target)
        if candidates.size:
            draws = rng.random(candidates.size)   # one each, promoted or not
            for slot in candidates[draws < p_month[level[eligible]]]:
                worker = auth.worker_at(slot)
                target = auth.establishment.first_vacant(worker.level + 1, worker.post.team)
                if target is None and not wf.progression_requires_funded_post:
                    target = auth.add_unfunded_post(worker.level + 1, worker.post.team)
                if target is not None:
                    auth.move(worker, target)
                    auth.tally[PROMOTIONS] += 1
        yield auth.env.timeout(MONTH_DAYS)


def follow_establishment(auth: "Authority", offset: float):
    """Monthly: the funded establishment follows ``workforce.establishment_by_year`` (a multiple
    of the posts at the start)."""
    series = auth.scenario.workforce.establishment_by_year
    start = auth.start_posts.sum()
    yield auth.env.timeout(offset)
    while True:
        auth.set_establishment(int(round(start * at_census(series, float(auth.calendar.date(auth.env.now))))))
        yield auth.env.timeout(MONTH_DAYS)


def review_establishment(auth: "Authority", offset: float):
    """Monthly: note the council's open cases; at each yearly review (``workforce.review``) move the
    funded posts part of the way toward the posts the last 12 months' cases need at the council's
    own standard (its expected open cases at the scenario's referral rate, by Little's law, per
    funded post at the start), within the budget limit; between reviews, keep closing posts toward
    the review's number as they fall vacant."""
    review = auth.scenario.workforce.review
    clock = auth.clock
    start_posts = float(auth.start_posts.sum())
    ceiling = int(math.floor(start_posts * review.max_growth))
    # months from the start of reporting (30 September) to the first review, then every 12
    first = (review.month - CENSUS_MONTH) % 12 or 12
    cases_per_post = max(float(expected_open_cases(auth.scenario).sum()), 1.0) / start_posts
    recent: deque[int] = deque(maxlen=12)
    target = start_posts
    yield auth.env.timeout(offset)
    for month in range(clock.n_months + 1):
        recent.append(auth.book.open_cases)
        since = month - clock.warmup_months
        if since > 0 and (since - first) % 12 == 0 and since >= first:
            posts = float(auth.funded_by_level.sum())
            need = max(sum(recent) / len(recent), 1.0) / cases_per_post
            step = float(np.clip(review.adjustment_per_year * math.log(need / posts),
                                 math.log1p(-min(review.max_change_per_year, 0.999)),
                                 math.log1p(review.max_change_per_year)))
            target = min(max(round(posts * math.exp(step)), 1), ceiling)
        if since > 0 and target != auth.funded_by_level.sum():
            auth.set_establishment(int(target))
        yield auth.env.timeout(MONTH_DAYS)
