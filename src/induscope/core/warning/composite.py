"""Diffusion index and composite prosperity (景气) index over a set of watched series.

diffusion index (0-100): share of the series that are expanding, counting unchanged ones as half:
  how='positive'  expanding = growth rate above ``tolerance`` (for YoY growth rates)
  how='rising'    expanding = value above its previous period's value by more than ``tolerance``

composite index: for each series, its deviation from its own mean over a base window, divided by its
own mean absolute deviation (so volatile series do not dominate); the weighted mean of those
standardised deviations is scaled to 100 + 10 * m, so 100 is the series' normal and 10 points one
typical deviation. Inputs should be free of seasonality (YoY growth rates, or SA data).
"""
from __future__ import annotations

from typing import Literal, Mapping

import numpy as np
import pandas as pd

from ...errors import ModelError


def diffusion_index(frame: pd.DataFrame, how: Literal["positive", "rising"] = "positive",
                    tolerance: float = 0.0) -> pd.Series:
    """Diffusion index per period (rows = periods in order, columns = series); NaN cells are skipped."""
    if how == "positive":
        x = frame
    elif how == "rising":
        x = frame - frame.shift(1)
    else:
        raise ModelError(f"how must be 'positive' or 'rising', got {how!r}")
    up = (x > tolerance).astype(float).where(x.notna())
    flat = ((x.abs() <= tolerance) if tolerance > 0 else (x == 0)).astype(float).where(x.notna())
    n = x.notna().sum(axis=1)
    di = (up.sum(axis=1) + 0.5 * flat.sum(axis=1)) / n.replace(0, np.nan) * 100.0
    di.name = "diffusion_index"
    return di


def composite_index(frame: pd.DataFrame, weights: Mapping[str, float] | None = None,
                    base: slice | None = None) -> pd.Series:
    """Composite prosperity index (100 = normal) from seasonally neutral series (rows = periods)."""
    b = frame if base is None else frame.loc[base]
    mean = b.mean()
    mad = (b - mean).abs().mean()
    if (mad <= 0).any() or mad.isna().any():
        flat = mad.index[(mad <= 0) | mad.isna()].tolist()
        raise ModelError(f"series without variation in the base window cannot be standardised: {flat[:5]}")
    z = (frame - mean) / mad
    w = pd.Series(1.0, index=frame.columns) if weights is None else pd.Series(weights, dtype=float).reindex(
        frame.columns)
    if w.isna().any():
        raise ModelError(f"weights missing for {w.index[w.isna()].tolist()[:5]}")
    num = (z * w).sum(axis=1, min_count=1)
    den = z.notna().mul(w).sum(axis=1)
    ci = 100.0 + 10.0 * num / den.replace(0, np.nan)
    ci.name = "composite_index"
    return ci
