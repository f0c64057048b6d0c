"""/api/v1/jobs: long work as background jobs (202 + a job id; state, progress, cancel, result, download)."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import Field

from ..._json import dumps
from ...errors import InputError, NotFoundError
from ...services import jobs as svc
from ...services.access import ForbiddenError, Principal
from ...store import jobs as job_store
from ...store import Workspace
from ..auth import ANALYST_WRITE, VIEWER, principal
from ..schemas import ERRORS, Open, Page, Record, Strict
from .deps import FormatQ, PagingDep, clean, csv_response, page, workspace

router = APIRouter(responses=ERRORS, tags=["jobs"])
JobId = Annotated[str, Path(pattern=r"^J[0-9a-f]{12}$")]


class JobIn(Strict):
    kind: Literal[tuple(svc.SUBMITTABLE)]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict, description="ario_run / ario_sweep: table_id, damage, "
                                   "event, steps, step, duration, regions, sectors; network_esri: firms, engine, "
                                   "table_id; report_card: year, region (null: the nation), format (html, pdf), "
                                   "lang (zh, en), month (YYYY-MM: a monthly brief)")


class Job(Open):
    job_id: str
    kind: str
    state: str
    progress: float
    message: Optional[str] = None


def runner(request: Request) -> svc.JobRunner:
    app = request.app
    if getattr(app.state, "jobs", None) is None:
        app.state.jobs = svc.JobRunner.from_settings(app.state.workspace, app.state.settings)
        app.state.jobs.recover()
    return app.state.jobs


def _links(job: dict) -> dict:
    job = {k: v for k, v in job.items() if k != "result"}
    base = f"/api/v1/jobs/{job['job_id']}"
    job["links"] = {"self": base, "result": f"{base}/result", "download": f"{base}/download", "cancel": f"{base}/cancel"}
    return job


@router.post("/jobs", operation_id="submit_job", response_model=Job, status_code=202, **ANALYST_WRITE)
def submit(body: JobIn, who: Principal = Depends(principal), jobs: svc.JobRunner = Depends(runner)):
    """Start a job; answers 202 with its id at once (inputs are checked first: errors come back here)."""
    return clean(_links(jobs.submit(body.kind, body.params, who.name)), 202)


@router.get("/jobs", operation_id="list_jobs", response_model=Page[Job], **VIEWER)
def list_jobs(paging: PagingDep, state: Optional[Literal[tuple(svc.STATES)]] = None,  # type: ignore[valid-type]
              ws: Workspace = Depends(workspace)):
    """Jobs, newest first."""
    rows, total = job_store.listing(ws, state=state, limit=paging.limit, offset=paging.offset)
    return page(rows, paging, name="jobs", total=total, sliced=True)


def _job(ws: Workspace, job_id: str) -> dict:
    job = job_store.get(ws, job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id!r}")
    return job


@router.get("/jobs/{job_id}", operation_id="get_job", response_model=Job, **VIEWER)
def get_job(job_id: JobId, ws: Workspace = Depends(workspace)):
    """State, progress (fraction and message), start and end times, and the result link."""
    return clean(_links(_job(ws, job_id)))


@router.get("/jobs/{job_id}/result", operation_id="get_job_result", response_model=Record, **VIEWER)
def result(job_id: JobId, ws: Workspace = Depends(workspace)):
    """The stored result of a job that succeeded."""
    job = _job(ws, job_id)
    if job["state"] != "succeeded":
        raise NotFoundError(f"job {job_id} has no result: it is {job['state']}")
    return clean(job["result"])


def _table_records(job: dict, table: Optional[str]) -> list[dict]:
    res = job["result"]
    if isinstance(res, dict) and isinstance(res.get("tables"), dict):
        names = sorted(res["tables"])
        if table not in res["tables"]:
            raise InputError(f"table: this result holds the tables {', '.join(names)}; name one, got {table!r}")
        return res["tables"][table]
    if isinstance(res, dict) and isinstance(res.get("items"), list) and table is None:
        return res["items"]
    raise InputError("this result is not a table: download it as JSON (format=json)")


@router.get("/jobs/{job_id}/download", operation_id="download_job_result", response_class=Response,
            responses={200: {"description": "the result file (a report card: HTML or PDF), the result as JSON, or "
                             "a table of it as CSV", "content": {"application/json": {}, "text/csv": {},
                                                                  "text/html": {}, "application/pdf": {}}}},
            **VIEWER)
def download(job_id: JobId, format: Optional[FormatQ] = None,
             table: Annotated[Optional[str], Query(pattern=r"^[a-z_]{1,40}$",
                                                   description="which table of a result with several "
                                                               "(supply-use: direct_requirements, "
                                                               "commodity_by_commodity, ...)")] = None,
             ws: Workspace = Depends(workspace)):
    """The stored result as a download: a job's file (report card: HTML or PDF) with its name, else the
    result as JSON, or a table of it as CSV (cells starting with = + - @ neutralised)."""
    job = _job(ws, job_id)
    if job["state"] != "succeeded":
        raise NotFoundError(f"job {job_id} has no result: it is {job['state']}")
    path = svc.result_file(ws, job)
    if path is not None and format is None:
        return FileResponse(path, media_type=job["result"]["media_type"], filename=path.name,
                            headers={"X-Content-Type-Options": "nosniff"})
    if format == "csv":
        return csv_response(_table_records(job, table), f"{job['kind']}-{job_id}" + (f"-{table}" if table else ""))
    return Response(dumps(job["result"]).encode("utf-8"), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{job["kind"]}-{job_id}.json"'})


@router.post("/jobs/{job_id}/cancel", operation_id="cancel_job", response_model=Job, **ANALYST_WRITE)
def cancel(job_id: JobId, who: Principal = Depends(principal), ws: Workspace = Depends(workspace),
           jobs: svc.JobRunner = Depends(runner)):
    """Cancel a queued or running job (its owner or an admin)."""
    job = _job(ws, job_id)
    if job["owner"] != who.name and who.role != "admin":
        raise ForbiddenError(f"job {job_id} belongs to {job['owner']}; only it or an admin may cancel it")
    return clean(_links(jobs.cancel(job_id)))
