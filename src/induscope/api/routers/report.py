"""/api/v1/report: the report card (or a monthly brief) as a background job; the file is downloaded from
the job (``GET /api/v1/jobs/{id}/download``). The same job is ``POST /api/v1/jobs`` with kind ``report_card``."""
from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Depends
from pydantic import Field

from ...services import jobs as svc
from ...services.access import Principal
from ..auth import ANALYST_WRITE, principal
from ..schemas import ERRORS, Strict
from .deps import clean
from .jobs import Job, _links, runner

router = APIRouter(responses=ERRORS, tags=["report"])


class ReportCardIn(Strict):
    year: int = Field(ge=1990, le=2100, description="report year, e.g. 2022")
    region: Optional[str] = Field(None, max_length=40, description="GB/T 2260 province code or name; null: the nation")
    format: Literal["html", "pdf"] = Field("html", description="html (one self-contained file) or pdf (Chromium)")
    lang: Literal["zh", "en"] = Field("zh", description="the reader's language (the card carries Chinese and "
                                                        "English titles side by side)")
    month: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM: a monthly brief to that month")


@router.post("/report/cards", operation_id="create_report_card", response_model=Job, status_code=202,
             **ANALYST_WRITE)
def create_report_card(body: ReportCardIn, who: Principal = Depends(principal),
                       jobs: svc.JobRunner = Depends(runner)):
    """Generate the report card as a job (as `induscope report card`, from the workspace's data): 202 and
    the job; its result links the file (`download`)."""
    return clean(_links(jobs.submit("report_card", body.model_dump(), who.name)), 202)
