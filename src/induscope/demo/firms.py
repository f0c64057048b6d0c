"""Synthetic enterprises with SME attributes and a firm-to-firm supply network consistent with the
demo input-output table (links drawn by its domestic technical coefficients).

The firm network is the economy scaled down: revenues and link values are the IO table's flows times
``scale`` so that a typical demo firm has the revenue of a typical industrial SME.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.iomodels.table import IOTable
from ..core.network.synthetic import synthetic_firm_network
from .series import _DIVISION_SIZE, _REGION_SIZE

#: median demo firm revenue, 10,000 CNY (50 million CNY: a typical industrial SME)
MEDIAN_REVENUE = 5_000.0
RD_INSTITUTIONS = ("none", "below_municipal", "municipal", "provincial", "national")


def synthetic_enterprises(table: IOTable, n_firms: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """(enterprises, links, scale): enterprises in the workspace layout, links in 10,000 CNY a year."""
    from .. import reference

    provinces = reference.provinces()
    region_codes = provinces["code"].tolist()
    weights = [_REGION_SIZE[c] for c in region_codes]
    A_d = table.Z / table.x[None, :]
    firms, links = synthetic_firm_network(A_d, table.x, table.sectors, n_firms, mean_out_degree=6.0,
                                          seed=seed, regions=region_codes, region_weights=weights)
    scale = MEDIAN_REVENUE / float(np.median(firms["size"]))
    rng = np.random.default_rng(seed + 10)
    n = len(firms)

    sectors = reference.nbs_io42_sectors().set_index("code")
    division = np.empty(n, dtype=object)
    for code, idx in firms.groupby("industry").indices.items():
        divs = sectors.loc[code, "divisions"].split()
        w = np.array([_DIVISION_SIZE.get(d, 1.0) for d in divs])
        division[idx] = rng.choice(divs, size=len(idx), p=w / w.sum())

    revenue = firms["size"].to_numpy() * scale
    growth1 = rng.normal(0.08, 0.12, size=n)
    growth2 = rng.normal(0.07, 0.12, size=n)
    revenue_prev = revenue / (1.0 + growth1)
    revenue_prev2 = revenue_prev / (1.0 + growth2)
    employees = np.maximum(3, np.round(revenue / rng.lognormal(np.log(60.0), 0.4, size=n))).astype(int)
    rd_ratio = np.clip(rng.lognormal(np.log(0.025), 0.8, size=n), 0.0, 0.4)
    short = provinces.set_index("code")["short_zh"]
    names = [f"{short[r]}{sectors.loc[s, 'name_zh'][:8]}示范企业{i + 1:04d}（合成）"
             for i, (r, s) in enumerate(zip(firms["region"], firms["industry"]))]

    attributes = []
    for k in range(n):
        ip1 = int(rng.poisson(1.2 if rd_ratio[k] > 0.03 else 0.3))
        attributes.append({
            "synthetic": True,
            "io42_sector": firms["industry"].iat[k],
            "revenue_prev": round(float(revenue_prev[k]), 2),
            "revenue_prev2": round(float(revenue_prev2[k]), 2),
            "main_business_share": round(float(np.clip(rng.normal(0.82, 0.12), 0.3, 1.0)), 4),
            "rd_expense": round(float(revenue[k] * rd_ratio[k]), 2),
            "rd_expense_prev": round(float(revenue_prev[k] * rd_ratio[k] * rng.uniform(0.8, 1.1)), 2),
            "rd_staff_share": round(float(np.clip(rng.lognormal(np.log(0.08), 0.7), 0.0, 0.9)), 4),
            "debt_ratio": round(float(np.clip(rng.normal(0.52, 0.15), 0.05, 0.98)), 4),
            "net_profit_margin": round(float(rng.normal(0.06, 0.05)), 4),
            "years_in_niche": int(rng.integers(0, 25)),
            "ip_class1": ip1,
            "ip_class1_self_developed": bool(ip1 and rng.random() < 0.7),
            "ip_high_value": bool(ip1 and rng.random() < 0.15),
            "ip_class2": int(rng.poisson(3.0)),
            "rd_institution": str(rng.choice(RD_INSTITUTIONS, p=[0.45, 0.15, 0.2, 0.15, 0.05])),
            "digital_level": int(rng.choice([1, 2, 3, 4], p=[0.35, 0.4, 0.2, 0.05])),
            "quality_items": int(rng.integers(0, 5)),
            "strategic_emerging": bool(rng.random() < 0.3),
            "niche_market_share": round(float(np.clip(rng.lognormal(np.log(0.02), 1.0), 0.0, 0.8)), 4),
            "own_brand": bool(rng.random() < 0.6),
            "equity_financing_2y": round(float(rng.random() < 0.1) * float(rng.lognormal(np.log(3000), 1.0)), 2),
            "high_tech_enterprise": bool(rd_ratio[k] > 0.03 and rng.random() < 0.6),
        })
    enterprises = pd.DataFrame({
        "firm_id": firms["firm"], "name": names, "region": firms["region"], "industry": division,
        "revenue": np.round(revenue, 2), "employees": employees,
        "founded": rng.integers(1985, 2022, size=n), "attributes": attributes,
    })
    links = links.assign(value=np.round(links["value"].to_numpy() * scale, 4), product=firms.set_index("firm")
                         .loc[links["supplier"], "industry"].to_numpy())
    return enterprises, links, scale
