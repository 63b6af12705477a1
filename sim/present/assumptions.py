"""The assumptions that drive a result: scenario and policy parameters documented as assumptions
(no estimate behind them), in plain words with their values and units (and, for a region, the
councils whose values differ)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from sim.experiment.results import Results
from sim.policy import registry
from sim.present.labels import and_list, field_words, policy_label, value_words

SECTIONS = ("turnover", "agency", "children")  # the sections whose assumptions move policy effects
FIRST = ("pressure_hazard_ratio_per_case", "pressure_threshold", "pay_gap_hazard_ratio_per_10pct")
MARK = "ssumption"  # "Assumption" or "assumption" in a field's description


@dataclass(frozen=True)
class Assumption:
    name: str  # plain name, e.g. "Leaving hazard ratio per weighted case of sustained excess load"
    value: str  # with its unit
    note: str  # where it comes from


@dataclass(frozen=True)
class AssumptionGroup:
    title: str  # "The model" or a policy in plain words
    items: list[Assumption]


def _assumed(
    model: BaseModel,
    order: tuple[str, ...] = (),
    councils: dict[str, BaseModel] | None = None,
    inactive: set[str] = frozenset(),
) -> list[Assumption]:
    """``model``'s assumed fields (but the ``inactive`` ones); where a council's value differs
    (``councils``: the same section of each council), its value and council follow the shared
    one."""
    keys = [
        k
        for k, f in type(model).model_fields.items()
        if MARK in (f.description or "") and k not in inactive
    ]
    keys.sort(key=lambda k: order.index(k) if k in order else len(order))
    out = []
    for key in keys:
        words = field_words(type(model), key)
        value = value_words(getattr(model, key), words.unit)
        out.append(
            Assumption(
                words.name, value + _by_council(key, value, words.unit, councils or {}), words.note
            )
        )
    return out


def _by_council(key: str, shared: str, unit: str, councils: dict[str, BaseModel]) -> str:
    """'; 1.3 in Dudley and Solihull' for the councils whose value differs from the shared one."""
    where: dict[str, list[str]] = {}
    for name, section in councils.items():
        value = value_words(getattr(section, key), unit)
        if value != shared:
            where.setdefault(value, []).append(name)
    return "".join(f"; {value} in {and_list(names)}" for value, names in where.items())


def assumptions(results: Results) -> list[AssumptionGroup]:
    """The model's assumptions (those that drive the caseload-pressure and pay effects first, and
    for a region any council's own value), then each policy's, for the policies in the scenarios."""
    base = results.scenarios[results.baseline]
    members = dict(base.members()) if base.is_region else {}
    model = [
        a
        for section in SECTIONS
        for a in _assumed(
            getattr(base, section), FIRST, {n: getattr(m, section) for n, m in members.items()}
        )
    ]
    groups = [AssumptionGroup("The model", model)]
    known, seen = registry(), []
    for scenario in results.scenarios.values():
        for spec in scenario.policy:
            if spec.name in known and spec not in seen:
                seen.append(spec)
                cls = known[spec.name]
                params = cls.Params.model_validate(spec.params)
                items = _assumed(params, inactive=cls.inactive(params))
                if items:
                    groups.append(AssumptionGroup(policy_label(spec), items))
    return groups
