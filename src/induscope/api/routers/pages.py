"""The dashboard's HTML pages (server-rendered; charts drawn by ECharts served from the package)."""
from __future__ import annotations

import json
from importlib.resources import files

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ...services import catalog as svc
from ...services import chains as chain_svc
from ...services import figures
from ...store import Workspace
from ..auth import require
from .deps import workspace

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("induscope.web").joinpath("templates")))
#: tables the home page does not count: users, tokens, the audit log and jobs are not a viewer's
#: business, and enterprise operating reports arrive all day (the reports page has them); leaving them
#: out keeps this page cached while only they change (api/cache.py)
_NOT_ON_HOME = {"schema_version", "users", "api_tokens", "audit_log", "jobs", "figures", "operating_reports"}


@router.get("/", response_class=HTMLResponse, dependencies=[Depends(require("viewer"))])
def home(request: Request, ws: Workspace = Depends(workspace)):
    if not ws.exists():
        return templates.TemplateResponse(request, "empty.html", {})
    chart = figures.headline(ws)  # computed once per data change, served from the store (may store it)
    with ws.session() as s:  # the rest from one snapshot
        datasets = svc.list_datasets(s)
        status = svc.workspace_status(s)
        chains = chain_svc.list_chains(s).to_dict(orient="records")
    datasets = datasets.astype(object).where(datasets.notna(), None)
    status["tables"] = {k: v for k, v in status["tables"].items() if k not in _NOT_ON_HOME}
    return templates.TemplateResponse(request, "home.html", {
        "status": status, "datasets": datasets.to_dict(orient="records"),
        "synthetic": bool(datasets["synthetic"].any()) if len(datasets) else False,
        "chains": chains, "chart_json": json.dumps(chart, ensure_ascii=False),
    })
