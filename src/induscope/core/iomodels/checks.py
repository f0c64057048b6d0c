"""Is (I - A) invertible and productive, and which sectors break it?

A non-negative A is productive (the Leontief inverse exists and is non-negative) iff its spectral
radius is below 1 (Hawkins-Simon). The checks go from cheap to dear and stop at the first answer:
  1. max column sum < 1 or max row sum < 1  -> productive (both bound the spectral radius);
  2. Collatz-Wielandt bounds from power iteration on A (valid for non-negative A):
       min_i (A v)_i / v_i <= rho(A) <= max_i (A v)_i / v_i   for any positive v;
  3. dense eigenvalues for small n, ARPACK (scipy.sparse.linalg.eigs) otherwise.
With negative entries rho(|A|) >= rho(A) is used as the sufficient test and rho(A) itself otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ...errors import ModelError

#: tables of at most this many sectors get exact dense eigenvalues when a bound does not decide
DENSE_EIG_MAX = 600


@dataclass(frozen=True)
class ProductivityReport:
    productive: bool
    spectral_radius: float          # an upper bound when ``exact`` is False
    exact: bool
    method: str
    columns_at_or_above_one: tuple[str, ...]   # sectors whose inputs per unit of output sum to >= 1
    rows_at_or_above_one: tuple[str, ...]
    negative_entries: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "productive": self.productive,
            "spectral_radius": self.spectral_radius,
            "spectral_radius_exact": self.exact,
            "method": self.method,
            "columns_at_or_above_one": list(self.columns_at_or_above_one),
            "rows_at_or_above_one": list(self.rows_at_or_above_one),
            "negative_entries": self.negative_entries,
            "notes": list(self.notes),
        }


def _names(labels: Sequence[str], mask: np.ndarray) -> tuple[str, ...]:
    return tuple(str(labels[i]) for i in np.flatnonzero(mask))


def spectral_radius(A: np.ndarray, *, tol: float = 1e-10, max_iter: int = 2000) -> tuple[float, bool, str]:
    """(rho, exact, method) of a square matrix; ``exact`` False means an upper bound."""
    n = A.shape[0]
    if n == 0:
        return 0.0, True, "empty"
    nonneg = bool((A >= 0).all())
    if not nonneg:
        absA = np.abs(A)
        rho_abs, _, _ = spectral_radius(absA, tol=tol, max_iter=max_iter)
        if rho_abs < 1.0:
            return rho_abs, False, "spectral radius of |A| (bounds that of A)"
        return _eig_radius(A), True, "eigenvalues"
    colmax = float(A.sum(axis=0).max())
    rowmax = float(A.sum(axis=1).max())
    bound = min(colmax, rowmax)
    if bound < 1.0:
        return bound, False, "column/row sum bound"
    if n <= DENSE_EIG_MAX:
        return _eig_radius(A), True, "eigenvalues"
    # power iteration with Collatz-Wielandt bounds; a small shift makes it converge on periodic A
    v = np.ones(n)
    lo, hi = 0.0, bound
    for _ in range(max_iter):
        w = A @ v + 1e-3 * v
        with np.errstate(divide="ignore", invalid="ignore"):
            r = w / v
        lo, hi = max(lo, float(np.nanmin(r)) - 1e-3), min(hi, float(np.nanmax(r)) - 1e-3)
        if hi < 1.0 or lo >= 1.0 or hi - lo <= tol * max(hi, 1.0):
            return hi, hi - lo <= tol * max(hi, 1.0), "power iteration (Collatz-Wielandt bounds)"
        v = w / w.max()
        if not np.all(v > 0):  # reducible with zero components: bounds need a positive vector
            break
    return _eig_radius(A), True, "eigenvalues"


def _eig_radius(A: np.ndarray) -> float:
    n = A.shape[0]
    if n <= DENSE_EIG_MAX:
        return float(np.abs(np.linalg.eigvals(A)).max())
    from scipy.sparse.linalg import eigs

    vals = eigs(A, k=1, which="LM", return_eigenvectors=False, tol=1e-10, maxiter=10_000)
    return float(np.abs(vals).max())


def check_productive(A: np.ndarray, labels: Sequence[str]) -> ProductivityReport:
    """Diagnose A; never raises (see ``require_productive``)."""
    colsum = A.sum(axis=0)
    rowsum = A.sum(axis=1)
    rho, exact, method = spectral_radius(A)
    negatives = int((A < 0).sum())
    notes = []
    cols = _names(labels, colsum >= 1.0)
    if cols and rho < 1.0:
        notes.append("some columns sum to >= 1 but the spectral radius is below 1: still productive")
    if negatives:
        notes.append(f"{negatives} negative coefficient(s): non-negativity of L is not guaranteed")
    return ProductivityReport(
        productive=bool(rho < 1.0), spectral_radius=rho, exact=exact, method=method,
        columns_at_or_above_one=cols, rows_at_or_above_one=_names(labels, rowsum >= 1.0),
        negative_entries=negatives, notes=tuple(notes))


def require_productive(A: np.ndarray, labels: Sequence[str]) -> ProductivityReport:
    """The report, or ModelError naming the sectors that make (I - A) unproductive."""
    rep = check_productive(A, labels)
    if not rep.productive:
        culprits = rep.columns_at_or_above_one or rep.rows_at_or_above_one
        who = ", ".join(culprits[:20]) + (" ..." if len(culprits) > 20 else "") if culprits else "none singly"
        raise ModelError(
            f"(I - A) is not productive: spectral radius {rep.spectral_radius:.6g} >= 1 ({rep.method}); "
            f"sectors whose inputs per unit of output sum to >= 1: {who}")
    return rep


ZERO_OUTPUT_POLICIES = ("raise", "zero", "exclude")


def zero_output_sectors(x: np.ndarray, labels: Sequence[str]) -> tuple[str, ...]:
    return _names(labels, x == 0)


def require_positive_output(x: np.ndarray, labels: Sequence[str], policy: str) -> tuple[str, ...]:
    """Check gross output before dividing by it; return the zero-output sectors the policy allows.

    "raise"   (default): ModelError naming every zero-output sector.
    "zero":   their coefficient columns are set to 0 (pymrio's convention), and the result says so.
    "exclude": they are dropped from the model (allowed only when their rows and columns are empty).
    Negative or non-finite output is always an error.
    """
    if policy not in ZERO_OUTPUT_POLICIES:
        raise ModelError(f"unknown zero-output policy {policy!r}; expected one of {ZERO_OUTPUT_POLICIES}")
    bad = _names(labels, ~np.isfinite(x) | (x < 0))
    if bad:
        raise ModelError(f"gross output must be finite and >= 0; it is not for: {', '.join(bad)}")
    zeros = zero_output_sectors(x, labels)
    if zeros and policy == "raise":
        raise ModelError(
            f"{len(zeros)} sector(s) have zero gross output, so their input coefficients are undefined "
            f"(0/0): {', '.join(zeros)}. Choose zero_output='zero' (coefficients set to 0) or "
            "'exclude' (drop those sectors).")
    return zeros
