"""Starting the explorer for ``swsim explore``: the folders checked first (a folder that is not a
result set the pages can show is refused before any server starts), the port checked free, then
``streamlit run`` on the app script, bound to 127.0.0.1 unless told otherwise, with Streamlit's
usage statistics off (nothing leaves the machine)."""

from __future__ import annotations

import errno
import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

from sim.errors import BadInput
from sim.present.explore.folders import Skipped, check, openable

LOCAL_HOST, DEFAULT_PORT = "127.0.0.1", 8501
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
RESULTS = Path("results")


def app_script() -> Path:
    """The Streamlit script (``app.py`` beside this module)."""
    return Path(__file__).with_name("app.py")


def folders_to_open(given: list[Path], results_root: Path) -> tuple[list[Path], list[Skipped]]:
    """The folders given, each checked (``BadInput``, one line, for the first that cannot be
    shown); with none given, every run, comparison or sweep under ``results_root`` that can be, and
    those skipped with why."""
    if given:
        for folder in given:
            check(folder)
        return list(given), []
    good, skipped = openable(results_root)
    if not good:
        raise BadInput(
            f"DIR: no result set of swsim run, compare or sweep under {results_root}/ (and none given); "
            "run one first, e.g. swsim compare baseline caseload_cap"
        )
    return good, skipped


def check_streamlit() -> None:
    """``BadInput`` if Streamlit, the app's framework (an optional dependency), is missing."""
    if importlib.util.find_spec("streamlit") is None:
        raise BadInput(
            "explore: needs Streamlit, an optional dependency: pip install 'swsim[app]' "
            "(or pip install 'streamlit>=1.30')"
        )


def check_port(host: str, port: int) -> None:
    """``BadInput`` unless ``port`` is 1-65535 and free on ``host``."""
    if not 1 <= port <= 65535:
        raise BadInput(f"--port {port}: a port number 1-65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as err:
            why = "in use" if err.errno == errno.EADDRINUSE else err.strerror
            raise BadInput(
                f"--port {port} on --host {host}: {why}; choose another port with --port"
            ) from None


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def command(folders: list[Path], results_root: Path, host: str, port: int) -> list[str]:
    """The ``streamlit run`` command line of the app over ``folders``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app_script()),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--",
        *[str(f) for f in folders],
        "--results", str(results_root),
    ]  # fmt: skip


def serve(cmd: list[str]) -> int:
    """Run the server until it stops; its exit code. Ctrl-C or SIGTERM (``Terminated``) stops it,
    then goes on up."""
    process = subprocess.Popen(cmd)
    try:
        return process.wait()
    except BaseException:
        process.terminate()
        process.wait(timeout=10)
        raise
