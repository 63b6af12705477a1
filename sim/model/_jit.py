"""``njit``: numba's compiler when numba is importable (and not disabled), else a no-op.

The case-flow kernel is plain Python over numpy arrays; numba compiles it to machine code. Without
numba the same functions run as ordinary Python (slower, same results).

Compiled functions are cached on disk (``__pycache__``), keyed by their own module's source: a
compiled function keeps the values of the constants and the code of the compiled functions it
takes from other modules as they were when it was compiled. After changing such a constant or
function, delete the ``__pycache__`` folders (or pass the value as an argument, as the slot
passes do). Arrays are not bounds-checked (``NUMBA_BOUNDSCHECK=1`` checks them, slowly).
"""
from __future__ import annotations

import os
from typing import Any, Callable

try:  # pragma: no cover - depends on the environment
    if os.environ.get("SWSIM_NO_JIT"):
        raise ImportError
    import numba

    def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
        return numba.njit(cache=True, nogil=True)(fn)

    def inline(fn: Callable[..., Any]) -> Callable[..., Any]:
        """``njit``, and compiled into each compiled caller (no call: the kernel's small steps
        take many arrays, which a call passes one by one)."""
        return numba.njit(cache=True, nogil=True, inline="always")(fn)

    def typed_list(items: list[Any]) -> Any:
        """Items of one type (arrays, tuples of arrays) as a list a compiled function can take
        (numba's typed List)."""
        typed = numba.typed.List()
        for item in items:
            typed.append(item)
        return typed

    JIT = True
except ImportError:  # pragma: no cover
    def njit(fn: Callable[..., Any]) -> Callable[..., Any]:
        return fn

    inline = njit

    def typed_list(items: list[Any]) -> Any:
        return list(items)

    JIT = False
