"""Dense linear algebra for the Leontief system: CPU (LAPACK through SciPy) or GPU (CuPy / PyTorch).

Why a module of its own: the inverse dominates the cost at EXIOBASE size (n ~ 8,000), and the GPU
libraries are optional. They are imported by name at run time (never at import time), so the pure
core keeps numpy/scipy/pandas as its only hard dependencies and works unchanged without a GPU.

``backend``: "cpu", "gpu" (CuPy first, then PyTorch; ModelError if neither sees a GPU) or "auto"
(the GPU when one is usable, else the CPU). Every path works in float64, so results agree to ~1e-12.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import lapack

from ...errors import ModelError
from .. import _accel

BACKENDS = ("auto", "cpu", "gpu")


def gpu_library() -> str | None:
    """'cupy' or 'torch' when that library is installed and sees a CUDA device, else None."""
    return _accel.gpu_library()


gpu_library.cache_clear = _accel.library_sees_gpu.cache_clear  # type: ignore[attr-defined]


def resolve(backend: str) -> str:
    """The concrete backend ('cpu', 'cupy' or 'torch') that ``backend`` selects here."""
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    return _accel.resolve_device(backend, probe=lambda: gpu_library())[0]


@dataclass(frozen=True)
class InverseInfo:
    backend: str           # 'cpu', 'cupy' or 'torch'
    rcond: float | None    # reciprocal 1-norm condition estimate of (I - A) (CPU path only)


def inverse_of_i_minus(A: np.ndarray, backend: str = "cpu") -> tuple[np.ndarray, InverseInfo]:
    """L = (I - A)^-1 as a C-ordered float64 array, plus which backend computed it.

    CPU: for a non-negative A of 1,024 sectors or more, block recursion on Schur complements (only
    matrix products, see ``_inverse_blocked``); otherwise, or if that fails, one LU factorisation
    (dgetrf) inverted in place (dgetri) with a condition estimate. Both take about 2 n^3 flops;
    numpy.linalg.inv solves against an n x n identity (8/3 n^3).
    """
    lib = resolve(backend)
    if lib == "cupy":
        return _inverse_cupy(A), InverseInfo("cupy", None)
    if lib == "torch":
        return _inverse_torch(A), InverseInfo("torch", None)
    return _inverse_cpu(A)


def _norm_of_transpose(A: np.ndarray) -> float:
    """||(I - A)'||_1 = the largest row sum of |I - A|, without an n x n temporary."""
    n = A.shape[0]
    if n == 0:
        return 0.0
    d = np.diagonal(A)
    rows = np.empty(n)
    step = max(1, 4_000_000 // n)  # about 32 MB of |A| at a time
    for i in range(0, n, step):
        rows[i:i + step] = np.abs(A[i:i + step]).sum(axis=1)
    return float((rows - np.abs(d) + np.abs(1.0 - d)).max())


def _i_minus(A: np.ndarray) -> np.ndarray:
    n = A.shape[0]
    M = np.negative(A, dtype=np.float64, order="C")  # a new C-ordered array; A is left untouched
    M[np.diag_indices(n)] += 1.0
    return M


#: below this size the blocked inverse hands over to LAPACK (getrf + getri)
BLOCK_BASE = 512
#: from this size on, a non-negative A is inverted by block recursion (all matrix products)
BLOCKED_MIN_N = 1024


def _inverse_cpu(A: np.ndarray) -> tuple[np.ndarray, InverseInfo]:
    n = A.shape[0]
    if n >= BLOCKED_MIN_N and _nonnegative(A) and _diagonally_dominant(A):
        L = _inverse_blocked(A)
        if L is not None:
            return L, InverseInfo("cpu", None)
    return _inverse_lapack(A)


def _diagonally_dominant(A: np.ndarray) -> bool:
    """Column (or row) sums of a non-negative A below 1: I - A is a diagonally dominant M-matrix."""
    return bool(A.sum(axis=0).max() < 1.0 or A.sum(axis=1).max() < 1.0)


def _nonnegative(A: np.ndarray) -> bool:
    step = max(1, 4_000_000 // max(A.shape[0], 1))
    return all(A[i:i + step].min() >= 0.0 for i in range(0, A.shape[0], step))


def _inverse_blocked(A: np.ndarray) -> np.ndarray | None:
    """(I - A)^-1 by 2 x 2 block recursion on Schur complements, in place; None if a block fails.

    Why: I - A with A >= 0 and column (or row) sums below 1 is a diagonally dominant nonsingular
    M-matrix, so every leading block and every Schur complement is again one and no pivoting is
    needed (block elimination is stable on block diagonally dominant matrices: Demmel, Higham &
    Schreiber 1995). That turns the inverse into six matrix products
    per level: 2 n^3 flops at GEMM speed, where numpy's solve against the identity (8/3 n^3) and
    LAPACK's getri spend much of their time in slower triangular kernels. Memory: the result
    (which starts as a copy of I - A) and at most about n^2 / 2 of temporaries.
    """
    X = _i_minus(A)
    try:
        _invert_in_place(X)
    except np.linalg.LinAlgError:
        return None
    if not np.isfinite(X).all():
        return None
    return X


def _invert_in_place(M: np.ndarray) -> None:
    """M <- M^-1 (M a square view; its leading blocks must be nonsingular)."""
    n = M.shape[0]
    if n <= BLOCK_BASE:
        lu, piv, info = lapack.dgetrf(np.array(M, order="F"), overwrite_a=1)
        if info != 0:
            raise np.linalg.LinAlgError("singular pivot block")
        inv, info = lapack.dgetri(lu, piv, lwork=max(int(lapack.dgetri_lwork(n)[0]), 1), overwrite_lu=1)
        if info != 0:
            raise np.linalg.LinAlgError("singular pivot block")
        M[...] = inv
        return
    k = n // 2
    M11, M12, M21, M22 = M[:k, :k], M[:k, k:], M[k:, :k], M[k:, k:]
    _invert_in_place(M11)                      # P = M11^-1
    T = M11 @ M12                              # T = P M12
    W = M21 @ T
    M22 -= W                                   # S = M22 - M21 P M12 (Schur complement)
    del W
    _invert_in_place(M22)                      # S^-1
    np.matmul(T, M22, out=M12)
    np.negative(M12, out=M12)                  # X12 = -T S^-1
    del T
    U = M21 @ M11                              # U = M21 P
    np.matmul(M22, U, out=M21)
    np.negative(M21, out=M21)                  # X21 = -S^-1 U
    M11 -= M12 @ U                             # X11 = P + T S^-1 M21 P = P - X12 U


def _inverse_lapack(A: np.ndarray) -> tuple[np.ndarray, InverseInfo]:
    n = A.shape[0]
    anorm = _norm_of_transpose(A)
    M = _i_minus(A)
    # M.T is the Fortran-ordered view of M': LAPACK works on it in place, and the inverse of M'
    # is L', whose transpose is a C-ordered L without a copy.
    Mt = M.T
    lu, piv, info = lapack.dgetrf(Mt, overwrite_a=1)
    if info > 0:
        raise ModelError(f"(I - A) is singular: zero pivot at position {info} of the LU factorisation")
    rcond, _ = lapack.dgecon(lu, anorm, norm="1")
    _check_rcond(float(rcond), n)
    lwork = int(lapack.dgetri_lwork(n)[0]) if n else 1
    inv, info = lapack.dgetri(lu, piv, lwork=max(lwork, 1), overwrite_lu=1)
    if info != 0:
        raise ModelError(f"inverting (I - A) failed (LAPACK dgetri info={info})")
    return inv.T, InverseInfo("cpu", float(rcond))


def _check_rcond(rcond: float, n: int) -> None:
    if not np.isfinite(rcond) or rcond < np.finfo(float).eps * max(n, 1):
        raise ModelError(
            f"(I - A) is numerically singular (reciprocal condition number {rcond:.3g}); "
            "the Leontief inverse would be meaningless")


def _inverse_cupy(A: np.ndarray) -> np.ndarray:
    cp = importlib.import_module("cupy")
    n = A.shape[0]
    M = -cp.asarray(A, dtype=cp.float64)
    M[cp.arange(n), cp.arange(n)] += 1.0
    L = cp.linalg.inv(M)
    out = cp.asnumpy(L)
    del M, L
    cp.get_default_memory_pool().free_all_blocks()
    return _finite(out)


def _inverse_torch(A: np.ndarray) -> np.ndarray:
    torch = importlib.import_module("torch")
    dev = torch.device("cuda")
    M = -torch.tensor(A, dtype=torch.float64, device=dev)  # a copy: A may be read-only
    M.diagonal().add_(1.0)
    L = torch.linalg.inv(M)
    out = L.cpu().numpy()
    del M, L
    torch.cuda.empty_cache()
    return _finite(out)


def _finite(L: np.ndarray) -> np.ndarray:
    if not np.isfinite(L).all():
        raise ModelError("(I - A) is numerically singular: the GPU inverse has non-finite entries")
    return L


class LUSolver:
    """Solves (I - A) y = b and (I - A)' y = b from one LU factorisation (CPU, float64)."""

    def __init__(self, A: np.ndarray):
        n = A.shape[0]
        anorm = _norm_of_transpose(A)
        M = _i_minus(A)
        lu, piv, info = lapack.dgetrf(M.T, overwrite_a=1)  # factorises M' (Fortran view of M)
        if info > 0:
            raise ModelError(f"(I - A) is singular: zero pivot at position {info} of the LU factorisation")
        rcond, _ = lapack.dgecon(lu, anorm, norm="1")
        self.rcond = float(rcond)
        _check_rcond(self.rcond, n)
        self._lu, self._piv = lu, piv

    def solve(self, b: Any) -> np.ndarray:
        """y with (I - A) y = b; b is a vector or an n x k matrix."""
        # the stored factor is of M', so M y = b is the transposed solve with that factor
        y, info = lapack.dgetrs(self._lu, self._piv, np.asarray(b, dtype=np.float64), trans=1)
        return y

    def solve_transposed(self, b: Any) -> np.ndarray:
        """y with (I - A)' y = b (row-vector products such as v'L are solved this way)."""
        y, info = lapack.dgetrs(self._lu, self._piv, np.asarray(b, dtype=np.float64), trans=0)
        return y
