"""``LabourMarket``: the region's pools of applicants and of agency social workers, and the rules
that move people between councils (``market.labour = "regional"``).

- Applicants, by level: newly qualified social workers (a yearly supply with its month profile),
  experienced applicants from outside the councils (returners, people moving into the region) and
  leavers who move to another council in the region. Every week each applicant, in random order,
  takes one of the open vacancies at their level, choosing a council by multinomial logit:

      U(council) = log(vacancies) + appeal + choice_pay_coef * 10 * (pay / mean pay - 1)
                   - choice_caseload_coef * (mean caseload - regional mean caseload)

  (a mover never goes back to the council they left). An applicant who finds nothing leaves the
  region after ``applicant_patience_months`` on average.
- Agency workers: one regional pool. Leavers into agency work and an outside inflow join it;
  workers without an assignment leave it at ``agency_exit_rate``; an assignment that ends returns
  its worker to it. A council that wants agency cover asks the pool; when the pool is empty the
  request waits (the agency shortfall), first come first served across the region.
- Leavers' destinations: the DfE shares, tilted by how much more the region's other councils pay
  (toward other councils) and by the leaver's caseload pressure (toward other councils and agency).
- Market supplements (``market.supplement``): each month a council whose vacancy rate is above the
  threshold raises its pay by a step, up to the maximum; below it the supplement falls back.
- The region's policies adjust the market's rates (``MarketRates``: how much of the agency supply
  stays) and what councils offer recruits (salary plus any incentive, ``Authority.offer``), which
  is the pay applicants and movers compare.

Every person is accounted for (see ``check``): people in the region = everyone who joined it
minus everyone who left, and every move out of one council is a move into another, an applicant
still looking, or a departure from the region.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import simpy

from sim.columns import MOVES_OUT, MOVES_PAY_DRIVEN
from sim.model.clock import MONTH_DAYS, OFFSET_MARKET
from sim.model.rates import Rates
from sim.model.roster import Establishment, Post, SocialWorker
from sim.model.workforce import ASYE
from sim.scenario import EXPERIENCED, LEVELS, Market, Scenario

if TYPE_CHECKING:
    from sim.model.streams import Streams

WEEK_DAYS = 7.0
MARKET_OFFSET = 0.45  # weekly matching, after the day's case flow and before monthly events


class MemberCouncil(Protocol):
    """A council as the region's labour market sees it (``Authority`` is one)."""

    env: simpy.Environment
    scenario: Scenario
    rates: Rates
    establishment: Establishment
    tally: Counter[str]
    market: LabourMarket | None  # set by ``LabourMarket.start``
    market_index: int
    supplement: float  # market supplement, share of salary
    market_salary: np.ndarray | None  # the region's mean pay
    others_salary: np.ndarray | None  # the other councils' mean pay
    n_active: int

    @property
    def offer(self) -> np.ndarray: ...
    def series_factor(self, affects: str) -> float: ...
    def start_staffing(self, process: Generator) -> None: ...
    def headcount(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
    def mean_caseload(self) -> float: ...
    def refresh_rates(self) -> None: ...
    def wants_cover(self, post: Post) -> bool: ...
    def start_assignment(self, post: Post) -> SocialWorker: ...
    def take_applicant(self, person: Applicant) -> None: ...


@dataclass
class MarketRates:
    """The region's market rates in force: the scenario's, as the region's policies adjust them
    (``Policy.adjust_market``)."""

    agency_inflow_per_year: float  # agency workers joining the pool from outside the region
    agency_exit_rate: float  # a year, of an agency worker without an assignment
    agency_supply: float = 1.0  # share of the agency supply that stays: the regional pool's
    # inflow is multiplied and its idle workers' exit rate divided by it, and a leaver into agency
    # work joins it with this chance (else works in another region); with an outside market, each
    # council's chance that a vacancy finds agency cover is multiplied by it

    @classmethod
    def from_market(cls, market: Market) -> MarketRates:
        return cls(market.agency_inflow_per_year, market.agency_exit_rate)


@dataclass(eq=False)
class Applicant:
    """Someone looking for a permanent post at ``level`` in the region."""

    level: int
    pipeline: str  # newly_qualified, experienced or moved
    since: float  # day they started looking
    patience: float  # days they will look before leaving the region
    origin: int = -1  # the council a mover left (-1: from outside the councils)
    level_since: float = 0.0  # a mover keeps their time in level (for promotion)
    born: float = 0.0  # ... and their age (day of birth)


class LabourMarket:
    """The regional pools and the rules that fill vacancies and agency assignments."""

    def __init__(self, market: Market, authorities: list[MemberCouncil], streams: Streams):
        self.market = market
        self.authorities = authorities
        self.streams = streams
        self.applicants: list[Applicant] = []
        self.agency_idle = 0
        self.requests: list[tuple[MemberCouncil, Post]] = []  # agency cover wanted, not yet found
        self.ledger: Counter[str] = Counter()  # joined, left the region; moves out and in
        posts = np.array([a.rates.establishment.sum() for a in authorities], float)
        self.weights = posts / posts.sum()  # councils weighted by funded posts
        self.supplement = np.zeros(len(authorities))
        self.rates = MarketRates.from_market(market)
        self.policies: list = []  # the region's policies in force (they adjust ``rates``)

    def refresh_rates(self) -> None:
        """Recompute the market rates from the scenario and the region's policies in force."""
        rates = MarketRates.from_market(self.market)
        for policy in self.policies:
            policy.adjust_market(rates)
        self.rates = rates

    @property
    def regional(self) -> bool:
        return self.market.labour == "regional"

    # -- arrivals and departures ------------------------------------------------------------
    def start(self, env) -> None:
        """Start the market's processes (regional market only) and stock its agency pool."""
        for i, auth in enumerate(self.authorities):
            auth.market, auth.market_index = self, i
        self.update_pay()
        if not self.regional:
            return
        self.agency_idle = self.market.agency_pool_start
        self.ledger["joined"] += self.agency_idle
        first = self.authorities[0]  # the councils share the clock: hold as they do
        first.start_staffing(self._weekly(env))
        first.start_staffing(self._monthly(env))

    def _new(
        self,
        level: int,
        pipeline: str,
        now: float,
        origin: int = -1,
        level_since: float | None = None,
        born: float = 0.0,
    ) -> None:
        patience = self.streams["applicants"].exponential(
            self.market.applicant_patience_months * MONTH_DAYS
        )
        self.applicants.append(
            Applicant(
                level,
                pipeline,
                now,
                patience,
                origin,
                now if level_since is None else level_since,
                born,
            )
        )
        if origin < 0:
            self.ledger["joined"] += 1

    def _monthly(self, env):
        """Monthly: new applicants and agency workers arrive; idle agency workers leave; pay
        supplements move with vacancy rates."""
        m = self.market
        arrivals, pool = self.streams["applicants"], self.streams["agency_pool"]
        month = int(round(env.now / MONTH_DAYS))  # of the run: the newly qualified's season
        yield env.timeout(OFFSET_MARKET)
        while True:
            now = env.now
            more = self.authorities[0].series_factor("applicants")
            for _ in range(
                arrivals.poisson(
                    m.newly_qualified_per_year * more * m.newly_qualified_month_shares[month % 12]
                )
            ):
                self._new(ASYE, "newly_qualified", now)
            for name in EXPERIENCED:  # a fixed order, whatever the order in the file
                for _ in range(
                    arrivals.poisson(m.experienced_per_year.get(name, 0.0) * more / 12.0)
                ):
                    self._new(LEVELS.index(name), "experienced", now)
            r = self.rates
            arrived = int(pool.poisson(r.agency_inflow_per_year * r.agency_supply / 12.0))
            exit_rate = r.agency_exit_rate / max(r.agency_supply, 1e-9)
            gone = int(pool.binomial(self.agency_idle, -np.expm1(-exit_rate / 12.0)))
            self.agency_idle += arrived - gone
            self.ledger["joined"] += arrived
            self.ledger["left"] += gone
            if m.supplement:
                self._supplements()
            else:
                self.update_pay()  # policies may have changed a council's pay
            month += 1
            yield env.timeout(MONTH_DAYS)

    def _supplements(self) -> None:
        m = self.market
        step = m.supplement_step_per_year / 12.0
        for i, auth in enumerate(self.authorities):
            perm, _, vac = auth.headcount()
            rate = vac.sum() / max(vac.sum() + perm.sum(), 1.0)
            up = rate > m.supplement_vacancy_threshold
            most = auth.rates.supplement_max  # a policy may forbid supplements
            self.supplement[i] = (
                min(most, self.supplement[i] + step)
                if up
                else min(most, max(0.0, self.supplement[i] - step))
            )
        self.update_pay()

    def update_pay(self) -> None:
        """Each council's pay with its supplement; then (regional market) the region's mean pay
        offered by level (salary and recruitment incentives, ``Authority.offer``), weighted by
        funded posts at the level (what a council's pay is compared with in the leaving hazard and
        in applicants' choice), and the mean of the other councils' offers (what a leaver weighs
        in moving)."""
        for auth, s in zip(self.authorities, self.supplement):
            auth.supplement = float(s)
            auth.refresh_rates()
        if not self.regional:
            return
        salary = np.array([a.offer for a in self.authorities])  # council x level
        posts = np.array([a.rates.establishment for a in self.authorities], float)
        total, count = (posts * salary).sum(axis=0), posts.sum(axis=0)
        plain = salary.mean(axis=0)  # a level without posts anywhere
        mean = np.where(count > 0, total / np.maximum(count, 1.0), plain)
        others_count = count - posts
        others = np.where(
            others_count > 0, (total - posts * salary) / np.maximum(others_count, 1.0), mean
        )
        for i, auth in enumerate(self.authorities):
            auth.market_salary = mean
            auth.others_salary = others[i]
            auth.refresh_rates()

    # -- the weekly match ------------------------------------------------------------------------
    def _weekly(self, env):
        yield env.timeout(WEEK_DAYS - 1.0 + MARKET_OFFSET)
        while True:
            self.match(env.now)
            yield env.timeout(WEEK_DAYS)

    def match(self, now: float) -> None:
        """Applicants take vacancies; agency workers take waiting requests, first come first
        served; the impatient leave."""
        if self.applicants:
            self._place_applicants(now)
        while self.requests and self.agency_idle > 0:
            auth, post = self.requests.pop(0)
            post.requested = False
            if auth.wants_cover(post):
                self.agency_idle -= 1
                auth.start_assignment(post)
        waiting = []
        for auth, post in self.requests:
            if auth.wants_cover(post):
                waiting.append((auth, post))
            else:
                post.requested = False
        self.requests = waiting

    def _place_applicants(self, now: float) -> None:
        m = self.market
        auths = self.authorities
        rng = self.streams["choices"]
        vacancies = np.array([a.headcount()[2] for a in auths])  # council x level
        salary = np.array([a.offer for a in auths])
        pay = 10.0 * (salary / auths[0].market_salary - 1.0)
        load = np.array([a.mean_caseload() for a in auths])
        appeal = np.array([a.scenario.employer.appeal for a in auths])
        fixed = appeal - m.choice_caseload_coef * (load - self.weights @ load)
        staying = []
        for k in rng.permutation(len(self.applicants)):
            person = self.applicants[k]
            open_ = vacancies[:, person.level] > 0
            if person.origin >= 0:
                open_[person.origin] = False
            if not open_.any():
                if now - person.since < person.patience:
                    staying.append(person)
                else:
                    self.ledger["left"] += 1
                    self.ledger["movers_left"] += person.origin >= 0
                continue
            u = np.where(
                open_,
                np.log(np.maximum(vacancies[:, person.level], 1.0))
                + fixed
                + m.choice_pay_coef * pay[:, person.level],
                -np.inf,
            )
            cum = np.cumsum(np.exp(u - u.max()))
            i = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
            vacancies[i, person.level] -= 1
            auths[i].take_applicant(person)
            if person.origin >= 0:
                self.ledger["moves_in"] += 1
        self.applicants = staying

    # -- what councils ask of the market ---------------------------------------------------------
    def request_agency(self, auth: MemberCouncil, post: Post) -> None:
        """A council wants agency cover for ``post``: from the pool now, or when one is free."""
        if self.agency_idle > 0 and not self.requests:  # else the earlier requests come first
            self.agency_idle -= 1
            auth.start_assignment(post)
        elif not post.funded:  # an assignment above establishment: not found, not kept waiting
            auth.establishment.remove(post)
        elif not post.requested:
            post.requested = True
            self.requests.append((auth, post))

    def take_agency_worker(self) -> bool:
        """An agency worker without an assignment leaves the pool for other work in the region
        (a region's bank recruiting); False if the pool is empty."""
        if self.agency_idle <= 0:
            return False
        self.agency_idle -= 1
        self.ledger["left"] += 1
        return True

    def agency_returns(self) -> None:
        """An assignment ended: the worker is available again."""
        self.agency_idle += 1

    def leaver(
        self, auth: MemberCouncil, worker, destination: str, pay_driven: bool = False
    ) -> bool:
        """A permanent leaver's next step; False if they leave the region. A leaver to another
        council who looks in the region is a move out (``pay_driven``: one only for pay)."""
        if destination == "agency":  # into the region's pool, unless its supply is cut
            supply = self.rates.agency_supply
            if supply < 1.0 and self.streams["agency_leavers"].random() >= supply:
                return False
            self.agency_idle += 1
            return True
        if (
            destination == "other_la"
            and len(self.authorities) > 1
            and self.streams["movers"].random() < self.market.movers_in_region
        ):
            self.ledger["moves_out"] += 1
            auth.tally[MOVES_OUT] += 1
            auth.tally[MOVES_PAY_DRIVEN] += pay_driven
            self._new(
                worker.level,
                "moved",
                auth.env.now,
                auth.market_index,
                worker.level_since,
                worker.born,
            )
            return True
        return False

    def destination_weights(
        self,
        auth: MemberCouncil,
        level: np.ndarray,
        pressure: np.ndarray,
        base: np.ndarray,
        pay: bool = True,
    ) -> np.ndarray:
        """Leavers' destination weights (profession, other_la, agency order of ``base``), one row
        per leaver: the DfE shares tilted by pay elsewhere (unless not ``pay``) and by caseload
        pressure."""
        m = self.market
        gap = 10.0 * (auth.others_salary[level] / auth.rates.salary[level] - 1.0) if pay else 0.0
        move = np.exp(m.move_pay_coef * gap + m.move_pressure_coef * pressure)
        agency = np.exp(m.move_pressure_coef * pressure)
        tilt = np.empty((move.size, 3))
        tilt[:, 0], tilt[:, 1], tilt[:, 2] = 1.0, move, agency
        return base * tilt

    # -- accounting --------------------------------------------------------------------------
    def unmet(self, auths: list[MemberCouncil]) -> int:
        """Requests of ``auths`` for agency cover still wanted and not yet found."""
        return sum(1 for a, post in self.requests if a in auths and a.wants_cover(post))

    def people(self) -> int:
        """Everyone in the region's councils and pools now."""
        return sum(a.n_active for a in self.authorities) + self.agency_idle + len(self.applicants)

    def check(self, joined_councils: int, left_councils: int) -> None:
        """Raise unless people in the region = joined - left, and every move between councils
        arrived, is still looking, or left the region."""
        joined = self.ledger["joined"] + joined_councils
        left = self.ledger["left"] + left_councils
        if self.people() != joined - left:
            raise RuntimeError(
                f"region: {self.people()} people, but {joined} joined and {left} left"
            )
        looking = sum(1 for p in self.applicants if p.origin >= 0)
        if (
            self.ledger["moves_out"]
            != self.ledger["moves_in"] + looking + self.ledger["movers_left"]
        ):
            raise RuntimeError(
                f"region: {self.ledger['moves_out']} moved out of a council, but "
                f"{self.ledger['moves_in']} moved in, {looking} are looking and "
                f"{self.ledger['movers_left']} left the region"
            )
