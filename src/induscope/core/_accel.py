"""Which accelerators exist here, and how a device or engine request is resolved: the one place.

Two independent choices run through induscope:

- the **device** of dense linear algebra and batched cascades: ``cpu``, ``gpu`` (the first of CuPy,
  then PyTorch, that sees a CUDA device) or ``auto`` (the GPU when one is usable, else the CPU);
  ``cupy`` / ``torch`` name the GPU library outright;
- the **engine** of the firm-level cascades on the CPU: ``numba`` (compiled, when installed),
  ``numpy`` (always there) or ``auto`` (numba when installed).

Optional libraries are looked up (``importlib.util.find_spec``), never imported here: importing numba,
CuPy or PyTorch takes seconds, and only the code that runs on them pays for it. This module reads no
environment switch: a caller that wants numpy although numba is installed asks for ``engine="numpy"``
(the CLI and API take it from ``Settings.engine``).
"""
from __future__ import annotations

import importlib
import importlib.util
from functools import lru_cache
from typing import Callable

from ..errors import InputError, ModelError

DEVICES = ("auto", "cpu", "gpu")
ENGINES = ("auto", "numba", "numpy")
GPU_LIBRARIES = ("cupy", "torch")

__all__ = ["DEVICES", "ENGINES", "GPU_LIBRARIES", "HAVE_NUMBA", "numba_installed", "library_sees_gpu",
           "gpu_library", "resolve_device", "resolve_engine"]


@lru_cache(maxsize=None)
def numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


#: numba can be imported here (looked up, not imported)
HAVE_NUMBA = numba_installed()


@lru_cache(maxsize=None)
def library_sees_gpu(lib: str) -> tuple[bool, str]:
    """(True, device name) when ``lib`` ('cupy' or 'torch') is installed and sees a CUDA device,
    else (False, the reason)."""
    if importlib.util.find_spec(lib) is None:
        return False, f"{'CuPy' if lib == 'cupy' else 'PyTorch'} is not installed"
    try:
        mod = importlib.import_module(lib)
    except Exception as e:  # a CUDA library problem at import
        return False, f"{lib} cannot be imported ({type(e).__name__}: {e})"
    try:
        if lib == "cupy":
            if mod.cuda.runtime.getDeviceCount() < 1:
                return False, "no CUDA device"
            name = mod.cuda.runtime.getDeviceProperties(0)["name"]
            return True, name.decode() if isinstance(name, bytes) else str(name)
        if not mod.cuda.is_available():
            return False, "no CUDA device"
        return True, str(mod.cuda.get_device_name(0))
    except Exception as e:  # no driver, no device
        return False, f"no usable CUDA device ({type(e).__name__}: {e})"


def gpu_library(libraries: tuple[str, ...] = GPU_LIBRARIES) -> str | None:
    """The first of ``libraries`` that sees a CUDA device, else None."""
    for lib in libraries:
        if library_sees_gpu(lib)[0]:
            return lib
    return None


def resolve_device(request: str, *, probe: Callable[[], str | None] | None = None,
                   fallback: bool = False) -> tuple[str, str | None]:
    """('cpu' | 'cupy' | 'torch', why a GPU request runs on the CPU or None) for ``request``.

    ``request``: auto, cpu, gpu, cupy or torch. A GPU asked for and not there raises ModelError,
    unless ``fallback`` (then the CPU, with the reason). ``probe`` replaces ``gpu_library`` (tests)."""
    request = str(request).strip().lower()
    if request == "cpu":
        return "cpu", None
    if request in GPU_LIBRARIES:
        ok, why = library_sees_gpu(request)
        if ok:
            return request, None
        if fallback:
            return "cpu", why
        raise ModelError(f"device {request!r} asked for, but {why}")
    if request not in DEVICES:
        raise ModelError(f"unknown device {request!r}; expected one of {', '.join(DEVICES)}")
    lib = (probe or gpu_library)()
    if lib is not None:
        return lib, None
    if request == "gpu":
        why = "neither CuPy nor PyTorch sees a CUDA device"
        if fallback:
            return "cpu", why
        raise ModelError(f"device 'gpu' asked for, but {why}")
    return "cpu", None


def resolve_engine(engine: str) -> str:
    """'numba' or 'numpy' for ``engine`` (auto: numba when installed)."""
    engine = str(engine).strip().lower()
    if engine == "auto":
        return "numba" if HAVE_NUMBA else "numpy"
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "numba" and not HAVE_NUMBA:
        raise InputError("engine 'numba' asked for but numba is not installed (pip install numba)")
    return engine
