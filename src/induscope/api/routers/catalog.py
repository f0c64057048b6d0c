"""/api: workspace, datasets, tables, series, enterprises, chains."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query

from ...services import catalog as svc
from ...services import imports as imports_svc
from ...store import Workspace
from .deps import clean, frame_response, workspace

router = APIRouter(tags=["workspace"])


@router.get("/health")
def health() -> dict:
    return {"status": "ok"}


@router.get("/workspace")
def status(ws: Workspace = Depends(workspace)):
    return svc.workspace_status(ws)


@router.get("/datasets")
def datasets(ws: Workspace = Depends(workspace)):
    return frame_response(svc.list_datasets(ws))


@router.get("/io-tables")
def io_tables(ws: Workspace = Depends(workspace)):
    return frame_response(imports_svc.list_io_tables(ws))


@router.get("/series")
def series(indicator: str, region: Optional[str] = None, industry: Optional[str] = None,
           price_basis: Optional[str] = None, vintage: Optional[str] = None, start: Optional[str] = None,
           end: Optional[str] = None, limit: int = Query(10_000, ge=1, le=1_000_000),
           ws: Workspace = Depends(workspace)):
    return frame_response(svc.get_series(ws, indicator, region, industry, price_basis, vintage, start, end, limit))


@router.get("/enterprises")
def enterprises(region: Optional[str] = None, industry: Optional[str] = None,
                limit: int = Query(100, ge=1, le=10_000), offset: int = Query(0, ge=0),
                ws: Workspace = Depends(workspace)):
    return frame_response(svc.list_enterprises(ws, region, industry, limit, offset))


@router.get("/enterprises/{firm_id}")
def enterprise(firm_id: str, ws: Workspace = Depends(workspace)):
    return clean(svc.get_enterprise(ws, firm_id))


@router.get("/chains")
def chains(ws: Workspace = Depends(workspace)):
    return frame_response(svc.list_chains(ws))


@router.get("/chains/{chain_id}")
def chain(chain_id: str, ws: Workspace = Depends(workspace)):
    return clean(svc.get_chain(ws, chain_id))
