"""A bank of social workers employed by the region and deployed to its councils' vacancies (the
care review's proposal; Warwickshire 2022: a regional bank 'was attempted before and it was an
expensive failure for the local authorities involved'). Its costs are all counted: set-up,
management, a premium over council pay, and pay for the time its workers wait between
deployments; its recruits come partly from the councils' own staff and the region's agency pool."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from sim.policy import Policy, PolicyParams
from sim.scenario import LEVELS, MAX_PROGRAMME_GBP, LevelName


class RegionalBankParams(PolicyParams):
    workers: int = Field(
        30,
        ge=0,
        le=10000,
        title="bank workers",
        description="Bank posts the region funds. Assumption "
        "(about two for each of the 14 West Midlands councils).",
    )
    level: LevelName = Field(
        "l3",
        title="bank workers' level",
        description="The level bank workers practise at (their caseload "
        "limit and pay). Assumption: experienced social workers.",
    )
    pay_premium: float = Field(
        0.10,
        ge=0,
        le=2,
        title="bank pay premium",
        description="Bank pay over council pay at that level (0.10 = 10% more, "
        "on top of on-costs), to attract people to mobile work. Assumption.",
    )
    setup_cost_gbp: float = Field(
        100000.0,
        ge=0,
        le=MAX_PROGRAMME_GBP,
        title="set-up cost",
        description="One-off cost of setting the bank up "
        "(systems, agreements, recruitment campaign), in its first month. Assumption.",
    )
    management_gbp_per_year: float = Field(
        100000.0,
        ge=0,
        le=MAX_PROGRAMME_GBP,
        title="management cost",
        description="Running the bank a year (two coordinators and their on-costs). Assumption.",
    )
    deployment_months: float = Field(
        6.0,
        gt=0,
        le=120,
        title="deployment length",
        description="Mean months a deployment lasts before the worker comes back "
        "to the bank (ended sooner when the post is filled). Assumption (agency assignments: the "
        "scenario's `agency.assignment_months_mean`).",
    )
    recruit_months: float = Field(
        2.0,
        gt=0,
        le=120,
        title="time to recruit",
        description="Mean months to fill a vacant bank post. Assumption.",
    )
    leave_rate: float = Field(
        0.2,
        ge=0,
        le=5,
        title="bank turnover",
        description="Leavers a year per bank worker (deployed or waiting). "
        "Assumption (near agency turnover).",
    )
    from_councils_share: float = Field(
        0.5,
        ge=0,
        le=1,
        title="recruits from the councils' staff",
        description="Share of bank recruits who leave a permanent post at that "
        "level in an adopting council (drawn by the bank's pay premium). Assumption.",
    )
    from_agency_share: float = Field(
        0.3,
        ge=0,
        le=1,
        title="recruits from the agency pool",
        description="Share of bank recruits from the region's agency pool (with an "
        "outside market: from outside). Assumption; the rest come from outside the region (new "
        "supply).",
    )
    deploy_to: Literal["uncovered", "agency", "both"] = Field(
        "both",
        title="deployed to",
        description="Where bank workers go: 'uncovered' vacancies (extra cover), in place "
        "of 'agency' workers covering vacancies (who go back to the pool), or 'both' (uncovered "
        "first).",
    )

    @model_validator(mode="after")
    def _shares(self) -> RegionalBankParams:
        if self.from_councils_share + self.from_agency_share > 1:
            raise ValueError(
                "from_councils_share + from_agency_share must be at most 1 (the rest "
                "come from outside the region)"
            )
        return self


class RegionalBank(Policy):
    name = "regional_bank"
    scope = "region"
    label = "a regional bank of {workers} social workers"
    description = (
        "The region employs {workers} social workers at {level:level}, paid {pay_premium:pct} over "
        "council pay, and deploys them to the adopting councils' vacancies (to '{deploy_to}': "
        "'uncovered' ones, in place of 'agency' workers, or 'both', uncovered first) for "
        "{deployment_months:g} "
        "months on average; set-up {setup_cost_gbp:gbp}, management "
        "{management_gbp_per_year:gbp} a year; waiting time between deployments is paid. "
        "Recruits: {from_councils_share:pct} from the councils' own staff, "
        "{from_agency_share:pct} from the agency pool, the rest from outside"
    )
    source = "Warwickshire 2022 (an earlier regional bank 'was an expensive failure'); care review"
    Params = RegionalBankParams

    def __init__(self, params, start_month, rng, adopters=frozenset()):
        super().__init__(params, start_month, rng, adopters)
        self.level = LEVELS.index(params.level)
        self.idle = 0  # bank workers waiting for a deployment
        self.deployed: dict[
            int, tuple[object, str]
        ] = {}  # id of a deployed worker -> (worker, council)
        self.leaving: set[int] = set()  # deployed workers whose cover ends as they leave
        self.worker_cost = 0.0  # GBP a year of one bank worker
        self.post_share: dict[str, float] = {}
        self.set_up: set[str] = set()  # councils charged their share of the set-up

    @property
    def staff(self) -> int:
        return self.idle + len(self.deployed)

    def start_region(self, region) -> None:
        members = {n: c for n, c in region.councils.items() if n in self.adopters}
        self.post_share = region.post_shares(self.adopters)
        self.worker_cost = float(
            np.mean([c.rates.permanent_cost[self.level] for c in members.values()])
        ) * (1.0 + self.params.pay_premium)

    def monthly_region(self, region) -> None:
        p = self.params
        members = {n: c for n, c in region.councils.items() if n in self.adopters}
        # leavers and the ends of deployments (a worker who leaves while deployed ends the cover)
        leave = -math.expm1(-p.leave_rate / 12.0)
        back = -math.expm1(-1.0 / p.deployment_months)
        gone_idle = int(self.rng.binomial(self.idle, leave)) if self.idle else 0
        self.idle -= gone_idle
        for key, (worker, council) in list(self.deployed.items()):  # in order of deployment
            u = self.rng.random()
            if u < leave:
                self.leaving.add(key)
                members[council].end_cover(worker)
            elif u < leave + back * (1.0 - leave):
                members[council].end_cover(worker)
        # recruitment to the bank's vacant posts
        vacant = max(p.workers - self.staff, 0)
        for _ in range(
            int(self.rng.binomial(vacant, -math.expm1(-1.0 / p.recruit_months))) if vacant else 0
        ):
            u, v = self.rng.random(2)
            if u < p.from_councils_share:
                staff = np.array([c.headcount()[0][self.level] for c in members.values()])
                if staff.sum() <= 0:
                    continue  # nobody at that level to recruit
                council = list(members)[
                    int(np.searchsorted(np.cumsum(staff), v * staff.sum(), side="right"))
                ]
                members[council].release_staff(self.level, v)
            elif u < p.from_councils_share + p.from_agency_share:
                if region.regional_market and not region.take_agency_worker():
                    continue  # the pool is empty this month
            self.idle += 1
        # deployment: to the councils with uncovered vacancies, more to those with more
        if p.deploy_to != "agency":
            self._deploy(members, replace=False)
        if p.deploy_to != "uncovered":
            self._deploy(members, replace=True)

    def _deploy(self, members: dict, replace: bool) -> None:
        while self.idle > 0:
            open_ = np.array(
                [
                    c.vacancies_covered_by_agency() if replace else c.uncovered_vacancies()
                    for c in members.values()
                ],
                float,
            )
            if open_.sum() <= 0:
                return
            name = list(members)[int(self.rng.choice(len(open_), p=open_ / open_.sum()))]
            worker = members[name].cover_vacancy(self.level, self._returned, replace_agency=replace)
            if worker is None:
                return
            self.idle -= 1
            self.deployed[id(worker)] = (worker, name)

    def _returned(self, worker) -> None:
        """A deployment ended (post filled, recalled, or the worker leaving the bank)."""
        key = id(worker)
        self.deployed.pop(key, None)
        if key in self.leaving:
            self.leaving.discard(key)
        else:
            self.idle += 1

    def monthly_cost(self, ctx) -> float:
        p = self.params
        share = self.post_share.get(ctx.name, 0.0)
        mine = sum(1 for _, name in self.deployed.values() if name == ctx.name)
        cost = (
            mine + self.idle * share
        ) * self.worker_cost / 12.0 + p.management_gbp_per_year / 12.0 * share
        if ctx.name not in self.set_up:
            self.set_up.add(ctx.name)
            cost += p.setup_cost_gbp * share
        return cost
