"""The one-time message before numba compiles the cascade kernels.

The kernels are compiled with ``cache=True``: the first run after an install compiles them (about
30 s) and writes the machine code next to the module (or under $NUMBA_CACHE_DIR); every later run
loads it. A user who sees a command sit silently for 30 s thinks it hangs, so the CLI says so once,
when no cached kernel is found.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from .common import err_console

#: the kernel every ESRI / scenario run compiles first
_MARKER = "_numba_kernels.*.nbi"


def _cache_dirs() -> list[Path]:
    spec = importlib.util.find_spec("induscope.core.network._numba_kernels")
    dirs = []
    if spec is not None and spec.origin:
        dirs.append(Path(spec.origin).parent / "__pycache__")
    if os.environ.get("NUMBA_CACHE_DIR"):
        dirs.append(Path(os.environ["NUMBA_CACHE_DIR"]))
    dirs.append(Path.home() / ".cache" / "numba")
    return dirs


def numba_kernels_cached() -> bool:
    for d in _cache_dirs():
        try:
            if d.is_dir() and next(d.rglob(_MARKER), None) is not None:
                return True
        except OSError:  # pragma: no cover - unreadable cache folder
            continue
    return False


def announce_first_compile(engine: str) -> bool:
    """Print the message when ``engine`` runs on numba and nothing is cached yet; True if printed."""
    from ..core._accel import resolve_engine

    try:
        if resolve_engine(engine) != "numba" or numba_kernels_cached():
            return False
    except Exception:  # an invalid engine is reported by the command itself
        return False
    err_console.print("compiling the ESRI kernels (numba), about 30 s, once per install; later runs reuse them",
                      markup=False)
    return True
