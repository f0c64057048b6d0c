"""The Data page: every dataset with its provenance and vintages (paged), and an import form.

The form posts to ``/data/import`` (a page-local write: analyst role, session + CSRF as every write),
which saves the upload under a server-made name exactly as ``POST /api/v1/imports/{kind}`` does and
calls the same importers as ``induscope import``: the whole file is validated first and every problem
comes back at once as a table (file, row, column, value, expected) with nothing written. The upload
size limit (INDUSCOPE_API_MAX_UPLOAD_BYTES) holds in the body guard before anything is read. A file
larger than INDUSCOPE_IMPORT_JOB_BYTES is imported by a background job, as the API's big uploads are:
the page shows its progress (``/data/import/jobs/{id}``, a fragment that polls itself) and then the
same answer, the new dataset or the problems table.
"""
from __future__ import annotations

import shutil
from typing import Annotated, Any, Optional

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from ...errors import InduscopeError, InputError, ValidationError
from ...store import Workspace
from ..auth import require
from .dashboard import _guard, _lang, _paged, _records, _render, strings, templates
from .dashboard_sectors import _job
from .deps import workspace
from .imports import save_upload
from .jobs import runner

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
#: the import kinds of the form: the API's (routers/imports.py), each with its service function's name
KINDS = {"series": "import_series", "enterprises": "import_enterprises", "supply-links": "import_supply_links",
         "io-table": "import_io_table"}
COLUMNS = ["dataset_id", "kind", "name", "source", "unit", "vintages", "rows", "imported_at", "synthetic"]


def _datasets(ws: Workspace) -> pd.DataFrame:
    from ...services import catalog

    ds = catalog.dataset_provenance(ws)
    ds["imported_at"] = ds["imported_at"].astype(str).str[:19]

    def vintages(r) -> str:  # one vintage, or the first and last of several and how many
        if isinstance(r.vintage, str) and r.vintage:
            return r.vintage
        if pd.isna(r.vintages) or not r.vintages:
            return ""
        if int(r.vintages) == 1:
            return str(r.first_vintage)
        return f"{r.first_vintage} … {r.last_vintage} ({int(r.vintages)})"

    ds["vintages"] = [vintages(r) for r in ds.itertuples(index=False)]
    # newest first: an import just made is on the first page
    return ds[COLUMNS].iloc[::-1].reset_index(drop=True)


def _paged_on_data(request: Request, ds: pd.DataFrame) -> dict[str, Any]:
    """A page of datasets whose paging links point at /data (also when answering /data/import)."""
    p = _paged(request, ds)
    for k in ("prev", "next"):
        if p.get(k):
            p[k] = "/data?" + p[k].split("?", 1)[1]
    return p


def _can_import(request: Request) -> bool:
    who = getattr(request.state, "principal", None)
    return bool(who is not None and not who.anonymous and who.role != "reporter" and who.at_least("analyst"))


@router.get("/data", response_class=HTMLResponse)
def data(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        ds = _datasets(ws)
        settings = request.app.state.settings
        return _render(request, "data.html", "data", {
            "datasets": _paged_on_data(request, ds), "kinds": list(KINDS), "can_import": _can_import(request),
            "max_upload": settings.api_max_upload_bytes,
            "max_upload_mb": round(settings.api_max_upload_bytes / 1e6, 1)},
            None, {"datasets": _records(ds)})
    return _guard(ws, request, "data", page)


def _result(request: Request, ctx: dict[str, Any], status: int) -> Response:
    lang = _lang(request)
    return templates.TemplateResponse(request, "dashboard/data_import_result.html",
                                      {"t": strings(lang), "lang": lang, **ctx}, status_code=status)


@router.post("/data/import", response_class=HTMLResponse, operation_id="dashboard_import_file",
             dependencies=[Depends(require("analyst", write=True))])
def import_file(request: Request, kind: Annotated[str, Form(max_length=20)],
                file: Annotated[UploadFile, File()],
                name: Annotated[Optional[str], Form(max_length=200)] = None,
                unit: Annotated[Optional[str], Form(max_length=40)] = None,
                replace: Annotated[bool, Form()] = False, ws: Workspace = Depends(workspace)):
    """An HTML fragment: the new dataset (and the refreshed dataset table, swapped out of band), or
    the problems table (422) with nothing written. A refusal answers HTML to the page's htmx
    (``HX-Request``) and the API's JSON error envelope to any other client."""
    from ...services import imports as svc
    from ..errors import Scrubber

    scrub = Scrubber(request.app.state.settings.home)
    try:
        if kind not in KINDS:
            raise InputError(f"kind: expected one of {', '.join(KINDS)}, got {kind[:20]!r}")
        folder, path = save_upload(file, (".csv", ".xlsx"))
        try:
            name, unit = (name or "").strip() or None, (unit or "").strip() or None
            if path.stat().st_size > request.app.state.settings.import_job_bytes:
                # a big file: read, checked and written by a background job, followed on the page
                who = request.state.principal
                params = {"kind": kind, "file": path.name, "name": name, "unit": unit, "replace": replace}
                job = runner(request).submit("import", params, who.name, payload={
                    **params, "path": str(path), "folder": str(folder)})
                folder = None  # the job owns the upload now and removes it when it ends
                # always the progress fragment, even if a fast job has ended already: the answer to a
                # submission must not depend on a race; the fragment's first poll shows the result
                return _progress(request, job, 202)
            out = getattr(svc, KINDS[kind])(ws, path, name=name, unit=unit, replace=replace)
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
    except InduscopeError as e:
        if request.headers.get("HX-Request") != "true":
            raise  # a client other than the page's htmx: the API's one error envelope
        return _failed(request, scrub, e)
    ds = _datasets(ws)
    return _result(request, {"ok": True, "summary": out, "datasets": _paged_on_data(request, ds)}, 200)


@router.get("/data/import/jobs/{job_id}", response_class=HTMLResponse, operation_id="dashboard_import_job")
def import_job(request: Request, job_id: Annotated[str, Path(pattern=r"^J[0-9a-f]{12}$")],
               ws: Workspace = Depends(workspace)):
    """The import job's progress (the fragment polls itself), then its result: the new dataset, or
    the problems table with nothing written."""
    return _job_fragment(request, ws, job_id)


def _progress(request: Request, job: dict[str, Any], status: int) -> Response:
    """The import job's progress bar, which asks for itself again until the job ends."""
    lang = _lang(request)
    return templates.TemplateResponse(request, "dashboard/data_import_job.html",
                                      {"t": strings(lang), "lang": lang, "job": job}, status_code=status)


def _job_fragment(request: Request, ws: Workspace, job_id: str) -> Response:
    job, error = _job(ws, job_id, "import", strings(_lang(request)))
    if job is None:
        return _result(request, {"ok": False, "message": error, "problems": []}, 404)
    if job["state"] == "succeeded":
        ds = _datasets(ws)
        return _result(request, {"ok": True, "summary": job["result"], "datasets": _paged_on_data(request, ds),
                                 "job": job}, 200)
    if job["state"] in ("queued", "running"):
        return _progress(request, job, 200)
    detail = job["result"] if isinstance(job.get("result"), dict) else {}
    return _result(request, {"ok": False, "message": job.get("error") or job.get("message") or job["state"],
                             "problems": detail.get("problems") or [], "total": detail.get("total"),
                             "job": job}, 200)


def _failed(request: Request, scrub: Any, e: InduscopeError) -> Response:
    """The page's answer to a refused import (htmx swaps it in): every problem in a table."""
    if isinstance(e, ValidationError):
        problems = [{**p.to_dict(), "source": scrub(str(p.source))} for p in e.problems]
        return _result(request, {"ok": False, "message": scrub(e._headline()), "problems": problems,
                                 "total": e.total}, 422)
    return _result(request, {"ok": False, "message": scrub(str(e)), "problems": []}, e.http_status)
