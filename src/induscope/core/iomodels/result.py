"""Shared helpers for immutable model results (frozen dataclasses holding read-only arrays)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from ...errors import Unavailable


def frozen(a: Any) -> Any:
    """A read-only copy-free view of an array (results are immutable); other values pass through."""
    if isinstance(a, np.ndarray):
        v = a.view()
        v.flags.writeable = False
        return v
    return a


def vector_dict(labels: Sequence[str], values: Any) -> Any:
    """{label: value} for JSON; Unavailable becomes its reason; NaN becomes None."""
    if isinstance(values, Unavailable):
        return values.to_dict()
    if values is None:
        return None
    return {str(k): (None if not np.isfinite(v) else float(v)) for k, v in zip(labels, np.asarray(values))}


def matrix_frame(M: np.ndarray, rows: Sequence[str], cols: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(np.asarray(M), index=pd.Index(list(rows)), columns=pd.Index(list(cols)))
