"""The generic input-output layout: one CSV or XLSX sheet, a ``kind`` column says what each row is.

::

    kind,code,name,S1,S2,HH,GOV,EX,x
    Z,S1,Farming,10,20,50,0,20,100
    Z,S2,Industry,30,40,60,10,60,200
    V,VA,Value added,60,140,,,,

Rows: ``Z`` intermediate (domestic, for non-competitive tables), ``Zm`` imported intermediate (one
per sector, non-competitive tables), ``V`` value-added components, ``total`` (ignored: identities
are recomputed). Columns: ``kind``, ``code``, optional ``name``, one column per Z-row code
(intermediate use, any order), gross output ``x`` (or ``GO``), optional imports ``IM`` (or ``m``,
positive numbers: competitive tables), every other column is a final-demand category (``EX`` /
``exports`` is also recorded as exports). Empty cells are zeros. See docs/formats.md.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.iomodels.table import IOTable
from ..errors import ProblemCollector
from ..units import resolve_unit, unit_expected
from .columns import as_text, duplicate_headers, numeric_grid, year_from_name
from .sheets import read_sheet
from .io_checks import DEFAULT_TOLERANCE, check_balance

_KINDS = {"z": "Z", "intermediate": "Z", "domestic": "Z", "zm": "Zm", "imports": "Zm",
          "imported": "Zm", "v": "V", "va": "V", "value_added": "V", "value added": "V",
          "total": "total", "totals": "total"}
_RESERVED = {"kind", "code", "name", "x", "go", "im", "m"}


def read_generic(path: str | Path, *, name: str | None = None, year: int | None = None,
                 unit: str | None = None, tolerance: float = DEFAULT_TOLERANCE,
                 encoding: str = "utf-8", sheet: str | None = None,
                 usd_cny: float | None = None) -> IOTable:
    """Read and validate a generic-layout table; raises ValidationError with every problem found."""
    path = Path(path)
    pc = ProblemCollector(path.name)
    u = None
    if unit is None:
        pc.add(column="unit", expected="a unit for the table's values: pass --unit (e.g. '10,000 CNY', "
                                       "'100 million CNY', 'USD million')")
    else:
        u = resolve_unit(unit, usd_cny=usd_cny, monetary_only=True)
        if u is None:
            pc.add(column="unit", value=unit, expected=unit_expected(monetary_only=True))
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        pc.raise_if_any()
    assert sh is not None
    src = sh.source
    if u is not None:
        sh.conversion = (u.factor, u.canonical)
    duplicate_headers(sh, pc)
    low = {h.strip().lower(): i for i, h in enumerate(sh.header) if not h.startswith("#")}
    for need in ("kind", "code"):
        if need not in low:
            pc.add(row=1, column=need, source=src,
                   expected=f"a column named '{need}' (generic layout); header is {sh.header[:8]}")
    x_key = "x" if "x" in low else "go" if "go" in low else None
    if x_key is None:
        pc.add(row=1, column="x", source=src, expected="a gross output column named 'x' (or 'GO')")
    if "kind" not in low or "code" not in low:
        pc.raise_if_any()
    kinds = as_text(_col(sh, low["kind"])).str.lower().tolist()
    codes = as_text(_col(sh, low["code"])).tolist()
    z_rows: list[int] = []
    zm_at: dict[str, int] = {}
    v_rows: list[int] = []
    first: dict[tuple[str, str], int] = {}
    for k, (kind, code) in enumerate(zip(kinds, codes)):
        rn = sh.row_numbers[k]
        kk = _KINDS.get(kind)
        if kk is None:
            pc.add(row=rn, column="kind", value=sh.rows[k][low["kind"]], source=src,
                   expected="one of Z, Zm, V, total")
            continue
        if kk == "total":
            continue
        if not code:
            pc.add(row=rn, column="code", source=src, expected="a row code (the cell is empty)")
            continue
        if (kk, code) in first:
            pc.add(row=rn, column="code", value=code, source=src,
                   expected=f"a unique code among {kk} rows (duplicate of row {first[(kk, code)]})")
            continue
        first[(kk, code)] = rn
        if kk == "Z":
            z_rows.append(k)
        elif kk == "Zm":
            zm_at[code] = k
        else:
            v_rows.append(k)
    sectors = [codes[k] for k in z_rows]
    if not sectors:
        pc.add(column="kind", source=src, expected="at least one row of kind Z (intermediate use)")
        pc.raise_if_any()
    sector_cols: list[int] = []
    for s, k in zip(sectors, z_rows):
        if s in sh.header:
            sector_cols.append(sh.header.index(s))
        else:
            pc.add(row=1, column=s, source=src,
                   expected=f"a column named '{s}' for the Z row {s} (row {sh.row_numbers[k]}): "
                            "every sector needs a row and a column with the same code")
    if s_zm := [c for c in zm_at if c not in sectors]:
        for c in s_zm:
            pc.add(row=sh.row_numbers[zm_at[c]], column="code", value=c, source=src,
                   expected="a Zm row code that is also a Z row code")
    if zm_at and len(zm_at) != len(sectors):
        for s in sectors:
            if s not in zm_at:
                pc.add(column="code", value=s, source=src,
                       expected=f"a Zm row for sector {s} (a table with Zm rows needs one per sector)")
    used = set(sector_cols) | {low[c] for c in _RESERVED if c in low}
    im_key = "im" if "im" in low else "m" if "m" in low else None
    fd_cols = [i for i, h in enumerate(sh.header) if i not in used and not h.startswith("#")]
    for i in fd_cols:
        if sh.header[i].strip() == "":
            pc.add(row=1, column=f"column {i + 1}", source=src,
                   expected="a column name in the header (this header cell is empty)")
    fd_cols = [i for i in fd_cols if sh.header[i].strip()]
    if zm_at and im_key:
        pc.add(row=1, column=sh.header[low[im_key]], source=src,
               expected="either Zm rows (non-competitive imports) or an imports column (competitive), "
                        "not both")
    fd_names = [sh.header[i].strip() for i in fd_cols]
    ex = [k for k, h in enumerate(fd_names) if h.lower() in ("ex", "exports")]

    if len(sector_cols) != len(sectors) or x_key is None:
        # still check every number that can be located, then stop
        numeric_grid(sh, pc, z_rows + list(zm_at.values()) + v_rows, sector_cols + fd_cols)
        pc.raise_if_any()
    Z = numeric_grid(sh, pc, z_rows, sector_cols, min_value=0.0)
    Y = _final(sh, pc, z_rows, fd_cols, ex)
    x = numeric_grid(sh, pc, z_rows, [low[x_key]], min_value=0.0, empty="error")[:, 0]
    V = numeric_grid(sh, pc, v_rows, sector_cols) if v_rows else None
    if v_rows:
        _must_be_empty(sh, pc, v_rows, fd_cols + [low[x_key]] + ([low[im_key]] if im_key else []), "V")
    m = numeric_grid(sh, pc, z_rows, [low[im_key]], min_value=0.0)[:, 0] if im_key else None
    Zm = Ym = imports_total = None
    zm_rows = [zm_at[s] for s in sectors if s in zm_at]
    if zm_rows and len(zm_rows) == len(sectors):
        Zm = numeric_grid(sh, pc, zm_rows, sector_cols, min_value=0.0)
        Ym = _final(sh, pc, zm_rows, fd_cols, ex)
        xm_cells = [sh.rows[k][low[x_key]] for k in zm_rows]
        if any(v not in (None, "") for v in xm_cells):
            imports_total = numeric_grid(sh, pc, zm_rows, [low[x_key]], min_value=0.0)[:, 0]
    pc.raise_if_any()
    f = u.factor if u else 1.0
    name_col = low.get("name")
    names = [str(sh.rows[k][name_col] or "").strip() or codes[k] if name_col is not None else codes[k]
             for k in z_rows]
    table = IOTable(
        Z=Z * f, Y=Y * f, x=x * f, V=None if V is None else V * f, sectors=tuple(sectors),
        sector_names=tuple(names), final_demand_labels=tuple(fd_names),
        value_added_labels=tuple(codes[k] for k in v_rows),
        Zm=None if Zm is None else Zm * f, Ym=None if Ym is None else Ym * f,
        m=None if m is None else m * f, exports=Y[:, ex[0]] * f if ex else None,
        unit=u.canonical if u else "", year=year or year_from_name(path.stem), name=name or path.stem,
        import_type="non-competitive" if Zm is not None else "competitive",
        metadata={"layout": "generic", "source": src, "unit_given": unit,
                  "value_added_names": {codes[k]: (str(sh.rows[k][name_col] or "").strip() or codes[k])
                                        if name_col is not None else codes[k] for k in v_rows}},
    )
    check_balance(table, pc, tolerance=tolerance, x_column=sh.header[low[x_key]],
                  row_of={i: sh.row_numbers[k] for i, k in enumerate(z_rows)},
                  import_row_of={i: sh.row_numbers[k] for i, k in enumerate(zm_rows)},
                  imports_total=None if imports_total is None else imports_total * f)
    pc.raise_if_any()
    return table


def _final(sh, pc: ProblemCollector, rows: list[int], fd_cols: list[int], ex: list[int]) -> np.ndarray:
    out = np.zeros((len(rows), len(fd_cols)))
    keep = [k for k in range(len(fd_cols)) if k not in ex]
    out[:, keep] = numeric_grid(sh, pc, rows, [fd_cols[k] for k in keep])
    for k in ex:
        out[:, [k]] = numeric_grid(sh, pc, rows, [fd_cols[k]], min_value=0.0)
    return out


def _must_be_empty(sh, pc: ProblemCollector, rows: list[int], cols: list[int], kind: str) -> None:
    vals = numeric_grid(sh, pc, rows, cols)
    for a, b in zip(*np.nonzero(vals)):
        pc.add(row=sh.row_numbers[rows[a]], column=sh.header[cols[b]], value=sh.rows[rows[a]][cols[b]],
               source=sh.source,
               expected=f"an empty cell: {kind} rows have values in the sector columns only")


def _col(sh, i: int):
    import pandas as pd

    return pd.Series([r[i] for r in sh.rows], dtype=object)


def write_generic(table: IOTable, path: str | Path) -> Path:
    """Write a single-region IOTable in the generic layout (CSV; .xlsx by suffix), written to a
    temporary file and renamed into place."""
    import pandas as pd

    if len(table.regions) != 1:
        raise ValueError("the generic layout holds single-region tables; use to_pymrio for MRIO")
    path = Path(path)
    s = list(table.sectors)
    names = list(table.sector_names or table.sectors)
    fd = list(table.final_demand_labels) or [f"FD{k + 1}" for k in range(table.Y.shape[1])]
    cols = ["kind", "code", "name", *s, *fd] + (["IM"] if table.m is not None else []) + ["x"]
    rows: list[list] = []
    for i, c in enumerate(s):
        rows.append(["Z", c, names[i], *table.Z[i], *table.Y[i]]
                    + ([table.m[i]] if table.m is not None else []) + [table.x[i]])
    if table.Zm is not None:
        Ym = table.Ym if table.Ym is not None else np.zeros_like(table.Y)
        tot = table.Zm.sum(axis=1) + Ym.sum(axis=1)
        for i, c in enumerate(s):
            rows.append(["Zm", c, names[i], *table.Zm[i], *Ym[i]]
                        + ([None] if table.m is not None else []) + [tot[i]])
    if table.V is not None:
        vnames = table.metadata.get("value_added_names") or {}
        labels = list(table.value_added_labels) or [f"VA{k + 1}" for k in range(table.V.shape[0])]
        for k, c in enumerate(labels):
            rows.append(["V", c, vnames.get(c, c), *table.V[k], *([None] * len(fd))]
                        + ([None] if table.m is not None else []) + [None])
    df = pd.DataFrame(rows, columns=cols)
    from .._files import atomic_file

    with atomic_file(path) as tmp:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df.to_excel(tmp, index=False, engine="openpyxl")
        else:
            df.to_csv(tmp, index=False, float_format="%.17g")
    return path
