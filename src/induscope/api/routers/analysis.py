"""/api/v1: analyses over stored tables: IO multipliers, linkages, key sectors, shocks, extraction,
table checks, and ARIO runs. They read the workspace and write nothing; small ones run in the
request (in the server's thread pool, off the event loop)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import Field

from ...store import Workspace
from ..auth import ANALYST_RUN
from ..schemas import ERRORS, Record, ShockIn, Strict, Table
from .deps import FormatQ, clean, table, workspace

router = APIRouter(responses=ERRORS)
TableId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="a stored IO table's id")]
Coefficients = Annotated[Optional[Literal["domestic", "total"]],
                         Query(description="default: domestic for non-competitive tables, else total")]


def stored_table(ws: Workspace, table_id: str):
    """A table by its id in the workspace, and only so: the services' one lookup also reads files and
    ``pymrio:test``, which a request must never reach (services take no path from a request)."""
    from ...services import imports

    return imports.load_io_table(ws, table_id)


def _static(ws: Workspace, table_id: str, coefficients: str | None, forward: str = "ghosh"):
    from ...services import io as io_svc

    return io_svc.static_analysis(None, table=stored_table(ws, table_id), coefficients=coefficients,
                                  forward=forward)


def _summary(result) -> dict:
    d = result.to_dict() if hasattr(result, "to_dict") else {}
    return {k: v for k, v in d.items() if not isinstance(v, (list, dict)) or k == "notes"}


@router.get("/io/tables/{table_id}/multipliers", tags=["io"], operation_id="io_multipliers",
            response_model=Table, **ANALYST_RUN)
def multipliers(table_id: TableId, coefficients: Coefficients = None, format: FormatQ = "json",
                ws: Workspace = Depends(workspace)):
    """Output and value-added multipliers by sector."""
    r = _static(ws, table_id, coefficients)
    frame = r.to_frame()
    keep = [c for c in frame.columns if "linkage" not in c and c != "key_sector_class"]
    return table(frame[keep], format, name=f"multipliers_{table_id}", **_summary(r))


@router.get("/io/tables/{table_id}/linkages", tags=["io"], operation_id="io_linkages", response_model=Table,
            **ANALYST_RUN)
def linkages(table_id: TableId, forward: Literal["ghosh", "leontief"] = "ghosh",
             coefficients: Coefficients = None, format: FormatQ = "json", ws: Workspace = Depends(workspace)):
    """Rasmussen-Hirschman backward and forward linkage indices and the key-sector class of each sector."""
    r = _static(ws, table_id, coefficients, forward)
    frame = r.to_frame()
    keep = [c for c in frame.columns if c in ("region", "sector", "sector_name", "backward_linkage_index",
                                              "forward_linkage_index", "key_sector_class")]
    return table(frame[keep], format, name=f"linkages_{table_id}", **_summary(r))


@router.get("/io/tables/{table_id}/key-sectors", tags=["io"], operation_id="io_key_sectors",
            response_model=Table, **ANALYST_RUN)
def key_sectors(table_id: TableId, forward: Literal["ghosh", "leontief"] = "ghosh",
                coefficients: Coefficients = None, format: FormatQ = "json", ws: Workspace = Depends(workspace)):
    """Key sectors: both linkage indices above 1 (class 'key'), sorted by backward linkage."""
    r = _static(ws, table_id, coefficients, forward)
    frame = r.to_frame()
    if "key_sector_class" in frame.columns:
        frame = frame[frame["key_sector_class"].astype(str).str.contains("key", case=False)]
    if "backward_linkage_index" in frame.columns:
        frame = frame.sort_values("backward_linkage_index", ascending=False)
    return table(frame, format, name=f"key_sectors_{table_id}", **_summary(r))


@router.post("/io/tables/{table_id}/shock", tags=["io"], operation_id="io_shock", response_model=Table,
             **ANALYST_RUN)
def shock(table_id: TableId, body: ShockIn, format: FormatQ = "json", ws: Workspace = Depends(workspace)):
    """Propagate a shock: Leontief (final demand), Ghosh (primary inputs) or inoperability."""
    from ...services import io as io_svc

    r = io_svc.shock(None, table=stored_table(ws, table_id), shocks=body.shocks, model=body.model,
                     relative=body.relative)
    return table(r.to_frame(), format, name=f"shock_{table_id}", **_summary(r))


@router.get("/io/tables/{table_id}/extraction", tags=["io"], operation_id="io_extraction", response_model=Table,
            **ANALYST_RUN)
def extraction(table_id: TableId, kind: Literal["backward", "forward", "total"] = "total",
               sector: Annotated[Optional[list[str]], Query(max_length=1000)] = None, together: bool = False,
               coefficients: Coefficients = None, format: FormatQ = "json", ws: Workspace = Depends(workspace)):
    """Hypothetical extraction: each sector alone, or the given sectors together."""
    from ...services import io as io_svc

    r = io_svc.extraction(None, table=stored_table(ws, table_id), kind=kind, sectors=sector, together=together,
                          coefficients=coefficients)
    return table(r.to_frame(), format, name=f"extraction_{table_id}", **_summary(r))


@router.get("/io/tables/{table_id}/check", tags=["io"], operation_id="io_check", response_model=Record,
            **ANALYST_RUN)
def check(table_id: TableId, coefficients: Coefficients = None, ws: Workspace = Depends(workspace)):
    """Balances, zero-output sectors and productivity of (I - A)."""
    from ...services import io as io_svc

    return clean(io_svc.check_table(None, table=stored_table(ws, table_id), coefficients=coefficients))


class ARIORunIn(Strict):
    event: str = Field("capital-recover", max_length=40, description="capital-recover, capital-rebuild, "
                                                                    "capacity-cut or final-demand")
    damage: float = Field(allow_inf_nan=False, ge=0, le=1e15, description="capital destroyed (table units) "
                          "or share lost (capacity cut, final demand)")
    regions: Optional[list[str]] = Field(None, max_length=1000)
    sectors: Optional[list[str]] = Field(None, max_length=10_000)
    step: int = Field(5, ge=1, le=3650)
    duration: int = Field(1, ge=1, le=3650)
    steps: int = Field(365, ge=2, le=730, description="days to simulate (longer runs: the CLI, or a job)")
    recovery_tau: Optional[int] = Field(None, ge=1, le=3650)


@router.post("/ario/tables/{table_id}/run", tags=["ario"], operation_id="ario_run", response_model=Record,
             **ANALYST_RUN)
def ario_run(table_id: TableId, body: Annotated[ARIORunIn, Body()], ws: Workspace = Depends(workspace)):
    """Simulate one shock and its recovery, day by day; the summary and the aggregate series."""
    from ...services import ario as svc

    t = stored_table(ws, table_id)
    ev = svc.make_event(body.event, body.damage, regions=body.regions, sectors=body.sectors, step=body.step,
                        duration=body.duration, recovery_tau=body.recovery_tau)
    res = svc.run_ario(t, [ev], steps=body.steps)
    return clean(res.to_dict())
