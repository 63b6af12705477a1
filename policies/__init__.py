"""Policies: one module per policy, found by name.

Built-in policies are the ``Policy`` subclasses defined in the modules of this package; third-party
policies register a ``Policy`` subclass under the entry-point group ``swsim.policies``.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from importlib.metadata import entry_points

from .base import Policy, PolicyParams

ENTRY_POINT_GROUP = "swsim.policies"

__all__ = ["Policy", "PolicyParams", "registry", "get_policy", "ENTRY_POINT_GROUP"]


@lru_cache(maxsize=1)
def registry() -> dict[str, type[Policy]]:
    """Every installed policy class by name."""
    found: dict[str, type[Policy]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Policy) and obj is not Policy \
                    and obj.__module__ == module.__name__ and obj.name:
                found[obj.name] = obj
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Policy)):
            raise TypeError(f"entry point {ep.name} in {ENTRY_POINT_GROUP} is not a Policy subclass")
        found[cls.name or ep.name] = cls
    return dict(sorted(found.items()))


def get_policy(name: str) -> type[Policy]:
    known = registry()
    if name not in known:
        raise KeyError(f"unknown policy '{name}'; known policies: {', '.join(known)}")
    return known[name]
