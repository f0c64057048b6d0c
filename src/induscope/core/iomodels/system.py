"""LeontiefSystem: A, x and one factorisation of (I - A), shared by every static model.

Everything that needs L only through products (multipliers, linkages, shocks) is solved with the
LU factors; the full inverse L is formed only when asked for (``system.L``), and then used for all
later products. Ghosh quantities come from the Leontief ones by similarity, never by a second
inversion: B = x^-1 A x, G = (I - B)^-1 = x^-1 L x.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any, Sequence

import numpy as np

from ...errors import ModelError
from . import backend as _backend
from .checks import ProductivityReport, require_positive_output, require_productive
from .table import IOTable

#: below this size "auto" stays on the CPU: moving data to a GPU costs more than it saves
GPU_MIN_N = 2000


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


class LeontiefSystem:
    """The demand-driven system x = A x + f around one table (or plain arrays)."""

    def __init__(self, A: np.ndarray, x: np.ndarray, labels: Sequence[str], *, check: bool = True,
                 backend: str = "auto", notes: Sequence[str] = (), v: np.ndarray | None = None,
                 zero_output: Sequence[str] = ()):
        A = np.asarray(A, dtype=float)
        x = np.asarray(x, dtype=float)
        n = A.shape[0]
        if A.shape != (n, n) or x.shape != (n,) or len(labels) != n:
            raise ModelError(f"A must be n x n with n labels and n outputs (A {A.shape}, x {x.shape}, "
                             f"{len(labels)} labels)")
        self.A = _readonly(A)
        self.x = _readonly(x)
        self.labels = list(labels)
        self.v = None if v is None else _readonly(np.asarray(v, dtype=float))
        self.notes: list[str] = list(notes)
        self.zero_output = tuple(zero_output)
        self.report: ProductivityReport | None = require_productive(A, self.labels) if check else None
        if self.report is not None:
            self.notes.extend(self.report.notes)
        self._backend_request = backend
        self.backend_used: str | None = None
        self._L: np.ndarray | None = None
        self._lu: _backend.LUSolver | None = None

    @classmethod
    def from_table(cls, table: IOTable, *, coefficients: str | None = None, zero_output: str = "raise",
                   check: bool = True, backend: str = "auto") -> "LeontiefSystem":
        """Coefficients of ``table`` ('domestic' by default for non-competitive tables, else 'total')."""
        kind = coefficients or table.default_coefficients()
        labels = table.label_strings
        zeros = require_positive_output(table.x, labels, zero_output)
        notes = []
        if zeros and zero_output == "exclude":
            pos = [labels.index(z) for z in zeros]
            Zk = table.flows(kind)
            touched = [labels[i] for i in pos if np.any(Zk[i] != 0) or np.any(Zk[:, i] != 0)]
            if touched:
                raise ModelError("zero_output='exclude' drops only empty sectors; these zero-output sectors "
                                 f"still buy or sell intermediate inputs: {', '.join(touched)}")
            table = table.drop([table.sectors[i] for i in pos])
            labels = table.label_strings
            notes.append(f"excluded {len(zeros)} zero-output sector(s): {', '.join(zeros)}")
            zeros = ()
        elif zeros:
            notes.append(f"zero-output sector(s) given zero input coefficients (zero_output='zero'): "
                         f"{', '.join(zeros)}")
        A = table.coefficients(kind, zero_output=zero_output if zeros else "raise")
        v = table.value_added_coefficients(zero_output=zero_output if zeros else "raise") \
            if table.V is not None else None
        sys_ = cls(A, table.x, labels, check=check, backend=backend, notes=notes, v=v, zero_output=zeros)
        sys_.table = table
        sys_.kind = kind
        return sys_

    table: IOTable | None = None
    kind: str = "total"

    # -- basic quantities ------------------------------------------------------
    @property
    def n(self) -> int:
        return self.A.shape[0]

    @cached_property
    def f(self) -> np.ndarray:
        """Final demand consistent with x: f = (I - A) x."""
        return _readonly(self.x - self.A @ self.x)

    @cached_property
    def inv_x(self) -> np.ndarray:
        """1 / x, with 0 for zero-output sectors admitted by an explicit policy."""
        inv = np.zeros(self.n)
        nz = self.x != 0
        inv[nz] = 1.0 / self.x[nz]
        return _readonly(inv)

    # -- the inverse and solves -----------------------------------------------
    def _resolved_backend(self) -> str:
        req = self._backend_request
        if req == "auto" and self.n < GPU_MIN_N:
            return "cpu"
        return req

    @property
    def has_inverse(self) -> bool:
        return self._L is not None

    @property
    def L(self) -> np.ndarray:
        """The full Leontief inverse (computed once, on first use)."""
        if self._L is None:
            L, info = _backend.inverse_of_i_minus(self.A, self._resolved_backend())
            self.backend_used = info.backend
            self._L = _readonly(L)
            self._lu = None  # the products now go through L
        return self._L

    def _solver(self) -> _backend.LUSolver:
        if self._lu is None:
            self._lu = _backend.LUSolver(self.A)
            self.backend_used = self.backend_used or "cpu"
        return self._lu

    def solve(self, b: Any) -> np.ndarray:
        """L b = (I - A)^-1 b (b a vector or an n x k matrix)."""
        b = np.asarray(b, dtype=float)
        if self._L is not None:
            return self._L @ b
        return self._solver().solve(b)

    def solve_transposed(self, b: Any) -> np.ndarray:
        """L' b, i.e. the row vector b'L as a column."""
        b = np.asarray(b, dtype=float)
        if self._L is not None:
            return self._L.T @ b
        return self._solver().solve_transposed(b)

    def row_products(self, R: Any) -> np.ndarray:
        """R L for a k x n matrix R (multipliers of satellite accounts)."""
        R = np.atleast_2d(np.asarray(R, dtype=float))
        if self._L is not None:
            return R @ self._L
        return self.solve_transposed(R.T).T

    # -- Ghosh -----------------------------------------------------------------
    @cached_property
    def B(self) -> np.ndarray:
        """Ghosh allocation coefficients B = x^-1 Z = x^-1 A x."""
        return _readonly(self.inv_x[:, None] * self.A * self.x[None, :])

    @cached_property
    def G(self) -> np.ndarray:
        """Ghosh inverse G = (I - B)^-1 = x^-1 L x (rows of zero-output sectors: unit rows)."""
        G = self.inv_x[:, None] * self.L * self.x[None, :]
        for i in np.flatnonzero(self.x == 0):
            G[i] = 0.0
            G[i, i] = 1.0
        return _readonly(G)

    def ghosh_row_sums(self) -> np.ndarray:
        """G 1 = x^-1 L x without forming G."""
        out = self.inv_x * self.solve(self.x)
        out[self.x == 0] = 1.0
        return out

    def ghosh_solve_transposed(self, b: Any) -> np.ndarray:
        """G' b = x L' x^-1 b: output changes from primary-input changes b (supply-driven model)."""
        b = np.asarray(b, dtype=float)
        scaled = self.inv_x[:, None] * b if b.ndim == 2 else self.inv_x * b
        y = self.solve_transposed(scaled)
        return self.x[:, None] * y if y.ndim == 2 else self.x * y

    def diagonal_of_L(self) -> np.ndarray:
        """L_jj for every j (forms L if it is not formed yet)."""
        return np.diagonal(self.L).copy()
