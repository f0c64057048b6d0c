"""/api/v1/sme: tiers of the workspace's enterprises, certificates due, pipeline, rule sets (services.sme)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Depends, Path, Query

from ...store import Workspace
from ..auth import ANALYST_RUN, VIEWER
from ..schemas import ERRORS
from .deps import PagingDep, clean, page, workspace

router = APIRouter(responses=ERRORS)
Day = Annotated[Optional[dt.date], Query(description="evaluation date YYYY-MM-DD (default today); picks the rule set")]
Province = Annotated[Optional[str], Query(pattern=r"^\d{6}$", description="province for its local indicator")]


@router.get("/sme/rulesets", tags=["sme"], operation_id="sme_rulesets", **VIEWER)
def rulesets(paging: PagingDep):
    """The tier rule sets (2022-63, 2026-2) with their effective dates and confidence."""
    from ...services import sme

    return page(sme.list_rulesets(), paging, name="sme_rulesets")


@router.get("/sme/enterprises/{firm_id}/evaluation", tags=["sme"], operation_id="sme_explain", **ANALYST_RUN)
def explain(firm_id: Annotated[str, Path(max_length=64, pattern=r"^[\w.-]+$")], date: Day = None,
            province: Province = None, ws: Workspace = Depends(workspace)):
    """One workspace enterprise against every tier: indicators, bands, points, conditions, what is missing
    and what the next tier needs."""
    from ...services import sme

    return clean(sme.explain_workspace(ws, firm_id, date=date or dt.date.today(), province=province))


@router.get("/sme/certificates/due", tags=["sme"], operation_id="sme_certificates_due", **VIEWER)
def due(paging: PagingDep, months: Annotated[int, Query(ge=0, le=120)] = 6, as_of: Day = None,
        tier: Optional[Literal["innovative", "srdi", "little_giant"]] = None, ws: Workspace = Depends(workspace)):
    """Certificates expiring (re-review due) within ``months``."""
    from ...services import sme

    return page(sme.due_certificates(ws, months=months, as_of=as_of, tier=tier), paging, name="certificates_due")


@router.get("/sme/pipeline", tags=["sme"], operation_id="sme_pipeline", **VIEWER)
def pipeline(paging: PagingDep, by: Annotated[list[Literal["region", "industry", "division", "chain_node", "cluster"]],
                                              Query(max_length=3)] = ["region"],  # noqa: B006 - FastAPI default
             as_of: Day = None, ws: Workspace = Depends(workspace)):
    """Certificates by tier and status (valid, due within 6 months, expired, revoked) per group."""
    from ...services import sme

    return page(sme.pipeline_stats(ws, by=tuple(by), as_of=as_of), paging, name="sme_pipeline")
