"""ESRI / generalized-Leontief (GL) shock cascade on a firm network (Diem et al. 2022).

Definition (issue 4; reproduces GLcascade/fastcascade 0.9.3.1 to 1e-10, iteration counts included):

- Downstream weights Lambda_d[i, j] = W_ij / Pi0_{j, p_i} if E[p_i, p_j] = 2 (essential input),
  W_ij / s_in_j if E[p_i, p_j] = 1 (linear input), 0 otherwise; with the cost correction times
  s_in_j / costs_j. Pi0_{j, k} = sum of W_ij over suppliers i of industry k.
- Upstream weights Lambda_u[i, j] = W_ij / s_out_i (or / revenue_i).
- Scenario psi in [0, 1]^n (capacity lost). h_d = h_u = 1 - psi, then synchronous steps:
  sigma_i = min(1, s_out_i / A_q) with A_q = sum_{l in q} h_d_l s_out_l (A_q <= 1e-10 -> 1) when
  replaceability by market is on, else 1;
  pi_jk = 1 - sum_{i in k} sigma_i Lambda_d[i, j] (1 - h_d_i);
  h_d_j <- max(0, min(min_ess pi_jk, 1 - sum_lin (1 - pi_jk), 1 - psi_j));
  h_u_i <- max(0, min(1 - psi_i, 1 - sum_j Lambda_u[i, j] (1 - h_u_j))).
  Stop after the first step whose largest one-step decrease of h over both channels is <= eps.
- h = min(h_d, h_u); ESRI = sum_i w_i (1 - h_i) with w_i = s_out_i / sum s_out; ESRI_down and
  ESRI_up from h_d and h_u alone.

Memory O(links): Pi0 is kept per (customer, supplier industry) *slot* that has links, never as a
firm x industry matrix. Engines (same results up to rounding, ~1e-15):

- active sets (``_kernels.NumpyRunner``, ``_numba_kernels.NumbaRunner``): a step touches only the
  firms whose h changed in the previous step (with markets, also the damaged firms of markets
  whose capacity changed) and their neighbours, adding the changes times Lambda to the deficits
  ("push"; h only falls, so a customer's largest deficit is a running maximum); once a step's
  sources own a large share of the links, it recomputes every deficit from scratch ("pull");
- batched (``batch.BatchEngine``): many scenarios as the columns of dense matrices, on the CPU or
  a GPU; all-firm ESRI with numba hands the cascades that spread over the network to it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, ModelError, Problem, ValidationError
from . import _kernels
from .network import Essentiality, SupplyNetwork

DEFAULT_EPS = 0.01
#: safety cap on steps (the eps rule stops long before on real networks; eps = 0 may need many)
DEFAULT_MAX_ITER = 100_000
#: market capacities at or below this are treated as 1 (the reference implementation's guard)
A_FLOOR = 1e-10
#: from this many firms on, ESRI runs hand big cascades to the batched engine (numba engine only);
#: measured at 100k firms, the batched engine pays from 4 firms with long cascades and from 8
#: random firms; it halves the time of 16 closures on the 1,232-firm IHS fixture (bench/bench_esri.py)
HYBRID_MIN = 8


@dataclass(frozen=True, eq=False)
class CascadeKernel:
    """The prepared arrays of one network + essentiality + options (picklable, O(links)).

    Downstream links (class 1 or 2) in supplier order: ``d_ptr``, ``d_slot``, ``d_lam``; each
    slot is one (customer, essential input industry) pair or the customer's one linear slot,
    ``slot_owner`` its customer. Upstream links in customer order: ``u_ptr``, ``u_sup``,
    ``u_lam``. The same links for recomputing all deficits at once: upstream by supplier
    (``o_ptr``, ``o_cus``, ``o_lam``) and downstream by slot (``slot_ptr`` per customer, ``sl_ptr``,
    ``sl_sup``, ``sl_lam``). ``q``/``S_q``: market of each firm and market totals of s_out (None without
    replaceability). Firms are renumbered for memory locality: kernel position k is network firm
    ``perm[k]``; every per-firm kernel array is in kernel positions.
    """

    n: int
    d_ptr: np.ndarray
    d_slot: np.ndarray
    d_lam: np.ndarray
    slot_owner: np.ndarray
    u_ptr: np.ndarray
    u_sup: np.ndarray
    u_lam: np.ndarray
    o_ptr: np.ndarray
    o_cus: np.ndarray
    o_lam: np.ndarray
    slot_ptr: np.ndarray
    sl_ptr: np.ndarray
    sl_sup: np.ndarray
    sl_lam: np.ndarray
    s_out: np.ndarray
    w: np.ndarray
    q: np.ndarray | None
    S_q: np.ndarray | None
    eps: float
    max_iter: int
    perm: np.ndarray  # kernel position -> network firm index
    pos: np.ndarray  # network firm index -> kernel position

    @property
    def n_slots(self) -> int:
        return len(self.slot_owner)

    @property
    def market(self) -> bool:
        return self.q is not None


def industry_positions(net: SupplyNetwork, ess: Essentiality) -> np.ndarray:
    """Position in E of each firm's industry; ValidationError lists industries missing from E."""
    pos = ess.position()
    codes, inv = np.unique(net.industry.astype(str), return_inverse=True)
    missing = [c for c in codes.tolist() if c not in pos]
    if missing:
        counts = np.bincount(inv)
        probs = [Problem("essentiality", None, c, None,
                         f"industry {c!r} (of {int(counts[list(codes).index(c)])} firm(s)) as a row and "
                         "column of the essentiality matrix") for c in missing]
        raise ValidationError(probs)
    return np.array([pos[c] for c in codes.tolist()], dtype=np.int64)[inv]


def _market_index(net: SupplyNetwork, market: bool | Sequence[Any] | np.ndarray | str | None,
                  ) -> np.ndarray | None:
    if market is None or market is False:
        return None
    if market is True:
        labels = net.attrs.get("market")
        if labels is None or any(v is None for v in labels):
            labels = net.industry if labels is None else np.where(
                np.array([v is None for v in labels]), net.industry, labels)
    elif isinstance(market, str):
        labels = net.attrs.get(market)
        if labels is None:
            raise InputError(f"no firm attribute {market!r} to use as market")
    else:
        labels = np.asarray(market, dtype=object)
        if len(labels) != net.n:
            raise InputError(f"market must have one label per firm ({net.n}), got {len(labels)}")
    _, q = np.unique(np.asarray(labels).astype(str), return_inverse=True)
    return q.astype(np.int64)


def _firm_values(net: SupplyNetwork, given: bool | Sequence[float] | np.ndarray | None,
                 name: str) -> np.ndarray | None:
    if given is None or given is False:
        return None
    if given is True:
        v = net.attrs.get(name)
        if v is None:
            raise InputError(f"{name} correction asked for, but the firms have no {name!r} column")
    else:
        v = given
    v = np.asarray(v, dtype=float)
    if v.shape != (net.n,):
        raise InputError(f"{name} must have one value per firm ({net.n}), got {v.shape}")
    return v


def prepare(net: SupplyNetwork, ess: Essentiality, *, market: bool | Sequence[Any] | str | None = False,
            revenue: bool | Sequence[float] | None = None, costs: bool | Sequence[float] | None = None,
            eps: float = DEFAULT_EPS, max_iter: int = DEFAULT_MAX_ITER,
            reorder: bool = True) -> CascadeKernel:
    """Build the cascade kernel. ``market``: True = the firms' ``market`` attribute (else their
    industry), a sequence of labels, or the name of a firm attribute. ``revenue`` / ``costs``: True
    = the firms' attribute of that name, or one value per firm."""
    if not (eps >= 0 and math.isfinite(eps)):
        raise InputError(f"eps must be a finite number >= 0, got {eps}")
    if max_iter < 1:
        raise InputError(f"max_iter must be >= 1, got {max_iter}")
    n = net.n
    pk = industry_positions(net, ess)
    sup, cus, W = net.sup, net.cus, net.W
    s_out = net.s_out
    s_in = net.s_in
    rev = _firm_values(net, revenue, "revenue")
    cst = _firm_values(net, costs, "costs")
    probs: list[Problem] = []
    if rev is not None:
        bad = np.nonzero((s_out > 0) & ~(rev > 0))[0]
        probs += [Problem("firms", int(i) + 2, "revenue", None if np.isnan(rev[i]) else float(rev[i]),
                          f"revenue > 0 for firm {net.firms[i]!r} (it sells {s_out[i]:g} in the network)")
                  for i in bad]
    if cst is not None:
        bad = np.nonzero((s_in > 0) & ~(cst > 0))[0]
        probs += [Problem("firms", int(i) + 2, "costs", None if np.isnan(cst[i]) else float(cst[i]),
                          f"costs > 0 for firm {net.firms[i]!r} (it buys {s_in[i]:g} in the network)")
                  for i in bad]
    if probs:
        raise ValidationError(probs)
    total = s_out.sum()
    if not total > 0:
        raise ModelError("the network has no sales (all link values are 0): ESRI weights are undefined")

    q = _market_index(net, market)
    # the engine works in a locality order (reverse Cuthill-McKee): firms that trade with each
    # other get nearby positions, so a step's scattered updates hit nearby memory
    perm = locality_order(n, sup, cus) if reorder else np.arange(n, dtype=np.int64)
    pos = np.empty(n, dtype=np.int64)
    pos[perm] = np.arange(n, dtype=np.int64)
    idx_t = np.int32 if max(n, len(W)) < 2**31 - 1 else np.int64
    sup_k, cus_k = pos[sup], pos[cus]
    pk_k = pk[perm]
    s_out_k, s_in_k = s_out[perm], s_in[perm]
    rev_k = None if rev is None else rev[perm]
    cst_k = None if cst is None else cst[perm]

    # downstream: links whose class is 1 or 2, in supplier order
    cls = ess.E[pk_k[sup_k], pk_k[cus_k]]
    dmask = cls > 0
    d_sup, d_cus, d_W, d_cls = sup_k[dmask], cus_k[dmask], W[dmask], cls[dmask]
    order = np.lexsort((d_cus, d_sup))
    d_sup, d_cus, d_W, d_cls = d_sup[order], d_cus[order], d_W[order], d_cls[order]
    K = len(ess.codes)
    # slot keys: essential (customer, supplier industry) -> cus*(K+1) + k; linear -> cus*(K+1) + K
    key = d_cus * (K + 1) + np.where(d_cls == 2, pk_k[d_sup], K)
    uniq, d_slot = np.unique(key, return_inverse=True)
    slot_owner = uniq // (K + 1)
    pi0 = np.bincount(d_slot, weights=d_W, minlength=len(uniq))
    with np.errstate(divide="ignore", invalid="ignore"):
        d_lam = np.where(d_cls == 2, d_W / pi0[d_slot], d_W / s_in_k[d_cus])
        if cst_k is not None:
            d_lam = d_lam * (s_in_k[d_cus] / cst_k[d_cus])
    d_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(d_sup, minlength=n), out=d_ptr[1:])

    # upstream: all links in customer order
    order = np.lexsort((sup_k, cus_k))
    u_sup = sup_k[order]
    denom = s_out_k if rev_k is None else rev_k
    u_lam = W[order] / denom[u_sup]
    u_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cus_k, minlength=n), out=u_ptr[1:])

    # the same links for recomputing from scratch ("pull"): upstream by supplier, downstream by slot
    order = np.lexsort((cus_k, sup_k))
    o_cus = cus_k[order]
    o_lam = W[order] / denom[sup_k[order]]
    o_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sup_k, minlength=n), out=o_ptr[1:])
    slot_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(slot_owner, minlength=n), out=slot_ptr[1:])
    order = np.argsort(d_slot, kind="stable")
    sl_sup = d_sup[order]
    sl_lam = d_lam[order]
    sl_ptr = np.zeros(len(uniq) + 1, dtype=np.int64)
    np.cumsum(np.bincount(d_slot, minlength=len(uniq)), out=sl_ptr[1:])

    q_k = None if q is None else q[perm]
    S_q = None if q is None else np.bincount(q_k, weights=s_out_k)
    return CascadeKernel(n=n, d_ptr=d_ptr, d_slot=d_slot.astype(idx_t), d_lam=d_lam.astype(float),
                         slot_owner=slot_owner.astype(idx_t), u_ptr=u_ptr,
                         u_sup=u_sup.astype(idx_t), u_lam=u_lam.astype(float),
                         o_ptr=o_ptr, o_cus=o_cus.astype(idx_t), o_lam=o_lam.astype(float),
                         slot_ptr=slot_ptr, sl_ptr=sl_ptr, sl_sup=sl_sup.astype(idx_t),
                         sl_lam=sl_lam.astype(float), s_out=s_out_k,
                         w=s_out_k / total, q=q_k, S_q=S_q, eps=float(eps), max_iter=int(max_iter),
                         perm=perm, pos=pos)


def locality_order(n: int, sup: np.ndarray, cus: np.ndarray) -> np.ndarray:
    """Reverse Cuthill-McKee order of the undirected link graph (positions -> firm indices)."""
    if n == 0 or len(sup) == 0:
        return np.arange(n, dtype=np.int64)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    G = coo_matrix((np.ones(len(sup), dtype=np.int8), (sup, cus)), shape=(n, n)).tocsr()
    G = (G + G.T).tocsr()
    return np.asarray(reverse_cuthill_mckee(G, symmetric_mode=True), dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CascadeResult:
    """One scenario's outcome: remaining production h_d, h_u (sparse: only firms with h < 1 are
    listed in ``idx``), the number of steps, and per step the count of affected firms and the
    loss sum w (1 - h)."""

    n: int
    idx: np.ndarray
    h_d_touched: np.ndarray
    h_u_touched: np.ndarray
    iterations: int
    converged: bool
    extent: np.ndarray | None = None  # (iterations, 2): affected firms, loss
    w: np.ndarray | None = field(default=None, repr=False)

    @property
    def h_d(self) -> np.ndarray:
        h = np.ones(self.n)
        h[self.idx] = self.h_d_touched
        return h

    @property
    def h_u(self) -> np.ndarray:
        h = np.ones(self.n)
        h[self.idx] = self.h_u_touched
        return h

    @property
    def h(self) -> np.ndarray:
        return np.minimum(self.h_d, self.h_u)

    def losses(self, w: np.ndarray | None = None) -> tuple[float, float, float]:
        """(total, downstream, upstream) = sum w (1 - h) with w the output shares by default."""
        w = self.w if w is None else w
        wt = w[self.idx]
        h = np.minimum(self.h_d_touched, self.h_u_touched)
        return (float(wt @ (1 - h)), float(wt @ (1 - self.h_d_touched)),
                float(wt @ (1 - self.h_u_touched)))


@dataclass(frozen=True, eq=False)
class ESRIResult:
    """ESRI, ESRI_down, ESRI_up and the number of steps, per firm (in network order)."""

    firms: np.ndarray
    esri: np.ndarray
    esri_down: np.ndarray
    esri_up: np.ndarray
    iterations: np.ndarray
    eps: float
    engine: str = "numpy"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"firm": self.firms, "esri": self.esri, "esri_down": self.esri_down,
                             "esri_up": self.esri_up, "iterations": self.iterations})

    def to_dict(self) -> dict[str, Any]:
        return {"eps": self.eps, "engine": self.engine, "firms": self.to_frame()}


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------
class GLCascade:
    """The GL cascade on a network: ``run(psi)`` for a scenario, ``esri()`` for many firms
    (serially here; ``induscope.services.network`` runs ``esri_chunk`` in parallel)."""

    def __init__(self, network: SupplyNetwork, essentiality: Essentiality, *,
                 market: bool | Sequence[Any] | str | None = False,
                 revenue: bool | Sequence[float] | None = None,
                 costs: bool | Sequence[float] | None = None,
                 eps: float = DEFAULT_EPS, max_iter: int = DEFAULT_MAX_ITER,
                 engine: str = "auto", pull_frac: float | None = None):
        self.network = network
        self.essentiality = essentiality
        #: the options, to build the same cascade on a modified network
        self.options = dict(market=market, revenue=revenue, costs=costs, eps=eps, max_iter=max_iter,
                            engine=engine, pull_frac=pull_frac)
        self.kernel = prepare(network, essentiality, market=market, revenue=revenue, costs=costs,
                              eps=eps, max_iter=max_iter)
        self.engine = _kernels.resolve_engine(engine)
        self.pull_frac = pull_frac

    # --- scenarios --------------------------------------------------------------------------
    def shock(self, psi: np.ndarray | dict[str, float] | Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Normalise a scenario to (firm positions, psi values): a dense vector of n values in
        [0, 1], a {firm code: fraction} mapping, or a list of firm codes (each loses everything)."""
        n = self.network.n
        if isinstance(psi, dict):
            idx = self.network.indices(psi.keys())
            val = np.asarray(list(psi.values()), dtype=float)
        elif isinstance(psi, np.ndarray) and psi.dtype.kind in "fiu" and psi.shape == (n,) \
                and psi.dtype != object:
            idx = np.nonzero(psi)[0]
            val = psi[idx].astype(float)
        else:
            idx = self.network.indices(psi)
            val = np.ones(len(idx))
        if len(np.unique(idx)) != len(idx):
            raise InputError("a firm appears twice in the scenario")
        if not np.all((val >= 0) & (val <= 1)):
            raise InputError("capacity losses psi must lie in [0, 1]")
        keep = val > 0
        return idx[keep].astype(np.int64), val[keep]

    def run(self, psi: np.ndarray | dict[str, float] | Sequence[str], trace: bool = True) -> CascadeResult:
        """One scenario (see ``shock`` for the forms of psi)."""
        idx, val = self.shock(psi)
        return run_scenario(self.kernel, idx, val, trace=trace, engine=self.engine,
                            pull_frac=self.pull_frac)

    def esri(self, firms: Sequence[str] | None = None,
             on_progress: Callable[[int], None] | None = None) -> ESRIResult:
        """ESRI of the given firms (default: all firms), serially in this process."""
        sel = np.arange(self.network.n) if firms is None else self.network.indices(firms)
        out = esri_many(self.kernel, sel, engine=self.engine, on_progress=on_progress,
                        pull_frac=self.pull_frac)
        return self.result(sel, out)

    def result(self, sel: np.ndarray, out: np.ndarray) -> ESRIResult:
        return ESRIResult(self.network.firms[sel], out[:, 0], out[:, 1], out[:, 2],
                          out[:, 3].astype(np.int64), self.kernel.eps, self.engine)


def run_scenario(kernel: CascadeKernel, idx: np.ndarray, val: np.ndarray, *, trace: bool = False,
                 engine: str = "auto", pull_frac: float | None = None) -> CascadeResult:
    """One cascade from the shock psi[idx] = val (network firm indices, unique)."""
    runner = _kernels.get_runner(kernel, engine, pull_frac)
    touched, hd, hu, it, conv, ext = runner.run(kernel.pos[np.asarray(idx, dtype=np.int64)],
                                                np.asarray(val, dtype=float), trace)
    w = np.empty(kernel.n)
    w[kernel.perm] = kernel.w
    return CascadeResult(kernel.n, kernel.perm[touched], hd, hu, it, conv, ext, w)


def esri_many(kernel: CascadeKernel, firms: np.ndarray, *, engine: str = "auto",
              on_progress: Callable[[int], None] | None = None,
              pull_frac: float | None = None) -> np.ndarray:
    """(len(firms), 4) array: ESRI, ESRI_down, ESRI_up, iterations for psi = e_f of each firm
    (network firm indices). With numba and many firms, long cascades (more than a
    few full-network steps) are finished by the batched engine (``batch.esri_hybrid``): same results."""
    pos = kernel.pos[np.asarray(firms, dtype=np.int64)]
    engine = _kernels.resolve_engine(engine)
    if engine == "numba" and pull_frac is None and len(pos) >= HYBRID_MIN:
        from .batch import esri_hybrid

        return esri_hybrid(kernel, pos, on_progress=on_progress)
    runner = _kernels.get_runner(kernel, engine, pull_frac)
    return runner.esri(pos, on_progress)


def esri_chunk(context: tuple[CascadeKernel, str], firms: np.ndarray) -> np.ndarray:
    """``esri_many`` for one chunk of firms: the picklable task function for parallel runs
    (``run_map(esri_chunk, chunks, context=(kernel, engine))`` sends the kernel once per worker;
    the runner and its work arrays are then made once per worker too)."""
    kernel, engine = context
    return esri_many(kernel, firms, engine=engine)
