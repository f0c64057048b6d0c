"""A synthetic input-output table on the NBS 42-sector classification (non-competitive-import layout).

Structure, not numbers, follows China's tables: heavy industry buys mostly from mining, metals and
chemicals; services buy services; electronics and crude oil are import-intensive. The table is built
from a coefficient matrix A = A_d + A_m and final demand, so x = (I - A_d)^-1 y holds exactly.
"""
from __future__ import annotations

import numpy as np

from ..core.iomodels.table import IOTable

# rough groups of the 42 sectors (codes '01'..'42') that shape the synthetic coefficients
_PRIMARY = {"01", "02", "03", "04", "05"}
_MANUFACTURING = {f"{i:02d}" for i in range(6, 24)}
_UTILITIES = {"24", "25", "26"}
_CONSTRUCTION = {"27"}
_SERVICES = {f"{i:02d}" for i in range(28, 43)}
# share of intermediate inputs of each product that is imported (non-competitive split)
_IMPORT_SHARE = {"03": 0.45, "04": 0.45, "20": 0.30, "21": 0.25, "12": 0.12, "16": 0.10, "17": 0.12,
                 "18": 0.10, "14": 0.10, "01": 0.06}

FINAL_DEMAND = ("TC", "FU201", "FU202", "EX")  # consumption, fixed capital, inventories, exports
VALUE_ADDED = ("VA001", "VA002", "VA003", "VA004")  # labour, net production taxes, depreciation, surplus


def _group(code: str) -> str:
    for name, members in (("primary", _PRIMARY), ("manufacturing", _MANUFACTURING),
                          ("utilities", _UTILITIES), ("construction", _CONSTRUCTION)):
        if code in members:
            return name
    return "services"


# how much each buying group draws from each selling group (before noise), per unit of output
_GROUP_COEFF = {
    ("primary", "primary"): 0.10, ("primary", "manufacturing"): 0.09, ("primary", "services"): 0.05,
    ("primary", "utilities"): 0.04, ("primary", "construction"): 0.03,
    ("manufacturing", "primary"): 0.04, ("manufacturing", "manufacturing"): 0.032,
    ("manufacturing", "services"): 0.012, ("manufacturing", "utilities"): 0.03,
    ("manufacturing", "construction"): 0.005,
    ("utilities", "primary"): 0.25, ("utilities", "manufacturing"): 0.02, ("utilities", "services"): 0.01,
    ("utilities", "utilities"): 0.12, ("utilities", "construction"): 0.02,
    ("construction", "primary"): 0.01, ("construction", "manufacturing"): 0.035,
    ("construction", "services"): 0.012, ("construction", "utilities"): 0.02,
    ("construction", "construction"): 0.005,
    ("services", "primary"): 0.03, ("services", "manufacturing"): 0.015, ("services", "services"): 0.02,
    ("services", "utilities"): 0.03, ("services", "construction"): 0.015,
}


def synthetic_io42(seed: int = 20251, year: int = 2020) -> IOTable:
    """A balanced 42-sector non-competitive-import table in 10,000 CNY (labelled synthetic)."""
    from .. import reference

    sectors = reference.nbs_io42_sectors()
    codes = tuple(sectors["code"])
    n = len(codes)
    rng = np.random.default_rng(seed)
    groups = [_group(c) for c in codes]
    A = np.empty((n, n))
    for j, gj in enumerate(groups):  # column = buyer
        for i, gi in enumerate(groups):  # row = seller
            A[i, j] = _GROUP_COEFF[(gj, gi)] * rng.lognormal(0.0, 0.6)
    # some strong, well-known links (input -> user): metals -> machinery, chemicals -> textiles, ...
    for seller, buyers, coeff in (("14", ("15", "16", "17", "18", "19"), 0.18), ("12", ("07", "13", "22"), 0.15),
                                  ("02", ("24", "11", "14"), 0.12), ("20", ("18", "21", "31"), 0.10),
                                  ("13", ("27",), 0.20), ("14", ("27",), 0.12), ("01", ("06",), 0.35),
                                  ("03", ("11",), 0.45), ("04", ("14",), 0.20), ("07", ("08",), 0.25)):
        for b in buyers:
            A[codes.index(seller), codes.index(b)] = coeff * rng.uniform(0.85, 1.15)
    # keep every column's total input share below 0.85 so value added stays positive
    colsum = A.sum(axis=0)
    A *= np.minimum(1.0, 0.80 / colsum)[None, :]
    m_share = np.array([_IMPORT_SHARE.get(c, 0.03) for c in codes])
    A_m = A * m_share[:, None]
    A_d = A - A_m
    # final demand for domestic products (10,000 CNY): consumption, fixed capital, inventories, exports
    base = rng.lognormal(np.log(1.4e8), 0.7, size=n)
    gcf_share = np.where([g in ("construction",) for g in groups], 0.85,
                         np.where([c in {"16", "17", "18", "19", "20"} for c in codes], 0.35, 0.05))
    ex_share = np.where([g == "manufacturing" for g in groups], 0.22, 0.05)
    inv_share = np.full(n, 0.02)
    tc_share = np.clip(1.0 - gcf_share - ex_share - inv_share, 0.02, None)
    Y = base[:, None] * np.column_stack([tc_share, gcf_share, inv_share, ex_share])
    x = np.linalg.solve(np.eye(n) - A_d, Y.sum(axis=1))
    Z = A_d * x[None, :]
    Zm = A_m * x[None, :]
    # imported products in final demand, proportional to their use intensity
    Ym = Y * np.clip(m_share, 0.0, 0.3)[:, None] * 0.5
    va_total = x - Z.sum(axis=0) - Zm.sum(axis=0)
    va_split = rng.dirichlet([6.0, 1.5, 2.0, 3.5], size=n)  # per sector, sums to 1
    V = (va_split * va_total[:, None]).T
    return IOTable(
        Z=Z, Y=Y, x=x, V=V, Zm=Zm, Ym=Ym, exports=Y[:, 3].copy(), sectors=codes,
        sector_names=tuple(sectors["name_zh"]), final_demand_labels=FINAL_DEMAND,
        value_added_labels=VALUE_ADDED, unit="10,000 CNY", year=year,
        name=f"SYNTHETIC demo IO table {year} (NBS 42 sectors)", import_type="non-competitive",
        regions=("CN",), metadata={"synthetic": True, "seed": seed},
    )
