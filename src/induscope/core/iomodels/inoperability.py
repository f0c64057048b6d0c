"""The inoperability input-output model (IIM), demand side and supply side, with dependency indices.

Demand side (Haimes & Jiang 2001; Santos & Haimes 2004):
    A* = x^-1 A x  (normalised interdependency matrix; equals the Ghosh B),
    c* = x^-1 df   (demand reduction relative to as-planned output),
    q  = (I - A*)^-1 c*,   economic loss Q = x q  (= L df, the Leontief output loss).
Supply side (Leung, Haimes & Santos 2007): A^s = x^-1 B' x = A',  c^s = x^-1 dv,  q = (I - A')^-1 c^s.
Dependency indices (Setola, De Porcellinis & Sforna 2009), with S = (I - A*)^-1:
    dependency  delta_i = sum_{j != i} a*_ij / (n - 1)     influence  rho_j = sum_{i != j} a*_ij / (n - 1)
    overall     delta^o_i, rho^o_j: the same sums on S.
q is the linear model's answer; entries above 1 (more than total failure) are reported in the notes
and capped only when ``cap=True`` (as some IIM codes do).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ...errors import ModelError, Unavailable
from .result import frozen, vector_dict
from .shocks import shock_vector
from .symbols import long_name
from .system import LeontiefSystem
from .table import IOTable

SIDES = ("demand", "supply")


@dataclass(frozen=True, eq=False)
class InoperabilityResult:
    side: str
    labels: tuple[str, ...]
    A_star: np.ndarray
    c_star: np.ndarray
    q: np.ndarray
    economic_loss: np.ndarray | Unavailable
    dependency: np.ndarray | Unavailable
    influence: np.ndarray | Unavailable
    overall_dependency: np.ndarray | Unavailable
    overall_influence: np.ndarray | Unavailable
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for a in ("A_star", "c_star", "q", "economic_loss", "dependency", "influence",
                  "overall_dependency", "overall_influence"):
            object.__setattr__(self, a, frozen(getattr(self, a)))

    _VECTORS = (("c_star", "c*"), ("q", "q"), ("economic_loss", "Q"), ("dependency", "delta"),
                ("influence", "rho"), ("overall_dependency", "delta_o"), ("overall_influence", "rho_o"))

    def to_frame(self) -> pd.DataFrame:
        cols: dict[str, Any] = {"sector": list(self.labels)}
        for attr, sym in self._VECTORS:
            val = getattr(self, attr)
            if not isinstance(val, Unavailable):
                cols[long_name(sym)] = np.asarray(val)
        return pd.DataFrame(cols)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"side": self.side, "notes": list(self.notes)}
        for attr, sym in self._VECTORS:
            out[long_name(sym)] = vector_dict(self.labels, getattr(self, attr))
        return out


def dependency_indices(A_star: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, ...]:
    """(delta, rho, delta_o, rho_o) of Setola et al. (2009); needs n >= 2."""
    n = A_star.shape[0]
    offA = A_star.sum(axis=1) - np.diagonal(A_star), A_star.sum(axis=0) - np.diagonal(A_star)
    offS = S.sum(axis=1) - np.diagonal(S), S.sum(axis=0) - np.diagonal(S)
    k = n - 1.0
    return offA[0] / k, offA[1] / k, offS[0] / k, offS[1] / k


class InoperabilityModel:
    """From a table: ``InoperabilityModel(table, c={"S2": 0.1})`` (relative) or ``delta={...}``
    (absolute demand / primary-input reduction, divided by x). From a published interdependency
    matrix: ``InoperabilityModel.from_interdependency(A_star, c, labels)``."""

    def __init__(self, table: IOTable | LeontiefSystem | None = None, *, c: Any = None, delta: Any = None,
                 side: str = "demand", cap: bool = False, coefficients: str | None = None,
                 zero_output: str = "raise", backend: str = "auto"):
        if side not in SIDES:
            raise ModelError(f"side must be one of {SIDES}, got {side!r}")
        if (c is None) == (delta is None):
            raise ModelError("give exactly one of c (relative perturbation) or delta (absolute change)")
        self.side, self.cap, self.c, self.delta = side, cap, c, delta
        self._A_star: np.ndarray | None = None
        self.system: LeontiefSystem | None = None
        if table is not None:
            self.system = table if isinstance(table, LeontiefSystem) else LeontiefSystem.from_table(
                table, coefficients=coefficients, zero_output=zero_output, backend=backend)
            if self.system.zero_output:
                raise ModelError("the inoperability model divides by output: zero-output sectors must be "
                                 "excluded (zero_output='exclude')")

    @classmethod
    def from_interdependency(cls, A_star: Any, c: Any, labels: Sequence[str] | None = None,
                             *, side: str = "demand", x: Any = None, cap: bool = False) -> "InoperabilityModel":
        """Use a given A* (as published in IIM papers); ``x`` (as-planned output) adds economic losses."""
        A_star = np.asarray(A_star, dtype=float)
        n = A_star.shape[0]
        labels = list(labels) if labels is not None else [f"S{i + 1}" for i in range(n)]
        model = cls(None, c=c, side=side, cap=cap)
        model._A_star = A_star
        model._labels = labels
        model._x = None if x is None else np.asarray(x, dtype=float)
        # A* takes the place of A with unit outputs, so L of this system is (I - A*)^-1
        model.system = LeontiefSystem(A_star, np.ones(n), labels, backend="cpu")
        return model

    def run(self) -> InoperabilityResult:
        s = self.system
        if s is None:
            raise ModelError("no table or interdependency matrix given")
        labels = tuple(s.labels)
        notes = list(s.notes)
        if self._A_star is not None:
            A_star = self._A_star
            c = shock_vector(self.c, labels, "perturbation")
            q = s.solve(c)
            S = s.L
            x = self._x
            loss: Any = x * q if x is not None else Unavailable("as-planned output x was not given")
        else:
            x = s.x
            if self.c is not None:
                c = shock_vector(self.c, labels, "perturbation")
            else:
                c = shock_vector(self.delta, labels, "perturbation") / x
            if self.side == "demand":
                A_star = s.B                       # x^-1 A x
                q = s.inv_x * s.solve(x * c)       # x^-1 L x c*
                S = s.G
            else:
                A_star = np.asarray(s.A).T         # Leung et al. (2007): A^s = A'
                q = s.solve_transposed(c)
                S = s.L.T
            loss = x * q
        over = [labels[i] for i in np.flatnonzero(q > 1.0)]
        if over:
            notes.append(f"inoperability above 1 (beyond total failure) for: {', '.join(over[:20])}"
                         + ("; capped at 1" if self.cap else ""))
        if self.cap:
            q = np.minimum(q, 1.0)
            if not isinstance(loss, Unavailable):
                loss = x * q
        if len(labels) >= 2:
            d, r, do, ro = dependency_indices(np.asarray(A_star), np.asarray(S))
        else:
            d = r = do = ro = Unavailable("dependency indices need at least two sectors")
        return InoperabilityResult(self.side, labels, np.asarray(A_star), c, q, loss, d, r, do, ro, tuple(notes))
