"""Report cards: the Reports page (report-card jobs with their progress and downloads, and the form that
starts one: ``POST /api/v1/jobs`` with kind ``report_card``) and the card itself in the page
(``/report?year=2022``, the same HTML as ``induscope report card``, ECharts from /static)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import InputError
from ...store import Workspace
from ..auth import require
from .dashboard import _guard, _paged, _records, _render, _version
from .dashboard_monitoring import may
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
KIND = "report_card"
#: how many of the latest jobs the page looks through for report cards (the jobs table holds every kind)
RECENT = 1000
JOB_COLUMNS = ["job_id", "state", "progress", "message", "owner", "created_at", "finished_at", "error"]


def _year(raw: str) -> int:
    try:
        year = int(raw)
    except ValueError:
        raise InputError(f"year: expected a year such as 2022, got {raw[:20]!r}") from None
    if not 1990 <= year <= 2100:
        raise InputError(f"year: expected a year such as 2022, got {year}")
    return year


@lru_cache(maxsize=4)
def _card_html(home: str, mtime_ns: int, year: int) -> str:
    from ...report import build_card, render_html

    return render_html(build_card(Workspace(home), year), inline_js=False)


@router.get("/report", response_class=HTMLResponse)
def report(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        raw = request.query_params.get("year")
        if raw is None:
            return _render(request, "report.html", "report", {})
        return HTMLResponse(_card_html(*_version(ws), _year(raw)))
    return _guard(ws, request, "report", page)


def _jobs_service() -> Any:
    try:
        from ...services import jobs as svc
    except ImportError:
        return None
    return svc if KIND in getattr(svc, "KINDS", {}) else None


def _job_id(request: Request) -> str:
    raw = request.query_params.get("job") or ""
    if raw and not re.match(r"^J[0-9a-f]{12}$", raw):
        raise InputError(f"job: expected a job id such as J0123456789ab, got {raw[:20]!r}")
    return raw


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ... import reference
        from ...store import jobs as job_store

        svc = _jobs_service()
        recent, _ = job_store.listing(ws, limit=RECENT)
        mine = recent[recent["kind"] == KIND] if len(recent) else recent
        cols = [c for c in JOB_COLUMNS if c in mine.columns]
        mine = mine[cols] if len(mine) else pd.DataFrame(columns=cols)
        p = _paged(request, mine)
        for r in p["rows"]:  # the page's rows only: what each card was asked for
            job = job_store.get(ws, r["job_id"]) or {}
            params = job.get("params") or {}
            r.update(year=params.get("year"), region=params.get("region") or "000000",
                     format=params.get("format", "html"), lang=params.get("lang", "zh"),
                     created_at=str(r.get("created_at") or "")[:19], finished_at=str(r.get("finished_at") or "")[:19],
                     download=f"/api/v1/jobs/{r['job_id']}/download" if r["state"] == "succeeded" else None)
        prov = reference.provinces()
        regions = [("", "全国 China")] + [(c, f"{z} {e}") for c, z, e in
                                           zip(prov["code"], prov["name_zh"], prov["name_en"])]
        return _render(request, "reports.html", "report", {
            "jobs": p, "regions": regions, "available": svc is not None, "can_write": may(request),
            "job": _job_id(request)}, None,
            {"jobs": _records(mine)})
    return _guard(ws, request, "report", page)
