"""A hard cap on every worker's weighted caseload (Dudley 2018: "no social worker will have
caseload over 21"; Monmouthshire 2017: 20-25 in duty and assessment, lower in complex teams)."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import Field

from sim.policy import Policy, PolicyParams


class CaseloadCapParams(PolicyParams):
    cap: float = Field(
        21.0, ge=1, le=100, description="Most weighted cases any worker may hold (Dudley 2018: 21)."
    )
    when_full: Literal["wait", "agency"] = Field(
        "wait",
        description="When nobody has room: cases wait, or agency workers are hired above "
        "establishment, in the teams whose cases wait, to hold the cap.",
    )
    agency_trigger_cases: int = Field(
        10,
        ge=1,
        le=100_000,
        description="Cases waiting at a month end that trigger extra agency hiring. Assumption.",
    )
    max_extra_agency: int = Field(
        30, ge=0, le=10_000, description="Most extra agency workers held at once. Assumption."
    )


class CaseloadCap(Policy):
    name = "caseload_cap"
    label = "a caseload cap of {cap:g} cases"
    description = (
        "No worker holds more than {cap:g} weighted cases; when nobody has room, cases wait "
        "('wait') or extra agency workers are hired above establishment ('agency')"
    )
    source = "Dudley workforce strategy 2018; Monmouthshire cabinet report 2017"
    Params = CaseloadCapParams

    @classmethod
    def inactive(cls, params: CaseloadCapParams) -> set[str]:
        """When cases wait, nobody is hired: the agency trigger and maximum do nothing."""
        return {"agency_trigger_cases", "max_extra_agency"} if params.when_full == "wait" else set()

    @classmethod
    def describe(cls, params=None) -> str:
        """What the cap does in the mode chosen: cases wait, or agency workers are hired."""
        p = (
            cls.Params.model_validate(dict(params or {}))
            if not isinstance(params, cls.Params)
            else params
        )
        if p.when_full == "wait":
            return (
                f"No worker holds more than {p.cap:g} weighted cases; when nobody has room, "
                "cases wait for a worker (no one is hired to hold the cap)"
            )
        return (
            f"No worker holds more than {p.cap:g} weighted cases; when nobody has room, extra "
            f"agency workers are hired above establishment in the teams whose cases wait, once "
            f"{p.agency_trigger_cases} cases wait at a month end (at most {p.max_extra_agency} at "
            "once)"
        )

    def adjust(self, rates) -> None:
        rates.limit_cap = min(rates.limit_cap, self.params.cap)

    def monthly(self, ctx) -> None:
        if (
            self.params.when_full != "agency"
            or ctx.waiting_cases < self.params.agency_trigger_cases
        ):
            return
        # into the teams whose cases wait, most waiting work first: a worker of another team
        # cannot take them
        room = self.params.max_extra_agency - ctx.extra_agency
        work = ctx.waiting_work()
        for team in np.argsort(-work, kind="stable").tolist():
            if work[team] <= 0 or room <= 0:
                break
            wanted = min(math.ceil(work[team] / ctx.agency_caseload_limit(team)), room)
            for _ in range(wanted):
                ctx.hire_extra_agency(team)
            room -= wanted
