"""SupplyNetwork: a firm-to-firm supply network stored as sparse links (memory O(firms + links)).

W_ij >= 0 is the value of sales of supplier i to customer j. Links are kept sorted by supplier
(CSR: ``out_ptr``) with a permutation to customer order (CSC: ``in_ptr`` / ``in_perm``). Firm and
industry codes are strings. ``from_frames`` validates input tables and reports every problem at
once (file, row, column, value, expected).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, NotFoundError, ProblemCollector

#: optional numeric firm attributes that must be numbers >= 0 where given
POSITIVE_ATTRS = ("revenue", "costs", "size", "capacity")


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and v.strip() == ""


def _numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column to float; returns (values, ok mask). Strings like '1,234' are not numbers."""
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x)
    return x, ok


@dataclass(frozen=True, eq=False)
class SupplyNetwork:
    """Firms (string codes, in input order) and links as CSR arrays.

    ``sup``, ``cus``, ``W`` are the links sorted by supplier then customer; ``out_ptr[i]:out_ptr[i+1]``
    are the links of supplier i; ``in_perm[in_ptr[j]:in_ptr[j+1]]`` are the link positions of
    customer j. ``attrs`` holds optional per-firm columns (market, region, revenue, costs, size, ...).
    """

    firms: np.ndarray  # object array of str
    industry: np.ndarray  # object array of str, per firm
    sup: np.ndarray  # int64, per link
    cus: np.ndarray  # int64, per link
    W: np.ndarray  # float64, per link
    attrs: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.firms)
        sup = np.asarray(self.sup, dtype=np.int64)
        cus = np.asarray(self.cus, dtype=np.int64)
        W = np.asarray(self.W, dtype=float)
        if not (len(sup) == len(cus) == len(W)):
            raise InputError("sup, cus and W must have the same length")
        if len(sup) and (sup.min() < 0 or cus.min() < 0 or sup.max() >= n or cus.max() >= n):
            raise InputError("link endpoints must index firms")
        order = np.lexsort((cus, sup))
        sup, cus, W = sup[order], cus[order], W[order]
        object.__setattr__(self, "sup", sup)
        object.__setattr__(self, "cus", cus)
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "firms", np.asarray(self.firms, dtype=object))
        object.__setattr__(self, "industry", np.asarray(self.industry, dtype=object))
        out_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(sup, minlength=n), out=out_ptr[1:])
        in_perm = np.argsort(cus, kind="stable")
        in_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(cus, minlength=n), out=in_ptr[1:])
        object.__setattr__(self, "out_ptr", out_ptr)
        object.__setattr__(self, "in_ptr", in_ptr)
        object.__setattr__(self, "in_perm", in_perm)
        object.__setattr__(self, "_index", None)

    # --- sizes and sums -----------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.firms)

    @property
    def m(self) -> int:
        return len(self.W)

    @property
    def s_out(self) -> np.ndarray:
        """Sales of each firm to the other firms of the network (row sums of W)."""
        return np.bincount(self.sup, weights=self.W, minlength=self.n)

    @property
    def s_in(self) -> np.ndarray:
        """Purchases of each firm from the network (column sums of W)."""
        return np.bincount(self.cus, weights=self.W, minlength=self.n)

    def industries(self) -> list[str]:
        return sorted(set(self.industry.tolist()))

    def attr(self, name: str) -> np.ndarray | None:
        return self.attrs.get(name)

    # --- lookups ------------------------------------------------------------------------------
    def index(self) -> dict[str, int]:
        idx = self._index  # type: ignore[attr-defined]
        if idx is None:
            idx = {f: i for i, f in enumerate(self.firms.tolist())}
            object.__setattr__(self, "_index", idx)
        return idx

    def indices(self, firms: Iterable[str]) -> np.ndarray:
        """Positions of the given firm codes; NotFoundError lists the unknown ones."""
        idx = self.index()
        firms = [str(f) for f in firms]
        missing = [f for f in firms if f not in idx]
        if missing:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise NotFoundError(f"{len(missing)} firm(s) not in the network: {shown}")
        return np.array([idx[f] for f in firms], dtype=np.int64)

    def suppliers_of(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """(supplier indices, values) of customer j."""
        e = self.in_perm[self.in_ptr[j]:self.in_ptr[j + 1]]
        return self.sup[e], self.W[e]

    def customers_of(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(customer indices, values) of supplier i."""
        a, b = self.out_ptr[i], self.out_ptr[i + 1]
        return self.cus[a:b], self.W[a:b]

    # --- frames -------------------------------------------------------------------------------
    def firms_frame(self) -> pd.DataFrame:
        df = pd.DataFrame({"firm": self.firms, "industry": self.industry})
        for k, v in self.attrs.items():
            df[k] = v
        return df

    def links_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"supplier": self.firms[self.sup], "customer": self.firms[self.cus],
                             "value": self.W})

    def with_links(self, sup: np.ndarray, cus: np.ndarray, W: np.ndarray) -> "SupplyNetwork":
        """A copy with other links (same firms and attributes)."""
        return SupplyNetwork(self.firms, self.industry, sup, cus, W, dict(self.attrs))

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_dense(cls, W: np.ndarray, industry: Sequence[Any], firms: Sequence[Any] | None = None,
                   attrs: dict[str, Any] | None = None) -> "SupplyNetwork":
        """From a dense matrix W[i, j] = sales of i to j (small networks, tests, reference data)."""
        W = np.asarray(W, dtype=float)
        n = W.shape[0]
        if W.shape != (n, n):
            raise InputError(f"W must be square, got {W.shape}")
        sup, cus = np.nonzero(W)
        ids = [str(i + 1) for i in range(n)] if firms is None else [str(f) for f in firms]
        return cls(np.array(ids, dtype=object), np.array([str(p) for p in industry], dtype=object),
                   sup, cus, W[sup, cus], {k: np.asarray(v) for k, v in (attrs or {}).items()})

    @classmethod
    def from_frames(cls, firms: pd.DataFrame, links: pd.DataFrame, *, firms_source: str = "firms",
                    links_source: str = "links", row_offset: int = 2) -> "SupplyNetwork":
        """Validate and build from a firms table (firm, industry[, market, region, revenue, costs,
        size, ...]) and a links table (supplier, customer, value).

        Every problem is reported at once (ValidationError) with the file, the spreadsheet row
        (header = row 1, so data row k is ``k + row_offset``), the column, the value and what was
        expected. Links with value 0 are dropped; repeated supplier -> customer rows are added up
        (transaction-level data); a link to a firm missing from the firms table is an error.
        """
        pc = ProblemCollector(firms_source)
        for col in ("firm", "industry"):
            if col not in firms.columns:
                pc.add(row=1, column=col, expected=f"a column '{col}' in the firms table",
                       source=firms_source)
        for col in ("supplier", "customer", "value"):
            if col not in links.columns:
                pc.add(row=1, column=col, expected=f"a column '{col}' in the links table",
                       source=links_source)
        pc.raise_if_any()

        fid = firms["firm"].astype(object).to_numpy()
        ind = firms["industry"].astype(object).to_numpy()
        rows_f = np.arange(len(firms)) + row_offset
        seen: dict[str, int] = {}
        for r, f, k in zip(rows_f.tolist(), fid.tolist(), ind.tolist()):
            if _is_missing(f):
                pc.add(row=r, column="firm", value=f, expected="a firm code", source=firms_source)
            else:
                f = str(f).strip()
                if f in seen:
                    pc.add(row=r, column="firm", value=f,
                           expected=f"a unique firm code (also on row {seen[f]})", source=firms_source)
                else:
                    seen[f] = r
            if _is_missing(k):
                pc.add(row=r, column="industry", value=k, expected="an industry code",
                       source=firms_source)
        attrs: dict[str, np.ndarray] = {}
        for col in firms.columns:
            if col in ("firm", "industry"):
                continue
            if col in POSITIVE_ATTRS:
                x, ok = _numbers(firms[col])
                given = ~firms[col].map(_is_missing).to_numpy(dtype=bool)
                for r, v in zip(rows_f[given & ~ok].tolist(), firms[col].to_numpy()[given & ~ok].tolist()):
                    pc.add(row=r, column=col, value=v, expected="a number", source=firms_source)
                bad = given & ok & (x < 0)
                for r, v in zip(rows_f[bad].tolist(), x[bad].tolist()):
                    pc.add(row=r, column=col, value=v, expected="a number >= 0", source=firms_source)
                x = np.where(given & ok, x, np.nan)
                attrs[col] = x
            else:
                vals = firms[col].astype(object).to_numpy()
                attrs[col] = np.array([None if _is_missing(v) else str(v).strip() for v in vals],
                                      dtype=object)

        idx = seen
        s_raw = links["supplier"].astype(object).to_numpy()
        c_raw = links["customer"].astype(object).to_numpy()
        v, v_ok = _numbers(links["value"])
        s_str = pd.Series(s_raw).map(lambda a: None if _is_missing(a) else str(a).strip())
        c_str = pd.Series(c_raw).map(lambda a: None if _is_missing(a) else str(a).strip())
        index = pd.Index(list(idx.keys()))
        s_pos = index.get_indexer(s_str.to_numpy(dtype=object))
        c_pos = index.get_indexer(c_str.to_numpy(dtype=object))
        rows_l = np.arange(len(links)) + row_offset
        for col, pos, raw in (("supplier", s_pos, s_raw), ("customer", c_pos, c_raw)):
            for r, val in zip(rows_l[pos < 0].tolist(), raw[pos < 0].tolist()):
                pc.add(row=r, column=col, value=val,
                       expected=f"a firm listed in {firms_source}", source=links_source)
        v_raw = links["value"].to_numpy()
        for r, val in zip(rows_l[~v_ok].tolist(), v_raw[~v_ok].tolist()):
            pc.add(row=r, column="value", value=val, expected="a number", source=links_source)
        neg = v_ok & (v < 0)
        for r, val in zip(rows_l[neg].tolist(), v[neg].tolist()):
            pc.add(row=r, column="value", value=val, expected="a number >= 0", source=links_source)
        pc.raise_if_any()

        keep = v > 0
        s_pos, c_pos, v = s_pos[keep], c_pos[keep], v[keep]
        n = len(fid)
        key = s_pos.astype(np.int64) * n + c_pos
        uniq, inv = np.unique(key, return_inverse=True)
        Wu = np.bincount(inv, weights=v, minlength=len(uniq))
        ids = np.array([str(f).strip() for f in fid], dtype=object)
        inds = np.array([str(k).strip() for k in ind], dtype=object)
        return cls(ids, inds, uniq // n, uniq % n, Wu, attrs)


@dataclass(frozen=True, eq=False)
class Essentiality:
    """Input-essentiality matrix E[k, l] in {0, 1, 2} over industry codes.

    Rows = supplier industry k, columns = customer industry l; 2 = essential (Leontief),
    1 = non-essential (linear), 0 = no downstream effect.
    """

    codes: tuple[str, ...]
    E: np.ndarray

    def __post_init__(self) -> None:
        E = np.asarray(self.E)
        K = len(self.codes)
        if E.shape != (K, K):
            raise InputError(f"E must be {K}x{K}, got {E.shape}")
        if not np.isin(E, (0, 1, 2)).all():
            raise InputError("E entries must be 0, 1 or 2")
        object.__setattr__(self, "E", E.astype(np.int8))
        object.__setattr__(self, "codes", tuple(str(c) for c in self.codes))

    def position(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}

    @classmethod
    def uniform(cls, codes: Sequence[str], value: int = 1) -> "Essentiality":
        K = len(codes)
        return cls(tuple(codes), np.full((K, K), value, dtype=np.int8))

    @classmethod
    def from_frame(cls, df: pd.DataFrame, source: str = "essentiality",
                   row_offset: int = 2) -> "Essentiality":
        """From a table whose first column holds the row codes and whose header holds the column
        codes (as ``ess_mat_*.csv``). Codes are strings; every problem reported at once."""
        pc = ProblemCollector(source)
        if df.shape[1] < 2:
            pc.add(row=1, expected="a header of industry codes after a first column of row codes")
            pc.raise_if_any()
        cols = [str(c).strip() for c in df.columns[1:]]
        rows = [None if _is_missing(v) else str(v).strip() for v in df.iloc[:, 0].tolist()]
        for i, r in enumerate(rows):
            if r is None:
                pc.add(row=i + row_offset, column=str(df.columns[0]), value=df.iloc[i, 0],
                       expected="an industry code")
        if len(set(cols)) != len(cols):
            dup = sorted({c for c in cols if cols.count(c) > 1})
            pc.add(row=1, value=", ".join(dup), expected="unique industry codes in the header")
        if len(rows) != len(cols) or set(r for r in rows if r) != set(cols):
            pc.add(row=None, value=f"{len(rows)} rows x {len(cols)} columns",
                   expected="a square matrix with the same industry codes as rows and columns")
        body = df.iloc[:, 1:]
        vals = body.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isin(vals, (0.0, 1.0, 2.0))
        for i, j in zip(*np.nonzero(bad)):
            pc.add(row=int(i) + row_offset, column=cols[j], value=body.iat[i, j],
                   expected="0, 1 or 2")
        pc.raise_if_any()
        pos = {c: j for j, c in enumerate(cols)}
        order = [pos[r] for r in rows]  # rows reordered to the column order
        E = np.zeros((len(cols), len(cols)), dtype=np.int8)
        E[order, :] = vals.astype(np.int8)
        return cls(tuple(cols), E)
