"""The dashboard pages: server-rendered (Jinja2), charts drawn by the vendored ECharts, zh/en by ?lang=.

Every page's URL carries its selection (?region=..&industry=..&chain=..&page=..); every chart's data
comes back as CSV from the same URL with ?csv=<chart>; tables are paged on the server (a page of rows
is sent, never a whole table). A page whose data is absent says what to import.
"""
from __future__ import annotations

import csv
import io
import json
import math
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Callable, Mapping
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ...errors import InduscopeError, InputError
from ...store import Workspace
from ..auth import require
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
templates = Jinja2Templates(directory=str(files("induscope.web").joinpath("templates")))
PAGE_SIZE = 20
LANGS = ("zh", "en")
NAV = (("overview", "/overview"), ("monitoring", "/monitoring"), ("sectors", "/sectors"), ("chains", "/chains"), ("firms", "/firms"),
       ("smes", "/smes"), ("data", "/data"), ("report", "/reports"), ("admin", "/admin"))
#: a tile-grid map of the 31 provinces (row, column): shapes without a boundary file to license
TILES = {"230000": (0, 8), "150000": (1, 6), "220000": (1, 8), "650000": (2, 1), "110000": (2, 6),
         "210000": (2, 8), "620000": (3, 3), "640000": (3, 4), "140000": (3, 5), "130000": (3, 6),
         "120000": (3, 7), "630000": (4, 2), "610000": (4, 4), "410000": (4, 5), "370000": (4, 6),
         "540000": (5, 1), "510000": (5, 3), "500000": (5, 4), "420000": (5, 5), "340000": (5, 6),
         "320000": (5, 7), "520000": (6, 3), "430000": (6, 4), "360000": (6, 5), "330000": (6, 6),
         "310000": (6, 7), "530000": (7, 2), "450000": (7, 3), "440000": (7, 4), "350000": (7, 5),
         "460000": (8, 4)}


@lru_cache(maxsize=2)
@lru_cache(maxsize=4)
def strings(lang: str) -> Mapping[str, str]:
    """The page labels of a language, read once per process (read-only: every request shares them)."""
    return MappingProxyType(json.loads(files("induscope.web").joinpath("static", "i18n", f"{lang}.json")
                                       .read_text(encoding="utf-8")))


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "zh")
    return lang if lang in LANGS else "zh"


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
        return None if isinstance(v, float) and not math.isfinite(v) else v
    return v


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in r.items()} for r in df.to_dict(orient="records")]


def _csv(rows: list[dict[str, Any]], name: str) -> Response:
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _int(request: Request, name: str, default: int = 1) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        v = int(raw)
    except ValueError:
        raise InputError(f"{name}: expected a whole number, got {raw[:40]!r}") from None
    if v < 1 or v > 1_000_000:
        raise InputError(f"{name}: expected 1 to 1000000, got {v}")
    return v


def _paged(request: Request, df: pd.DataFrame, key: str = "page") -> dict[str, Any]:
    n = len(df)
    pages = max(1, math.ceil(n / PAGE_SIZE))
    page = min(_int(request, key), pages)
    rows = _records(df.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])

    def link(p: int) -> str:
        q = dict(request.query_params)
        q[key] = str(p)
        return f"{request.url.path}?{urlencode(q)}"

    return {"rows": rows, "columns": list(df.columns), "page": page, "pages": pages, "total": n,
            "prev": link(page - 1) if page > 1 else None, "next": link(page + 1) if page < pages else None}


def _version(ws: Workspace) -> tuple[str, int]:
    return str(ws.home), ws.path.stat().st_mtime_ns


def _render(request: Request, name: str, page: str, ctx: dict[str, Any], charts: dict[str, Any] | None = None,
            data: dict[str, list[dict[str, Any]]] | None = None) -> Response:
    """The page, or the CSV of one chart (?csv=<chart>) from the same selection."""
    want = request.query_params.get("csv")
    if want is not None:
        if not data or want not in data:
            raise InputError(f"csv: expected one of {', '.join(sorted(data or {})) or '(none on this page)'}, "
                             f"got {want[:40]!r}")
        return _csv(data[want], f"{page}-{want}")
    lang = _lang(request)
    t = strings(lang)
    q = dict(request.query_params)
    q["lang"] = "en" if lang == "zh" else "zh"
    q.pop("csv", None)

    def csv_link(chart: str) -> str:
        qq = {k: v for k, v in request.query_params.items() if k != "csv"}
        qq["csv"] = chart
        return f"{request.url.path}?{urlencode(qq)}"

    ws = request.app.state.workspace
    ctx.setdefault("synthetic", ws.exists() and _synthetic(ws))  # the banner on every page of demo data
    who = getattr(request.state, "principal", None)
    admin = who is not None and not who.anonymous and who.role != "reporter" and who.at_least("admin")
    nav = [{"key": k, "href": f"{href}?lang={lang}", "label": t[f"nav_{k}"], "active": k == page} for k, href in NAV
           if k != "admin" or admin]  # the Admin link only for admins (others get its 403 page)
    return templates.TemplateResponse(request, f"dashboard/{name}", {
        "t": t, "lang": lang, "nav": nav, "switch": f"{request.url.path}?{urlencode(q)}", "page": page,
        "csv_link": csv_link, "charts_json": json.dumps(charts or {}, ensure_ascii=False).replace("</", "<\\/"),
        "who": getattr(request.state, "principal", None), "here": _here(request), **ctx})


def _here(request: Request) -> str:
    """This page's path and query, for the log-in link to come back to (a local path only)."""
    q = request.url.query
    return request.url.path + (f"?{q}" if q else "")


def _synthetic(ws: Workspace) -> bool:
    from ...services import catalog

    ds = catalog.list_datasets(ws)
    return bool(len(ds) and ds["synthetic"].any())


def _guard(ws: Workspace, request: Request, page: str, fn: Callable[[], Response]) -> Response:
    if not ws.exists():
        return _render(request, "empty.html", page, {"message": strings(_lang(request))["empty_workspace"]})
    return fn()


# overview: routers/dashboard_overview.py


# monitoring: dashboard_monitoring.py
# sectors: moved to dashboard_sectors.py


# ---------------------------------------------------------------------------------------------
# chains
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _chain_data(home: str, mtime_ns: int, chain_id: str) -> dict[str, Any]:
    from ...services import chains as svc

    ws = Workspace(home)
    shown = svc.show_chain(ws, chain_id)
    a = svc.assess_chain(ws, chain_id).nodes
    nodes = []
    for r in a.itertuples(index=False):
        nodes.append({"id": r.node_id, "name": str(r.name), "stage": str(r.stage), "position": _clean(r.position),
                      "verdict": str(r.verdict), "reasons": str(r.reasons or ""), "suppliers": _clean(r.suppliers),
                      "import_dependence": _clean(round(float(r.import_dependence), 3)),
                      "explanation": str(r.explanation or "")})
    return {"name": shown["name"], "nodes": nodes, "edges": shown["edges"]}


@router.get("/chains", response_class=HTMLResponse)
def chains(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ...services import chains as chain_svc

        listing = chain_svc.list_chains(ws)
        if listing.empty:
            return _render(request, "chains.html", "chains", {"listing": [], "chain": None})
        chain_id = request.query_params.get("chain") or str(listing["chain_id"].iloc[0])
        if chain_id not in set(listing["chain_id"]):
            raise InputError(f"chain: expected one of {', '.join(listing['chain_id'])}, got {chain_id[:40]!r}")
        d = _chain_data(*_version(ws), chain_id)
        table = pd.DataFrame(d["nodes"])[["id", "name", "stage", "verdict", "reasons", "suppliers", "import_dependence"]]
        return _render(request, "chains.html", "chains", {
            "listing": _records(listing[["chain_id", "name"]]), "chain": chain_id, "chain_name": d["name"],
            "nodes": _paged(request, table)}, {"nodes": d["nodes"], "edges": d["edges"]},
            {"nodes": d["nodes"], "edges": d["edges"]})
    return _guard(ws, request, "chains", page)


# firms: moved to dashboard_firms.py


# SMEs: dashboard_smes.py; report card and the Reports page: dashboard_reports.py

