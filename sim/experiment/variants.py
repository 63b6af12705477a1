"""Scenarios by name: a scenario file, a built-in scenario, or a policy (with parameters) added to
a baseline, as ``swsim compare baseline caseload_cap:cap=18`` and ``sim.compare`` take them.
Unknown names get "did you mean ...?" and the list of valid ones."""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from pathlib import Path

from sim.errors import BadInput
from sim.policy import registry
from sim.scenario import Scenario, builtin_names, load_scenario


def suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return f"did you mean {' or '.join(close)}? " if close else ""


def names_a_scenario(item: str) -> bool:
    """Whether ``item`` is a scenario file (or looks like a path) or a built-in scenario's name."""
    path = Path(item)
    return bool(path.suffix) or path.exists() or "/" in item or item in builtin_names()


def scenario_named(item: str, what: str = "scenario") -> Scenario:
    """A scenario file or built-in name; an unknown name gets suggestions."""
    if names_a_scenario(item):
        return load_scenario(item)
    policies = list(registry())
    hint = (
        f"it is a policy: compare adds a policy to a baseline, e.g. swsim compare baseline {item}; "
        if item in policies
        else suggest(item, builtin_names() + policies)
    )
    raise BadInput(
        f"{what} {item!r}: not a scenario file or built-in scenario; {hint}built-in "
        f"scenarios: {', '.join(builtin_names())}; policies: {', '.join(policies)}"
    )


def parse_value(text: str):
    """A command-line value read as TOML (18, 0.05, true, ["l2", "l3"]); else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


ADOPTERS = "authorities"  # not a parameter: the councils of a region that adopt the policy


def policy_item(item: str) -> tuple[str, dict] | None:
    """``POLICY`` or ``POLICY:PARAM=VALUE[:PARAM=VALUE]`` -> (name, params), or None if not a
    policy; ``authorities=Dudley`` (or ``authorities=["Dudley","Solihull"]``) names the councils of
    a region that adopt it."""
    name, _, rest = item.partition(":")
    if name not in registry():
        return None
    params = {}
    for part in filter(None, rest.split(":")):
        key, eq, value = part.partition("=")
        if not eq or not key:
            raise BadInput(
                f"{item!r}: parameters are POLICY:PARAM=VALUE[:PARAM=VALUE], got {part!r}"
            )
        declared = [*registry()[name].Params.model_fields, ADOPTERS]
        if key not in declared:
            raise BadInput(
                f"{item!r}: {name} has no parameter {key!r}; {suggest(key, declared)}"
                f"its parameters: {', '.join(declared)}"
            )
        params[key] = parse_value(value)
    if isinstance(params.get(ADOPTERS), str):  # one council: authorities=Dudley
        params[ADOPTERS] = [params[ADOPTERS]]
    if ADOPTERS in params and (not params[ADOPTERS] or "" in params[ADOPTERS]):
        raise BadInput(f"{item!r}: authorities names at least one council (leave it out for all)")
    return name, params


def variant(base: Scenario, item: str | Scenario) -> Scenario:
    """A variant of a comparison: a policy (with parameters) added to the baseline, or a scenario
    (a file or built-in name, or a ``Scenario``), run with the baseline's run settings."""
    if isinstance(item, Scenario):
        return item.with_overrides(run=base.run.model_dump())
    policy = policy_item(item)
    if policy is None:
        if names_a_scenario(item):
            return load_scenario(item).with_overrides(run=base.run.model_dump())
        known = builtin_names() + list(registry())
        raise BadInput(
            f"variant {item!r}: not a policy, a built-in scenario or a scenario file; "
            f"{suggest(item.partition(':')[0], known)}policies: {', '.join(registry())}; "
            f"built-in scenarios: {', '.join(builtin_names())} (swsim policies lists them)"
        )
    name, params = policy
    scenario = base.with_policy(name, **params)
    if params:
        label = ",".join(f"{k}={_plain(v)}" for k, v in params.items())
        scenario = scenario.with_overrides(name=short_name(f"{base.name}+{name}({label})"))
    return scenario


def _plain(value) -> str:
    """A parameter value in a scenario name: lists joined by spaces, other characters a name may
    not hold (see ``sim.scenario.NAME_PATTERN``) dropped."""
    text = " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return re.sub(r"[^A-Za-z0-9 _.+\-#,]", "", text)


def short_name(text: str, limit: int = 100) -> str:
    """``text`` cut to ``limit`` characters, with a hash of the whole so different texts stay apart."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 9]}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
