"""Chain-leader view: multi-tier suppliers inside the chain, single points of failure, alternatives.

On the chain's firm network (``cascade.restrict``) with each firm's node as its ``product``:

- tier 1 = the leader's suppliers, tier t = suppliers of tier t-1 firms not met before (t <= k);
- a single point of failure (SPOF) is a supplier that is the only one of a node's product for a
  customer in the leader's supply tree (the leader or a tier < k firm); flagged ``essential`` when
  the essentiality matrix rates the supplier's industry essential for the customer's;
- ``leader_loss`` = share of the leader's production lost (1 - h) if the SPOF stops (GL cascade);
- alternatives: ``core.network.alternatives.find`` for the SPOF and that customer (same node first).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Mapping

import pandas as pd

from ...errors import InputError
from ..network import alternatives as alt
from ..network.esri import GLCascade


@dataclass(frozen=True, eq=False)
class LeaderView:
    chain_id: str
    leader: str
    tiers: pd.DataFrame  # firm, tier, node, industry, region, sme, sme_tier (certified SME tier)
    spofs: pd.DataFrame  # tier, supplier, customer, node, essential, value, leader_loss, alternatives
    alternatives: pd.DataFrame  # supplier, customer, rank, firm, score, coverage, explanation
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"chain_id": self.chain_id, "leader": self.leader,
                "suppliers_by_tier": self.tiers.groupby("tier").size().to_dict() if len(self.tiers) else {},
                "smes": int(self.tiers["sme"].sum()) if len(self.tiers) else 0,
                "smes_by_tier": self.tiers["sme_tier"].value_counts().to_dict() if len(self.tiers) else {},
                "single_points_of_failure": self.spofs, "alternatives": self.alternatives,
                "tiers": self.tiers, "notes": list(self.notes)}


def leader_view(cascade: GLCascade, chain_id: str, leader: str, *, max_tier: int = 3,
                smes: Collection[str] = (), sme_tiers: Mapping[str, str] | None = None,
                top_alternatives: int = 3) -> LeaderView:
    """``cascade``: built on the chain's firm network with attrs 'product' (node id) and 'region'."""
    net = cascade.network
    if leader not in net.index():
        raise InputError(f"{leader} is not a firm of the chain network")
    if max_tier < 1:
        raise InputError(f"max_tier must be >= 1, got {max_tier}")
    product = net.attrs.get("product")
    node_of = (lambda i: str(product[i])) if product is not None else (lambda i: str(net.industry[i]))
    region = net.attrs.get("region")
    pos_e = cascade.essentiality.position()
    E = cascade.essentiality.E
    sme_set = set(smes)
    L = int(net.index()[leader])
    tier = {L: 0}
    frontier = [L]
    spof_rows = []
    for t in range(1, max_tier + 1):
        nxt: list[int] = []
        for c in frontier:
            sups, W = net.suppliers_of(c)
            groups: dict[str, list[tuple[int, float]]] = {}
            for s, v in zip(sups.tolist(), W.tolist()):
                groups.setdefault(node_of(s), []).append((s, v))
                if s not in tier:
                    tier[s] = t
                    nxt.append(s)
            for node, members in groups.items():
                if len(members) == 1:
                    s, v = members[0]
                    ks, kc = pos_e.get(str(net.industry[s])), pos_e.get(str(net.industry[c]))
                    ess = bool(ks is not None and kc is not None and E[ks, kc] == 2)
                    spof_rows.append({"tier": t, "supplier": str(net.firms[s]), "customer": str(net.firms[c]),
                                      "node": node, "essential": ess, "value": float(v)})
        frontier = nxt
        if not frontier:
            break
    tiers = pd.DataFrame([{"firm": str(net.firms[i]), "tier": t, "node": node_of(i),
                           "industry": str(net.industry[i]),
                           "region": str(region[i]) if region is not None else None,
                           "sme": str(net.firms[i]) in sme_set,
                           "sme_tier": (sme_tiers or {}).get(str(net.firms[i]))}
                          for i, t in sorted(tier.items(), key=lambda kv: (kv[1], str(net.firms[kv[0]])))
                          if t > 0], columns=["firm", "tier", "node", "industry", "region", "sme", "sme_tier"])
    spofs = pd.DataFrame(spof_rows, columns=["tier", "supplier", "customer", "node", "essential", "value"])
    alt_rows = []
    if len(spofs):
        loss = {}
        for s in spofs["supplier"].unique():
            r = cascade.run({s: 1.0}, trace=False)
            loss[s] = float(1.0 - min(r.h_d[L], r.h_u[L]))
        spofs["leader_loss"] = spofs["supplier"].map(loss)
        spofs = spofs.sort_values(["essential", "leader_loss", "value"], ascending=[False, False, False],
                                  kind="stable").reset_index(drop=True)
        names = []
        for row in spofs.itertuples(index=False):
            try:
                res = alt.find(cascade, row.supplier, customer=row.customer, top=top_alternatives, evaluate=0)
                cands = res.candidates
            except InputError:
                cands = pd.DataFrame()
            names.append(";".join(cands["firm"].astype(str)) if len(cands) else "")
            for rank, c in enumerate(cands.itertuples(index=False), start=1):
                alt_rows.append({"supplier": row.supplier, "customer": row.customer, "rank": rank,
                                 "firm": c.firm, "score": float(c.score), "coverage": float(c.coverage),
                                 "explanation": c.explanation})
        spofs["alternatives"] = names
    else:
        spofs["leader_loss"] = pd.Series(dtype=float)
        spofs["alternatives"] = pd.Series(dtype=object)
    notes = ("tiers follow supply links among the chain's firms only",
             "SME: industry size class of NBS (2017): not large (large = 1,000+ employees and revenue of "
             "400 million CNY+)")
    return LeaderView(chain_id, leader, tiers, spofs,
                      pd.DataFrame(alt_rows, columns=["supplier", "customer", "rank", "firm", "score",
                                                      "coverage", "explanation"]), notes)
