"""``njit``: numba's compiler when numba is importable (and not disabled), else a no-op.

The case-flow kernel is plain Python over numpy arrays; numba compiles it to machine code. Without
numba, or with ``SWSIM_NO_JIT=1`` (read at import), the same functions run as ordinary Python
(slower, same results).

Compiled functions are cached on disk. numba keys a cached function on its own module's source
only, but a compiled function keeps the constants and the compiled functions it takes from other
modules as they were when it was compiled. So the cache lives in a folder named by ``KERNEL_KEY``,
a hash of every source file compiled code comes from (``KERNEL_SOURCES``): a change to any of them
compiles afresh (this checkout's folders of other keys are removed). Arrays are not bounds-checked
(``NUMBA_BOUNDSCHECK=1`` checks them, slowly).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# The modules of ``sim.model`` that hold compiled functions or the constants and compiled helpers
# they use (tests/test_kernel.py checks that the list is complete).
KERNEL_SOURCES = (
    "_jit.py",
    "allocation.py",
    "children.py",
    "roster.py",
    "turnover.py",
    "workforce.py",
)
CACHE_PREFIX = "swsim-kernel-"


def source_key(paths: Iterable[Path]) -> str:
    """A hash of the files' names and contents (16 hex digits), in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).name.encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


KERNEL_KEY = source_key(HERE / name for name in KERNEL_SOURCES)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


def cache_folder(key: str = KERNEL_KEY, base: str | os.PathLike | None = None) -> Path | None:
    """The folder compiled functions are cached in for ``key``: ``swsim-kernel-<place>-<key>`` in
    ``base`` (by default NUMBA_CACHE_DIR if set, else this package's ``__pycache__``, else
    ``~/.cache/swsim``; ``place``: a hash of where this package is, so that checkouts sharing a
    base keep their own); None if none is writable. This place's folders of other keys are
    removed."""
    if base is not None:
        bases = [Path(base)]
    else:
        user = os.environ.get("NUMBA_CACHE_DIR")
        xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        bases = [Path(user)] if user else [HERE / "__pycache__", Path(xdg) / "swsim"]
    prefix = f"{CACHE_PREFIX}{hashlib.sha256(str(HERE).encode()).hexdigest()[:8]}-"
    for folder in bases:
        if _writable(folder):
            for old in folder.glob(prefix + "*"):
                if old.name != prefix + key:
                    shutil.rmtree(old, ignore_errors=True)
            return folder / (prefix + key)
    return None


try:  # pragma: no cover - depends on the environment
    if os.environ.get("SWSIM_NO_JIT"):
        raise ImportError
    import numba

    CACHE = cache_folder()

    @contextlib.contextmanager
    def _caching_in(folder: Path | None) -> Iterator[None]:
        """numba's cache folder set to ``folder`` while a function is decorated (numba places its
        cache then), and put back."""
        before = numba.config.CACHE_DIR
        numba.config.CACHE_DIR = str(folder)
        try:
            yield
        finally:
            numba.config.CACHE_DIR = before

    def _compile(fn: Callable[..., Any], **options: Any) -> Callable[..., Any]:
        if CACHE is None:  # nowhere to keep a cache keyed by the sources: compile every run
            return numba.njit(nogil=True, **options)(fn)
        with _caching_in(CACHE):
            return numba.njit(cache=True, nogil=True, **options)(fn)

    def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` compiled by numba (cached in ``CACHE``)."""
        return _compile(fn)

    def inline(fn: Callable[..., Any]) -> Callable[..., Any]:
        """``njit``, and compiled into each compiled caller (no call: the kernel's small steps
        take many arrays, which a call passes one by one)."""
        return _compile(fn, inline="always")

    def typed_list(items: list[Any]) -> Any:
        """Items of one type (arrays, tuples of arrays) as a list a compiled function can take
        (numba's typed List)."""
        typed = numba.typed.List()
        for item in items:
            typed.append(item)
        return typed

    JIT = True
except ImportError:  # pragma: no cover
    CACHE = None

    def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
        return fn

    inline = njit

    def typed_list(items: list[Any]) -> Any:
        return list(items)

    JIT = False
