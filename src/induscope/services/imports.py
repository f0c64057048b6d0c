"""Import use cases: validate a file completely, then write it in one transaction.

Every ``import_*`` function reads and validates first (all problems reported at once in a
``ValidationError``), checks the workspace (id conflicts, known firms) inside the write
transaction, and writes the rows and one ``datasets`` row in a single ``ws.writer()`` block, so a
failure leaves the workspace's content unchanged. The SQL lives in the store's domain modules.

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
from ..readers.columns import make_id
from ..readers.io_checks import DEFAULT_TOLERANCE, balance_report, check_balance, check_tolerance
from ..readers.io_tables import read_io_table
from ..store import Session, Workspace, insert_frame
from ..store import datasets as dataset_sql
from ..store import enterprises as enterprise_sql
from ..store import io_tables as io_sql
from ..store.io_tables import IO_MATRICES, to_json, write_io_table
from ..store.io_tables import read_io_table as read_stored_io_table

#: progress callback: (step description, steps done, steps in all)
Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# input-output tables
# ---------------------------------------------------------------------------------------------
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
        taken = io_sql.table_exists(con, table_id)
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


def load_io_table(ws: Workspace | Session, table_id: str) -> IOTable:
    """The IOTable stored under ``table_id`` (exactly as imported)."""
    if not ws.exists():
        raise NotFoundError("no workspace yet: import a table (induscope import io) or build the demo")
    with ws.session() as s:
        return read_stored_io_table(s, table_id)


def list_io_tables(ws: Workspace | Session) -> pd.DataFrame:
    """The stored input-output tables (id, name, year, unit, import type, size)."""
    if not ws.exists():
        return pd.DataFrame(columns=["table_id", "name", "year", "unit", "import_type", "sectors", "regions"])
    return io_sql.list_io_tables(ws)


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
    """Import a long series file (indicator, region, industry, [subject,] period, value, unit,
    price_basis, vintage). A point (indicator, region, industry, subject, period, price_basis, vintage)
    may belong to one dataset only: points already stored by another dataset are problems."""
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
            dataset_sql.delete_rows(con, "series", did)
        _conflicts(con, df, "series", KEY, src, "series point")
        out = df.drop(columns=["_row"]).assign(dataset_id=did)
        insert_frame(con, "series", out)
        vintages = sorted(set(df["vintage"]))
        units = sorted(set(df["unit"]))
        _dataset(con, did, "series", name or Path(path).stem, src, units[0] if len(units) == 1 else None,
                 vintages[0] if len(vintages) == 1 else None, False,
                 {"rows": len(df), "indicators": sorted(set(df["indicator"]))[:50], "units": units,
                  "vintages": vintages, "freq": sorted(set(df["freq"]))})
    _refresh_figures(ws)
    progress("done", 3, 3)
    return {"dataset_id": did, "kind": "series", "source": src, "rows": len(df),
            "indicators": int(df["indicator"].nunique()), "regions": int(df["region"].nunique()),
            "industries": int(df["industry"].nunique()), "subjects": sorted(set(df["subject"]) - {""})[:50],
            "periods": [min(df["period"]), max(df["period"])],
            "units": units, "vintages": vintages, "missing_values": int(df["value"].isna().sum()),
            "replaced": replaced, "notes": _monitoring_notes(df)}


def _refresh_figures(ws: Workspace) -> None:
    """Recompute the stored indicator figures the new data made stale (services/figures.py); the
    import is committed already, so a failure here only leaves them to be computed when next read."""
    from ..errors import InduscopeError
    from . import figures

    try:
        figures.refresh(ws)
    except InduscopeError as e:
        import logging

        logging.getLogger(__name__).warning("indicator figures not refreshed after the import: %s", e)


def _monitoring_notes(df) -> list[str]:
    """What a later scan could not use, said at import time (an unknown indicator, a price basis the
    warnings do not read) instead of a silent "nothing to scan" later."""
    from ..core.indicators.vocabulary import monitoring_note

    pairs = df[["indicator", "price_basis"]].drop_duplicates().itertuples(index=False)
    return [n for n in (monitoring_note(i, b) for i, b in pairs) if n]


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
    # declared: firms change no series, figures or alerts, so their caches stay valid (api/cache.py)
    with ws.writer(touches="enterprises") as con:
        replaced = _claim(con, did, "enterprises", replace)
        if replaced:
            dataset_sql.delete_rows(con, "enterprises", did)
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
            dataset_sql.delete_rows(con, "supply_links", did)
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
                  on_progress: Progress | None = None, **kw: Any) -> dict[str, Any]:
    """Chain import lives in ``services.chains.import_chains``; kept here for existing callers."""
    from .chains import import_chains as run

    return run(ws, nodes_path, firms_path, name=name, replace=replace, encoding=encoding,
               on_progress=on_progress, **kw)


# ---------------------------------------------------------------------------------------------
# shared steps
# ---------------------------------------------------------------------------------------------
_KIND_NAMES = {"io_table": "an input-output table", "series": "a series", "enterprises": "an enterprises",
               "supply_links": "a supply-links", "chains": "a chains"}


def _claim(con, dataset_id: str, kind: str, replace: bool) -> bool:
    """Check the dataset id; with ``replace`` delete its datasets row. Returns whether it existed."""
    have = dataset_sql.kind_of(con, dataset_id)
    if have is None:
        return False
    if have != kind:
        raise InputError(f"the dataset id '{dataset_id}' is taken by "
                         f"{_KIND_NAMES.get(have, have)} dataset; "
                         "choose another --name")
    if not replace:
        raise InputError(f"{_KIND_NAMES.get(kind, kind)} dataset '{dataset_id}' already exists; pass --replace "
                         "(replace=True) to overwrite it, or choose another --name")
    dataset_sql.delete_dataset(con, dataset_id)
    return True


def _dataset(con, dataset_id: str, kind: str, name: str, source: str, unit: str | None,
             vintage: str | None, synthetic: bool, meta: dict[str, Any]) -> None:
    dataset_sql.insert_dataset(con, dataset_id, kind, name, source, unit, vintage, synthetic, to_json(meta))


def _conflicts(con, df: pd.DataFrame, table: str, key: list[str], source: str, what: str) -> None:
    """Rows whose key is already stored (by another dataset) -> ValidationError."""
    hits = dataset_sql.key_conflicts(con, df, table, key)
    if hits:
        pc = ProblemCollector(source)
        for h in hits:
            pc.add(row=int(h[0]), column=key[0] if len(key) == 1 else "+".join(key),
                   value="/".join(str(v) for v in h[1:-1]),
                   expected=f"a {what} not already in the workspace (it belongs to dataset "
                            f"'{h[-1]}'; replace that dataset or remove the row)")
        pc.raise_if_any()


def _firm_ids(ws: Workspace | Session) -> set[str]:
    if not ws.exists():
        return set()
    return enterprise_sql.firm_ids(ws)


def _missing_firms(con, df: pd.DataFrame, columns: list[str], source: str) -> None:
    """Authoritative check inside the write transaction (the workspace may have changed)."""
    known = enterprise_sql.firm_ids(con)
    pc = ProblemCollector(source)
    for c in columns:
        bad = ~df[c].isin(known).to_numpy()
        for k in np.flatnonzero(bad):
            pc.add(row=int(df["_row"].iat[k]), column=c, value=df[c].iat[k],
                   expected="the id of a firm already in the workspace (import the enterprises first)")
    pc.raise_if_any()


def _orphans(con, source: str) -> None:
    """After replacing enterprises: links and chain memberships must still name known firms."""
    rows = enterprise_sql.orphaned_firms(con)
    if rows:
        pc = ProblemCollector(source)
        for tbl, firm in rows:
            pc.add(column="firm_id", value=firm,
                   expected=f"every firm used by {tbl} in the workspace to stay (it is missing from the "
                            "new file; remove those rows first)")
        pc.raise_if_any()
