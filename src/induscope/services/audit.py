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


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "cli"


def entries(ws: Workspace, *, actor: str | None = None, action: str | None = None, outcome: str | None = None,
            since: str | None = None, limit: int = 100, offset: int = 0) -> tuple[pd.DataFrame, int]:
    return store.query(ws, actor=actor, action=action, outcome=outcome, since=since, limit=limit, offset=offset)
