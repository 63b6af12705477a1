"""swsim: a discrete-event simulator of the children's social care workforce."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("swsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
