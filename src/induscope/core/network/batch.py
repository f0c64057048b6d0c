"""Many cascades at once: a dense, batched engine (CPU with numba or numpy; GPU with CuPy).

B scenarios are the B columns of dense n x B state matrices and advance together, one synchronous
step per call: every deficit is recomputed from scratch with a sparse-matrix x dense-matrix
product (each link is read once for all B columns). Columns are independent, so a column whose
cascade has stopped is refilled with the next scenario at once ("continuous batching"): the
batch never waits for its slowest member.

Uses:
- all-firm ESRI: the active-set engine (``_numba_kernels``) runs every firm first and hands over
  the cascades that spread over a large part of the network; they finish here (``esri_hybrid``);
- batches of scenarios, on a GPU when CuPy and a device are present (same results to ~1e-12:
  only the order of the sums differs). Without them it falls back to the CPU and says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ...errors import InputError
from . import _kernels
from .._accel import library_sees_gpu, resolve_device, resolve_engine


@dataclass(frozen=True)
class Backend:
    name: str  # "numba", "numpy" or "cupy"
    fallback: str | None = None  # why a GPU request runs on the CPU


def gpu_available() -> tuple[bool, str]:
    """(True, device name) when CuPy sees a CUDA device, else (False, reason)."""
    return library_sees_gpu("cupy")


def resolve_backend(backend: str) -> Backend:
    """gpu / cupy: CuPy when it sees a device, else the CPU engine with the reason; auto, numba,
    numpy: that CPU engine (``_accel`` decides both)."""
    if backend in ("gpu", "cupy"):
        lib, why = resolve_device("cupy", fallback=True)
        if lib == "cupy":
            return Backend("cupy")
        return Backend(resolve_engine("auto"), fallback=why)
    if backend not in ("auto", "numba", "numpy"):
        raise InputError(f"unknown batch backend {backend!r}; expected auto, numba, numpy, gpu")
    return Backend(resolve_engine(backend))


class BatchEngine:
    """Runs many scenarios of one kernel, ``width`` at a time."""

    def __init__(self, kernel: Any, backend: str = "auto", width: int | None = None):
        self.k = kernel
        self.backend = resolve_backend(backend)
        name = self.backend.name
        self.width = int(width or (512 if name == "cupy" else 16))
        if self.width < 1:
            raise InputError(f"width must be >= 1, got {self.width}")
        k = kernel
        self.market = k.q is not None
        self.n_markets = int(k.S_q.shape[0]) if self.market else 1
        self.q = k.q if self.market else np.zeros(k.n, dtype=np.int64)
        if name == "numba":
            from . import _numba_batch

            self._nb = _numba_batch
        else:
            if name == "cupy":
                import cupy as xp  # type: ignore[import-not-found]
                import cupyx.scipy.sparse as xsp  # type: ignore[import-not-found]
            else:
                import scipy.sparse as xsp

                xp = np
            self.xp = xp
            n, G = k.n, k.n_slots
            self.Lu = xsp.csr_matrix((xp.asarray(k.o_lam), xp.asarray(k.o_cus.astype(np.int32)),
                                      xp.asarray(k.o_ptr.astype(np.int32))), shape=(n, n))
            self.Ld = xsp.csr_matrix((xp.asarray(k.sl_lam), xp.asarray(k.sl_sup.astype(np.int32)),
                                      xp.asarray(k.sl_ptr.astype(np.int32))), shape=(G, n))
            self.s_out = xp.asarray(k.s_out)[:, None]
            self.w = xp.asarray(k.w)
            if xp is not np:
                self.slot_ptr_x = xp.asarray(k.slot_ptr.astype(np.int64))
                self._segmax = xp.ElementwiseKernel(
                    "raw T D, raw int64 slot_ptr, int64 B", "T M",
                    """
                    long long j = i / B, b = i % B;
                    T mx = 0;
                    for (long long g = slot_ptr[j]; g < slot_ptr[j + 1]; ++g) {
                        T v = D[g * B + b];
                        if (v > mx) mx = v;
                    }
                    M = mx;
                    """, "induscope_segmax")
            has = np.nonzero(np.diff(k.slot_ptr) > 0)[0]
            self.has = has
            self.slot_start = k.slot_ptr[has]
            if self.market:
                self.qx = xp.asarray(self.q)
                ones = np.ones(n)
                self.Qind = xsp.csr_matrix((xp.asarray(ones), xp.asarray(self.q.astype(np.int32)),
                                            xp.asarray(np.arange(n + 1, dtype=np.int32))), shape=(n, self.n_markets)).T.tocsr()

    # --- one step ------------------------------------------------------------------------------
    def _step_xp(self, Hd, Hu, Psi):
        xp = self.xp
        if self.market:
            A = self.Qind @ (Hd * self.s_out)
            A = xp.where(A <= 1e-10, 1.0, A)
            Xd = xp.minimum(1.0, self.s_out / A[self.qx]) * (1.0 - Hd)
        else:
            Xd = 1.0 - Hd
        D = self.Ld @ Xd
        if xp is np:
            M = np.zeros_like(Hd)
            if self.k.n_slots:
                M[self.has] = np.maximum.reduceat(D, self.slot_start, axis=0)
        else:
            # M_j = max over j's slots (slots are sorted by customer): one thread per (j, b)
            M = xp.empty_like(Hd)
            self._segmax(xp.ascontiguousarray(D), self.slot_ptr_x, Hd.shape[1], M)
        Nd = xp.maximum(0.0, xp.minimum(1.0 - M, 1.0 - Psi))
        Nu = xp.maximum(0.0, xp.minimum(1.0 - Psi, 1.0 - self.Lu @ (1.0 - Hu)))
        dec = xp.maximum((Hd - Nd).max(axis=0), (Hu - Nu).max(axis=0))
        return Nd, Nu, dec

    # --- the driver ----------------------------------------------------------------------------
    def run(self, jobs: Sequence[tuple[np.ndarray, np.ndarray]], *, keep_h: bool = False,
            on_done: Callable[[int], None] | None = None) -> dict[str, Any]:
        """Run each job (kernel positions, psi values); returns arrays esri, esri_down,
        esri_up, iterations, converged (one per job) and, with ``keep_h``, h_d / h_u (n x jobs,
        kernel positions)."""
        k = self.k
        n = k.n
        J = len(jobs)
        res = np.zeros((J, 3))
        iters = np.zeros(J, dtype=np.int64)
        conv = np.zeros(J, dtype=bool)
        hd_keep = np.ones((n, J)) if keep_h else None
        hu_keep = np.ones((n, J)) if keep_h else None
        if J == 0:
            return self._pack(res, iters, conv, hd_keep, hu_keep)
        B = min(self.width, J)
        gpu = self.backend.name == "cupy"
        xp = self.xp if self.backend.name != "numba" else np
        nb_cpu = self.backend.name == "numba"
        Hd = xp.ones((n, B))
        Hu = xp.ones((n, B))
        # the numba step takes the shocks as a sparse list per column (see batch_step)
        Psi = None if nb_cpu else xp.zeros((n, B))
        steps = np.zeros(B, dtype=np.int64)
        job = np.full(B, -1, dtype=np.int64)

        def load(cols: np.ndarray, js: np.ndarray) -> None:
            """Start jobs ``js`` in columns ``cols`` (one fancy-indexed write per array)."""
            cx = cols if xp is np else xp.asarray(cols)
            Hd[:, cx] = 1.0
            Hu[:, cx] = 1.0
            if Psi is not None:
                Psi[:, cx] = 0.0
            rows, cc, vals = [], [], []
            for c, j in zip(cols.tolist(), js.tolist()):
                idx, val = jobs[j]
                rows.append(np.asarray(idx, dtype=np.int64))
                cc.append(np.full(len(rows[-1]), c, dtype=np.int64))
                vals.append(np.asarray(val, dtype=float))
            r = np.concatenate(rows)
            if len(r):
                r, c_, v = (xp.asarray(a) for a in (r, np.concatenate(cc), np.concatenate(vals)))
                if Psi is not None:
                    Psi[r, c_] = v
                Hd[r, c_] = 1.0 - v
                Hu[r, c_] = 1.0 - v
            steps[cols] = 0
            job[cols] = js

        def shock_lists() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """Each column's shocked rows and losses, flattened (empty for idle columns)."""
            parts = [jobs[j] if j >= 0 else (np.zeros(0, dtype=np.int64), np.zeros(0))
                     for j in job.tolist()]
            ptr = np.zeros(len(parts) + 1, dtype=np.int64)
            np.cumsum([len(p[0]) for p in parts], out=ptr[1:])
            rows = np.concatenate([np.asarray(p[0], dtype=np.int64) for p in parts])
            vals = np.concatenate([np.asarray(p[1], dtype=float) for p in parts])
            return ptr, rows, vals

        load(np.arange(B), np.arange(B))
        nxt = B
        if nb_cpu:
            sh = shock_lists()
            Xd = np.empty((n, B) if self.market else (1, 1))
            A = np.empty((self.n_markets, B))
            Hd2 = np.empty((n, B))
            Hu2 = np.empty((n, B))
            dec = np.empty(B)
            nbk = self._nb
        while (job >= 0).any():
            if self.backend.name == "numba":
                nbk.batch_step(n, k.slot_ptr, k.sl_ptr, k.sl_sup, k.sl_lam, k.o_ptr, k.o_cus, k.o_lam,
                               k.s_out, self.q, self.n_markets, self.market, Hd, Hu, *sh, Xd, A,
                               Hd2, Hu2, dec)
                Hd, Hd2 = Hd2, Hd
                Hu, Hu2 = Hu2, Hu
                d = dec
            else:
                Hd, Hu, dvec = self._step_xp(Hd, Hu, Psi)
                d = dvec.get() if gpu else dvec
            active = job >= 0
            steps[active] += 1
            stop = active & ((d <= k.eps) | (steps >= k.max_iter))
            if not stop.any():
                continue
            cols = np.nonzero(stop)[0]
            if self.backend.name == "numba":
                out = np.zeros((len(cols), 3))
                nbk.column_losses(k.w, Hd, Hu, cols, out)
            else:
                cx = xp.asarray(cols)
                hd, hu = Hd[:, cx], Hu[:, cx]
                out = xp.stack([self.w @ (1.0 - xp.minimum(hd, hu)), self.w @ (1.0 - hd),
                                self.w @ (1.0 - hu)], axis=1)
                out = out.get() if gpu else out
            for r, c in enumerate(cols.tolist()):
                j = int(job[c])
                res[j] = out[r]
                iters[j] = steps[c]
                conv[j] = bool(d[c] <= k.eps)
                if keep_h:
                    hd_keep[:, j] = Hd[:, c].get() if gpu else Hd[:, c]
                    hu_keep[:, j] = Hu[:, c].get() if gpu else Hu[:, c]
            if on_done is not None:
                on_done(len(cols))
            take = min(len(cols), J - nxt)
            if take:
                load(cols[:take], np.arange(nxt, nxt + take))
                nxt += take
            job[cols[take:]] = -1
            if nb_cpu:
                sh = shock_lists()
            # once the queue is empty, drop idle columns so the tail does not pay for them
            if nxt >= J and (job < 0).sum() * 2 >= len(job) and (job >= 0).any():
                keep = np.nonzero(job >= 0)[0]
                kx = keep if xp is np else xp.asarray(keep)
                Hd = xp.ascontiguousarray(Hd[:, kx])
                Hu = xp.ascontiguousarray(Hu[:, kx])
                if Psi is not None:
                    Psi = xp.ascontiguousarray(Psi[:, kx])
                steps, job = steps[keep], job[keep]
                if nb_cpu:
                    sh = shock_lists()
                    Bk = len(keep)
                    Xd = np.empty((n, Bk) if self.market else (1, 1))
                    A = np.empty((self.n_markets, Bk))
                    Hd2, Hu2, dec = np.empty((n, Bk)), np.empty((n, Bk)), np.empty(Bk)
        return self._pack(res, iters, conv, hd_keep, hu_keep)

    @staticmethod
    def _pack(res, iters, conv, hd, hu) -> dict[str, Any]:
        out = {"esri": res[:, 0], "esri_down": res[:, 1], "esri_up": res[:, 2], "iterations": iters,
               "converged": conv}
        if hd is not None:
            out["h_d"], out["h_u"] = hd, hu
        return out

    def esri(self, positions: np.ndarray, on_done: Callable[[int], None] | None = None) -> np.ndarray:
        """(len, 4) ESRI rows for firms at kernel ``positions`` (psi = e_f)."""
        one = np.ones(1)
        r = self.run([(np.array([p]), one) for p in np.asarray(positions).tolist()], on_done=on_done)
        return np.column_stack([r["esri"], r["esri_down"], r["esri_up"], r["iterations"]])


#: memory for the batched engine's dense state (about 8 arrays of n x width doubles)
HYBRID_STATE_BYTES = 1 << 30


def hybrid_width(n: int, jobs: int) -> int:
    """Columns for the batched part of ``esri_hybrid``. A step is bound by reading each link's
    source row (width doubles at a random firm), so wider rows amortise the random reads: the
    cost per column-step falls ~1.4x (100k firms) to ~1.7x (250k) from 16 to 64 columns. But
    once the queue is empty the last columns run with the batch thinned out, so a wide batch
    only pays with many jobs; and the dense state must fit ``HYBRID_STATE_BYTES``."""
    w = 64 if jobs >= 1024 else 32 if jobs >= 256 else 16
    while w > 16 and 8 * 8 * n * w > HYBRID_STATE_BYTES:
        w //= 2
    return w


def esri_hybrid(kernel: Any, positions: np.ndarray, *, width: int | None = None,
                max_pulls: int | None = None,
                on_progress: Callable[[int], None] | None = None) -> np.ndarray:
    """All-firm ESRI on the CPU: the active-set engine first (small cascades cost microseconds),
    with cascades that would need more than ``max_pulls`` full-network steps (default
    ``NumbaRunner.HANDOVER_PULLS``) handed to the batched engine (``width`` columns; default
    ``hybrid_width``). Width and hand-over change the speed only, never a result: columns are
    independent and every cascade is run from its start."""
    runner = _kernels.get_runner(kernel, "numba")
    out = runner.esri(np.asarray(positions, dtype=np.int64), abort_pull=True, max_pulls=max_pulls)
    deferred = np.nonzero(out[:, 3] < 0)[0]
    if on_progress is not None:
        on_progress(len(positions) - len(deferred))
    if len(deferred):
        if width is None:
            width = hybrid_width(kernel.n, len(deferred))
        eng = BatchEngine(kernel, "numba", width=width)
        out[deferred] = eng.esri(np.asarray(positions)[deferred], on_done=on_progress)
    return out
