"""Stored alerts: merging scanned episodes (the rule is pure: ``core.warning.episodes.reconcile``),
listing, history, acknowledging and closing.

One alert = one episode of one cause (subject, indicator, rule): rescanning updates the open alert
(new last period, level, numbers) instead of opening another one; a firing after an alert was closed
opens a new one. Every change is an event in ``alert_events``, level changes with the period they
happened in.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

import pandas as pd

from ...core.warning import Episode, Level
from ...core.warning.episodes import reconcile
from ...errors import InputError, NotFoundError
from ...store import Workspace
from ...store import alerts as store

STATUSES = ("open", "acknowledged", "closed")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def persist_episodes(ws: Workspace, eps: Sequence[Episode], latest: Mapping[tuple[str, str], str],
                     vintages: Mapping[tuple[str, str], str | None] | None = None,
                     names: Mapping[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """Merge episodes into the stored alerts in one transaction (see ``reconcile`` for the rule).

    ``latest``: the last period of each evaluated (subject, indicator); alerts of those series whose
    episode does not reach it become inactive. Rescanning the same data changes nothing.
    """
    now = _now()
    touched: list[str] = []
    with ws.writer() as con:
        plan = reconcile(store.all_alerts(con), eps, latest, vintages, names)
        for aid, fields, events in plan.updates:
            store.update_alert(con, aid, fields, now)
            for ev in events:
                store.add_event(con, aid, ev.kind, now, ev.level, ev.period, ev.numbers)
            if any(ev.kind != "inactive" for ev in events):
                touched.append(aid)
        for aid, (row, events) in zip(store.next_ids(con, len(plan.new)), plan.new):
            store.insert_alert(con, {**row, "alert_id": aid}, now)
            for ev in events:
                store.add_event(con, aid, ev.kind, now, ev.level, ev.period, ev.numbers)
            touched.append(aid)
    return {**plan.stats, "alerts": touched}


def list_alerts(ws: Workspace, *, status: str | None = None, min_level: str | None = None,
                subject: str | None = None, active: bool | None = None) -> pd.DataFrame:
    """Stored alerts, most severe and most recent first."""
    if status is not None and status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    rank = None
    if min_level:
        try:
            rank = int(Level.parse(min_level))
        except ValueError as e:
            raise InputError(str(e)) from None
    ws.ensure()
    with ws.session() as s:
        return store.list_alerts(s.con, status=status, min_rank=rank, subject=subject, active=active)


def alert_events(ws: Workspace, alert_id: str) -> pd.DataFrame:
    """The events of one alert: opened, updated, escalated / deescalated (with the period the level
    changed in), inactive, acknowledged, closed."""
    ws.ensure()
    with ws.session() as s:
        ev = store.events(s.con, alert_id)
    if ev.empty:
        raise NotFoundError(f"no alert {alert_id!r}")
    return ev


def _set_status(ws: Workspace, alert_id: str, status: str, actor: str | None, note: str | None) -> dict[str, Any]:
    ws.ensure()
    now = _now()
    with ws.writer() as con:
        row = store.status_of(con, alert_id)
        if row is None:
            raise NotFoundError(f"no alert {alert_id!r}")
        old = row["status"]
        if old == "closed":
            raise InputError(f"alert {alert_id} is closed already")
        if old == status:
            raise InputError(f"alert {alert_id} is {status} already")
        store.set_status(con, alert_id, status, now)
        store.add_event(con, alert_id, status, now, row["level"], row["last_period"], actor=actor, note=note)
    return {"alert_id": alert_id, "status": status, "previous_status": old}


def acknowledge_alert(ws: Workspace, alert_id: str, *, actor: str | None = None, note: str | None = None
                      ) -> dict[str, Any]:
    """Mark an alert as seen; it stays on the board and keeps being updated (escalation re-opens it)."""
    return _set_status(ws, alert_id, "acknowledged", actor, note)


def close_alert(ws: Workspace, alert_id: str, *, actor: str | None = None, note: str | None = None
                ) -> dict[str, Any]:
    """Close an alert (handled). A later firing of the same cause opens a new alert."""
    return _set_status(ws, alert_id, "closed", actor, note)
