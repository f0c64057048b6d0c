"""The Overview page: headline industrial value-added growth with its sparkline, period and vintage;
contribution and pull by section; a tile-grid map of the provinces; open alerts by level.

Why it is built in two steps: the figures aggregate every province and division of the workspace
(about 3 s on the demo workspace on a 2-core machine, most of it services.indicators), and the
page must paint in well under a second (issue 15, measured by bench/bench_dashboard.py). So the
figures are cached by the version of the data they come from (the store's data-version stamp: audit entries,
logins, jobs and reports do not change it), not by the workspace file; and when they are not computed
yet the page answers at once with its frame and fetches its panels (``?part=panels``, htmx) that
wait for the computation. The alerts are read live on every view (a few milliseconds), so an alert
acknowledged on the Monitoring page leaves the overview's counts at once.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import InduscopeError, InputError
from ...store import Workspace
from ..auth import require
from .dashboard import TILES, _guard, _lang, _render, strings, templates
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
_FIGURES: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_LOCK = threading.Lock()  # one computation at a time: a second view waits for the first one's figures
_KEEP = 4


def _data_version(ws: Workspace) -> tuple:
    """What the figures depend on: the workspace and the version of its data other than reports,
    enterprises, audit, jobs and access (the store's data-version stamp, read without opening DuckDB;
    the same version the stored figures use). An unknown version gets a key of its own: no reuse."""
    from ...services.figures import data_version

    v = data_version(ws)
    return (str(ws.home), ws.data_version().ident, v if v is not None else object())


def _compute(ws: Workspace) -> dict[str, Any]:
    from ... import reference
    from ...services import indicators as ind

    out: dict[str, Any] = {"notes": []}
    try:
        b = ind.indicator_growth(ws, "value_added", region="000000", industry="BCD")
        w = b.wide()
        col = ("derived_from_levels" if "derived_from_levels" in w.columns
               else [c for c in w.columns if c != "period"][0])
        w = w.dropna(subset=[col])
        last = w.iloc[-1]
        out["headline"] = {"period": str(last["period"]), "value": round(float(last[col]), 2),
                           "vintage": str(b.series[0].vintage or "n/a"),
                           "spark": [round(float(v), 2) for v in w[col].tail(24)],
                           "spark_periods": w["period"].tail(24).tolist()}
        period = str(last["period"])
    except InduscopeError as e:
        out["notes"].append(str(e))
        period = None
    if period:
        try:
            c = ind.contribution_breakdown(ws, period, by="section", measure="ytd").to_frame()
            names = {"B": "B 采矿业 mining", "C": "C 制造业 manufacturing", "D": "D 电力燃气水 utilities"}
            out["contribution"] = [{"section": names.get(r.part, r.part), "growth_pct": round(r.growth_pct, 2),
                                    "contribution_pct": round(r.contribution_pct, 2), "pull_pp": round(r.pull_pp, 3)}
                                   for r in c.itertuples(index=False)]
            p = ind.contribution_breakdown(ws, period, by="province", measure="ytd").to_frame()
            prov = reference.provinces().set_index("code")
            out["provinces"] = [{"region": r.part,
                                 "name": prov.at[r.part, "short_zh"] if r.part in prov.index else r.part,
                                 "name_en": prov.at[r.part, "name_en"] if r.part in prov.index else r.part,
                                 "growth_pct": round(r.growth_pct, 2)} for r in p.itertuples(index=False)]
        except InduscopeError as e:
            out["notes"].append(str(e))
    out["period"] = period
    return out


def figures(ws: Workspace, key: tuple | None = None) -> dict[str, Any]:
    """The overview's figures for the workspace's current data (computed once per data version)."""
    key = key or _data_version(ws)
    with _LOCK:
        if key not in _FIGURES:
            _FIGURES[key] = _compute(ws)
            while len(_FIGURES) > _KEEP:
                _FIGURES.popitem(last=False)
        _FIGURES.move_to_end(key)
        return _FIGURES[key]


def warm(ws: Workspace) -> None:
    """Compute the figures and compile the page's templates ahead of the first view (the server calls
    this in a background thread at start-up): a first visitor then gets the whole page at once."""
    import logging

    try:
        for name in ("layout", "overview", "overview_panels"):
            templates.get_template(f"dashboard/{name}.html")
        if ws.exists():
            figures(ws)
    except Exception:  # noqa: BLE001 - only a head start: the first view computes what is missing
        logging.getLogger("induscope.api").debug("overview warm-up failed", exc_info=True)


def _alerts(ws: Workspace) -> list[dict[str, Any]]:
    from ...services import monitoring as mon

    al = mon.list_alerts(ws, status=None)
    open_ = al[al["status"] != "closed"] if len(al) else al
    return [{"level": k, "alerts": int(v)} for k, v in open_["level"].value_counts().items()] if len(open_) else []


def _links(request: Request) -> tuple[Any, str]:
    base = {k: v for k, v in request.query_params.items() if k not in ("csv", "part")}

    def csv_link(chart: str) -> str:
        return f"/overview?{urlencode({**base, 'csv': chart})}"

    return csv_link, f"/overview?{urlencode({**base, 'part': 'panels'})}"


@router.get("/overview", response_class=HTMLResponse)
def overview(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        part = request.query_params.get("part")
        if part not in (None, "panels"):
            raise InputError(f"part: expected panels, got {part[:20]!r}")
        key = _data_version(ws)
        csv_link, panels_url = _links(request)
        if part is None and "csv" not in request.query_params and key not in _FIGURES:
            # not computed yet: the frame paints now, the panels follow when their figures are ready
            return _render(request, "overview.html", "overview", {"d": None, "panels_url": panels_url})
        d = {**figures(ws, key), "alerts": _alerts(ws)}
        lang = _lang(request)
        tiles = []
        for r in d.get("provinces", []):
            if r["region"] in TILES:
                y, x = TILES[r["region"]]
                tiles.append([x, y, r["growth_pct"], r["name"] if lang == "zh" else r["name_en"][:3]])
        charts = {"headline": d.get("headline"), "contribution": d.get("contribution", []), "tiles": tiles,
                  "alerts": d["alerts"]}
        data = {"headline": [{"period": p, "growth_yoy_pct": v} for p, v in
                             zip(d["headline"]["spark_periods"], d["headline"]["spark"])] if d.get("headline") else [],
                "contribution": d.get("contribution", []), "provinces": d.get("provinces", []),
                "alerts": d["alerts"]}
        if part == "panels" and "csv" not in request.query_params:
            return templates.TemplateResponse(request, "dashboard/overview_panels.html", {
                "t": strings(lang), "lang": lang, "d": d, "charts": charts, "csv_link": csv_link})
        return _render(request, "overview.html", "overview", {"d": d, "charts": charts, "panels_csv": csv_link},
                       None, data)
    return _guard(ws, request, "overview", page)
