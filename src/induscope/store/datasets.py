"""SQL for the ``datasets`` catalogue and the rows a dataset owns (one home).

Reading functions take a Workspace, a Session or a writer's connection; writing functions take the
writer's connection (the caller owns the transaction).
"""
from __future__ import annotations

import json
from typing import Any, Sequence

import duckdb
import pandas as pd

from .workspace import Source, query_frame, query_rows

#: tables whose rows carry the ``dataset_id`` of the import that wrote them
OWNED_TABLES = ("series", "enterprises", "supply_links", "sme_changes")


def list_datasets(src: Source) -> pd.DataFrame:
    return query_frame(src, "SELECT dataset_id, kind, name, source, unit, vintage, synthetic, imported_at "
                            "FROM datasets ORDER BY imported_at, dataset_id")


def provenance(src: Source) -> pd.DataFrame:
    """Per dataset, what its import recorded (``meta``, JSON text) and, for series, the rows and the
    vintages stored (a series dataset may hold many vintages; its ``datasets.vintage`` then is NULL)."""
    return query_frame(src, "SELECT d.dataset_id, d.meta, s.n AS series_rows, s.vintages, s.first_vintage, "
                            "s.last_vintage FROM datasets d LEFT JOIN (SELECT dataset_id, count(*) AS n, "
                            "count(DISTINCT vintage) AS vintages, min(vintage) AS first_vintage, "
                            "max(vintage) AS last_vintage FROM series GROUP BY dataset_id) s USING (dataset_id) "
                            "ORDER BY d.imported_at, d.dataset_id")


def kind_of(src: Source, dataset_id: str) -> str | None:
    """The kind of the dataset ``dataset_id`` (None when there is none)."""
    got = query_rows(src, "SELECT kind FROM datasets WHERE dataset_id = ?", [dataset_id])
    return got[0][0] if got else None


def insert_dataset(con: duckdb.DuckDBPyConnection, dataset_id: str, kind: str, name: str, source: str | None,
                   unit: str | None, vintage: str | None, synthetic: bool, meta: str | None) -> None:
    """One ``datasets`` row; ``meta`` is JSON text."""
    con.execute("INSERT INTO datasets (dataset_id, kind, name, source, unit, vintage, synthetic, meta) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [dataset_id, kind, name, source, unit, vintage, synthetic, meta])


def delete_dataset(con: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    """The ``datasets`` row only (the caller deletes the rows it owns)."""
    con.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])


def delete_datasets_with_prefix(con: duckdb.DuckDBPyConnection, prefix: str) -> None:
    """Every ``datasets`` row whose id starts with ``prefix`` (e.g. the demo's ``demo_``)."""
    con.execute("DELETE FROM datasets WHERE starts_with(dataset_id, ?)", [prefix])


def delete_rows(con: duckdb.DuckDBPyConnection, table: str, dataset_id: str | None = None, *,
                prefix: str | None = None) -> None:
    """The rows of ``table`` written by dataset ``dataset_id`` (or by every dataset id with ``prefix``)."""
    if table not in OWNED_TABLES:
        raise ValueError(f"{table!r} has no dataset_id column")
    if prefix is not None:
        con.execute(f'DELETE FROM "{table}" WHERE starts_with(dataset_id, ?)', [prefix])
    else:
        con.execute(f'DELETE FROM "{table}" WHERE dataset_id = ?', [dataset_id])


def key_conflicts(con: duckdb.DuckDBPyConnection, probe: pd.DataFrame, table: str,
                  key: Sequence[str]) -> list[tuple]:
    """Rows of ``probe`` (columns ``key`` and ``_row``) whose key is already stored in ``table``:
    tuples (_row, *key values, dataset_id of the stored row), in row order."""
    con.register("_probe", probe[list(key) + ["_row"]])
    try:
        on = " AND ".join(f'p."{k}" = t."{k}"' for k in key)
        cols = ", ".join(f'p."{k}"' for k in key)
        return con.execute(f'SELECT p._row, {cols}, t.dataset_id FROM _probe p JOIN "{table}" t ON {on} '
                           "ORDER BY p._row").fetchall()
    finally:
        con.unregister("_probe")


def meta_json(meta: dict[str, Any] | None) -> str | None:
    return None if meta is None else json.dumps(meta, ensure_ascii=False)
