"""Node measures: supplier counts, concentration, import dependence, trade competitiveness, coverage.

Formulas (docs/chains.md):

- HHI = sum s_k^2 over shares s_k (of output; of provinces' output for the regional HHI); top-3 share.
- effective suppliers = 1 / HHI of capacity shares (capacity where given, else output).
- import dependence from node trade figures: M / (D + M - X) (imports over apparent consumption).
- from a non-competitive IO table: imported share of total use of product i (exports excluded,
  re-exports of imports too): (sum_j Zm_ij + sum_k Ym_ik - EXm_i) /
  (sum_j (Z_ij + Zm_ij) + sum_k (Y_ik + Ym_ik) - EX_i - EXm_i).
- trade competitiveness TC = (X - M) / (X + M).
- coverage = spare capacity of the other suppliers / output of the largest supplier; spare capacity
  = capacity - output where capacity is given, else ``SPARE_SHARE`` x output (about 80% utilisation,
  the proxy of ``core.network.alternatives``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import Unavailable
from ..network.alternatives import SPARE_SHARE


def hhi(values: np.ndarray) -> float | None:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return None
    s = v / v.sum()
    return float((s ** 2).sum())


def top_share(values: np.ndarray, k: int = 3) -> float | None:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return None
    return float(np.sort(v)[::-1][:k].sum() / v.sum())


def trade_import_dependence(imports: float | None, exports: float | None,
                            domestic_output: float | None) -> float | Unavailable:
    """M / (D + M - X); exports missing count as 0 (said by the caller)."""
    if imports is None or domestic_output is None:
        return Unavailable("needs imports and domestic_output")
    use = domestic_output + imports - (exports or 0.0)
    if use <= 0:
        return Unavailable(f"apparent consumption D + M - X = {use:g} is not positive")
    return float(imports / use)


def trade_competitiveness(imports: float | None, exports: float | None) -> float | Unavailable:
    if imports is None or exports is None:
        return Unavailable("needs imports and exports")
    if imports + exports <= 0:
        return Unavailable("no trade (exports + imports = 0)")
    return float((exports - imports) / (exports + imports))


def io_import_shares(Z: np.ndarray, Y: np.ndarray, Zm: np.ndarray, Ym: np.ndarray,
                     fd_labels: tuple[str, ...] | list[str]) -> np.ndarray:
    """Imported share of total use per product of a non-competitive table (NaN where no use).
    Exports (the final-demand column labelled EX / EXPORTS) are excluded from use on both the
    domestic and the imported rows (the imported rows' EX are re-exports)."""
    labels = [str(l).upper() for l in fd_labels]
    keep = np.array([l not in ("EX", "EXPORTS") for l in labels], dtype=bool)
    imported = Zm.sum(axis=1) + Ym[:, keep].sum(axis=1)
    domestic = Z.sum(axis=1) + Y[:, keep].sum(axis=1)
    total = imported + domestic
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, imported / total, np.nan)


def coverage(output: np.ndarray, capacity: np.ndarray | None = None,
             spare_share: float = SPARE_SHARE) -> tuple[float | Unavailable, str]:
    """(coverage ratio, basis text) for the loss of the largest supplier."""
    out = np.asarray(output, dtype=float)
    if not len(out) or not np.isfinite(out).any() or np.nansum(out) <= 0:
        return Unavailable("needs supplier output (output, capacity or revenue)"), ""
    big = int(np.nanargmax(out))
    cap = np.full(len(out), np.nan) if capacity is None else np.asarray(capacity, dtype=float)
    has_cap = np.isfinite(cap)
    spare = np.where(has_cap, np.maximum(cap - np.nan_to_num(out), 0.0), spare_share * np.nan_to_num(out))
    others = np.delete(spare, big)
    basis = ("capacity - output" if has_cap.all() else
             f"{spare_share:.0%} of output (no capacity)" if not has_cap.any() else
             f"capacity - output, {spare_share:.0%} of output where capacity is missing")
    return float(others.sum() / out[big]), basis


def concentration(output: np.ndarray, capacity: np.ndarray | None, provinces: np.ndarray) -> dict[str, Any]:
    out = np.asarray(output, dtype=float)
    cap = out if capacity is None else np.where(np.isfinite(capacity), capacity, out)
    eff = hhi(cap)
    reg: dict[str, float] = {}
    for p, v in zip(provinces, out):
        if np.isfinite(v) and v > 0:
            reg[str(p)] = reg.get(str(p), 0.0) + float(v)
    rv = np.array(list(reg.values()))
    top_p = max(reg, key=reg.get) if reg else None
    return {"firm_hhi": hhi(out), "top3_share": top_share(out, 3),
            "suppliers_effective": (1.0 / eff) if eff else None,
            "region_hhi": hhi(rv) if len(rv) else None,
            "top_region": top_p, "top_region_share": (reg[top_p] / rv.sum()) if top_p else None}
