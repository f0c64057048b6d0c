"""One synchronous cascade step for B scenarios at once, fused, compiled with numba (optional).

State is dense (n x B, row-major: a firm's B values lie together). Every deficit is recomputed
from scratch each step, as in the definition:
  xd = sigma (1 - h_d);  D_g = sum_{links of slot g} Lambda_d xd;  M_j = max over j's slots;
  h_d' = max(0, min(1 - M, 1 - psi));  U_i = sum_j Lambda_u[i, j] (1 - h_u_j);
  h_u' = max(0, min(1 - psi, 1 - U)),
with psi kept as a sparse list of shocked entries (the cap binds only there).
Each link's index and weight is loaded once for all B scenarios, which is what makes a batch
cheaper per scenario than B single runs.
"""
from __future__ import annotations

import numba as nb
import numpy as np

_CACHE = True


@nb.njit(cache=_CACHE, nogil=True)
def batch_step(n, slot_ptr, sl_ptr, sl_sup, sl_lam, o_ptr, o_cus, o_lam, s_out, q, n_markets,
               market, Hd, Hu, sh_ptr, sh_row, sh_val, Xd, A, Hd_new, Hu_new, dec):
    """Writes the next state to Hd_new / Hu_new and each column's largest decrease to dec.

    The shocks are a sparse list (column b's rows sh_row[sh_ptr[b]:sh_ptr[b + 1]], losses sh_val),
    not a dense n x B array: the cap 1 - psi binds only there, so the main passes skip it and the
    shocked entries are capped afterwards. That is exact: max(0, min(1 - M, 1 - psi)) =
    min(max(0, 1 - M), 1 - psi), and the capped decrease is never below the uncapped one, so the
    column's largest decrease is the max of the uncapped ones and the capped shocked ones.
    Without markets sigma = 1 and the downstream gather reads 1 - h_d directly (no Xd pass)."""
    B = Hd.shape[1]
    for b in range(B):
        dec[b] = 0.0
    if market:
        for k in range(n_markets):
            for b in range(B):
                A[k, b] = 0.0
        for i in range(n):
            for b in range(B):
                A[q[i], b] += Hd[i, b] * s_out[i]
        for k in range(n_markets):
            for b in range(B):
                if A[k, b] <= 1e-10:
                    A[k, b] = 1.0
        for i in range(n):
            for b in range(B):
                sig = s_out[i] / A[q[i], b]
                if sig > 1.0:
                    sig = 1.0
                Xd[i, b] = sig * (1.0 - Hd[i, b])
    acc = np.empty(B)
    mx = np.empty(B)
    # downstream
    for j in range(n):
        for b in range(B):
            mx[b] = 0.0
        for g in range(slot_ptr[j], slot_ptr[j + 1]):
            e0 = sl_ptr[g]
            e1 = sl_ptr[g + 1]
            if e1 - e0 == 1:
                # a single-sourced input (most slots): its deficit is one product, no sum
                # (0 + v == v exactly, so this is the same arithmetic as the general case)
                s = sl_sup[e0]
                lam = sl_lam[e0]
                if market:
                    for b in range(B):
                        v = lam * Xd[s, b]
                        if v > mx[b]:
                            mx[b] = v
                else:
                    for b in range(B):
                        v = lam * (1.0 - Hd[s, b])
                        if v > mx[b]:
                            mx[b] = v
                continue
            for b in range(B):
                acc[b] = 0.0
            if market:
                for e in range(e0, e1):
                    s = sl_sup[e]
                    lam = sl_lam[e]
                    for b in range(B):
                        acc[b] += lam * Xd[s, b]
            else:
                for e in range(e0, e1):
                    s = sl_sup[e]
                    lam = sl_lam[e]
                    for b in range(B):
                        acc[b] += lam * (1.0 - Hd[s, b])
            for b in range(B):
                if acc[b] > mx[b]:
                    mx[b] = acc[b]
        for b in range(B):
            new = 1.0 - mx[b]
            if new < 0.0:
                new = 0.0
            d = Hd[j, b] - new
            if d > dec[b]:
                dec[b] = d
            Hd_new[j, b] = new
    # upstream
    for i in range(n):
        for b in range(B):
            acc[b] = 0.0
        for e in range(o_ptr[i], o_ptr[i + 1]):
            c = o_cus[e]
            lam = o_lam[e]
            for b in range(B):
                acc[b] += lam * (1.0 - Hu[c, b])
        for b in range(B):
            new = 1.0 - acc[b]
            if new < 0.0:
                new = 0.0
            d = Hu[i, b] - new
            if d > dec[b]:
                dec[b] = d
            Hu_new[i, b] = new
    # the shocked entries: cap at 1 - psi
    for b in range(B):
        for a in range(sh_ptr[b], sh_ptr[b + 1]):
            r = sh_row[a]
            cap = 1.0 - sh_val[a]
            if Hd_new[r, b] > cap:
                Hd_new[r, b] = cap
            d = Hd[r, b] - Hd_new[r, b]
            if d > dec[b]:
                dec[b] = d
            if Hu_new[r, b] > cap:
                Hu_new[r, b] = cap
            d = Hu[r, b] - Hu_new[r, b]
            if d > dec[b]:
                dec[b] = d


@nb.njit(cache=_CACHE, nogil=True)
def column_losses(w, Hd, Hu, cols, out):
    """out[k] = (sum w (1 - min(h_d, h_u)), sum w (1 - h_d), sum w (1 - h_u)) of column cols[k]."""
    n = Hd.shape[0]
    for k in range(len(cols)):
        b = cols[k]
        e = 0.0
        ed = 0.0
        eu = 0.0
        for i in range(n):
            hd = Hd[i, b]
            hu = Hu[i, b]
            h = hd if hd < hu else hu
            e += w[i] * (1.0 - h)
            ed += w[i] * (1.0 - hd)
            eu += w[i] * (1.0 - hu)
        out[k, 0] = e
        out[k, 1] = ed
        out[k, 2] = eu
