"""Social workers, the posts they hold, and their progression (ASYE year, promotion)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np

from sim.model.allocation import W_LEVEL
from sim.model.clock import DAYS_PER_YEAR, MONTH_DAYS
from sim.model.series import at_census
from sim.scenario import LEVELS

if TYPE_CHECKING:
    from sim.model.authority import Authority

ASYE, L2 = 0, 1
PERMANENT, AGENCY, BANK = "permanent", "agency", "bank"   # BANK: employed by the region, deployed
CONTRACT_CODE = {PERMANENT: 1, AGENCY: 2, BANK: 3}           # Authority.slot_contract (0: free)


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

    @property
    def vacant(self) -> bool:
        return self.holder is None


@dataclass
class Establishment:
    """All posts of an authority, in the order they were added (and, to find a level's quickly,
    by level in the same order). Posts are added and removed through ``add`` and ``remove``."""

    posts: list[Post] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_level: dict[int, list[Post]] = {}
        for post in self.posts:
            self._by_level.setdefault(post.level, []).append(post)

    def add(self, post: Post) -> None:
        self.posts.append(post)
        self._by_level.setdefault(post.level, []).append(post)

    def remove(self, post: Post) -> None:
        self.posts.remove(post)
        self._by_level[post.level].remove(post)

    def vacant_funded(self, level: int) -> Iterator[Post]:
        return (p for p in self._by_level.get(level, ()) if p.funded and p.holder is None)

    def first_vacant(self, level: int, team: int | None = None) -> Post | None:
        """The first vacant funded post at ``level``: in ``team`` if it has one, else any."""
        if team is not None:
            post = next((p for p in self.vacant_funded(level) if p.team == team), None)
            if post is not None:
                return post
        return next(self.vacant_funded(level), None)


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
                    auth.tally["promotions"] += 1
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
