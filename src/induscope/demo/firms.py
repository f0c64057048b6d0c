"""Synthetic enterprises with SME attributes and a firm-to-firm supply network consistent with the
demo input-output table (links drawn by its domestic technical coefficients).

The firm network is the economy scaled down: revenues and link values are the IO table's flows times
``scale`` so that a typical demo firm has the revenue of a typical industrial SME.

Redundancy. Firms in observed production networks buy most inputs from several suppliers: in the
national VAT and invoice networks compared by Bacilieri et al. (2023, "Firm-level production
networks: what do we (really) know?", INET Oxford WP 2023-08) the mean number of suppliers runs from
about ten to several dozen per firm, and multi-sourcing of the same input is the rule for all but
the smallest buyers. The size-weighted draw alone gives a demo firm about six suppliers in all and,
often, a single supplier of an essential input (an input of at least ``ESSENTIAL_SHARE`` of the
buyer sector's intermediate inputs, the rule ``induscope network export`` uses). A single supplier
passes its whole loss on, so a lockdown of 3% of firms emptied three quarters of the network. So
``multi_source`` tops every essential input a firm buys up to ``SUPPLIERS_PER_INPUT`` suppliers
(fewer where the sector has fewer firms) for ``MULTI_SOURCED`` of the firms (the rest keep a
single source, as small buyers do), and the values of each sector pair are rescaled so that the
network still adds up to the IO table's flows.
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
#: an input is essential for a sector when it is at least this share of its intermediate inputs
ESSENTIAL_SHARE = 0.10
#: suppliers per essential input after multi-sourcing, and the share of firms that multi-source
SUPPLIERS_PER_INPUT = 4
MULTI_SOURCED = 0.85


def multi_source(links: pd.DataFrame, firms: pd.DataFrame, Z: np.ndarray, sectors: list[str],
                 rng: np.random.Generator) -> pd.DataFrame:
    """Top up essential inputs to several suppliers (see the module docstring). ``links``: supplier,
    customer, value; ``firms``: firm, industry, size; ``Z``: flows (rows supplier sector)."""
    pos = {s: i for i, s in enumerate(sectors)}
    inputs = Z.sum(axis=0)
    share = np.divide(Z, inputs[None, :], out=np.zeros_like(Z), where=inputs[None, :] > 0)
    essential = share >= ESSENTIAL_SHARE
    sec = firms.set_index("firm")["industry"].map(pos)
    size = firms["size"].to_numpy(dtype=float)
    fid = firms["firm"].to_numpy()
    by_sector = {k: np.flatnonzero(firms["industry"].map(pos).to_numpy() == k) for k in range(len(sectors))}
    k_of = sec.loc[links["supplier"]].to_numpy()
    l_of = sec.loc[links["customer"]].to_numpy()
    have: dict[tuple[str, int], set] = {}
    for s_, c_, k in zip(links["supplier"].to_numpy(), links["customer"].to_numpy(), k_of):
        have.setdefault((c_, int(k)), set()).add(s_)
    pair_mean = links.assign(k=k_of, l=l_of).groupby(["k", "l"])["value"].mean()
    new_s, new_c, new_v = [], [], []
    for (c_, k), sups in sorted(have.items()):
        l = int(sec.at[c_])
        if not essential[k, l] or rng.random() >= MULTI_SOURCED:
            continue
        pool = by_sector[k]
        want = min(SUPPLIERS_PER_INPUT, len(pool) - (1 if l == k else 0)) - len(sups)
        if want <= 0:
            continue
        cand = np.array([i for i in pool if fid[i] not in sups and fid[i] != c_])
        if not len(cand):
            continue
        p = size[cand] / size[cand].sum()
        pick = rng.choice(cand, size=min(want, len(cand)), replace=False, p=p)
        for i in pick:
            new_s.append(fid[i])
            new_c.append(c_)
            new_v.append(float(pair_mean[(k, l)]) * float(rng.lognormal(0.0, 1.0)))
    if not new_s:
        return links
    out = pd.concat([links, pd.DataFrame({"supplier": new_s, "customer": new_c, "value": new_v})],
                    ignore_index=True)
    k_all = sec.loc[out["supplier"]].to_numpy()
    l_all = sec.loc[out["customer"]].to_numpy()
    key = k_all * len(sectors) + l_all
    old = np.bincount(key[:len(links)], weights=links["value"].to_numpy(), minlength=len(sectors) ** 2)
    now = np.bincount(key, weights=out["value"].to_numpy(), minlength=len(sectors) ** 2)
    out["value"] = out["value"].to_numpy() * old[key] / now[key]
    return out


def synthetic_enterprises(table: IOTable, n_firms: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """(enterprises, links, scale): enterprises in the workspace layout, links in 10,000 CNY a year."""
    from .. import reference

    provinces = reference.provinces()
    region_codes = provinces["code"].tolist()
    weights = [_REGION_SIZE[c] for c in region_codes]
    A_d = table.Z / table.x[None, :]
    firms, links = synthetic_firm_network(A_d, table.x, table.sectors, n_firms, mean_out_degree=6.0,
                                          seed=seed, regions=region_codes, region_weights=weights)
    Z_all = table.Z if table.Zm is None else table.Z + table.Zm
    links = multi_source(links, firms, Z_all, list(table.sectors), np.random.default_rng(seed + 11))
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
