"""Stored indicator figures (growth, contribution, the dashboard headline): one row per question,
stamped with the data version it was computed from; a row is current while that version stands.

Writes declare the ``figures`` domain, so storing a figure never invalidates what depends on the data.
"""
from __future__ import annotations

import json
from typing import Any

from .workspace import Source, Workspace, query_rows

_KEY = ("kind", "indicator", "region", "industry", "subject", "params")


def get(src: Source, key: dict[str, str]) -> tuple[int, Any] | None:
    """``(data_version, payload)`` of the stored figure for ``key``, or None."""
    rows = query_rows(src, "SELECT data_version, payload FROM figures WHERE kind = ? AND indicator = ? AND "
                           "region = ? AND industry = ? AND subject = ? AND params = ?", [key[k] for k in _KEY])
    if not rows:
        return None
    return int(rows[0][0]), json.loads(rows[0][1])


def put(ws: Workspace, key: dict[str, str], data_version: int, payload: Any) -> None:
    """Store (or replace) one figure, computed from the data as of ``data_version``."""
    with ws.writer(touches="figures") as con:
        con.execute("INSERT OR REPLACE INTO figures (kind, indicator, region, industry, subject, params, "
                    "data_version, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [key[k] for k in _KEY] + [int(data_version), json.dumps(payload, ensure_ascii=False)])


def put_many(ws: Workspace, rows: list[tuple[dict[str, str], int, Any]]) -> int:
    """Store several figures in one write (a refresh after a data change)."""
    if not rows:
        return 0
    with ws.writer(touches="figures") as con:
        for key, version, payload in rows:
            con.execute("INSERT OR REPLACE INTO figures (kind, indicator, region, industry, subject, params, "
                        "data_version, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [key[k] for k in _KEY] + [int(version), json.dumps(payload, ensure_ascii=False)])
    return len(rows)


def stale_keys(src: Source, current_version: int) -> list[dict[str, str]]:
    """The keys of stored figures computed from an older data version (to recompute after a change)."""
    rows = query_rows(src, f"SELECT {', '.join(_KEY)} FROM figures WHERE data_version <> ? ORDER BY 1, 2, 3, 4, 5, 6",
                      [int(current_version)])
    return [dict(zip(_KEY, r)) for r in rows]


def count(src: Source) -> int:
    return int(query_rows(src, "SELECT count(*) FROM figures")[0][0])
