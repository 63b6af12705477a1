"""swsim: a discrete-event simulator of the children's social care workforce.

The Python API (see ``sim.api``): ``load_scenario``, ``run``, ``compare``, ``save``,
``load_results``, ``policies``, and the ``Scenario`` and ``Results`` types. They are imported
when first used, so a worker process that only runs replications does not load the statistics
and result-file libraries (time to start, memory).
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("swsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

# public name -> (module, attribute)
_API = {
    "compare": ("sim.api", "compare"),
    "run": ("sim.api", "run"),
    "save": ("sim.api", "save"),
    "Results": ("sim.experiment.results", "Results"),
    "load_results": ("sim.experiment.results", "load_results"),
    "policies": ("sim.policy", "registry"),
    "Scenario": ("sim.scenario", "Scenario"),
    "load_scenario": ("sim.scenario", "load_scenario"),
}

__all__ = [*sorted(_API), "__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        module, attribute = _API[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
