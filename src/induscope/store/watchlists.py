"""Watch lists and their items: all the SQL of the monitoring watch lists.

Functions take an open DuckDB connection (a reader or the writer's transaction), so a service can
run several of them in one snapshot or one transaction.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

ITEM_COLUMNS = ("list_id", "kind", "code", "label", "target_growth", "indicator", "region", "industry", "subject")


def list_exists(con, list_id: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM watch_lists WHERE list_id = ?", [list_id]).fetchall()[0][0])


def insert_list(con, list_id: str, name: str, description: str | None) -> None:
    con.execute("INSERT INTO watch_lists (list_id, name, description) VALUES (?, ?, ?)",
                [list_id, name, description]).fetchall()


def upsert_items(con, list_id: str, items: Sequence[Mapping[str, Any]]) -> int:
    """Insert items (an item with the same kind and code is replaced)."""
    for it in items:
        con.execute("DELETE FROM watch_items WHERE list_id = ? AND kind = ? AND code = ?",
                    [list_id, it["kind"], it["code"]]).fetchall()
        con.execute("INSERT INTO watch_items (list_id, kind, code, label, target_growth, indicator, region, "
                    "industry, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [list_id, it["kind"], it["code"], it.get("label"), it.get("target_growth"),
                     it.get("indicator"), it.get("region"), it.get("industry"), it.get("subject")]).fetchall()
    return len(items)


def item_exists(con, list_id: str, kind: str, code: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM watch_items WHERE list_id = ? AND kind = ? AND code = ?",
                            [list_id, kind, code]).fetchall()[0][0])


def delete_item(con, list_id: str, kind: str, code: str) -> None:
    con.execute("DELETE FROM watch_items WHERE list_id = ? AND kind = ? AND code = ?",
                [list_id, kind, code]).fetchall()


def lists_with_items(con, list_id: str | None = None) -> pd.DataFrame:
    """One row per item (a list without items has one row with empty item columns)."""
    sql = ("SELECT l.list_id, l.name, i.kind, i.code, i.label, i.target_growth, i.indicator, i.region, "
           "i.industry, i.subject FROM watch_lists l LEFT JOIN watch_items i USING (list_id)"
           + (" WHERE l.list_id = ?" if list_id else "") + " ORDER BY l.list_id, i.kind, i.code")
    return con.execute(sql, [list_id] if list_id else []).df()


def all_items(con) -> pd.DataFrame:
    """Every watched item once (over all lists); the highest target when lists disagree."""
    return con.execute("SELECT kind, code, max(label) AS label, max(target_growth) AS target_growth, "
                       "max(indicator) AS indicator, max(region) AS region, max(industry) AS industry, "
                       "max(subject) AS subject FROM watch_items GROUP BY kind, code ORDER BY kind, code").df()


# -- what can be watched: the series catalogue as the scan needs it ------------------------------


def stored_indicators(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT indicator FROM series ORDER BY 1").fetchall()]


def has_indicator(con, indicator: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM series WHERE indicator = ?", [indicator]).fetchall()[0][0])


def first_series(con, indicator: str) -> tuple[str, str, str] | None:
    """(region, industry, price basis) of one stored series of an indicator without a subject (the
    national PMI; a park's own PMI-like index is watched by naming it)."""
    rows = con.execute("SELECT region, industry, price_basis FROM series WHERE indicator = ? AND subject = '' "
                       "ORDER BY region, industry, price_basis LIMIT 1", [indicator]).fetchall()
    return tuple(rows[0]) if rows else None


def delete_list(con, list_id: str) -> None:
    """Remove a watch list and its items (the demo rebuilds its own list)."""
    con.execute("DELETE FROM watch_items WHERE list_id = ?", [list_id]).fetchall()
    con.execute("DELETE FROM watch_lists WHERE list_id = ?", [list_id]).fetchall()
