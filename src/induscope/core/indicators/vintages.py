"""Data vintages: every figure carries the vintage it was computed from; queries pick one.

A vintage is a label that sorts in release order (ISO dates 'YYYY-MM-DD' do). Asking for vintage V
means "as known at V": for every observation the latest vintage not after V.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd


def select_vintage(frame: pd.DataFrame, keys: Sequence[str], as_of: str | None = None,
                   vintage_col: str = "vintage") -> pd.DataFrame:
    """Rows of the latest vintage <= ``as_of`` (all vintages when None) for each key combination."""
    f = frame if as_of is None else frame[frame[vintage_col].astype(str) <= str(as_of)]
    if f.empty:
        return f.copy()
    f = f.sort_values(vintage_col, kind="stable")
    return f.drop_duplicates(subset=list(keys), keep="last").reset_index(drop=True)


def vintage_label(vintages: pd.Series | Sequence[str]) -> str | None:
    """One label for the vintages behind a figure: the latest (a figure is as new as its newest input)."""
    v = [str(x) for x in vintages if x is not None and str(x) != "nan"]
    return max(v) if v else None
