"""swsim: a discrete-event simulator of the children's social care workforce.

The Python API (see ``sim.api``): ``load_scenario``, ``run``, ``compare``, ``save``,
``load_results``, ``policies``, and the ``Scenario`` and ``Results`` types.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("swsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from sim.api import compare, run, save  # noqa: E402
from sim.experiment.results import Results, load_results  # noqa: E402
from sim.policy import registry as policies  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402

__all__ = ["Results", "Scenario", "compare", "load_results", "load_scenario", "policies", "run",
           "save", "__version__"]
