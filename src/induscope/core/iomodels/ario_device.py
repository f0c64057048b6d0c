"""The heavy part of one ARIO step: everything that touches the n x n table or s x n matrices.

What BoARIO keeps as dense n x n matrices (orders, their shares, the distributed production) is
never formed here. With industries i = (r, s) (region-major) and j, BoARIO's orders are

    O[i, j] = gap[s, j] * Z0[i, j] w[i] / D[s, j],      D[s, j] = sum_r Z0[(r, s), j] w[(r, s)]

(w = capacity / initial output for the "alt" order type, 1 for "noalt"), so O = Z0 scaled by a
row vector w and by G = gap / D, an s x n matrix. What the model needs from O reduces to

    orders received   O 1         = w * rowsum(Z0 . G)
    deliveries        sum_r O f   = G * agg(Z0, w f)        (f = production / demand of a supplier)
    aggregation       D           = agg(Z0, w)

with agg(Z0, v)[s, j] = sum_r v[(r, s)] Z0[(r, s), j]. Z0 is stored sector-major (s, r, j), so both
are batched BLAS products; a sparse table is stored as one "lifted" CSR matrix
Zl[i, s(i) n + j] = Z0[i, j], making each a single sparse product. Work follows what changed:
deliveries re-read only the rows of rationed suppliers (f != 1), D only the rows whose capacity
ratio moved (a full pass when many did); the orders pass is the one full read of Z0 every step.

Inventories are s x n (inputs by sector, as in BoARIO). Devices: numpy (CPU, tuned), CuPy or PyTorch
(GPU, the generic path), all float64. Results agree with BoARIO to rounding (~1e-15 relative).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ...errors import ModelError

#: below this share of non-zero entries, the table is stored sparse (CPU only)
SPARSE_DENSITY = 0.25


class _NumpyOps:
    """The few array operations the kernels use, for numpy and CuPy (same API)."""

    def __init__(self, xp: Any, name: str):
        self.xp = xp
        self.name = name

    def dev(self, a: np.ndarray) -> Any:
        return self.xp.asarray(a, dtype=self.xp.float64)

    def dev_bool(self, a: np.ndarray) -> Any:
        return self.xp.asarray(a, dtype=bool)

    def index(self, a: np.ndarray) -> Any:
        return a if self.name == "numpy" else self.xp.asarray(a)

    def host(self, a: Any) -> np.ndarray:
        if self.name == "cupy":
            return self.xp.asnumpy(a)
        return np.asarray(a)

    def any(self, a: Any) -> bool:
        return bool(a.any())

    def allclose(self, a: Any, b: Any) -> bool:
        return bool(self.xp.allclose(a, b))

    def equal(self, a: Any, b: Any) -> bool:
        return bool((a == b).all())

    def where(self, c: Any, a: Any, b: Any) -> Any:
        return self.xp.where(c, a, b)

    def amin0(self, a: Any) -> Any:
        return self.xp.amin(a, axis=0)

    def sum0(self, a: Any) -> Any:
        return a.sum(axis=0)

    def isfinite(self, a: Any) -> Any:
        return self.xp.isfinite(a)

    def matmul(self, a: Any, b: Any) -> Any:
        return self.xp.matmul(a, b)

    def zeros_like(self, a: Any) -> Any:
        return self.xp.zeros_like(a)

    def ones(self, shape: tuple[int, ...]) -> Any:
        return self.xp.ones(shape, dtype=self.xp.float64)

    def copy(self, a: Any) -> Any:
        return a.copy()

    def errstate(self) -> Any:
        return np.errstate(divide="ignore", invalid="ignore")


class _TorchOps(_NumpyOps):
    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.device = self.torch.device("cuda")
        super().__init__(self.torch, "torch")

    def dev(self, a: np.ndarray) -> Any:
        return self.torch.as_tensor(np.ascontiguousarray(a, dtype=np.float64), device=self.device)

    def dev_bool(self, a: np.ndarray) -> Any:
        return self.torch.as_tensor(np.ascontiguousarray(a, dtype=bool), device=self.device)

    def index(self, a: np.ndarray) -> Any:
        return self.torch.as_tensor(np.ascontiguousarray(a, dtype=np.int64), device=self.device)

    def host(self, a: Any) -> np.ndarray:
        return a.detach().cpu().numpy()

    def allclose(self, a: Any, b: Any) -> bool:
        return bool(self.torch.allclose(a, b, rtol=1e-5, atol=1e-8))

    def where(self, c: Any, a: Any, b: Any) -> Any:
        t = self.torch
        if not isinstance(a, t.Tensor):
            a = t.tensor(float(a), dtype=t.float64, device=self.device)
        if not isinstance(b, t.Tensor):
            b = t.tensor(float(b), dtype=t.float64, device=self.device)
        return t.where(c, a, b)

    def amin0(self, a: Any) -> Any:
        return self.torch.amin(a, dim=0)

    def sum0(self, a: Any) -> Any:
        return a.sum(dim=0)

    def zeros_like(self, a: Any) -> Any:
        return self.torch.zeros_like(a)

    def ones(self, shape: tuple[int, ...]) -> Any:
        return self.torch.ones(shape, dtype=self.torch.float64, device=self.device)

    def copy(self, a: Any) -> Any:
        return a.clone()


def make_ops(lib: str) -> _NumpyOps:
    if lib in ("cpu", "generic"):
        return _NumpyOps(np, "numpy")
    if lib == "cupy":
        import cupy

        return _NumpyOps(cupy, "cupy")
    if lib == "torch":
        return _TorchOps()
    raise ModelError(f"unknown array library {lib!r}")



#: noise level under which a supplier counts as unrationed when deliveries are re-aggregated
#: (|f - 1| below it changes the sums by less than their float64 resolution)
RATION_NOISE = 1e-14


def make_kernels(Z: np.ndarray, factor: float, R: int, S: int, tech: np.ndarray, threshold: np.ndarray,
                 stock0: np.ndarray, inv_duration: np.ndarray, restoration: np.ndarray, psi: float,
                 order_type: str, lib: str = "cpu", storage: str = "auto") -> "ARIOKernels":
    """The kernels for ``lib``: "cpu" (tuned numpy), "cupy", "torch", or "generic" (the GPU code
    path run by numpy, to test it without a GPU)."""
    cls = CPUKernels if lib == "cpu" else ARIOKernels
    return cls(Z, factor, R, S, tech, threshold, stock0, inv_duration, restoration, psi, order_type,
               lib=lib, storage=storage)


class ARIOKernels:
    """Device-side state (inventories, the orders' factors) and the passes over Z0 (generic path).

    Vectors of length n cross the host/device boundary (host numpy in, host numpy out); the s x n
    and n x n arrays stay on the device.
    """

    def __init__(self, Z: np.ndarray, factor: float, R: int, S: int, tech: np.ndarray,
                 threshold: np.ndarray, stock0: np.ndarray, inv_duration: np.ndarray,
                 restoration: np.ndarray, psi: float, order_type: str, lib: str = "cpu",
                 storage: str = "auto"):
        """``Z`` is the yearly table; Z0 = Z * factor is the per-step one (as BoARIO scales it)."""
        self.lib = lib
        self.ops = o = make_ops(lib)
        self.R, self.S, self.n = R, S, R * S
        n = self.n
        if storage == "auto":
            storage = "dense"
            if lib in ("cpu", "generic") and n > 0:
                density = np.count_nonzero(Z) / float(n * n)
                if density < SPARSE_DENSITY:
                    storage = "sparse"
        if storage not in ("dense", "sparse"):
            raise ModelError(f"unknown storage {storage!r}; expected auto, dense or sparse")
        if storage == "sparse" and lib not in ("cpu", "generic"):
            storage = "dense"  # the GPU paths work on the dense layout
        self.storage = storage
        if storage == "dense":
            # sector-major copy: Zs[s, r, :] = Z0[r*S + s, :], scaled without an n x n temporary
            Zs = np.empty((S, R, n))
            np.multiply(np.asarray(Z, dtype=float).reshape(R, S, n).transpose(1, 0, 2), factor, out=Zs)
            self.Zs = Zs if o.name == "numpy" else o.dev(Zs)
            del Zs
        else:
            Zc = sp.csr_matrix(np.asarray(Z, dtype=float))
            Zc.data *= factor
            rows = np.repeat(np.arange(n), np.diff(Zc.indptr))
            cols = Zc.indices.astype(np.int64) + (rows % S).astype(np.int64) * n
            self.Zl = sp.csr_matrix((Zc.data, cols, Zc.indptr), shape=(n, S * n))
            self.ZlT = self.Zl.T.tocsr()
            del Zc, rows, cols
        self.inv_duration = np.asarray(inv_duration, dtype=float)
        self.finite_rows = np.isfinite(self.inv_duration)
        self.all_finite = bool(self.finite_rows.all())
        self.psi = float(psi)
        self.alt = order_type == "alt"
        self._setup_arrays(tech, threshold, restoration)
        self.D0 = self.agg(np.ones(n))        # D with w = 1 ("noalt", and the initial orders)
        self.orders_tot0 = self.rowsum(o.ones((S, n)))   # initial orders are Z0 itself: G = 1, w = 1
        self.placed0 = o.host(o.sum0(self.D0))
        self.reset(stock0)

    def _setup_arrays(self, tech: np.ndarray, threshold: np.ndarray, restoration: np.ndarray) -> None:
        o, n = self.ops, self.n
        self.tech = o.dev(tech)
        self.threshold = o.dev_bool(threshold)
        self.inv = o.dev(self.inv_duration[:, None] * np.ones((1, n)))
        self.inv_finite = o.dev(np.nan_to_num(self.inv_duration, posinf=0.0)[:, None] * np.ones((1, n)))
        self.restoration = o.dev(restoration[:, None] * np.ones((1, n)))

    def reset(self, stock0: np.ndarray) -> None:
        """Back to the initial state: inventories at target, orders = Z0."""
        o = self.ops
        self.stock = o.dev(stock0)
        self.Dord = self.D0                   # D behind the current orders
        self.w_ord = np.ones(self.n)          # w behind the current orders (host)
        self.G = o.ones((self.S, self.n))
        self._since_full = 0                  # rows added incrementally to Dord since its last full pass
        self.passes = 0                       # full passes over Z0 since the reset (for benchmarks)

    def __getstate__(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["ops"] = self.lib
        return d

    def __setstate__(self, d: dict[str, Any]) -> None:
        d["ops"] = make_ops(d["ops"])
        self.__dict__.update(d)

    # ------------------------------------------------------------------ passes over Z0
    def agg(self, w: np.ndarray) -> Any:
        """agg(Z0, w)[s, j] = sum_r w[(r, s)] Z0[(r, s), j], an s x n device array."""
        o, R, S, n = self.ops, self.R, self.S, self.n
        if self.storage == "sparse":
            return o.dev((self.ZlT @ w).reshape(S, n))
        W = o.dev(np.ascontiguousarray(np.asarray(w, dtype=float).reshape(R, S).T[:, None, :]))
        return o.matmul(W, self.Zs)[:, 0, :]

    def rowsum(self, G: Any) -> np.ndarray:
        """rowsum(Z0 . G)[i] = sum_j Z0[i, j] G[s(i), j], a host vector (region-major)."""
        o, n = self.ops, self.n
        if self.storage == "sparse":
            return self.Zl @ o.host(G).ravel()
        out = o.matmul(self.Zs, G[:, :, None])[:, :, 0]       # (S, R)
        return o.host(out).T.reshape(n)

    def z_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows of Z0 (host, dense n columns), e.g. to split reconstruction demand."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.storage == "sparse":
            sub = self.Zl[rows].tocoo()
            out = np.zeros((len(rows), self.n))
            np.add.at(out, (sub.row, sub.col % self.n), sub.data)
            return out
        o = self.ops
        return o.host(self.Zs[o.index(rows % self.S), o.index(rows // self.S), :])

    def _agg_rows(self, D: Any, rows: np.ndarray, c: np.ndarray) -> Any:
        """D + agg over ``rows`` only (weights c), reading just those rows of Z0; None when a full
        pass is cheaper (many rows) or on a GPU (where a full pass costs next to nothing)."""
        if rows.size == 0:
            return D
        if self.ops.name != "numpy" or rows.size > self.n // 4:
            return None
        S, R, n = self.S, self.R, self.n
        if self.storage == "sparse":
            out = (self.Zl[rows].T @ c).reshape(S, n)
            out += D
            return out
        s_idx = rows % S
        order = np.argsort(s_idx, kind="stable")
        indptr = np.zeros(S + 1, dtype=np.int64)
        np.cumsum(np.bincount(s_idx, minlength=S), out=indptr[1:])
        C = sp.csr_matrix((c[order], (s_idx * R + rows // S)[order], indptr), shape=(S, S * R))
        out = C @ self.Zs.reshape(S * R, n)
        out += D
        return out

    def _deliveries_D(self, f: np.ndarray | None) -> Any:
        """agg(Z0, w f): Dord plus the rows of the suppliers that were rationed."""
        if f is None:
            return self.Dord
        rows = np.nonzero(np.abs(f - 1) > RATION_NOISE)[0]
        Dw = self._agg_rows(self.Dord, rows, self.w_ord[rows] * (f[rows] - 1))
        if Dw is None:
            Dw = self.agg(self.w_ord * f)
            self.passes += 1
        return Dw

    def _new_D(self, capacity_ratio: np.ndarray | None) -> tuple[Any, np.ndarray | None]:
        """(D for the new orders, or None when a full pass is due; the weights of that pass)."""
        if not (self.alt and capacity_ratio is not None):
            return self.D0, None
        rows = np.nonzero(capacity_ratio != self.w_ord)[0]
        if rows.size == 0:
            return self.Dord, None
        D = None
        if self._since_full + rows.size <= 2 * self.n:      # bounded drift between full passes
            D = self._agg_rows(self.Dord, rows, capacity_ratio[rows] - self.w_ord[rows])
        self.w_ord = capacity_ratio
        if D is None:
            self._since_full = 0
            return None, capacity_ratio
        self._since_full += rows.size
        self.Dord = D
        return D, None

    # ------------------------------------------------------------------ the step's three phases
    def finite_inventory(self) -> np.ndarray:
        """Total finite inventory held by each industry (sum over its inputs)."""
        o = self.ops
        return o.host(o.sum0(o.where(o.isfinite(self.stock), self.stock, 0.0)))

    def stocks(self) -> np.ndarray:
        return self.ops.host(self.stock).copy()

    def production(self, popt: np.ndarray) -> np.ndarray:
        """Actual production: optimal production, cut where an input inventory is below psi x its
        target (BoARIO ARIOPsiModel.calc_production)."""
        o = self.ops
        p = o.dev(popt)
        cons = ((p[None, :] * self.tech) * self.psi) * self.inv_finite
        lim = (self.stock < cons) & self.threshold
        if not o.any(lim):
            return popt
        with o.errstate():
            ratio = o.where(self.threshold & (cons != 0), self.stock / cons, 1.0)
        ratio = o.where(ratio > 1, 1.0, ratio)
        return o.host(o.amin0(p[None, :] * ratio))

    def distribute(self, production: np.ndarray, f: np.ndarray | None) -> bool:
        """Inventories after using inputs and receiving deliveries; True if one went negative.

        ``f`` = production / demand of each supplier (None when every supplier met its demand).
        """
        o = self.ops
        p = o.dev(production)
        use = p[None, :] * self.tech
        add = self.G * self._deliveries_D(f)
        if not o.allclose(add, use):
            self.stock = self.stock - use + add
            if o.any(self.stock < 0):
                return True
        return False

    def orders(self, popt: np.ndarray, production: np.ndarray,
               capacity_ratio: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """New orders (BoARIO calc_orders): returns (orders received by each supplier, orders
        placed by each buyer)."""
        o = self.ops
        p_opt = o.dev(popt)
        with o.errstate():
            goal = (p_opt[None, :] * self.tech) * self.inv
        if o.allclose(self.stock, goal):
            gap = o.zeros_like(goal)
        else:
            with o.errstate():
                gap = o.where(o.isfinite(goal), goal - self.stock, 0.0)
            gap = o.where(gap < 0, 0.0, gap) * self.restoration
        gap = gap + o.dev(production)[None, :] * self.tech
        D, W = self._new_D(capacity_ratio)
        if D is None:
            D = self.Dord = self.agg(W)
            self.passes += 1
        with o.errstate():
            G = o.where(D != 0, gap / D, 0.0)
        raw = self.rowsum(G)
        self.passes += 1
        self.G = G
        placed = o.host(o.sum0(G * D))
        return (self.w_ord * raw if self.alt else raw), placed


class CPUKernels(ARIOKernels):
    """The numpy path, tuned: work buffers instead of temporaries, coefficients folded ahead, and
    numpy.allclose decided on a probe of a few entries first (one failing entry decides "not close"
    exactly; only a passing probe needs the full check). About 18 passes over s x n arrays a step."""

    #: entries of the probe (plus the last entry found far from close)
    PROBE = 512

    def _setup_arrays(self, tech: np.ndarray, threshold: np.ndarray, restoration: np.ndarray) -> None:
        S, n = self.S, self.n
        fin = self.finite_rows
        self.tech = np.ascontiguousarray(tech, dtype=float)
        inv_f = np.nan_to_num(self.inv_duration, posinf=0.0)
        # production constraint psi x target, zero where the input is not an input (threshold):
        # "stock < 0" never holds, so one comparison does BoARIO's (stock < cons) & threshold
        self.cons_coef = np.where(threshold, (self.tech * self.psi) * inv_f[:, None], 0.0)
        self.goal_coef = self.tech[fin] * self.inv_duration[fin, None]        # finite inputs only
        self.restoration = np.asarray(restoration, dtype=float)[:, None]
        self.tech_inf = self.tech[~fin]
        self._b = [np.empty((S, n)) for _ in range(4)]
        self._use = np.empty((S, n))
        self._m = np.empty((S, n), dtype=bool)
        size = max(1, int(fin.sum()) * n)
        self._probe = np.unique(np.linspace(0, size - 1, min(self.PROBE, size)).astype(np.int64))
        self._far = {"distribute": 0, "orders": 0}

    def reset(self, stock0: np.ndarray) -> None:
        super().reset(stock0)
        self.stock = np.array(stock0, dtype=float)
        self._G = (np.ones((self.S, self.n)), np.empty((self.S, self.n)))
        self.G = self._G[0]

    def _close(self, key: str, diff: np.ndarray, ref: np.ndarray, t: np.ndarray, u: np.ndarray) -> bool:
        """numpy.allclose semantics, |diff| <= 1e-8 + 1e-5 ref everywhere (ref >= 0)."""
        if diff.size == 0:
            return True
        d, r = diff.reshape(-1), ref.reshape(-1)
        idx = self._probe if self._probe[-1] < d.size else self._probe[self._probe < d.size]
        idx = np.append(idx, min(self._far[key], d.size - 1))
        bad = np.abs(d[idx]) > 1e-8 + 1e-5 * r[idx]
        if bad.any():
            self._far[key] = int(idx[np.argmax(bad)])
            return False
        t = np.abs(diff, out=t)
        t -= np.multiply(ref, 1e-5, out=u)
        k = int(np.argmax(t))
        if t.reshape(-1)[k] <= 1e-8:
            return True
        self._far[key] = k
        return False

    def finite_inventory(self) -> np.ndarray:
        if self.all_finite:
            return np.einsum("sj->j", self.stock)
        return np.einsum("sj->j", self.stock[self.finite_rows])

    def production(self, popt: np.ndarray) -> np.ndarray:
        cons = np.multiply(self.cons_coef, popt, out=self._b[0])
        if not np.less(self.stock, cons, out=self._m).any():
            return popt
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(cons != 0, self.stock / cons, 1.0)
        # min over inputs of popt x min(ratio, 1) = popt x min(1, min ratio) (popt >= 0)
        rmin = np.minimum(ratio.min(axis=0), 1.0)
        return popt * rmin

    def distribute(self, production: np.ndarray, f: np.ndarray | None) -> bool:
        use = np.multiply(self.tech, production, out=self._use)      # kept for this step's orders
        d, t, u = self._b[1], self._b[2], self._b[3]
        np.multiply(self.G, self._deliveries_D(f), out=d)
        d -= use                                                       # deliveries - use
        if self._close("distribute", d, use, t, u):                    # numpy.allclose(add, use)
            return False
        self.stock += d
        return bool(self.stock.min() < 0)

    def orders(self, popt: np.ndarray, production: np.ndarray,
               capacity_ratio: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        # production is the one just given to distribute(): its use tech x production is in _use
        fin = self.finite_rows
        b0, b1, b2, gap = self._b
        stock_f = self.stock if self.all_finite else self.stock[fin]
        nf = stock_f.shape[0]
        goal = np.multiply(self.goal_coef, popt, out=b1[:nf])         # >= 0
        diff = np.subtract(goal, stock_f, out=b2[:nf])                # goal - stock
        # numpy.allclose(stock, goal); an infinite inventory is "close" only where its goal is inf
        # too (BoARIO's goal there is inf, or nan where the use is zero)
        close = bool(not self.tech_inf.size or ((self.tech_inf * popt) != 0).all())
        if close:
            close = self._close("orders", diff, goal, gap[:nf], b0[:nf])
        if close:
            np.copyto(gap, self._use)                                  # no inventory gap to close
        else:
            np.maximum(diff, 0.0, out=diff)
            if self.all_finite:
                np.multiply(diff, self.restoration, out=gap)
            else:
                gap.fill(0.0)
                gap[fin] = diff * self.restoration[fin]
            gap += self._use
        D, W = self._new_D(capacity_ratio)
        if D is None:
            D = self.Dord = self.agg(W)
            self.passes += 1
        # two G buffers in turn: the current G is read by the next step's deliveries
        G = self._G[0] if self.G is not self._G[0] else self._G[1]
        G.fill(0.0)
        np.divide(gap, D, out=G, where=D != 0)
        raw = self.rowsum(G)
        self.passes += 1
        self.G = G
        placed = np.einsum("sj,sj->j", G, D)
        return (self.w_ord * raw if self.alt else raw), placed
