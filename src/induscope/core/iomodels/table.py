"""IOTable: an input-output table as the core sees it (symbols of the field inside).

Single-region tables have one region; multi-regional tables are ordered region-major
(all sectors of region 1, then region 2, ...), as pymrio orders them.

Symbols (Miller & Blair):
  Z  n x n intermediate transactions (for non-competitive-import tables: domestic flows only)
  Y  n x k final demand (domestic products for non-competitive tables), columns = final demand categories
  x  n     gross output
  V  m x n value added components (rows = components)
  Zm n x n imported intermediate use (non-competitive tables only; rows = imported products)
  Ym n x k imported products in final demand (non-competitive tables only)
  m  n     imports by product (competitive tables: the IM column, a negative final-demand entry)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class IOTable:
    Z: np.ndarray
    Y: np.ndarray
    x: np.ndarray
    sectors: tuple[str, ...]
    V: np.ndarray | None = None
    regions: tuple[str, ...] = ("ALL",)
    sector_names: tuple[str, ...] | None = None
    final_demand_labels: tuple[str, ...] = ()
    value_added_labels: tuple[str, ...] = ()
    Zm: np.ndarray | None = None
    Ym: np.ndarray | None = None
    m: np.ndarray | None = None
    exports: np.ndarray | None = None
    unit: str = "10,000 CNY"
    year: int | None = None
    name: str = ""
    import_type: str = "competitive"  # or "non-competitive"
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.regions) * len(self.sectors)
        for sym in ("Z", "Y", "x", "V", "Zm", "Ym", "m", "exports"):
            a = getattr(self, sym)
            if a is not None:
                a = np.asarray(a, dtype=float)
                if sym == "Y" and a.ndim == 1:
                    a = a[:, None]
                object.__setattr__(self, sym, a)
        if self.Z.shape != (n, n):
            raise ValueError(f"Z must be {n}x{n} (regions x sectors), got {self.Z.shape}")
        if self.x.shape != (n,):
            raise ValueError(f"x must have {n} entries, got {self.x.shape}")
        if self.Y.shape[0] != n:
            raise ValueError(f"Y must have {n} rows, got {self.Y.shape}")

    @property
    def n(self) -> int:
        return self.Z.shape[0]

    @property
    def labels(self) -> list[tuple[str, str]]:
        """(region, sector) for every row/column, region-major."""
        return [(r, s) for r in self.regions for s in self.sectors]

    def row_balance_residual(self) -> np.ndarray:
        """x - (Z 1 + Y 1 - m): the product-side identity.

        Competitive tables subtract imports m; non-competitive tables hold domestic flows only.
        """
        supply = self.Z.sum(axis=1) + self.Y.sum(axis=1)
        if self.m is not None:
            supply = supply - self.m
        return self.x - supply

    def column_balance_residual(self) -> np.ndarray | None:
        """x - (1'Z + 1'Zm + 1'V): the industry-side identity; None when V is missing."""
        if self.V is None:
            return None
        inputs = self.Z.sum(axis=0) + self.V.sum(axis=0)
        if self.Zm is not None:
            inputs = inputs + self.Zm.sum(axis=0)
        return self.x - inputs
