"""Firm-level cascades for chains, and the explanation of every scenario's loss.

The GL cascade (``core.network.esri``) is used as it is. On top of it:

- ``restrict``: the sub-network of a chain's firms (links among them only);
- ``explain``: the loss of a scenario split into the direct loss (sum w psi), the downstream
  cascade (firms short of inputs: h_d <= h_u) and the upstream cascade (firms that lost customers),
  step by step (the cascade re-run with the step cap 1, 2, ...: the engine's own states), and the
  firms and links the loss passed through. Each firm's cascade loss w_j (1 - h_j - psi_j) is
  attributed to its damaged suppliers (downstream channel) in proportion to W_ij (1 - h_d_i), or to
  its damaged customers (upstream channel) in proportion to W_jk (1 - h_u_k): an accounting of where
  the loss came from, not a second model. When the total exceeds ``AMPLIFICATION_NOTE`` times the
  direct loss, the result carries a plain-language account of the path.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..network.esri import GLCascade, run_scenario
from ..network.network import SupplyNetwork

#: a total loss above this multiple of the direct loss gets a written explanation
AMPLIFICATION_NOTE = 10.0
#: steps reported one by one (later steps are summed into the last row)
MAX_STEPS = 60


def restrict(net: SupplyNetwork, firm_ids: Sequence[str]) -> SupplyNetwork:
    """The network of ``firm_ids`` (those present) and the links among them."""
    keep = np.zeros(net.n, dtype=bool)
    idx = {f: k for k, f in enumerate(net.firms.tolist())}
    for f in firm_ids:
        k = idx.get(str(f))
        if k is not None:
            keep[k] = True
    new = -np.ones(net.n, dtype=np.int64)
    new[keep] = np.arange(int(keep.sum()))
    lk = keep[net.sup] & keep[net.cus]
    attrs = {k: np.asarray(v)[keep] for k, v in net.attrs.items()}
    return SupplyNetwork(net.firms[keep], net.industry[keep], new[net.sup[lk]], new[net.cus[lk]],
                         net.W[lk], attrs)


@dataclass(frozen=True, eq=False)
class Explanation:
    """Where a scenario's loss came from (values in the unit of the link values; shares of all
    network sales)."""

    total_sales: float
    direct: float
    downstream: float
    upstream: float
    steps: pd.DataFrame  # step, direct, downstream, upstream, total (cumulative shares), new_*
    firms: pd.DataFrame  # firm, industry, region, psi, h_d, h_u, h, loss, direct, cascade, channel, passed_on
    links: pd.DataFrame  # source, target, channel, value (loss attributed to the link)
    path: list[str]
    note: str | None

    @property
    def total(self) -> float:
        return self.direct + self.downstream + self.upstream

    @property
    def amplification(self) -> float | None:
        return self.total / self.direct if self.direct > 0 else None

    def to_dict(self, top: int = 15) -> dict[str, Any]:
        return {"loss_share": self.total, "direct_share": self.direct,
                "downstream_share": self.downstream, "upstream_share": self.upstream,
                "loss_value": self.total * self.total_sales, "direct_value": self.direct * self.total_sales,
                "downstream_value": self.downstream * self.total_sales,
                "upstream_value": self.upstream * self.total_sales,
                "amplification": self.amplification, "steps": self.steps,
                "top_firms": self.firms.sort_values("passed_on", ascending=False).head(top),
                "top_links": self.links.head(top), "path": self.path, "note": self.note}


def _split(psi: np.ndarray, hd: np.ndarray, hu: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    h = np.minimum(hd, hu)
    casc = np.maximum(1.0 - h - psi, 0.0)
    down = hd <= hu
    return float(w @ psi), float(w @ (casc * down)), float(w @ (casc * ~down))


def explain(cascade: GLCascade, psi: Mapping[str, float] | np.ndarray, *, top_links: int = 50) -> Explanation:
    """Run the scenario and account for its loss (see the module docstring)."""
    net = cascade.network
    idx, val = cascade.shock(psi if not isinstance(psi, Mapping) else dict(psi))
    psi_v = np.zeros(net.n)
    psi_v[idx] = val
    r = run_scenario(cascade.kernel, idx, val, trace=True, engine=cascade.engine)
    w = r.w
    total_sales = float(net.s_out.sum())
    hd, hu = r.h_d, r.h_u
    h = np.minimum(hd, hu)
    D, Dn, Up = _split(psi_v, hd, hu, w)

    # step by step: the same engine stopped after k steps
    rows = []
    K = min(int(r.iterations), MAX_STEPS)
    prev = (D, 0.0, 0.0)
    for k in range(1, K + 1):
        if k == r.iterations:
            s = (D, Dn, Up)
        else:
            rk = run_scenario(replace(cascade.kernel, max_iter=k), idx, val, trace=False,
                              engine=cascade.engine)
            s = _split(psi_v, rk.h_d, rk.h_u, w)
        if k == K and K < r.iterations:
            s = (D, Dn, Up)
        rows.append({"step": k, "direct": s[0], "downstream": s[1], "upstream": s[2],
                     "total": sum(s), "new_downstream": s[1] - prev[1], "new_upstream": s[2] - prev[2],
                     "affected_firms": int(r.extent[k - 1, 0]) if r.extent is not None and
                     len(r.extent) >= k else None})
        prev = s
    steps = pd.DataFrame(rows, columns=["step", "direct", "downstream", "upstream", "total",
                                        "new_downstream", "new_upstream", "affected_firms"])

    # per firm
    hit = np.flatnonzero(h < 1.0)
    casc = np.maximum(1.0 - h - psi_v, 0.0)
    channel = np.where(hd <= hu, "downstream", "upstream")
    s_out = net.s_out
    region = net.attrs.get("region")
    # attribute each firm's cascade loss (in value) to its damaged neighbours
    src_l, tgt_l, ch_l, val_l = [], [], [], []
    for j in hit.tolist():
        lost = float(casc[j] * w[j] * total_sales)
        if lost <= 0:
            continue
        if channel[j] == "downstream":
            sups, W = net.suppliers_of(j)
            dmg = W * (1.0 - hd[sups])
            nb = sups
        else:
            nb, W = net.customers_of(j)
            dmg = W * (1.0 - hu[nb])
        tot = dmg.sum()
        if tot <= 0:
            continue
        share = dmg / tot
        m = share > 0
        src_l.append(nb[m])
        tgt_l.append(np.full(int(m.sum()), j))
        ch_l.append(np.full(int(m.sum()), channel[j], dtype=object))
        val_l.append(lost * share[m])
    if src_l:
        src = np.concatenate(src_l)
        tgt = np.concatenate(tgt_l)
        ch = np.concatenate(ch_l)
        vals = np.concatenate(val_l)
    else:
        src = tgt = np.zeros(0, dtype=np.int64)
        ch = np.zeros(0, dtype=object)
        vals = np.zeros(0)
    passed = np.bincount(src, weights=vals, minlength=net.n) if len(src) else np.zeros(net.n)
    firms = pd.DataFrame({"firm": net.firms[hit], "industry": net.industry[hit]})
    if region is not None:
        firms["region"] = np.asarray(region)[hit]
    firms["psi"] = psi_v[hit]
    firms["h_d"] = hd[hit]
    firms["h_u"] = hu[hit]
    firms["h"] = h[hit]
    firms["loss"] = s_out[hit] * (1.0 - h[hit])
    firms["direct"] = s_out[hit] * psi_v[hit]
    firms["cascade"] = s_out[hit] * casc[hit]
    firms["channel"] = np.where(psi_v[hit] >= 1.0 - h[hit] - 1e-15, "direct", channel[hit])
    firms["passed_on"] = passed[hit]
    firms = firms.sort_values("loss", ascending=False, kind="stable").reset_index(drop=True)
    order = np.argsort(-vals, kind="stable")[:top_links]
    links = pd.DataFrame({"source": net.firms[src[order]], "target": net.firms[tgt[order]],
                          "channel": ch[order], "value": vals[order]})

    # the main path: from the firm with the largest cascade loss back to a shocked firm
    path: list[str] = []
    if len(src) and casc.any():
        j = int(np.argmax(casc * s_out))
        seen = set()
        while j not in seen and len(path) < 12:
            seen.add(j)
            path.append(str(net.firms[j]))
            if psi_v[j] > 0:
                break
            m = tgt == j
            if not m.any():
                break
            j = int(src[m][np.argmax(vals[m])])
        path = path[::-1]

    note = None
    total = D + Dn + Up
    if D > 0 and total > AMPLIFICATION_NOTE * D:
        relays = firms[(firms["psi"] == 0) & (firms["passed_on"] > 0)] \
            .sort_values("passed_on", ascending=False).head(5)
        n_down = int(((firms["channel"] == "downstream")).sum())
        n_up = int(((firms["channel"] == "upstream")).sum())
        note = (f"The loss ({total:.1%} of network sales) is {total / D:.0f} times the direct loss "
                f"({D:.2%}). {n_down} firm(s) lost production because inputs from damaged suppliers "
                f"were missing (downstream cascade, {Dn:.1%}); {n_up} lost customers (upstream cascade, "
                f"{Up:.1%}). Most of the loss passed through "
                + (", ".join(f"{r.firm} ({r.industry}) {r.passed_on:,.0f}" for r in relays.itertuples())
                   or "the shocked firms themselves")
                + (f"; the main path: {' -> '.join(path)}" if len(path) > 1 else "")
                + ". Firms with one supplier of an essential input pass the whole shortfall on; more "
                  "suppliers per input, or replaceability by market (--market), limit the cascade.")
    return Explanation(total_sales, D, Dn, Up, steps, firms, links, path, note)


def supplier_failure_exposure(cascade: GLCascade, failed: str, watched: Sequence[str],
                              output: Mapping[str, float]) -> float:
    """Share of the watched firms' output lost when ``failed`` stops (psi = 1): sum over watched of
    output (1 - h) / sum of output. ``output`` maps firm -> output (firms absent count 0)."""
    net = cascade.network
    r = cascade.run({failed: 1.0}, trace=False)
    h = np.minimum(r.h_d, r.h_u)
    pos = net.index()
    tot = lost = 0.0
    for f in set(watched):
        o = float(output.get(f, 0.0) or 0.0)
        tot += o
        k = pos.get(f)
        if k is not None:
            lost += o * (1.0 - h[k])
    return lost / tot if tot > 0 else float("nan")
