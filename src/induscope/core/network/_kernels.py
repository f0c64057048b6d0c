"""Active-set cascade runners: a numpy one (always there) and a numba one (when installed).

Both do the same arithmetic on the same prepared arrays (``CascadeKernel``):

state per firm: h_d, h_u, xd = sigma (1 - h_d) as last added to the deficits, M = largest
downstream deficit over the firm's slots, U = upstream deficit; per slot: D = deficit.
One synchronous step t:
  1. downstream sources: firms whose h_d changed in step t-1, plus (markets on) the damaged firms
     of markets whose capacity A_q changed; their new xd minus the stored xd is pushed along
     their downstream links into D (slots) and M (owners, running max: D only grows);
  2. upstream sources: firms whose h_u fell in step t-1; the fall times Lambda_u goes to U of
     their suppliers;
  3. only the owners / suppliers reached get new values; the step's largest decrease decides
     the stop.
Work arrays are allocated once per kernel and process and reset through the list of touched
firms, so one firm's ESRI costs time proportional to its cascade's footprint, not to n.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

_RUNNERS: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()

# optional accelerator: looked up, not imported (importing numba takes a while; the compiled
# module is imported on first use). Which engine runs is the caller's choice (engine="numpy").
from .._accel import HAVE_NUMBA, resolve_engine  # noqa: E402  (the one resolver)


def get_runner(kernel: Any, engine: str, pull_frac: float | None = None) -> Any:
    """The runner (work arrays included) of this kernel in this process, made once."""
    engine = resolve_engine(engine)
    per = _RUNNERS.setdefault(kernel, {})
    r = per.get((engine, pull_frac))
    if r is None:
        if engine == "numba":
            from ._numba_kernels import NumbaRunner

            r = NumbaRunner(kernel, pull_frac)
        else:
            r = NumpyRunner(kernel, pull_frac)
        per[(engine, pull_frac)] = r
    return r


def _gather(ptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of all CSR entries of ``nodes`` and, for each, the index into ``nodes``."""
    starts = ptr[nodes]
    lens = ptr[nodes + 1] - starts
    tot = int(lens.sum())
    if tot == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e
    rep = np.repeat(np.arange(len(nodes)), lens)
    offs = np.cumsum(lens) - lens
    pos = np.arange(tot, dtype=np.int64) + np.repeat(starts - offs, lens)
    return pos, rep


class NumpyRunner:
    """Vectorised cascade (numpy/scipy only): push steps on small active sets, pull steps
    (sparse matrix-vector products recomputing every deficit) once a step's sources' links
    exceed ``PULL_FRAC`` of the pull cost; see ``_numba_kernels`` for the two modes."""

    PULL_FRAC = 0.1

    def __init__(self, k: Any, pull_frac: float | None = None):
        from scipy.sparse import csr_matrix

        self.k = k
        self.pull_frac = float(self.PULL_FRAC if pull_frac is None else pull_frac)
        n = k.n
        G = k.n_slots
        self.h_d = np.ones(n)
        self.h_u = np.ones(n)
        self.xd = np.zeros(n)
        self.M = np.zeros(n)
        self.U = np.zeros(n)
        self.psi = np.zeros(n)
        self.seen = np.zeros(n, dtype=bool)
        self.D = np.zeros(G)
        self.A = None if k.q is None else k.S_q.astype(float).copy()
        # pull cost ~ firms + slots + links; push cost ~ the sources' links (see _numba_kernels)
        self.pull_cost_d = n + G + int(k.d_ptr[-1])
        self.pull_cost_u = n + int(k.u_ptr[-1])
        # pull operators: U = Lu (1 - h_u); D = Ld xd; M_j = max over j's slots
        self.Lu = csr_matrix((k.o_lam, k.o_cus, k.o_ptr), shape=(n, n))
        self.Ld = csr_matrix((k.sl_lam, k.sl_sup, k.sl_ptr), shape=(G, n))
        self.has_slots = np.nonzero(np.diff(k.slot_ptr) > 0)[0]
        self.slot_start = k.slot_ptr[self.has_slots]

    def _sigma(self, f: np.ndarray) -> np.ndarray | float:
        if self.A is None:
            return 1.0
        Aq = self.A[self.k.q[f]]
        return np.minimum(1.0, self.k.s_out[f] / np.where(Aq <= 1e-10, 1.0, Aq))

    def run(self, idx: np.ndarray, val: np.ndarray, trace: bool
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool, np.ndarray | None]:
        k = self.k
        n = k.n
        h_d, h_u, xd, M, U, psi, seen, D, A = (self.h_d, self.h_u, self.xd, self.M, self.U,
                                                self.psi, self.seen, self.D, self.A)
        market = A is not None
        q = k.q
        touched = [idx]
        seen[idx] = True
        slots_used: list[np.ndarray] = []
        wholesale = False
        psi[idx] = val
        h_d[idx] = 1.0 - val
        h_u[idx] = 1.0 - val
        dirty_d = idx
        dirty_u = idx
        du = val.copy()
        if market:
            np.subtract.at(A, q[idx], val * k.s_out[idx])
            changed_q = np.unique(q[idx])
            damaged = idx.copy()
        extent: list[tuple[int, float]] = []
        it = 0
        converged = False
        try:
            while it < k.max_iter:
                it += 1
                # 1. downstream: sources whose sigma (1 - h_d) may have changed
                if market:
                    cand = damaged[np.isin(q[damaged], changed_q)]
                    src = np.unique(np.concatenate([dirty_d, cand]))
                else:
                    src = dirty_d
                load = int((k.d_ptr[src + 1] - k.d_ptr[src]).sum())
                pulled_d = load > self.pull_frac * self.pull_cost_d
                if pulled_d:
                    wholesale = True
                    xd[:] = self._sigma(np.arange(n)) * (1.0 - h_d)
                    D[:] = self.Ld @ xd
                    M[:] = 0.0
                    if len(self.has_slots):
                        M[self.has_slots] = np.maximum.reduceat(D, self.slot_start)
                    J = np.arange(n)
                else:
                    xnew = self._sigma(src) * (1.0 - h_d[src])
                    dx = xnew - xd[src]
                    xd[src] = xnew
                    nz = dx != 0
                    src, dx = src[nz], dx[nz]
                    pos, rep = _gather(k.d_ptr, src)
                    if len(pos):
                        g = k.d_slot[pos]
                        np.add.at(D, g, k.d_lam[pos] * dx[rep])
                        slots_used.append(g)
                        own = k.slot_owner[g]
                        np.maximum.at(M, own, D[g])  # D only grows: running max = max
                        J = np.unique(own)
                    else:
                        J = np.empty(0, dtype=np.int64)
                new_d = np.maximum(0.0, np.minimum(1.0 - M[J], 1.0 - psi[J]))
                dec_d = h_d[J] - new_d
                # 2. upstream
                load = int((k.u_ptr[dirty_u + 1] - k.u_ptr[dirty_u]).sum())
                pulled_u = load > self.pull_frac * self.pull_cost_u
                if pulled_u:
                    wholesale = True
                    U[:] = self.Lu @ (1.0 - h_u)
                    I = np.arange(n)
                else:
                    pos, rep = _gather(k.u_ptr, dirty_u)
                    if len(pos):
                        s = k.u_sup[pos]
                        np.add.at(U, s, k.u_lam[pos] * du[rep])
                        I = np.unique(s)
                    else:
                        I = np.empty(0, dtype=np.int64)
                new_u = np.maximum(0.0, np.minimum(1.0 - psi[I], 1.0 - U[I]))
                dec_u = h_u[I] - new_u
                # 3. apply synchronously
                biggest = 0.0
                if len(dec_d):
                    biggest = max(biggest, float(dec_d.max()))
                if len(dec_u):
                    biggest = max(biggest, float(dec_u.max()))
                ch = dec_d != 0
                dirty_d = J[ch]
                h_d[dirty_d] = new_d[ch]
                ch_u = dec_u != 0
                dirty_u = I[ch_u]
                du = dec_u[ch_u]
                h_u[dirty_u] = new_u[ch_u]
                # re-evaluated firms go on the reset list even when h did not move (M, U may have)
                for grp in (dirty_d if pulled_d else J, dirty_u if pulled_u else I):
                    new = grp[~seen[grp]]
                    if len(new):
                        seen[new] = True
                        touched.append(new)
                if market:
                    if len(dirty_d):
                        np.subtract.at(A, q[dirty_d], dec_d[ch] * k.s_out[dirty_d])
                        fresh = dirty_d[h_d[dirty_d] < 1.0]
                        damaged = np.union1d(damaged, fresh)
                        changed_q = np.unique(q[dirty_d])
                    else:
                        changed_q = np.empty(0, dtype=np.int64)
                if trace:
                    t_all = np.concatenate(touched)
                    h = np.minimum(h_d[t_all], h_u[t_all])
                    extent.append((int((h < 1.0).sum()), float(k.w[t_all] @ (1.0 - h))))
                if biggest <= k.eps:
                    converged = True
                    break
            t_all = np.concatenate(touched)
            out = (t_all, h_d[t_all].copy(), h_u[t_all].copy(), it, converged,
                   np.array(extent, dtype=float).reshape(-1, 2) if trace else None)
        finally:
            t_all = np.concatenate(touched)
            h_d[t_all] = 1.0
            h_u[t_all] = 1.0
            psi[t_all] = 0.0
            seen[t_all] = False
            if wholesale:
                xd[:] = 0.0
                M[:] = 0.0
                U[:] = 0.0
                D[:] = 0.0
            else:
                xd[t_all] = 0.0
                M[t_all] = 0.0
                U[t_all] = 0.0
                for g in slots_used:
                    D[g] = 0.0
            if market:
                uq = np.unique(q[t_all])
                A[uq] = k.S_q[uq]
        return out

    def esri(self, firms: np.ndarray, on_progress: Callable[[int], None] | None = None) -> np.ndarray:
        w = self.k.w
        out = np.zeros((len(firms), 4))
        one = np.ones(1)
        for r, f in enumerate(firms.tolist()):
            t, hd, hu, it, _, _ = self.run(np.array([f], dtype=np.int64), one, False)
            wt = w[t]
            out[r] = (wt @ (1.0 - np.minimum(hd, hu)), wt @ (1.0 - hd), wt @ (1.0 - hu), it)
            if on_progress is not None:
                on_progress(1)
        return out
