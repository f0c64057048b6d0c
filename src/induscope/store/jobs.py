"""SQL of background jobs: their state, progress and result live in the workspace, so any web process
can answer for them and a restart can tell which were cut off."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from .workspace import Workspace

COLUMNS = ["job_id", "kind", "params", "owner", "runner", "state", "cancel", "progress", "message", "created_at",
           "started_at", "finished_at", "result", "error"]
LIST_COLUMNS = [c for c in COLUMNS if c not in ("result", "params")]
ACTIVE = ("queued", "running")


def _dumps(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, default=str)


def insert(ws: Workspace, job_id: str, kind: str, params: dict, owner: str, runner: str) -> None:
    with ws.writer(touches="jobs") as con:
        con.execute("INSERT INTO jobs (job_id, kind, params, owner, runner, state) VALUES (?, ?, ?, ?, ?, 'queued')",
                    [job_id, kind, _dumps(params), owner, runner])


def update(ws: Workspace, job_id: str, **fields: Any) -> None:
    """Set fields; ``started_at``/``finished_at`` = 'now' stamps the current time."""
    sets, params = [], []
    for k, v in fields.items():
        if k not in COLUMNS:
            raise KeyError(k)
        if k in ("started_at", "finished_at") and v == "now":
            sets.append(f"{k} = current_timestamp")
            continue
        sets.append(f"{k} = ?")
        params.append(_dumps(v) if k == "result" else v)
    with ws.writer(touches="jobs") as con:
        con.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE job_id = ?", params + [job_id])


def finish(ws: Workspace, job_id: str, state: str, *, result: Any = None, error: str | None = None,
           message: str | None = None, progress: float | None = None) -> None:
    """Move a job that is still active to a final state (a job already final stays as it is)."""
    with ws.writer(touches="jobs") as con:
        con.execute("UPDATE jobs SET state = ?, result = ?, error = ?, message = coalesce(?, message), "
                    "progress = coalesce(?, progress), finished_at = current_timestamp "
                    "WHERE job_id = ? AND state IN ('queued', 'running')",
                    [state, _dumps(result), error, message, progress, job_id])


def progress(ws: Workspace, job_id: str, fraction: float, message: str) -> None:
    """A progress report: the job is running (from its first report on)."""
    with ws.writer(touches="jobs") as con:
        con.execute("UPDATE jobs SET state = 'running', progress = ?, message = ?, "
                    "started_at = coalesce(started_at, current_timestamp) "
                    "WHERE job_id = ? AND state IN ('queued', 'running')", [fraction, message, job_id])


def get(ws: Workspace, job_id: str) -> dict[str, Any] | None:
    if not ws.exists():
        return None
    with ws.reader() as con:
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM jobs WHERE job_id = ?", [job_id]).fetchall()
    if not rows:
        return None
    d = dict(zip(COLUMNS, rows[0]))
    for k in ("params", "result"):
        d[k] = json.loads(d[k]) if isinstance(d[k], str) else d[k]
    return d


def listing(ws: Workspace, *, owner: str | None = None, state: str | None = None, limit: int = 100,
            offset: int = 0) -> tuple[pd.DataFrame, int]:
    if not ws.exists():
        return pd.DataFrame(columns=LIST_COLUMNS), 0
    where, params = [], []
    for col, val in (("owner", owner), ("state", state)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    with ws.reader() as con:
        total = con.execute(f"SELECT count(*) FROM jobs {clause}", params).fetchall()[0][0]
        rows = con.execute(f"SELECT {', '.join(LIST_COLUMNS)} FROM jobs {clause} ORDER BY created_at DESC, job_id "
                           "LIMIT ? OFFSET ?", params + [int(limit), int(offset)]).fetchall()
    return pd.DataFrame(rows, columns=LIST_COLUMNS), int(total)


def active(ws: Workspace) -> list[dict[str, Any]]:
    """Jobs queued or running, with their runner and cancel flag."""
    if not ws.exists():
        return []
    with ws.reader() as con:
        rows = con.execute("SELECT job_id, runner, cancel FROM jobs WHERE state IN ('queued', 'running')").fetchall()
    return [{"job_id": r[0], "runner": r[1], "cancel": bool(r[2])} for r in rows]


def request_cancel(ws: Workspace, job_id: str) -> bool:
    with ws.writer(touches="jobs") as con:
        rows = con.execute("UPDATE jobs SET cancel = TRUE WHERE job_id = ? AND state IN ('queued', 'running') "
                           "RETURNING job_id", [job_id]).fetchall()
    return bool(rows)


def mark_interrupted(ws: Workspace, job_ids: list[str]) -> int:
    if not job_ids:
        return 0
    with ws.writer(touches="jobs") as con:
        rows = con.execute(f"UPDATE jobs SET state = 'interrupted', finished_at = current_timestamp, "
                           "message = 'the server stopped while this job ran; submit it again' "
                           f"WHERE state IN ('queued', 'running') AND job_id IN ({', '.join('?' for _ in job_ids)}) "
                           "RETURNING job_id", job_ids).fetchall()
    return len(rows)
