"""Supply-use (make-use) tables to symmetric requirements tables, as BEA derives them.

BEA, "Mathematical derivation of the total requirements tables" (NDN-0183; Miller & Blair 2009, ch. 5):
  U  commodity x industry use (intermediate), V industry x commodity make, h scrap made by each industry
  q = commodity output (column sums of the make table), g = industry output (row sums, scrap included)
  B = U g^-1                     direct requirements (commodity x industry)
  D = V q^-1                     market shares (V without the scrap column)
  p = h / g                      scrap ratio;  W = (I - p^)^-1 D   (transformation matrix)
  industry technology:  commodity-by-commodity (I - BW)^-1, industry-by-commodity W (I - BW)^-1,
                        industry-by-industry (I - WB)^-1
  commodity technology: C = V' g^-1 (product mix, scrap left out), A = B C^-1 = U (V')^-1,
                        commodity-by-commodity (I - BC^-1)^-1, industry-by-commodity C^-1 (I - BC^-1)^-1,
                        industry-by-industry (I - C^-1 B)^-1  (needs as many produced commodities as
                        industries; negative coefficients are possible and counted in the notes)
A commodity that no industry makes (BEA: noncomparable imports, scrap, rest-of-world adjustment) has
q possibly 0 and a zero make column: BEA gives it zero market shares (0/0 -> 0 by definition, not by
accident), and the result names those commodities. A commodity with make entries but zero total
output, or an industry with inputs but zero output, is an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
import scipy.linalg as sla

from ...errors import ModelError
from .result import frozen

TECHNOLOGIES = ("industry", "commodity")


@dataclass(frozen=True, eq=False)
class SupplyUseResult:
    technology: str
    commodities: tuple[str, ...]
    industries: tuple[str, ...]
    q: np.ndarray
    g: np.ndarray
    p: np.ndarray
    B: np.ndarray              # direct requirements, commodity x industry
    W: np.ndarray | None       # transformation (market shares adjusted for scrap), industry x commodity
    commodity_by_commodity: np.ndarray
    industry_by_commodity: np.ndarray
    industry_by_industry: np.ndarray
    not_produced: tuple[str, ...] = ()
    scrap: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for a in ("q", "g", "p", "B", "W", "commodity_by_commodity", "industry_by_commodity",
                  "industry_by_industry"):
            object.__setattr__(self, a, frozen(getattr(self, a)))

    def frames(self) -> dict[str, pd.DataFrame]:
        """The four published tables, labelled with the input codes (file stem -> frame)."""
        c = pd.Index(self.commodities, name="commodity")
        i = pd.Index(self.industries, name="industry")
        return {
            "direct_requirements": pd.DataFrame(self.B, index=c, columns=list(self.industries)),
            "commodity_by_commodity": pd.DataFrame(self.commodity_by_commodity, index=c,
                                                   columns=list(self.commodities)),
            "industry_by_commodity": pd.DataFrame(self.industry_by_commodity, index=i,
                                                  columns=list(self.commodities)),
            "industry_by_industry": pd.DataFrame(self.industry_by_industry, index=i,
                                                 columns=list(self.industries)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"technology": self.technology, "commodities": len(self.commodities),
                "industries": len(self.industries), "scrap": self.scrap,
                "not_produced": list(self.not_produced), "notes": list(self.notes),
                "output_multipliers_commodity": dict(zip(self.commodities,
                                                         map(float, self.commodity_by_commodity.sum(axis=0))))}


class SupplyUseModel:
    """``SupplyUseModel(make, use, industries, commodities, scrap="S004").run()``.

    make: industries x commodities (scrap column included when there is one);
    use:  commodities x industries (intermediate use only), both on the same code lists.
    """

    def __init__(self, make: Any, use: Any, industries: Sequence[str], commodities: Sequence[str], *,
                 scrap: str | None = None, technology: str = "industry"):
        if technology not in TECHNOLOGIES:
            raise ModelError(f"technology must be one of {TECHNOLOGIES}, got {technology!r}")
        self.V = np.asarray(make, dtype=float)
        self.U = np.asarray(use, dtype=float)
        self.industries = tuple(map(str, industries))
        self.commodities = tuple(map(str, commodities))
        ni, nc = len(self.industries), len(self.commodities)
        if self.V.shape != (ni, nc):
            raise ModelError(f"make must be industries x commodities ({ni} x {nc}), got {self.V.shape}")
        if self.U.shape != (nc, ni):
            raise ModelError(f"use must be commodities x industries ({nc} x {ni}), got {self.U.shape}")
        if scrap is not None and scrap not in self.commodities:
            raise ModelError(f"scrap commodity {scrap!r} is not among the commodities")
        self.scrap = scrap
        self.technology = technology

    def run(self) -> SupplyUseResult:
        V, U = self.V, self.U
        ni, nc = len(self.industries), len(self.commodities)
        notes: list[str] = []
        g = V.sum(axis=1)
        q = V.sum(axis=0)
        s = self.commodities.index(self.scrap) if self.scrap is not None else None
        h = V[:, s].copy() if s is not None else np.zeros(ni)
        Vn = V.copy()
        if s is not None:
            Vn[:, s] = 0.0

        zero_g = [self.industries[i] for i in np.flatnonzero(g == 0) if np.any(U[:, i] != 0)]
        if zero_g:
            raise ModelError("industries with intermediate inputs but zero output (B = U g^-1 undefined): "
                             + ", ".join(zero_g))
        empty_g = [self.industries[i] for i in np.flatnonzero(g == 0)]
        if empty_g:
            notes.append("industries with no output and no inputs (their coefficients are 0): "
                         + ", ".join(empty_g))
        made = Vn.any(axis=0)
        bad_q = [self.commodities[j] for j in np.flatnonzero(made & (q == 0))]
        if bad_q:
            raise ModelError("commodities with make entries that sum to zero output (market shares "
                             "undefined): " + ", ".join(bad_q))
        not_produced = tuple(self.commodities[j] for j in np.flatnonzero(~made))

        inv_g = np.divide(1.0, g, out=np.zeros(ni), where=g != 0)
        B = U * inv_g[None, :]
        p = h * inv_g
        if np.any(p >= 1.0):
            raise ModelError("scrap is all of an industry's output (p = 1): "
                             + ", ".join(self.industries[i] for i in np.flatnonzero(p >= 1.0)))
        inv_q = np.divide(1.0, q, out=np.zeros(nc), where=made)  # unmade commodities: zero shares
        D = Vn * inv_q[None, :]
        W = D / (1.0 - p)[:, None]

        if self.technology == "industry":
            BW = B @ W
            TR_cc = _inverse_of_i_minus(BW, "BW")
            TR_ic = W @ TR_cc
            TR_ii = _inverse_of_i_minus(W @ B, "WB")
            Wout = W
        else:
            TR_cc, TR_ic, TR_ii = self._commodity_technology(B, Vn, g, made, notes)
            Wout = None
        return SupplyUseResult(self.technology, self.commodities, self.industries, q, g, p, B, Wout,
                               TR_cc, TR_ic, TR_ii, not_produced, self.scrap, tuple(notes))

    def _commodity_technology(self, B: np.ndarray, Vn: np.ndarray, g: np.ndarray, made: np.ndarray,
                              notes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ni, nc = len(self.industries), len(self.commodities)
        P = np.flatnonzero(made)
        if P.size != ni:
            raise ModelError(f"commodity technology needs as many produced commodities as industries "
                             f"({P.size} produced commodities, {ni} industries)")
        # C: product mix of each industry, produced commodities x industries
        C = Vn[:, P].T * np.divide(1.0, g, out=np.zeros(ni), where=g != 0)[None, :]
        try:
            Cinv_P = sla.inv(C)  # industries x produced commodities
        except (sla.LinAlgError, ValueError) as e:
            raise ModelError(f"the product-mix matrix C is singular: {e}") from None
        Cinv = np.zeros((ni, nc))
        Cinv[:, P] = Cinv_P
        A = B @ Cinv                                      # commodity x commodity
        neg = int((A < -1e-12).sum())
        if neg:
            notes.append(f"commodity technology gives {neg} negative coefficient(s)")
        TR_cc = _inverse_of_i_minus(A, "B C^-1", check_nonneg=False)
        TR_ic = Cinv @ TR_cc
        TR_ii = _inverse_of_i_minus(Cinv @ B, "C^-1 B", check_nonneg=False)
        return TR_cc, TR_ic, TR_ii


def _inverse_of_i_minus(M: np.ndarray, what: str, check_nonneg: bool = True) -> np.ndarray:
    n = M.shape[0]
    if check_nonneg and n and np.all(M >= 0) and min(M.sum(axis=0).max(), M.sum(axis=1).max()) >= 1.0:
        rho = float(np.abs(np.linalg.eigvals(M)).max())
        if rho >= 1.0:
            raise ModelError(f"(I - {what}) is not productive: spectral radius {rho:.6g} >= 1")
    lu, piv = sla.lu_factor(np.eye(n) - M, check_finite=True)
    if np.any(np.diagonal(lu) == 0):
        raise ModelError(f"(I - {what}) is singular")
    return sla.lu_solve((lu, piv), np.eye(n))
