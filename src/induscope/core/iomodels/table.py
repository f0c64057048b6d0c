"""IOTable: an input-output table as the core sees it (symbols of the field inside).

Single-region tables have one region; multi-regional tables are ordered region-major
(all sectors of region 1, then region 2, ...), as pymrio orders them.

Symbols (Miller & Blair):
  Z  n x n intermediate transactions (for non-competitive-import tables: domestic flows only)
  Y  n x k final demand (domestic products for non-competitive tables), columns = final demand categories
  x  n     gross output
  V  m x n value added components (rows = components)
  Zm n x n imported intermediate use (non-competitive tables only; rows = imported products)
  Ym n x k imported products in final demand (non-competitive tables only)
  m  n     imports by product (competitive tables: the IM column, a negative final-demand entry)

Coefficients: for a non-competitive-import table A_d = Z x^-1 (domestic), A_m = Zm x^-1 (imported),
A = A_d + A_m (total). A competitive-import table only has the total A = Z x^-1.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ModelError, Problem, ProblemCollector, ValidationError
from .checks import require_positive_output

_ARRAYS = ("Z", "Y", "x", "V", "Zm", "Ym", "m", "exports")


@dataclass(frozen=True)
class Extension:
    """A satellite account (pymrio's "extension"): F is k x n by industry, F_Y k x (columns of Y)."""

    name: str
    F: np.ndarray
    rows: tuple[str, ...]
    unit: str = ""
    F_Y: np.ndarray | None = None

    def __post_init__(self) -> None:
        F = np.atleast_2d(np.asarray(self.F, dtype=float))
        object.__setattr__(self, "F", F)
        if self.F_Y is not None:
            object.__setattr__(self, "F_Y", np.atleast_2d(np.asarray(self.F_Y, dtype=float)))
        if len(self.rows) != F.shape[0]:
            raise ValueError(f"extension {self.name!r}: {len(self.rows)} row labels for {F.shape[0]} rows")


@dataclass(frozen=True, eq=False)
class IOTable:
    Z: np.ndarray
    Y: np.ndarray
    x: np.ndarray
    sectors: tuple[str, ...]
    V: np.ndarray | None = None
    regions: tuple[str, ...] = ("ALL",)
    sector_names: tuple[str, ...] | None = None
    final_demand_labels: tuple[str, ...] = ()
    value_added_labels: tuple[str, ...] = ()
    Zm: np.ndarray | None = None
    Ym: np.ndarray | None = None
    m: np.ndarray | None = None
    exports: np.ndarray | None = None
    unit: str = "10,000 CNY"
    year: int | None = None
    name: str = ""
    import_type: str = "competitive"  # or "non-competitive"
    metadata: dict[str, Any] = field(default_factory=dict)
    # added after the first version; keyword-only in practice
    final_demand_regions: tuple[str, ...] | None = None  # region of each Y column (multi-regional tables)
    extensions: tuple[Extension, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.regions) * len(self.sectors)
        for sym in _ARRAYS:
            a = getattr(self, sym)
            if a is not None:
                a = np.ascontiguousarray(a, dtype=float)  # no copy for C-ordered float64 input
                if sym in ("Y", "Ym") and a.ndim == 1:
                    a = a[:, None]
                object.__setattr__(self, sym, a)
        object.__setattr__(self, "sectors", tuple(str(s) for s in self.sectors))
        object.__setattr__(self, "regions", tuple(str(r) for r in self.regions))
        object.__setattr__(self, "extensions", tuple(self.extensions))
        if self.Z.shape != (n, n):
            raise ValueError(f"Z must be {n}x{n} (regions x sectors), got {self.Z.shape}")
        if self.x.shape != (n,):
            raise ValueError(f"x must have {n} entries, got {self.x.shape}")
        if self.Y.shape[0] != n:
            raise ValueError(f"Y must have {n} rows, got {self.Y.shape}")
        if self.V is not None and (self.V.ndim != 2 or self.V.shape[1] != n):
            raise ValueError(f"V must be (components x {n}), got {self.V.shape}")
        for sym in ("Zm",):
            a = getattr(self, sym)
            if a is not None and a.shape != (n, n):
                raise ValueError(f"{sym} must be {n}x{n}, got {a.shape}")
        for sym in ("Ym",):
            a = getattr(self, sym)
            if a is not None and a.shape[0] != n:
                raise ValueError(f"{sym} must have {n} rows, got {a.shape}")
        for sym in ("m", "exports"):
            a = getattr(self, sym)
            if a is not None and a.shape != (n,):
                raise ValueError(f"{sym} must have {n} entries, got {a.shape}")
        if self.import_type not in ("competitive", "non-competitive"):
            raise ValueError(f"import_type must be 'competitive' or 'non-competitive', got {self.import_type!r}")
        if self.final_demand_regions is not None and len(self.final_demand_regions) != self.Y.shape[1]:
            raise ValueError("final_demand_regions needs one region per column of Y")
        for ext in self.extensions:
            if ext.F.shape[1] != n:
                raise ValueError(f"extension {ext.name!r}: F must have {n} columns, got {ext.F.shape[1]}")

    # -- labels ----------------------------------------------------------------
    @property
    def n(self) -> int:
        return self.Z.shape[0]

    @property
    def multiregional(self) -> bool:
        return len(self.regions) > 1

    @property
    def labels(self) -> list[tuple[str, str]]:
        """(region, sector) for every row/column, region-major."""
        return [(r, s) for r in self.regions for s in self.sectors]

    @property
    def label_strings(self) -> list[str]:
        """Row labels for messages and flat outputs: 'sector', or 'region/sector' when multi-regional."""
        if not self.multiregional:
            return list(self.sectors)
        return [f"{r}/{s}" for r, s in self.labels]

    @property
    def index(self) -> pd.Index:
        """pandas index of rows/columns: sectors, or a (region, sector) MultiIndex when multi-regional."""
        if not self.multiregional:
            return pd.Index(self.sectors, name="sector")
        return pd.MultiIndex.from_tuples(self.labels, names=["region", "sector"])

    def region_of_rows(self) -> np.ndarray:
        """Region position (0..R-1) of every row."""
        return np.repeat(np.arange(len(self.regions)), len(self.sectors))

    # -- construction ----------------------------------------------------------
    @classmethod
    def from_frames(cls, Z: pd.DataFrame, Y: pd.DataFrame | pd.Series | None = None,
                    x: pd.Series | np.ndarray | None = None, *, V: pd.DataFrame | None = None,
                    Zm: pd.DataFrame | None = None, Ym: pd.DataFrame | None = None,
                    m: pd.Series | None = None, exports: pd.Series | None = None,
                    source: str = "table", **kwargs: Any) -> "IOTable":
        """Build from labelled frames, aligning everything on Z's labels.

        Z's index and columns must hold the same labels in the same order: plain sector codes, or a
        (region, sector) MultiIndex covering every region x sector pair, region-major. Every problem
        (missing labels, non-numeric or non-finite cells) is reported at once as a ValidationError.
        When x is not given it is computed as Z 1 + Y 1 (- m for a competitive table with imports).
        """
        problems = ProblemCollector(source)
        idx = Z.index
        if not idx.equals(Z.columns):
            problems.add(column="columns", value=list(map(str, Z.columns[:5])),
                         expected="the columns of Z to carry the same labels, in the same order, as its rows")
            problems.raise_if_any()
        if idx.has_duplicates:
            problems.add(column="index", value=[str(v) for v in idx[idx.duplicated()][:10]],
                         expected="unique row labels")
            problems.raise_if_any()
        if isinstance(idx, pd.MultiIndex):
            if idx.nlevels != 2:
                raise ValidationError([Problem(source, expected="a (region, sector) index", value=idx.nlevels)])
            regions = tuple(str(r) for r in pd.unique(idx.get_level_values(0)))
            sectors = tuple(str(s) for s in pd.unique(idx.get_level_values(1)))
            expected = [(r, s) for r in regions for s in sectors]
            got = [(str(r), str(s)) for r, s in idx]
            if got != expected:
                problems.add(column="index", value=f"{len(got)} labels",
                             expected=f"every region x sector pair in region-major order "
                                      f"({len(regions)} regions x {len(sectors)} sectors)")
                problems.raise_if_any()
        else:
            regions = ("ALL",)
            sectors = tuple(str(s) for s in idx)

        def matrix(frame: pd.DataFrame | pd.Series | None, sym: str, by_rows: bool = True,
                   by_cols: bool = False) -> np.ndarray | None:
            if frame is None:
                return None
            if isinstance(frame, pd.Series):
                frame = frame.to_frame()
            absent_rows = np.zeros(len(frame.index) if not by_rows else len(idx), dtype=bool)
            if by_rows:
                missing = idx.difference(frame.index)
                for lab in missing:
                    problems.add(column=sym, value=str(lab), expected=f"a row of {sym} for every label of Z")
                absent_rows = ~idx.isin(frame.index)
                frame = frame.reindex(idx)
            absent_cols = np.zeros(frame.shape[1], dtype=bool)
            if by_cols:
                missing = idx.difference(frame.columns)
                for lab in missing:
                    problems.add(column=sym, value=str(lab), expected=f"a column of {sym} for every label of Z")
                absent_cols = ~idx.isin(frame.columns)
                frame = frame.reindex(columns=idx)
            vals = np.array(frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float))
            bad = ~np.isfinite(vals)
            bad[absent_rows, :] = False  # already reported as missing labels
            bad[:, absent_cols] = False
            if bad.any():
                orig = frame.to_numpy(dtype=object)
                for i, j in zip(*np.nonzero(bad)):
                    problems.add(column=f"{sym}[{frame.index[i]}, {frame.columns[j]}]", value=orig[i, j],
                                 expected="a finite number")
            return vals

        Zv = matrix(Z, "Z")
        Yv = matrix(Y, "Y") if Y is not None else np.zeros((len(idx), 0))
        Vv = matrix(V, "V", by_rows=False, by_cols=True) if V is not None else None
        Zmv = matrix(Zm, "Zm", by_rows=True, by_cols=True) if Zm is not None else None
        Ymv = matrix(Ym, "Ym") if Ym is not None else None
        mv = matrix(m, "m") if m is not None else None
        exv = matrix(exports, "exports") if exports is not None else None
        if x is not None and not isinstance(x, np.ndarray):
            xv = matrix(x, "x")
        else:
            xv = None if x is None else np.asarray(x, dtype=float).reshape(-1, 1)
        problems.raise_if_any()
        if xv is None:
            xs = Zv.sum(axis=1) + Yv.sum(axis=1)
            if mv is not None:
                xs = xs - mv[:, 0]
        else:
            xs = xv[:, 0]
        kw = dict(kwargs)
        if Y is not None and "final_demand_labels" not in kw and isinstance(Y, pd.DataFrame):
            kw["final_demand_labels"] = tuple(str(c) for c in Y.columns)
        if V is not None and "value_added_labels" not in kw:
            kw["value_added_labels"] = tuple(str(c) for c in V.index)
        return cls(Z=Zv, Y=Yv, x=xs, sectors=sectors, regions=regions, V=Vv, Zm=Zmv, Ym=Ymv,
                   m=None if mv is None else mv[:, 0], exports=None if exv is None else exv[:, 0], **kw)

    def to_frames(self) -> dict[str, pd.DataFrame | pd.Series]:
        """Labelled frames of every table present (symbols as keys)."""
        idx = self.index
        fd = list(self.final_demand_labels) or [f"Y{j + 1}" for j in range(self.Y.shape[1])]
        out: dict[str, Any] = {"Z": pd.DataFrame(self.Z, index=idx, columns=idx),
                               "Y": pd.DataFrame(self.Y, index=idx, columns=fd),
                               "x": pd.Series(self.x, index=idx, name="x")}
        if self.V is not None:
            va = list(self.value_added_labels) or [f"V{j + 1}" for j in range(self.V.shape[0])]
            out["V"] = pd.DataFrame(self.V, index=va, columns=idx)
        if self.Zm is not None:
            out["Zm"] = pd.DataFrame(self.Zm, index=idx, columns=idx)
        if self.Ym is not None:
            out["Ym"] = pd.DataFrame(self.Ym, index=idx, columns=fd[: self.Ym.shape[1]])
        if self.m is not None:
            out["m"] = pd.Series(self.m, index=idx, name="m")
        if self.exports is not None:
            out["exports"] = pd.Series(self.exports, index=idx, name="exports")
        return out

    # -- identities ------------------------------------------------------------
    def row_balance_residual(self) -> np.ndarray:
        """x - (Z 1 + Y 1 - m): the product-side identity.

        Competitive tables subtract imports m; non-competitive tables hold domestic flows only.
        """
        supply = self.Z.sum(axis=1) + self.Y.sum(axis=1)
        if self.m is not None:
            supply = supply - self.m
        return self.x - supply

    def column_balance_residual(self) -> np.ndarray | None:
        """x - (1'Z + 1'Zm + 1'V): the industry-side identity; None when V is missing."""
        if self.V is None:
            return None
        inputs = self.Z.sum(axis=0) + self.V.sum(axis=0)
        if self.Zm is not None:
            inputs = inputs + self.Zm.sum(axis=0)
        return self.x - inputs

    # -- coefficients ----------------------------------------------------------
    def default_coefficients(self) -> str:
        """'domestic' for non-competitive tables (the NBS 42-sector layout), else 'total'."""
        return "domestic" if self.import_type == "non-competitive" else "total"

    def flows(self, kind: str = "total") -> np.ndarray:
        """The flow matrix behind each kind of coefficients (see ``coefficients``)."""
        if kind == "domestic":
            if self.import_type != "non-competitive":
                raise ModelError(
                    "domestic coefficients need a non-competitive-import table (domestic and imported flows "
                    "recorded apart); this table is competitive: use kind='total'")
            return self.Z
        if kind == "imports":
            if self.Zm is None:
                raise ModelError("import coefficients need the imported intermediate use (Zm)")
            return self.Zm
        if kind == "total":
            return self.Z if self.Zm is None else self.Z + self.Zm
        raise ModelError(f"unknown coefficient kind {kind!r}; expected 'total', 'domestic' or 'imports'")

    def coefficients(self, kind: str | None = None, zero_output: str = "raise") -> np.ndarray:
        """A = Z x^-1 for kind 'total' (A_d + A_m), 'domestic' (A_d) or 'imports' (A_m).

        Zero-output sectors follow ``zero_output`` (see ``checks.require_positive_output``): never a
        silent 1/0 -> 0.
        """
        kind = kind or self.default_coefficients()
        Zk = self.flows(kind)
        zeros = require_positive_output(self.x, self.label_strings, zero_output)
        return divide_columns(Zk, self.x, allow_zero=bool(zeros))

    def value_added_coefficients(self, zero_output: str = "raise") -> np.ndarray:
        """v = 1'V x^-1 (total value added per unit of output)."""
        if self.V is None:
            raise ModelError("value added (V) is not in this table")
        zeros = require_positive_output(self.x, self.label_strings, zero_output)
        return divide_columns(self.V.sum(axis=0)[None, :], self.x, allow_zero=bool(zeros))[0]

    # -- restructuring ---------------------------------------------------------
    def permute(self, order: Sequence[int]) -> "IOTable":
        """The same single-region table with sectors reordered (``order`` lists old positions)."""
        if self.multiregional:
            raise ModelError("permute reorders the sectors of a single-region table")
        p = np.asarray(order)
        if sorted(p.tolist()) != list(range(self.n)):
            raise ModelError("order must be a permutation of 0..n-1")
        kw: dict[str, Any] = {"Z": self.Z[np.ix_(p, p)], "Y": self.Y[p], "x": self.x[p],
                              "sectors": tuple(self.sectors[i] for i in p)}
        if self.sector_names is not None:
            kw["sector_names"] = tuple(self.sector_names[i] for i in p)
        if self.V is not None:
            kw["V"] = self.V[:, p]
        if self.Zm is not None:
            kw["Zm"] = self.Zm[np.ix_(p, p)]
        if self.Ym is not None:
            kw["Ym"] = self.Ym[p]
        for sym in ("m", "exports"):
            if getattr(self, sym) is not None:
                kw[sym] = getattr(self, sym)[p]
        if self.extensions:
            kw["extensions"] = tuple(replace(e, F=e.F[:, p]) for e in self.extensions)
        return replace(self, **kw)

    def drop(self, labels: Iterable[str]) -> "IOTable":
        """The table without the given sectors (single region) - used by zero_output='exclude'."""
        if self.multiregional:
            raise ModelError("dropping sectors is supported for single-region tables")
        drop = set(labels)
        keep = [i for i, s in enumerate(self.sectors) if s not in drop]
        k = np.asarray(keep, dtype=int)
        kw: dict[str, Any] = {"Z": self.Z[np.ix_(k, k)], "Y": self.Y[k], "x": self.x[k],
                              "sectors": tuple(self.sectors[i] for i in k)}
        if self.sector_names is not None:
            kw["sector_names"] = tuple(self.sector_names[i] for i in k)
        if self.V is not None:
            kw["V"] = self.V[:, k]
        if self.Zm is not None:
            kw["Zm"] = self.Zm[np.ix_(k, k)]
        if self.Ym is not None:
            kw["Ym"] = self.Ym[k]
        for sym in ("m", "exports"):
            if getattr(self, sym) is not None:
                kw[sym] = getattr(self, sym)[k]
        if self.extensions:
            kw["extensions"] = tuple(replace(e, F=e.F[:, k]) for e in self.extensions)
        return replace(self, **kw)

    def aggregate(self, concordance: Mapping[str, str] | pd.Series | pd.DataFrame, *,
                  order: Sequence[str] | None = None,
                  sector_names: Mapping[str, str] | None = None,
                  source: str = "concordance") -> "IOTable":
        """Aggregate sectors with a concordance (detailed code -> group code), in every region.

        ``concordance``: a mapping, a Series (index = detailed code), or a two-column frame
        (detailed, group). Every sector of the table must be mapped exactly once (all problems are
        reported at once). Groups come in ``order`` or in order of first appearance.
        Z' = S'Z S, Y' = S'Y, x' = S'x, V' = V S (S the n x k 0/1 aggregation matrix).
        """
        mapping = _concordance_dict(concordance, source)
        problems = ProblemCollector(source)
        for s in self.sectors:
            if s not in mapping:
                problems.add(column="code", value=s, expected="a group for every sector of the table")
        groups = list(order) if order is not None else list(dict.fromkeys(
            mapping[s] for s in self.sectors if s in mapping))
        if order is not None:
            used = {mapping[s] for s in self.sectors if s in mapping}
            for g in sorted(used - set(groups)):
                problems.add(column="group", value=g, expected="every group to appear in `order`")
        problems.raise_if_any()
        gpos = {g: i for i, g in enumerate(groups)}
        k, ns, R = len(groups), len(self.sectors), len(self.regions)
        col = np.array([r * k + gpos[mapping[s]] for r in range(R) for s in self.sectors])
        from scipy import sparse

        S = sparse.csr_matrix((np.ones(self.n), (np.arange(self.n), col)), shape=(self.n, R * k))
        St = S.T.tocsr()

        def rows(a: np.ndarray) -> np.ndarray:
            return np.asarray(St @ a)

        def both(a: np.ndarray) -> np.ndarray:
            return np.asarray((St @ np.asarray(St @ a).T).T) if a is not None else None

        kw: dict[str, Any] = {
            "Z": both(self.Z), "Y": rows(self.Y), "x": rows(self.x), "sectors": tuple(groups),
            "sector_names": tuple(sector_names.get(g, g) for g in groups) if sector_names else None,
        }
        if self.V is not None:
            kw["V"] = np.asarray((St @ self.V.T).T)
        if self.Zm is not None:
            kw["Zm"] = both(self.Zm)
        if self.Ym is not None:
            kw["Ym"] = rows(self.Ym)
        for sym in ("m", "exports"):
            if getattr(self, sym) is not None:
                kw[sym] = rows(getattr(self, sym))
        if self.extensions:
            kw["extensions"] = tuple(replace(e, F=np.asarray((St @ e.F.T).T)) for e in self.extensions)
        meta = dict(self.metadata)
        meta["aggregated_from"] = f"{ns} sectors -> {k} groups"
        kw["metadata"] = meta
        return replace(self, **kw)


def _concordance_dict(concordance: Any, source: str) -> dict[str, str]:
    if isinstance(concordance, pd.DataFrame):
        if concordance.shape[1] != 2:
            raise ValidationError([Problem(source, expected="two columns: detailed code, group code",
                                           value=f"{concordance.shape[1]} columns")])
        pairs = list(zip(concordance.iloc[:, 0].astype(str), concordance.iloc[:, 1].astype(str)))
    elif isinstance(concordance, pd.Series):
        pairs = list(zip(concordance.index.astype(str), concordance.astype(str)))
    else:
        pairs = [(str(a), str(b)) for a, b in dict(concordance).items()]
    problems = ProblemCollector(source)
    out: dict[str, str] = {}
    for row, (a, b) in enumerate(pairs, start=2):
        if a in out and out[a] != b:
            problems.add(row=row, column="code", value=a, expected=f"one group per code (already -> {out[a]})")
        out[a] = b
    problems.raise_if_any()
    return out


def divide_columns(Zk: np.ndarray, x: np.ndarray, *, allow_zero: bool = False) -> np.ndarray:
    """Z x^-1 column by column; zero-output columns become 0 only when ``allow_zero`` (an explicit policy)."""
    if not allow_zero:
        return Zk / x[None, :]
    nz = x != 0
    inv = np.zeros_like(x, dtype=float)
    inv[nz] = 1.0 / x[nz]
    return Zk * inv[None, :]
