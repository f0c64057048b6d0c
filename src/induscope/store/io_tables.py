"""Input-output tables in the workspace: one row of labels in ``io_tables``, matrices in ``io_cells``
(long form, zeros omitted; satellite accounts as ``ext:<name>:F`` / ``ext:<name>:F_Y``).

The only place that maps IOTable <-> the store; callers own the transaction.
"""
from __future__ import annotations

import json
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ..core.iomodels.table import Extension, IOTable
from ..errors import NotFoundError
from .workspace import Source, insert_frame, query_frame, query_rows

IO_MATRICES = ("Z", "Y", "x", "V", "Zm", "Ym", "m", "exports")
#: metadata keys the store writes for itself (removed again on reading)
_STORE_KEYS = ("matrices", "shapes", "final_demand_regions", "stored_extensions", "balance", "tolerance")


def to_json(v: Any) -> str:
    """JSON for the store (``induscope._json``: numpy values, tuples and sets as plain JSON; NaN -> null)."""
    from .._json import dumps

    return dumps(v)


def table_cells(t: IOTable, table_id: str) -> pd.DataFrame:
    """Every non-zero entry of every matrix of ``t`` as rows (table_id, matrix, i, j, value)."""
    parts = []
    arrays = [(sym, getattr(t, sym)) for sym in IO_MATRICES]
    for e in t.extensions or ():
        arrays += [(f"ext:{e.name}:F", e.F), (f"ext:{e.name}:F_Y", e.F_Y)]
    for sym, a in arrays:
        if a is None:
            continue
        a = np.asarray(a, dtype=float)
        a2 = a[:, None] if a.ndim == 1 else a
        i, j = np.nonzero(a2)
        parts.append(pd.DataFrame({"table_id": table_id, "matrix": sym, "i": i.astype(np.int32),
                                   "j": j.astype(np.int32), "value": a2[i, j]}))
    return pd.concat(parts, ignore_index=True)


def write_io_table(con: duckdb.DuckDBPyConnection, table_id: str, t: IOTable,
                   meta: dict[str, Any] | None = None, replace: bool = False) -> int:
    """Insert ``t`` (with ``replace``: over an existing ``table_id``) in the caller's transaction.

    Returns the number of cells written. ``meta`` adds to the table's own metadata.
    """
    present = [s for s in IO_MATRICES if getattr(t, s) is not None]
    stored_meta = {**(t.metadata or {}), **(meta or {}), "matrices": present,
                   "shapes": {s: list(np.atleast_1d(getattr(t, s)).shape) for s in present}}
    if t.final_demand_regions is not None:
        stored_meta["final_demand_regions"] = list(t.final_demand_regions)
    if t.extensions:
        stored_meta["stored_extensions"] = [
            {"name": e.name, "rows": list(e.rows), "unit": e.unit, "F": list(e.F.shape),
             "F_Y": None if e.F_Y is None else list(e.F_Y.shape)} for e in t.extensions]
    row = pd.DataFrame([{
        "table_id": table_id, "name": t.name or table_id, "year": t.year, "unit": t.unit,
        "import_type": t.import_type, "regions": to_json(list(t.regions)), "sectors": to_json(list(t.sectors)),
        "sector_names": to_json(list(t.sector_names)) if t.sector_names else None,
        "final_demand_labels": to_json(list(t.final_demand_labels)),
        "value_added_labels": to_json(list(t.value_added_labels)), "meta": to_json(stored_meta),
    }])
    row["year"] = row["year"].astype("Int64")
    if replace:
        delete_io_table(con, table_id)
    cells = table_cells(t, table_id)
    insert_frame(con, "io_tables", row)
    return insert_frame(con, "io_cells", cells)


def read_io_table(con: Source, table_id: str) -> IOTable:
    """The IOTable stored under ``table_id``, exactly as written (``con``: a Session or connection)."""
    rows = query_rows(con, "SELECT name, year, unit, import_type, regions, sectors, sector_names, "
                           "final_demand_labels, value_added_labels, meta FROM io_tables "
                           "WHERE table_id = ?", [table_id])
    if not rows:
        known = table_ids(con)
        raise NotFoundError(f"no input-output table '{table_id}' in the workspace "
                            f"(have: {', '.join(known) or 'none'})")
    cells = query_frame(con, "SELECT matrix, i, j, value FROM io_cells WHERE table_id = ?", [table_id])
    name, year, unit, import_type, regions, sectors, sector_names, fd, va, meta = rows[0]
    regions, sectors = json.loads(regions), json.loads(sectors)
    sector_names = json.loads(sector_names) if sector_names else None
    fd, va = json.loads(fd or "[]"), json.loads(va or "[]")
    meta = json.loads(meta) if meta else {}
    n = len(regions) * len(sectors)
    shapes = meta.get("shapes") or {}
    present = meta.get("matrices") or [m for m in IO_MATRICES if m in set(cells["matrix"])]
    default = {"Z": [n, n], "Zm": [n, n], "x": [n], "m": [n], "exports": [n], "Y": [n, len(fd)],
               "Ym": [n, len(fd)], "V": [len(va), n]}
    by_matrix = dict(tuple(cells.groupby("matrix")))

    def block(sym: str, shape: list[int] | None) -> np.ndarray | None:
        if shape is None:
            return None
        a = np.zeros(shape)
        c = by_matrix.get(sym)
        if c is not None:
            if a.ndim == 1:
                a[c["i"].to_numpy()] = c["value"].to_numpy()
            else:
                a[c["i"].to_numpy(), c["j"].to_numpy()] = c["value"].to_numpy()
        return a

    arrays = {s: block(s, shapes.get(s, default[s])) if s in present else None for s in IO_MATRICES}
    extensions = tuple(
        Extension(name=e["name"], F=block(f"ext:{e['name']}:F", e["F"]), rows=tuple(e["rows"]),
                  unit=e.get("unit", ""), F_Y=block(f"ext:{e['name']}:F_Y", e.get("F_Y")))
        for e in meta.get("stored_extensions") or [])
    fd_regions = meta.get("final_demand_regions")
    own_meta = {k: v for k, v in meta.items() if k not in _STORE_KEYS}
    return IOTable(Z=arrays["Z"], Y=arrays["Y"], x=arrays["x"], sectors=tuple(sectors), V=arrays["V"],
                   regions=tuple(regions), sector_names=None if sector_names is None else tuple(sector_names),
                   final_demand_labels=tuple(fd), value_added_labels=tuple(va), Zm=arrays["Zm"],
                   Ym=arrays["Ym"], m=arrays["m"], exports=arrays["exports"], unit=unit,
                   year=None if year is None else int(year), name=name, import_type=import_type,
                   metadata=own_meta, final_demand_regions=None if fd_regions is None else tuple(fd_regions),
                   extensions=extensions)


def table_exists(src: Source, table_id: str) -> bool:
    return bool(query_rows(src, "SELECT count(*) FROM io_tables WHERE table_id = ?", [table_id])[0][0])


def table_ids(src: Source) -> list[str]:
    return [r[0] for r in query_rows(src, "SELECT table_id FROM io_tables ORDER BY table_id")]


def list_io_tables(src: Source) -> pd.DataFrame:
    """The stored tables: id, name, year, unit, import type, number of sectors and regions."""
    return query_frame(src, "SELECT table_id, name, year, unit, import_type, json_array_length(sectors) AS sectors, "
                            "json_array_length(regions) AS regions FROM io_tables ORDER BY table_id")


def delete_io_table(con: duckdb.DuckDBPyConnection, table_id: str) -> None:
    con.execute("DELETE FROM io_cells WHERE table_id = ?", [table_id]).fetchall()
    con.execute("DELETE FROM io_tables WHERE table_id = ?", [table_id]).fetchall()
