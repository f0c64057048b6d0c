"""SQL of the audit log (append-only: nothing here updates or deletes an entry)."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from .workspace import Workspace

COLUMNS = ["seq", "at_time", "actor", "role", "action", "target", "remote", "outcome", "status", "detail"]


def append(ws: Workspace, entry: dict[str, Any]) -> None:
    with ws.writer(touches="audit") as con:
        con.execute("INSERT INTO audit_log (actor, role, action, target, remote, outcome, status, detail) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [entry.get("actor"), entry.get("role"), entry["action"], entry.get("target"),
                     entry.get("remote"), entry["outcome"], entry.get("status"),
                     None if entry.get("detail") is None else json.dumps(entry["detail"], ensure_ascii=False,
                                                                         default=str)])


def query(ws: Workspace, *, actor: str | None = None, action: str | None = None, outcome: str | None = None,
          since: str | None = None, limit: int = 100, offset: int = 0) -> tuple[pd.DataFrame, int]:
    """Entries, newest first, and how many match."""
    if not ws.exists():
        return pd.DataFrame(columns=COLUMNS), 0
    where, params = [], []
    for col, val in (("actor", actor), ("action", action), ("outcome", outcome)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    if since is not None:
        where.append("at_time >= CAST(? AS TIMESTAMP)")
        params.append(since)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    with ws.reader() as con:
        total = con.execute(f"SELECT count(*) FROM audit_log {clause}", params).fetchall()[0][0]
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_log {clause} ORDER BY seq DESC "
                           "LIMIT ? OFFSET ?", params + [int(limit), int(offset)]).fetchall()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["detail"] = frame["detail"].map(lambda v: json.loads(v) if isinstance(v, str) else v)
    return frame, int(total)


def recent_failures(ws: Workspace, *, action: str, target: str, remote: str, minutes: int) -> tuple[int, float]:
    """Attempts of ``action`` on ``target`` from ``remote`` refused for a bad identity (401) within the
    last ``minutes``: how many, and the age in seconds of the oldest of them (0 when none)."""
    if not ws.exists():
        return 0, 0.0
    with ws.reader() as con:
        # both sides of the comparison are the database's own clock (at_time's default), never Python's
        n, age = con.execute(
            "SELECT count(*), coalesce(epoch(max(CAST(current_timestamp AS TIMESTAMP) - at_time)), 0) "
            "FROM audit_log WHERE action = ? AND target = ? AND remote = ? AND status = 401 "
            "AND at_time >= CAST(current_timestamp AS TIMESTAMP) - to_minutes(CAST(? AS BIGINT))",
            [action, target, remote, int(minutes)]).fetchall()[0]
    return int(n), float(age)
