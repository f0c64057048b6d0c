"""Alerts and alert events: all the SQL of the monitoring alerts. Functions take an open DuckDB
connection; the reconciliation rule (which stored alert an episode continues) is pure, in
``core/warning/episodes.py``; this module only reads and writes rows."""
from __future__ import annotations

import json
from typing import Any, Mapping

import pandas as pd

from .._json import dumps

ALERT_COLUMNS = ("alert_id, subject, series_name, indicator, rule_id, family, status, active, level, level_rank, "
                 "peak_level, peak_period, start_period, last_period, n_firings, reason, numbers, vintage")


def to_json(v: Mapping[str, Any] | None) -> str | None:
    """Numbers of an alert as JSON (the one conversion: non-finite floats as null)."""
    return None if v is None else dumps(dict(v))


def all_alerts(con) -> list[dict[str, Any]]:
    return con.execute(f"SELECT {ALERT_COLUMNS} FROM alerts").df().to_dict("records")


def next_ids(con, n: int) -> list[str]:
    last = con.execute("SELECT max(alert_id) FROM alerts").fetchall()[0][0]
    k = int(str(last)[2:]) if last is not None else 0
    return [f"AL{k + i + 1:06d}" for i in range(n)]


def insert_alert(con, row: Mapping[str, Any], now: str) -> None:
    cols = ["alert_id", "subject", "series_name", "indicator", "rule_id", "family", "status", "active", "level",
            "level_rank", "peak_level", "peak_period", "start_period", "last_period", "n_firings", "reason",
            "numbers", "vintage"]
    vals = [to_json(row[c]) if c == "numbers" else row.get(c) for c in cols]
    con.execute(f"INSERT INTO alerts ({', '.join(cols)}, created_at, updated_at) VALUES "
                f"({', '.join('?' for _ in cols)}, ?, ?)", vals + [now, now]).fetchall()


def update_alert(con, alert_id: str, fields: Mapping[str, Any], now: str) -> None:
    names = list(fields)
    vals = [to_json(fields[c]) if c == "numbers" else fields[c] for c in names]
    con.execute(f"UPDATE alerts SET {', '.join(f'{c} = ?' for c in names)}, updated_at = ? WHERE alert_id = ?",
                vals + [now, alert_id]).fetchall()


def add_event(con, alert_id: str, kind: str, now: str, level: str | None = None, period: str | None = None,
              numbers: Mapping[str, Any] | None = None, actor: str | None = None, note: str | None = None) -> None:
    seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM alert_events WHERE alert_id = ?",
                      [alert_id]).fetchall()[0][0]
    con.execute("INSERT INTO alert_events (alert_id, seq, event_at, kind, actor, note, level, period, numbers) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [alert_id, int(seq), now, kind, actor, note, level, period, to_json(numbers)]).fetchall()


def list_alerts(con, *, status: str | None = None, min_rank: int | None = None, subject: str | None = None,
                active: bool | None = None) -> pd.DataFrame:
    where, params = [], []
    for clause, value in (("status = ?", status), ("level_rank >= ?", min_rank), ("subject = ?", subject),
                          ("active = ?", active)):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = (f"SELECT {ALERT_COLUMNS} FROM alerts" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY level_rank DESC, last_period DESC, alert_id")
    out = con.execute(sql, params).df()
    out["numbers"] = out["numbers"].map(lambda s: json.loads(s) if isinstance(s, str) else s)
    return out


def events(con, alert_id: str) -> pd.DataFrame:
    return con.execute("SELECT seq, event_at, kind, actor, note, level, period FROM alert_events "
                       "WHERE alert_id = ? ORDER BY seq", [alert_id]).df()


def status_of(con, alert_id: str) -> dict[str, Any] | None:
    rows = con.execute("SELECT status, level, last_period FROM alerts WHERE alert_id = ?", [alert_id]).fetchall()
    return None if not rows else {"status": rows[0][0], "level": rows[0][1], "last_period": rows[0][2]}


def set_status(con, alert_id: str, status: str, now: str) -> None:
    con.execute("UPDATE alerts SET status = ?, updated_at = ?" + (", closed_at = ?" if status == "closed" else "")
                + " WHERE alert_id = ?", [status, now] + ([now] if status == "closed" else []) + [alert_id]).fetchall()
