"""The dashboard's HTML pages (server-rendered; charts drawn by ECharts served from the package)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ...errors import InduscopeError
from ...services import catalog as svc
from ...services import chains as chain_svc
from ...services import indicators as ind
from ...store import Workspace
from ..auth import require
from .deps import workspace

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("induscope.web").joinpath("templates")))


@lru_cache(maxsize=8)
def _headline(home: str, mtime_ns: int) -> dict:
    """National industrial value added growth (YoY, %), cached per version of the workspace file
    (``mtime_ns`` is only part of the cache key)."""
    ws = Workspace(home)
    try:
        wide = ind.indicator_growth(ws, "value_added", region="000000", industry="BCD").wide()
    except InduscopeError as e:  # no value-added levels in this workspace: say so on the page
        return {"periods": [], "series": {}, "note": str(e)}
    series = {c: [None if v != v else round(float(v), 2) for v in wide[c]] for c in wide.columns if c != "period"}
    return {"periods": wide["period"].tolist(), "series": series, "note": ""}


@router.get("/", response_class=HTMLResponse, dependencies=[Depends(require("viewer"))])
def home(request: Request, ws: Workspace = Depends(workspace)):
    if not ws.exists():
        return templates.TemplateResponse(request, "empty.html", {})
    datasets = svc.list_datasets(ws)
    datasets = datasets.astype(object).where(datasets.notna(), None)
    chart = _headline(str(ws.home), ws.path.stat().st_mtime_ns)
    return templates.TemplateResponse(request, "home.html", {
        "status": svc.workspace_status(ws), "datasets": datasets.to_dict(orient="records"),
        "synthetic": bool(datasets["synthetic"].any()) if len(datasets) else False,
        "chains": chain_svc.list_chains(ws).to_dict(orient="records"),
        "chart_json": json.dumps(chart, ensure_ascii=False),
    })
