"""Stationarity transformations of the FRED-MD database (McCracken & Ng 2016), by transformation code.

  1  x_t                     4  log x_t
  2  x_t - x_{t-1}           5  log x_t - log x_{t-1}
  3  second difference       6  second difference of log x_t
  7  (x_t / x_{t-1} - 1) - (x_{t-1} / x_{t-2} - 1)

Industrial production series carry code 5 (monthly log growth), capacity utilisation code 2.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import ModelError

TCODES = {1: "level", 2: "first difference", 3: "second difference", 4: "log", 5: "log first difference",
          6: "log second difference", 7: "first difference of the growth rate"}


def fred_transform(x: pd.Series, tcode: int, scale: float = 1.0) -> pd.Series:
    """Apply FRED-MD transformation ``tcode`` (1-7) to a series; ``scale`` multiplies the result
    (100 turns log differences into approximate percent)."""
    tcode = int(tcode)
    if tcode not in TCODES:
        raise ModelError(f"unknown FRED-MD transformation code {tcode} (expected 1-7)")
    x = pd.Series(x, dtype=float)
    if tcode in (4, 5, 6):
        bad = x[(x <= 0)]
        if len(bad):
            raise ModelError(f"transformation code {tcode} takes logs but the series has non-positive "
                             f"values at {list(bad.index[:3])}")
        lx = np.log(x)
    if tcode == 1:
        y = x
    elif tcode == 2:
        y = x.diff()
    elif tcode == 3:
        y = x.diff().diff()
    elif tcode == 4:
        y = lx
    elif tcode == 5:
        y = lx.diff()
    elif tcode == 6:
        y = lx.diff().diff()
    else:
        y = (x / x.shift(1) - 1.0).diff()
    return y * scale
