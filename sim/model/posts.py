"""``Posts``: one council's establishment and who holds or covers each post.

Staff changes go through its few primitives (``hire``, ``leave``, ``move``, ``start_agency``,
``end_agency``, ``convert``, ``open_post``, ``close_post``), which keep posts, the roster and the
case book consistent. A part of ``Authority`` (``authority.py``); it is the ``HiringCouncil`` of
``recruitment`` and the ``StaffingCouncil`` of ``workforce``, and asks of its council only what
``PostsCouncil`` names.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Protocol

import numpy as np
import simpy

from sim.columns import (
    AGENCY_ENDS,
    AGENCY_STARTS,
    CONVERSIONS,
    EXTERNAL_HIRES,
    HIRES,
    LEAVERS,
    LEAVERS_RETIREMENT,
    MOVES_IN,
    leavers_to,
)
from sim.model.allocation import CaseBook
from sim.model.caseflow import CaseFlow
from sim.model.clock import DAYS_PER_YEAR, MONTH_DAYS, Calendar, Clock
from sim.model.demand import team_post_weights
from sim.model.market import Applicant, LabourMarket, MemberCouncil
from sim.model.people import AGE, N_PEOPLE_DRAWS, RETIRE, AgesAtHireTable
from sim.model.rates import Rates
from sim.model.recruitment import assignment, backfill, recruit
from sim.model.roster import AGENCY, BANK, PERMANENT, Establishment, Post, Roster, SocialWorker
from sim.model.streams import Streams
from sim.model.workforce import ASYE, asye_year
from sim.policy import Context, Policy
from sim.scenario import LEVELS, Scenario, Team

POST_CYCLES = 48  # vacancy spells per post drawn up front; later ones draw from the posts stream
FILL, COVER, COVER_DELAY, RESILIENCE, DESTINATION = range(5)
N_POST_DRAWS = 5
RECRUITED = ("newly_qualified", "experienced", "moved")  # pipelines that bear the recruitment cost


def split_posts(n: int, shares: np.ndarray) -> list[int]:
    """``n`` posts split by ``shares`` (largest remainders; ties to the earlier team)."""
    exact = n * shares / shares.sum()
    counts = np.floor(exact).astype(int)
    order = sorted(range(len(shares)), key=lambda k: (-(exact[k] - counts[k]), k))
    for k in order[: n - counts.sum()]:
        counts[k] += 1
    return counts.tolist()


class PostsCouncil(MemberCouncil, Protocol):
    """What the posts need of their council (``Authority`` is one): a member of the region's
    market (which their leavers and agency requests go to, with its rates in force and when
    staff may change), whose policies are told of leavers and vacancies."""

    hold_until: float  # nobody joins, leaves or moves before this day
    active_policies: list[Policy]
    context: Context


class Posts:
    """A council's posts, funded and unfunded, their holders and agency or bank cover."""

    def __init__(
        self,
        council: PostsCouncil,
        env: simpy.Environment,
        scenario: Scenario,
        streams: Streams,
        clock: Clock,
        calendar: Calendar | None,
        cases: CaseFlow,
        roster: Roster,
        funded_by_level: np.ndarray,
        tally: Counter[str],
    ):
        """Lay out the start's posts by level and team (the teams' shares of the work) and draw
        each post's vacancy spells and holders; ``funded_by_level``: the funded posts by level,
        kept as posts open and close; ``tally``: the council's events this month."""
        self.council = council
        self.env = env
        self.scenario = scenario
        self.streams = streams
        self.clock = clock
        self.calendar = calendar
        self.cases = cases
        self.roster = roster
        self.funded_by_level = funded_by_level
        self.tally = tally
        self.flow: Counter[str] = Counter()  # people who joined and left the region through here
        self.levels = scenario.workforce.levels.ordered()
        self.agency_level = LEVELS.index(scenario.agency.level)
        self.outside = scenario.market.labour == "outside"
        self.ages_at_hire = AgesAtHireTable(scenario.retirement)
        weights = team_post_weights(scenario, cases.table)
        self.establishment = Establishment(
            [
                Post(level, team=team)
                for level, lv in enumerate(self.levels)
                for team, n in enumerate(split_posts(lv.establishment, weights[level]))
                for _ in range(n)
            ]
        )
        self.start_posts = np.zeros((len(self.levels), len(self.teams)))  # by level and team
        for i, post in enumerate(self.establishment.posts):
            post.index = i
            self.start_posts[post.level, post.team] += 1
        # Common random numbers by post: the k-th vacancy of post p draws the same numbers in every
        # scenario (time to fill, agency cover and delay, the next holder's resilience, destination);
        # rows for the posts a growing establishment will open
        rows = math.ceil(len(self.establishment.posts) * scenario.posts_growth())
        self.post_draws: np.ndarray | None = streams["posts"].random(
            (rows, POST_CYCLES, N_POST_DRAWS)
        )
        # ... and its k-th holder's age at hire and retirement draw, from a stream of their own
        self.people_draws: np.ndarray | None = streams["people"].random(
            (rows, POST_CYCLES, N_PEOPLE_DRAWS)
        )
        self.post_rows_used = len(self.establishment.posts)

    @property
    def rates(self) -> Rates:
        """The council's rates in force."""
        return self.council.rates

    @property
    def market(self) -> LabourMarket | None:
        """The region's labour market (``None`` until it starts, or with an outside market)."""
        return self.council.market

    @property
    def book(self) -> CaseBook | None:
        """The case book (``CaseFlow.book``)."""
        return self.cases.book

    @property
    def teams(self) -> list[tuple[str, Team]]:
        """The council's teams (name, settings)."""
        return self.cases.teams

    def staff_at_start(self) -> None:
        """Fill posts to ``initial_fill`` with permanent staff of varied tenure; cover some vacancies.

        Assumption (start state only; the warm-up absorbs it unless it holds the staff, when
        the tenures are those at the start of reporting): tenure at this authority is
        exponential with mean 1 / leave_rate (the stationary law under a constant hazard, with the
        rate floored at 0.05 a year), time in level uniform within tenure, ASYE staff uniform
        within their year; vacant posts are covered by agency with ``agency.initial_cover`` (default:
        the backfill probability).
        Their ages are the in-post profile (``retirement.age_at_hire.initial``), drawn apart from
        their tenure."""
        rng = self.streams["initial"]
        fill = self.scenario.workforce.initial_fill
        origin = self.council.hold_until  # their tenure is the stationary law when reporting starts
        ag = self.scenario.agency
        cover = ag.backfill_probability if ag.initial_cover is None else ag.initial_cover
        for level, lv in enumerate(self.levels):
            posts = [p for p in self.establishment.posts if p.level == level]
            filled = rng.permutation(len(posts))[: int(round(fill * len(posts)))]
            for i in sorted(filled):
                if level == ASYE:
                    tenure = rng.uniform(0.0, self.scenario.workforce.asye_months * MONTH_DAYS)
                else:
                    tenure = rng.exponential(DAYS_PER_YEAR / max(lv.leave_rate, 0.05))
                worker = self.hire(posts[i], "initial", hired_day=origin - tenure)
                worker.level_since = origin - (rng.uniform(0.0, tenure) if level > ASYE else tenure)
        for post in self.establishment.posts:
            if post.holder is None:
                if self.outside:
                    self.council.start_staffing(recruit(self, post))
                if rng.random() < cover:
                    self._join_on_assignment(post)
        self.keep_agency_beyond(self._join_on_assignment)

    def _new_worker(
        self, level: int, contract: str, pipeline: str, hired_day: float, post: Post
    ) -> SocialWorker:
        """A new row of the roster for a worker starting in ``post``."""
        return self.roster.open(
            level, contract, pipeline, hired_day, post, self.rates.limit(level, post.team)
        )

    def staff_slots(self) -> np.ndarray:
        """The slots of the permanent staff, in the order they joined it (read-only)."""
        return self.roster.staff_slots()

    def post_draw(self, post: Post, which: int) -> float:
        """A uniform draw for ``post``'s current vacancy spell (see ``post_draws``)."""
        if 0 <= post.index and post.cycle < POST_CYCLES:
            return float(self.post_draws[post.index, post.cycle, which])
        return float(self.streams["posts"].random())

    def _close(self, worker: SocialWorker) -> None:
        """A worker's row closes today (their cases go back to wait)."""
        self.roster.close(worker, self.day, self.env.now)

    @property
    def day(self) -> int:
        """Today, as a day of the run."""
        return min(int(self.env.now), self.clock.n_days - 1)

    def hire(
        self, post: Post, pipeline: str, hired_day: float | None = None, joins: bool = True
    ) -> SocialWorker:
        """A permanent worker starts in ``post``; an agency worker covering it is let go.
        ``joins``: they come from outside the region (not from its market's pools)."""
        self.flow["joined"] += joins
        worker = self._new_worker(
            post.level, PERMANENT, pipeline, self.env.now if hired_day is None else hired_day, post
        )
        post.holder = worker
        self._draw_resilience(worker, post)
        self._draw_age(worker, post)
        if post.agency is not None:
            self.end_agency(post.agency)
        if pipeline != "initial":
            self.tally[HIRES] += 1
        if pipeline in RECRUITED:
            self.tally[EXTERNAL_HIRES] += 1
        if post.level == ASYE:
            self.env.process(asye_year(self, worker))
        return worker

    def _draw_resilience(self, worker: SocialWorker, post: Post) -> None:
        """A new permanent worker's resilience (their leaving threshold) and destination draw."""
        roster = self.roster
        roster.resilience[worker.slot] = -math.log1p(-self.post_draw(post, RESILIENCE))
        roster.destination_draw[worker.slot] = self.post_draw(post, DESTINATION)
        roster.cum_hazard[worker.slot] = 0.0

    def people_draw(self, post: Post, which: int) -> float:
        """A uniform draw of the ``people`` stream for ``post``'s current holder (see ``people_draws``)."""
        if 0 <= post.index and post.cycle < POST_CYCLES:
            return float(self.people_draws[post.index, post.cycle, which])
        return float(self.streams["people"].random())

    def _draw_age(self, worker: SocialWorker, post: Post) -> None:
        """A new permanent worker's age (from their pipeline's ages at hire) and retirement draw."""
        age = self.ages_at_hire.age(worker.pipeline, post.level, self.people_draw(post, AGE))
        worker.born = self.env.now - age * DAYS_PER_YEAR
        self.roster.retire_draw[worker.slot] = -math.log1p(-self.people_draw(post, RETIRE))
        self.roster.cum_retire[worker.slot] = 0.0

    def hire_into_level(self, level: int, pipeline: str, joins: bool = True) -> SocialWorker:
        """Hire into a vacant funded post at ``level``, or above establishment if none is vacant."""
        post = self.establishment.first_vacant(level) or self.add_unfunded_post(level)
        return self.hire(post, pipeline, joins=joins)

    def take_applicant(self, person: Applicant) -> None:
        """An applicant from the regional market takes a vacancy at their level; a mover from
        another council keeps their time in level (a new tenure here)."""
        worker = self.hire_into_level(person.level, person.pipeline, joins=False)
        if person.origin >= 0:
            worker.level_since = person.level_since
            worker.born = person.born
            self.tally[MOVES_IN] += 1

    def leave(
        self,
        worker: SocialWorker,
        destination: str,
        retired: bool = False,
        pay_driven: bool = False,
        to_region: bool = False,
    ) -> None:
        """A permanent worker leaves (``retired``: they retire, leaving social work;
        ``pay_driven``: they go to another council only because it pays more; ``to_region``: to
        work for the region itself, outside the market's pools); their cases go back for
        reallocation."""
        self._close(worker)
        worker.destination = destination
        worker.retired = retired
        self.tally[LEAVERS] += 1
        self.tally[leavers_to(destination)] += 1
        self.tally[LEAVERS_RETIREMENT] += retired
        if (
            to_region
            or self.outside
            or not self.market.leaver(self.council, worker, destination, pay_driven)
        ):
            self.flow["left"] += 1
        self._vacate(worker.post)
        worker.post = None
        for policy in self.council.active_policies:
            policy.on_leaver(self.council.context, worker.level, destination)

    def move(self, worker: SocialWorker, post: Post) -> None:
        """A permanent worker takes another post (promotion, end of ASYE) at its level."""
        old = worker.post
        self.roster.place(worker, post)
        post.holder = worker
        if post.agency is not None:
            self.end_agency(post.agency)
        self.book.set_team(worker.slot, post.team, self.day)
        self.regrade(worker, post.level)
        self._vacate(old)

    def regrade(self, worker: SocialWorker, level: int) -> None:
        """A worker starts practising at ``level`` (caseload limit and eligibility follow)."""
        if worker.level != level:
            worker.level_since = self.env.now
        self.book.set_level(worker.slot, level, self.rates.limit(level, worker.post.team), self.day)

    def find_agency(self, post: Post) -> None:
        """Seek an agency worker for ``post``: from outside at once, or from the region's pool."""
        if self.outside:
            self.flow["joined"] += 1
            self.start_assignment(post)
        else:
            self.market.request_agency(self.council, post)

    def _join_on_assignment(self, post: Post) -> None:
        """An agency worker from outside the region starts covering ``post``."""
        self.flow["joined"] += 1
        self.start_assignment(post)

    def keep_agency_beyond(self, find: Callable[[Post], None]) -> None:
        """Seek (with ``find``) as many agency workers above establishment as
        ``agency.beyond_vacancies`` asks for and are missing, on posts of the agency level in the
        teams in proportion to their funded posts."""
        funded = [p.team for p in self.establishment.posts if p.funded]
        wanted = int(round(self.scenario.agency.beyond_vacancies * len(funded)))
        kept = sum(1 for p in self.establishment.posts if p.beyond)
        for i in range(kept, wanted):
            post = self.add_unfunded_post(self.agency_level, team=funded[i * len(funded) // wanted])
            post.beyond = True
            find(post)

    def wants_cover(self, post: Post) -> bool:
        """Whether ``post`` is still vacant, uncovered and part of the establishment."""
        return (
            post.holder is None
            and post.agency is None
            and (post.funded or post in self.establishment.posts)
        )

    def start_assignment(self, post: Post) -> SocialWorker:
        """An agency worker starts covering ``post`` until their assignment ends."""
        worker = self.start_agency(post)
        self.council.start_staffing(assignment(self, worker))
        return worker

    def start_agency(self, post: Post) -> SocialWorker:
        """An agency worker starts covering a vacant post."""
        worker = self._new_worker(self.agency_level, AGENCY, "agency", self.env.now, post)
        post.agency = worker
        self.tally[AGENCY_STARTS] += 1
        return worker

    def start_cover(
        self, post: Post, level: int, on_end: Callable[[SocialWorker], None]
    ) -> SocialWorker:
        """A bank worker (employed by the region, outside the council's people) starts covering a
        vacant post, practising at ``level``; ``on_end`` is told when the cover ends."""
        self.flow["joined"] += 1
        worker = self._new_worker(level, BANK, "bank", self.env.now, post)
        worker.on_end = on_end
        post.agency = worker
        return worker

    def end_agency(self, worker: SocialWorker) -> None:
        """An agency (or bank) worker's cover ends: the agency worker returns to the pool (or
        leaves the region's outside market), the bank worker to the bank."""
        self._close(worker)
        post = worker.post
        if post is not None and post.agency is worker:
            post.agency = None
            if not post.funded and post.holder is None:  # an extra post for this assignment only
                self.establishment.remove(post)
        if worker.contract == BANK:
            self.flow["left"] += 1
            worker.on_end(worker)
            return
        self.tally[AGENCY_ENDS] += 1
        if self.outside:
            self.flow["left"] += 1
        else:
            self.market.agency_returns()

    def convert(self, worker: SocialWorker) -> None:
        """An agency worker becomes the permanent holder of the post they cover (keeps their cases)."""
        post = worker.post
        post.agency = None
        post.holder = worker
        self.roster.join_staff(worker)
        worker.pipeline = "conversion"
        worker.hired_day = self.env.now
        self._draw_resilience(worker, post)
        self._draw_age(worker, post)
        self.regrade(worker, post.level)
        self.tally[HIRES] += 1
        self.tally[CONVERSIONS] += 1

    def end_cover(self, worker: SocialWorker) -> None:
        """End a bank worker's cover before the post is filled; the vacancy may then be backfilled
        by agency as after an assignment."""
        post = worker.post
        self.end_agency(worker)
        if post is not None and post.funded and post.holder is None and not post.backfilling:
            self.env.process(backfill(self, post))

    def release_overflow(self, post: Post) -> None:
        """Let go the agency worker carried above establishment in ``post`` (or withdraw the
        request for one); their cases go back for reallocation."""
        if post.agency is not None:
            self.end_agency(post.agency)  # removes the post
        elif post in self.establishment.posts:
            self.establishment.remove(post)  # the region's pool skips a withdrawn request

    def team_work(self) -> tuple[np.ndarray, np.ndarray]:
        """Each team's weighted cases (held, and waiting for a worker of the team) and workers."""
        return self.cases.team_work(self.roster.team)

    def add_unfunded_post(self, level: int, team: int = 0) -> Post:
        """A post above establishment at ``level`` in ``team`` (it goes when it is left empty)."""
        post = Post(level, funded=False, team=team)
        self.establishment.add(post)
        return post

    def _vacate(self, post: Post | None) -> None:
        """``post``'s holder has gone: an unfunded post goes, a funded one opens a vacancy."""
        if post is None:
            return
        post.holder = None
        if not post.funded:
            self.establishment.remove(post)
            return
        self.establishment.vacated(post)
        post.cycle += 1
        self._open_vacancy(post)

    def _open_vacancy(self, post: Post) -> None:
        """A funded post fell vacant or opened: recruit to it (outside the region's market), seek
        agency cover, tell the policies."""
        if self.outside and not post.recruiting:
            self.env.process(recruit(self, post))
        if post.agency is None and not post.backfilling:
            self.env.process(backfill(self, post))
        for policy in self.council.active_policies:
            policy.on_vacancy(self.council.context, post.level)

    def open_post(self, level: int, team: int) -> Post:
        """A new funded post at ``level`` in ``team`` opens, vacant."""
        index = self.post_rows_used if self.post_rows_used < len(self.post_draws) else -1
        self.post_rows_used += 1
        post = Post(level, team=team, index=index)
        self.establishment.add(post)
        self.funded_by_level[level] += 1
        self.rates.establishment[level] += 1
        self._open_vacancy(post)
        return post

    def close_post(self, post: Post) -> None:
        """A vacant funded post closes (an agency or bank worker covering it leaves it)."""
        if post.agency is not None:
            self.end_agency(post.agency)
        self.establishment.remove(post)
        post.funded = False
        self.funded_by_level[post.level] -= 1
        self.rates.establishment[post.level] -= 1

    def set_establishment(self, total: int) -> None:
        """Open or close funded posts towards ``total``, one at a time where a level and team is
        furthest from its share of the start's posts; only vacant posts close (uncovered ones
        first), so a shrinking establishment waits for vacancies."""
        share = self.start_posts / self.start_posts.sum()
        funded = [p for p in self.establishment.posts if p.funded]
        count = np.zeros_like(self.start_posts)
        for p in funded:
            count[p.level, p.team] += 1
        have = len(funded)
        while have < total:
            have += 1
            level, team = np.unravel_index(np.argmax(share * have - count), count.shape)
            self.open_post(int(level), int(team))
            count[level, team] += 1
        vacant = [p for p in funded if p.holder is None]
        while have > total and vacant:
            have -= 1
            over = count - share * have
            post = max(vacant, key=lambda p: (over[p.level, p.team], p.agency is None))
            vacant.remove(post)
            self.close_post(post)
            count[post.level, post.team] -= 1

    def check_conservation(self, full: bool = True) -> None:
        """Raise if workers hired != active + left, or cases were lost (see CaseBook)."""
        if not full:
            self.book.check_counts()
            if len(self.roster.workers) != self.roster.n_active + self.roster.n_left:
                raise RuntimeError(
                    f"workers hired {len(self.roster.workers)} != active {self.roster.n_active} "
                    f"+ left {self.roster.n_left}"
                )
            return
        self.book.check_conservation()
        left = sum(1 for w in self.roster.workers if w.left_day is not None)
        if len(self.roster.workers) != self.roster.n_active + left or left != self.roster.n_left:
            raise RuntimeError(
                f"workers hired {len(self.roster.workers)} != active {self.roster.n_active} + left {left}"
            )
        est = self.establishment
        if any(
            est.first_vacant(level, team) is not est.first_vacant_by_scan(level, team)
            for level in range(len(LEVELS))
            for team in (None, *range(len(self.teams)))
        ):
            raise RuntimeError("the index of vacant posts disagrees with the posts")
        holders = [p.holder for p in self.establishment.posts if p.holder is not None]
        if len(holders) != len(self.roster.permanent()) or len({id(h) for h in holders}) != len(
            holders
        ):
            raise RuntimeError("permanent workers and post holders disagree")
        if list(self.staff_slots()) != [w.slot for w in self.roster.permanent()]:
            raise RuntimeError("the staff's slots and the permanent workers disagree")
