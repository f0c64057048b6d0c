"""The Monitoring page: a region, industry, enterprise or watched series with its alerts marked; the
selection's alerts (acknowledge or close them with a comment), the watch lists (add or remove items) and
the enterprise operating reports of a month (who has not reported).

Writes go through the /api/v1 routes from the page (``induscopeFetch`` sends the session's CSRF
header): the same services, the same role checks and the same audit entry as any API client. A visitor
who may not write sees what to log in as instead of a form that would fail.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import InduscopeError, InputError
from ...store import Workspace
from ..auth import require
from .dashboard import _clean, _guard, _paged, _records, _render, _version
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
MEASURES = ("yoy", "ytd", "two_year")
ALERT_STATUSES = ("all", "open", "acknowledged", "closed")
_FIRM = re.compile(r"^[\w.-]{1,40}$")
_SERIES = re.compile(r"^[\w.-]{1,64}/\d{6}/[A-Za-z0-9_]{1,12}(/[\w.@:-]{1,64})?$")
_ALERT = re.compile(r"^[\w-]{1,32}$")


def may(request: Request, role: str = "analyst", *, write: bool = True) -> bool:
    """Whether the caller would pass ``require(role, write=write)``: decides between a form and the
    "log in as ..." line (the API route still checks on submit)."""
    from ..auth import authenticate, secured

    try:
        who = authenticate(request)
    except InduscopeError:
        return False
    if who.anonymous:
        return not write and not secured(request)
    return who.role != "reporter" and who.at_least(role)


def linker(request: Request):
    """``link(key=value, other=None)``: this page's URL with those query values set (None: dropped)."""
    def link(**changes: Any) -> str:
        q = {k: v for k, v in request.query_params.items() if k != "csv"}
        for k, v in changes.items():
            if v is None:
                q.pop(k, None)
            else:
                q[k] = str(v)
        return f"{request.url.path}?{urlencode(q)}"
    return link


def _selection(request: Request) -> dict[str, Any]:
    q = request.query_params
    measure = q.get("measure", "yoy")
    if measure not in MEASURES:
        raise InputError(f"measure: expected yoy, ytd or two_year, got {measure[:20]!r}")
    status = q.get("status", "all")
    if status not in ALERT_STATUSES:
        raise InputError(f"status: expected {', '.join(ALERT_STATUSES)}, got {status[:20]!r}")
    firm = (q.get("firm") or "").strip()
    if firm and not _FIRM.match(firm):
        raise InputError(f"firm: expected a firm id such as F000123, got {firm[:40]!r}")
    series = (q.get("series") or "").strip()
    if series and not _SERIES.match(series):
        raise InputError(f"series: expected INDICATOR/REGION/INDUSTRY[/SUBJECT] such as value_added/310000/39, "
                         f"got {series[:80]!r}")
    alert = (q.get("alert") or "").strip()
    if alert and not _ALERT.match(alert):
        raise InputError(f"alert: expected an alert id such as AL000012, got {alert[:40]!r}")
    from ...services.monitoring import METRICS

    metric = q.get("metric", "output_value")
    if metric not in METRICS:
        raise InputError(f"metric: expected one of {', '.join(METRICS)}, got {metric[:40]!r}")
    return {"region": q.get("region", "000000")[:12], "industry": q.get("industry", "BCD")[:12],
            "measure": measure, "status": status, "firm": firm, "series": series, "alert": alert,
            "metric": metric, "month": (q.get("month") or "").strip()[:20]}


def _rows(w: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [c for c in w.columns if c != "period"]
    return [{"period": str(r["period"]), **{c: _clean(round(float(r[c]), 3)) if r[c] == r[c] else None for c in cols}}
            for _, r in w.iterrows()]


@lru_cache(maxsize=16)
def _series_cached(home: str, mtime_ns: int, key: tuple[tuple[str, str], ...]
                   ) -> tuple[list[dict[str, Any]], str, str, str]:
    # the national aggregate sums every region's levels (seconds): once per workspace version and selection
    return _series(Workspace(home), dict(key))


def _series(ws: Workspace, sel: dict[str, Any]) -> tuple[list[dict[str, Any]], str, str, str]:
    """(rows, subject of its alerts, indicator of the alerts to mark, a note when it cannot be drawn)."""
    from ...services import catalog
    from ...services import indicators as ind
    from ...services.monitoring import reports as rep

    measure = sel["measure"]
    if sel["series"]:  # a watched series: its growth where it has levels, else its stored values
        parts = sel["series"].split("/")
        indicator, region, industry = parts[0], parts[1], parts[2]
        subject = f"series:{sel['series']}"
        try:
            w = ind.indicator_growth(ws, indicator, region=region, industry=industry, measure=measure).wide()
            return _rows(w), subject, f"{indicator}.growth_{measure}", ""
        except InduscopeError as e:
            try:
                s = catalog.get_series(ws, indicator, region=region, industry=industry)
            except InduscopeError:
                return [], subject, indicator, str(e)
            if s is None or len(s) == 0:
                return [], subject, indicator, str(e)
            if len(parts) == 4 and "subject" in s.columns:
                s = s[s["subject"].astype(str) == parts[3]]
            unit = str(s["unit"].iloc[0]) if "unit" in s.columns and len(s) else ""
            w = (s.groupby("period", as_index=False)["value"].last()
                 .rename(columns={"value": f"{indicator} ({unit})" if unit else indicator}))
            return _rows(w.sort_values("period")), subject, indicator, ""
    if sel["firm"]:  # an enterprise: its monthly operating reports of one metric
        with ws.reader() as con:
            m = rep.monthly_reports(con, sel["metric"], None, [sel["firm"]])
        subject = f"enterprise:{sel['firm']}"
        if m.empty:
            return [], subject, sel["metric"], (f"no {sel['metric']} reports from enterprise {sel['firm']}: they "
                                                "arrive through POST /api/v1/reports or "
                                                "`induscope monitor report import`")
        unit = rep.METRICS[sel["metric"]][0]
        return ([{"period": str(p), f"{sel['metric']} ({unit})": _clean(round(float(v), 3))}
                 for p, v in zip(m["period"], m["value"])], subject, sel["metric"], "")
    region, industry = sel["region"], sel["industry"]
    subject = f"region:{region}" if region != "000000" else f"industry:{industry}"
    try:
        w = ind.indicator_growth(ws, "value_added", region=region, industry=industry, measure=measure).wide()
        return _rows(w), subject, f"value_added.growth_{measure}", ""
    except InduscopeError as e:
        return [], subject, f"value_added.growth_{measure}", str(e)


ALERT_COLUMNS = ["alert_id", "series_name", "level", "status", "start_period", "last_period", "reason"]


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ... import reference
        from ...services import monitoring as mon

        sel = _selection(request)
        key = tuple((k, sel[k]) for k in ("region", "industry", "measure", "firm", "series", "metric"))
        rows, subject, indicator, note = _series_cached(*_version(ws), key)
        al = mon.list_alerts(ws, subject=subject)
        if len(al):
            ind_ = al["indicator"].astype(str)
            on_chart = al[(ind_ == indicator) | ind_.str.startswith(indicator + ".")]
        else:
            on_chart = al
        marks = [{"period": r.last_period, "level": r.level, "series": r.series_name, "alert": r.alert_id}
                 for r in on_chart.itertuples()] if len(on_chart) else []
        if sel["status"] != "all" and len(al):
            al = al[al["status"] == sel["status"]]
        shown = al[ALERT_COLUMNS] if len(al) else pd.DataFrame(columns=ALERT_COLUMNS)
        alerts = _paged(request, shown)
        handle = [r for r in alerts["rows"] if r["status"] != "closed"]
        events = None
        if sel["alert"]:
            ev = mon.alert_events(ws, sel["alert"])  # NotFoundError -> 404 in the envelope
            ev = ev[[c for c in ("seq", "event_at", "kind", "actor", "note", "level", "period") if c in ev.columns]]
            ev = ev.assign(event_at=ev["event_at"].astype(str).str[:19]) if "event_at" in ev.columns else ev
            events = {"alert_id": sel["alert"], **_paged(request, ev, "event_page"), "all": _records(ev)}
        watch = mon.watch_lists(ws)
        lists = watch[["list_id", "name"]].drop_duplicates().to_dict("records") if len(watch) else []
        items = watch[watch["kind"].notna() & (watch["kind"].astype(str) != "")] if len(watch) else watch
        wcols = ["list_id", "kind", "code", "label", "target_growth"]
        items = items[wcols] if len(items) else pd.DataFrame(columns=wcols)
        try:
            sub = mon.report_submissions(ws, sel["month"] or None)
            sub_note = ""
        except InputError as e:  # a bad month: say so beside the form, keep the rest of the page
            sub = mon.report_submissions(ws)
            sub_note = str(e)
        scols = ["firm_id", "name", "region", "industry", "reported", "metrics", "reports", "submitted_at",
                 "last_month"]
        firms = sub["firms"][scols] if len(sub["firms"]) else pd.DataFrame(columns=scols)
        gaps = firms[~firms["reported"].astype(bool)] if len(firms) else firms
        prov = reference.provinces()
        regions = [("000000", "全国 China")] + [(c, f"{z} {e}") for c, z, e in
                                                zip(prov["code"], prov["name_zh"], prov["name_en"])]
        by_month = _records(sub["by_month"])
        return _render(request, "monitoring.html", "monitoring", {
            **sel, "subject": subject, "regions": regions, "note": note, "alerts": alerts, "handle": handle,
            "events": events, "lists": lists, "watch": _paged(request, items, "watch_page"),
            "sub": {k: v for k, v in sub.items() if k not in ("firms", "by_month")}, "sub_note": sub_note,
            "submissions": _paged(request, firms, "report_page"), "metrics": list(mon.METRICS),
            "can_write": may(request), "link": linker(request),
            "watched_series": [(r["code"], r["label"] or r["code"]) for r in _records(items) if r["kind"] == "series"]},
            {"series": rows, "marks": marks, "by_month": by_month},
            {"series": rows, "alerts": _records(shown), "watch": _records(items), "submissions": _records(firms),
             "gaps": _records(gaps), "by_month": by_month,
             **({"events": events["all"]} if events else {})})
    return _guard(ws, request, "monitoring", page)
