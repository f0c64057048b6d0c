"""NBS input-output tables in the layout of ``china_YYYY_42.csv`` / ``china_YYYY_153.csv``.

Two import types (see docs/formats.md):

* non-competitive (42 sectors): an ``Origin`` column splits rows into ``Domestic`` (-> Z, Y),
  ``Imports`` (-> Zm, Ym; their ``GO`` is total imports) and ``TOT`` (TII, VA001.., TVA, TI);
* competitive (149/153 sectors): no ``Origin``; an ``IM`` column holds imports (-> m, positive).

Columns after the sector columns are final-demand components, except stated totals (TIU, THC, TC,
GCF, TFU, GO, IM), which are recognised and used for checks only.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.iomodels.table import IOTable
from ..errors import ProblemCollector
from ..units import CNY_10K, resolve_unit, unit_expected
from .columns import as_text, duplicate_headers, numeric_grid, year_from_name
from .sheets import Sheet, read_sheet
from .io_checks import DEFAULT_TOLERANCE, check_balance, relative

#: NBS names of final-demand and value-added codes (English)
FINAL_DEMAND_NAMES = {
    "FU101": "Rural household consumption", "FU102": "Urban household consumption",
    "THC": "Household consumption", "FU103": "Government consumption", "TC": "Final consumption",
    "FU201": "Gross fixed capital formation", "FU202": "Changes in inventories",
    "GCF": "Gross capital formation", "EX": "Exports", "TFU": "Total final use", "IM": "Imports",
    "ERR": "Statistical discrepancy", "OTHER": "Other",
}
_TOTAL_ROWS = ("TII", "TVA", "TI")
_EXPORT_COLUMNS = ("EX", "EXPORTS")


def read_nbs(path: str | Path, *, name: str | None = None, year: int | None = None,
             unit: str | None = None, tolerance: float = DEFAULT_TOLERANCE, encoding: str = "utf-8",
             sheet: str | None = None, usd_cny: float | None = None) -> IOTable:
    """Read and validate an NBS-layout table; raises ValidationError with every problem found."""
    path = Path(path)
    pc = ProblemCollector(path.name)
    u = resolve_unit(unit or CNY_10K, usd_cny=usd_cny, monetary_only=True)
    if u is None:
        pc.add(column="unit", value=unit, expected=unit_expected(monetary_only=True))
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        pc.raise_if_any()
    assert sh is not None
    sh.conversion = (u.factor, u.canonical) if u else None
    duplicate_headers(sh, pc, zfill=True)
    layout = _Layout.parse(sh, pc)
    if layout is None:
        pc.raise_if_any()
    assert layout is not None
    table = layout.build(sh, pc, factor=u.factor if u else 1.0, unit=u.canonical if u else CNY_10K,
                         name=name or path.stem, year=year or year_from_name(path.stem),
                         tolerance=tolerance, unit_given=unit or CNY_10K)
    pc.raise_if_any()
    assert table is not None
    return table


class _Layout:
    """Where everything is in one NBS-layout sheet (column and row positions)."""

    def __init__(self) -> None:
        self.code_col = -1
        self.origin_col: int | None = None
        self.desc_col: int | None = None
        self.desc_zh_col: int | None = None
        self.sector_cols: list[int] = []
        self.codes: list[str] = []
        self.fd_cols: list[int] = []
        self.totals: dict[str, int] = {}
        self.dom_rows: list[int] = []
        self.imp_rows: list[int] = []
        self.va_rows: list[int] = []
        self.total_rows: dict[str, int] = {}

    @classmethod
    def parse(cls, sh: Sheet, pc: ProblemCollector) -> "_Layout | None":
        lay = cls()
        low = {h.strip().lower(): i for i, h in enumerate(sh.header)}
        if "code" not in low:
            pc.add(row=1, column="Code", source=sh.source,
                   expected=f"a column named 'Code' (NBS layout); header is {sh.header[:8]}...")
            return None
        lay.code_col = low["code"]
        lay.origin_col = low.get("origin")
        lay.desc_col = low.get("description")
        lay.desc_zh_col = low.get("descriptioninchinese")
        named = {lay.code_col, lay.origin_col, lay.desc_col, lay.desc_zh_col}
        digits = [i for i, h in enumerate(sh.header) if h.strip().isdigit() and i not in named]
        if not digits:
            pc.add(row=1, source=sh.source,
                   expected="sector columns named by their codes ('01'..'42' or '001'..'153')")
            return None
        width = max(len(sh.header[i].strip()) for i in digits)
        lay.sector_cols = digits
        lay.codes = [sh.header[i].strip().zfill(width) for i in digits]
        rest = [i for i in range(len(sh.header)) if i not in named and i not in digits]
        names = {sh.header[i].strip().upper(): i for i in rest}
        totals = {"TIU", "TFU", "GO", "IM"}
        if {"FU101", "FU102"} <= set(names):
            totals.add("THC")
        if "FU103" in names and ("THC" in names or "FU101" in names):
            totals.add("TC")
        if {"FU201", "FU202"} <= set(names):
            totals.add("GCF")
        for i in rest:
            h = sh.header[i].strip()
            if h == "":
                pc.add(row=1, column=f"column {i + 1}", source=sh.source,
                       expected="a column name in the header (this header cell is empty)")
            elif h.upper() in totals:
                lay.totals[h.upper()] = i
            elif i < digits[-1]:
                pc.add(row=1, column=h, source=sh.source,
                       expected="a sector code: columns between the first and last sector column "
                                "must be sectors")
            else:
                lay.fd_cols.append(i)
        if "GO" not in lay.totals:
            pc.add(row=1, column="GO", source=sh.source, expected="a gross output column named 'GO'")
        if lay.origin_col is not None and "IM" in lay.totals:
            pc.add(row=1, column="IM", source=sh.source,
                   expected="no IM column in a non-competitive table (it has Imports rows instead)")
        lay._classify_rows(sh, pc)
        return lay

    def _classify_rows(self, sh: Sheet, pc: ProblemCollector) -> None:
        width = len(self.codes[0])
        sector = set(self.codes)
        codes = as_text(_col(sh, self.code_col)).str.upper().tolist()
        codes = [c.zfill(width) if c.isdigit() else c for c in codes]
        origins = (as_text(_col(sh, self.origin_col)).str.lower().tolist()
                   if self.origin_col is not None else None)
        dom: dict[str, int] = {}
        imp: dict[str, int] = {}
        seen_va: dict[str, int] = {}
        for k, code in enumerate(codes):
            rownum = sh.row_numbers[k]
            if code in sector:
                where = dom
                if origins is not None:
                    o = origins[k]
                    if o in ("imports", "import", "imported"):
                        where = imp
                    elif o not in ("domestic",):
                        pc.add(row=rownum, column="Origin", value=sh.rows[k][self.origin_col],
                               source=sh.source, expected="'Domestic' or 'Imports' for a sector row")
                        continue
                if code in where:
                    pc.add(row=rownum, column="Code", value=code, source=sh.source,
                           expected=f"a unique sector code (duplicate of row {sh.row_numbers[where[code]]})")
                    continue
                where[code] = k
            elif code.startswith("VA") and code not in _TOTAL_ROWS:
                if code in seen_va:
                    pc.add(row=rownum, column="Code", value=code, source=sh.source,
                           expected=f"a unique value-added code (duplicate of row "
                                    f"{sh.row_numbers[seen_va[code]]})")
                    continue
                seen_va[code] = k
                self.va_rows.append(k)
            elif code in _TOTAL_ROWS:
                self.total_rows[code] = k
            else:
                pc.add(row=rownum, column="Code", value=code or None, source=sh.source,
                       expected="a sector code from the header, a value-added code (VA001..) or a "
                                "total (TII, TVA, TI)")
        for label, where, needed in (("Domestic" if origins is not None else "", dom, True),
                                     ("Imports", imp, origins is not None)):
            if not needed:
                continue
            missing = [c for c in self.codes if c not in where]
            for c in missing[:20]:
                pc.add(column="Code", value=c, source=sh.source,
                       expected=f"a {label + ' ' if label else ''}row for sector {c} (its column is in "
                                "the header)")
        self.dom_rows = [dom[c] for c in self.codes if c in dom]
        self.imp_rows = [imp[c] for c in self.codes if c in imp]
        if not self.va_rows:
            pc.add(column="Code", source=sh.source, expected="value-added rows (VA001, VA002, ...)")

    def build(self, sh: Sheet, pc: ProblemCollector, *, factor: float, unit: str, name: str,
              year: int | None, tolerance: float, unit_given: str) -> IOTable | None:
        n = len(self.codes)
        noncomp = self.origin_col is not None
        fd_names = [sh.header[i].strip() for i in self.fd_cols]
        ex = [k for k, h in enumerate(fd_names) if h.upper() in _EXPORT_COLUMNS]
        go = [self.totals["GO"]] if "GO" in self.totals else []
        Z = numeric_grid(sh, pc, self.dom_rows, self.sector_cols, min_value=0.0)
        Y = self._final(sh, pc, self.dom_rows, ex)
        x = numeric_grid(sh, pc, self.dom_rows, go, min_value=0.0, empty="error")
        V = numeric_grid(sh, pc, self.va_rows, self.sector_cols)
        m = (numeric_grid(sh, pc, self.dom_rows, [self.totals["IM"]], min_value=0.0)
             if "IM" in self.totals else None)
        Zm = Ym = imports_total = None
        if noncomp:
            Zm = numeric_grid(sh, pc, self.imp_rows, self.sector_cols, min_value=0.0)
            Ym = self._final(sh, pc, self.imp_rows, ex)
            imports_total = numeric_grid(sh, pc, self.imp_rows, go, min_value=0.0, empty="error")
        if (len(self.dom_rows) != n or (noncomp and len(self.imp_rows) != n) or not go
                or not self.va_rows):
            return None  # structural problems are reported; numbers were still checked above
        desc = [_text(sh, k, self.desc_col) for k in self.dom_rows]
        desc_zh = [_text(sh, k, self.desc_zh_col) for k in self.dom_rows]
        va_codes = [_text(sh, k, self.code_col).upper() for k in self.va_rows]
        f = factor
        table = IOTable(
            Z=Z * f, Y=Y * f, x=x[:, 0] * f, V=V * f, sectors=tuple(self.codes),
            sector_names=tuple(d or z or c for d, z, c in zip(desc, desc_zh, self.codes)),
            final_demand_labels=tuple(h.upper() for h in fd_names),
            value_added_labels=tuple(va_codes),
            Zm=None if Zm is None else Zm * f, Ym=None if Ym is None else Ym * f,
            m=None if m is None else m[:, 0] * f,
            exports=Y[:, ex[0]] * f if ex else None,
            unit=unit, year=year, name=name,
            import_type="non-competitive" if noncomp else "competitive",
            metadata={
                "layout": "nbs", "source": sh.source, "unit_given": unit_given,
                "sector_names_zh": desc_zh if any(desc_zh) else None,
                "final_demand_names": {h.upper(): FINAL_DEMAND_NAMES.get(h.upper(), h) for h in fd_names},
                "value_added_names": {c: _text(sh, k, self.desc_col) or c
                                      for c, k in zip(va_codes, self.va_rows)},
            },
        )
        self._check_stated_totals(sh, pc, table, f, tolerance)
        check_balance(table, pc, tolerance=tolerance, x_column="GO",
                      row_of={i: sh.row_numbers[k] for i, k in enumerate(self.dom_rows)},
                      import_row_of={i: sh.row_numbers[k] for i, k in enumerate(self.imp_rows)},
                      total_row=sh.row_numbers[self.total_rows["TI"]] if "TI" in self.total_rows else None,
                      imports_total=None if imports_total is None else imports_total[:, 0] * f)
        return table

    def _final(self, sh: Sheet, pc: ProblemCollector, rows: list[int], ex: list[int]) -> np.ndarray:
        # inventory changes and discrepancies may be negative; exports may not
        Y = numeric_grid(sh, pc, rows, [c for k, c in enumerate(self.fd_cols) if k not in ex])
        out = np.zeros((len(rows), len(self.fd_cols)))
        keep = [k for k in range(len(self.fd_cols)) if k not in ex]
        out[:, keep] = Y
        for k in ex:
            out[:, [k]] = numeric_grid(sh, pc, rows, [self.fd_cols[k]], min_value=0.0)
        return out

    def _check_stated_totals(self, sh: Sheet, pc: ProblemCollector, t: IOTable, f: float,
                             tolerance: float) -> None:
        """TIU and TFU as stated in the file against the parsed parts: a misread column shows here."""
        for col, parts, rows, mats in (
                ("TIU", "intermediate use", self.dom_rows, (t.Z,)),
                ("TFU", "final use", self.dom_rows, (t.Y,)),
                ("TIU", "imported intermediate use", self.imp_rows, (t.Zm,)),
                ("TFU", "imported final use", self.imp_rows, (t.Ym,))):
            if col not in self.totals or not rows or mats[0] is None:
                continue
            stated = numeric_grid(sh, pc, rows, [self.totals[col]])[:, 0] * f
            got = mats[0].sum(axis=1)
            rel = relative(stated - got, np.maximum(np.abs(t.x), np.abs(stated)))
            for i in np.flatnonzero(rel > tolerance):
                pc.add(row=sh.row_numbers[rows[i]], column=col, source=sh.source,
                       value=f"stated {stated[i]:.6g}, sum of parts {got[i]:.6g}",
                       expected=f"the stated total {col} to equal the sum of its {parts} within "
                                f"{tolerance:g} relative")


def _col(sh: Sheet, i: int | None):
    import pandas as pd

    return pd.Series([r[i] if i is not None else None for r in sh.rows], dtype=object)


def _text(sh: Sheet, k: int, col: int | None) -> str:
    if col is None:
        return ""
    v = sh.rows[k][col]
    return "" if v is None else str(v).strip()
