"""The alert-episode reconciliation on plain data (no database): which stored alert an episode
continues, what changes, and which events record it."""
from __future__ import annotations

import pandas as pd

from induscope.core.warning import Episode, Level, Signal, episodes, reconcile

KEY = ("region:310000", "g.yoy")


def _ep(levels: dict[str, str], rule="contraction") -> Episode:
    """An episode from {period: level} through the real grouping (so level changes are recorded)."""
    sig = [Signal(KEY[0], KEY[1], rule, "rule", p, Level.parse(lv), f"at {p}", {"value": -1.0})
           for p, lv in levels.items()]
    (e,) = episodes(sig)
    return e


def _stored(e: Episode, alert_id="AL000001", status="open", active=True, **kw) -> dict:
    row = {"alert_id": alert_id, "subject": e.subject, "indicator": e.indicator, "rule_id": e.rule_id,
           "status": status, "active": active, "level": e.level.label, "level_rank": int(e.level),
           "peak_level": e.peak_level.label, "peak_period": e.peak_period, "start_period": e.start_period,
           "last_period": e.last_period, "n_firings": e.n_firings, "series_name": None}
    row.update(kw)
    return row


def test_a_new_episode_opens_an_alert_with_start_peak_and_changes():
    e = _ep({"2024-03": "blue", "2024-04": "orange", "2024-05": "yellow"})
    assert e.changes == (("2024-03", Level.BLUE), ("2024-04", Level.ORANGE), ("2024-05", Level.YELLOW))
    assert (e.peak_level, e.peak_period) == (Level.ORANGE, "2024-04")
    plan = reconcile([], [e], {KEY: "2024-05"}, names={KEY: "上海 value added"})
    (row, events), = plan.new
    assert row["start_period"] == "2024-03" and row["peak_period"] == "2024-04" and row["active"]
    assert row["series_name"] == "上海 value added" and row["n_firings"] == 3
    assert [ev.kind for ev in events] == ["opened"] and plan.stats["opened"] == 1


def test_reconciling_the_same_episode_twice_changes_nothing():
    e = _ep({"2024-03": "yellow", "2024-04": "yellow"})
    plan = reconcile([_stored(e)], [e], {KEY: "2024-04"})
    assert plan.new == [] and plan.updates == [] and plan.stats["unchanged"] == 1


def test_an_escalation_inside_a_running_episode_is_recorded_with_its_period():
    noise = _ep({"2024-01": "blue", "2024-02": "blue", "2024-03": "yellow"})
    stored = _stored(noise, status="acknowledged")
    # the real drop arrives while the noise episode is open: orange in April, red in May, back to yellow
    later = _ep({"2024-01": "blue", "2024-02": "blue", "2024-03": "yellow", "2024-04": "orange",
                 "2024-05": "red", "2024-06": "yellow"})
    plan = reconcile([stored], [later], {KEY: "2024-06"})
    (aid, fields, events), = plan.updates
    assert aid == "AL000001" and plan.new == []
    assert [(ev.kind, ev.level, ev.period) for ev in events] == [
        ("escalated", "orange", "2024-04"), ("escalated", "red", "2024-05"), ("deescalated", "yellow", "2024-06")]
    assert fields["status"] == "open"  # acknowledged, then worse: needs attention again
    assert (fields["peak_level"], fields["peak_period"]) == ("red", "2024-05")
    assert fields["level"] == "yellow" and fields["n_firings"] == 6
    assert plan.stats["escalated"] == 2 and plan.stats["deescalated"] == 1


def test_a_closed_alert_is_not_reopened_later_firings_open_a_new_one():
    first = _ep({"2024-03": "orange", "2024-04": "orange"})
    stored = _stored(first, status="closed")
    cont = _ep({"2024-03": "orange", "2024-04": "orange", "2024-05": "red"})
    plan = reconcile([stored], [cont], {KEY: "2024-05"})
    (row, _), = plan.new
    assert row["start_period"] == "2024-05" and row["peak_period"] == "2024-05" and row["peak_level"] == "red"
    assert row["n_firings"] == 1
    assert [(aid, f) for aid, f, _ in plan.updates] == [("AL000001", {"active": False})]  # the closed one stops
    # nothing after the closed alert's last period: nothing happens
    assert reconcile([stored], [first], {KEY: "2024-04"}).new == []


def test_alerts_that_stop_firing_become_inactive_and_other_series_are_left_alone():
    e = _ep({"2024-03": "yellow"})
    other = _stored(e, alert_id="AL000002", subject="region:420000")
    plan = reconcile([_stored(e), other], [], {KEY: "2024-06"})
    (aid, fields, events), = plan.updates
    assert aid == "AL000001" and fields == {"active": False} and events[0].kind == "inactive"
    assert events[0].period == "2024-06"


def test_a_gap_of_more_than_one_period_starts_a_new_episode():
    sig = [Signal(*KEY, "contraction", "rule", p, Level.YELLOW, "x") for p in ("2024-01", "2024-02", "2024-05")]
    eps = episodes(sig)
    assert [(e.start_period, e.last_period) for e in eps] == [("2024-01", "2024-02"), ("2024-05", "2024-05")]
    assert pd.Series([e.n_firings for e in eps]).tolist() == [2, 1]


# ---- properties: scanning month by month stores what one scan of the whole history stores ----------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]


def _apply(stored: list[dict], plan) -> list[dict]:
    """What store/alerts.py does with a plan, on plain rows."""
    rows = {r["alert_id"]: dict(r) for r in stored}
    for aid, fields, _ in plan.updates:
        rows[aid].update(fields)
    for k, (row, _) in enumerate(plan.new):
        aid = f"AL{len(rows) + 1:06d}"
        rows[aid] = {**row, "alert_id": aid}
    return list(rows.values())


@given(st.lists(st.sampled_from([None, "blue", "yellow", "orange", "red"]), min_size=1, max_size=len(MONTHS)))
def test_scanning_month_by_month_equals_one_scan_and_rescans_change_nothing(levels):
    fired = {MONTHS[i]: lv for i, lv in enumerate(levels) if lv}
    sig = [Signal(*KEY, "contraction", "rule", p, Level.parse(lv), "x") for p, lv in fired.items()]
    stored: list[dict] = []
    for i in range(len(levels)):  # a scan after each month's release
        seen = [s for s in sig if MONTHS.index(s.period) <= i]
        plan = reconcile(stored, episodes(seen), {KEY: MONTHS[i]})
        stored = _apply(stored, plan)
    once = _apply([], reconcile([], episodes(sig), {KEY: MONTHS[len(levels) - 1]}))
    keys = ("start_period", "last_period", "level", "peak_level", "peak_period", "n_firings", "active")
    assert sorted(tuple(r[k] for k in keys) for r in stored) == sorted(tuple(r[k] for k in keys) for r in once)
    again = reconcile(stored, episodes(sig), {KEY: MONTHS[len(levels) - 1]})
    assert again.new == [] and again.updates == []
