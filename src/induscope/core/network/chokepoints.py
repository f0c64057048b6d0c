"""Chokepoints of a firm network.

- sole essential suppliers: customer j buys an input industry k that is essential for it
  (E[k, p_j] = 2) from exactly one supplier -- that link is a single point of failure;
- supplier concentration: HHI of the suppliers' shares per (customer, input industry) and per
  industry nationally (shares of the industry's sales in the network);
- the EU strategic-dependency test for imported products (European Commission SWD(2021) 352):
  HHI of the outside source countries > 0.4, share of imports coming from outside > 0.5, and
  outside imports / exports > 1 -- all three make a product a strategic dependency;
- "hidden" critical firms: high ESRI for a small size.

All computations are O(links) (grouped sums over the link list).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ...errors import InputError, ProblemCollector
from .esri import industry_positions
from .network import Essentiality, SupplyNetwork

#: thresholds of the EU test (SWD(2021) 352, section 2)
EU_HHI = 0.4
EU_OUTSIDE_SHARE = 0.5
EU_IMPORT_EXPORT = 1.0


def _slots(net: SupplyNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group links by (customer, supplier industry): returns (slot of each link, slot customer,
    slot industry code)."""
    ind = net.industry.astype(str)
    codes, kk = np.unique(ind, return_inverse=True)
    K = len(codes)
    key = net.cus * K + kk[net.sup]
    uniq, slot = np.unique(key, return_inverse=True)
    return slot, uniq // K, codes[uniq % K]


def supplier_concentration(net: SupplyNetwork, ess: Essentiality | None = None) -> pd.DataFrame:
    """One row per (customer, input industry): suppliers, purchases, HHI of supplier shares, the
    largest supplier and its share, and the input's class for the customer when E is given."""
    slot, owner, kcode = _slots(net)
    G = len(owner)
    pi0 = np.bincount(slot, weights=net.W, minlength=G)
    share = net.W / pi0[slot]
    hhi = np.bincount(slot, weights=share ** 2, minlength=G)
    nsup = np.bincount(slot, minlength=G)
    # largest supplier per slot
    order = np.lexsort((-share, slot))
    first = order[np.r_[0, np.nonzero(np.diff(slot[order]))[0] + 1]]
    df = pd.DataFrame({"customer": net.firms[owner], "customer_industry": net.industry[owner],
                       "input_industry": kcode, "suppliers": nsup, "purchases": pi0, "hhi": hhi,
                       "top_supplier": net.firms[net.sup[first]], "top_share": share[first]})
    if ess is not None:
        pos = ess.position()
        k_idx = np.array([pos.get(c, -1) for c in kcode])
        l_idx = np.array([pos.get(str(c), -1) for c in net.industry[owner]])
        cls = np.where((k_idx >= 0) & (l_idx >= 0), ess.E[np.maximum(k_idx, 0), np.maximum(l_idx, 0)], -1)
        df["input_class"] = pd.Series(cls).map({2: "essential", 1: "linear", 0: "none", -1: "unknown"})
    return df


def sole_essential_suppliers(net: SupplyNetwork, ess: Essentiality) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(links, suppliers): the links that are a customer's only source of an essential input, and
    per supplier how many customers depend on it that way and their sales."""
    pk = industry_positions(net, ess)
    cls = ess.E[pk[net.sup], pk[net.cus]]
    slot, owner, kcode = _slots(net)
    nsup = np.bincount(slot, minlength=len(owner))
    s_in = net.s_in
    s_out = net.s_out
    sel = np.nonzero((cls == 2) & (nsup[slot] == 1))[0]
    links = pd.DataFrame({"supplier": net.firms[net.sup[sel]], "supplier_industry": net.industry[net.sup[sel]],
                          "customer": net.firms[net.cus[sel]], "customer_industry": net.industry[net.cus[sel]],
                          "value": net.W[sel],
                          # s_in > 0 here: the link itself is a purchase
                          "share_of_customer_inputs": net.W[sel] / s_in[net.cus[sel]],
                          "customer_sales": s_out[net.cus[sel]]})
    sup = (links.groupby(["supplier", "supplier_industry"], sort=False)
           .agg(dependent_customers=("customer", "size"), dependent_sales=("customer_sales", "sum"),
                value=("value", "sum"))
           .reset_index().sort_values(["dependent_customers", "dependent_sales"], ascending=False,
                                       kind="stable").reset_index(drop=True))
    links = links.sort_values("customer_sales", ascending=False, kind="stable").reset_index(drop=True)
    return links, sup


def industry_concentration(net: SupplyNetwork) -> pd.DataFrame:
    """Per industry: firms with sales, total sales, HHI of the firms' shares, largest firm."""
    s_out = net.s_out
    df = pd.DataFrame({"firm": net.firms, "industry": net.industry.astype(str), "sales": s_out})
    df = df[df["sales"] > 0]
    tot = df.groupby("industry")["sales"].transform("sum")
    df = df.assign(share=df["sales"] / tot)
    g = df.groupby("industry").agg(firms=("firm", "size"), sales=("sales", "sum"),
                                   hhi=("share", lambda s: float((s ** 2).sum())))
    top = df.sort_values("share", ascending=False, kind="stable").groupby("industry").head(1)
    top = top.set_index("industry")[["firm", "share"]].rename(columns={"firm": "top_firm", "share": "top_share"})
    return g.join(top).reset_index().sort_values("hhi", ascending=False, kind="stable").reset_index(drop=True)


def strategic_dependencies(trade: pd.DataFrame, inside: Iterable[str] = (), *, source: str = "trade",
                           hhi_threshold: float = EU_HHI, share_threshold: float = EU_OUTSIDE_SHARE,
                           ratio_threshold: float = EU_IMPORT_EXPORT) -> pd.DataFrame:
    """The EU strategic-dependency test per product.

    ``trade``: columns product, partner, imports, exports (the home bloc's imports from and
    exports to each partner). ``inside``: partners inside the bloc (their flows are not
    "outside"). Per product: HHI of outside partners' import shares, share of imports from
    outside, outside imports / total exports (NaN with ``no_exports`` when exports are 0), the
    three flags and ``dependent`` (all three)."""
    pc = ProblemCollector(source)
    for col in ("product", "partner", "imports", "exports"):
        if col not in trade.columns:
            pc.add(row=1, column=col, expected=f"a '{col}' column")
    pc.raise_if_any()
    t = trade.copy()
    for col in ("imports", "exports"):
        v = pd.to_numeric(t[col], errors="coerce")
        for r in np.nonzero((v.isna() | (v < 0)).to_numpy())[0].tolist():
            pc.add(row=r + 2, column=col, value=t[col].iloc[r], expected="a number >= 0")
        t[col] = v
    pc.raise_if_any()
    t["product"] = t["product"].astype(str)
    t["partner"] = t["partner"].astype(str)
    inside = {str(p) for p in inside}
    t["outside"] = ~t["partner"].isin(inside)
    out_imp = t[t["outside"]].groupby(["product", "partner"])["imports"].sum()
    tot_out = out_imp.groupby(level=0).sum()
    hhi = (out_imp / tot_out.reindex(out_imp.index, level=0)).pow(2).groupby(level=0).sum()
    g = t.groupby("product").agg(imports=("imports", "sum"), exports=("exports", "sum"))
    g["outside_imports"] = tot_out.reindex(g.index).fillna(0.0)
    g["hhi_outside"] = hhi.reindex(g.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        g["outside_share"] = np.where(g["imports"] > 0, g["outside_imports"] / g["imports"], np.nan)
        g["import_export_ratio"] = np.where(g["exports"] > 0, g["outside_imports"] / g["exports"], np.nan)
    g["no_exports"] = g["exports"] <= 0
    g["concentrated"] = g["hhi_outside"] > hhi_threshold
    g["import_dependent"] = g["outside_share"] > share_threshold
    g["hard_to_substitute"] = np.where(g["no_exports"], g["outside_imports"] > 0,
                                       g["import_export_ratio"] > ratio_threshold)
    g["dependent"] = g["concentrated"] & g["import_dependent"] & g["hard_to_substitute"]
    return g.reset_index().sort_values(["dependent", "outside_imports"], ascending=False,
                                       kind="stable").reset_index(drop=True)


def hidden_critical(net: SupplyNetwork, esri: np.ndarray, *, esri_quantile: float = 0.95,
                    size_quantile: float = 0.5, size: np.ndarray | None = None) -> pd.DataFrame:
    """Firms in the top (1 - esri_quantile) by ESRI whose size is at or below the size_quantile:
    small firms whose failure would hit a large share of the economy. ``size`` defaults to the
    firms' ``size`` attribute, else their sales in the network."""
    esri = np.asarray(esri, dtype=float)
    if esri.shape != (net.n,):
        raise InputError(f"esri must have one value per firm ({net.n}), got {esri.shape}")
    if size is None:
        size = net.attrs.get("size")
        size = net.s_out if size is None else np.where(np.isnan(size), net.s_out, size)
    size = np.asarray(size, dtype=float)
    share = size / size.sum() if size.sum() > 0 else np.zeros_like(size)
    esri_cut = float(np.quantile(esri, esri_quantile))
    size_cut = float(np.quantile(size, size_quantile))
    esri_pct = pd.Series(esri).rank(pct=True).to_numpy()
    size_pct = pd.Series(size).rank(pct=True).to_numpy()
    sel = np.nonzero((esri >= esri_cut) & (esri > 0) & (size <= size_cut))[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        lever = np.where(share[sel] > 0, esri[sel] / share[sel], np.inf)
    df = pd.DataFrame({"firm": net.firms[sel], "industry": net.industry[sel], "esri": esri[sel],
                       "size": size[sel], "size_share": share[sel], "esri_percentile": esri_pct[sel],
                       "size_percentile": size_pct[sel], "esri_per_size_share": lever})
    return df.sort_values("esri", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class ChokepointReport:
    sole_links: pd.DataFrame
    sole_suppliers: pd.DataFrame
    customer_hhi: pd.DataFrame
    industry_hhi: pd.DataFrame
    strategic: pd.DataFrame | None = None
    hidden: pd.DataFrame | None = None

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        cut = (lambda d: d) if top is None else (lambda d: d.head(top))
        out: dict[str, Any] = {
            "sole_essential_links": int(len(self.sole_links)),
            "sole_essential_suppliers": cut(self.sole_suppliers),
            "concentrated_inputs": int((self.customer_hhi["hhi"] >= 0.999999).sum()),
            "industry_hhi": cut(self.industry_hhi),
        }
        if self.strategic is not None:
            out["strategic_dependencies"] = cut(self.strategic)
            out["dependent_products"] = int(self.strategic["dependent"].sum())
        if self.hidden is not None:
            out["hidden_critical_firms"] = cut(self.hidden)
        return out


def report(net: SupplyNetwork, ess: Essentiality, *, trade: pd.DataFrame | None = None,
           inside: Iterable[str] = (), esri: np.ndarray | None = None, **hidden_kw: Any) -> ChokepointReport:
    links, sups = sole_essential_suppliers(net, ess)
    return ChokepointReport(links, sups, supplier_concentration(net, ess), industry_concentration(net),
                            None if trade is None else strategic_dependencies(trade, inside),
                            None if esri is None else hidden_critical(net, esri, **hidden_kw))
