"""Plain names for what a reader sees: parameters (from their pydantic declarations), policies and
scenarios (from the policies' labels), never dotted paths or code names."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sim.columns import LEVEL_WORDS
from sim.policy import Policy, registry
from sim.present.formats import money
from sim.scenario import PolicySpec, Scenario

_SENTENCE_END = re.compile(r"(?<=[a-z0-9)%'\]])\.\s+(?=[A-Z(])")
# the unit a key's name states, for fields that declare none (longest suffix first)
KEY_UNITS = (
    ("_gbp_per_year", "GBP a year"),
    ("_days_per_year", "days a year"),
    ("_gbp", "GBP"),
    ("_months_mean", "months"),
    ("_per_year", "a year"),
    ("_days", "days"),
    ("_weeks", "weeks"),
    ("_months", "months"),
    ("_years", "years"),
)
_CITED = re.compile(r"\s*\(([^()]*(?:\d{4}|:)[^()]*)\)$")  # "(Dudley 2018: 21)" at the end


@dataclass(frozen=True)
class FieldWords:
    """A parameter as a reader sees it: its plain name, unit ("" if undeclared) and the rest of its
    description (the source or the assumption behind it)."""

    name: str
    unit: str
    note: str


def first_sentence(text: str) -> tuple[str, str]:
    """(first sentence without its full stop, the rest)."""
    text = " ".join(text.split())
    parts = _SENTENCE_END.split(text, maxsplit=1)
    return parts[0].rstrip("."), (parts[1] if len(parts) > 1 else "")


def _name_and_note(sentence: str) -> tuple[str, str]:
    """Split a description's first sentence into a name and a note: the note is what follows a
    colon outside brackets ("When nobody has room: cases wait, ..."), or a closing bracket that
    cites a source ("... hold (Dudley 2018: 21)")."""
    depth = 0
    for i, ch in enumerate(sentence):
        depth += (ch == "(") - (ch == ")")
        if ch == ":" and depth == 0 and sentence[i + 1 : i + 2] == " ":
            return sentence[:i], sentence[i + 2 :]
    m = _CITED.search(sentence)
    if m:
        return sentence[: m.start()], m.group(1)
    return sentence, ""


def field_words(model: type[BaseModel], key: str) -> FieldWords:
    """A field's plain name from ``Field(title=...)`` and unit from ``json_schema_extra["unit"]``;
    without a title, the first sentence of its description names it, and without a unit, the end
    of the key's name may (``_gbp``, ``_days``, ``_per_year``, ...)."""
    field = model.model_fields[key]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    unit = str(extra.get("unit", "")) or next((u for end, u in KEY_UNITS if key.endswith(end)), "")
    first, rest = first_sentence(field.description or "")
    if field.title:
        return FieldWords(field.title, unit, " ".join(filter(None, [first, rest])))
    name, note = _name_and_note(first)
    return FieldWords(name or key.replace("_", " "), unit, " ".join(filter(None, [note, rest])))


def value_words(value: Any, unit: str = "") -> str:
    """A parameter value with its unit: 1.1, 21 days, £20,000 a year, yes, 1.3, 1, 0.7."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_words(v) for v in value) + (f" {unit}" if unit else "")
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {value_words(v)}" for k, v in value.items())
    if isinstance(value, (int, float)):
        if unit.startswith(("GBP", "£")):
            return money(value) + unit.removeprefix("GBP").removeprefix("£")
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"
        return f"{text} {unit}".strip()
    return LEVEL_WORDS.get(str(value), str(value)) + (f" {unit}" if unit else "")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _model_at(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(the pydantic model a field holds, whether it is held in a dict keyed by name)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    for arg in typing.get_args(annotation):
        model, _ = _model_at(arg)
        if model is not None:
            return model, typing.get_origin(annotation) is dict
    return None, False


def path_words(path: str) -> FieldWords:
    """A dotted parameter path (``turnover.pressure_threshold``, ``workforce.levels.l3.leave_rate``,
    ``policy.caseload_cap.cap``) in plain words."""
    parts = path.split(".")
    if parts[0] == "policy" and len(parts) == 3 and parts[1] in registry():
        cls = registry()[parts[1]]
        words = field_words(cls.Params, parts[2]) if parts[2] in cls.Params.model_fields else None
        if words is not None:
            return FieldWords(
                f"{cls.name.replace('_', ' ')}: {lower_first(words.name)}", words.unit, words.note
            )
    model: type[BaseModel] | None = Scenario
    keyed, where = False, []
    for i, key in enumerate(parts):
        if model is None:
            break
        if keyed:
            where.append(LEVEL_WORDS.get(key, key.replace("_", " ")))
            keyed = False
            continue
        if key not in model.model_fields:
            break
        if key in LEVEL_WORDS:
            where.append(LEVEL_WORDS[key])
        if i == len(parts) - 1:
            words = field_words(model, key)
            suffix = f" ({', '.join(where)})" if where else ""
            return FieldWords(words.name + suffix, words.unit, words.note)
        model, keyed = _model_at(model.model_fields[key].annotation)
    return FieldWords(parts[-1].replace("_", " "), "", "")


# -- policies and scenarios ------------------------------------------------------------------------
def policy_label(spec: PolicySpec) -> str:
    """A policy with its parameter values in plain words: its label, then any other parameter that
    differs from its default, the councils that adopt it if not all, then its start if not at once."""
    cls: type[Policy] | None = registry().get(spec.name)
    if cls is None:
        return spec.name.replace("_", " ")
    text = cls.label_for(spec.params)
    shown = cls.label_fields()
    extras = []
    for key, info in cls.parameters().items():
        value = spec.params.get(key, info["default"])
        if key not in shown and value != info["default"]:
            words = field_words(cls.Params, key)
            extras.append(f"{lower_first(words.name)}: {value_words(value, words.unit)}")
    if extras:
        text += f" ({'; '.join(extras)})"
    if spec.authorities:
        text += f" in {and_list(spec.authorities)}"
    if spec.start_month:
        text += f", from month {spec.start_month} after the warm-up"
    return text


def _setting(scenario: Scenario) -> dict:
    return scenario.model_dump(exclude={"name", "description", "policy", "run"})


def scenario_labels(scenarios: dict[str, Scenario], names: list[str]) -> dict[str, str]:
    """Each scenario of a comparison in plain words: the baseline by its name; a variant by the
    policies it adds to the baseline ("a caseload cap of 18 cases"), or by its own name when it
    differs in other ways."""
    base = scenarios[names[0]]
    out = {names[0]: names[0]}
    for name in names[1:]:
        s = scenarios[name]
        added = [policy_label(p) for p in s.policy if p not in base.policy]
        same = _setting(s) == _setting(base) and all(p in s.policy for p in base.policy)
        if same and added:
            out[name] = " and ".join(added)
        else:
            out[name] = name + (f" with {' and '.join(added)}" if added else "")
    seen: dict[str, int] = {}
    for name, label in out.items():
        seen[label] = seen.get(label, 0) + 1
    return {
        name: (f"{label} ({name})" if seen[label] > 1 else label) for name, label in out.items()
    }


def and_list(items: list[str]) -> str:
    """'Dudley', 'Dudley and Solihull', 'Coventry, Dudley and Solihull'."""
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]])) if items else ""


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
