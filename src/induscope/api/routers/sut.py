"""/api/v1/sut: make and use tables uploaded as files (within INDUSCOPE_API_MAX_UPLOAD_BYTES), read and
checked as `induscope sut requirements` reads them (readers/sut.py: every problem at once, 422), and the
requirements tables derived (services/sut.py). The result is stored as a job's result, so it can be
downloaded later (JSON, or each table as CSV); big files, or ``job=true``, derive in a background job."""
from __future__ import annotations

import shutil
from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from ...services import jobs as svc
from ...services.access import Principal
from ...services.sut import derive_requirements, read_sut
from ..auth import ANALYST_WRITE, principal
from ..schemas import ERRORS, Record
from .deps import clean
from .imports import save_upload
from .jobs import _links, runner

router = APIRouter(responses=ERRORS, tags=["sut"])
SUFFIXES = (".csv", ".xlsx", ".txt")


@router.post("/sut/requirements", operation_id="sut_requirements", response_model=Record,
             responses={202: {"description": "big files (or job=true): the derivation runs as a background job"}},
             **ANALYST_WRITE)
def requirements(request: Request,
                 make: Annotated[UploadFile, File(description="make table: industry codes in the first column, "
                                                              "commodity codes as header (CSV or XLSX); with "
                                                              "layout=bea BEA's long make file (.txt)")],
                 use: Annotated[UploadFile, File(description="use table: commodity codes in the first column, "
                                                             "industry codes as header (intermediate use only)")],
                 scrap: Annotated[Optional[str], Form(max_length=40, description="the scrap commodity's code "
                                                                                 "(BEA: S004)")] = None,
                 technology: Annotated[Literal["industry", "commodity"], Form()] = "industry",
                 layout: Annotated[Literal["wide", "bea"], Form(description="wide matrices or BEA's published "
                                                                            "long files")] = "wide",
                 job: Annotated[bool, Form(description="derive in a background job (202)")] = False,
                 who: Principal = Depends(principal)):
    """Direct and total requirements tables (BEA's derivation) from make and use tables: the summary, the
    four tables (`tables`: direct_requirements, commodity_by_commodity, industry_by_commodity,
    industry_by_industry, as records) and the stored result's `download` link (`?format=csv&table=...`)."""
    folders = []
    try:
        folder, make_path = save_upload(make, SUFFIXES)
        folders.append(folder)
        folder, use_path = save_upload(use, SUFFIXES)
        folders.append(folder)
        inputs = read_sut(make_path, use_path, scrap=scrap, technology=technology, layout=layout)  # 422 here
        jobs = runner(request)
        params = {"make": make_path.name, "use": use_path.name, "scrap": scrap, "technology": technology,
                  "layout": layout}
        big = make_path.stat().st_size + use_path.stat().st_size > request.app.state.settings.import_job_bytes
        if job or big:
            return clean(_links(jobs.submit("sut_requirements", params, who.name, payload=inputs)), 202)
        result = svc.sut_result(derive_requirements(inputs))
        stored = jobs.record("sut_requirements", params, who.name, result)
        return clean({"job_id": stored["job_id"], **stored["result"]})
    finally:
        for f in folders:
            shutil.rmtree(f, ignore_errors=True)
