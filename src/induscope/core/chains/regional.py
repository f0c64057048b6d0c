"""Regional completeness of a chain for a province or city, and the investment-attraction list.

Per node: local suppliers (node firms whose region code lies in the region), local share of
national capacity (capacity where given, else output), status:
  missing  no local supplier;  thin  local share < ``THIN_SHARE``;  present  otherwise.
Completeness index = share of nodes present; value-weighted = sum over present nodes of the node's
national output / sum over all nodes (nodes without output figures weigh 0 there).
Candidates for missing and thin nodes: the node's firms elsewhere, ranked by
score = 0.5 x size (share of the node's national output) + 0.3 x ties (share of the region's chain
firms in adjacent nodes they already trade with) + 0.2 x spare capacity share; each with why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..network.alternatives import SPARE_SHARE
from .assess import node_output
from .model import Chain, province_of, region_prefix

THIN_SHARE = 0.10
TOP_CANDIDATES = 5


@dataclass(frozen=True, eq=False)
class RegionalCompleteness:
    chain_id: str
    region: str
    nodes: pd.DataFrame  # node_id, name, status, local_suppliers, local_share, candidates, ...
    candidates: pd.DataFrame  # node_id, rank, firm_id, region, score, why
    sources: pd.DataFrame  # province, value, share: where the local chain firms buy from
    completeness: float
    completeness_weighted: float | None

    def to_frame(self) -> pd.DataFrame:
        return self.nodes.copy()

    def to_dict(self) -> dict[str, Any]:
        return {"chain_id": self.chain_id, "region": self.region, "completeness": self.completeness,
                "completeness_weighted": self.completeness_weighted,
                "present": int((self.nodes["status"] == "present").sum()),
                "thin": int((self.nodes["status"] == "thin").sum()),
                "missing": int((self.nodes["status"] == "missing").sum()),
                "nodes": self.nodes, "candidates": self.candidates, "buys_from": self.sources}


def completeness(chain: Chain, firms: pd.DataFrame, region: str, links: pd.DataFrame | None = None,
                 *, thin_share: float = THIN_SHARE, top: int = TOP_CANDIDATES) -> RegionalCompleteness:
    """``firms``: firm_id, region, revenue; ``links``: supplier, customer, value (any firms)."""
    nf = node_output(chain, firms)
    pre = region_prefix(region)
    nf["local"] = nf["region"].astype(str).str.startswith(pre)
    cap = nf["capacity"].where(nf["capacity"].notna(), nf["value"]).fillna(0.0)
    nf["cap"] = cap
    spare = np.where(nf["capacity"].notna(), np.maximum(nf["capacity"].fillna(0) - nf["value"].fillna(0), 0),
                     SPARE_SHARE * nf["value"].fillna(0))
    nf["spare"] = spare
    local_firms = set(nf.loc[nf["local"], "firm_id"])
    # trade ties: who trades with the region's chain firms
    ties: dict[str, set[str]] = {}
    if links is not None and len(links):
        lk = links[links["supplier"].isin(local_firms) | links["customer"].isin(local_firms)]
        for s, c in zip(lk["supplier"], lk["customer"]):
            if s in local_firms:
                ties.setdefault(c, set()).add(s)
            if c in local_firms:
                ties.setdefault(s, set()).add(c)
    rows, cand_rows = [], []
    weights, present_w = 0.0, 0.0
    for node in chain.nodes.itertuples(index=False):
        g = nf[nf["node_id"] == node.node_id]
        tot = float(g["cap"].sum())
        loc = g[g["local"]]
        share = float(loc["cap"].sum()) / tot if tot > 0 else (1.0 if len(loc) else 0.0)
        status = "missing" if loc.empty else ("thin" if share < thin_share else "present")
        node_value = float(g["value"].fillna(0).sum())
        weights += node_value
        if status == "present":
            present_w += node_value
        cands: list[str] = []
        if status != "present":
            adj = set(chain.feeds.get(node.node_id, ())) | set(chain.fed_by.get(node.node_id, ()))
            adj_local = set(nf.loc[nf["local"] & nf["node_id"].isin(adj), "firm_id"])
            others = g[~g["local"]].copy()
            if len(others):
                size = others["cap"] / tot if tot > 0 else 0.0
                tie = others["firm_id"].map(lambda f: len(ties.get(f, set()) & adj_local) /
                                            len(adj_local) if adj_local else 0.0)
                sp = others["spare"] / max(float(others["spare"].sum()), 1e-300)
                others["score"] = 0.5 * size + 0.3 * tie + 0.2 * sp
                others["ties"] = others["firm_id"].map(lambda f: len(ties.get(f, set()) & adj_local))
                others = others.sort_values(["score", "firm_id"], ascending=[False, True]).head(top)
                for rank, r in enumerate(others.itertuples(index=False), start=1):
                    why = [f"{r.cap / tot:.0%} of the node's national capacity" if tot > 0 else "serves the node",
                           f"spare capacity {r.spare:,.0f} (10,000 CNY)"]
                    if r.ties:
                        why.append(f"already trades with {r.ties} local firm(s) of adjacent nodes")
                    cand_rows.append({"node_id": node.node_id, "rank": rank, "firm_id": r.firm_id,
                                      "region": r.region, "score": float(r.score),
                                      "capacity": float(r.cap), "why": "; ".join(why)})
                    cands.append(str(r.firm_id))
        rows.append({"node_id": node.node_id, "status": status, "local_suppliers": int(len(loc)),
                     "local_share": share, "candidates": ";".join(cands), "name": node.name,
                     "stage": node.stage, "national_suppliers": int(len(g)),
                     "local_capacity": float(loc["cap"].sum()), "national_capacity": tot})
    nodes = pd.DataFrame(rows, columns=["node_id", "status", "local_suppliers", "local_share", "candidates",
                                        "name", "stage", "national_suppliers", "local_capacity",
                                        "national_capacity"])
    # where the local chain buys from: links into local chain firms, by the supplier's province
    src = pd.DataFrame(columns=["province", "value", "share"])
    if links is not None and len(links) and local_firms:
        region_of = firms.set_index("firm_id")["region"]
        lk = links[links["customer"].isin(local_firms)]
        if len(lk):
            prov = lk["supplier"].map(region_of).map(province_of)
            s = lk.groupby(prov)["value"].sum().sort_values(ascending=False)
            src = pd.DataFrame({"province": s.index, "value": s.to_numpy(), "share": (s / s.sum()).to_numpy()})
    comp = float((nodes["status"] == "present").mean()) if len(nodes) else float("nan")
    return RegionalCompleteness(chain.chain_id, region, nodes,
                                pd.DataFrame(cand_rows, columns=["node_id", "rank", "firm_id", "region",
                                                                 "score", "capacity", "why"]),
                                src, comp, present_w / weights if weights > 0 else None)
