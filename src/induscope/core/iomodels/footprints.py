"""Consumption- and production-based accounts of a satellite account (pymrio's D_* quantities).

For a multi-regional table with satellite account F (k x n), S = F x^-1 and final demand aggregated
by consuming region Y_r (n x R). With x_diag[:, (r, s)] = L diag-by-sector(Y_r) (the output needed
for region r's final demand for product s, pymrio's ``x_diag``):
  D_cba[:, (r, s)] = S x_diag[:, (r, s)] = sum_r' M[:, (r', s)] Y_r[(r', s), r]     footprints
  D_pba            = S diag(L y)                                                     territorial
  D_imp[:, (r, s)] = D_cba minus the part produced inside r                          imported
  D_exp            = S diag(x_exp),  x_exp_i = sum_{r != region(i)} (L Y_r)_(i, r)    exported
and the per-region totals (D_cba_reg, D_pba_reg: plus F_Y by region; D_imp_reg, D_exp_reg).
Nothing n x n beyond L is formed: pymrio builds x_diag (n x n) explicitly; here the region blocks of
S L (k x R x n) carry the same information.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ModelError
from .result import frozen
from .system import LeontiefSystem
from .table import IOTable


@dataclass(frozen=True, eq=False)
class FootprintResult:
    name: str
    rows: tuple[str, ...]
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    S: np.ndarray
    M: np.ndarray
    D_cba: np.ndarray
    D_pba: np.ndarray
    D_imp: np.ndarray
    D_exp: np.ndarray
    D_cba_reg: np.ndarray
    D_pba_reg: np.ndarray
    D_imp_reg: np.ndarray
    D_exp_reg: np.ndarray
    S_Y: np.ndarray | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for a in ("S", "M", "D_cba", "D_pba", "D_imp", "D_exp", "D_cba_reg", "D_pba_reg", "D_imp_reg",
                  "D_exp_reg", "S_Y"):
            object.__setattr__(self, a, frozen(getattr(self, a)))

    def frame(self, symbol: str) -> pd.DataFrame:
        """A labelled account: columns (region, sector) or region for the *_reg accounts."""
        M = getattr(self, symbol)
        if symbol.endswith("_reg"):
            cols: pd.Index = pd.Index(self.regions, name="region")
        else:
            cols = pd.MultiIndex.from_product([self.regions, self.sectors], names=["region", "sector"])
        return pd.DataFrame(np.asarray(M), index=pd.Index(self.rows, name="stressor"), columns=cols)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "regions": list(self.regions),
                "consumption_based_by_region": {r: dict(zip(self.rows, map(float, self.D_cba_reg[:, i])))
                                                for i, r in enumerate(self.regions)},
                "production_based_by_region": {r: dict(zip(self.rows, map(float, self.D_pba_reg[:, i])))
                                               for i, r in enumerate(self.regions)},
                "notes": list(self.notes)}


def footprint_accounts(system: LeontiefSystem, table: IOTable, name: str | None = None,
                       F: np.ndarray | None = None, F_Y: np.ndarray | None = None,
                       rows: tuple[str, ...] | None = None) -> FootprintResult:
    """Accounts of one satellite account (by ``name`` from the table's extensions, or F given)."""
    if F is None:
        ext = next((e for e in table.extensions if e.name == name), None)
        if ext is None:
            raise ModelError(f"no satellite account named {name!r} in the table")
        F, F_Y, rows = ext.F, ext.F_Y, ext.rows
    F = np.atleast_2d(np.asarray(F, dtype=float))
    k = F.shape[0]
    rows = rows or tuple(f"row{i + 1}" for i in range(k))
    if table.final_demand_regions is None:
        raise ModelError("footprint accounts need the region of each final-demand column "
                         "(IOTable.final_demand_regions)")
    regions = table.regions
    R, ns, n = len(regions), len(table.sectors), table.n
    rpos = {r: i for i, r in enumerate(regions)}
    unknown = sorted(set(table.final_demand_regions) - set(regions))
    if unknown:
        raise ModelError(f"final-demand regions not among the table's regions: {', '.join(unknown)}")
    ycol_region = np.array([rpos[r] for r in table.final_demand_regions])
    # Y aggregated by consuming region: n x R
    Yr = np.zeros((n, R))
    for j, r in enumerate(ycol_region):
        Yr[:, r] += table.Y[:, j]

    S = F * system.inv_x[None, :]
    # region blocks of S L: SLr[k, r, :] = sum over rows i in region r of S[k, i] L[i, :]
    Sblk = np.zeros((k, R, n))
    for r in range(R):
        sl = slice(r * ns, (r + 1) * ns)
        Sblk[:, r, sl] = S[:, sl]
    SLr = system.row_products(Sblk.reshape(k * R, n)).reshape(k, R, n)
    M = SLr.sum(axis=1)

    Y3 = Yr.reshape(R, ns, R)                          # (producing region r', sector s, consumer r)
    D_cba = np.einsum("kps,psc->kcs", M.reshape(k, R, ns), Y3).reshape(k, R * ns)
    # the part of D_cba produced inside the consuming region r: SLr[k, r, (r', s)] Y[(r', s), r]
    D_dom = np.einsum("krps,psr->krs", SLr.reshape(k, R, R, ns), Y3).reshape(k, R * ns)
    D_imp = D_cba - D_dom

    LY = system.solve(Yr)                              # n x R: output for each region's final demand
    x_tot = LY.sum(axis=1)
    D_pba = S * x_tot[None, :]
    own = LY[np.arange(n), table.region_of_rows()]
    D_exp = S * (x_tot - own)[None, :]

    def by_col_region(D: np.ndarray) -> np.ndarray:
        return D.reshape(k, R, ns).sum(axis=2)

    FY_reg = np.zeros((k, R))
    S_Y = None
    notes = []
    if F_Y is not None:
        F_Y = np.atleast_2d(np.asarray(F_Y, dtype=float))
        for j, r in enumerate(ycol_region):
            FY_reg[:, r] += F_Y[:, j]
        y = table.Y.sum(axis=0)
        zero = y == 0
        if zero.any():
            notes.append(f"{int(zero.sum())} final-demand column(s) sum to 0: their S_Y is set to 0 "
                         "(pymrio's convention)")
        inv = np.zeros_like(y)
        inv[~zero] = 1.0 / y[~zero]
        S_Y = F_Y * inv[None, :]
    return FootprintResult(
        name=name or "extension", rows=tuple(rows), regions=regions, sectors=table.sectors, S=S, M=M,
        D_cba=D_cba, D_pba=D_pba, D_imp=D_imp, D_exp=D_exp,
        D_cba_reg=by_col_region(D_cba) + FY_reg, D_pba_reg=by_col_region(D_pba) + FY_reg,
        D_imp_reg=by_col_region(D_imp), D_exp_reg=by_col_region(D_exp), S_Y=S_Y, notes=tuple(notes))
