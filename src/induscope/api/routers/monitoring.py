"""/api/v1: NBS-method indicators, alerts and scans, watch lists, enterprise operating reports.

Industrial-internet platforms and key enterprises submit operating data with ``POST /api/v1/reports``:
a JSON list of report records, or ``{"reports": [...]}``, typed and limited by ``ReportSubmission``.
Every problem comes back at once in the error envelope (422) and nothing is stored then. The report's
source is the authenticated identity; a reporter may submit and read only its own enterprises.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Body, Depends, Path, Query

from ...services import figures
from ...services import monitoring as mon
from ...services.access import Principal, check_reporter_scope
from ...store import Workspace
from ..auth import ANALYST_WRITE, REPORTS_READ, REPORTS_WRITE, VIEWER, principal
from ..schemas import (ERRORS, Alert, AlertAction, AlertEvent, GrowthRow, Page, Record, ReportResult,
                       ReportSubmission, Table, WatchItemsIn, WatchListIn)
from .deps import (CodeQ, FormatQ, IndustryQ, PagingDep, PeriodQ, PeriodRequired, RegionQ, SubjectQ, VintageQ, clean,
                   page, table, workspace)

router = APIRouter(responses=ERRORS)
AlertId = Annotated[str, Path(max_length=32, pattern=r"^[\w-]+$")]
ListId = Annotated[str, Path(max_length=64, pattern=r"^[\w.-]+$")]
Metric = Annotated[str, Query(pattern=r"^[a-z_]{1,40}$", description="a report metric, e.g. output_value")]


# ---- indicators -------------------------------------------------------------------------------------
@router.get("/indicators/growth", tags=["indicators"], operation_id="indicator_growth",
            response_model=Page[GrowthRow], **VIEWER)
def growth(paging: PagingDep, indicator: Annotated[str, Query(pattern=r"^[\w.]{1,64}$")] = "value_added",
           region: Annotated[str, Query(pattern=r"^\d{6}$")] = "000000",
           industry: Annotated[str, Query(pattern=r"^[A-Za-z0-9_]{1,12}$")] = "BCD",
           measure: Literal["yoy", "ytd", "two_year"] = "yoy", vintage: VintageQ = None,
           start: PeriodQ = None, end: PeriodQ = None, subject: SubjectQ = "", ws: Workspace = Depends(workspace)):
    """Growth (%) of an indicator for a region and industry: year on year, year to date, or two-year average."""
    # computed once per data change and served from the store (services/figures.py)
    rows = figures.growth(ws, indicator, region=region, industry=industry, measure=measure,
                          vintage=vintage, start=start, end=end, subject=subject)
    return page(rows, paging, name=f"growth_{indicator}_{measure}")


@router.get("/indicators/contribution", tags=["indicators"], operation_id="indicator_contribution",
            response_model=Table, **VIEWER)
def contribution(period: PeriodRequired,
                 indicator: Annotated[str, Query(pattern=r"^[\w.]{1,64}$")] = "value_added",
                 by: Literal["division", "section", "province", "macro_region"] = "section",
                 region: Annotated[str, Query(pattern=r"^\d{6}$")] = "000000",
                 industry: Annotated[str, Query(pattern=r"^[A-Za-z0-9_]{1,12}$")] = "BCD",
                 measure: Literal["yoy", "ytd"] = "yoy", vintage: VintageQ = None, format: FormatQ = "json",
                 subject: SubjectQ = "", ws: Workspace = Depends(workspace)):
    """Contribution rate (%) and pull (percentage points) of each part to the subject's growth in a period."""
    r = figures.contribution(ws, period, indicator, by=by, region=region, industry=industry,
                             measure=measure, vintage=vintage, subject=subject)  # from the store when current
    extra = r["extra"]
    return table(r["items"], format, name=f"contribution_{period}", **extra)


# ---- alerts ---------------------------------------------------------------------------------------------
@router.get("/alerts", tags=["alerts"], operation_id="list_alerts", response_model=Page[Alert], **VIEWER)
def alerts(paging: PagingDep, status: Optional[Literal["open", "acknowledged", "closed"]] = None,
           min_level: Optional[Literal["blue", "yellow", "orange", "red"]] = None,
           subject: Annotated[Optional[str], Query(max_length=200)] = None, ws: Workspace = Depends(workspace)):
    """Alerts, most severe first, filtered by status, minimum level and subject."""
    return page(mon.list_alerts(ws, status=status, min_level=min_level, subject=subject), paging, name="alerts")


@router.get("/alerts/{alert_id}/events", tags=["alerts"], operation_id="list_alert_events",
            response_model=Page[AlertEvent], **VIEWER)
def alert_events(alert_id: AlertId, paging: PagingDep, ws: Workspace = Depends(workspace)):
    """The history of one alert: opened, updated, escalated, acknowledged, closed, ..."""
    return page(mon.alert_events(ws, alert_id), paging, name=f"alert_{alert_id}")


@router.post("/alerts/{alert_id}/ack", tags=["alerts"], operation_id="acknowledge_alert", response_model=Record,
             **ANALYST_WRITE)
def acknowledge(alert_id: AlertId, body: Optional[AlertAction] = None, who: Principal = Depends(principal),
                ws: Workspace = Depends(workspace)):
    """Acknowledge an alert (the actor is the authenticated user)."""
    return clean(mon.acknowledge_alert(ws, alert_id, actor=who.name, note=body.note if body else None))


@router.post("/alerts/{alert_id}/close", tags=["alerts"], operation_id="close_alert", response_model=Record,
             **ANALYST_WRITE)
def close(alert_id: AlertId, body: Optional[AlertAction] = None, who: Principal = Depends(principal),
          ws: Workspace = Depends(workspace)):
    """Close an alert (a later firing opens a new one)."""
    return clean(mon.close_alert(ws, alert_id, actor=who.name, note=body.note if body else None))


@router.post("/monitor/scan", tags=["alerts"], operation_id="scan", response_model=Record, **ANALYST_WRITE)
def scan(list_id: CodeQ = None, vintage: VintageQ = None,
         history: bool = Query(False, description="also store alerts that ended long ago (backtest)"),
         ws: Workspace = Depends(workspace)):
    """Run the early warnings over the watched series and update the stored alerts."""
    return clean(mon.scan(ws, list_id=list_id, vintage=vintage, history=history))


@router.get("/monitor/indices", tags=["alerts"], operation_id="prosperity_indices", response_model=Table,
            **VIEWER)
def indices(list_id: CodeQ = None, vintage: VintageQ = None, format: FormatQ = "json",
            ws: Workspace = Depends(workspace)):
    """Diffusion and composite prosperity indices over the watched series."""
    r = mon.prosperity_indices(ws, list_id=list_id, vintage=vintage)
    frame = r.to_frame() if hasattr(r, "to_frame") else r
    return table(frame, format, name="indices")


# ---- watch lists ------------------------------------------------------------------------------------------
@router.get("/watch-lists", tags=["watch-lists"], operation_id="list_watch_lists", response_model=Page[Record],
            **VIEWER)
def watch_lists(paging: PagingDep, ws: Workspace = Depends(workspace)):
    """Watch lists and their items."""
    return page(mon.watch_lists(ws), paging, name="watch_lists")


@router.post("/watch-lists", tags=["watch-lists"], operation_id="create_watch_list", response_model=Record,
             status_code=201, **ANALYST_WRITE)
def create_watch_list(body: WatchListIn, ws: Workspace = Depends(workspace)):
    """Create a watch list."""
    return clean(mon.create_watch_list(ws, body.name, body.description, body.list_id), 201)


@router.post("/watch-lists/{list_id}/items", tags=["watch-lists"], operation_id="add_watch_items",
             response_model=Record, **ANALYST_WRITE)
def add_watch_items(list_id: ListId, body: WatchItemsIn, ws: Workspace = Depends(workspace)):
    """Add regions, industries, enterprises or series to a watch list (all checked first)."""
    return clean(mon.add_watch_items(ws, list_id, [i.model_dump(exclude_none=True) for i in body.items]))


@router.delete("/watch-lists/{list_id}/items/{kind}/{code:path}", tags=["watch-lists"],
               operation_id="remove_watch_item", response_model=Record, **ANALYST_WRITE)
def remove_watch_item(list_id: ListId, kind: Literal["region", "industry", "enterprise", "series"],
                      code: Annotated[str, Path(max_length=200)], ws: Workspace = Depends(workspace)):
    """Remove one item from a watch list."""
    return clean(mon.remove_watch_item(ws, list_id, kind, code))


# ---- enterprise operating reports ---------------------------------------------------------------------------
@router.post("/reports", tags=["reports"], operation_id="submit_reports", response_model=ReportResult,
             **REPORTS_WRITE)
def submit_reports(payload: Annotated[ReportSubmission, Body(description="a list of report records, or "
                                                                         "{\"reports\": [...]}")],
                   who: Principal = Depends(principal), ws: Workspace = Depends(workspace)):
    """Submit enterprise operating reports (all checked first; nothing is stored when one is wrong).

    A repeated report with the same value is skipped; a different value for a stored firm, period and
    metric is a correction, stored as a new vintage."""
    records = [r.model_dump(exclude_none=True) for r in payload.reports]
    check_reporter_scope(who, {r["firm_id"] for r in records})
    source = "api" if who.anonymous else who.name
    return clean(mon.import_operating_reports(ws, records, source=source))


@router.get("/reports", tags=["reports"], operation_id="list_reports", response_model=Page[Record],
            **REPORTS_READ)
def list_reports(paging: PagingDep, metric: Metric = "output_value",
                 firm_id: Annotated[Optional[list[str]], Query(max_length=1000)] = None, vintage: VintageQ = None,
                 who: Principal = Depends(principal), ws: Workspace = Depends(workspace)):
    """Monthly reports of one metric as known at a vintage; a reporter sees only its own enterprises."""
    from ...errors import InputError
    from ...services.monitoring import reports as rep

    if metric not in rep.METRICS:
        raise InputError(f"metric must be one of {', '.join(rep.METRICS)}, got {metric!r}")
    firms = list(firm_id) if firm_id else None
    if who.role == "reporter":
        if firms:
            check_reporter_scope(who, set(firms))
        firms = firms or list(who.enterprises)
    if not ws.exists():
        return page([], paging, name=f"reports_{metric}")
    with ws.reader() as con:
        rows = rep.monthly_reports(con, metric, vintage, firms)
    return page(rows.assign(metric=metric, unit=rep.METRICS[metric][0]), paging, name=f"reports_{metric}")


@router.get("/reports/aggregates", tags=["reports"], operation_id="report_aggregates", response_model=Table,
            **VIEWER)
def report_aggregates(metric: Metric = "output_value", by: Literal["industry", "region", "firm"] = "industry",
                      level: Literal["division", "section"] = "division", vintage: VintageQ = None,
                      format: FormatQ = "json", ws: Workspace = Depends(workspace)):
    """Monthly totals of a reported metric by industry, region or firm."""
    return table(mon.operating_report_aggregates(ws, metric, by=by, vintage=vintage, level=level), format,
                 name=f"reports_{metric}_by_{by}")
