"""Supply-use use cases: read make and use matrices, derive BEA's requirements tables, write them.

File contract (``induscope sut requirements``):
  MAKE.csv  first column: industry codes; header: commodity codes (the scrap commodity included)
  USE.csv   first column: commodity codes; header: industry codes (intermediate use only)
Codes are strings (leading zeros kept). Blank cells are 0. Every problem in both files (non-numeric
or non-finite cells, negative make entries, duplicate or empty codes, industries that use inputs but
make nothing, an unknown scrap code) is reported at once. The output folder receives
direct_requirements.csv, commodity_by_commodity.csv, industry_by_commodity.csv and
industry_by_industry.csv, written into a temporary folder that is renamed into place.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.iomodels.sut import TECHNOLOGIES, SupplyUseModel, SupplyUseResult
from ..errors import InputError, ProblemCollector

OUTPUT_FILES = ("direct_requirements.csv", "commodity_by_commodity.csv", "industry_by_commodity.csv",
                "industry_by_industry.csv")


@dataclass(frozen=True)
class CodeMatrix:
    """A matrix read from a wide CSV: row codes, column codes, values."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray


def read_code_matrix(path: str | Path, pc: ProblemCollector, *, what: str, nonnegative: bool) -> CodeMatrix | None:
    """Read a wide CSV (codes in the first column and the header); problems go to ``pc``."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, expected a CSV file")
    src = path.name
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        pc.add(expected=f"a comma-separated UTF-8 {what} file", value=str(e).splitlines()[0], source=src)
        return None
    if raw.shape[0] < 2 or raw.shape[1] < 2:
        pc.add(row=1, expected=f"a header of codes and at least one data row ({what})",
               value=f"{raw.shape[0]} rows x {raw.shape[1]} columns", source=src)
        return None
    header = [c.strip() for c in raw.iloc[0, 1:].tolist()]
    rows = [r.strip() for r in raw.iloc[1:, 0].tolist()]
    for j, c in enumerate(header):
        if not c:
            pc.add(row=1, column=f"column {j + 2}", value=c, expected="a code in every header cell", source=src)
    for c in sorted({c for c in header if c and header.count(c) > 1}):
        pc.add(row=1, column=c, value=c, expected="each column code once", source=src)
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        if not r:
            pc.add(row=i + 2, column=raw.iloc[0, 0] or "code", value=r, expected="a code", source=src)
        elif r in seen:
            pc.add(row=i + 2, column=raw.iloc[0, 0] or "code", value=r,
                   expected=f"each row code once (also in row {seen[r]})", source=src)
        else:
            seen[r] = i + 2
    cells = raw.iloc[1:, 1:].apply(lambda s: s.str.strip())
    blank = (cells == "").to_numpy()
    vals = np.array(cells.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float))
    vals[blank] = 0.0
    bad = ~np.isfinite(vals)
    if nonnegative:
        bad |= vals < 0
    expected = "a finite number >= 0 (blank = 0)" if nonnegative else "a finite number (blank = 0)"
    obj = cells.to_numpy(dtype=object)
    for i, j in zip(*np.nonzero(bad)):
        pc.add(row=int(i) + 2, column=header[j], value=obj[i, j], expected=expected, source=src)
    return CodeMatrix(tuple(rows), tuple(header), vals)


def read_make_use(make_path: str | Path, use_path: str | Path, scrap: str | None = None
                  ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """(make, use, industries, commodities) on common code lists, or one ValidationError.

    Industries: the make table's rows. Commodities: the use table's rows, then make-only columns.
    """
    pc = ProblemCollector(Path(make_path).name)
    make = read_code_matrix(make_path, pc, what="make (industry x commodity)", nonnegative=True)
    use = read_code_matrix(use_path, pc, what="use (commodity x industry)", nonnegative=False)
    pc.raise_if_any()
    assert make is not None and use is not None
    industries = list(make.rows)
    ind_set = set(industries)
    usrc = Path(use_path).name
    for j, ind in enumerate(use.columns):
        if ind not in ind_set:
            pc.add(row=1, column=ind, value=ind, source=usrc,
                   expected="an industry of the make table (every using industry must make something)")
    commodities = list(use.rows) + [c for c in make.columns if c not in set(use.rows)]
    if scrap is not None and scrap not in make.columns:
        pc.add(row=1, column="--scrap", value=scrap, source=Path(make_path).name,
               expected="a commodity column of the make table")
    pc.raise_if_any()
    cpos = {c: i for i, c in enumerate(commodities)}
    ipos = {c: i for i, c in enumerate(industries)}
    V = np.zeros((len(industries), len(commodities)))
    V[:, [cpos[c] for c in make.columns]] = make.values
    U = np.zeros((len(commodities), len(industries)))
    U[np.ix_([cpos[c] for c in use.rows], [ipos[i] for i in use.columns])] = use.values
    return V, U, industries, commodities


def sut_requirements(make_path: str | Path, use_path: str | Path, *, scrap: str | None = None,
                     technology: str = "industry") -> SupplyUseResult:
    """Direct and total requirements tables from make and use CSV files (BEA's derivation)."""
    if technology not in TECHNOLOGIES:
        raise InputError(f"--technology must be one of {', '.join(TECHNOLOGIES)}, got {technology!r}")
    V, U, industries, commodities = read_make_use(make_path, use_path, scrap)
    return SupplyUseModel(V, U, industries, commodities, scrap=scrap, technology=technology).run()


def write_requirements(result: SupplyUseResult, out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write the four tables into ``out_dir`` atomically (temporary folder, then rename).

    An existing ``out_dir`` is replaced only when it holds nothing but these four files, or with
    ``force=True``.
    """
    out = Path(out_dir)
    if out.exists():
        if not out.is_dir():
            raise InputError(f"{out} exists and is not a folder")
        others = sorted(p.name for p in out.iterdir() if p.name not in OUTPUT_FILES)
        if others and not force:
            raise InputError(f"{out} holds other files ({', '.join(others[:5])}); choose an empty or new "
                             "folder, or pass --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for stem, frame in result.frames().items():
            frame.to_csv(tmp / f"{stem}.csv", float_format="%.17g")
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / f for f in OUTPUT_FILES]
