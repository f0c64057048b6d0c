"""Supply-use (make and use) files, as wide matrices or as BEA's published long files.

Wide (``induscope sut requirements``):
  MAKE.csv  first column: industry codes; header: commodity codes (the scrap commodity included)
  USE.csv   first column: commodity codes; header: industry codes (intermediate use only)
Codes are strings (leading zeros kept). Blank cells are 0.

BEA's published long files (benchmark summary accounts, e.g. 1997 ``IOMakeSummary.txt`` and
``IOUseSummary.txt``; layouts in BEA's ``FIOMakeSummary.txt`` / ``FIOUseSummary.txt``), no header:
  make: industry code, commodity code, table number, value
  use:  commodity code, industry code, year, table number, value at producers' prices, then margins
The use file also holds final-demand columns (codes that are not industries of the make file) and
value-added rows (V001..V003): only the intermediate block, industries of the make file by
commodities, is kept.

Every problem in both files (non-numeric or non-finite cells, negative make entries, duplicate or
empty codes, industries that use inputs but make nothing, an unknown scrap code) is reported at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ProblemCollector
from .columns import as_text, parse_numbers
from .sheets import Sheet, read_sheet

#: value-added rows of BEA's use table (compensation, indirect business taxes, other value added)
BEA_VALUE_ADDED_PREFIX = "V"


@dataclass(frozen=True)
class CodeMatrix:
    """A matrix read from a file: row codes, column codes, values."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


def read_code_matrix(path: str | Path, pc: ProblemCollector, *, what: str, nonnegative: bool) -> CodeMatrix | None:
    """Read a wide CSV/XLSX (codes in the first column and the header); problems go to ``pc``."""
    sh = read_sheet(path, pc)
    if sh is None:
        return None
    src = sh.source
    if len(sh.header) < 2:
        pc.add(row=1, expected=f"a header of codes and at least one data row ({what})",
               value=f"{len(sh.header)} columns", source=src)
        return None
    header = [str(c).strip() for c in sh.header[1:]]
    rows = ["" if r[0] is None else _code(r[0]) for r in sh.rows]
    for j, c in enumerate(header):
        if not c:
            pc.add(row=1, column=f"column {j + 2}", value=c, expected="a code in every header cell", source=src)
    for c in sorted({c for c in header if c and header.count(c) > 1}):
        pc.add(row=1, column=c, value=c, expected="each column code once", source=src)
    first = sh.header[0] or "code"
    seen: dict[str, int] = {}
    for r, rn in zip(rows, sh.row_numbers):
        if not r:
            pc.add(row=rn, column=first, value=r, expected="a code", source=src)
        elif r in seen:
            pc.add(row=rn, column=first, value=r, expected=f"each row code once (also in row {seen[r]})",
                   source=src)
        else:
            seen[r] = rn
    n, m = len(rows), len(header)
    flat = pd.Series([v for rec in sh.rows for v in rec[1:]], dtype=object)
    vals, missing, bad = parse_numbers(flat)
    blank = (as_text(flat) == "").to_numpy()
    bad = (bad | (missing & ~blank)).reshape(n, m)  # only a blank cell is 0; 'nan' or '-' is a problem
    vals = np.where(blank.reshape(n, m), 0.0, vals.reshape(n, m))
    if nonnegative:
        bad |= vals < 0
    expected = "a finite number >= 0 (blank = 0)" if nonnegative else "a finite number (blank = 0)"
    for i, j in zip(*np.nonzero(bad)):
        pc.add(row=sh.row_numbers[i], column=header[j], value=sh.rows[i][j + 1], expected=expected, source=src)
    return CodeMatrix(tuple(rows), tuple(header), np.where(bad, 0.0, vals))


def _code(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_make_use(make_path: str | Path, use_path: str | Path, scrap: str | None = None
                  ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """(make, use, industries, commodities) on common code lists from wide files, or one
    ValidationError. Industries: the make table's rows. Commodities: the use table's rows, then
    make-only columns."""
    pc = ProblemCollector(Path(make_path).name)
    make = read_code_matrix(make_path, pc, what="make (industry x commodity)", nonnegative=True)
    use = read_code_matrix(use_path, pc, what="use (commodity x industry)", nonnegative=False)
    pc.raise_if_any()
    assert make is not None and use is not None
    ind_set = set(make.rows)
    usrc = Path(use_path).name
    for ind in use.columns:
        if ind not in ind_set:
            pc.add(row=1, column=ind, value=ind, source=usrc,
                   expected="an industry of the make table (every using industry must make something)")
    return _assemble(make, use, scrap, pc, Path(make_path).name)


def _assemble(make: CodeMatrix, use: CodeMatrix, scrap: str | None, pc: ProblemCollector, make_src: str
              ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    industries = list(make.rows)
    commodities = list(use.rows) + [c for c in make.columns if c not in set(use.rows)]
    if scrap is not None and scrap not in make.columns:
        pc.add(row=1, column="--scrap", value=scrap, source=make_src,
               expected="a commodity column of the make table")
    pc.raise_if_any()
    cpos = {c: i for i, c in enumerate(commodities)}
    ipos = {c: i for i, c in enumerate(industries)}
    V = np.zeros((len(industries), len(commodities)))
    V[:, [cpos[c] for c in make.columns]] = make.values
    U = np.zeros((len(commodities), len(industries)))
    U[np.ix_([cpos[c] for c in use.rows], [ipos[i] for i in use.columns])] = use.values
    return V, U, industries, commodities


# ---------------------------------------------------------------------------------------------
# BEA's published long files
# ---------------------------------------------------------------------------------------------
def _read_long(path: str | Path, pc: ProblemCollector, *, fields: int, value_at: int, what: str,
               nonnegative: bool) -> pd.DataFrame | None:
    """(row code, column code, value) of a header-less BEA long file; problems go to ``pc``."""
    sh = read_sheet(path, pc)
    if sh is None:
        return None
    # the first line is data, not a header: put it back as row 1
    sh = Sheet(source=sh.source, header=[], rows=[list(sh.header)] + sh.rows,
               row_numbers=[1] + sh.row_numbers)
    src = sh.source
    short = [rn for rec, rn in zip(sh.rows, sh.row_numbers) if len(rec) < fields]
    for rn in short[:20]:
        pc.add(row=rn, source=src, expected=f"at least {fields} comma-separated fields ({what})")
    if short:
        return None
    a = [_code(r[0]) for r in sh.rows]
    b = [_code(r[1]) for r in sh.rows]
    vals, missing, bad = parse_numbers(pd.Series([r[value_at] for r in sh.rows], dtype=object))
    if nonnegative:
        bad |= ~missing & (vals < 0)
    for k in np.flatnonzero(bad | missing):
        pc.add(row=sh.row_numbers[k], column=f"field {value_at + 1}", value=sh.rows[k][value_at],
               source=src, expected="a finite number >= 0" if nonnegative else "a finite number")
    for k, (x, y) in enumerate(zip(a, b)):
        if not x or not y:
            pc.add(row=sh.row_numbers[k], column="field 1" if not x else "field 2", source=src,
                   expected="an I-O code")
    df = pd.DataFrame({"row": a, "col": b, "value": np.where(bad | missing, 0.0, vals),
                       "_row": sh.row_numbers})
    dup = df.duplicated(subset=["row", "col"], keep="first").to_numpy()
    for k in np.flatnonzero(dup)[:20]:
        pc.add(row=int(df["_row"].iat[k]), column="fields 1-2", value=f"{df['row'].iat[k]}/{df['col'].iat[k]}",
               source=src, expected="each pair of codes once")
    return df


def read_bea_make_use(make_path: str | Path, use_path: str | Path, scrap: str | None = None
                      ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """(make, use, industries, commodities) from BEA's long make and use files, or one
    ValidationError. Industries: the make file's industries in file order; commodities: the use
    file's commodity rows (value-added rows V... left out) in file order, then make-only ones."""
    pc = ProblemCollector(Path(make_path).name)
    mk = _read_long(make_path, pc, fields=4, value_at=3, what="BEA make: industry, commodity, table, value",
                    nonnegative=True)
    us = _read_long(use_path, pc, fields=5, value_at=4,
                    what="BEA use: commodity, industry, year, table, value, ...", nonnegative=False)
    pc.raise_if_any()
    assert mk is not None and us is not None
    industries = list(dict.fromkeys(mk["row"]))
    make_comm = list(dict.fromkeys(mk["col"]))
    commodities = [c for c in dict.fromkeys(us["row"]) if not c.startswith(BEA_VALUE_ADDED_PREFIX)]
    inter = us[us["col"].isin(set(industries)) & us["row"].isin(set(commodities))]
    make = CodeMatrix(tuple(industries), tuple(make_comm), _pivot(mk, industries, make_comm))
    use = CodeMatrix(tuple(commodities), tuple(industries), _pivot(inter, commodities, industries))
    return _assemble(make, use, scrap, pc, Path(make_path).name)


def _pivot(df: pd.DataFrame, rows: list[str], cols: list[str]) -> np.ndarray:
    out = np.zeros((len(rows), len(cols)))
    rpos = {c: i for i, c in enumerate(rows)}
    cpos = {c: i for i, c in enumerate(cols)}
    out[df["row"].map(rpos).to_numpy(int), df["col"].map(cpos).to_numpy(int)] = df["value"].to_numpy(float)
    return out
