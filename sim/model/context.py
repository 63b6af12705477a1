"""What a policy may read and do: ``AuthorityContext`` in one council (``sim.policy.Context``),
``RegionContext`` in the region (``sim.policy.RegionContext``)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.columns import POLICY_COST
from sim.model.roster import AGENCY

if TYPE_CHECKING:
    from sim.model.authority import Authority
    from sim.model.market import LabourMarket
    from sim.model.roster import SocialWorker


class AuthorityContext:
    """The authority as a policy sees it: a few readings and a few actions, nothing else."""

    def __init__(self, auth: Authority):
        self._auth = auth

    @property
    def name(self) -> str:
        return self._auth.name

    @property
    def now(self) -> float:
        return self._auth.env.now

    @property
    def rates(self) -> Any:
        return self._auth.rates

    @property
    def waiting_cases(self) -> int:
        return self._auth.book.waiting

    @property
    def extra_agency(self) -> int:
        return sum(
            1
            for w in self._auth.roster.temps.values()
            if w.contract == AGENCY and w.post is not None and not w.post.funded
        )

    def waiting_work(self) -> np.ndarray:
        return self._auth.book.waiting_work()

    def agency_caseload_limit(self, team: int = 0) -> float:
        return self._auth.rates.limit(self._auth.posts.agency_level, team)

    def headcount(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._auth.headcount()

    def uncovered_vacancies(self) -> int:
        return sum(
            1
            for p in self._auth.establishment.posts
            if p.funded and p.holder is None and p.agency is None
        )

    def vacancies_covered_by_agency(self) -> int:
        return sum(
            1
            for p in self._auth.establishment.posts
            if p.funded
            and p.holder is None
            and p.agency is not None
            and p.agency.contract == AGENCY
        )

    def this_month(self, count: str) -> float:
        return float(self._auth.tally[count])

    def process(self, generator: Generator) -> None:
        self._auth.env.process(generator)

    def timeout(self, days: float) -> Any:
        return self._auth.env.timeout(days)

    def hire(self, level: int, pipeline: str) -> None:
        self._auth.posts.hire_into_level(level, pipeline)

    def hire_extra_agency(self, team: int = 0) -> None:
        posts = self._auth.posts
        posts.find_agency(posts.add_unfunded_post(posts.agency_level, team))

    def cover_vacancy(
        self, level: int, on_end: Callable[[SocialWorker], None], replace_agency: bool = False
    ) -> SocialWorker | None:
        auth = self._auth
        funded = [p for p in auth.establishment.posts if p.funded and p.holder is None]
        if replace_agency:
            post = next(
                (p for p in funded if p.agency is not None and p.agency.contract == AGENCY), None
            )
            if post is not None:
                auth.posts.end_agency(post.agency)  # the agency worker returns to the pool
        else:
            post = next((p for p in funded if p.agency is None), None)
        return None if post is None else auth.posts.start_cover(post, level, on_end)

    def release_staff(self, level: int, u: float) -> bool:
        auth = self._auth
        roster = auth.roster
        slots = roster.staff_slots()
        slots = slots[roster.level[slots] == level]
        if not slots.size:
            return False
        auth.leave(
            roster.worker_at(int(slots[min(int(u * slots.size), slots.size - 1)])),
            "other_la",
            to_region=True,
        )
        return True

    def end_cover(self, worker: SocialWorker) -> None:
        self._auth.posts.end_cover(worker)

    def offer_incentive(self, gbp_per_year: float) -> None:
        auth = self._auth
        if gbp_per_year != auth.incentive:
            auth.incentive = gbp_per_year
            if auth.market is not None:
                auth.market.update_pay()

    def charge(self, gbp: float) -> None:
        self._auth.tally[POLICY_COST] += gbp

    def refresh_rates(self) -> None:
        self._auth.refresh_rates()


class RegionContext:
    """The region as its policies see it: its councils (each through its own context), its
    labour market's pools, and the clock."""

    def __init__(self, market: LabourMarket, names: list[str]):
        self._market = market
        self.councils: dict[str, AuthorityContext] = {
            name: auth.context for name, auth in zip(names, market.authorities)
        }

    @property
    def now(self) -> float:
        return self._market.authorities[0].env.now

    @property
    def regional_market(self) -> bool:
        return self._market.regional

    def post_shares(self, names, level: int | None = None) -> dict[str, float]:
        posts = {
            n: float(c.rates.establishment.sum() if level is None else c.rates.establishment[level])
            for n, c in self.councils.items()
            if n in names
        }
        total = sum(posts.values())
        return {n: p / total if total else 1.0 / len(posts) for n, p in posts.items()}

    @property
    def agency_available(self) -> int:
        return self._market.agency_idle if self._market.regional else 0

    def take_agency_worker(self) -> bool:
        return self._market.regional and self._market.take_agency_worker()

    def process(self, generator: Generator) -> None:
        self._market.authorities[0].env.process(generator)

    def timeout(self, days: float) -> Any:
        return self._market.authorities[0].env.timeout(days)

    def refresh_rates(self) -> None:
        self._market.refresh_rates()
        self._market.update_pay()  # refreshes every council's rates
