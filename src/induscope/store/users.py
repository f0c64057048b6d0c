"""SQL of API users and their tokens (hashes only: no secret or password is ever stored in clear)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pandas as pd

from .workspace import Workspace

USER_COLUMNS = "name, role, enterprises, disabled, created_at, password_hash IS NOT NULL AS has_password"


def _user(row: tuple, with_hash: bool = False) -> dict[str, Any]:
    d = {"name": row[0], "role": row[1], "enterprises": json.loads(row[2]) if row[2] else [],
         "disabled": bool(row[3]), "created_at": row[4], "has_password": bool(row[5])}
    if with_hash:
        d["password_hash"] = row[6]
    return d


def count_users(ws: Workspace) -> int:
    """Active users (0 when there is no workspace yet)."""
    if not ws.exists():
        return 0
    with ws.reader() as con:
        return int(con.execute("SELECT count(*) FROM users WHERE NOT disabled").fetchall()[0][0])


def get_user(ws: Workspace, name: str, *, with_hash: bool = False) -> dict[str, Any] | None:
    if not ws.exists():
        return None
    with ws.reader() as con:
        rows = con.execute(f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE name = ?", [name]).fetchall()
    return _user(rows[0], with_hash) if rows else None


def list_users(ws: Workspace) -> pd.DataFrame:
    if not ws.exists():
        return pd.DataFrame(columns=["name", "role", "enterprises", "disabled", "created_at", "has_password"])
    with ws.reader() as con:
        rows = con.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY name").fetchall()
    return pd.DataFrame([_user(r) for r in rows],
                        columns=["name", "role", "enterprises", "disabled", "created_at", "has_password"])


def insert_user(ws: Workspace, name: str, role: str, enterprises: list[str], password_hash: str | None,
                *, replace: bool = False) -> None:
    with ws.writer(touches="access") as con:
        if replace:
            con.execute("DELETE FROM users WHERE name = ?", [name])
        con.execute("INSERT INTO users (name, role, enterprises, password_hash) VALUES (?, ?, ?, ?)",
                    [name, role, json.dumps(enterprises, ensure_ascii=False), password_hash])


def set_disabled(ws: Workspace, name: str, disabled: bool) -> int:
    with ws.writer(touches="access") as con:
        n = con.execute("UPDATE users SET disabled = ? WHERE name = ? RETURNING name", [disabled, name]).fetchall()
        if disabled:
            con.execute("UPDATE api_tokens SET revoked_at = current_timestamp "
                        "WHERE user_name = ? AND revoked_at IS NULL", [name])
    return len(n)


def insert_token(ws: Workspace, token_id: str, user_name: str, secret_hash: str, expires_at: datetime,
                 label: str | None) -> None:
    with ws.writer(touches="access") as con:
        con.execute("INSERT INTO api_tokens (token_id, user_name, secret_hash, label, expires_at) "
                    "VALUES (?, ?, ?, ?, ?)", [token_id, user_name, secret_hash, label, expires_at])


def token_with_user(ws: Workspace, token_id: str) -> dict[str, Any] | None:
    """The token row and its user in one read (one snapshot)."""
    if not ws.exists():
        return None
    with ws.reader() as con:
        rows = con.execute("""
            SELECT t.token_id, t.secret_hash, t.expires_at, t.revoked_at, u.name, u.role, u.enterprises,
                   u.disabled
            FROM api_tokens t JOIN users u ON u.name = t.user_name WHERE t.token_id = ?""", [token_id]).fetchall()
    if not rows:
        return None
    r = rows[0]
    return {"token_id": r[0], "secret_hash": r[1], "expires_at": r[2], "revoked_at": r[3], "name": r[4],
            "role": r[5], "enterprises": json.loads(r[6]) if r[6] else [], "disabled": bool(r[7])}


def list_tokens(ws: Workspace, user_name: str | None = None) -> pd.DataFrame:
    cols = ["token_id", "user_name", "label", "created_at", "expires_at", "revoked_at"]
    if not ws.exists():
        return pd.DataFrame(columns=cols)
    with ws.reader() as con:
        where, params = ("WHERE user_name = ?", [user_name]) if user_name else ("", [])
        rows = con.execute(f"SELECT {', '.join(cols)} FROM api_tokens {where} ORDER BY created_at, token_id",
                           params).fetchall()
    return pd.DataFrame(rows, columns=cols)


def revoke_token(ws: Workspace, token_id: str) -> int:
    with ws.writer(touches="access") as con:
        rows = con.execute("UPDATE api_tokens SET revoked_at = current_timestamp "
                           "WHERE token_id = ? AND revoked_at IS NULL RETURNING token_id", [token_id]).fetchall()
    return len(rows)
