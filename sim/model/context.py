"""``AuthorityContext``: what a policy may read and do in an authority (``sim.policy.Context``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generator


if TYPE_CHECKING:
    from sim.model.authority import Authority


class AuthorityContext:
    """The authority as a policy sees it: a few readings and a few actions, nothing else."""

    def __init__(self, auth: "Authority"):
        self._auth = auth

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
        return sum(1 for w in self._auth.temps.values() if w.post is not None and not w.post.funded)

    @property
    def agency_caseload_limit(self) -> float:
        return self._auth.rates.limit(self._auth.agency_level)

    def this_month(self, count: str) -> float:
        return float(self._auth.tally[count])

    def process(self, generator: Generator) -> None:
        self._auth.env.process(generator)

    def timeout(self, days: float) -> Any:
        return self._auth.env.timeout(days)

    def hire(self, level: int, pipeline: str) -> None:
        self._auth.hire_into_level(level, pipeline)

    def hire_extra_agency(self) -> None:
        auth = self._auth
        auth.find_agency(auth.add_unfunded_post(auth.agency_level))

    def refresh_rates(self) -> None:
        self._auth.refresh_rates()
