"""The Sectors page: linkages and key sectors of an IO table, a shock and its effects (Leontief demand,
Ghosh supply, inoperability: ``services.io``, as ``induscope io shock``), and an ARIO scenario run as a
background job (``ario_run``, submitted by the page's script to POST /api/v1/jobs) with a live progress
bar and, when done, its results over time by region and industry.

The URL carries the selection (``?table=..&sector=..&delta=..&unit=..&model=..&job=..``) so a shared link
shows the same shock and the same job's result. A shock is an analysis run (the API asks an analyst for
it, so does the page); a job is a write (an analyst session with its CSRF header). Bad form values come
back as a message on the page; bad paging or CSV names as the API's one error envelope (400).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import AuthError, InduscopeError, InputError
from ...store import Workspace
from ..auth import require
from .dashboard import _guard, _lang, _paged, _records, _render, _version, strings, templates
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
MODELS = ("leontief", "ghosh", "inoperability")
EVENTS = ("kapital-recover", "capacity-cut", "final-demand")
JOB_ID = re.compile(r"^J[0-9a-f]{12}$")
JOB_DONE_EVENT = "induscope-job-done"
#: the column drawn and sorted by for each model (the table shows the others too)
MAIN = {"leontief": "output_change", "ghosh": "output_change", "inoperability": "economic_loss"}
SHOCK_COLUMNS = {"leontief": ["final_demand_change", "output_change", "output_change_share", "value_added_change"],
                 "ghosh": ["primary_input_change", "output_change", "output_change_share", "value_added_change"],
                 "inoperability": ["inoperability", "economic_loss", "dependency_index", "influence_gain"]}
CHART_BARS = 40  # a bar chart of more sectors than this shows the largest changes only


def refusal(request: Request, role: str = "analyst", write: bool = False) -> str | None:
    """None when the caller may run this (the API's own role check), else why not, for the page."""
    try:
        require(role, write=write)(request, None)
    except (AuthError, InduscopeError) as e:
        t = strings(_lang(request))
        return f"{t['login_to_run']} ({e})"
    return None


# ---------------------------------------------------------------------------------------------
# reads, cached per workspace version
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


@lru_cache(maxsize=8)
def _table_meta(home: str, mtime_ns: int, table_id: str) -> dict[str, Any]:
    """Regions, sectors (code and name) and unit of a table: what the forms offer."""
    from ...services import io as svc

    t = svc.load_table(Workspace(home), table_id)
    names = svc.sector_names(t)
    sectors = [{"code": s, "name": names.get(s) or names.get(f"{t.regions[0]}/{s}", "")} for s in map(str, t.sectors)]
    return {"regions": list(map(str, t.regions)), "sectors": sectors, "unit": t.unit or "",
            "labels": t.label_strings, "names": names}


@lru_cache(maxsize=16)
def _shock_rows(home: str, mtime_ns: int, table_id: str, sector: str, delta: float, relative: bool,
                model: str) -> dict[str, Any]:
    from ...services import io as svc

    run = svc.shock(Workspace(home), table_id, shocks={sector: delta}, relative=relative, model=model)
    f = run.to_frame()
    cols = [c for c in SHOCK_COLUMNS[model] if c in f.columns]
    f = f[["sector"] + cols].copy()
    f.insert(1, "name", [run.names.get(str(x), "") for x in f["sector"]])
    for c in cols:
        f[c] = f[c].astype(float).round(6)
    d = run.to_dict()
    return {"rows": _records(f), "unit": run.unit, "notes": list(run.notes), "reading": list(run.reading),
            "total": d.get("total_output_change", d.get("total_economic_loss"))}


# ---------------------------------------------------------------------------------------------
# the shock form's values
# ---------------------------------------------------------------------------------------------
def _shock_request(request: Request) -> dict[str, Any]:
    """The form as the URL gives it (defaults: a 10 % fall of final demand, Leontief)."""
    q = request.query_params
    return {"sector": (q.get("sector") or "").strip()[:80], "delta": (q.get("delta") or "-0.1").strip()[:40],
            "model": q.get("model") or "leontief", "unit": q.get("unit") or "share"}


def _run_shock(ws: Workspace, request: Request, table_id: str, form: dict[str, Any]) -> dict[str, Any]:
    """The shock's rows, or a message saying what is wrong with the form."""
    t = strings(_lang(request))
    if form["model"] not in MODELS:
        return {"error": f"model: {t['expected_one_of']} {', '.join(MODELS)}"}
    if form["unit"] not in ("share", "absolute"):
        return {"error": f"unit: {t['expected_one_of']} share, absolute"}
    try:
        delta = float(form["delta"])
    except ValueError:
        return {"error": f"{t['shock_delta']}: {t['expected_number']} ({form['delta']!r})"}
    if not math.isfinite(delta):
        return {"error": f"{t['shock_delta']}: {t['expected_number']} ({form['delta']!r})"}
    why = refusal(request)
    if why:
        return {"error": why, "login": True}
    try:
        return _shock_rows(*_version(ws), table_id, form["sector"], delta, form["unit"] == "share", form["model"])
    except InputError as e:
        return {"error": str(e)}


# ---------------------------------------------------------------------------------------------
# the ARIO job: status partial and result
# ---------------------------------------------------------------------------------------------
def _job(ws: Workspace, job_id: str, kind: str, t: dict[str, str]) -> tuple[dict[str, Any] | None, str | None]:
    from ...store import jobs as job_store

    if not JOB_ID.match(job_id):
        return None, f"job: {t['expected_job_id']} ({job_id[:20]!r})"
    job = job_store.get(ws, job_id)
    if job is None:
        return None, f"{t['no_such_job']} {job_id}"
    if job["kind"] != kind:
        return None, f"{t['job_kind_mismatch']} ({job_id}: {job['kind']}, {kind})"
    return job, None


def job_partial(request: Request, ws: Workspace, job_id: str, kind: str, template: str) -> Response:
    """The progress bar of a job (htmx polls it); when the job ends the page reloads to show its result."""
    t = strings(_lang(request))
    job, error = _job(ws, job_id, kind, t)
    final = job is not None and job["state"] not in ("queued", "running")
    resp = templates.TemplateResponse(request, f"dashboard/{template}", {
        "t": t, "lang": _lang(request), "job": job, "error": error, "final": final,
        "poll": f"{request.url.path}?lang={_lang(request)}"})
    if final and request.headers.get("HX-Request"):
        # the final fragment (no more polling) is swapped in, then the page's listener reloads once: the
        # page itself renders the finished job's result (HX-Refresh would skip the swap and keep polling)
        resp.headers["HX-Trigger"] = JOB_DONE_EVENT
    return resp


def _ario_view(request: Request, job: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Charts and tables of a finished ario_run job from its stored result."""
    res = job.get("result") or {}
    summary = res.get("summary") or {}
    out: dict[str, Any] = {"summary": summary, "params": job.get("params") or {}}
    steps = int(res.get("steps") or 0)
    regions = res.get("regions_over_time") or {}
    top = res.get("top_industries_over_time") or {}
    names = meta["names"]

    def label(key: str) -> str:
        r, _, s = key.rpartition("/")
        n = names.get(key) or names.get(s, "")
        return f"{s} {n}".strip() if len(meta["regions"]) == 1 else f"{key} {n}".strip()

    time_rows = []
    for i in range(steps):
        row: dict[str, Any] = {"step": i}
        for r, v in regions.items():
            row[f"region {r}"] = None if v[i] is None else round(100 * v[i], 4)
        for k, v in top.items():
            row[label(k)] = None if v[i] is None else round(100 * v[i], 4)
        time_rows.append(row)
    out["time"] = time_rows
    out["region_keys"] = [f"region {r}" for r in regions]
    out["industry_keys"] = [label(k) for k in top]
    ind = pd.DataFrame(res.get("industries") or [], columns=["region", "sector", "output_loss", "largest_shortfall"])
    if len(ind):
        ind.insert(2, "name", [names.get(f"{r}/{s}") or names.get(str(s), "") for r, s in zip(ind["region"], ind["sector"])])
        ind = ind.sort_values("output_loss", ascending=False, kind="stable")
        ind["output_loss"] = ind["output_loss"].astype(float).round(4)
        ind["largest_shortfall"] = ind["largest_shortfall"].astype(float).round(6)
    out["industries"] = _records(ind)
    out["industries_page"] = _paged(request, ind, "ario_page")
    out["by_place"] = bool(regions)
    return out


# ---------------------------------------------------------------------------------------------
# routes
# ---------------------------------------------------------------------------------------------
@router.get("/sectors/job/{job_id}", response_class=HTMLResponse)
def sectors_job(job_id: str, request: Request, ws: Workspace = Depends(workspace)):
    return job_partial(request, ws, job_id, "ario_run", "sectors_job.html")


@router.get("/sectors", response_class=HTMLResponse)
def sectors(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ...services import imports

        t = strings(_lang(request))
        tables = imports.list_io_tables(ws)
        if tables.empty:
            return _render(request, "sectors.html", "sectors", {"table": None, "tables": []})
        ids = list(map(str, tables["table_id"]))
        table_id = request.query_params.get("table") or ids[0]
        notice = None
        if table_id not in ids:
            notice = f"{t['io_table']}: {t['expected_one_of']} {', '.join(ids)} ({table_id[:40]!r})"
            table_id = ids[0]
        rows = _sector_data(*_version(ws), table_id)
        meta = _table_meta(*_version(ws), table_id)
        ctx: dict[str, Any] = {"table": table_id, "tables": _records(tables[["table_id", "name"]]), "notice": notice,
                               "linkages": _paged(request, pd.DataFrame(rows)), "meta": meta, "models": MODELS,
                               "events": EVENTS, "run_refusal": refusal(request, write=True),
                               "shock_refusal": refusal(request)}
        charts: dict[str, Any] = {"rows": rows}
        data: dict[str, list[dict[str, Any]]] = {"linkages": rows}
        # the shock
        form = _shock_request(request)
        ctx["shock_form"] = form
        if form["sector"]:
            shock = _run_shock(ws, request, table_id, form)
            ctx["shock"] = shock
            if "rows" in shock:
                main = MAIN[form["model"]]
                frame = pd.DataFrame(shock["rows"])
                frame = frame.reindex(frame[main].abs().sort_values(ascending=False, kind="stable").index)
                ctx["shock_table"] = _paged(request, frame, "shock_page")
                bars = frame.head(CHART_BARS)
                charts["shock"] = {"main": main, "rows": _records(bars[["sector", "name", main]])}
                data["shock"] = shock["rows"]
        # the ARIO job named in the URL
        job_id = (request.query_params.get("job") or "").strip()
        if job_id:
            job, error = _job(ws, job_id, "ario_run", t)
            ctx["job"], ctx["job_error"] = job, error
            if job is not None and job["state"] == "succeeded":
                view = _ario_view(request, job, meta)
                ctx["ario"] = view
                charts["ario"] = {"time": view["time"], "regions": view["region_keys"],
                                  "industries": view["industry_keys"]}
                data["ario_time"] = view["time"]
                data["ario_industries"] = view["industries"]
        shock_error = ctx.get("shock", {}).get("error") if not ctx.get("shock", {}).get("login") else None
        return render_checked(request, "sectors.html", "sectors", ctx, charts, data,
                              [notice, ctx.get("job_error"), shock_error])
    return _guard(ws, request, "sectors", page)


def render_checked(request: Request, name: str, page: str, ctx: dict[str, Any], charts: dict[str, Any],
                   data: dict[str, list[dict[str, Any]]], problems: list[str | None]) -> Response:
    """The page; with a bad selection it is answered as a bad request (400) that shows what is wrong
    beside the form, and a CSV of a bad selection is the one error envelope (never another selection's data)."""
    bad = [p for p in problems if p]
    if bad and request.query_params.get("csv") is not None:
        raise InputError("; ".join(bad))
    resp = _render(request, name, page, ctx, charts, data)
    if bad:
        resp.status_code = 400
    return resp
