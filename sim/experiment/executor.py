"""Where jobs run: in this process, in local worker processes, or on a Dask cluster.

Every job is a pure function of its arguments (replication ``r`` draws only from its own seed
stream), so the backend and the number of workers never change a result. Local workers are
``min(requested, jobs, CPUs)``; they ignore Ctrl-C (the parent stops them) and die with the parent
(Linux's parent-death signal, and a watchdog thread elsewhere), so an out-of-memory kill of the
command leaves no orphan processes behind.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.errors import BadInput

DASK_CONNECT_SECONDS = 5
SCHEDULER_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ucx)://)?[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


class WorkerLost(RuntimeError):
    """A worker process died (killed, or out of memory) before finishing its job."""


class ExecutorError(RuntimeError):
    """The jobs could not be started (workers could not be created, scheduler unreachable)."""


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def effective_workers(requested: int, jobs: int) -> int:
    """Worker processes actually used: never more than the jobs or the CPUs."""
    return max(1, min(requested, jobs, cpu_count()))


def _die_with_parent(parent: int) -> None:
    """In a worker: ignore Ctrl-C, end at once on SIGTERM (the parent's handler is not for
    workers) and exit when the parent process exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:
        os._exit(1)

    def watchdog() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watchdog, daemon=True).start()


class Executor:
    """Where a command's jobs run, for every batch it sends: ``workers`` local processes (a pool
    per batch; at most the CPUs), or a Dask cluster (the scheduler at ``scheduler``, else a local
    cluster of ``workers`` processes, at most the CPUs), connected on the first batch and kept
    until ``close`` (so a calibration's rounds share one cluster). Use it as a context manager."""

    def __init__(self, workers: int = 1, backend: str = "local", scheduler: str | None = None):
        self.workers, self.backend, self.scheduler = workers, backend, scheduler
        self._client = None
        self._cluster = None
        self._closed = False

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]:
        """``fn(task)`` for every task, yielded as each finishes (in any order)."""
        if self._closed:
            raise RuntimeError("this executor is closed")
        if not tasks:
            return iter(())
        if self.backend == "dask":
            return self._dask(fn, tasks)
        n = effective_workers(self.workers, len(tasks))
        return map(fn, tasks) if n == 1 else _local(fn, tasks, n)

    def _connect(self):
        if self._client is not None:
            return self._client
        from dask.distributed import Client, LocalCluster

        try:
            if self.scheduler:
                self._client = Client(self.scheduler, timeout=f"{DASK_CONNECT_SECONDS}s")
            else:
                self._cluster = LocalCluster(
                    n_workers=effective_workers(self.workers, self.workers),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                )  # None does not disable it (dask #8136)
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as err:
            self.close()
            if self.scheduler:
                raise BadInput(
                    f"--scheduler {self.scheduler}: cannot reach the Dask scheduler within "
                    f"{DASK_CONNECT_SECONDS} s ({err})"
                ) from None
            raise ExecutorError(f"could not start a local Dask cluster: {err}") from None
        return self._client

    def _dask(self, fn, tasks) -> Iterator[Any]:
        from dask.distributed import as_completed

        client = self._connect()
        futures = client.map(fn, tasks, pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)

    def close(self) -> None:
        """Disconnect from the cluster (and stop a local one); the executor runs nothing more."""
        self._closed = True
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def execute(
    fn: Callable[[Any], Any], tasks: Sequence[Any], workers: int | Executor = 1
) -> Iterator[Any]:
    """``fn(task)`` for every task, yielded as each finishes: on ``workers`` (an Executor, or a
    number of local processes)."""
    return (workers if isinstance(workers, Executor) else Executor(workers)).map(fn, tasks)


def _local(fn, tasks, n: int) -> Iterator[Any]:
    try:
        pool = ProcessPoolExecutor(
            max_workers=n, initializer=_die_with_parent, initargs=(os.getpid(),)
        )
        pending = {pool.submit(fn, t) for t in tasks}
    except OSError as err:
        raise ExecutorError(
            f"could not start {n} worker processes: {err}; try fewer --workers"
        ) from None
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    except BrokenProcessPool:
        raise WorkerLost(
            "a worker process died before finishing (killed, or out of memory?); "
            "nothing more was written (a sweep keeps its finished chunks)"
        ) from None
    finally:
        stop_pool(pool)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the pool now: cancel what has not started and kill the workers."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.kill()
    for proc in processes:
        proc.join(timeout=5)


def check_scheduler_address(address: str) -> str | None:
    """A problem with a Dask scheduler address, or None."""
    if not SCHEDULER_ADDRESS.match(address):
        return (
            f"--scheduler {address!r}: not a scheduler address; expected e.g. "
            "tcp://10.0.0.5:8786 or localhost:8786"
        )
    return None


UNIT_WORDS = {"rep": "replications", "chunk": "chunks"}
PROGRESS_LINES = 10  # lines of progress over a batch without a terminal


def elapsed(seconds: float) -> str:
    """'45 s', '1m 10s', '2h 05m': a duration for a progress line."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


class ProgressLines:
    """Progress as plain lines on the standard error (for a log, not a terminal): one each time
    another tenth of the batch is done, and at its end: 'compare (2 scenarios): 4/6 replications
    done (12 s)'."""

    def __init__(self, total: int, label: str, unit: str = "rep", file=None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.unit = UNIT_WORDS.get(unit, unit)
        self.step = max(1, -(-total // PROGRESS_LINES))
        self.file = sys.stderr if file is None else file
        self.start = time.monotonic()

    def update(self, n: int = 1) -> None:
        before, self.done = self.done, self.done + n
        if self.done // self.step > before // self.step or self.done == self.total:
            print(self.line(time.monotonic() - self.start), file=self.file, flush=True)

    def line(self, seconds: float) -> str:
        return f"{self.label}: {self.done}/{self.total} {self.unit} done ({elapsed(seconds)})"

    def close(self) -> None:
        pass


def progress_bar(total: int, label: str, enabled: bool, unit: str = "rep"):
    """A tqdm bar on a terminal, plain lines on the standard error without one (a log, a
    background job), else None."""
    if not enabled or total <= 0:
        return None
    if not sys.stderr.isatty():
        return ProgressLines(total, label, unit)
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=unit, file=sys.stderr)


def consume(results: Iterable[Any], bar) -> Iterator[Any]:
    """Pass results through, advancing the progress bar; close it at the end."""
    try:
        for item in results:
            if bar is not None:
                bar.update(1)
            yield item
    finally:
        if bar is not None:
            bar.close()
