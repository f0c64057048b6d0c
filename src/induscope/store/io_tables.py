"""Input-output tables in the workspace: one row of labels in ``io_tables``, matrices in ``io_cells``
(long form, zeros omitted). The only place that maps IOTable <-> the store."""
from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd

from ..core.iomodels.table import IOTable
from ..errors import NotFoundError
from .workspace import insert_frame

MATRICES = ("Z", "Y", "x", "V", "Zm", "Ym", "m", "exports")


def write_io_table(con: duckdb.DuckDBPyConnection, table_id: str, t: IOTable, replace: bool = False) -> int:
    """Insert (or with ``replace`` overwrite) a table inside the caller's transaction; returns cells written."""
    if replace:
        con.execute("DELETE FROM io_cells WHERE table_id = ?", [table_id]).fetchall()
        con.execute("DELETE FROM io_tables WHERE table_id = ?", [table_id]).fetchall()
    meta = {k: v for k, v in (t.metadata or {}).items() if isinstance(v, (str, int, float, bool, type(None)))}
    insert_frame(con, "io_tables", pd.DataFrame([{
        "table_id": table_id, "name": t.name or table_id, "year": t.year, "unit": t.unit,
        "import_type": t.import_type, "regions": json.dumps(list(t.regions)),
        "sectors": json.dumps(list(t.sectors)),
        "sector_names": json.dumps(list(t.sector_names)) if t.sector_names else None,
        "final_demand_labels": json.dumps(list(t.final_demand_labels)),
        "value_added_labels": json.dumps(list(t.value_added_labels)),
        "meta": json.dumps(meta, ensure_ascii=False),
    }]))
    frames = []
    for sym in MATRICES:
        a = getattr(t, sym)
        if a is None:
            continue
        a2 = np.atleast_2d(a) if a.ndim == 2 else a[:, None]
        i, j = np.nonzero(a2)
        frames.append(pd.DataFrame({"table_id": table_id, "matrix": sym, "i": i.astype(np.int32),
                                    "j": j.astype(np.int32), "value": a2[i, j]}))
    cells = pd.concat(frames, ignore_index=True)
    return insert_frame(con, "io_cells", cells)


def read_io_table(con: duckdb.DuckDBPyConnection, table_id: str) -> IOTable:
    head = con.execute("SELECT * FROM io_tables WHERE table_id = ?", [table_id]).df()
    if head.empty:
        known = [r[0] for r in con.execute("SELECT table_id FROM io_tables ORDER BY 1").fetchall()]
        raise NotFoundError(f"no input-output table {table_id!r} in the workspace (have: {', '.join(known) or 'none'})")
    h = head.iloc[0]
    regions, sectors = tuple(json.loads(h["regions"])), tuple(json.loads(h["sectors"]))
    fd = tuple(json.loads(h["final_demand_labels"]) or ())
    va = tuple(json.loads(h["value_added_labels"]) or ())
    n = len(regions) * len(sectors)
    cells = con.execute("SELECT matrix, i, j, value FROM io_cells WHERE table_id = ?", [table_id]).df()
    shapes = {"Z": (n, n), "Zm": (n, n), "Y": (n, max(1, len(fd))), "Ym": (n, max(1, len(fd))),
              "V": (max(1, len(va)), n), "x": (n, 1), "m": (n, 1), "exports": (n, 1)}
    present = set(cells["matrix"])
    arrays: dict[str, np.ndarray | None] = {}
    for sym, shape in shapes.items():
        if sym not in present and sym not in ("Z", "Y", "x"):
            arrays[sym] = None
            continue
        a = np.zeros(shape)
        c = cells[cells["matrix"] == sym]
        a[c["i"].to_numpy(), c["j"].to_numpy()] = c["value"].to_numpy()
        arrays[sym] = a[:, 0] if sym in ("x", "m", "exports") else a
    names = json.loads(h["sector_names"]) if h["sector_names"] else None
    return IOTable(Z=arrays["Z"], Y=arrays["Y"], x=arrays["x"], V=arrays["V"], Zm=arrays["Zm"],
                   Ym=arrays["Ym"], m=arrays["m"], exports=arrays["exports"], sectors=sectors,
                   regions=regions, sector_names=tuple(names) if names else None,
                   final_demand_labels=fd, value_added_labels=va, unit=h["unit"],
                   year=None if pd.isna(h["year"]) else int(h["year"]), name=h["name"],
                   import_type=h["import_type"], metadata=json.loads(h["meta"] or "{}"))
