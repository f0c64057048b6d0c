"""/api/v1/network: firm-level supply networks built from the workspace (enterprises, supply links and
the essentiality derived from a stored IO table): shock scenarios, chokepoints, alternative suppliers.
All-firm ESRI is long work: a job (or the CLI). No route takes a file: the services' file arguments
stay unset, so only the workspace is read."""
from __future__ import annotations

from typing import Annotated, Optional

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from ...store import Workspace
from ..auth import ANALYST_RUN
from ..schemas import ERRORS, Record, Strict
from .deps import clean, workspace

router = APIRouter(responses=ERRORS, tags=["network"])
TableQ = Annotated[Optional[str], Query(pattern=r"^[A-Za-z0-9_-]{1,64}$",
                                        description="the IO table essentiality is derived from "
                                                    "(default: the only one)")]
Code = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\s=]+(=(0(\.\d+)?|1(\.0+)?))?$")]


class ScenarioIn(Strict):
    """What is shocked: firms, regions, industries; each 'CODE' (loses ``psi``) or 'CODE=share'."""

    firms: list[Code] = Field(default_factory=list, max_length=10_000)
    regions: list[Code] = Field(default_factory=list, max_length=100)
    industries: list[Code] = Field(default_factory=list, max_length=1000)
    psi: float = Field(1.0, ge=0, le=1, allow_inf_nan=False, description="share of capacity lost (1 = all)")
    name: str = Field("scenario", max_length=100)
    table_id: Optional[str] = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


@router.post("/network/scenario", operation_id="network_scenario", response_model=Record, **ANALYST_RUN)
def scenario(body: ScenarioIn, ws: Workspace = Depends(workspace)):
    """Propagate a shock through the firm network; losses by firm, industry and region, extent per step."""
    from ...services import network as svc

    return clean(svc.scenario(ws=ws, table_id=body.table_id, shock_firms=body.firms, regions=body.regions,
                              industries=body.industries, psi=body.psi, name=body.name))


@router.get("/network/chokepoints", operation_id="network_chokepoints", response_model=Record, **ANALYST_RUN)
def chokepoints(table_id: TableQ = None, ws: Workspace = Depends(workspace)):
    """Sole essential suppliers and supplier concentration (HHI) per customer and industry."""
    from ...services import network as svc

    return clean(svc.chokepoints(ws=ws, table_id=table_id, backend="serial"))


@router.get("/network/alternatives", operation_id="network_alternatives", response_model=Record, **ANALYST_RUN)
def alternatives(failed: Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[\w.-]+$")],
                 customer: Annotated[Optional[str], Query(max_length=64, pattern=r"^[\w.-]+$")] = None,
                 top: Annotated[int, Query(ge=1, le=100)] = 10, evaluate: Annotated[int, Query(ge=0, le=20)] = 5,
                 table_id: TableQ = None, ws: Workspace = Depends(workspace)):
    """Ranked, explained alternative suppliers for a failed supplier (optionally for one customer)."""
    from ...services import network as svc

    return clean(svc.alternatives(ws=ws, table_id=table_id, failed=failed, customer=customer, top=top,
                                  evaluate=evaluate))
