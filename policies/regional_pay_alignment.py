"""A regional memorandum of understanding on pay (FutureSocial 2017: councils that 'outdo the other
in terms of workforce reward'; Warwickshire 2022: staff 'did not stay if they were being [paid]
more money elsewhere'): the councils that join pay one scale and no market supplements, so pay no
longer draws their staff from one to another."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from sim.policy import Policy, PolicyParams
from sim.scenario import MAX_PROGRAMME_GBP


class RegionalPayAlignmentParams(PolicyParams):
    scale: Literal["mean", "highest"] = Field(
        "mean",
        title="scale",
        description="The region's scale at each level, from the joining councils' pay when "
        "the agreement starts (supplements included): their mean weighted by funded posts, or the "
        "highest. Assumption (an agreement at the going rate).",
    )
    uplift: float = Field(
        0.0,
        ge=0,
        le=0.5,
        title="uplift",
        description="The scale's rise over that (0.02 = 2%). Assumption: none.",
    )
    admin_cost_gbp_per_year: float = Field(
        30000.0,
        ge=0,
        le=MAX_PROGRAMME_GBP,
        title="running cost",
        description="The agreement's running cost for the "
        "region (part of a regional workforce lead's time), shared by the joining councils in "
        "proportion to their funded posts. Assumption.",
    )


class RegionalPayAlignment(Policy):
    name = "regional_pay_alignment"
    scope = "region"
    label = "one regional pay scale (the {scale} of the joining councils' pay, +{uplift:pct})"
    description = (
        "The joining councils (default: all) pay one scale from the start month: the "
        "{scale} of their pay by level then, +{uplift:pct}; no market supplements, so no "
        "bidding war between them; {admin_cost_gbp_per_year:gbp} a year shared by funded posts"
    )
    source = (
        "FutureSocial 2017 (West Midlands) regional memorandum of understanding; Warwickshire 2022"
    )
    Params = RegionalPayAlignmentParams

    def __init__(self, params, start_month, rng, adopters=frozenset()):
        super().__init__(params, start_month, rng, adopters)
        self.scale: np.ndarray | None = None
        self.post_share: dict[str, float] = {}

    def start_region(self, region) -> None:
        joining = [ctx for name, ctx in region.councils.items() if name in self.adopters]
        pay = np.array([ctx.rates.salary for ctx in joining])
        posts = np.array([ctx.rates.establishment for ctx in joining], float)
        if self.params.scale == "highest":
            scale = pay.max(axis=0)
        else:
            scale = np.where(
                posts.sum(axis=0) > 0,
                (posts * pay).sum(axis=0) / np.maximum(posts.sum(axis=0), 1.0),
                pay.mean(axis=0),
            )
        self.scale = scale * (1.0 + self.params.uplift)
        self.post_share = region.post_shares(self.adopters)

    def adjust(self, rates) -> None:
        rates.supplement_max = 0.0
        if self.scale is not None:
            rates.salary = self.scale.copy()

    def monthly_cost(self, ctx) -> float:
        return self.params.admin_cost_gbp_per_year / 12.0 * self.post_share.get(ctx.name, 0.0)
