"""The audit log: every write and every login (API or CLI), who, what, when, where, outcome."""
from __future__ import annotations

import getpass
import logging
from typing import Any

import pandas as pd

from ..store import Workspace
from ..store import audit as store

log = logging.getLogger("induscope.audit")
OUTCOMES = ("ok", "denied", "invalid", "error")


def record(ws: Workspace, *, action: str, outcome: str, actor: str | None = None, role: str | None = None,
           target: str | None = None, remote: str | None = None, status: int | None = None,
           detail: Any = None) -> None:
    """Append one entry. A workspace that does not exist yet gets none (nothing happened to it); a
    failure to write the entry is logged, never raised over the outcome it records."""
    if not ws.exists():
        return
    try:
        store.append(ws, {"action": action, "outcome": outcome, "actor": actor, "role": role,
                          "target": target, "remote": remote, "status": status, "detail": detail})
    except Exception:  # noqa: BLE001 - the audited operation has already happened
        log.exception("could not write the audit entry for %s by %s", action, actor)


def os_user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return None


def cli_actor(name: str | None = None) -> str:
    """Who a CLI write is recorded as: the name given (``--as`` / INDUSCOPE_ACTOR), else ``cli:<OS user>``."""
    if name:
        return name
    user = os_user()
    return f"cli:{user}" if user else "cli"


def outcome_of_status(status: int) -> str:
    """The outcome of an HTTP answer."""
    return "ok" if status < 400 else "denied" if status in (401, 403, 429) else "invalid" if status < 500 else "error"


def outcome_of_exit(code: int) -> str:
    """The outcome of a CLI exit code (errors.py: 2 bad usage, 3 invalid data, 4 model, 5 storage,
    6 not found, 7 auth; 70 a bug)."""
    return {0: "ok", 2: "invalid", 3: "invalid", 6: "invalid", 7: "denied"}.get(code, "error")


def record_cli(ws: Workspace, *, command: str, exit_code: int, actor: str | None = None,
               target: str | None = None, detail: Any = None) -> None:
    """One CLI write: who (``cli_actor``), the command, the object, from ``cli``, the outcome and exit code."""
    extra = {"os_user": os_user()} if actor else {}
    if isinstance(detail, dict):
        extra.update(detail)
    record(ws, action=command, outcome=outcome_of_exit(exit_code), actor=cli_actor(actor), target=target,
           remote="cli", status=exit_code, detail=extra or None)


def entries(ws: Workspace, *, actor: str | None = None, action: str | None = None, outcome: str | None = None,
            since: str | None = None, limit: int = 100, offset: int = 0) -> tuple[pd.DataFrame, int]:
    return store.query(ws, actor=actor, action=action, outcome=outcome, since=since, limit=limit, offset=offset)
