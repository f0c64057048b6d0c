"""Recovery functions of the ARIO model, as BoARIO 0.7.2 defines them (utils/recovery_functions.py).

Each maps (steps elapsed since recovery began, initial impact, characteristic time tau) to the impact
that remains. The formulas are copied operation for operation so that trajectories agree in float64.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ...errors import InputError

RecoveryFunction = Callable[[int, np.ndarray, int], np.ndarray]


def linear(elapsed: int, init: np.ndarray, tau: int) -> np.ndarray:
    """Fully recovered after ``tau`` steps: init * (1 - elapsed / tau)."""
    return init * (1 - (elapsed / tau))


def convexe_noscale(elapsed: int, init: np.ndarray, tau: int) -> np.ndarray:
    """Geometric decay at rate 1/tau per step (as rebuilding at characteristic time tau)."""
    return init * (1 - (1 / tau)) ** elapsed


def convexe(elapsed: int, init: np.ndarray, tau: int, scaling_factor: float = 4) -> np.ndarray:
    """Geometric decay scaled so that most (>95 %) of the impact is gone after ``tau`` steps."""
    return init * (1 - (1 / tau)) ** (scaling_factor * elapsed)


def concave(elapsed: int, init: np.ndarray, tau: int, steep_factor: float = 0.000001,
            half_recovery_time: int | None = None) -> np.ndarray:
    """S-shaped recovery, mostly (>95 %) done after ``tau`` steps."""
    tau_h = 2 if half_recovery_time is None else tau / half_recovery_time
    exponent = (np.log(tau) - np.log(steep_factor)) / (np.log(tau) - np.log(tau_h))
    return (init * tau) / (tau + steep_factor * (elapsed ** exponent))


#: name -> function; the names are BoARIO's ("convexe" is its scaled variant)
RECOVERY_FUNCTIONS: dict[str, RecoveryFunction] = {
    "linear": linear,
    "convexe": convexe,
    "convexe noscale": convexe_noscale,
    "concave": concave,
}


def recovery_function(name: str) -> RecoveryFunction:
    try:
        return RECOVERY_FUNCTIONS[name]
    except KeyError:
        raise InputError(f"unknown recovery function {name!r}; expected one of "
                         f"{', '.join(RECOVERY_FUNCTIONS)}") from None
