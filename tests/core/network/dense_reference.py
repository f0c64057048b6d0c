"""A literal dense implementation of the GL cascade as issue 4 defines it (test oracle only).

O(n^2) memory and time per step: for small networks in tests. Every formula is written as in the
definition so that the fast engine can be checked against it.
"""
from __future__ import annotations

import numpy as np


def dense_cascade(W, p, E, psi, *, market=None, revenue=None, costs=None, eps=0.01, max_iter=10_000):
    """Run one scenario. W: (n, n) sales i -> j; p: industry index per firm (0..K-1); E: (K, K)
    classes (rows supplier industry, columns customer industry); market: market index per firm or
    None. Returns (h_d, h_u, iterations)."""
    W = np.asarray(W, dtype=float)
    n = W.shape[0]
    p = np.asarray(p)
    K = E.shape[0]
    s_out = W.sum(axis=1)
    s_in = W.sum(axis=0)
    # Pi0[j, k] = sum over suppliers i of industry k of W_ij
    Pi0 = np.zeros((n, K))
    for k in range(K):
        Pi0[:, k] = W[p == k, :].sum(axis=0)
    cls = E[p[:, None], p[None, :]]  # class of link i -> j
    Ld = np.zeros((n, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        ess = (cls == 2) & (W > 0)
        lin = (cls == 1) & (W > 0)
        Ld[ess] = (W / Pi0[:, p].T)[ess]
        Ld[lin] = (W / s_in[None, :])[lin]
        if costs is not None:
            Ld = Ld * (s_in / np.asarray(costs, dtype=float))[None, :]
        denom = s_out if revenue is None else np.asarray(revenue, dtype=float)
        Lu = np.where(W > 0, W / denom[:, None], 0.0)
    psi = np.asarray(psi, dtype=float)
    h_d = 1.0 - psi
    h_u = 1.0 - psi
    it = 0
    while it < max_iter:
        it += 1
        if market is not None:
            q = np.asarray(market)
            Q = q.max() + 1
            A = np.bincount(q, weights=h_d * s_out, minlength=Q)
            A = np.where(A <= 1e-10, 1.0, A)
            sigma = np.minimum(1.0, s_out / A[q])
        else:
            sigma = np.ones(n)
        new_d = np.empty(n)
        for j in range(n):
            terms = sigma * Ld[:, j] * (1.0 - h_d)
            ess_min = 1.0
            lin_sum = 0.0
            for k in range(K):
                sel = p == k
                pi_jk = 1.0 - terms[sel].sum()
                c = E[k, p[j]]
                if c == 2:
                    ess_min = min(ess_min, pi_jk)
                elif c == 1:
                    lin_sum += 1.0 - pi_jk
            new_d[j] = max(0.0, min(ess_min, 1.0 - lin_sum, 1.0 - psi[j]))
        new_u = np.maximum(0.0, np.minimum(1.0 - psi, 1.0 - Lu @ (1.0 - h_u)))
        dec = max(float(np.max(h_d - new_d)), float(np.max(h_u - new_u)))
        h_d, h_u = new_d, new_u
        if dec <= eps:
            break
    return h_d, h_u, it


def dense_esri(W, p, E, **kw):
    """ESRI, ESRI_down, ESRI_up and iterations for every firm (psi = e_f)."""
    W = np.asarray(W, dtype=float)
    n = W.shape[0]
    s_out = W.sum(axis=1)
    w = s_out / s_out.sum()
    out = np.zeros((n, 4))
    for f in range(n):
        psi = np.zeros(n)
        psi[f] = 1.0
        h_d, h_u, it = dense_cascade(W, p, E, psi, **kw)
        h = np.minimum(h_d, h_u)
        out[f] = [w @ (1 - h), w @ (1 - h_d), w @ (1 - h_u), it]
    return out
