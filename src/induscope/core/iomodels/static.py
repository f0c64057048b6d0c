"""The static set in one model: A, L, Ghosh B and G, multipliers, linkages, key sectors.

    res = StaticModel(table).run()
    res.L, res.output_multiplier, res.to_frame()

By default L is never formed: one LU factorisation of (I - A) gives every multiplier and linkage
by a handful of solves (2/3 n^3 flops instead of 2 n^3). ``full_inverse=True`` forms L once (see
``backend``: block recursion at GEMM speed, or CuPy / PyTorch on a GPU) and uses it for everything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import ModelError, Unavailable
from . import linkages as lk
from . import multipliers as mp
from .checks import ProductivityReport
from .result import frozen, matrix_frame, vector_dict
from .symbols import long_name
from .system import LeontiefSystem
from .table import IOTable


@dataclass(frozen=True, eq=False)
class ExtensionMultipliers:
    name: str
    rows: tuple[str, ...]
    unit: str
    S: np.ndarray        # k x n, F x^-1
    M: np.ndarray        # k x n, S L
    M_down: np.ndarray | None = None  # k x n, S (G' - I)


@dataclass(frozen=True, eq=False)
class StaticResult:
    labels: tuple[str, ...]
    index: pd.Index
    coefficients: str
    x: np.ndarray
    A: np.ndarray
    L: np.ndarray | None
    B: np.ndarray | None
    G: np.ndarray | None
    output_multiplier: np.ndarray
    value_added_multiplier: np.ndarray | Unavailable
    value_added_multiplier_type_i: np.ndarray | Unavailable
    employment_multiplier: np.ndarray | Unavailable
    employment_multiplier_type_i: np.ndarray | Unavailable
    extensions: tuple[ExtensionMultipliers, ...]
    backward_linkage: np.ndarray
    forward_linkage: np.ndarray
    backward_index: np.ndarray
    forward_index: np.ndarray
    direct_backward_linkage: np.ndarray
    direct_forward_linkage: np.ndarray
    key_class: np.ndarray
    forward_convention: str
    productivity: ProductivityReport | None
    backend: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name in ("x", "A", "L", "B", "G", "output_multiplier", "value_added_multiplier",
                     "value_added_multiplier_type_i", "employment_multiplier",
                     "employment_multiplier_type_i", "backward_linkage", "forward_linkage",
                     "backward_index", "forward_index", "direct_backward_linkage",
                     "direct_forward_linkage", "key_class"):
            object.__setattr__(self, name, frozen(getattr(self, name)))

    # -- views -----------------------------------------------------------------
    _VECTORS = (("x", "x"), ("output_multiplier", "m_o"), ("value_added_multiplier", "m_v"),
                ("value_added_multiplier_type_i", "m_v1"), ("employment_multiplier", "m_e"),
                ("employment_multiplier_type_i", "m_e1"), ("backward_linkage", "BL"),
                ("forward_linkage", "FL"), ("backward_index", "U_b"), ("forward_index", "U_f"),
                ("direct_backward_linkage", "BL_direct"), ("direct_forward_linkage", "FL_direct"),
                ("key_class", "key"))

    def to_frame(self) -> pd.DataFrame:
        """One row per sector, columns with long names (unavailable measures are left out)."""
        cols: dict[str, Any] = {}
        for attr, sym in self._VECTORS:
            val = getattr(self, attr)
            if isinstance(val, Unavailable):
                continue
            cols[long_name(sym)] = np.asarray(val)
        frame = pd.DataFrame(cols, index=self.index)
        return frame.reset_index()

    def matrix(self, symbol: str) -> pd.DataFrame:
        """A labelled n x n matrix: 'A', 'L', 'B' or 'G' (ModelError if it was not computed)."""
        M = getattr(self, symbol, None) if symbol in ("A", "L", "B", "G") else None
        if M is None:
            raise ModelError(f"{symbol} was not computed (run with full_inverse=True / ghosh_matrices=True)")
        return matrix_frame(M, self.labels, self.labels)

    def extension_frame(self, name: str, which: str = "M") -> pd.DataFrame:
        for e in self.extensions:
            if e.name == name:
                return matrix_frame(getattr(e, which), e.rows, self.labels)
        raise ModelError(f"no satellite account named {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: long names, vectors as {sector: value}; big matrices are left out."""
        out: dict[str, Any] = {"coefficients": self.coefficients, "backend": self.backend,
                               "forward_linkage_convention": self.forward_convention,
                               "sectors": list(self.labels)}
        for attr, sym in self._VECTORS:
            val = getattr(self, attr)
            if attr == "key_class":
                out[long_name(sym)] = {k: str(v) for k, v in zip(self.labels, val)}
            else:
                out[long_name(sym)] = vector_dict(self.labels, val)
        out["extension_multipliers"] = {
            e.name: {"unit": e.unit, "rows": {r: vector_dict(self.labels, e.M[i]) for i, r in enumerate(e.rows)}}
            for e in self.extensions}
        out["productivity"] = None if self.productivity is None else self.productivity.to_dict()
        out["notes"] = list(self.notes)
        return out


class StaticModel:
    """Configure once, ``run()`` gives an immutable StaticResult.

    coefficients: 'domestic' | 'total' | None (domestic for non-competitive tables, else total)
    zero_output:  'raise' | 'zero' | 'exclude' (see checks.require_positive_output)
    employment:   employment by sector (persons), for employment multipliers
    extensions:   {name: F (k x n)} satellite accounts; default: the table's own extensions
    forward:      'ghosh' (row sums of G, default) | 'leontief' (row sums of L)
    full_inverse: form L (and return it) or only use LU solves (default)
    ghosh_matrices: also form the n x n matrices B and G
    downstream:   also compute pymrio's M_down = S (G' - I) for every extension
    backend:      'auto' | 'cpu' | 'gpu' for the inverse
    """

    def __init__(self, table: IOTable | LeontiefSystem, *, coefficients: str | None = None,
                 zero_output: str = "raise", employment: Sequence[float] | np.ndarray | None = None,
                 extensions: Mapping[str, Any] | None = None, forward: str = "ghosh",
                 full_inverse: bool = False, ghosh_matrices: bool = False, downstream: bool = False,
                 backend: str = "auto", check: bool = True):
        if forward not in lk.FORWARD_CONVENTIONS:
            raise ModelError(f"forward must be one of {lk.FORWARD_CONVENTIONS}, got {forward!r}")
        self.table = table if isinstance(table, IOTable) else None
        self.system = table if isinstance(table, LeontiefSystem) else None
        self.coefficients = coefficients
        self.zero_output = zero_output
        self.employment = None if employment is None else np.asarray(employment, dtype=float)
        self.extensions = extensions
        self.forward = forward
        self.full_inverse = full_inverse
        self.ghosh_matrices = ghosh_matrices
        self.downstream = downstream
        self.backend = backend
        self.check = check

    def _system(self) -> LeontiefSystem:
        if self.system is not None:
            return self.system
        return LeontiefSystem.from_table(self.table, coefficients=self.coefficients,
                                         zero_output=self.zero_output, check=self.check, backend=self.backend)

    def _extension_inputs(self, system: LeontiefSystem) -> list[tuple[str, tuple[str, ...], str, np.ndarray]]:
        items: list[tuple[str, tuple[str, ...], str, np.ndarray]] = []
        if self.extensions is not None:
            for name, F in self.extensions.items():
                if isinstance(F, pd.DataFrame):
                    items.append((name, tuple(map(str, F.index)), "", F.to_numpy(dtype=float)))
                else:
                    F = np.atleast_2d(np.asarray(F, dtype=float))
                    items.append((name, tuple(f"{name}{i + 1}" for i in range(F.shape[0])), "", F))
        else:
            table = getattr(system, "table", None)
            for e in (table.extensions if table is not None else ()):
                items.append((e.name, e.rows, e.unit, e.F))
        return items

    def run(self) -> StaticResult:
        s = self._system()
        notes = list(s.notes)
        labels = tuple(s.labels)
        table = getattr(s, "table", None)
        index = table.index if table is not None and len(table.label_strings) == s.n else pd.Index(labels)
        if self.full_inverse:
            _ = s.L  # one inversion; every later product uses it

        ones = np.ones(s.n)
        m_o = s.solve_transposed(ones)
        if s.v is not None:
            m_v = s.solve_transposed(s.v)
            m_v1 = mp.type_one(m_v, s.v, labels, "value-added", notes)
        else:
            m_v = m_v1 = Unavailable("the table has no value added (V)")
        if self.employment is not None:
            if self.employment.shape != (s.n,):
                raise ModelError(f"employment needs {s.n} entries, got {self.employment.shape}")
            e = self.employment * s.inv_x
            m_e = s.solve_transposed(e)
            m_e1 = mp.type_one(m_e, e, labels, "employment", notes)
        else:
            m_e = m_e1 = Unavailable("no employment by sector was given")

        exts = []
        for name, rows, unit, F in self._extension_inputs(s):
            S = mp.coefficients_per_output(F, s)
            M = s.row_products(S)
            Md = mp.downstream(S, s) if self.downstream else None
            exts.append(ExtensionMultipliers(name, rows, unit, frozen(S), frozen(M), frozen(Md)))

        bl = m_o
        fl = s.ghosh_row_sums() if self.forward == "ghosh" else s.solve(ones)
        bli, fli = lk.normalised_index(bl), lk.normalised_index(fl)
        dbl, dfl = lk.direct_linkages(s)
        return StaticResult(
            labels=labels, index=index, coefficients=getattr(s, "kind", "given"), x=s.x, A=s.A,
            L=s.L if self.full_inverse else None,
            B=s.B if self.ghosh_matrices else None, G=s.G if self.ghosh_matrices else None,
            output_multiplier=m_o, value_added_multiplier=m_v, value_added_multiplier_type_i=m_v1,
            employment_multiplier=m_e, employment_multiplier_type_i=m_e1, extensions=tuple(exts),
            backward_linkage=bl, forward_linkage=fl, backward_index=bli, forward_index=fli,
            direct_backward_linkage=dbl, direct_forward_linkage=dfl, key_class=lk.classify(bli, fli),
            forward_convention=self.forward, productivity=s.report, backend=s.backend_used or "cpu",
            notes=tuple(notes))
