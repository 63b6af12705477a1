"""The "Run a variant" form: a policy's parameters as form fields (from its pydantic ``Params``:
plain name, unit, default and bounds), the values checked by the same model before anything runs,
and a small comparison of the folder's scenarios and one of them with the policy added (an 18 beside
the 21 already there), saved as a normal result set (``sim.api.compare`` and ``sim.api.save``: the
same staging and manifest as the command line)."""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types
from pydantic import ValidationError

from sim.errors import BadInput
from sim.experiment.results import COMPARE, Results, default_out
from sim.experiment.variants import variant
from sim.policy import PolicyParams, registry
from sim.present.explore.folders import explore_root
from sim.present.formats import count
from sim.present.labels import field_words
from sim.scenario import Scenario, format_validation_error

MAX_REPS, MAX_YEARS = 20, 10.0  # a run from the form stays small: a few minutes at most
NUMBER, INTEGER, CHOICE, FLAG, CHOICES = "number", "integer", "choice", "flag", "choices"


@dataclass(frozen=True)
class FormField:
    """One parameter as the form shows it: its kind of input, words, default and bounds (``low``
    and ``high`` inclusive as the input allows; a strict bound is checked by the model)."""

    key: str
    kind: str  # NUMBER, INTEGER, CHOICE, FLAG or CHOICES
    label: str
    unit: str
    help: str
    default: Any
    low: float | None = None
    high: float | None = None
    options: tuple = ()


def _bounds(metadata: list) -> tuple[float | None, float | None]:
    """The lowest and highest value a field declares (``ge``/``gt``, ``le``/``lt``)."""
    low = high = None
    for m in metadata:
        low = m.ge if isinstance(m, annotated_types.Ge) else low
        low = m.gt if isinstance(m, annotated_types.Gt) else low
        high = m.le if isinstance(m, annotated_types.Le) else high
        high = m.lt if isinstance(m, annotated_types.Lt) else high
    return low, high


def _kind(annotation: Any) -> tuple[str, tuple]:
    if annotation is bool:
        return FLAG, ()
    if annotation is int:
        return INTEGER, ()
    if annotation is float:
        return NUMBER, ()
    if typing.get_origin(annotation) is typing.Literal:
        return CHOICE, typing.get_args(annotation)
    if typing.get_origin(annotation) is list:
        (inner,) = typing.get_args(annotation)
        if typing.get_origin(inner) is typing.Literal:
            return CHOICES, typing.get_args(inner)
    raise TypeError(f"no form input for a parameter of type {annotation!r}")


def form_fields(policy: str) -> list[FormField]:
    """Each parameter of ``policy`` as a form field, in its declared order."""
    model = registry()[policy].Params
    out = []
    for key, field in model.model_fields.items():
        kind, options = _kind(field.annotation)
        words = field_words(model, key)
        low, high = _bounds(field.metadata)
        default = field.get_default(call_default_factory=True)
        out.append(
            FormField(
                key, kind, words.name[:1].upper() + words.name[1:], words.unit,
                field.description or "", default, low, high, tuple(options),
            )
        )  # fmt: skip
    return out


def checked(policy: str, values: dict[str, Any]) -> PolicyParams:
    """``values`` as the policy's parameters, or ``BadInput`` with one line per problem (the
    field, the value and what is allowed), as a scenario file's are reported."""
    try:
        return registry()[policy].Params.model_validate(values)
    except ValidationError as err:
        raise BadInput([f"{policy}.{line}" for line in format_validation_error(err)]) from None


def _text(value: Any) -> str:
    """A value as the command line writes it (``POLICY:PARAM=VALUE``, read back as TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value))
    return str(value)


def variant_item(policy: str, params: PolicyParams) -> str:
    """The variant as ``swsim compare`` spells it: ``caseload_cap:cap=18``, only the parameters
    that differ from their defaults (so a run from the form is named as one from the command
    line)."""
    defaults = registry()[policy].Params()
    changed = [
        f"{key}={_text(value)}"
        for key, value in params.model_dump().items()
        if value != getattr(defaults, key)
    ]
    return ":".join([policy, *changed])


def check_size(reps: int, years: float) -> None:
    """Refuse a run from the form beyond ``MAX_REPS`` replications or ``MAX_YEARS`` years."""
    problems = []
    if not 1 <= reps <= MAX_REPS:
        problems.append(f"replications = {reps}: a run from the form has 1 to {MAX_REPS}")
    if not 0 < years <= MAX_YEARS:
        problems.append(f"years = {years:g}: a run from the form has up to {MAX_YEARS:g} years")
    if problems:
        raise BadInput(problems)


def variant_out(results_root: Path, names: list[str]) -> Path:
    """Where a run from the form is written: ``<results>/explore/<baseline>-vs-<variants>``."""
    return explore_root(results_root) / default_out(COMPARE, names).name


def with_variant(results: Results, scenario: str, item: str) -> list[Scenario]:
    """The folder's scenarios (its baseline first), then ``scenario`` with the policy ``item``
    added; ``BadInput`` if that is already one of them."""
    new = variant(results.scenarios[scenario], item)
    if new.name in results.names:
        raise BadInput(
            f"{item} added to {scenario} is {new.name}, already in this folder; change a value"
        )
    return [*(results.scenarios[n] for n in results.names), new]


def run_variant(
    results: Results,
    scenarios: list[Scenario],
    *,
    reps: int,
    years: float,
    results_root: Path,
    workers: int = 1,
    progress: Callable[[str], None] = lambda line: None,
) -> Path:
    """Compare ``scenarios`` (``with_variant``: the folder's and the new one) in one comparison on
    common random numbers with the warm-up and seed the folder ran, ``reps`` replications of
    ``years``; save it under the results folder's ``explore/`` and return the folder."""
    import sim

    check_size(reps, years)
    settings = results.settings
    progress(
        f"running {', '.join(s.name for s in scenarios)}: {count(reps, 'replication')} of "
        f"{years:g} years each, on common random numbers"
    )
    compared = sim.compare(
        scenarios[0],
        *scenarios[1:],
        reps=reps,
        years=years,
        warmup_years=settings.get("warmup_years"),
        seed=settings.get("seed"),
        workers=workers,
    )
    out = variant_out(results_root, compared.names)
    progress(f"saving to {out}")
    return sim.save(compared, out)
