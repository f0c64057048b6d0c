"""Alert-episode reconciliation (pure): which stored alert does a freshly computed episode continue,
and what changes.

Stored alerts and the result are plain data (mappings and dataclasses), so the rule is tested without
a database; ``store/alerts.py`` applies the plan in one transaction.

The rule (one alert = one episode of one cause: subject, indicator, rule):

* an episode continues the *latest* stored alert of its cause whose span [start, last] overlaps the
  episode's span; with none, a new alert opens at the episode's start;
* a closed alert is never reopened: firings after its last period open a new alert starting at the
  first such period (unless a stored alert of the cause already starts there or later);
* an update records every level change since the alert's last stored period as an event with the
  period it happened in (``escalated`` / ``deescalated``), so an escalation inside a running episode
  shows when it happened, not only that it did; an escalation re-opens an acknowledged alert;
* an alert whose cause was evaluated and which does not fire in the latest period becomes inactive;
* reconciling the same episodes twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..indicators.periods import parse_period
from .engine import Episode
from .levels import Level


def _ord(p: str) -> int:
    return parse_period(p).ordinal()


@dataclass(frozen=True)
class Event:
    kind: str                      # opened, updated, escalated, deescalated, inactive
    level: str | None
    period: str | None
    numbers: Mapping[str, Any] | None = None


@dataclass
class Plan:
    """What to write: new alerts (without ids), field updates of stored alerts, events, statistics."""

    new: list[tuple[dict[str, Any], list[Event]]] = field(default_factory=list)
    updates: list[tuple[str, dict[str, Any], list[Event]]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=lambda: {
        "opened": 0, "updated": 0, "escalated": 0, "deescalated": 0, "unchanged": 0, "inactive": 0})


def _alert_fields(e: Episode, start: str, active: bool, vintage: str | None, name: str | None
                  ) -> dict[str, Any]:
    n = sum(1 for p in e.periods if _ord(p) >= _ord(start)) or e.n_firings
    peak, peak_period = _peak_since(e, start)
    return {"subject": e.subject, "series_name": name, "indicator": e.indicator, "rule_id": e.rule_id,
            "family": e.family, "status": "open", "active": active, "level": e.level.label,
            "level_rank": int(e.level), "peak_level": peak.label, "peak_period": peak_period,
            "start_period": start, "last_period": e.last_period, "n_firings": n, "reason": e.reason,
            "numbers": dict(e.numbers), "vintage": vintage}


def _peak_since(e: Episode, start: str) -> tuple[Level, str]:
    """Peak level and the first period it was reached, counting only firings from ``start`` on."""
    if not e.changes or _ord(start) <= _ord(e.start_period):
        return e.peak_level, e.peak_period
    s = _ord(start)
    before = [lv for p, lv in e.changes if _ord(p) <= s]
    best = (before[-1], start) if before else None
    for p, lv in e.changes:
        if _ord(p) > s and (best is None or lv > best[0]):
            best = (lv, p)
    return best if best is not None else (e.peak_level, e.peak_period)


def _changes_after(e: Episode, after: str) -> list[tuple[str, Level]]:
    return [(p, lv) for p, lv in e.changes if _ord(p) > _ord(after)]


def reconcile(stored: Sequence[Mapping[str, Any]], episodes: Sequence[Episode],
              latest: Mapping[tuple[str, str], str],
              vintages: Mapping[tuple[str, str], str | None] | None = None,
              names: Mapping[tuple[str, str], str] | None = None) -> Plan:
    """Plan the merge of ``episodes`` into the ``stored`` alerts.

    ``stored``: mappings with alert_id, subject, indicator, rule_id, status, active, level_rank,
    peak_level, peak_period, start_period, last_period, n_firings. ``latest``: the last period of
    each evaluated (subject, indicator). ``vintages``: data vintage of each evaluated series;
    ``names``: its own name (shown with the alert).
    """
    vintages = vintages or {}
    names = names or {}
    plan = Plan()
    by_cause: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for r in stored:
        by_cause.setdefault((r["subject"], r["indicator"], r["rule_id"]), []).append(r)
    active_ids: set[str] = set()
    for e in episodes:
        key = (e.subject, e.indicator)
        is_active = key in latest and e.last_period == latest[key]
        cands = sorted(by_cause.get(e.cause, []), key=lambda r: _ord(r["last_period"]))
        lo, hi = _ord(e.start_period), _ord(e.last_period)
        match = None
        for r in cands:
            if _ord(r["start_period"]) <= hi and _ord(r["last_period"]) >= lo:
                match = r  # the latest overlapping alert
        if match is None:
            plan.new.append((_alert_fields(e, e.start_period, is_active, vintages.get(key), names.get(key)),
                             [Event("opened", e.level.label, e.last_period, dict(e.numbers))]))
            plan.stats["opened"] += 1
            continue
        if match["status"] == "closed":
            later = [p for p in e.periods if _ord(p) > _ord(match["last_period"])]
            if later and not any(_ord(r["start_period"]) >= _ord(later[0]) for r in cands):
                plan.new.append((_alert_fields(e, later[0], is_active, vintages.get(key), names.get(key)),
                                 [Event("opened", e.level.label, e.last_period, dict(e.numbers))]))
                plan.stats["opened"] += 1
            continue
        aid = match["alert_id"]
        if is_active:
            active_ids.add(aid)
        n_eff = sum(1 for p in e.periods if _ord(p) >= _ord(match["start_period"]))
        old_rank = int(match["level_rank"])
        changed = (match["last_period"] != e.last_period or old_rank != int(e.level)
                   or int(match["n_firings"]) != n_eff)
        if not changed:
            plan.stats["unchanged"] += 1
            if not match["active"] and is_active:
                plan.updates.append((aid, {"active": True}, []))
            continue
        events: list[Event] = []
        rank = old_rank
        for p, lv in _changes_after(e, match["last_period"]):
            if int(lv) != rank:
                events.append(Event("escalated" if int(lv) > rank else "deescalated", lv.label, p))
                rank = int(lv)
        if rank != int(e.level):  # an episode without recorded changes: compare the last firing only
            events.append(Event("escalated" if int(e.level) > rank else "deescalated", e.level.label,
                                e.last_period))
        if events:
            events[-1] = Event(events[-1].kind, events[-1].level, events[-1].period, dict(e.numbers))
        else:
            events.append(Event("updated", e.level.label, e.last_period, dict(e.numbers)))
        for ev in events:
            plan.stats[ev.kind] += 1
        status = match["status"]
        if any(ev.kind == "escalated" for ev in events):
            status = "open"  # an acknowledged alert that got worse needs attention again
        stored_peak = Level.parse(match["peak_level"])
        e_peak, e_peak_period = _peak_since(e, match["start_period"])
        if e_peak > stored_peak:
            peak, peak_period = e_peak, e_peak_period
        else:
            peak, peak_period = stored_peak, match.get("peak_period") or e_peak_period
        plan.updates.append((aid, {
            "status": status, "active": is_active, "level": e.level.label, "level_rank": int(e.level),
            "peak_level": peak.label, "peak_period": peak_period, "last_period": e.last_period,
            "n_firings": n_eff, "reason": e.reason, "numbers": dict(e.numbers),
            "vintage": vintages.get(key), "series_name": names.get(key) or match.get("series_name")}, events))
    # alerts of the evaluated series that no longer fire in the latest period
    for r in stored:
        key = (r["subject"], r["indicator"])
        if key in latest and r["active"] and r["alert_id"] not in active_ids:
            plan.updates.append((r["alert_id"], {"active": False}, [Event("inactive", r["level"], latest[key])]))
            plan.stats["inactive"] += 1
    return plan
