"""Contribution rate (贡献率) and pull (拉动), official-rules.md section 3.3.

  contribution_i (%)  = dY_i / dY * 100, both increments at constant prices
  pull_i (points)     = g * contribution_i / 100 = dY_i / Y_{t-1} * 100 = s_{i,t-1} * g_i

Symbols: Y0 = base-period levels (t-1), Y1 = current levels at the same (constant) prices,
s = base-period shares of the whole, g = growth rates (%). When the parts exhaust the whole
(``whole`` not given), contributions sum to 100% and pulls to the growth of the whole. When a part
is measured against a larger whole (industry against GDP), pass the whole's base level and growth.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ...errors import ModelError, Unavailable


@dataclass(frozen=True, eq=False)
class ContributionResult:
    """Growth, contribution rate and pull of each part; the whole's growth."""

    g: pd.Series             # growth of each part (%)
    s0: pd.Series            # base-period share of each part in the whole (%)
    contribution: pd.Series  # % of the whole's constant-price increment; NaN only if unavailable
    pull: pd.Series          # percentage points of the whole's growth
    g_whole: float
    exhaustive: bool
    unavailable: Unavailable | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"part": self.g.index, "growth_pct": self.g.values,
                             "base_share_pct": self.s0.values,
                             "contribution_pct": self.contribution.values, "pull_pp": self.pull.values})

    def to_dict(self) -> dict[str, Any]:
        def f(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None
        return {
            "whole_growth_pct": f(self.g_whole), "exhaustive": self.exhaustive,
            "parts": {k: {"growth_pct": f(self.g[k]), "base_share_pct": f(self.s0[k]),
                          "contribution_pct": f(self.contribution[k]), "pull_pp": f(self.pull[k])}
                      for k in self.g.index},
            "unavailable": None if self.unavailable is None else self.unavailable.reason,
            "meta": dict(self.meta),
        }


class ContributionModel:
    """Contribution and pull from levels (``Y0``, ``Y1`` at the same prices) or from shares and rates.

    ``ContributionModel(Y0, Y1)``: parts exhaust the whole.
    ``ContributionModel(Y0, Y1, whole0=..., whole1=...)``: parts of a larger whole.
    ``ContributionModel.from_rates(s0=..., g=..., g_whole=...)``: base shares (%) and growth rates (%).
    """

    def __init__(self, Y0: Mapping[str, float] | pd.Series, Y1: Mapping[str, float] | pd.Series,
                 whole0: float | None = None, whole1: float | None = None):
        self.Y0 = pd.Series(Y0, dtype=float)
        self.Y1 = pd.Series(Y1, dtype=float).reindex(self.Y0.index)
        if self.Y1.isna().any() or self.Y0.isna().any():
            missing = self.Y0.index[self.Y1.isna() | self.Y0.isna()].tolist()
            raise ModelError(f"levels missing for parts {missing}")
        if (whole0 is None) != (whole1 is None):
            raise ModelError("give both the base and the current level of the whole, or neither")
        self.whole0 = whole0
        self.whole1 = whole1

    @classmethod
    def from_rates(cls, s0: Mapping[str, float] | pd.Series, g: Mapping[str, float] | pd.Series,
                   g_whole: float | None = None) -> "ContributionModel":
        """Base-period shares ``s0`` (% of the whole) and growth rates ``g`` (%) of the parts.

        Without ``g_whole`` the parts must exhaust the whole (shares summing to 100).
        """
        s0 = pd.Series(s0, dtype=float)
        g = pd.Series(g, dtype=float).reindex(s0.index)
        if g.isna().any():
            raise ModelError(f"growth missing for parts {s0.index[g.isna()].tolist()}")
        Y0 = s0
        Y1 = s0 * (1.0 + g / 100.0)
        if g_whole is None:
            return cls(Y0, Y1)
        return cls(Y0, Y1, whole0=100.0, whole1=100.0 * (1.0 + g_whole / 100.0))

    def run(self) -> ContributionResult:
        exhaustive = self.whole0 is None
        W0 = float(self.Y0.sum()) if exhaustive else float(self.whole0)
        W1 = float(self.Y1.sum()) if exhaustive else float(self.whole1)
        if W0 <= 0:
            raise ModelError(f"base-period level of the whole is {W0:g}: shares and pulls are undefined")
        with np.errstate(divide="ignore", invalid="ignore"):
            g = (self.Y1 / self.Y0 - 1.0) * 100.0
        g[self.Y0 <= 0] = np.nan
        dY = self.Y1 - self.Y0
        dW = W1 - W0
        s0 = self.Y0 / W0 * 100.0
        pull = dY / W0 * 100.0
        g_whole = dW / W0 * 100.0
        unavailable = None
        if dW == 0:
            # contribution = dY_i / dY: with no change of the whole it is not defined (never 0)
            contribution = pd.Series(np.nan, index=self.Y0.index)
            unavailable = Unavailable("the whole did not change: contribution rates are undefined")
        else:
            contribution = dY / dW * 100.0
        return ContributionResult(g, s0, contribution, pull, g_whole, exhaustive, unavailable)
