"""Aggregation over classification hierarchies (divisions -> manufacturing -> industry; provinces ->
macro-regions -> nation).

Growth of an aggregate = sum_i w_i g_i / sum_i w_i with base-period (t-1) constant-price levels as
weights w_i (official-rules.md 3.2, last bullet). This equals the growth computed from the summed
levels exactly, which is why the weights must be base-period levels and not current ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ModelError


@dataclass(frozen=True)
class Hierarchy:
    """Levels of a classification as successive child -> parent maps, finest first.

    ``Hierarchy([{'13': 'C', '06': 'B'}, {'C': 'BCD', 'B': 'BCD'}])``: divisions -> sections -> industry.
    """

    maps: tuple[Mapping[str, str], ...]

    def __init__(self, maps: Sequence[Mapping[str, str]]):
        object.__setattr__(self, "maps", tuple(dict(m) for m in maps))
        for k in range(1, len(self.maps)):
            orphans = set(self.maps[k - 1].values()) - set(self.maps[k])
            if orphans:
                raise ModelError(f"level {k} has no parent for {sorted(orphans)[:5]}")

    def rollup(self, depth: int) -> dict[str, str]:
        """Finest code -> its ancestor ``depth`` levels up (1 = parent)."""
        if not 1 <= depth <= len(self.maps):
            raise ModelError(f"depth must be 1..{len(self.maps)}, got {depth}")
        out = dict(self.maps[0])
        for m in self.maps[1:depth]:
            out = {c: m[p] for c, p in out.items()}
        return out


def aggregate_levels(levels: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Sum wide levels (index = periods, columns = child codes) into parents.

    A parent is NaN in a period where any of its children is missing: a partial sum would be a
    different aggregate.
    """
    unknown = [c for c in levels.columns if c not in mapping]
    if unknown:
        raise ModelError(f"no parent for {unknown[:5]}")
    parents = pd.Series({c: mapping[c] for c in levels.columns})
    return levels.T.groupby(parents).sum(min_count=1).where(
        levels.T.isna().groupby(parents).sum() == 0).T


def aggregate_growth(g: Mapping[str, float] | pd.Series, w0: Mapping[str, float] | pd.Series,
                     mapping: Mapping[str, str] | None = None) -> pd.Series:
    """Growth (%) of parents from children's growth ``g`` (%) and base-period levels ``w0``.

    ``mapping`` child -> parent; without it, one aggregate named 'total'.
    """
    g = pd.Series(g, dtype=float)
    w0 = pd.Series(w0, dtype=float).reindex(g.index)
    if w0.isna().any():
        raise ModelError(f"base-period weights missing for {g.index[w0.isna()].tolist()[:5]}")
    if (w0 < 0).any():
        raise ModelError("base-period weights must be non-negative")
    parents = pd.Series({c: (mapping[c] if mapping is not None else "total") for c in g.index})
    num = (w0 * g).groupby(parents).sum(min_count=1)
    den = w0.groupby(parents).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    if (den <= 0).any():
        raise ModelError(f"aggregate with zero base-period weight: {den.index[den <= 0].tolist()[:5]}")
    return out


def growth_by_aggregation(levels: pd.DataFrame, mapping: Mapping[str, str], lag: int) -> pd.DataFrame:
    """Parents' growth (%) over ``lag`` rows, computed from children's rates with base-level weights.

    ``levels``: wide levels, rows ordered in time with a regular step (``lag`` rows = one year).
    Used to check (and show) that weighting rates by base levels equals aggregating levels first.
    """
    g = (levels / levels.shift(lag) - 1.0) * 100.0
    w0 = levels.shift(lag)
    parents = pd.Series({c: mapping[c] for c in levels.columns})
    num = (g * w0).T.groupby(parents).sum(min_count=1).T
    den = w0.T.groupby(parents).sum(min_count=1).T
    return num / den
