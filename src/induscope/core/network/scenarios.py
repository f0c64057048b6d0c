"""Shock scenarios on a firm network: any psi, losses by firm, industry and region.

A scenario combines rules, each setting the capacity lost psi for some firms: named firms, every
firm of a region (a lockdown), every firm of an industry, or a full psi vector. Where rules
overlap the largest loss applies. The GL cascade (``esri.GLCascade``) propagates it; the result
reports the production kept h = min(h_d, h_u) and the loss by firm, industry and region, and the
cascade's extent step by step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ...errors import InputError, NotFoundError
from .esri import CascadeResult, GLCascade


@dataclass(frozen=True)
class Scenario:
    """Capacity losses psi in [0, 1]: by firm code, by region, by industry, or a full vector."""

    name: str = "scenario"
    firms: Mapping[str, float] = field(default_factory=dict)
    regions: Mapping[str, float] = field(default_factory=dict)
    industries: Mapping[str, float] = field(default_factory=dict)
    psi: np.ndarray | None = None

    def vector(self, cascade: GLCascade) -> np.ndarray:
        """The psi vector over the network's firms (max over the rules)."""
        net = cascade.network
        psi = np.zeros(net.n)
        if self.psi is not None:
            v = np.asarray(self.psi, dtype=float)
            if v.shape != (net.n,):
                raise InputError(f"psi must have one value per firm ({net.n}), got {v.shape}")
            psi = np.maximum(psi, v)
        for label, rules, values in (("firm", self.firms, None),
                                     ("region", self.regions, net.attrs.get("region")),
                                     ("industry", self.industries, net.industry)):
            for key, val in rules.items():
                val = float(val)
                if not 0.0 <= val <= 1.0:
                    raise InputError(f"the capacity lost by {label} {key!r} must lie in [0, 1], got {val}")
                if label == "firm":
                    idx = net.indices([key])
                else:
                    if values is None:
                        raise InputError(f"a {label} scenario needs a '{label}' column in the firms table")
                    idx = np.nonzero(values.astype(str) == str(key))[0]
                    if len(idx) == 0:
                        known = sorted(set(values.astype(str).tolist()))
                        raise NotFoundError(f"no firm in {label} {key!r}; known: {', '.join(known[:20])}"
                                            + (" ..." if len(known) > 20 else ""))
                psi[idx] = np.maximum(psi[idx], val)
        if not ((psi >= 0) & (psi <= 1)).all():
            raise InputError("psi must lie in [0, 1]")
        if not psi.any():
            raise InputError(f"scenario {self.name!r} shocks no firm (psi is 0 everywhere)")
        return psi

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "firms": dict(self.firms), "regions": dict(self.regions),
                "industries": dict(self.industries), "psi_vector": self.psi is not None}


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """Outcome of one scenario. Losses are in the unit of the link values (sales lost,
    s_out (1 - h)) and as shares of all network sales (sum w (1 - h), the ESRI of the scenario)."""

    scenario: Scenario
    cascade: CascadeResult
    firms: pd.DataFrame  # affected firms: firm, industry[, region], psi, h_d, h_u, h, sales, loss
    by_industry: pd.DataFrame
    by_region: pd.DataFrame | None
    extent: pd.DataFrame  # step, affected_firms, loss_share
    loss_share: float
    loss_share_down: float
    loss_share_up: float
    loss_value: float

    @property
    def iterations(self) -> int:
        return self.cascade.iterations

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario.to_dict(), "iterations": self.cascade.iterations,
                "converged": self.cascade.converged, "loss_share": self.loss_share,
                "loss_share_down": self.loss_share_down, "loss_share_up": self.loss_share_up,
                "loss_value": self.loss_value, "affected_firms": int(len(self.firms)),
                "by_industry": self.by_industry,
                "by_region": self.by_region if self.by_region is not None else None,
                "extent": self.extent, "firms": self.firms}


def _group(df: pd.DataFrame, key: str, totals: pd.Series) -> pd.DataFrame:
    g = df.groupby(key, sort=False).agg(affected_firms=("firm", "size"), loss=("loss", "sum"))
    g = g.reindex(totals.index, fill_value=0)
    g["sales"] = totals
    with np.errstate(divide="ignore", invalid="ignore"):
        g["loss_share"] = np.where(g["sales"] > 0, g["loss"] / g["sales"], np.nan)
    g = g.reset_index().rename(columns={"index": key})
    return g.sort_values("loss", ascending=False, kind="stable").reset_index(drop=True)


def run(cascade: GLCascade, scenario: Scenario) -> ScenarioResult:
    """Propagate the scenario and report its losses."""
    net = cascade.network
    psi = scenario.vector(cascade)
    r = cascade.run(psi, trace=True)
    s_out = net.s_out
    idx = r.idx
    hd, hu = r.h_d_touched, r.h_u_touched
    h = np.minimum(hd, hu)
    keep = h < 1.0
    idx, hd, hu, h = idx[keep], hd[keep], hu[keep], h[keep]
    df = pd.DataFrame({"firm": net.firms[idx], "industry": net.industry[idx]})
    region = net.attrs.get("region")
    if region is not None:
        df["region"] = region[idx]
    df["psi"] = psi[idx]
    df["h_d"] = hd
    df["h_u"] = hu
    df["h"] = h
    df["sales"] = s_out[idx]
    df["loss"] = s_out[idx] * (1.0 - h)
    df = df.sort_values("loss", ascending=False, kind="stable").reset_index(drop=True)
    tot_ind = pd.Series(s_out).groupby(net.industry.astype(str)).sum()
    by_ind = _group(df.assign(industry=df["industry"].astype(str)), "industry", tot_ind)
    by_reg = None
    if region is not None:
        tot_reg = pd.Series(s_out).groupby(pd.Series(region).astype(str)).sum()
        by_reg = _group(df.assign(region=df["region"].astype(str)), "region", tot_reg)
    ext = r.extent if r.extent is not None else np.zeros((0, 2))
    extent = pd.DataFrame({"step": np.arange(1, len(ext) + 1), "affected_firms": ext[:, 0].astype(int),
                           "loss_share": ext[:, 1]})
    total, down, up = r.losses()
    return ScenarioResult(scenario, r, df, by_ind, by_reg, extent, total, down, up,
                          float(df["loss"].sum()))
