"""Accounting identities of an input-output table, checked on import.

Row (product) balance:   x = Z 1 + Y 1 - m          (m only in competitive-import tables)
Column (industry) balance: x = 1'Z + 1'Zm + 1'V      (Zm only in non-competitive-import tables)
Imports (non-competitive): total imports = Zm 1 + Ym 1, when the file states the total.

Residuals are relative to the sector's gross output; for a sector whose gross output is zero, to
the largest gross output of the table (so an empty sector with stray flows is still caught).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..core.iomodels.table import IOTable
from ..errors import InputError, ProblemCollector

#: default relative tolerance for the balance checks (the NBS tables balance to about 1e-9)
DEFAULT_TOLERANCE = 1e-6


def relative(residual: np.ndarray, scale: np.ndarray) -> np.ndarray:
    scale = np.abs(np.asarray(scale, dtype=float))
    floor = scale.max() if scale.size and scale.max() > 0 else 1.0
    return np.abs(residual) / np.where(scale > 0, scale, floor)


def balance_report(t: IOTable, imports_total: np.ndarray | None = None) -> dict[str, float | None]:
    """Largest relative residual of each identity (for the import summary)."""
    out: dict[str, float | None] = {"row_balance": float(relative(t.row_balance_residual(), t.x).max())}
    c = t.column_balance_residual()
    out["column_balance"] = None if c is None else float(relative(c, t.x).max())
    if imports_total is not None and t.Zm is not None:
        used = t.Zm.sum(axis=1) + (t.Ym.sum(axis=1) if t.Ym is not None else 0.0)
        out["imports_balance"] = float(relative(imports_total - used, imports_total).max())
    return out


def check_balance(t: IOTable, pc: ProblemCollector, *, tolerance: float = DEFAULT_TOLERANCE,
                  row_of: Mapping[int, int] | None = None, import_row_of: Mapping[int, int] | None = None,
                  x_column: str = "x", total_row: int | None = None,
                  imports_total: np.ndarray | None = None) -> None:
    """Add a problem for every sector row/column whose balance misses by more than ``tolerance``.

    ``row_of`` maps a sector index to its file row (for the message); ``total_row`` is the file row
    of the column totals, if the file has one.
    """
    labels = [s if len(t.regions) == 1 else f"{r}/{s}" for r, s in t.labels]
    unit = t.unit
    r = t.row_balance_residual()
    rel = relative(r, t.x)
    minus_m = " - imports" if t.m is not None else ""
    for i in np.flatnonzero(rel > tolerance):
        pc.add(row=None if row_of is None else row_of.get(int(i)), column=x_column,
               value=f"residual {r[i]:.6g} {unit} ({rel[i]:.2e} relative)",
               expected=f"row {labels[i]} to balance: intermediate use + final use{minus_m} equal to "
                        f"gross output {t.x[i]:.6g} within {tolerance:g} relative")
    c = t.column_balance_residual()
    if c is not None:
        relc = relative(c, t.x)
        plus_zm = " + imported intermediate inputs" if t.Zm is not None else ""
        for j in np.flatnonzero(relc > tolerance):
            pc.add(row=total_row, column=t.sectors[j % len(t.sectors)] if len(t.regions) == 1 else labels[j],
                   value=f"residual {c[j]:.6g} {unit} ({relc[j]:.2e} relative)",
                   expected=f"column {labels[j]} to balance: intermediate inputs{plus_zm} + value added "
                            f"equal to gross output {t.x[j]:.6g} within {tolerance:g} relative")
    if imports_total is not None and t.Zm is not None:
        used = t.Zm.sum(axis=1) + (t.Ym.sum(axis=1) if t.Ym is not None else 0.0)
        ri = imports_total - used
        reli = relative(ri, imports_total)
        for i in np.flatnonzero(reli > tolerance):
            pc.add(row=None if import_row_of is None else import_row_of.get(int(i)), column=x_column,
                   value=f"residual {ri[i]:.6g} {unit} ({reli[i]:.2e} relative)",
                   expected=f"imported row {labels[i]} to balance: imported intermediate + final use "
                            f"equal to total imports {imports_total[i]:.6g} within {tolerance:g} relative")


def check_tolerance(tolerance: float) -> float:
    if not (np.isfinite(tolerance) and 0 < tolerance < 1):
        raise InputError(f"--tolerance must be a relative tolerance in (0, 1), got {tolerance}")
    return float(tolerance)
