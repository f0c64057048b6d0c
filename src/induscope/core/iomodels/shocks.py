"""Demand-driven (Leontief) and supply-driven (Ghosh) shocks.

  Leontief: dx = L df                      (a change in final demand pulls output through purchases)
  Ghosh:    dx' = dv' G  <=>  dx = x L' x^-1 dv   (a change in primary inputs pushes output through sales)
Both are linear: zero shock -> zero impact, and impacts add up. The Ghosh model is a price-free
quantity model with well-known plausibility limits (Oosterhaven 1988); it is offered for
allocation-side what-ifs, not as a causal supply model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ModelError, ProblemCollector
from .result import frozen, vector_dict
from .symbols import long_name
from .system import LeontiefSystem
from .table import IOTable

SHOCK_MODELS = ("leontief", "ghosh")


def shock_vector(delta: Any, labels: Sequence[str], source: str = "shock") -> np.ndarray:
    """A length-n vector from an array or a {sector label: change} mapping (all unknown labels reported)."""
    n = len(labels)
    if isinstance(delta, (Mapping, pd.Series)):
        items = delta.items()
        pos = {lab: i for i, lab in enumerate(labels)}
        out = np.zeros(n)
        problems = ProblemCollector(source)
        for k, v in items:
            if str(k) not in pos:
                problems.add(column="sector", value=str(k), expected="a sector of the table")
                continue
            try:
                fv = float(v)
            except (TypeError, ValueError):
                problems.add(column=str(k), value=v, expected="a number")
                continue
            if not np.isfinite(fv):
                problems.add(column=str(k), value=v, expected="a finite number")
                continue
            out[pos[str(k)]] += fv
        problems.raise_if_any()
        return out
    arr = np.asarray(delta, dtype=float)
    if arr.shape[0] != n:
        raise ModelError(f"a shock needs {n} entries (one per sector), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ModelError("a shock must be finite")
    return arr


@dataclass(frozen=True, eq=False)
class ShockResult:
    model: str
    labels: tuple[str, ...]
    shock: np.ndarray           # df (leontief) or dv (ghosh)
    dx: np.ndarray              # output change by sector (n, or n x k for k scenarios)
    x: np.ndarray
    value_added_change: np.ndarray | None = None   # v * dx when value added is known
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for a in ("shock", "dx", "x", "value_added_change"):
            object.__setattr__(self, a, frozen(getattr(self, a)))

    @property
    def total(self) -> float | np.ndarray:
        return self.dx.sum(axis=0)

    @property
    def multiplier(self) -> float:
        """Total output change per unit of total shock (NaN only for a zero shock)."""
        s = float(np.sum(self.shock))
        return float(np.sum(self.dx)) / s if s != 0 else float("nan")

    def to_frame(self) -> pd.DataFrame:
        shock_sym = "df" if self.model == "leontief" else "dv"
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(self.x != 0, self.dx / self.x, np.nan) if self.dx.ndim == 1 else None
        cols: dict[str, Any] = {"sector": list(self.labels), long_name(shock_sym): self.shock,
                                long_name("dx"): self.dx}
        if rel is not None:
            cols["output_change_share"] = rel
        if self.value_added_change is not None:
            cols["value_added_change"] = self.value_added_change
        return pd.DataFrame(cols)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "total_output_change": float(np.sum(self.dx)),
                "output_change": vector_dict(self.labels, self.dx),
                "shock": vector_dict(self.labels, self.shock),
                "value_added_change": vector_dict(self.labels, self.value_added_change),
                "notes": list(self.notes)}


class ShockModel:
    """``ShockModel(table, {"C17": -100.0}, model="leontief").run()`` -> ShockResult."""

    def __init__(self, table: IOTable | LeontiefSystem, delta: Any, *, model: str = "leontief",
                 coefficients: str | None = None, zero_output: str = "raise", backend: str = "auto"):
        if model not in SHOCK_MODELS:
            raise ModelError(f"shock model must be one of {SHOCK_MODELS}, got {model!r}")
        self.system = table if isinstance(table, LeontiefSystem) else LeontiefSystem.from_table(
            table, coefficients=coefficients, zero_output=zero_output, backend=backend)
        self.delta = delta
        self.model = model

    def run(self) -> ShockResult:
        s = self.system
        d = shock_vector(self.delta, s.labels)
        dx = s.solve(d) if self.model == "leontief" else s.ghosh_solve_transposed(d)
        dva = None if s.v is None else (s.v * dx if dx.ndim == 1 else s.v[:, None] * dx)
        return ShockResult(self.model, tuple(s.labels), d, dx, s.x, dva, tuple(s.notes))
