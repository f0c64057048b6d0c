"""Output, value-added, employment and satellite-account multipliers (Miller & Blair 2009, ch. 6).

  simple output multiplier       m_o,j = sum_i L_ij
  value-added multiplier         m_v,j = sum_i v_i L_ij           (v = value added / output)
  type I value-added multiplier  m_v,j / v_j                       (total over direct effect)
  employment multiplier          m_e,j = sum_i e_i L_ij           (e = employment / output)
  type I employment multiplier   m_e,j / e_j
  satellite multipliers          M = S L,  S = F x^-1            (pymrio's M)
  downstream multipliers         M_down = S (G' - I)              (pymrio's M_down)
Every product with L is a solve with (I - A)' when L is not formed. A type I ratio whose direct
coefficient is 0 is undefined: its entry is NaN and the sector is named in the notes.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...errors import ModelError


def coefficients_per_output(F: np.ndarray, system) -> np.ndarray:
    """S = F x^-1 (zero-output columns only under an explicit zero-output policy)."""
    F = np.atleast_2d(np.asarray(F, dtype=float))
    if F.shape[1] != system.n:
        raise ModelError(f"a satellite account needs {system.n} columns, got {F.shape[1]}")
    return F * system.inv_x[None, :]


def type_one(total: np.ndarray, direct: np.ndarray, labels: Sequence[str], what: str,
             notes: list[str]) -> np.ndarray:
    """total / direct, NaN where direct is 0 (and those sectors named in ``notes``)."""
    out = np.full(total.shape, np.nan)
    nz = direct != 0
    out[nz] = total[nz] / direct[nz]
    if (~nz).any():
        names = [labels[i] for i in np.flatnonzero(~nz)]
        shown = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
        notes.append(f"type I {what} multiplier undefined (no direct {what}) for: {shown}")
    return out


def downstream(S: np.ndarray, system) -> np.ndarray:
    """M_down = S (G' - I) = S x L' x^-1 - S, without forming G."""
    Sx = S * system.x[None, :]
    # (S x L')_kj = sum_i Sx_ki L_ji  ->  rows of (L Sx')'
    prod = system.solve(Sx.T).T
    return prod * system.inv_x[None, :] - S
