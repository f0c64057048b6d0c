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


def synthetic_chains(enterprises: pd.DataFrame, seed: int, firms_per_node: int = 12
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(chains, nodes, node_firms, enterprises with chain firms re-coded to the node's class)."""
    rng = np.random.default_rng(seed + 20)
    enterprises = enterprises.copy()
    sector = enterprises["attributes"].map(lambda a: a["io42_sector"])
    taken: set[str] = set()
    chain_rows, node_rows, member_rows = [], [], []
    for chain_id, name, nodes in (NEV, IC):
        chain_rows.append({"chain_id": chain_id, "name": name,
                           "description": "node names are real stages; the enterprises are SYNTHETIC"})
        last_position = max(node[3] for node in nodes)
        for node_id, node_name, stage, position, feeds, io42, klass in nodes:
            node_rows.append({"chain_id": chain_id, "node_id": node_id, "name": node_name, "stage": stage,
                              "position": position, "parent": feeds or None, "industry": klass})
            pool = enterprises.index[(sector == io42) & ~enterprises["firm_id"].isin(taken)]
            k = min(firms_per_node, len(pool))
            chosen = rng.choice(pool, size=k, replace=False) if k else []
            for idx in chosen:
                enterprises.at[idx, "industry"] = klass
                taken.add(enterprises.at[idx, "firm_id"])
            # the largest firm of the most downstream node(s) leads the chain
            ranked = sorted(chosen, key=lambda i: -enterprises.at[i, "revenue"])
            for rank, idx in enumerate(ranked):
                role = "leader" if rank == 0 and position == last_position else "member"
                member_rows.append({"chain_id": chain_id, "node_id": node_id,
                                    "firm_id": enterprises.at[idx, "firm_id"], "role": role})
    return (pd.DataFrame(chain_rows), pd.DataFrame(node_rows), pd.DataFrame(member_rows), enterprises)
