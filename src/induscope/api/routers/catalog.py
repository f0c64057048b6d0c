"""/api/v1: series, enterprises, chains."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from ...services import catalog as svc
from ...services import chains as chain_svc
from ...store import Workspace
from ..auth import VIEWER
from ..schemas import ERRORS, Chain, ChainDetail, Enterprise, Page, SeriesRow
from .deps import CodeQ, IndustryQ, PagingDep, PeriodQ, RegionQ, SubjectQ, VintageQ, clean, page, workspace

router = APIRouter(responses=ERRORS)
IdPath = Annotated[str, Path(max_length=64, pattern=r"^[\w.-]+$")]
#: the deepest page of a series listing (series are read in order up to offset + limit)
MAX_SERIES_OFFSET = 200_000


@router.get("/series", tags=["series"], operation_id="list_series", response_model=Page[SeriesRow], **VIEWER)
def series(paging: PagingDep, indicator: Annotated[str, Query(max_length=64, pattern=r"^[\w.]+$")],
           region: RegionQ = None, industry: IndustryQ = None, price_basis: CodeQ = None,
           vintage: VintageQ = None, start: PeriodQ = None, end: PeriodQ = None, subject: SubjectQ = "",
           ws: Workspace = Depends(workspace)):
    """Rows of one indicator as of a data vintage (for each key, the latest vintage on or before it), of one
    subject (empty: the region x industry series)."""
    if paging.offset > MAX_SERIES_OFFSET:
        from ...errors import InputError

        raise InputError(f"offset: at most {MAX_SERIES_OFFSET:,} for series; narrow the query with "
                         "region, industry, start and end")
    rows = svc.get_series(ws, indicator, region, industry, price_basis, vintage, start, end,
                          paging.offset + paging.limit, subject=subject)
    return page(rows.iloc[paging.offset:], paging, name=f"series_{indicator}", sliced=True)


@router.get("/enterprises", tags=["enterprises"], operation_id="list_enterprises",
            response_model=Page[Enterprise], **VIEWER)
def enterprises(paging: PagingDep, region: RegionQ = None, industry: IndustryQ = None,
                ws: Workspace = Depends(workspace)):
    """Enterprises, filtered by region and industry (prefix), in firm id order."""
    rows = svc.list_enterprises(ws, region, industry, min(paging.limit, 10_000), paging.offset)
    return page(rows, paging, name="enterprises", sliced=True)


@router.get("/enterprises/{firm_id}", tags=["enterprises"], operation_id="get_enterprise",
            response_model=Enterprise, **VIEWER)
def enterprise(firm_id: IdPath, ws: Workspace = Depends(workspace)):
    """One enterprise with its attributes."""
    return clean(svc.get_enterprise(ws, firm_id))


@router.get("/chains", tags=["chains"], operation_id="list_chains", response_model=Page[Chain], **VIEWER)
def chains(paging: PagingDep, ws: Workspace = Depends(workspace)):
    """Industrial chains with their node and firm counts."""
    return page(chain_svc.list_chains(ws), paging, name="chains")


@router.get("/chains/{chain_id}", tags=["chains"], operation_id="get_chain", response_model=ChainDetail,
            **VIEWER)
def chain(chain_id: IdPath, ws: Workspace = Depends(workspace)):
    """One chain with its nodes (stage, position, which node each feeds, firms, leader)."""
    return clean(chain_svc.show_chain(ws, chain_id))
