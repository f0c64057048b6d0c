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
from typing import Any, Callable
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
       ("smes", "/smes"), ("data", "/data"), ("report", "/report"))
#: a tile-grid map of the 31 provinces (row, column): shapes without a boundary file to license
TILES = {"230000": (0, 8), "150000": (1, 6), "220000": (1, 8), "650000": (2, 1), "110000": (2, 6),
         "210000": (2, 8), "620000": (3, 3), "640000": (3, 4), "140000": (3, 5), "130000": (3, 6),
         "120000": (3, 7), "630000": (4, 2), "610000": (4, 4), "410000": (4, 5), "370000": (4, 6),
         "540000": (5, 1), "510000": (5, 3), "500000": (5, 4), "420000": (5, 5), "340000": (5, 6),
         "320000": (5, 7), "520000": (6, 3), "430000": (6, 4), "360000": (6, 5), "330000": (6, 6),
         "310000": (6, 7), "530000": (7, 2), "450000": (7, 3), "440000": (7, 4), "350000": (7, 5),
         "460000": (8, 4)}


@lru_cache(maxsize=2)
def strings(lang: str) -> dict[str, str]:
    return json.loads(files("induscope.web").joinpath("static", "i18n", f"{lang}.json").read_text(encoding="utf-8"))


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
    nav = [{"key": k, "href": f"{href}?lang={lang}", "label": t[f"nav_{k}"], "active": k == page} for k, href in NAV]
    return templates.TemplateResponse(request, f"dashboard/{name}", {
        "t": t, "lang": lang, "nav": nav, "switch": f"{request.url.path}?{urlencode(q)}", "page": page,
        "csv_link": csv_link, "charts_json": json.dumps(charts or {}, ensure_ascii=False).replace("</", "<\\/"),
        **ctx})


def _synthetic(ws: Workspace) -> bool:
    from ...services import catalog

    ds = catalog.list_datasets(ws)
    return bool(len(ds) and ds["synthetic"].any())


def _guard(ws: Workspace, request: Request, page: str, fn: Callable[[], Response]) -> Response:
    if not ws.exists():
        return _render(request, "empty.html", page, {"message": strings(_lang(request))["empty_workspace"]})
    return fn()


# ---------------------------------------------------------------------------------------------
# overview
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _overview_data(home: str, mtime_ns: int) -> dict[str, Any]:
    from ... import reference
    from ...services import indicators as ind
    from ...services import monitoring as mon

    ws = Workspace(home)
    out: dict[str, Any] = {"notes": []}
    try:
        b = ind.indicator_growth(ws, "value_added", region="000000", industry="BCD")
        w = b.wide()
        col = "derived_from_levels" if "derived_from_levels" in w.columns else [c for c in w.columns if c != "period"][0]
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
            out["provinces"] = [{"region": r.part, "name": prov.at[r.part, "short_zh"] if r.part in prov.index else r.part,
                                 "name_en": prov.at[r.part, "name_en"] if r.part in prov.index else r.part,
                                 "growth_pct": round(r.growth_pct, 2)} for r in p.itertuples(index=False)]
        except InduscopeError as e:
            out["notes"].append(str(e))
    al = mon.list_alerts(ws, status=None)
    open_ = al[al["status"] != "closed"] if len(al) else al
    out["alerts"] = [{"level": k, "alerts": int(v)} for k, v in open_["level"].value_counts().items()] if len(open_) else []
    out["period"] = period
    return out


@router.get("/overview", response_class=HTMLResponse)
def overview(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        d = _overview_data(*_version(ws))
        tiles = []
        for r in d.get("provinces", []):
            if r["region"] in TILES:
                y, x = TILES[r["region"]]
                tiles.append([x, y, r["growth_pct"], r["name"] if _lang(request) == "zh" else r["name_en"][:3]])
        charts = {"headline": d.get("headline"), "contribution": d.get("contribution", []), "tiles": tiles,
                  "alerts": d["alerts"]}
        return _render(request, "overview.html", "overview", {"d": d}, charts,
                       {"headline": [{"period": p, "growth_yoy_pct": v} for p, v in
                                     zip(d["headline"]["spark_periods"], d["headline"]["spark"])]
                        if d.get("headline") else [],
                        "contribution": d.get("contribution", []), "provinces": d.get("provinces", []),
                        "alerts": d["alerts"]})
    return _guard(ws, request, "overview", page)


# ---------------------------------------------------------------------------------------------
# monitoring
# ---------------------------------------------------------------------------------------------
@router.get("/monitoring", response_class=HTMLResponse)
def monitoring(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ... import reference
        from ...services import indicators as ind
        from ...services import monitoring as mon

        region = request.query_params.get("region", "000000")
        industry = request.query_params.get("industry", "BCD")
        measure = request.query_params.get("measure", "yoy")
        if measure not in ("yoy", "ytd", "two_year"):
            raise InputError(f"measure: expected yoy, ytd or two_year, got {measure[:20]!r}")
        note = ""
        rows: list[dict[str, Any]] = []
        try:
            w = ind.indicator_growth(ws, "value_added", region=region, industry=industry, measure=measure).wide()
            cols = [c for c in w.columns if c != "period"]
            rows = [{"period": r["period"], **{c: _clean(round(float(r[c]), 3)) if r[c] == r[c] else None for c in cols}}
                    for _, r in w.iterrows()]
        except InduscopeError as e:
            note = str(e)
        # the selection's alerts (the subject the scan watched) and, on the chart, those of this measure
        subject = f"region:{region}" if region != "000000" else f"industry:{industry}"
        al = mon.list_alerts(ws)
        if len(al):
            al = al[al["subject"].astype(str) == subject]
        on_chart = al[al["indicator"] == f"value_added.growth_{measure}"] if len(al) else al
        marks = [{"period": r.last_period, "level": r.level, "series": r.series_name}
                 for r in on_chart.itertuples()] if len(on_chart) else []
        shown = al[["series_name", "level", "status", "start_period", "last_period", "reason"]] if len(al) else \
            pd.DataFrame(columns=["series_name", "level", "status", "start_period", "last_period", "reason"])
        prov = reference.provinces()
        regions = [("000000", "全国 China")] + [(c, f"{z} {e}") for c, z, e in zip(prov["code"], prov["name_zh"], prov["name_en"])]
        return _render(request, "monitoring.html", "monitoring", {
            "region": region, "industry": industry, "measure": measure, "regions": regions, "note": note,
            "alerts": _paged(request, shown)}, {"series": rows, "marks": marks},
            {"series": rows, "alerts": _records(shown)})
    return _guard(ws, request, "monitoring", page)


# ---------------------------------------------------------------------------------------------
# sectors: linkages and key sectors of an IO table
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _sector_data(home: str, mtime_ns: int, table_id: str) -> list[dict[str, Any]]:
    from ...services import io as svc

    ws = Workspace(home)
    names = {r["sector"]: r["name"] for r in svc.sectors(ws, table_id)}
    f = svc.static_analysis(ws, table_id).to_frame()
    cols = ["sector", "output_multiplier", "value_added_multiplier", "backward_linkage_index",
            "forward_linkage_index", "key_sector_class"]
    f = f[cols].copy()
    f.insert(1, "name", [names.get(str(x), "") for x in f["sector"]])
    for c in cols[1:-1]:
        f[c] = f[c].astype(float).round(4)
    return _records(f)


@router.get("/sectors", response_class=HTMLResponse)
def sectors(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ...services import imports

        tables = imports.list_io_tables(ws)
        if tables.empty:
            return _render(request, "sectors.html", "sectors", {"table": None, "tables": []})
        table_id = request.query_params.get("table") or str(tables["table_id"].iloc[0])
        if table_id not in set(tables["table_id"]):
            raise InputError(f"table: expected one of {', '.join(tables['table_id'])}, got {table_id[:40]!r}")
        rows = _sector_data(*_version(ws), table_id)
        return _render(request, "sectors.html", "sectors", {
            "table": table_id, "tables": _records(tables[["table_id", "name"]]),
            "linkages": _paged(request, pd.DataFrame(rows))}, {"rows": rows}, {"linkages": rows})
    return _guard(ws, request, "sectors", page)


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


# ---------------------------------------------------------------------------------------------
# firms
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _revenue_hist(home: str, mtime_ns: int) -> list[dict[str, Any]]:
    import numpy as np

    from ...services import catalog

    ent = catalog.list_enterprises(Workspace(home), limit=10_000)
    rev = pd.to_numeric(ent["revenue"], errors="coerce")
    rev = rev[rev > 0]
    if rev.empty:
        return []
    counts, edges = np.histogram(np.log10(rev), bins=20)
    return [{"log10_revenue_from": round(float(a), 2), "log10_revenue_to": round(float(b), 2), "firms": int(c)}
            for a, b, c in zip(edges[:-1], edges[1:], counts)]


@router.get("/firms", response_class=HTMLResponse)
def firms(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ...services import catalog

        region = request.query_params.get("region") or None
        p = _int(request, "page")
        ent = catalog.list_enterprises(ws, region=region, limit=PAGE_SIZE + 1, offset=(p - 1) * PAGE_SIZE)
        more = len(ent) > PAGE_SIZE
        ent = ent.head(PAGE_SIZE)
        q = dict(request.query_params)

        def link(n: int) -> str:
            return f"/firms?{urlencode({**q, 'page': str(n)})}"

        hist = _revenue_hist(*_version(ws))
        return _render(request, "firms.html", "firms", {
            "region": region or "", "firms": {"rows": _records(ent), "columns": list(ent.columns), "page": p,
                                               "prev": link(p - 1) if p > 1 else None,
                                               "next": link(p + 1) if more else None, "pages": None,
                                               "total": None}},
            {"hist": hist}, {"hist": hist})
    return _guard(ws, request, "firms", page)


# ---------------------------------------------------------------------------------------------
# SMEs
# ---------------------------------------------------------------------------------------------
@router.get("/smes", response_class=HTMLResponse)
def smes(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        try:
            from ...services import sme
        except ImportError:
            return _render(request, "absent.html", "smes", {})
        firm = (request.query_params.get("firm") or "").strip()
        day = (request.query_params.get("date") or "").strip() or None
        explained = None
        if firm:  # one enterprise's evaluation with the explained score table (a read: nothing stored)
            import datetime as dt

            explained = sme.explain_workspace(ws, firm[:40], date=day or dt.date.today().isoformat())
        pipe = sme.pipeline_stats(ws, by=("region",))
        if pipe.empty:
            return _render(request, "smes.html", "smes", {"empty": True, "firm": firm, "date": day or "",
                                                          "explained": explained})
        tiers = pipe.groupby("tier")[["valid", "due_within_6_months", "expired"]].sum().reset_index()
        due = sme.due_certificates(ws, months=6)
        return _render(request, "smes.html", "smes", {
            "empty": False, "pipeline": _paged(request, pipe), "due": _paged(request, due, "due_page"),
            "firm": firm, "date": day or "", "explained": explained},
            {"tiers": _records(tiers)}, {"tiers": _records(tiers), "pipeline": _records(pipe),
                                         "due": _records(due)})
    return _guard(ws, request, "smes", page)


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------
@router.get("/data", response_class=HTMLResponse)
def data(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ...services import catalog

        ds = catalog.list_datasets(ws)
        ds["imported_at"] = ds["imported_at"].astype(str).str[:19]
        return _render(request, "data.html", "data", {"datasets": _paged(request, ds)},
                       None, {"datasets": _records(ds)})
    return _guard(ws, request, "data", page)


# ---------------------------------------------------------------------------------------------
# report card (the same HTML as `induscope report card`, ECharts from /static)
# ---------------------------------------------------------------------------------------------
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
        try:
            year = int(raw)
        except ValueError:
            raise InputError(f"year: expected a year such as 2022, got {raw[:20]!r}") from None
        if not 1990 <= year <= 2100:
            raise InputError(f"year: expected a year such as 2022, got {year}")
        return HTMLResponse(_card_html(*_version(ws), year))
    return _guard(ws, request, "report", page)
