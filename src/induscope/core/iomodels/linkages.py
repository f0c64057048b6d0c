"""Backward and forward linkages (Rasmussen 1956; Hirschman 1958) and key-sector classes.

Conventions (Miller & Blair 2009, sections 12.1-12.2):
  total backward linkage  BL_j = sum_i L_ij                (column sums of the Leontief inverse)
  total forward linkage   FL_i = sum_j G_ij                (row sums of the Ghosh inverse: the modern
                                                            convention, M&B 12.2.2); forward="leontief"
                                                            gives Rasmussen's original row sums of L
  normalised indices      U_b,j = BL_j / mean(BL),  U_f,i = FL_i / mean(FL)
  key-sector classes      U_b > 1 and U_f > 1: key; U_b > 1 only: backward-oriented;
                          U_f > 1 only: forward-oriented; neither: weak
Direct linkages use A (column sums) and B (row sums) instead of L and G.
"""
from __future__ import annotations

import numpy as np

from ...errors import ModelError

KEY = "key"
BACKWARD = "backward-oriented"
FORWARD = "forward-oriented"
WEAK = "weak"
FORWARD_CONVENTIONS = ("ghosh", "leontief")


def normalised_index(total: np.ndarray) -> np.ndarray:
    """total / mean(total): the Rasmussen-Hirschman index (1 = average sector)."""
    mean = float(np.mean(total))
    if mean == 0.0:
        raise ModelError("linkage indices are undefined: every linkage is zero")
    return total / mean


#: an index must exceed 1 by more than rounding noise to count as above average
ABOVE_AVERAGE = 1.0 + 1e-12


def classify(backward_index: np.ndarray, forward_index: np.ndarray) -> np.ndarray:
    """Key-sector class of each sector from the two normalised indices (ties with 1 count as not above)."""
    b = backward_index > ABOVE_AVERAGE
    f = forward_index > ABOVE_AVERAGE
    out = np.full(b.shape, WEAK, dtype=object)
    out[b & f] = KEY
    out[b & ~f] = BACKWARD
    out[~b & f] = FORWARD
    return out


def total_linkages(system, forward: str = "ghosh") -> tuple[np.ndarray, np.ndarray]:
    """(BL, FL) from a LeontiefSystem without forming G: BL = 1'L, FL = G 1 = x^-1 L x (or L 1)."""
    if forward not in FORWARD_CONVENTIONS:
        raise ModelError(f"forward linkage convention must be one of {FORWARD_CONVENTIONS}, got {forward!r}")
    n = system.n
    ones = np.ones(n)
    bl = system.solve_transposed(ones)
    fl = system.ghosh_row_sums() if forward == "ghosh" else system.solve(ones)
    return bl, fl


def direct_linkages(system) -> tuple[np.ndarray, np.ndarray]:
    """(column sums of A, row sums of B) with B = x^-1 A x."""
    bl = system.A.sum(axis=0)
    fl = system.inv_x * (system.A @ system.x)
    return bl, fl
