"""Synthetic firm-to-firm networks.

Three generators:

- ``synthetic_firm_network``: firms and links consistent with an input-output table. Firms are
  allocated to sectors by gross output x, firm sizes within a sector are heavy-tailed (Pareto) and
  sum to x_s, links are drawn per sector pair (k -> l) in proportion to the intermediate flows
  Z_kl = A_kl x_l, suppliers and customers are picked in proportion to their size, and the link
  values of a sector pair add up to Z_kl (so aggregating the firm network gives back Z, up to
  pairs that got no link).
- ``power_law_network``: a directed Chung-Lu network with power-law expected in- and out-degrees
  and random industries.
- ``truncated_power_law_network``: the specification of the published ESRIcascade.jl /
  fastcascade benchmark (truncated power-law out-degrees, uniform customers, industries in blocks).

Everything is vectorised: 250k firms and 2M links build in seconds. Same seed -> same network.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ...errors import InputError

#: Pareto tail index of firm sizes (Axtell 2001: firm sizes are Zipf-distributed, alpha ~ 1)
SIZE_ALPHA = 1.1
#: largest firm at most this many times the smallest in a sector (keeps draws finite and readable)
SIZE_CAP = 1e5


def _firm_ids(n: int) -> np.ndarray:
    width = max(6, len(str(n)))
    return np.array([f"F{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _allocate(weights: np.ndarray, n: int) -> np.ndarray:
    """Split n items over categories by weight (largest remainder), at least one per positive weight
    when n allows it."""
    pos = weights > 0
    counts = np.zeros(len(weights), dtype=np.int64)
    if not pos.any():
        return counts
    base = np.zeros(len(weights), dtype=np.int64)
    if n >= int(pos.sum()):
        base[pos] = 1
    rest = n - int(base.sum())
    share = np.where(pos, weights, 0.0) / weights[pos].sum() * rest
    counts = base + np.floor(share).astype(np.int64)
    left = n - int(counts.sum())
    if left > 0:
        frac = share - np.floor(share)
        order = np.argsort(-frac, kind="stable")
        counts[order[:left]] += 1
    return counts


def _sample_within(groups: np.ndarray, group_of_link: np.ndarray, weight: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """For each link (with a group), pick a member of that group with probability ~ weight.

    ``groups`` is the group of every item, items sorted by group; inverse-CDF sampling on the
    cumulative weights of the whole array, offset to the group's range.
    """
    cum = np.cumsum(weight)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    starts = np.searchsorted(groups, np.arange(n_groups), side="left")
    ends = np.searchsorted(groups, np.arange(n_groups), side="right")
    lo = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
    hi = cum[np.maximum(ends - 1, 0)]
    u = lo[group_of_link] + rng.random(len(group_of_link)) * (hi - lo)[group_of_link]
    idx = np.searchsorted(cum, u, side="right")
    # guard the upper edge (u == hi up to rounding) and empty-weight tails
    return np.clip(idx, starts[group_of_link], ends[group_of_link] - 1)


def _unique_links(draw, m: int, n: int, rng: np.random.Generator,
                  rounds: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Draw links until m distinct supplier->customer pairs (no self-loops) exist, then keep m.

    ``draw(size)`` returns (keys = supplier * n + customer, tag); heavy-tailed sampling repeats
    popular pairs, so a few rounds of top-ups are needed to reach the target mean degree.
    """
    keys = np.empty(0, dtype=np.int64)
    tags = np.empty(0, dtype=np.int64)
    want = m
    for _ in range(rounds):
        k, t = draw(int(want * 1.1) + 16)
        ok = (k // n) != (k % n)
        keys = np.concatenate([keys, k[ok]])
        tags = np.concatenate([tags, np.asarray(t)[ok]])
        keys, first = np.unique(keys, return_index=True)
        tags = tags[first]
        if len(keys) >= m:
            break
        want = m - len(keys)
    if len(keys) > m:
        pick = np.sort(rng.choice(len(keys), size=m, replace=False))
        keys, tags = keys[pick], tags[pick]
    return keys, tags


def synthetic_firm_network(A: np.ndarray, x: np.ndarray, sectors: Sequence[str], n_firms: int,
                           mean_out_degree: float = 8.0, seed: int = 0,
                           regions: Sequence[str] | None = None,
                           region_weights: Sequence[float] | None = None,
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Firms and supply links consistent with the technical coefficients A and gross output x.

    Returns ``(firms, links)``: firms with columns firm, industry, size (gross output, in the unit of
    x) and region (when ``regions`` are given); links with columns supplier, customer, value (sales,
    the unit of x). Links are unique pairs without self-loops.
    """
    A = np.asarray(A, dtype=float)
    x = np.asarray(x, dtype=float)
    sectors = [str(s) for s in sectors]
    S = len(sectors)
    if A.shape != (S, S) or x.shape != (S,):
        raise InputError(f"A must be {S}x{S} and x of length {S} (one per sector); got {A.shape}, {x.shape}")
    if not np.all(np.isfinite(A)) or not np.all(np.isfinite(x)) or (A < 0).any() or (x < 0).any():
        raise InputError("A and x must be finite and non-negative")
    if n_firms < 1:
        raise InputError(f"n_firms must be >= 1, got {n_firms}")
    if mean_out_degree < 0:
        raise InputError(f"mean_out_degree must be >= 0, got {mean_out_degree}")
    rng = np.random.default_rng(seed)

    counts = _allocate(x, n_firms)
    sector_of = np.repeat(np.arange(S), counts)  # firms sorted by sector
    n = len(sector_of)
    # heavy-tailed sizes: Pareto(alpha) on [1, cap], rescaled to add up to x_s per sector
    raw = np.minimum((1.0 - rng.random(n)) ** (-1.0 / SIZE_ALPHA), SIZE_CAP)
    tot = np.bincount(sector_of, weights=raw, minlength=S)
    size = raw / tot[sector_of] * x[sector_of]

    firms = pd.DataFrame({"firm": _firm_ids(n), "industry": np.array(sectors, dtype=object)[sector_of],
                          "size": size})
    if regions is not None:
        regions = [str(r) for r in regions]
        if not regions:
            raise InputError("regions must not be empty")
        p = np.ones(len(regions)) if region_weights is None else np.asarray(region_weights, dtype=float)
        if p.shape != (len(regions),) or (p < 0).any() or p.sum() <= 0:
            raise InputError("region_weights must be non-negative, one per region, not all zero")
        firms["region"] = np.array(regions, dtype=object)[rng.choice(len(regions), size=n, p=p / p.sum())]

    # intermediate flows between sectors that have firms on both sides
    Z = A * x[None, :]
    Z[counts == 0, :] = 0.0
    Z[:, counts == 0] = 0.0
    m = int(round(n * mean_out_degree))
    if m == 0 or Z.sum() <= 0:
        return firms, pd.DataFrame({"supplier": pd.Series([], dtype=object),
                                    "customer": pd.Series([], dtype=object),
                                    "value": pd.Series([], dtype=float)})
    probs = (Z / Z.sum()).ravel()

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        pair = rng.choice(S * S, size=count, p=probs)
        k, l = np.divmod(pair, S)
        sup = _sample_within(sector_of, k, size, rng)
        cus = _sample_within(sector_of, l, size, rng)
        return sup.astype(np.int64) * n + cus, pair

    uniq, pair_u = _unique_links(draw, m, n, rng)
    # link values: bigger partners trade more, with lognormal noise; each sector pair adds up to Z_kl
    s_u, c_u = np.divmod(uniq, n)
    raw_u = np.sqrt(size[s_u] * size[c_u]) * rng.lognormal(0.0, 1.0, size=len(uniq))
    pair_tot = np.bincount(pair_u, weights=raw_u, minlength=S * S)
    value = raw_u / pair_tot[pair_u] * Z.ravel()[pair_u]
    ids = firms["firm"].to_numpy()
    links = pd.DataFrame({"supplier": ids[s_u], "customer": ids[c_u], "value": value})
    return firms, links


def power_law_network(n_firms: int, industries: Sequence[str], mean_out_degree: float = 8.0,
                      exponent: float = 2.5, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Directed power-law network (Chung-Lu) with random industries and lognormal link values.

    Expected out- and in-degrees are drawn independently from a Pareto law with tail exponent
    ``exponent`` (P(k) ~ k^-exponent), scaled to the mean out-degree; links are sampled with
    probability ~ out_i * in_j, duplicates merged, self-loops dropped. Returns (firms, links) with
    firms: firm, industry, size (= sales); links: supplier, customer, value.
    """
    if n_firms < 2:
        raise InputError(f"n_firms must be >= 2, got {n_firms}")
    industries = [str(s) for s in industries]
    rng = np.random.default_rng(seed)
    n = n_firms
    a = exponent - 1.0
    w_out = np.minimum((1.0 - rng.random(n)) ** (-1.0 / a), np.sqrt(n) * 10)
    w_in = np.minimum((1.0 - rng.random(n)) ** (-1.0 / a), np.sqrt(n) * 10)
    m = int(round(n * mean_out_degree))
    zeros = np.zeros(n, dtype=np.int64)

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        sup = _sample_within(zeros, np.zeros(count, dtype=np.int64), w_out, rng)
        cus = _sample_within(zeros, np.zeros(count, dtype=np.int64), w_in, rng)
        return sup.astype(np.int64) * n + cus, np.zeros(count, dtype=np.int64)

    key, _ = _unique_links(draw, m, n, rng)
    s, c = np.divmod(key, n)
    value = rng.lognormal(0.0, 1.0, size=len(key))
    ids = _firm_ids(n)
    ind = np.array(industries, dtype=object)[rng.integers(0, len(industries), size=n)]
    sales = np.bincount(s, weights=value, minlength=n)
    firms = pd.DataFrame({"firm": ids, "industry": ind, "size": sales})
    links = pd.DataFrame({"supplier": ids[s], "customer": ids[c], "value": value})
    return firms, links


def truncated_power_law_network(n_firms: int, industries: Sequence[str], mean_out_degree: int = 8,
                                exponent: float = 2.3, max_degree: int = 128,
                                seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The network specification of the published ESRIcascade.jl / fastcascade benchmark.

    Out-degrees are drawn from P(k) ~ k^-exponent on k = 1..max_degree, then moved one link at a
    time (random firms, staying within 1..max_degree) until they sum to exactly
    n_firms x mean_out_degree. Each supplier's customers are distinct, uniform over the other
    firms (so in-degrees are about Poisson(mean_out_degree)); link values are 0.1 + U(0, 1).
    Industries are assigned in blocks: n_firms // len(industries) firms per industry in order,
    the remainder one each to the first industries. Same specification as the published
    benchmark, not the same random stream (theirs is Julia's MersenneTwister(42)).
    Returns (firms, links) like ``power_law_network``.
    """
    industries = [str(s) for s in industries]
    n, m_ind, k = int(n_firms), len(industries), int(mean_out_degree)
    if m_ind == 0 or n < m_ind or n <= k:
        raise InputError(f"n_firms must be at least the number of industries ({m_ind}) and exceed "
                         f"mean_out_degree ({k}), got {n_firms}")
    rng = np.random.default_rng(seed)
    kmax = min(n - 1, int(max_degree))
    p = np.arange(1, kmax + 1, dtype=float) ** (-exponent)
    deg = rng.choice(np.arange(1, kmax + 1), size=n, p=p / p.sum())
    gap = n * k - int(deg.sum())
    while gap != 0:  # +-1 link on random firms (at most once per firm per round) until exact
        f = rng.integers(0, n, size=min(abs(gap), n))
        f = np.unique(f)  # one change per firm per round keeps every degree within 1..kmax
        f = f[deg[f] < kmax] if gap > 0 else f[deg[f] > 1]
        f = f[:abs(gap)]
        deg[f] += 1 if gap > 0 else -1
        gap -= len(f) if gap > 0 else -len(f)
    sup = np.repeat(np.arange(n, dtype=np.int64), deg)
    cus = np.empty(len(sup), dtype=np.int64)
    todo = np.arange(len(sup))
    while len(todo):  # redraw self-links and repeated customers of a supplier until none is left
        c = rng.integers(0, n - 1, size=len(todo))
        cus[todo] = c + (c >= sup[todo])  # uniform over the other n - 1 firms
        key = sup * n + cus
        order = np.argsort(key, kind="stable")
        dup = np.zeros(len(key), dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        todo = np.flatnonzero(dup)
    value = 0.1 + rng.random(len(sup))
    ids = _firm_ids(n)
    per, extra = divmod(n, m_ind)
    ind_idx = np.concatenate([np.repeat(np.arange(m_ind), per), np.arange(extra)])
    ind = np.array(industries, dtype=object)[ind_idx]
    sales = np.bincount(sup, weights=value, minlength=n)
    firms = pd.DataFrame({"firm": ids, "industry": ind, "size": sales})
    links = pd.DataFrame({"supplier": ids[sup], "customer": ids[cus], "value": value})
    return firms, links
