"""Alternative suppliers for a failed or at-risk supplier.

For supplier f (and optionally one of its customers), the lost input is what f sells to them.
Candidates are the other firms of f's product (``product`` attribute) or, else, of its industry.
Each is scored on four criteria, each in [0, 1]:

- coverage: spare capacity / lost input, capped at 1. Spare capacity is ``capacity - sales``
  when a ``capacity`` column is given, else the proxy ``spare_share * sales`` (default 20% of
  current sales: firms typically run near 80% utilisation);
- relationship: share of the affected customers the candidate already supplies (any input);
- region: share of the affected customers in the candidate's region (``region`` column);
- proximity: 1 / (1 + distance / 100 km) to the affected customers (``lat``/``lon`` columns).

score = sum of weights x criteria (default coverage 0.4, relationship 0.3, region 0.15,
proximity 0.15; criteria without data are left out and the weights renormalised). Every
candidate comes with a plain-language explanation. For the best ``evaluate`` candidates the
ESRI of f is recomputed with the candidate added as a supplier of the affected customers (the
covered amount, split in proportion to each customer's loss): the drop is what the alternative
is worth for the economy's exposure to f.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ...errors import InputError
from .esri import GLCascade, run_scenario
from .network import SupplyNetwork

DEFAULT_WEIGHTS = {"coverage": 0.4, "relationship": 0.3, "region": 0.15, "proximity": 0.15}
SPARE_SHARE = 0.2


def _haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


@dataclass(frozen=True, eq=False)
class AlternativesResult:
    failed: str
    customers: list[str]
    lost_input: float
    basis: str  # "product" or "industry"
    esri_before: float | None
    candidates: pd.DataFrame
    weights: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"failed": self.failed, "customers": self.customers, "lost_input": self.lost_input,
                "basis": self.basis, "esri_before": self.esri_before, "weights": self.weights,
                "notes": self.notes, "candidates": self.candidates}


def find(cascade: GLCascade, failed: str, *, customer: str | None = None, top: int = 10,
         evaluate: int = 5, weights: Mapping[str, float] | None = None,
         spare_share: float = SPARE_SHARE) -> AlternativesResult:
    """Rank alternative suppliers for ``failed`` (and one ``customer`` of it, if given)."""
    net: SupplyNetwork = cascade.network
    f = int(net.indices([failed])[0])
    cus, vals = net.customers_of(f)
    if customer is not None:
        c = int(net.indices([customer])[0])
        keep = cus == c
        if not keep.any():
            raise InputError(f"{failed} does not supply {customer}")
        cus, vals = cus[keep], vals[keep]
    notes: list[str] = []
    if len(cus) == 0:
        raise InputError(f"{failed} sells nothing in the network: there is no lost input to replace")
    lost = float(vals.sum())
    product = net.attrs.get("product")
    if product is not None and product[f] is not None:
        basis = "product"
        same = np.array([p == product[f] for p in product])
    else:
        basis = "industry"
        same = net.industry == net.industry[f]
    same[f] = False
    cand = np.nonzero(same)[0]
    s_out = net.s_out
    cap = net.attrs.get("capacity")
    if cap is not None:
        spare = np.where(np.isnan(cap[cand]), spare_share * s_out[cand], np.maximum(cap[cand] - s_out[cand], 0.0))
        notes.append("spare capacity = capacity - sales (proxy where capacity is missing)")
    else:
        spare = spare_share * s_out[cand]
        notes.append(f"spare capacity proxy = {spare_share:.0%} of current sales (no 'capacity' column)")
    coverage = np.minimum(1.0, spare / lost)
    # existing relationships: does the candidate already sell to the affected customers?
    aff = set(cus.tolist())
    rel_count = np.zeros(len(cand))
    pos = {int(c): k for k, c in enumerate(cand)}
    for j in cus.tolist():
        sups, _ = net.suppliers_of(j)
        for s in sups.tolist():
            k = pos.get(int(s))
            if k is not None:
                rel_count[k] += 1
    relationship = rel_count / len(aff)
    crit = {"coverage": coverage, "relationship": relationship}
    region = net.attrs.get("region")
    if region is not None:
        creg = region[cus]
        crit["region"] = np.array([(creg == region[c]).mean() for c in cand]) if len(cand) else np.zeros(0)
    lat, lon = net.attrs.get("lat"), net.attrs.get("lon")
    dist = None
    if lat is not None and lon is not None:
        lat = np.asarray(pd.to_numeric(pd.Series(lat), errors="coerce"), dtype=float)
        lon = np.asarray(pd.to_numeric(pd.Series(lon), errors="coerce"), dtype=float)
        w_c = vals / vals.sum()
        dist = np.array([float(np.nansum(w_c * _haversine_km(lat[c], lon[c], lat[cus], lon[cus])))
                         if not np.isnan(lat[c]) else np.nan for c in cand])
        crit["proximity"] = np.where(np.isnan(dist), 0.0, 1.0 / (1.0 + np.nan_to_num(dist) / 100.0))
    wts = {k: float(v) for k, v in (weights or DEFAULT_WEIGHTS).items() if k in crit}
    if not wts or sum(wts.values()) <= 0:
        raise InputError(f"weights must be positive for at least one of {', '.join(crit)}")
    tot = sum(wts.values())
    wts = {k: v / tot for k, v in wts.items()}
    score = sum(wts[k] * crit[k] for k in wts) if len(cand) else np.zeros(0)
    df = pd.DataFrame({"firm": net.firms[cand], "industry": net.industry[cand], "sales": s_out[cand],
                       "spare_capacity": spare, "coverage": coverage,
                       "existing_customers": rel_count.astype(int), "score": score})
    if region is not None:
        df["region"] = region[cand]
        df["same_region_share"] = crit["region"]
    if dist is not None:
        df["distance_km"] = dist
    df = df.sort_values(["score", "sales"], ascending=False, kind="stable").head(top).reset_index(drop=True)
    df["explanation"] = [_explain(row, lost, len(aff), basis, net.industry[f], product[f] if basis == "product" else None)
                         for row in df.itertuples(index=False)]

    esri_before = None
    if evaluate > 0 and len(df):
        k = cascade.kernel
        base = run_scenario(k, np.array([f]), np.ones(1), engine=cascade.engine)
        esri_before = base.losses()[0]
        after = []
        for r in range(len(df)):
            if r >= evaluate:
                after.append(np.nan)
                continue
            c = int(net.indices([df.at[r, "firm"]])[0])
            add = min(df.at[r, "spare_capacity"], lost) * (vals / lost)
            sup = np.concatenate([net.sup, np.full(len(cus), c)])
            cu = np.concatenate([net.cus, cus])
            W = np.concatenate([net.W, add])
            keep = W > 0
            net2 = net.with_links(sup[keep], cu[keep], W[keep])
            # with_links sums nothing: merge a new link with an existing candidate -> customer link
            net2 = _merge_duplicates(net2)
            m2 = GLCascade(net2, cascade.essentiality, **cascade.options)
            after.append(m2.run({str(net.firms[f]): 1.0}, trace=False).losses()[0])
        df["esri_after"] = after
        df["esri_drop"] = esri_before - df["esri_after"]
        notes.append("esri_after: ESRI of the failed supplier with the candidate added as a supplier "
                     "of the affected customers (covered amount)")
    return AlternativesResult(str(net.firms[f]), [str(x) for x in net.firms[cus]], lost, basis,
                              esri_before, df, wts, notes)


def _merge_duplicates(net: SupplyNetwork) -> SupplyNetwork:
    key = net.sup * net.n + net.cus
    uniq, inv = np.unique(key, return_inverse=True)
    if len(uniq) == len(key):
        return net
    W = np.bincount(inv, weights=net.W)
    return net.with_links(uniq // net.n, uniq % net.n, W)


def _explain(row: Any, lost: float, n_aff: int, basis: str, industry: str, product: Any) -> str:
    parts = [f"same {basis} ({product if basis == 'product' else industry})"]
    parts.append(f"spare capacity {row.spare_capacity:,.4g} covers {row.coverage:.0%} of the lost input "
                 f"({lost:,.4g})")
    if row.existing_customers:
        parts.append(f"already supplies {row.existing_customers} of the {n_aff} affected customer(s)")
    else:
        parts.append("no existing relationship with the affected customers")
    share = getattr(row, "same_region_share", None)
    if share is not None:
        parts.append(f"{share:.0%} of the affected customers are in its region ({row.region})")
    d = getattr(row, "distance_km", None)
    if d is not None and d == d:
        parts.append(f"about {d:,.0f} km from them")
    return "; ".join(parts)
