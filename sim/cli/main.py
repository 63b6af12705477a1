"""``swsim``: run a command and turn what can go wrong into a clear line and an exit code.

0 success; 2 bad input (an argument, a scenario, a data file, an output folder: nothing written);
1 an internal error (one line, and the traceback in a log file), a lost worker or a replication
above the memory ceiling; 130 interrupted (Ctrl-C); 143 terminated (SIGTERM, cleaned up as Ctrl-C).
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from sim.errors import BadInput

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class Terminated(BaseException):
    """SIGTERM arrived: unwind as Ctrl-C does (staging folders removed, workers stopped)."""


RAISE_AGAIN_S = 0.2  # a termination Python dropped is raised again this long after


def _terminate(signum, frame) -> None:
    raise Terminated()


def _unraisable(earlier):
    """``sys.unraisablehook`` that raises a dropped termination again: Python drops an exception
    raised inside a C callback (numba's compiler calls back into Python), so a SIGTERM that lands
    there would be lost; SIGALRM raises it again once the callback has returned."""

    def hook(info) -> None:
        if isinstance(info.exc_value, Terminated):
            signal.setitimer(signal.ITIMER_REAL, RAISE_AGAIN_S)
            return
        earlier(info)

    return hook


def main(argv: list[str] | None = None) -> int:
    """Run ``swsim`` with ``argv``; the exit code. SIGTERM is handled as Ctrl-C (the earlier
    handler is restored on return)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        earlier = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: signals stay as they are
        earlier = None
    if earlier is not None:
        earlier_alarm = signal.signal(signal.SIGALRM, _terminate)
        earlier_hook, sys.unraisablehook = sys.unraisablehook, _unraisable(sys.unraisablehook)
    try:
        return _main(argv)
    finally:
        if earlier is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, earlier_alarm)
            signal.signal(signal.SIGTERM, earlier)
            sys.unraisablehook = earlier_hook


def _main(argv: list[str]) -> int:
    try:
        from sim.cli.parser import build_parser

        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse has printed the problem (exit 2) or the help (0)
            return int(exc.code or 0)
        args.argv = ["swsim", *argv]
        from sim.cli.commands import COMMANDS

        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print(
            "\ninterrupted: nothing more was written; earlier results are unchanged",
            file=sys.stderr,
            flush=True,
        )
        return EXIT_INTERRUPTED
    except Terminated:
        print(
            "\nterminated (SIGTERM): nothing more was written; earlier results are unchanged",
            file=sys.stderr,
            flush=True,
        )
        return EXIT_TERMINATED
    except Exception as err:  # noqa: BLE001 - every error becomes one line and an exit code
        return _failed(err, argv)


def _failed(err: Exception, argv: list[str]) -> int:
    from sim.experiment.executor import ExecutorError, WorkerLost
    from sim.experiment.memory import OverMemory

    if isinstance(err, BadInput):
        for line in err.problems:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(err, (WorkerLost, ExecutorError, OverMemory)):
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INTERNAL
    if isinstance(err, OSError) and err.errno is not None:
        where = f" ({err.filename})" if err.filename else ""
        log = _log(err, argv)
        print(
            f"error: {err.strerror}{where}; nothing more was written, earlier results are "
            f"unchanged (details: {log})",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    log = _log(err, argv)
    print(
        f"internal error: {type(err).__name__}: {err}\nThis is a fault in swsim, not in your input; "
        f"the traceback is in {log}",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _log(err: Exception, argv: list[str]) -> str:
    """Write the traceback to a log file; its path (or the traceback itself if nothing is writable)."""
    text = (
        f"swsim {shlex.join(argv)}\n{datetime.now().isoformat(timespec='seconds')}\n\n"
        + "".join(traceback.format_exception(err))
    )
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    for folder in (state / "swsim" / "logs", Path(tempfile.gettempdir()) / "swsim-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"swsim-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return str(path)
        except OSError:
            continue
    return "(no log could be written)\n" + text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
