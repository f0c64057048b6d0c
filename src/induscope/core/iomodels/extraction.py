"""Hypothetical extraction (Dietzenbacher, van der Linden & Steenge 1993; Dietzenbacher & van der
Linden 1997; Miller & Lahr 2001; Miller & Blair 2009, section 12.2.5).

What is removed, and what is measured (i'x - i'x_bar, output lost in the whole economy):
  total     row and column j of A and j's final demand are removed (the sector disappears);
            x_bar = (I - A_(-j,-j))^-1 f_(-j);  the loss includes x_j itself
  backward  column j of A is zeroed (j buys its inputs abroad): x_bar = (I - A_bar)^-1 f
  forward   row j of the Ghosh B is zeroed (j sells its output abroad): x_bar' = v'(I - B_bar)^-1
For one sector at a time the three have closed forms in L (no re-solve per sector; derived with
Sherman-Morrison and the block inverse, with cs_j = column sum j of L and (L x)_j):
  total     T_j = x_j cs_j / L_jj
  backward  T_j = x_j (cs_j - 1) / L_jj
  forward   T_j = ((L x)_j - x_j) / L_jj
Sets of sectors are extracted together by solving the reduced system directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
import scipy.linalg as sla

from ...errors import ModelError, ProblemCollector
from .result import frozen, vector_dict
from .system import LeontiefSystem
from .table import IOTable

KINDS = ("total", "backward", "forward")


@dataclass(frozen=True, eq=False)
class ExtractionResult:
    """One-at-a-time results (``loss`` by sector) or one joint extraction (``x_bar`` by sector)."""

    kind: str
    labels: tuple[str, ...]
    x: np.ndarray
    extracted: tuple[str, ...]
    loss: np.ndarray | None = None          # one-at-a-time: output lost when each sector is extracted
    x_bar: np.ndarray | None = None         # joint extraction: output after extraction
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for a in ("x", "loss", "x_bar"):
            object.__setattr__(self, a, frozen(getattr(self, a)))

    @property
    def total_loss(self) -> float:
        if self.x_bar is not None:
            return float(self.x.sum() - self.x_bar.sum())
        raise ModelError("one-at-a-time extraction has a loss per sector, not one total")

    def to_frame(self) -> pd.DataFrame:
        if self.loss is not None:
            pos = [self.labels.index(e) for e in self.extracted]
            loss = np.asarray(self.loss)
            xs = np.asarray(self.x)[pos]
            return pd.DataFrame({
                "sector": list(self.extracted), "extraction": self.kind, "extraction_loss": loss,
                "loss_elsewhere": loss - xs if self.kind == "total" else loss,
                "share_of_total_output": loss / float(np.sum(self.x))})
        return pd.DataFrame({"sector": list(self.labels), "gross_output": self.x,
                             "output_after_extraction": self.x_bar, "output_change": self.x_bar - self.x})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"extraction": self.kind, "extracted": list(self.extracted), "notes": list(self.notes)}
        if self.loss is not None:
            out["extraction_loss"] = vector_dict(self.extracted, self.loss)
        else:
            out["total_loss"] = self.total_loss
            out["output_after_extraction"] = vector_dict(self.labels, self.x_bar)
        return out


def one_at_a_time(system: LeontiefSystem, kind: str) -> np.ndarray:
    """Closed-form loss T_j for extracting each sector alone (needs the diagonal of L)."""
    if kind not in KINDS:
        raise ModelError(f"extraction kind must be one of {KINDS}, got {kind!r}")
    x = system.x
    d = system.diagonal_of_L()
    if kind == "forward":
        return (system.solve(x) - x) / d
    cs = system.solve_transposed(np.ones(system.n))
    return x * cs / d if kind == "total" else x * (cs - 1.0) / d


def joint(system: LeontiefSystem, positions: Sequence[int], kind: str) -> np.ndarray:
    """x_bar after extracting the sectors at ``positions`` together (a fresh solve)."""
    if kind not in KINDS:
        raise ModelError(f"extraction kind must be one of {KINDS}, got {kind!r}")
    A, x, n = system.A, system.x, system.n
    pos = np.asarray(sorted(set(positions)), dtype=int)
    f = x - A @ x
    if kind == "total":
        keep = np.setdiff1d(np.arange(n), pos)
        M = np.eye(keep.size) - A[np.ix_(keep, keep)]
        out = np.zeros(n)
        out[keep] = sla.solve(M, f[keep])
        return out
    if kind == "backward":
        Abar = A.copy()
        Abar[:, pos] = 0.0
        return sla.solve(np.eye(n) - Abar, f)
    # forward: zero rows of B; v' = x'(I - B) are the primary inputs that drive the Ghosh model
    B = system.B
    v = x - B.T @ x
    Bbar = np.array(B)
    Bbar[pos, :] = 0.0
    return sla.solve((np.eye(n) - Bbar).T, v)


class ExtractionModel:
    """``ExtractionModel(table, kind="total").run()``: every sector extracted alone (closed forms);
    ``sectors=[...]`` with ``together=True`` extracts that set at once (a fresh solve)."""

    def __init__(self, table: IOTable | LeontiefSystem, *, kind: str = "total",
                 sectors: Sequence[str] | None = None, together: bool = False,
                 coefficients: str | None = None, zero_output: str = "raise", backend: str = "auto"):
        if kind not in KINDS:
            raise ModelError(f"extraction kind must be one of {KINDS}, got {kind!r}")
        self.system = table if isinstance(table, LeontiefSystem) else LeontiefSystem.from_table(
            table, coefficients=coefficients, zero_output=zero_output, backend=backend)
        self.kind = kind
        self.sectors = None if sectors is None else [str(s) for s in sectors]
        self.together = together

    def _positions(self) -> list[int]:
        labels = self.system.labels
        if self.sectors is None:
            return list(range(len(labels)))
        pos = {lab: i for i, lab in enumerate(labels)}
        problems = ProblemCollector("extraction")
        for s in self.sectors:
            if s not in pos:
                problems.add(column="sector", value=s, expected="a sector of the table")
        problems.raise_if_any()
        return [pos[s] for s in self.sectors]

    def run(self) -> ExtractionResult:
        s = self.system
        pos = self._positions()
        labels = tuple(s.labels)
        extracted = tuple(labels[i] for i in pos)
        if s.zero_output and self.kind != "backward":
            raise ModelError("extraction with zero-output sectors kept at zero is undefined for "
                             f"{self.kind!r} extraction; use zero_output='exclude'")
        if self.together:
            return ExtractionResult(self.kind, labels, s.x, extracted, x_bar=joint(s, pos, self.kind),
                                    notes=tuple(s.notes))
        loss = one_at_a_time(s, self.kind)[np.asarray(pos, dtype=int)]
        return ExtractionResult(self.kind, labels, s.x, extracted, loss=loss, notes=tuple(s.notes))
