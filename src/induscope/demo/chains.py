"""Two industrial chains with real-world node names, mapped to synthetic enterprises.

Nodes name real stages of the new-energy-vehicle and integrated-circuit chains; the enterprises
serving them are synthetic demo firms of the matching input-output sector, re-coded to the node's
GB/T 4754-2017 class.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# node id, name, stage, position, feeds (downstream node ids), IO42 sector, GB/T 4754 class
NEV = ("nev", "新能源汽车产业链 (new-energy vehicles)", [
    ("nev01", "锂钴镍资源 lithium, cobalt and nickel resources", "upstream", 0, "nev02", "04", "0939"),
    ("nev02", "正极材料 cathode materials", "upstream", 1, "nev06", "12", "2613"),
    ("nev03", "负极材料 anode materials", "upstream", 1, "nev06", "13", "3091"),
    ("nev04", "电解液 electrolytes", "upstream", 1, "nev06", "12", "2669"),
    ("nev05", "隔膜 separators", "upstream", 1, "nev06", "12", "2921"),
    ("nev06", "动力电池 traction batteries", "midstream", 2, "nev10", "19", "3841"),
    ("nev07", "驱动电机 drive motors", "midstream", 2, "nev10", "19", "3812"),
    ("nev08", "车规级芯片与电控 automotive chips and power electronics", "midstream", 2, "nev10", "20", "3962"),
    ("nev09", "汽车零部件 vehicle parts and components", "midstream", 2, "nev10", "18", "3670"),
    ("nev10", "新能源整车制造 new-energy vehicle assembly", "downstream", 3, "", "18", "3612"),
    ("nev11", "充换电设施 charging and battery-swap equipment", "downstream", 3, "", "19", "3829"),
])
IC = ("ic", "集成电路产业链 (integrated circuits)", [
    ("ic01", "电子特种气体与湿化学品 electronic gases and wet chemicals", "upstream", 0, "ic07", "12", "2661"),
    ("ic02", "光刻胶 photoresists", "upstream", 0, "ic07", "12", "2664"),
    ("ic03", "硅片与衬底 silicon wafers and substrates", "upstream", 0, "ic07", "20", "3985"),
    ("ic04", "半导体设备 semiconductor equipment", "upstream", 0, "ic07", "17", "3562"),
    ("ic05", "EDA 与 IP 核 EDA tools and IP cores", "upstream", 0, "ic06", "31", "6520"),
    ("ic06", "芯片设计 chip design", "midstream", 1, "ic07", "31", "6520"),
    ("ic07", "晶圆制造 wafer fabrication", "midstream", 2, "ic08", "20", "3973"),
    ("ic08", "封装测试 packaging and testing", "midstream", 3, "ic09,ic10,ic11", "20", "3973"),
    ("ic09", "通信设备 communication equipment", "downstream", 4, "", "20", "3921"),
    ("ic10", "计算机整机 computers", "downstream", 4, "", "20", "3911"),
    ("ic11", "汽车电子 automotive electronics", "downstream", 4, "", "20", "3962"),
])


#: node -> (firms serving it, key core technology, (imports, exports) as multiples of domestic output,
#: near-equal firm outputs). Chosen so that the demo shows every verdict: few suppliers and import
#: dependence (weak), many even suppliers with a trade surplus (strong), and the rest neutral.
PROFILE = {
    "nev01": (12, False, (1.8, 0.05), False), "nev05": (12, False, None, False),
    "nev06": (16, False, (0.04, 0.30), True), "nev07": (14, False, None, True),
    "nev08": (3, True, (1.6, 0.20), False), "nev09": (12, False, None, False),
    "ic01": (12, False, (0.45, 0.10), False), "ic02": (2, True, (3.0, 0.02), False),
    "ic03": (6, True, (1.2, 0.15), False), "ic04": (4, True, (2.5, 0.05), False),
    "ic05": (3, True, (4.0, 0.01), False), "ic06": (14, False, None, False),
    "ic07": (8, True, (1.4, 0.10), False), "ic08": (16, False, (0.05, 0.6), True),
}
#: share of a customer's revenue bought from each feeding node (split over its suppliers there)
CHAIN_INPUT_SHARE = 0.04


def synthetic_chains(enterprises: pd.DataFrame, seed: int, firms_per_node: int = 12,
                     links: pd.DataFrame | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(chains, nodes, node_firms, enterprises with chain firms re-coded to the node's class, links).

    ``links`` (supplier, customer, value, product): the firm network, returned with supply links
    along the chain (each firm of a node buys from 2-3 firms of every node feeding it; the leaders
    from one firm of the key-core node: single points of failure), the values of each sector pair
    rescaled so that the network still adds up to the IO table's flows."""
    rng = np.random.default_rng(seed + 20)
    enterprises = enterprises.copy()
    sector = enterprises["attributes"].map(lambda a: a["io42_sector"])
    taken: set[str] = set()
    chain_rows, node_rows, member_rows = [], [], []
    node_members: dict[tuple[str, str], list[int]] = {}
    for chain_id, name, nodes in (NEV, IC):
        chain_rows.append({"chain_id": chain_id, "name": name,
                           "description": "node names are real stages; the enterprises are SYNTHETIC"})
        last_position = max(node[3] for node in nodes)
        for node_id, node_name, stage, position, feeds, io42, klass in nodes:
            k_want, key_core, trade, even = PROFILE.get(node_id, (firms_per_node, False, None, False))
            pool = enterprises.index[(sector == io42) & ~enterprises["firm_id"].isin(taken)]
            k = min(k_want, len(pool))
            chosen = rng.choice(pool, size=k, replace=False) if k else []
            for idx in chosen:
                enterprises.at[idx, "industry"] = klass
                taken.add(enterprises.at[idx, "firm_id"])
            # the firm's output of the node: part of its revenue (near-equal where the node is 'even')
            rev = enterprises.loc[list(chosen), "revenue"].to_numpy(dtype=float) if k else np.zeros(0)
            if even and k:
                out = float(np.median(rev)) * 0.6 * rng.lognormal(0.0, 0.15, size=k)
            else:
                out = rev * rng.uniform(0.5, 0.9, size=k)
            cap = out / rng.uniform(0.7, 0.95, size=k)
            dom = float(out.sum())
            imports = exports = None
            if trade is not None:
                imports, exports = round(dom * trade[0], 2), round(dom * trade[1], 2)
            node_rows.append({"chain_id": chain_id, "node_id": node_id, "name": node_name, "stage": stage,
                              "position": position, "parent": feeds or None, "industry": klass,
                              "io_sector": io42, "hs_codes": None, "key_core": key_core,
                              "imports": imports, "exports": exports,
                              "domestic_output": round(dom, 2) if trade is not None else None})
            node_members[(chain_id, node_id)] = list(chosen)
            # the largest firm of the most downstream node(s) leads the chain
            order = np.argsort(-rev, kind="stable") if k else []
            for rank, j in enumerate(order):
                idx = chosen[j]
                role = "leader" if rank == 0 and position == last_position else "member"
                member_rows.append({"chain_id": chain_id, "node_id": node_id,
                                    "firm_id": enterprises.at[idx, "firm_id"], "role": role,
                                    "output": round(float(out[j]), 2), "capacity": round(float(cap[j]), 2)})
    members = pd.DataFrame(member_rows)
    if links is not None:
        links = _chain_links(links, enterprises, sector, node_rows, node_members, members, rng)
    return (pd.DataFrame(chain_rows), pd.DataFrame(node_rows), members, enterprises, links)


def _chain_links(links: pd.DataFrame, enterprises: pd.DataFrame, sector: pd.Series, node_rows: list[dict],
                 node_members: dict, members: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    fid = enterprises["firm_id"].to_numpy()
    rev = enterprises["revenue"].to_numpy(dtype=float)
    leaders = set(members.loc[members["role"] == "leader", "firm_id"])
    key_core = {(r["chain_id"], r["node_id"]) for r in node_rows if r["key_core"]}
    new = []
    for r in node_rows:
        ups = (r["chain_id"], r["node_id"])
        sup_idx = node_members.get(ups, [])
        if not sup_idx:
            continue
        for down in [t for t in str(r["parent"] or "").split(",") if t]:
            for c in node_members.get((r["chain_id"], down), []):
                # leaders buy a key-core input from one firm only: a single point of failure
                k = 1 if (fid[c] in leaders and ups in key_core) else int(rng.integers(2, 4))
                k = min(k, len(sup_idx))
                pick = rng.choice(sup_idx, size=k, replace=False)
                for s in pick:
                    if s != c:
                        new.append({"supplier": fid[s], "customer": fid[c],
                                    "value": rev[c] * CHAIN_INPUT_SHARE / k, "product": sector.iat[s]})
    if not new:
        return links
    sec = dict(zip(fid, sector))
    new_df = pd.DataFrame(new)
    flows = set(links["supplier"].map(sec) + ">" + links["customer"].map(sec))
    # only where the IO table has a flow between the two sectors (the network stays consistent with it)
    new_df = new_df[(new_df["supplier"].map(sec) + ">" + new_df["customer"].map(sec)).isin(flows)]
    out = pd.concat([links, new_df], ignore_index=True)
    out = out.groupby(["supplier", "customer", "product"], as_index=False, sort=True)["value"].sum()
    pair = out["supplier"].map(sec) + ">" + out["customer"].map(sec)
    old_pair = links["supplier"].map(sec) + ">" + links["customer"].map(sec)
    old_tot = links["value"].groupby(old_pair).sum()
    new_tot = out["value"].groupby(pair).sum()
    # keep each sector pair's total (the IO flow); a pair without flow keeps the chain links as drawn
    factor = pair.map(lambda p: old_tot[p] / new_tot[p] if p in old_tot.index and new_tot[p] > 0 else 1.0)
    out["value"] = np.round(out["value"] * factor, 4)
    return out[["supplier", "customer", "value", "product"]]
