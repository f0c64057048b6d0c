"""/api: NBS-method indicators, alerts, and enterprise / platform operating reports.

Industrial-internet platforms and key enterprises submit operating data with
``POST /api/reports`` (a JSON list of reports, or ``{"reports": [...]}``); every problem comes back
at once in the error envelope (422) and nothing is stored then.
"""
from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Body, Depends, Query

from ...services import indicators as ind
from ...services import monitoring as mon
from ...store import Workspace
from .deps import clean, frame_response, require_writer, workspace

router = APIRouter(tags=["monitoring"])


@router.get("/indicators/growth")
def growth(indicator: str = "value_added", region: str = "000000", industry: str = "BCD",
           measure: str = Query("yoy", pattern="^(yoy|ytd|two_year)$"), vintage: Optional[str] = None,
           start: Optional[str] = None, end: Optional[str] = None, ws: Workspace = Depends(workspace)):
    bundle = ind.indicator_growth(ws, indicator, region=region, industry=industry, measure=measure,
                                  vintage=vintage, start=start, end=end)
    return frame_response(bundle.to_frame())


@router.get("/alerts")
def alerts(status: Optional[str] = None, min_level: Optional[str] = None, subject: Optional[str] = None,
           ws: Workspace = Depends(workspace)):
    return frame_response(mon.list_alerts(ws, status=status, min_level=min_level, subject=subject))


@router.get("/alerts/{alert_id}/events")
def alert_events(alert_id: str, ws: Workspace = Depends(workspace)):
    return frame_response(mon.alert_events(ws, alert_id))


@router.post("/alerts/{alert_id}/ack", dependencies=[Depends(require_writer)])
def acknowledge(alert_id: str, actor: Optional[str] = Body(None, embed=True),
                note: Optional[str] = Body(None, embed=True), ws: Workspace = Depends(workspace)):
    return clean(mon.acknowledge_alert(ws, alert_id, actor=actor, note=note))


@router.post("/alerts/{alert_id}/close", dependencies=[Depends(require_writer)])
def close(alert_id: str, actor: Optional[str] = Body(None, embed=True),
          note: Optional[str] = Body(None, embed=True), ws: Workspace = Depends(workspace)):
    return clean(mon.close_alert(ws, alert_id, actor=actor, note=note))


@router.post("/monitor/scan", dependencies=[Depends(require_writer)])
def scan(list_id: Optional[str] = None, vintage: Optional[str] = None,
         history: bool = Query(False, description="also store alerts that ended long ago (backtest)"),
         ws: Workspace = Depends(workspace)):
    return clean(mon.scan(ws, list_id=list_id, vintage=vintage, history=history))


@router.post("/reports", dependencies=[Depends(require_writer)])
def submit_reports(payload: Any = Body(..., description="a list of reports or {'reports': [...]}"),
                   source: Optional[str] = Query(None, description="who sends them (platform or enterprise)"),
                   ws: Workspace = Depends(workspace)):
    return clean(mon.import_operating_reports(ws, payload, source=source or "api"))
