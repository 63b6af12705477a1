"""``Authority``: one local authority's case flow and workforce as SimPy processes in one environment.

An authority is self-contained: it is given an environment, its scenario and its random streams,
so several can share one environment. It composes two parts and runs the council's own steps:

- ``cases`` (``CaseFlow``, ``caseflow.py``): the referrals, the case book, caseload limits;
- ``posts`` (``Posts``, ``posts.py``): the establishment and who holds or covers each post; its
  primitives (``hire``, ``leave``, ``move``, ``start_agency``, ``end_agency``, ``convert``) keep
  posts, the roster (``roster.py``, the one record of each worker) and the case book consistent;
- the council itself: its rates (scenario, market, policies, sickness absence), its policies'
  monthly steps, the turnover and absence processes, and what the region's market sees.

Each process module names the part it uses as a protocol and never imports this module:
``recruitment`` (``HiringCouncil``) and ``workforce`` (``StaffingCouncil``) run on the posts;
``turnover`` (``LeavingCouncil``), ``people`` (``AbsentCouncil``) and the region's ``market``
(``MemberCouncil``) on the council. The policies' view of it (``context.AuthorityContext``) is
made by whoever builds it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.columns import (
    POLICY_COST,
)
from sim.model.allocation import CaseBook
from sim.model.caseflow import CaseFlow
from sim.model.clock import (
    MONTH_DAYS,
    OFFSET_ABSENCE,
    OFFSET_CONVERSIONS,
    OFFSET_ESTABLISHMENT,
    OFFSET_LEAVERS,
    OFFSET_POLICY_START,
    OFFSET_POLICY_TICK,
    OFFSET_PROMOTIONS,
    Clock,
)
from sim.model.people import absence_watch
from sim.model.posts import Posts
from sim.model.rates import Rates
from sim.model.recruitment import (
    agency_beyond_vacancies,
    conversions,
    overflow_agency,
)
from sim.model.roster import Post, Roster, SocialWorker
from sim.model.series import factor
from sim.model.streams import Streams
from sim.model.turnover import leavers, pressure_watch
from sim.model.workforce import (
    follow_establishment,
    promotions,
    review_establishment,
)
from sim.policy import Context, Policy, get_policy
from sim.scenario import LEVELS, Scenario

if TYPE_CHECKING:
    from sim.model.market import Applicant, LabourMarket


def _after(env: simpy.Environment, delay: float, process):
    """Run ``process`` after ``delay`` days."""
    yield env.timeout(delay)
    return (yield env.process(process))


class Authority:
    """One local authority: posts, social workers, cases, and the processes that move them."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        streams: Streams,
        clock: Clock,
        context: Callable[[Authority], Context],
        regional_policies: Sequence[Policy] = (),
        name: str = "",
    ):
        """``context``: makes what the policies see of the council (``AuthorityContext``);
        ``regional_policies``: the region's own policies this council adopts (made once by
        the region, after the council's own in the order of hooks)."""
        self.env = env
        self.name = name or scenario.name
        self.scenario = scenario
        self.streams = streams
        self.clock = clock
        self.levels = scenario.workforce.levels.ordered()
        self.policies = [
            self._make_policy(spec, [s.name for s in scenario.policy[:i]].count(spec.name))
            for i, spec in enumerate(scenario.policy)
            if get_policy(spec.name).scope == "council"
        ] + list(regional_policies)
        self.active_policies: list = []
        self.context = context(self)  # what the policies see
        # share of working days lost to sickness absence this month (see people.absence_watch)
        self.absence = scenario.absence.base_rate if scenario.absence.enabled else 0.0
        self.scenario_rates = Rates.from_scenario(scenario)  # before the market, policies, absence
        self.rates = self.scenario_rates.copy()
        self.rates.capacity_factor *= 1.0 - self.absence
        self.calendar = clock.calendar(scenario.start.year)
        # with ``start.hold_staff`` nobody joins, leaves or moves before reporting starts
        self.hold_until = clock.report_start_day if scenario.start.hold_staff else 0.0
        establishment = sum(lv.establishment for lv in self.levels)
        growth = scenario.posts_growth()
        self.max_workers = 2 * math.ceil(establishment * growth) + 64
        self.cases = CaseFlow(scenario, streams, clock, self.calendar, self.rates, self.max_workers)
        self.teams = self.cases.teams
        self.roster = Roster(self.book)  # every worker, one row each (what the kernel reads)
        self.tally: Counter[str] = Counter()  # events this month, reset by the recorder
        funded = self.scenario_rates.establishment.copy()  # follows open/close_post
        self.posts = Posts(
            self,
            env,
            scenario,
            streams,
            clock,
            self.calendar,
            self.cases,
            self.roster,
            funded,
            self.tally,
        )
        self.establishment = self.posts.establishment
        self.start_posts = self.posts.start_posts  # funded posts at the start, by level and team
        self.flow = self.posts.flow
        self.market: LabourMarket | None = None  # set by the region's market (see market.start)
        self.market_index = 0
        self.outside = scenario.market.labour == "outside"
        self.supplement = 0.0  # market supplement, share of salary
        self.incentive = 0.0  # recruitment incentive, GBP a year (see offer)
        self.market_salary: np.ndarray | None = None  # the region's mean pay (regional market)
        self.others_salary: np.ndarray | None = (
            None  # the other councils' mean pay (regional market)
        )
        posts = self.posts
        posts.staff_at_start()
        env.process(pressure_watch(self))
        for proc in (
            leavers(self, OFFSET_LEAVERS, MONTH_DAYS),
            promotions(posts, OFFSET_PROMOTIONS),
            conversions(posts, OFFSET_CONVERSIONS),
        ):
            self.start_staffing(proc)
        if scenario.absence.enabled:
            env.process(absence_watch(self, OFFSET_ABSENCE))
        if any(t.overflow == "agency" for _, t in self.teams):
            self.start_staffing(overflow_agency(posts, OFFSET_CONVERSIONS + 0.01))
        if scenario.agency.beyond_vacancies > 0:
            self.start_staffing(agency_beyond_vacancies(posts, OFFSET_CONVERSIONS + 0.02))
        if scenario.workforce.establishment_by_year:  # from the start of reporting
            env.process(
                _after(
                    env, clock.report_start_day, follow_establishment(posts, OFFSET_ESTABLISHMENT)
                )
            )
        elif scenario.workforce.establishment == "follows_demand":
            env.process(review_establishment(posts, OFFSET_ESTABLISHMENT))
        for policy in self.policies:
            env.process(self._run_policy(policy))

    # -- processes ---------------------------------------------------------------------------
    def start_staffing(self, process) -> None:
        """Start a process that changes who works here: now, or when reporting starts if the
        warm-up holds the staff (its timing then runs from there)."""
        wait = self.hold_until - self.env.now
        self.env.process(_after(self.env, wait, process) if wait > 0 else process)

    def series_factor(self, affects: str) -> float:
        """The scenario's external series' multiplier of ``affects`` this reporting year."""
        return factor(self.scenario.series, affects, self.calendar, self.env.now)

    def _make_policy(self, spec, occurrence: int):
        """The policy of ``spec``, with its own stream (keyed by its name and how many policies of
        that name come before it, so adding another policy never shifts its draws)."""
        cls = get_policy(spec.name)
        return cls(
            cls.Params(**spec.params),
            spec.start_month,
            self.streams.for_policy(spec.name, occurrence),
        )

    def _run_policy(self, policy):
        """Start a policy at its month (after warm-up), then tick it monthly and book its cost."""
        month = self.clock.warmup_months + policy.start_month
        if month >= self.clock.n_months:
            return
        yield self.env.timeout(month * MONTH_DAYS + OFFSET_POLICY_START)
        self.active_policies.append(policy)
        self.refresh_rates()
        policy.start(self.context)
        yield self.env.timeout(OFFSET_POLICY_TICK - OFFSET_POLICY_START + MONTH_DAYS - 1.0)
        while True:
            policy.monthly(self.context)
            self.tally[POLICY_COST] += policy.monthly_cost(self.context)
            yield self.env.timeout(MONTH_DAYS)

    def refresh_rates(self) -> None:
        """Recompute the rates from the scenario, the funded posts now, the market, the active
        policies and this month's sickness absence; apply new limits."""
        rates = self.scenario_rates.copy()
        rates.salary = rates.salary * (1.0 + self.supplement)
        if self.market_salary is not None:
            rates.market_salary = self.market_salary
        rates.establishment = self.posts.funded_by_level.copy()
        for policy in self.active_policies:
            policy.adjust(rates)
        rates.capacity_factor *= 1.0 - self.absence
        self.rates = rates
        self.cases.set_limits(rates, self.roster, self.posts.day)

    def set_absence(self, share: float) -> None:
        """This month's share of working days lost to sickness absence (capacity lost with it)."""
        if share != self.absence:
            self.absence = share
            self.refresh_rates()

    @property
    def offer(self) -> np.ndarray:
        """What the council offers a recruit a year by level: salary and any incentive."""
        return self.rates.salary + self.incentive

    @property
    def book(self) -> CaseBook | None:
        """The case book (``CaseFlow.book``)."""
        return self.cases.book

    def mean_caseload(self) -> float:
        """Mean cases per case holder now (0 when nobody holds a case)."""
        return self.cases.mean_caseload()

    def release(self) -> None:
        """Let go of the case arrays and the posts' draws (a finished replication's)."""
        self.cases.book = self.roster.book = None
        self.posts.post_draws = self.posts.people_draws = None

    def ages(self, slots: np.ndarray) -> np.ndarray:
        """The ages (years) now of the workers in ``slots`` (slot numbers, or a mask of slots)."""
        return self.roster.ages(slots, self.env.now)

    # -- the posts' primitives the turnover and the market use (see ``Posts``) -------------------
    def leave(
        self,
        worker: SocialWorker,
        destination: str,
        retired: bool = False,
        pay_driven: bool = False,
        to_region: bool = False,
    ) -> None:
        """A permanent worker leaves (``Posts.leave``)."""
        self.posts.leave(worker, destination, retired, pay_driven, to_region)

    def wants_cover(self, post: Post) -> bool:
        """Whether ``post`` is still vacant, uncovered and part of the establishment."""
        return self.posts.wants_cover(post)

    def start_assignment(self, post: Post) -> SocialWorker:
        """An agency worker starts covering ``post`` until their assignment ends."""
        return self.posts.start_assignment(post)

    def take_applicant(self, person: Applicant) -> None:
        """An applicant from the regional market takes a vacancy at their level."""
        self.posts.take_applicant(person)

    # -- views -------------------------------------------------------------------------------
    def check_conservation(self, full: bool = True) -> None:
        """Raise if workers hired != active + left, cases were lost, or posts and roster
        disagree (``Posts.check_conservation``)."""
        self.posts.check_conservation(full)

    @property
    def workers(self) -> list[SocialWorker]:
        """Everyone ever employed here, in order of hire."""
        return self.roster.workers

    def permanent(self) -> list[SocialWorker]:
        return self.roster.permanent()

    def agency_workers(self) -> list[SocialWorker]:
        return self.roster.agency_workers()

    @property
    def n_active(self) -> int:
        return self.roster.n_active

    def headcount(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(permanent by level, agency by level of the post covered, funded vacancies by level)."""
        permanent, agency, in_funded = self.roster.counts(len(LEVELS))
        vacancies = (self.rates.establishment - in_funded).astype(float)
        return permanent.astype(float), agency.astype(float), vacancies
