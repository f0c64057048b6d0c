"""The cascade compiled with numba (optional accelerator; same definition as NumpyRunner).

Imported only when numba is installed. Each step of each channel runs in one of two modes:

- *push* (sparse): the sources (firms whose state changed in the previous step) add the change
  times Lambda to the deficits of the firms they reach; only those firms are re-evaluated.
  Work ~ the links of the sources: a small cascade costs microseconds whatever n is.
- *pull* (dense): when the sources' links are a large share of all links, every deficit is
  recomputed from scratch, as in the definition (sum_i Lambda_ij (1 - h_i)), walking the links
  in memory order, and every firm is re-evaluated. Work ~ n + links, with no scattered writes.

An untouched firm re-evaluates to its current value, so both modes give the same h (up to
rounding of the incremental sums, ~1e-16). Work arrays live in the runner and are reset through
touched lists (or wholesale after a pull step).

ESRI runs (psi = e_f) may end with a *lazy* last step (``_lazy_stop``): the upstream channel is
then linear with a non-increasing largest decrease, so a cheap bound can show that it cannot
hold the cascade back, and the last step's upstream results follow from the previous step's
changes alone. A typical cascade's last step is its biggest (the upstream front has reached
most firms). When the downstream channel has gone quiet, ``_lazy_stop2`` does the same for the
last two steps at once. Results are equal to ~1e-15.
"""
from __future__ import annotations

from typing import Any, Callable

import numba as nb
import numpy as np

_CACHE = True


@nb.njit(cache=_CACHE, nogil=True)
def _sigma(f, market, s_out, q, A):
    if not market:
        return 1.0
    Aq = A[q[f]]
    if Aq <= 1e-10:
        Aq = 1.0
    sig = s_out[f] / Aq
    return 1.0 if sig > 1.0 else sig


#: slack on "rows of Lambda_u sum to <= 1" (rounding of W_ij / s_out_i) for the lazy stop
LAZY_ROW_SUM = 1.0 + 1e-9


@nb.njit(cache=_CACHE, nogil=True)
def _px(j, prev, o_ptr, o_cus, o_lam, mark_u, du):
    """(P x)_j for x = the previous step's upstream decreases (du where mark_u == prev)."""
    acc = 0.0
    for g in range(o_ptr[j], o_ptr[j + 1]):
        c = o_cus[g]
        if mark_u[c] == prev:
            acc += o_lam[g] * du[c]
    return acc


@nb.njit(cache=_CACHE, nogil=True)
def _ppx(i, f, prev, o_ptr, o_cus, o_lam, mark_u, du):
    """(P y)_i with y = P' x (y_f = 0): the decrease of supplier i two steps after x."""
    acc = 0.0
    for g in range(o_ptr[i], o_ptr[i + 1]):
        j = o_cus[g]
        if j != f:
            acc += o_lam[g] * _px(j, prev, o_ptr, o_cus, o_lam, mark_u, du)
    return acc


@nb.njit(cache=_CACHE, nogil=True)
def _finish_lazy(two, f, prev, nu, dirty_u, r_next, w_delta_f, nt, touched, h_d, h_u, w, o_ptr,
                 o_cus, o_lam, mark_u, du, lazy_out, kind):
    """Results of a lazily stopped cascade: ESRI_up = sum_i w_i (1 - h_u_i) over the state before
    the skipped step(s) + sum_c x_c r_next_c - w_delta_f (x = the last materialised decreases);
    ESRI_down from h_d; ESRI = ESRI_up + sum over h_d < 1 of w (l_d - l_u)+, with l_u of those
    firms advanced by one (``two`` False) or two steps."""
    e_u = 0.0
    for a in range(nt):
        i = touched[a]
        e_u += w[i] * (1.0 - h_u[i])
    for a in range(nu):
        c = dirty_u[a]
        if mark_u[c] == prev:
            e_u += du[c] * r_next[c]
    e_u -= w_delta_f
    e_d = 0.0
    extra = 0.0
    for a in range(nt):
        i = touched[a]
        ld = 1.0 - h_d[i]
        if ld <= 0.0:
            continue
        e_d += w[i] * ld
        if i == f:
            continue  # l_u = l_d = 1
        lu = 1.0 - h_u[i] + _px(i, prev, o_ptr, o_cus, o_lam, mark_u, du)
        if two:
            lu += _ppx(i, f, prev, o_ptr, o_cus, o_lam, mark_u, du)
        if ld > lu:
            extra += w[i] * (ld - lu)
    lazy_out[0] = e_u + extra
    lazy_out[1] = e_d
    lazy_out[2] = e_u
    lazy_out[3] = kind


@nb.njit(cache=_CACHE, nogil=True)
def _lazy_stop(f, prev, nu, dirty_u, mark_u, du, u_ptr, u_sup, o_ptr, o_cus, o_lam, r_up, w, eps,
               stamp_i, tag, nt, touched, h_d, h_u, lazy_out):
    """The last upstream step of an ESRI cascade without its full pass, when that is exact.

    With psi = e_f (value 1) and rows of Lambda_u summing to <= 1, the upstream losses follow
    l(t+1) = e_f + P' l(t) (P' = Lambda_u with row f zeroed; nothing clips), so the step's
    decreases are delta(t) = P' delta(t-1) >= 0 and max delta(t) <= max delta(t-1). Split
    delta(t-1) at tau < eps: a supplier none of whose customers changed by more than tau
    gets delta_i(t) <= tau * rowsum <= eps; suppliers of the larger changes are evaluated
    exactly. When none exceeds eps the upstream channel cannot stop the stop rule from firing
    (the downstream one has already passed it), and the results at this last step are
      sum_i w_i l_i(t) = sum_i w_i l_i(t-1) + sum_c delta_c(t-1) (r_c - w_f P_fc),
    r = Lambda_u^T w (precomputed), plus l_i(t) itself only where h_d < 1 (for the total ESRI,
    sum w max(l_d, l_u)). Returns False (nothing written) when the bound does not settle it."""
    tau = eps / (1.0 + 2e-9)
    cert = -tag  # stamps of this check never equal a push step's (positive) tags
    for a in range(nu):
        c = dirty_u[a]
        if mark_u[c] != prev or du[c] <= tau:
            continue
        for e in range(u_ptr[c], u_ptr[c + 1]):
            i = u_sup[e]
            if i == f or stamp_i[i] == cert:
                continue
            stamp_i[i] = cert
            if _px(i, prev, o_ptr, o_cus, o_lam, mark_u, du) > eps:
                return False
    # settled: ESRI_up(t) = ESRI_up(t-1) + w . delta(t)
    _finish_lazy(False, f, prev, nu, dirty_u, r_up[0], w[f] * _px(f, prev, o_ptr, o_cus, o_lam,
                 mark_u, du), nt, touched, h_d, h_u, w, o_ptr, o_cus, o_lam, mark_u, du,
                 lazy_out, 1.0)
    return True


@nb.njit(cache=_CACHE, nogil=True)
def _lazy_stop2(f, prev, nu, dirty_u, mark_u, du, u_ptr, u_sup, u_lam, o_ptr, o_cus, o_lam, r_up,
                w, eps, tag, nt, touched, h_d, h_u, budget, lzv, lzl, lazy_out):
    """Two upstream steps at once, when the downstream channel has gone quiet.

    Called in step t when the downstream channel changed nothing in t (so it never changes
    again and never holds the stop back) and _lazy_stop found a supplier falling by more than
    eps in t (so the cascade does not stop at t). With x = delta(t-1): delta(t) = P' x and
    delta(t+1) = P' P' x. Split x at eps / 2: the small part adds at most eps/2 * rowsum^2 to any
    supplier, the large part is pushed two steps upstream (z), and only suppliers with
    z_i + eps/2 * rowsum^2 > eps are evaluated exactly. If none
    exceeds eps the cascade stops at t + 1 without materialising delta(t) (the full pass of a
    typical cascade's next-to-last step), and
      w . delta(t)   = sum_c x_c r_c - w_f (P x)_f,
      w . delta(t+1) = sum_c x_c r2_c - r_f (P x)_f - w_f sum_j P_fj y_j,   r2 = Lambda_u^T r,
    with l_i itself evaluated only where h_d < 1. Gives up (False, nothing written) when the
    bound does not settle it or its work would exceed ``budget`` link visits."""
    # z = P' P' x_big, pushed from the entries of x above half of eps (two hops upstream)
    half = 0.5 * eps
    slack = half * LAZY_ROW_SUM * LAZY_ROW_SUM  # bound on P' P' x_small
    ny = 0
    work = 0
    for a in range(nu):
        c = dirty_u[a]
        if mark_u[c] != prev or du[c] <= half:
            continue
        for e in range(u_ptr[c], u_ptr[c + 1]):
            j = u_sup[e]
            if j == f:
                continue  # y_f = 0: no path through f
            if lzl[2, j] != tag:
                lzl[2, j] = tag
                lzv[0, j] = 0.0
                lzv[1, j] = 0.0
                lzl[0, ny] = j
                ny += 1
            lzv[0, j] += u_lam[e] * du[c]
        work += u_ptr[c + 1] - u_ptr[c]
    nz = 0
    for a in range(ny):
        j = lzl[0, a]
        yj = lzv[0, j]
        work += u_ptr[j + 1] - u_ptr[j]
        if work > budget:
            return False
        for e in range(u_ptr[j], u_ptr[j + 1]):
            i = u_sup[e]
            if i == f:
                continue
            if lzl[2, i] != tag:
                lzl[2, i] = tag
                lzv[0, i] = 0.0
                lzv[1, i] = 0.0
            if lzv[1, i] == 0.0:
                lzl[1, nz] = i
                nz += 1
            lzv[1, i] += u_lam[e] * yj
    # only where the bound z_i + slack exceeds eps is delta_i(t + 1) evaluated exactly
    for a in range(nz):
        i = lzl[1, a]
        if lzv[1, i] + slack <= eps:
            continue
        for g in range(o_ptr[i], o_ptr[i + 1]):
            work += 1 + o_ptr[o_cus[g] + 1] - o_ptr[o_cus[g]]
        if work > budget:
            return False
        if _ppx(i, f, prev, o_ptr, o_cus, o_lam, mark_u, du) > eps:
            return False
    # settled: the cascade stops at t + 1
    pxf = _px(f, prev, o_ptr, o_cus, o_lam, mark_u, du)
    fy = 0.0
    for g in range(o_ptr[f], o_ptr[f + 1]):
        j = o_cus[g]
        if j != f:
            fy += o_lam[g] * _px(j, prev, o_ptr, o_cus, o_lam, mark_u, du)
    _finish_lazy(True, f, prev, nu, dirty_u, r_up[2], (w[f] + r_up[0, f]) * pxf + w[f] * fy, nt,
                 touched, h_d, h_u, w, o_ptr, o_cus, o_lam, mark_u, du, lazy_out, 2.0)
    return True


@nb.njit(cache=_CACHE, nogil=True)
def _cascade(n, G, d_ptr, d_slot, d_lam, slot_owner, u_ptr, u_sup, u_lam,
             o_ptr, o_cus, o_lam, slot_ptr, sl_ptr, sl_sup, sl_lam,
             s_out, w, q, A, S_q, market, eps, max_iter, pull_frac,
             shock_idx, shock_val, trace, tag0, max_pulls, lazy, r_up, lazy_out, lzv, lzl,
             h_d, h_u, xd, M, U, psi, D, stamp_j, stamp_i, stamp_src, seen, slot_seen,
             q_changed, damaged_flag, mark_u, du,
             dirty_d, dirty_u, J, I, src, touched, slots, damaged, qlist, ext):
    """One scenario. Returns (touched count or -1 = all firms, used slot count or -1 = all slots,
    steps, converged, trace rows). The touched firms keep their h_d / h_u until ``_reset``.
    Step t stamps set membership with tag0 + t (tags only grow: stamps are never cleared)."""
    # a pull step costs ~ one pass over firms, slots and links; a push step ~ its sources' links
    # (times a larger constant: scattered writes and bookkeeping), hence the thresholds
    pull_cost_d = n + G + d_ptr[n]
    pull_cost_u = n + u_ptr[n]
    all_firms = False
    all_slots = False
    nt = 0
    ns = 0
    ndam = 0
    nd = 0
    nu = 0
    nq = 0
    for a in range(len(shock_idx)):
        f = shock_idx[a]
        v = shock_val[a]
        psi[f] = v
        h_d[f] = 1.0 - v
        h_u[f] = 1.0 - v
        if not seen[f]:
            seen[f] = True
            touched[nt] = f
            nt += 1
        dirty_d[nd] = f
        nd += 1
        dirty_u[nu] = f
        mark_u[f] = tag0
        du[f] = v
        nu += 1
        if market:
            A[q[f]] -= v * s_out[f]
            if not q_changed[q[f]]:
                q_changed[q[f]] = True
                qlist[nq] = q[f]
                nq += 1
            if not damaged_flag[f]:
                damaged_flag[f] = True
                damaged[ndam] = f
                ndam += 1
    it = 0
    converged = False
    aborted = False
    pulls = 0  # steps so far in which a channel pulled
    nrows = 0
    while it < max_iter:
        it += 1
        tag = tag0 + it
        # ---------------- downstream: which firms' sigma (1 - h_d) may have changed
        nsrc = 0
        load = 0
        for a in range(nd):
            f = dirty_d[a]
            if stamp_src[f] != tag:
                stamp_src[f] = tag
                src[nsrc] = f
                nsrc += 1
                load += d_ptr[f + 1] - d_ptr[f]
        if market:
            for a in range(ndam):
                f = damaged[a]
                if q_changed[q[f]] and stamp_src[f] != tag:
                    stamp_src[f] = tag
                    src[nsrc] = f
                    nsrc += 1
                    load += d_ptr[f + 1] - d_ptr[f]
            for a in range(nq):
                q_changed[qlist[a]] = False
            nq = 0
        pull_d = load > pull_frac * pull_cost_d
        load_u = 0
        for a in range(nu):
            c = dirty_u[a]
            load_u += u_ptr[c + 1] - u_ptr[c]
        pull_u = load_u > pull_frac * pull_cost_u
        # max_pulls >= 0: the caller hands the cascade to the batched dense engine instead of
        # doing more than max_pulls pull steps here
        hand_over = max_pulls >= 0 and pulls >= max_pulls
        if hand_over and (pull_d or (pull_u and not lazy)):
            # stop before changing anything in this step (all changes so far are on the reset lists)
            aborted = True
            break
        nj = 0
        if pull_d:
            # recompute every deficit from scratch: D_g = sum Lambda_d sigma (1 - h_d)
            all_slots = True
            for f in range(n):
                xd[f] = _sigma(f, market, s_out, q, A) * (1.0 - h_d[f])
            for j in range(n):
                mx = 0.0
                for g in range(slot_ptr[j], slot_ptr[j + 1]):
                    acc = 0.0
                    for e in range(sl_ptr[g], sl_ptr[g + 1]):
                        acc += sl_lam[e] * xd[sl_sup[e]]
                    D[g] = acc
                    if acc > mx:
                        mx = acc
                M[j] = mx
        else:
            for a in range(nsrc):
                f = src[a]
                xnew = _sigma(f, market, s_out, q, A) * (1.0 - h_d[f])
                dx = xnew - xd[f]
                if dx == 0.0:
                    continue
                xd[f] = xnew
                for e in range(d_ptr[f], d_ptr[f + 1]):
                    g = d_slot[e]
                    D[g] += d_lam[e] * dx
                    if not slot_seen[g]:
                        slot_seen[g] = True
                        slots[ns] = g
                        ns += 1
                    o = slot_owner[g]
                    if D[g] > M[o]:  # D only grows, so the running max is the max
                        M[o] = D[g]
                    if stamp_j[o] != tag:
                        stamp_j[o] = tag
                        J[nj] = o
                        nj += 1
        # ---------------- new values (downstream first: the channels are independent)
        biggest = 0.0
        nd = 0
        top = n if pull_d else nj
        for a in range(top):
            j = a if pull_d else J[a]
            new = 1.0 - M[j]
            cap = 1.0 - psi[j]
            if cap < new:
                new = cap
            if new < 0.0:
                new = 0.0
            dec = h_d[j] - new
            if not pull_d and not seen[j]:
                # M_j may have moved even if h_j did not: keep it on the reset list
                seen[j] = True
                touched[nt] = j
                nt += 1
            if dec != 0.0:
                if dec > biggest:
                    biggest = dec
                h_d[j] = new
                dirty_d[nd] = j
                nd += 1
                if not seen[j]:
                    seen[j] = True
                    touched[nt] = j
                    nt += 1
                if market:
                    qq = q[j]
                    A[qq] -= dec * s_out[j]
                    if not q_changed[qq]:
                        q_changed[qq] = True
                        qlist[nq] = qq
                        nq += 1
                    if not damaged_flag[j] and new < 1.0:
                        damaged_flag[j] = True
                        damaged[ndam] = j
                        ndam += 1
        if lazy and biggest <= eps:
            # ESRI shock, upstream rows summing to <= 1: the upstream channel is linear and its
            # largest decrease never grows (_lazy_stop); if it is certainly <= eps in this step
            # too, the cascade stops here and the step's upstream results need only the
            # previous step's changes, not a pass over all their links
            if _lazy_stop(shock_idx[0], tag - 1, nu, dirty_u, mark_u, du, u_ptr, u_sup, o_ptr,
                          o_cus, o_lam, r_up, w, eps, stamp_i, tag, nt, touched, h_d, h_u,
                          lazy_out):
                converged = True
                break
            if lazy >= 2 and nd == 0 and pull_u and it < max_iter and _lazy_stop2(
                    shock_idx[0], tag - 1, nu, dirty_u, mark_u, du, u_ptr, u_sup, u_lam, o_ptr,
                    o_cus, o_lam, r_up, w, eps, tag, nt, touched, h_d, h_u, pull_cost_u // 4,
                    lzv, lzl, lazy_out):
                it += 1  # stopped at the next step, whose h_d equals this one's
                converged = True
                break
        if hand_over and pull_u:
            aborted = True  # h_d's changes of this step are on the reset lists too
            break
        # ---------------- upstream
        ni = 0
        if pull_u:
            # U_i = sum_j Lambda_u[i, j] (1 - h_u_j), walking each supplier's customers
            for i in range(n):
                acc = 0.0
                for e in range(o_ptr[i], o_ptr[i + 1]):
                    acc += o_lam[e] * (1.0 - h_u[o_cus[e]])
                U[i] = acc
        else:
            prev = tag - 1
            for a in range(nu):
                c = dirty_u[a]
                if mark_u[c] != prev:
                    continue
                d = du[c]
                for e in range(u_ptr[c], u_ptr[c + 1]):
                    s = u_sup[e]
                    U[s] += u_lam[e] * d
                    if stamp_i[s] != tag:
                        stamp_i[s] = tag
                        I[ni] = s
                        ni += 1
        nu = 0
        top = n if pull_u else ni
        for a in range(top):
            i = a if pull_u else I[a]
            new = 1.0 - U[i]
            cap = 1.0 - psi[i]
            if cap < new:
                new = cap
            if new < 0.0:
                new = 0.0
            dec = h_u[i] - new
            if not pull_u and not seen[i]:
                seen[i] = True
                touched[nt] = i
                nt += 1
            if dec != 0.0:
                if dec > biggest:
                    biggest = dec
                h_u[i] = new
                dirty_u[nu] = i
                mark_u[i] = tag
                du[i] = dec
                nu += 1
                if not seen[i]:
                    seen[i] = True
                    touched[nt] = i
                    nt += 1
        if trace:
            cnt = 0
            loss = 0.0
            for a in range(nt):
                f = touched[a]
                h = h_d[f] if h_d[f] < h_u[f] else h_u[f]
                if h < 1.0:
                    cnt += 1
                loss += w[f] * (1.0 - h)
            if nrows < ext.shape[0]:
                ext[nrows, 0] = cnt
                ext[nrows, 1] = loss
                nrows += 1
        if pull_d or pull_u:
            # a pull step writes D, M, U, xd of every firm: reset wholesale afterwards
            all_firms = True
            pulls += 1
        if biggest <= eps:
            converged = True
            break
    for a in range(nq):
        q_changed[qlist[a]] = False
    for a in range(ndam):
        damaged_flag[damaged[a]] = False
    if all_slots:
        ns = -1
    if all_firms:
        nt = -nt - 1  # still tells how many firms changed, and that the reset must be wholesale
    if aborted:
        it = -1
    return nt, ns, it, converged, nrows


@nb.njit(cache=_CACHE, nogil=True)
def _reset(touched, nt, slots, ns, h_d, h_u, xd, M, U, psi, seen, D, slot_seen, market, q, A, S_q):
    if nt < 0:
        nt = -nt - 1
        xd[:] = 0.0
        M[:] = 0.0
        U[:] = 0.0
    for a in range(nt):
        f = touched[a]
        h_d[f] = 1.0
        h_u[f] = 1.0
        xd[f] = 0.0
        M[f] = 0.0
        U[f] = 0.0
        psi[f] = 0.0
        seen[f] = False
        if market:
            A[q[f]] = S_q[q[f]]
    if ns < 0:
        D[:] = 0.0
        slot_seen[:] = False
    for a in range(ns):
        g = slots[a]
        D[g] = 0.0
        slot_seen[g] = False


@nb.njit(cache=_CACHE, nogil=True)
def _esri_loop(firms, out, tag0, max_pulls, lazy, r_up, lzv, lzl, n, G, d_ptr, d_slot, d_lam, slot_owner, u_ptr, u_sup, u_lam,
               o_ptr, o_cus, o_lam, slot_ptr, sl_ptr, sl_sup, sl_lam,
               s_out, w, q, A, S_q, market, eps, max_iter, pull_frac,
               h_d, h_u, xd, M, U, psi, D, stamp_j, stamp_i, stamp_src, seen, slot_seen,
               q_changed, damaged_flag, mark_u, du,
               dirty_d, dirty_u, J, I, src, touched, slots, damaged, qlist, ext):
    one_idx = np.zeros(1, dtype=np.int64)
    one_val = np.ones(1)
    lazy_out = np.zeros(4)
    n_lazy = 0
    n_lazy2 = 0
    tag = tag0
    for r in range(len(firms)):
        one_idx[0] = firms[r]
        lazy_out[3] = 0.0
        nt, ns, it, conv, nrows = _cascade(
            n, G, d_ptr, d_slot, d_lam, slot_owner, u_ptr, u_sup, u_lam,
            o_ptr, o_cus, o_lam, slot_ptr, sl_ptr, sl_sup, sl_lam,
            s_out, w, q, A, S_q, market, eps, max_iter, pull_frac,
            one_idx, one_val, False, tag, max_pulls, lazy, r_up, lazy_out, lzv, lzl,
            h_d, h_u, xd, M, U, psi, D, stamp_j, stamp_i, stamp_src, seen, slot_seen,
            q_changed, damaged_flag, mark_u, du,
            dirty_d, dirty_u, J, I, src, touched, slots, damaged, qlist, ext)
        e_all = 0.0
        e_d = 0.0
        e_u = 0.0
        cnt = nt if nt >= 0 else -nt - 1
        if lazy_out[3] > 0.0:  # stopped by _lazy_stop(2), which summed the results
            e_all = lazy_out[0]
            e_d = lazy_out[1]
            e_u = lazy_out[2]
            cnt = 0
            n_lazy += 1
            if lazy_out[3] == 2.0:
                n_lazy2 += 1
        for a in range(cnt):
            f = touched[a]
            hd = h_d[f]
            hu = h_u[f]
            h = hd if hd < hu else hu
            e_all += w[f] * (1.0 - h)
            e_d += w[f] * (1.0 - hd)
            e_u += w[f] * (1.0 - hu)
        out[r, 0] = e_all
        out[r, 1] = e_d
        out[r, 2] = e_u
        out[r, 3] = it  # -1: aborted (needs the batched engine)
        _reset(touched, nt, slots, ns, h_d, h_u, xd, M, U, psi, seen, D, slot_seen, market, q, A, S_q)
        tag += max_iter + 1  # the next run's tag0 is above every tag this run can have used
    return tag, n_lazy, n_lazy2


class NumbaRunner:
    """Compiled cascade; one set of work arrays per kernel and process."""

    #: a channel pulls (recomputes everything) when its sources' links exceed this share of the
    #: pull cost (firms + slots + links)
    PULL_FRAC = 0.1
    #: in all-firm runs a cascade is handed to the batched engine when it needs a pull step after
    #: this many: a batch column-step costs less than a pull step here, but the batch restarts
    #: the cascade, so short cascades with a few pull steps are cheaper to finish here. Measured
    #: on the 100k / 250k benchmark networks (0 to 8 tried): with replaceability 3 is best
    #: (15 against 24 min at 250k for 0); without it 0 is best by about 8%.
    HANDOVER_PULLS = 3

    def __init__(self, k: Any, pull_frac: float | None = None, lazy: int = 2):
        self.k = k
        self.pull_frac = float(self.PULL_FRAC if pull_frac is None else pull_frac)
        # the lazy last upstream step (_lazy_stop) needs rows of Lambda_u summing to <= 1: always
        # true of W / s_out; with revenues, only where each firm's revenue covers its sales
        firms = np.arange(k.n)
        rows = np.bincount(np.repeat(firms, np.diff(k.o_ptr)), weights=k.o_lam, minlength=k.n)
        # 0: off; 1: the one-step form only; 2: also the two-step form
        self.lazy = int(lazy) if (k.n == 0 or float(rows.max()) <= LAZY_ROW_SUM) else 0
        # r = Lambda_u^T w: what one unit of upstream loss at a customer adds to ESRI_up next step
        # and r2 = Lambda_u^T r, the same two steps later (rows r, r2, r + r2 of one array)
        cus_of_link = np.repeat(firms, np.diff(k.u_ptr))
        r = np.bincount(cus_of_link, weights=k.w[k.u_sup] * k.u_lam, minlength=k.n)
        r2 = np.bincount(cus_of_link, weights=r[k.u_sup] * k.u_lam, minlength=k.n)
        self.r_up = np.vstack([r, r2, r + r2])
        # scratch of _lazy_stop2: values (2, n) and lists + step stamps (3, n)
        self.lzv = np.zeros((2, max(k.n, 1)))
        self.lzl = np.zeros((3, max(k.n, 1)), dtype=np.int64)
        n = k.n
        G = k.n_slots
        self.h_d = np.ones(n)
        self.h_u = np.ones(n)
        self.xd = np.zeros(n)
        self.M = np.zeros(n)
        self.U = np.zeros(n)
        self.psi = np.zeros(n)
        self.D = np.zeros(G)
        self.seen = np.zeros(n, dtype=np.bool_)
        self.slot_seen = np.zeros(G, dtype=np.bool_)
        self.damaged_flag = np.zeros(n, dtype=np.bool_)
        self.market = k.q is not None
        nq = int(k.S_q.shape[0]) if self.market else 1
        self.q = k.q if self.market else np.zeros(n, dtype=np.int64)
        self.S_q = k.S_q.astype(float) if self.market else np.zeros(1)
        self.A = self.S_q.copy()
        self.q_changed = np.zeros(nq, dtype=np.bool_)
        self.qlist = np.zeros(nq, dtype=np.int64)
        self.lists = [np.zeros(max(n, 1), dtype=np.int64) for _ in range(7)]
        self.du = np.zeros(max(n, 1))
        self.mark_u = np.full(max(n, 1), -1, dtype=np.int64)
        self.slots = np.zeros(max(G, 1), dtype=np.int64)
        # membership stamps: step t of a run uses tag = base + t and the base only grows, so
        # stale stamps never match and the arrays are never cleared (that would cost O(n) a run)
        self.stamp_j = np.zeros(n, dtype=np.int64)
        self.stamp_i = np.zeros(n, dtype=np.int64)
        self.stamp_src = np.zeros(n, dtype=np.int64)
        self.tag = 0
        #: cascades finished by _lazy_stop so far (for tests and benchmarks)
        self.lazy_stops = 0
        #: of which by the two-step form (_lazy_stop2)
        self.lazy2_stops = 0

    def _args(self) -> tuple:
        k = self.k
        return (k.n, k.n_slots, k.d_ptr, k.d_slot, k.d_lam, k.slot_owner, k.u_ptr, k.u_sup, k.u_lam,
                k.o_ptr, k.o_cus, k.o_lam, k.slot_ptr, k.sl_ptr, k.sl_sup, k.sl_lam,
                k.s_out, k.w, self.q, self.A, self.S_q, self.market, k.eps, k.max_iter,
                self.pull_frac)

    def _work(self) -> tuple:
        L = self.lists
        return (self.h_d, self.h_u, self.xd, self.M, self.U, self.psi, self.D, self.stamp_j,
                self.stamp_i, self.stamp_src, self.seen, self.slot_seen, self.q_changed,
                self.damaged_flag, self.mark_u, self.du, L[0], L[1], L[2], L[3], L[4], L[5],
                self.slots, L[6], self.qlist)

    def run(self, idx: np.ndarray, val: np.ndarray, trace: bool):
        k = self.k
        ext = np.zeros((min(k.max_iter, 100_000), 2)) if trace else np.zeros((1, 2))
        nt, ns, it, conv, nrows = _cascade(*self._args(), np.asarray(idx, dtype=np.int64),
                                           np.asarray(val, dtype=float), trace, self.tag, -1,
                                           0, self.r_up, np.zeros(4), self.lzv, self.lzl,
                                           *self._work(), ext)
        self.tag += int(it) + 1
        touched = self.lists[5]
        cnt = nt if nt >= 0 else -nt - 1
        t = touched[:cnt].copy()
        out = (t, self.h_d[t].copy(), self.h_u[t].copy(), int(it), bool(conv),
               ext[:nrows].copy() if trace else None)
        _reset(touched, nt, self.slots, ns, self.h_d, self.h_u, self.xd, self.M, self.U, self.psi,
               self.seen, self.D, self.slot_seen, self.market, self.q, self.A, self.S_q)
        return out

    def esri(self, firms: np.ndarray, on_progress: Callable[[int], None] | None = None,
             abort_pull: bool = False, max_pulls: int | None = None) -> np.ndarray:
        """(len(firms), 4): ESRI, ESRI_down, ESRI_up, iterations; with ``abort_pull`` a cascade
        that would need more than ``max_pulls`` (default ``HANDOVER_PULLS``) pull steps is
        abandoned and gets iterations = -1."""
        limit = -1 if not abort_pull else int(self.HANDOVER_PULLS if max_pulls is None else max_pulls)
        out = np.zeros((len(firms), 4))
        step = 64
        for a in range(0, len(firms), step):
            part = np.asarray(firms[a:a + step], dtype=np.int64)
            tag, n_lazy, n_lazy2 = _esri_loop(part, out[a:a + step], self.tag, limit, self.lazy,
                                              self.r_up, self.lzv, self.lzl, *self._args(), *self._work(), np.zeros((1, 2)))
            self.tag = int(tag)
            self.lazy_stops += int(n_lazy)
            self.lazy2_stops += int(n_lazy2)
            if on_progress is not None:
                on_progress(len(part))
        return out
