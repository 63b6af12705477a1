"""``Region``: what one replication runs. It owns the SimPy environment, the clock, the random
streams, the labour market and the monthly record, and holds the authorities that share them; a
scenario without councils is a region of one.

Within a day the case flow of every council runs first, in one process (each council's compiled
kernel advances through the days on which no other event happens); then the day's other events
in the order of the clock's offsets. Each month end records one row per council and one for the
region (``recorder.snapshot``), and checks that no person or case was created or lost.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import simpy

from sim.columns import REGION, TIMESERIES
from sim.model.allocation import CaseFlow
from sim.model.authority import Authority
from sim.model.clock import (
    DAYS_PER_YEAR,
    MONTH_DAYS,
    OFFSET_POLICY_START,
    OFFSET_POLICY_TICK,
    OFFSET_RECORD,
    Clock,
)
from sim.model.context import AuthorityContext, RegionContext
from sim.model.market import LabourMarket
from sim.model.recorder import MonthEnd, snapshot, team_snapshot
from sim.model.streams import SINGLE_AUTHORITY, Streams
from sim.model.summary import CaseColumns, columns, subset, summarise, summarise_teams
from sim.policy import Policy, get_policy
from sim.scenario import Scenario

MARKET_STREAMS = "region:market"  # the streams key of the labour market's draws
COLUMNS = [o.name for o in TIMESERIES if o.name != "rep"]


class Region:
    """The authorities of a scenario in one environment, for one replication."""

    def __init__(
        self,
        scenario: Scenario,
        root_seed: int,
        rep: int,
        clock: Clock,
        env: simpy.Environment | None = None,
    ):
        self.env = env or simpy.Environment()
        self.scenario = scenario
        self.clock = clock
        self.rep = rep
        self.names = [name for name, _ in scenario.members()]
        self.team_names = self.names if scenario.is_region else [REGION]  # authority of team rows
        keys = self.names if scenario.is_region else [SINGLE_AUTHORITY]
        market_streams = Streams(root_seed, rep, MARKET_STREAMS)
        self.policies = self._region_policies(market_streams)
        self.authorities = [
            Authority(
                self.env,
                member,
                Streams(root_seed, rep, key),
                clock,
                AuthorityContext,
                [p for p in self.policies if name in p.adopters],
                name,
            )
            for key, (name, member) in zip(keys, scenario.members())
        ]
        self.market = LabourMarket(scenario.market, self.authorities, market_streams)
        self.market.start(self.env)
        self.context = RegionContext(self.market, self.names)  # what the region's policies see
        for policy in self.policies:
            self.env.process(self._run_policy(policy))
        self._check: Callable[[], None] | None = None  # see ``run``
        self.rows: list[dict] = []
        self.team_rows: list[dict] = []  # month-end rows of each council's teams
        self.waits_before = [np.zeros_like(a.book.wait_hist) for a in self.authorities]
        self.env.process(self._case_flow())
        self.env.process(self._record(OFFSET_RECORD))

    def _region_policies(self, streams: Streams) -> list[Policy]:
        """The scenario's region policies, made once for the region (each with its own stream of
        the market's, keyed as a council's policies are) and told which councils adopt them."""
        out = []
        specs = self.scenario.policy
        for i, spec in enumerate(specs):
            cls = get_policy(spec.name)
            if cls.scope != "region":
                continue
            occurrence = [s.name for s in specs[:i]].count(spec.name)
            out.append(
                cls(
                    cls.Params(**spec.params),
                    spec.start_month,
                    streams.for_policy(spec.name, occurrence),
                    frozenset(spec.authorities or self.names),
                )
            )
        return out

    # -- processes -------------------------------------------------------------------------------
    def _run_policy(self, policy: Policy):
        """Start a region policy at its month (after the adopting councils' start), then tick it
        monthly (after theirs)."""
        month = self.clock.warmup_months + policy.start_month
        if month >= self.clock.n_months:
            return
        yield self.env.timeout(month * MONTH_DAYS + OFFSET_POLICY_START)
        self.market.policies.append(policy)
        policy.start_region(self.context)
        self.context.refresh_rates()
        yield self.env.timeout(OFFSET_POLICY_TICK - OFFSET_POLICY_START + MONTH_DAYS - 1.0)
        while True:
            policy.monthly_region(self.context)
            yield self.env.timeout(MONTH_DAYS)

    def _case_flow(self):
        """Daily: episode ends, referrals and allocation in every council (the compiled kernel),
        one call for all councils over the days up to the next event of any other process."""
        books = [auth.book for auth in self.authorities]
        # the step is kept here, not in this process, so that ``release`` can let the arrays go
        self._step = CaseFlow(books).step
        del books
        day = 0
        n_days = self.clock.n_days
        while day < n_days:
            upcoming = self.env.peek()
            last = n_days - 1 if upcoming == float("inf") else int(np.ceil(upcoming)) - 1
            last = min(max(last, day), n_days - 1)
            self._step(day, last)
            day = last + 1
            yield self.env.timeout(day - self.env.now)

    def _record(self, offset: float):
        """Month ends: a row per council and one for the region; then the checks."""
        yield self.env.timeout(MONTH_DAYS - 1.0 + offset)
        several = len(self.authorities) > 1
        for month in range(self.clock.n_months):
            month_end = MonthEnd(month)
            if several:
                for name, auth in zip(self.names, self.authorities):
                    self.rows.append(
                        {"authority": name, **snapshot([auth], month, self.market, month_end)}
                    )
            self.rows.append(
                {"authority": REGION, **snapshot(self.authorities, month, self.market, month_end)}
            )
            reported = month - self.clock.warmup_months
            if self._check is not None:
                self._check()
            for name, auth in zip(self.team_names, self.authorities):
                self.team_rows += [
                    {"authority": name, "month": reported, **row}
                    for row in team_snapshot(auth, month_end)
                ]
            if reported == -1:  # the warm-up's last month: waits from here on are reported
                self.waits_before = [a.book.wait_hist.copy() for a in self.authorities]
            for auth in self.authorities:
                auth.tally.clear()
            self.check_conservation(full=False)
            yield self.env.timeout(MONTH_DAYS)

    def run(self, check: Callable[[], None] | None = None) -> None:
        """Simulate to the last month end; check every conservation law. ``check`` (a memory
        guard) runs before the first event and at every month end, and may raise to stop the run
        (it schedules nothing, so no event moves)."""
        self._check = check
        if check is not None:
            check()
        self.env.run(until=self.clock.n_days)
        self.check_conservation(full=True)

    def check_conservation(self, full: bool) -> None:
        """Raise if a person or a case was created or lost, in a council or in the region."""
        for auth in self.authorities:
            auth.check_conservation(full)
        self.market.check(
            sum(a.flow["joined"] for a in self.authorities),
            sum(a.flow["left"] for a in self.authorities),
        )

    # -- results -----------------------------------------------------------------------------------
    def months(self) -> pd.DataFrame:
        """Monthly rows in the reporting window (month 0 is the first after warm-up): the
        councils' and the region's, in declaration order of the columns."""
        rows = pd.DataFrame(self.rows, columns=COLUMNS)
        return rows[rows["month"] >= 0].reset_index(drop=True)

    def summaries(self, months: pd.DataFrame) -> list[dict[str, float | str]]:
        """Each council's outcomes over the reporting window, then the region's (from the
        region's monthly rows and the cases and workers of every council)."""
        start, end = self.clock.report_start_day, self.clock.n_days
        table = columns(months)
        authority = table["authority"]
        out: list[dict[str, float | str]] = []
        waits = [self.window_waits(k).sum(axis=0) for k in range(len(self.authorities))]
        if len(self.authorities) > 1:
            for name, auth, mine in zip(self.names, self.authorities, waits):
                rows = subset(table, authority == name)
                out.append(
                    {
                        "authority": name,
                        **summarise(
                            rows, auth.book.cases, auth.book.initial, auth.workers, start, end, mine
                        ),
                    }
                )
        cases = CaseColumns([a.book.cases for a in self.authorities])
        initial = np.concatenate([a.book.initial for a in self.authorities])
        workers = [w for a in self.authorities for w in a.workers]
        out.append(
            {
                "authority": REGION,
                **summarise(
                    subset(table, authority == REGION),
                    cases,
                    initial,
                    workers,
                    start,
                    end,
                    np.sum(waits, axis=0),
                ),
            }
        )
        return out

    def window_waits(self, k: int) -> np.ndarray:
        """Council ``k``'s waits for a worker that ended in the reporting window, by team and whole
        day."""
        auth = self.authorities[k]
        return auth.book.wait_hist - self.waits_before[k]

    def team_summaries(self) -> list[dict[str, float | str]]:
        """Each council's teams' outcomes over the reporting window (``sim.columns.TEAM_SUMMARY``)."""
        frame = pd.DataFrame(self.team_rows)
        rows = subset(columns(frame), frame["month"].to_numpy() >= 0)
        years = (self.clock.n_days - self.clock.report_start_day) / DAYS_PER_YEAR
        out: list[dict[str, float | str]] = []
        for i, (name, auth) in enumerate(zip(self.team_names, self.authorities)):
            names = list(auth.book.table.team_names)
            posts = [
                sum(1 for p in auth.establishment.posts if p.funded and p.team == k)
                for k in range(len(names))
            ]
            out += [
                {"authority": name, **row}
                for row in summarise_teams(
                    subset(rows, rows["authority"] == name),
                    self.window_waits(i),
                    posts,
                    names,
                    years,
                )
            ]
        return out

    def release(self) -> None:
        """Let go of the councils' case arrays now (the rest of a finished replication refers to
        itself, workers to posts and processes to the environment, and waits for Python's cycle
        collector: without this a worker process running replication after replication would
        hold several replications' arrays at once)."""
        self._step = None
        for auth in self.authorities:
            auth.release()

    @property
    def case_events(self) -> int:
        return sum(auth.book.events for auth in self.authorities)
