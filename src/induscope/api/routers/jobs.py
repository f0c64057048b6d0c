"""/api/v1/jobs: long work as background jobs (202 + a job id; state, progress, cancel, result)."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field

from ...errors import NotFoundError
from ...services import jobs as svc
from ...services.access import ForbiddenError, Principal
from ...store import jobs as job_store
from ...store import Workspace
from ..auth import ANALYST_WRITE, VIEWER, principal
from ..schemas import ERRORS, Open, Page, Record, Strict
from .deps import PagingDep, clean, page, workspace

router = APIRouter(responses=ERRORS, tags=["jobs"])
JobId = Annotated[str, Path(pattern=r"^J[0-9a-f]{12}$")]


class JobIn(Strict):
    kind: Literal[tuple(svc.KINDS)]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict, description="ario_run / ario_sweep: table_id, damage, "
                                   "event, steps, step, duration, regions, sectors; network_esri: firms, engine, "
                                   "table_id")


class Job(Open):
    job_id: str
    kind: str
    state: str
    progress: float
    message: Optional[str] = None


def runner(request: Request) -> svc.JobRunner:
    app = request.app
    if getattr(app.state, "jobs", None) is None:
        app.state.jobs = svc.JobRunner(app.state.workspace, app.state.settings.workers)
        app.state.jobs.recover()
    return app.state.jobs


def _links(job: dict) -> dict:
    job = {k: v for k, v in job.items() if k != "result"}
    base = f"/api/v1/jobs/{job['job_id']}"
    job["links"] = {"self": base, "result": f"{base}/result", "cancel": f"{base}/cancel"}
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


@router.post("/jobs/{job_id}/cancel", operation_id="cancel_job", response_model=Job, **ANALYST_WRITE)
def cancel(job_id: JobId, who: Principal = Depends(principal), ws: Workspace = Depends(workspace),
           jobs: svc.JobRunner = Depends(runner)):
    """Cancel a queued or running job (its owner or an admin)."""
    job = _job(ws, job_id)
    if job["owner"] != who.name and who.role != "admin":
        raise ForbiddenError(f"job {job_id} belongs to {job['owner']}; only it or an admin may cancel it")
    return clean(_links(jobs.cancel(job_id)))
