"""The Firms page: the ESRI ranking (from an all-firm ESRI job, ``network_esri``, run from the page with a
live progress bar) with its histogram and the hidden critical firms (high ESRI, small size); single points
of failure (sole suppliers of an essential input); a firm's neighbourhood graph (its suppliers and
customers, a few hops, capped); alternative suppliers for a firm with their explanation; the enterprises
by revenue and the enterprise list (``services.network``, ``services.catalog``).

The URL carries the selection (``?esri_job=..&firm=..&hops=..&alt=..&customer=..``); every table is paged
on the server (``?esri_page``, ``?hidden_page``, ``?spof_page``, ``?page``). ESRI ranking, hidden critical
firms, single points of failure and the neighbourhood are reads (a viewer sees them); alternative suppliers
are an analysis run (analyst, as in the API) and the ESRI job a write (analyst session).
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import InduscopeError
from ...store import Workspace
from ..auth import require
from .dashboard import PAGE_SIZE, _guard, _int, _lang, _paged, _records, _version, strings
from .dashboard_sectors import _job, job_partial, refusal, render_checked
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
GRAPH_LIMIT = 60  # firms drawn in a neighbourhood graph at most


# ---------------------------------------------------------------------------------------------
# reads, cached per workspace version (or per finished job: its result never changes)
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _enterprises(home: str, mtime_ns: int) -> pd.DataFrame:
    from ...store import networks as network_sql

    ent = network_sql.network_firms(Workspace(home))  # every firm: name, industry, region, revenue
    return ent.assign(firm=ent["firm"].astype(str)).set_index("firm")


@lru_cache(maxsize=8)
def _revenue_hist(home: str, mtime_ns: int) -> list[dict[str, Any]]:
    rev = pd.to_numeric(_enterprises(home, mtime_ns)["revenue"], errors="coerce")
    rev = rev[rev > 0]
    if rev.empty:
        return []
    counts, edges = np.histogram(np.log10(rev), bins=20)
    return [{"log10_revenue_from": round(float(a), 2), "log10_revenue_to": round(float(b), 2), "firms": int(c)}
            for a, b, c in zip(edges[:-1], edges[1:], counts)]


@lru_cache(maxsize=4)
def _ranking(home: str, job_id: str) -> pd.DataFrame:
    """The ESRI ranking a finished job stored, highest first (a finished job's result never changes)."""
    from ...store import jobs as job_store

    job = job_store.get(Workspace(home), job_id) or {}
    items = (job.get("result") or {}).get("items") or []
    df = pd.DataFrame(items, columns=["firm", "esri", "esri_down", "esri_up", "iterations"])
    for c in ("esri", "esri_down", "esri_up"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df.sort_values("esri", ascending=False, kind="stable").reset_index(drop=True)


def _latest_esri_job(ws: Workspace) -> str | None:
    """The newest succeeded all-firm ESRI job (the page's default ranking)."""
    from ...store import jobs as job_store

    rows, _ = job_store.listing(ws, state="succeeded", limit=200)
    for r in rows.itertuples(index=False):
        if r.kind == "network_esri":
            job = job_store.get(ws, r.job_id)
            if job and not (job.get("params") or {}).get("firms"):
                return str(r.job_id)
    return None


@lru_cache(maxsize=8)
def _hidden(home: str, mtime_ns: int, job_id: str, esri_q: float, size_q: float) -> pd.DataFrame:
    from ...services import network as svc

    return svc.hidden_critical_firms(Workspace(home), _ranking(home, job_id), esri_quantile=esri_q,
                                     size_quantile=size_q)


@lru_cache(maxsize=4)
def _single_points(home: str, mtime_ns: int) -> pd.DataFrame:
    from ...services import network as svc

    sup = svc.chokepoints(ws=Workspace(home), backend="serial").sole_suppliers.copy()
    names = _enterprises(home, mtime_ns)["name"]
    sup.insert(1, "name", sup["supplier"].astype(str).map(names).fillna(""))
    sup["dependent_sales"] = sup["dependent_sales"].astype(float).round(2)
    sup["value"] = sup["value"].astype(float).round(2)
    return sup


@lru_cache(maxsize=16)
def _neighbourhood(home: str, mtime_ns: int, firm: str, hops: int) -> dict[str, Any]:
    from ...services import network as svc

    return svc.neighbourhood(Workspace(home), firm, hops=hops, limit=GRAPH_LIMIT)


@lru_cache(maxsize=8)
def _alternatives(home: str, mtime_ns: int, failed: str, customer: str | None) -> dict[str, Any]:
    from ...services import network as svc

    res = svc.alternatives(ws=Workspace(home), failed=failed, customer=customer, top=10, evaluate=5)
    cand = res.candidates.copy()
    names = _enterprises(home, mtime_ns)["name"]
    cand.insert(1, "name", cand["firm"].astype(str).map(names).fillna(""))
    keep = [c for c in ("firm", "name", "industry", "region", "score", "coverage", "spare_capacity",
                        "existing_customers", "esri_after", "esri_drop", "explanation") if c in cand.columns]
    cand = cand[keep]
    for c in ("score", "coverage", "spare_capacity", "esri_after", "esri_drop"):
        if c in cand.columns:
            cand[c] = pd.to_numeric(cand[c], errors="coerce").round(6)
    return {"failed": res.failed, "customers": len(res.customers), "lost_input": res.lost_input, "basis": res.basis,
            "esri_before": res.esri_before, "notes": list(res.notes), "rows": _records(cand)}


def _esri_hist(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Firms by log10 ESRI (binned on the server); firms with ESRI 0 in their own row."""
    v = df["esri"].to_numpy(dtype=float)
    zero = int(np.sum(v <= 0))
    pos = v[v > 0]
    rows = [{"log10_esri_from": None, "log10_esri_to": None, "label": "0", "firms": zero}] if zero else []
    if len(pos):
        counts, edges = np.histogram(np.log10(pos), bins=20)
        rows += [{"log10_esri_from": round(float(a), 2), "log10_esri_to": round(float(b), 2),
                  "label": f"{a:.1f}", "firms": int(c)} for a, b, c in zip(edges[:-1], edges[1:], counts)]
    return rows


def _quantile(request: Request, name: str, default: float) -> tuple[float, str | None]:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default, None
    try:
        v = float(raw)
    except ValueError:
        return default, f"{name}: {strings(_lang(request))['expected_share']} ({raw[:20]!r})"
    if not (math.isfinite(v) and 0.0 <= v <= 1.0):
        return default, f"{name}: {strings(_lang(request))['expected_share']} ({raw[:20]!r})"
    return v, None


def _firm_id(raw: str | None) -> str:
    return (raw or "").strip()[:40]


# ---------------------------------------------------------------------------------------------
# routes
# ---------------------------------------------------------------------------------------------
@router.get("/firms/job/{job_id}", response_class=HTMLResponse)
def firms_job(job_id: str, request: Request, ws: Workspace = Depends(workspace)):
    return job_partial(request, ws, job_id, "network_esri", "firms_job.html")


@router.get("/firms", response_class=HTMLResponse)
def firms(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        from ...services import catalog

        t = strings(_lang(request))
        version = _version(ws)
        q = request.query_params
        messages: list[str] = []
        ctx: dict[str, Any] = {"run_refusal": refusal(request, write=True), "alt_refusal": refusal(request)}
        charts: dict[str, Any] = {}
        data: dict[str, list[dict[str, Any]]] = {}
        names = _enterprises(*version)

        def named(df: pd.DataFrame) -> pd.DataFrame:
            info = names.reindex(df["firm"].astype(str))
            return df.assign(name=info["name"].fillna("").to_numpy(), industry=info["industry"].to_numpy(),
                             region=info["region"].to_numpy())[
                ["firm", "name", "industry", "region"] + [c for c in df.columns if c != "firm"]]

        # -- the ESRI ranking: the job named in the URL, else the newest finished one
        job_id = (q.get("esri_job") or "").strip()
        job = None
        if job_id:
            job, error = _job(ws, job_id, "network_esri", t)
            ctx["esri_job_error"] = error
            ctx["esri_job"] = job
        use = job_id if job is not None and job["state"] == "succeeded" else None
        if use is None and not job_id:
            use = _latest_esri_job(ws)
        ctx["esri_from"] = use
        esri_q, e1 = _quantile(request, "esri_q", 0.9)
        size_q, e2 = _quantile(request, "size_q", 0.5)
        messages += [m for m in (e1, e2) if m]
        ctx["esri_q"], ctx["size_q"] = esri_q, size_q
        if use is not None:
            ranking = _ranking(str(ws.home), use)
            if ranking.empty:
                ctx["esri_from"] = None
            else:
                shown = named(ranking[["firm", "esri", "esri_down", "esri_up"]].round(6))
                ctx["esri"] = _paged(request, shown, "esri_page")
                hist = _esri_hist(ranking)
                charts["esri_hist"] = hist
                data["esri_hist"] = hist
                data["esri"] = _records(shown)
                hidden = None
                try:
                    hidden = _hidden(*version, use, esri_q, size_q)
                except InduscopeError as e:
                    ctx["hidden_error"] = str(e)
                if hidden is not None:  # paged outside the try: a bad ?hidden_page is the 400 envelope
                    hidden = hidden.assign(**{c: hidden[c].astype(float).round(6)
                                              for c in ("esri", "size_share", "esri_percentile", "size_percentile",
                                                        "esri_per_size_share")})
                    ctx["hidden"] = _paged(request, hidden, "hidden_page")
                    data["hidden"] = _records(hidden)

        # -- single points of failure
        spof = None
        try:
            spof = _single_points(*version)
        except InduscopeError as e:
            ctx["spof_error"] = str(e)
        if spof is not None:
            ctx["spof"] = _paged(request, spof, "spof_page")
            data["spof"] = _records(spof)
            charts["spof"] = _records(spof.head(15)[["supplier", "name", "dependent_customers"]])

        # -- a firm's neighbourhood
        firm = _firm_id(q.get("firm"))
        hops_raw = q.get("hops") or "1"
        hops = int(hops_raw) if hops_raw in ("1", "2", "3") else None
        if hops is None:
            messages.append(f"hops: {t['expected_one_of']} 1, 2, 3 ({hops_raw[:10]!r})")
            hops = 1
        ctx["firm"], ctx["hops"] = firm, hops
        if firm:
            try:
                nb = _neighbourhood(*version, firm, hops)
                ctx["neighbourhood"] = nb
                charts["graph"] = nb
                data["neighbourhood"] = nb["edges"]
                data["neighbours"] = nb["nodes"]
            except InduscopeError as e:
                ctx["graph_error"] = str(e)

        # -- alternative suppliers (an analysis run: analyst)
        alt = _firm_id(q.get("alt"))
        customer = _firm_id(q.get("customer")) or None
        ctx["alt"], ctx["customer"] = alt, customer or ""
        if alt:
            if ctx["alt_refusal"]:
                ctx["alt_error"] = ctx["alt_refusal"]
            else:
                try:
                    a = _alternatives(*version, alt, customer)
                    ctx["alternatives"] = a
                    data["alternatives"] = a["rows"]
                except InduscopeError as e:
                    ctx["alt_error"] = str(e)

        # -- enterprises: revenue histogram, the list (one page read from the store)
        region = q.get("region") or None
        p = _int(request, "page")
        ent = catalog.list_enterprises(ws, region=region, limit=PAGE_SIZE + 1, offset=(p - 1) * PAGE_SIZE)
        more = len(ent) > PAGE_SIZE
        ent = ent.head(PAGE_SIZE)
        qq = dict(q)

        def link(n: int) -> str:
            return f"/firms?{urlencode({**qq, 'page': str(n)})}"

        hist = _revenue_hist(*version)
        charts["hist"] = hist
        data["hist"] = hist
        ctx.update({"region": region or "", "messages": messages,
                    "firms": {"rows": _records(ent), "columns": list(ent.columns), "page": p,
                              "prev": link(p - 1) if p > 1 else None, "next": link(p + 1) if more else None,
                              "pages": None, "total": None}})
        return render_checked(request, "firms.html", "firms", ctx, charts, data,
                              [*messages, ctx.get("esri_job_error"), ctx.get("graph_error"),
                               None if ctx["alt_refusal"] else ctx.get("alt_error")])
    return _guard(ws, request, "firms", page)
