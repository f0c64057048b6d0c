"""/api/v1/imports: file uploads validated exactly as the CLI's importers do.

The upload is written to a private temporary folder under a name the server makes (the client's file
name lends only its extension, from a short list, and its base name as the source shown in problems);
the importers read it there; the folder is removed afterwards. The body size limit
(INDUSCOPE_API_MAX_UPLOAD_BYTES) holds before anything is read.

A big upload (larger than INDUSCOPE_IMPORT_JOB_BYTES, or any with ``job=true``) is imported as a
background job: 202 and the job; the import service reads, checks and writes it in a thread of the web
process (the one process that writes the workspace), and the folder goes when the job ends.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile

from ...errors import InputError
from ...services.access import Principal, check_reporter_scope
from ...store import Workspace
from ..auth import ANALYST_WRITE, REPORTS_WRITE, principal
from ..schemas import ERRORS, Record, ReportResult
from .deps import clean, workspace
from .jobs import _links, runner

router = APIRouter(responses=ERRORS, tags=["imports"])
SUFFIXES = (".csv", ".xlsx", ".json")
Kind = Literal["series", "enterprises", "supply-links", "io-table"]


def save_upload(upload: UploadFile, allowed: tuple[str, ...]) -> tuple[FsPath, FsPath]:
    """The upload in a private temporary folder under a name the server makes: (folder, file)."""
    raw = FsPath(upload.filename or "upload").name
    suffix = FsPath(raw).suffix.lower()
    if suffix not in allowed:
        raise InputError(f"file {raw!r}: expected one of {', '.join(allowed)}")
    stem = re.sub(r"[^\w.-]", "_", FsPath(raw).stem)[:80] or "upload"
    folder = FsPath(tempfile.mkdtemp(prefix="induscope-upload-"))
    target = folder / f"{stem}{suffix}"
    with open(target, "wb") as out:
        shutil.copyfileobj(upload.file, out, length=1 << 20)
    return folder, target




@router.post("/imports/{kind}", operation_id="import_file", response_model=Record,
             responses={202: {"description": "a big upload (or job=true): the import runs as a background job"}},
             **ANALYST_WRITE)
def import_file(request: Request, kind: Annotated[Kind, Path()],
                file: Annotated[UploadFile, File(description="CSV or XLSX")],
                name: Annotated[Optional[str], Form(max_length=200)] = None,
                unit: Annotated[Optional[str], Form(max_length=40)] = None,
                replace: Annotated[bool, Form()] = False,
                job: Annotated[bool, Form(description="import as a background job (202); uploads over "
                                                      "INDUSCOPE_IMPORT_JOB_BYTES always are")] = False,
                who: Principal = Depends(principal), ws: Workspace = Depends(workspace)):
    """Import a series, enterprises, supply-links or IO-table file; every problem is reported at once
    (422, with file, row, column, value and what was expected) and nothing is stored then. As a job, the
    problems are the job's error (state failed) and nothing is stored either."""
    from ...services import imports as svc

    folder, path = save_upload(file, (".csv", ".xlsx"))
    try:
        if job or path.stat().st_size > request.app.state.settings.import_job_bytes:
            jobs = runner(request)
            params = {"kind": kind, "file": path.name, "name": name, "unit": unit, "replace": replace}
            started = jobs.submit("import", params, who.name, payload={**params, "path": str(path),
                                                                         "folder": str(folder)})
            folder = None  # the job owns it now and removes it when it ends
            return clean(_links(started), 202)
        fn = {"series": svc.import_series, "enterprises": svc.import_enterprises,
              "supply-links": svc.import_supply_links, "io-table": svc.import_io_table}[kind]
        return clean(fn(ws, path, name=name, unit=unit, replace=replace))
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


@router.post("/imports/reports/file", operation_id="import_reports_file", response_model=ReportResult,
             **REPORTS_WRITE)
def import_reports_file(file: Annotated[UploadFile, File(description="CSV, XLSX or JSON")],
                        who: Principal = Depends(principal), ws: Workspace = Depends(workspace)):
    """Operating reports from a file (as `induscope monitor report import`); a reporter's only for its firms."""
    from ...readers.reports import read_reports
    from ...services import monitoring as mon

    folder, path = save_upload(file, SUFFIXES)
    try:
        records, _ = read_reports(path)
        rows = records.to_dict("records") if hasattr(records, "to_dict") else list(records)
        check_reporter_scope(who, {str(r.get("firm_id") or "") for r in rows})
        return clean(mon.import_operating_reports(ws, records, source="api" if who.anonymous else who.name))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
