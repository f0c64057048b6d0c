"""Import use cases: validate a file completely, then write it in one transaction.

Every ``import_*`` function reads and validates first (all problems reported at once in a
``ValidationError``), checks the workspace (id conflicts, known firms) inside the write
transaction, and writes the rows and one ``datasets`` row in a single ``ws.writer()`` block, so a
failure leaves the workspace file byte-for-byte unchanged.

Dataset ids: ``name`` (default: the file stem) made id-safe. Importing an id that exists is an
error unless ``replace=True``, which deletes the old dataset's rows in the same transaction.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..core.iomodels.table import IOTable
from ..errors import InputError, NotFoundError, Problem, ProblemCollector, ValidationError
from ..readers.common import make_id
from ..readers.io_checks import DEFAULT_TOLERANCE, balance_report, check_balance, check_tolerance
from ..store import Workspace, insert_frame
from ..store.io_tables import IO_MATRICES, to_json, write_io_table
from ..store.io_tables import read_io_table as read_stored_io_table

#: progress callback: (step description, steps done, steps in all)
Progress = Callable[[str, int, int], None]

LAYOUTS = ("auto", "nbs", "generic")


def _noop(step: str, done: int, total: int) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# input-output tables
# ---------------------------------------------------------------------------------------------
def detect_layout(path: str | Path, encoding: str = "utf-8") -> str:
    """'nbs' when the header has a Code column and NBS totals (GO), 'generic' when it has 'kind'."""
    from ..readers.common import read_sheet

    pc = ProblemCollector(Path(path).name)
    sh = read_sheet(path, pc, encoding=encoding)
    if sh is None:
        pc.raise_if_any()
    assert sh is not None
    low = {h.strip().lower() for h in sh.header}
    if "kind" in low:
        return "generic"
    if "code" in low:
        return "nbs"
    raise ValidationError([Problem(Path(path).name, 1, None, sh.header[:6],
                                   "an NBS-layout header (Code, Description, 01.., GO) or a generic "
                                   "header (kind, code, ..., x); or pass --layout")])


def read_io_table(path: str | Path, *, layout: str = "auto", name: str | None = None,
                  year: int | None = None, unit: str | None = None,
                  tolerance: float = DEFAULT_TOLERANCE, encoding: str = "utf-8",
                  sheet: str | None = None, usd_cny: float | None = None) -> IOTable:
    """Read and validate an input-output table file without touching a workspace."""
    from ..readers.io_generic import read_generic
    from ..readers.nbs import read_nbs

    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    check_tolerance(tolerance)
    if not Path(path).exists():
        raise InputError(f"no such file: {path}")
    if layout == "auto":
        layout = detect_layout(path, encoding) if Path(path).suffix.lower() not in (".xlsx", ".xlsm") \
            else _detect_xlsx(path, sheet)
    reader = read_nbs if layout == "nbs" else read_generic
    return reader(path, name=name, year=year, unit=unit, tolerance=tolerance, encoding=encoding,
                  sheet=sheet, usd_cny=usd_cny)


def _detect_xlsx(path: str | Path, sheet: str | None) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
    finally:
        wb.close()
    low = {str(v).strip().lower() for v in first if v is not None}
    return "generic" if "kind" in low else "nbs"


def import_io_table(ws: Workspace, path: str | Path, layout: str = "auto", name: str | None = None,
                    year: int | None = None, unit: str | None = None,
                    tolerance: float = DEFAULT_TOLERANCE, replace: bool = False,
                    encoding: str = "utf-8", sheet: str | None = None, usd_cny: float | None = None,
                    on_progress: Progress | None = None) -> dict[str, Any]:
    """Import an input-output table file (NBS or generic layout); returns a summary."""
    progress = on_progress or _noop
    progress("reading and validating", 0, 3)
    table = read_io_table(path, layout=layout, name=name, year=year, unit=unit, tolerance=tolerance,
                          encoding=encoding, sheet=sheet, usd_cny=usd_cny)
    progress("checking the workspace", 1, 3)
    return _store_table(ws, table, table_id=make_id(name or Path(path).stem), source=Path(path).name,
                        replace=replace, tolerance=tolerance, progress=progress)


def import_pymrio(ws: Workspace, iosystem: Any, name: str, *, value_added: str | None = "factor_inputs",
                  year: int | None = None, unit: str | None = None,
                  tolerance: float = DEFAULT_TOLERANCE, replace: bool = False) -> dict[str, Any]:
    """Import a pymrio.IOSystem (balances checked as for files; ``value_added=None`` skips V)."""
    from ..readers.pymrio_io import from_pymrio

    table = from_pymrio(iosystem, value_added=value_added, name=name, year=year, unit=unit)
    return store_io_table(ws, table, table_id=make_id(name), source="pymrio", replace=replace,
                          tolerance=tolerance)


def store_io_table(ws: Workspace, table: IOTable, *, table_id: str | None = None, source: str = "api",
                   replace: bool = False, tolerance: float = DEFAULT_TOLERANCE,
                   synthetic: bool = False) -> dict[str, Any]:
    """Store an IOTable built in code (balances checked with ``tolerance``)."""
    check_tolerance(tolerance)
    tid = make_id(table_id or table.name or "io_table")
    pc = ProblemCollector(source if source != "api" else tid)
    _check_finite(table, pc)
    if not pc:
        check_balance(table, pc, tolerance=tolerance)
    pc.raise_if_any()
    return _store_table(ws, table, table_id=tid, source=source, replace=replace, tolerance=tolerance,
                        synthetic=synthetic)


def _check_finite(table: IOTable, pc: ProblemCollector) -> None:
    for sym in IO_MATRICES:
        a = getattr(table, sym)
        if a is not None and not np.isfinite(a).all():
            pc.add(column=sym, value=f"{int((~np.isfinite(a)).sum())} non-finite entries",
                   expected="finite numbers in every matrix")


def _store_table(ws: Workspace, table: IOTable, *, table_id: str, source: str, replace: bool,
                 tolerance: float, synthetic: bool = False,
                 progress: Progress = _noop) -> dict[str, Any]:
    balance = balance_report(table)
    progress("writing", 2, 3)
    with ws.writer() as con:
        replaced = _claim(con, table_id, "io_table", replace)
        taken = con.execute("SELECT count(*) FROM io_tables WHERE table_id = ?", [table_id]).fetchall()[0][0]
        if taken and not replace:
            raise InputError(f"an input-output table '{table_id}' already exists; pass --replace "
                             "(replace=True) to overwrite it")
        replaced = replaced or bool(taken)
        cells = write_io_table(con, table_id, table, replace=True,
                               meta={"balance": balance, "tolerance": tolerance, "source": source})
        _dataset(con, table_id, "io_table", table.name or table_id, source, table.unit, None, synthetic,
                 {"sectors": len(table.sectors), "regions": len(table.regions),
                  "import_type": table.import_type, "cells": cells})
    progress("done", 3, 3)
    return {"dataset_id": table_id, "table_id": table_id, "kind": "io_table", "name": table.name,
            "source": source, "year": table.year, "unit": table.unit, "import_type": table.import_type,
            "regions": len(table.regions), "sectors": len(table.sectors),
            "final_demand": list(table.final_demand_labels),
            "value_added": list(table.value_added_labels), "cells": cells,
            "balance": balance, "tolerance": tolerance, "replaced": replaced}


def load_io_table(ws: Workspace, table_id: str) -> IOTable:
    """The IOTable stored under ``table_id`` (exactly as imported)."""
    if not ws.exists():
        raise NotFoundError(f"no workspace at {ws.home}")
    with ws.reader() as con:
        return read_stored_io_table(con, table_id)


def list_io_tables(ws: Workspace) -> pd.DataFrame:
    """The stored input-output tables (id, name, year, unit, import type, size)."""
    if not ws.exists():
        return pd.DataFrame(columns=["table_id", "name", "year", "unit", "import_type", "sectors"])
    return ws.query("SELECT table_id, name, year, unit, import_type, json_array_length(sectors) AS sectors, "
                    "json_array_length(regions) AS regions FROM io_tables ORDER BY table_id")


def export_io_table_pymrio(ws: Workspace, table_id: str) -> Any:
    """A stored table as a pymrio.IOSystem."""
    from ..readers.pymrio_io import to_pymrio

    return to_pymrio(load_io_table(ws, table_id))


# ---------------------------------------------------------------------------------------------
# series
# ---------------------------------------------------------------------------------------------
def import_series(ws: Workspace, path: str | Path, name: str | None = None, unit: str | None = None,
                  price_basis: str | None = None, vintage: str | None = None, replace: bool = False,
                  encoding: str = "utf-8", sheet: str | None = None, usd_cny: float | None = None,
                  on_progress: Progress | None = None) -> dict[str, Any]:
    """Import a long series file (indicator, region, industry, period, value, unit, price_basis,
    vintage). A point (indicator, region, industry, period, price_basis, vintage) may belong to one
    dataset only: points already stored by another dataset are problems."""
    from ..readers.series import KEY, read_series

    progress = on_progress or _noop
    progress("reading and validating", 0, 3)
    df = read_series(path, unit=unit, price_basis=price_basis, vintage=vintage, encoding=encoding,
                     sheet=sheet, usd_cny=usd_cny)
    did = make_id(name or Path(path).stem)
    src = Path(path).name
    progress("writing", 1, 3)
    with ws.writer() as con:
        replaced = _claim(con, did, "series", replace)
        if replaced:
            con.execute("DELETE FROM series WHERE dataset_id = ?", [did])
        _conflicts(con, df, "series", KEY, src, "series point")
        out = df.drop(columns=["_row"]).assign(dataset_id=did)
        insert_frame(con, "series", out)
        vintages = sorted(set(df["vintage"]))
        units = sorted(set(df["unit"]))
        _dataset(con, did, "series", name or Path(path).stem, src, units[0] if len(units) == 1 else None,
                 vintages[0] if len(vintages) == 1 else None, False,
                 {"rows": len(df), "indicators": sorted(set(df["indicator"]))[:50], "units": units,
                  "vintages": vintages, "freq": sorted(set(df["freq"]))})
    progress("done", 3, 3)
    return {"dataset_id": did, "kind": "series", "source": src, "rows": len(df),
            "indicators": int(df["indicator"].nunique()), "regions": int(df["region"].nunique()),
            "industries": int(df["industry"].nunique()), "periods": [min(df["period"]), max(df["period"])],
            "units": units, "vintages": vintages, "missing_values": int(df["value"].isna().sum()),
            "replaced": replaced}


# ---------------------------------------------------------------------------------------------
# enterprises and supply links
# ---------------------------------------------------------------------------------------------
def import_enterprises(ws: Workspace, path: str | Path, name: str | None = None, unit: str | None = None,
                       replace: bool = False, encoding: str = "utf-8", sheet: str | None = None,
                       usd_cny: float | None = None, on_progress: Progress | None = None) -> dict[str, Any]:
    """Import enterprises (firm_id, name, region, industry, revenue, employees, founded, extra
    columns -> attributes). A firm id may belong to one dataset only."""
    from ..readers.firms import read_enterprises

    progress = on_progress or _noop
    progress("reading and validating", 0, 3)
    df, unit_canon = read_enterprises(path, unit=unit, encoding=encoding, sheet=sheet, usd_cny=usd_cny)
    if unit_canon != "10,000 CNY" and df["revenue"].notna().any():
        raise ValidationError([Problem(Path(path).name, None, "revenue", unit_canon,
                                       "revenue in CNY (the workspace stores 10,000 CNY): pass "
                                       "--usd-cny RATE to convert")])
    did = make_id(name or Path(path).stem)
    src = Path(path).name
    progress("writing", 1, 3)
    with ws.writer() as con:
        replaced = _claim(con, did, "enterprises", replace)
        if replaced:
            con.execute("DELETE FROM enterprises WHERE dataset_id = ?", [did])
        _conflicts(con, df, "enterprises", ["firm_id"], src, "firm id")
        out = df.drop(columns=["_row"]).assign(dataset_id=did)
        out["attributes"] = [to_json(a) if a else None for a in out["attributes"]]
        insert_frame(con, "enterprises", out)
        if replaced:
            _orphans(con, src)
        _dataset(con, did, "enterprises", name or Path(path).stem, src, "10,000 CNY", None, False,
                 {"rows": len(df)})
    progress("done", 3, 3)
    attrs = sorted({k for a in df["attributes"] for k in a})
    return {"dataset_id": did, "kind": "enterprises", "source": src, "rows": len(df),
            "regions": int(df["region"].nunique()), "industries": int(df["industry"].nunique()),
            "attributes": attrs, "unit": "10,000 CNY", "replaced": replaced}


def import_supply_links(ws: Workspace, path: str | Path, name: str | None = None,
                        unit: str | None = None, replace: bool = False, encoding: str = "utf-8",
                        sheet: str | None = None, usd_cny: float | None = None,
                        on_progress: Progress | None = None) -> dict[str, Any]:
    """Import firm-to-firm supply links (supplier, customer, value, product); both firms must be
    enterprises of the workspace."""
    from ..readers.firms import read_supply_links

    progress = on_progress or _noop
    progress("reading and validating", 0, 3)
    known = _firm_ids(ws)
    df, unit_canon = read_supply_links(path, known_firms=known, unit=unit, encoding=encoding,
                                       sheet=sheet, usd_cny=usd_cny)
    if unit_canon != "10,000 CNY":
        raise ValidationError([Problem(Path(path).name, None, "value", unit_canon,
                                       "link values in CNY (the workspace stores 10,000 CNY): pass "
                                       "--usd-cny RATE to convert")])
    did = make_id(name or Path(path).stem)
    src = Path(path).name
    progress("writing", 1, 3)
    with ws.writer() as con:
        replaced = _claim(con, did, "supply_links", replace)
        if replaced:
            con.execute("DELETE FROM supply_links WHERE dataset_id = ?", [did])
        _missing_firms(con, df, ["supplier", "customer"], src)
        _conflicts(con, df, "supply_links", ["supplier", "customer", "product"], src, "link")
        insert_frame(con, "supply_links", df.drop(columns=["_row"]).assign(dataset_id=did))
        _dataset(con, did, "supply_links", name or Path(path).stem, src, "10,000 CNY", None, False,
                 {"rows": len(df)})
    progress("done", 3, 3)
    return {"dataset_id": did, "kind": "supply_links", "source": src, "rows": len(df),
            "firms": int(pd.concat([df["supplier"], df["customer"]]).nunique()),
            "total_value": float(df["value"].sum()), "unit": "10,000 CNY", "replaced": replaced}


# ---------------------------------------------------------------------------------------------
# chains
# ---------------------------------------------------------------------------------------------
def import_chains(ws: Workspace, nodes_path: str | Path, firms_path: str | Path | None = None,
                  name: str | None = None, replace: bool = False, encoding: str = "utf-8",
                  on_progress: Progress | None = None) -> dict[str, Any]:
    """Import chain definitions: nodes (chain_id, node_id, name, stage, position, parent, industry)
    and optionally the firms serving each node (chain_id, node_id, firm_id, role)."""
    from ..readers.chains import read_chains

    progress = on_progress or _noop
    progress("reading and validating", 0, 3)
    chains, nodes, links = read_chains(nodes_path, firms_path, known_firms=_firm_ids(ws),
                                       encoding=encoding)
    did = make_id(name or Path(nodes_path).stem)
    src = Path(nodes_path).name + (f" + {Path(firms_path).name}" if firms_path else "")
    progress("writing", 1, 3)
    with ws.writer() as con:
        replaced = _claim(con, did, "chains", replace)
        if replaced:
            old = "(SELECT chain_id FROM chains WHERE dataset_id = ?)"
            con.execute(f"DELETE FROM chain_node_firms WHERE chain_id IN {old}", [did])
            con.execute(f"DELETE FROM chain_nodes WHERE chain_id IN {old}", [did])
            con.execute("DELETE FROM chains WHERE dataset_id = ?", [did])
        _conflicts(con, chains.assign(_row=[int(nodes.loc[nodes["chain_id"] == c, "_row"].min())
                                            for c in chains["chain_id"]]),
                   "chains", ["chain_id"], Path(nodes_path).name, "chain id")
        if len(links):
            _missing_firms(con, links, ["firm_id"], Path(firms_path or nodes_path).name)
        insert_frame(con, "chains", chains.assign(dataset_id=did))
        n = nodes.drop(columns=["_row"]).copy()
        n["position"] = n["position"].astype(int)
        insert_frame(con, "chain_nodes", n)
        if len(links):
            insert_frame(con, "chain_node_firms", links.drop(columns=["_row"]))
        _dataset(con, did, "chains", name or Path(nodes_path).stem, src, None, None, False,
                 {"chains": len(chains), "nodes": len(nodes), "node_firms": len(links)})
    progress("done", 3, 3)
    return {"dataset_id": did, "kind": "chains", "source": src, "chains": chains["chain_id"].tolist(),
            "nodes": len(nodes), "node_firms": len(links), "replaced": replaced}


# ---------------------------------------------------------------------------------------------
# shared steps
# ---------------------------------------------------------------------------------------------
_KIND_NAMES = {"io_table": "an input-output table", "series": "a series", "enterprises": "an enterprises",
               "supply_links": "a supply-links", "chains": "a chains"}


def _claim(con, dataset_id: str, kind: str, replace: bool) -> bool:
    """Check the dataset id; with ``replace`` delete its datasets row. Returns whether it existed."""
    rows = con.execute("SELECT kind FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()
    if not rows:
        return False
    if rows[0][0] != kind:
        raise InputError(f"the dataset id '{dataset_id}' is taken by "
                         f"{_KIND_NAMES.get(rows[0][0], rows[0][0])} dataset; "
                         "choose another --name")
    if not replace:
        raise InputError(f"{_KIND_NAMES.get(kind, kind)} dataset '{dataset_id}' already exists; pass --replace "
                         "(replace=True) to overwrite it, or choose another --name")
    con.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])
    return True


def _dataset(con, dataset_id: str, kind: str, name: str, source: str, unit: str | None,
             vintage: str | None, synthetic: bool, meta: dict[str, Any]) -> None:
    con.execute("INSERT INTO datasets (dataset_id, kind, name, source, unit, vintage, synthetic, meta) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [dataset_id, kind, name, source, unit, vintage, synthetic, to_json(meta)])


def _conflicts(con, df: pd.DataFrame, table: str, key: list[str], source: str, what: str) -> None:
    """Rows whose key is already stored (by another dataset) -> ValidationError."""
    probe = df[key + ["_row"]]
    con.register("_probe", probe)
    try:
        on = " AND ".join(f'p."{k}" = t."{k}"' for k in key)
        hits = con.execute(f'SELECT p._row, {", ".join(f"p.{chr(34)}{k}{chr(34)}" for k in key)}, '
                           f't.dataset_id FROM _probe p JOIN "{table}" t ON {on} ORDER BY p._row').fetchall()
    finally:
        con.unregister("_probe")
    if hits:
        pc = ProblemCollector(source)
        for h in hits:
            pc.add(row=int(h[0]), column=key[0] if len(key) == 1 else "+".join(key),
                   value="/".join(str(v) for v in h[1:-1]),
                   expected=f"a {what} not already in the workspace (it belongs to dataset "
                            f"'{h[-1]}'; replace that dataset or remove the row)")
        pc.raise_if_any()


def _firm_ids(ws: Workspace) -> set[str]:
    if not ws.exists():
        return set()
    with ws.reader() as con:
        return {r[0] for r in con.execute("SELECT firm_id FROM enterprises").fetchall()}


def _missing_firms(con, df: pd.DataFrame, columns: list[str], source: str) -> None:
    """Authoritative check inside the write transaction (the workspace may have changed)."""
    known = {r[0] for r in con.execute("SELECT firm_id FROM enterprises").fetchall()}
    pc = ProblemCollector(source)
    for c in columns:
        bad = ~df[c].isin(known).to_numpy()
        for k in np.flatnonzero(bad):
            pc.add(row=int(df["_row"].iat[k]), column=c, value=df[c].iat[k],
                   expected="the id of a firm already in the workspace (import the enterprises first)")
    pc.raise_if_any()


def _orphans(con, source: str) -> None:
    """After replacing enterprises: links and chain memberships must still name known firms."""
    rows = con.execute("""
        SELECT 'supply_links' AS tbl, firm FROM (
            SELECT supplier AS firm FROM supply_links UNION SELECT customer FROM supply_links)
        WHERE firm NOT IN (SELECT firm_id FROM enterprises)
        UNION ALL
        SELECT 'chain_node_firms', firm_id FROM chain_node_firms
        WHERE firm_id NOT IN (SELECT firm_id FROM enterprises)
        ORDER BY 2""").fetchall()
    if rows:
        pc = ProblemCollector(source)
        for tbl, firm in rows:
            pc.add(column="firm_id", value=firm,
                   expected=f"every firm used by {tbl} in the workspace to stay (it is missing from the "
                            "new file; remove those rows first)")
        pc.raise_if_any()
