"""A hard cap on every worker's weighted caseload (Dudley 2018: "no social worker will have
caseload over 21"; Monmouthshire 2017: 20-25 in duty and assessment, lower in complex teams)."""
from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from sim.model.recruitment import assignment

from sim.policy import Policy, PolicyParams


class CaseloadCapParams(PolicyParams):
    cap: float = Field(21.0, ge=1, le=100,
                       description="Most weighted cases any worker may hold (Dudley 2018: 21).")
    when_full: Literal["wait", "agency"] = Field(
        "wait", description="When nobody has room: cases wait, or agency workers are hired above "
        "establishment to hold the cap.")
    agency_trigger_cases: int = Field(
        10, ge=1, le=100_000, description="Cases waiting at a month end that trigger extra agency hiring. Assumption.")
    max_extra_agency: int = Field(
        30, ge=0, le=10_000, description="Most extra agency workers held at once. Assumption.")


class CaseloadCap(Policy):
    name = "caseload_cap"
    label = "a caseload cap of {cap:g} cases"
    description = ("No worker holds more than {cap:g} weighted cases; when nobody has room: "
                   "\"{when_full}\" (wait: cases queue for a worker; agency: once "
                   "{agency_trigger_cases} cases wait at a month end, extra agency workers are hired "
                   "above establishment, at most {max_extra_agency} at once)")
    source = "Dudley workforce strategy 2018; Monmouthshire cabinet report 2017"
    Params = CaseloadCapParams

    def __init__(self, params, start_month, rng):
        super().__init__(params, start_month, rng)
        self.extra = []  # agency workers hired by this policy

    def adjust(self, rates) -> None:
        rates.limit_cap = min(rates.limit_cap, self.params.cap)

    def monthly(self, auth) -> None:
        if self.params.when_full != "agency":
            return
        self.extra = [w for w in self.extra if w.left_day is None and w.contract == "agency"]
        waiting = auth.book.waiting
        if waiting < self.params.agency_trigger_cases:
            return
        wanted = math.ceil(waiting / auth.rates.limit(auth.agency_level))
        for _ in range(min(wanted, self.params.max_extra_agency - len(self.extra))):
            post = auth.add_unfunded_post(auth.agency_level)
            worker = auth.start_agency(post)
            auth.env.process(assignment(auth, worker))
            self.extra.append(worker)
