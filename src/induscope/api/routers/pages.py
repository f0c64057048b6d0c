"""The dashboard's HTML pages (server-rendered; charts drawn by ECharts served from the package)."""
from __future__ import annotations

import json
from importlib.resources import files

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ...services import catalog as svc
from ...store import Workspace
from .deps import workspace

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("induscope.web").joinpath("templates")))


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ws: Workspace = Depends(workspace)):
    if not ws.exists():
        return templates.TemplateResponse(request, "empty.html", {"home": str(ws.home)})
    datasets = svc.list_datasets(ws)
    national = svc.national_total(ws)
    chains = svc.list_chains(ws)
    status = svc.workspace_status(ws)
    chart = {"periods": national["period"].tolist(), "values": [round(v, 1) for v in national["value"]],
             "unit": national["unit"].iloc[0] if len(national) else ""}
    return templates.TemplateResponse(request, "home.html", {
        "status": status, "datasets": datasets.to_dict(orient="records"),
        "synthetic": bool(datasets["synthetic"].any()) if len(datasets) else False,
        "chains": chains.to_dict(orient="records"), "chart_json": json.dumps(chart, ensure_ascii=False),
    })
