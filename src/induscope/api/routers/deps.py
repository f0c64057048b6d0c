"""What the routers share: the workspace, paging, JSON/CSV tables, JSON-safe values, typed query values."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Optional

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator

from ..._json import jsonable  # the one JSON-safe conversion (NaN -> null, numpy -> Python, ...)
from ...store import Workspace

#: the largest offset a list accepts (beyond it DuckDB's integer arithmetic is not the user's problem)
MAX_OFFSET = 10_000_000


def workspace(request: Request) -> Workspace:
    return request.app.state.workspace


def _period(value: str | None) -> str | None:
    if value is None:
        return None
    from ...core.indicators.periods import parse_period

    p = parse_period(value)  # ValueError -> a located 422
    return p.label


def _vintage(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    try:
        datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        raise ValueError("a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM:SS") from None
    return text


#: typed query values: a bad one is a located 422, never a 500 further down
PeriodQ = Annotated[Optional[str], Query(max_length=16, description="a period: 2025, 2025Q1, 2025-03 or 2025-03-15"),
                    AfterValidator(_period)]
PeriodRequired = Annotated[str, Query(max_length=16, description="a period: 2025, 2025Q1, 2025-03 or 2025-03-15"),
                          AfterValidator(_period)]
VintageQ = Annotated[Optional[str], Query(max_length=32, description="data as published on or before this date"),
                     AfterValidator(_vintage)]
RegionQ = Annotated[Optional[str], Query(pattern=r"^\d{6}$", description="GB/T 2260 region code, e.g. 320000")]
IndustryQ = Annotated[Optional[str], Query(pattern=r"^[A-Za-z0-9_]{1,12}$",
                                           description="GB/T 4754-2017 code or an aggregate (BCD, C)")]
CodeQ = Annotated[Optional[str], Query(max_length=64, pattern=r"^[\w.:@-]+$")]
SubjectQ = Annotated[str, Query(max_length=64, pattern=r"^[\w.-]*$",
                                description="a series' own subject as imported (a park, a cluster, a key enterprise: "
                                            "e.g. zj-park); empty: the region x industry series")]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int
    format: str


def paging(request: Request, limit: int = Query(100, ge=1, description="rows per page (capped by the server)"),
           offset: int = Query(0, ge=0, le=MAX_OFFSET), format: str = Query("json", pattern="^(json|csv)$",
                                                                       description="json or csv")) -> Paging:
    cap = request.app.state.settings.api_max_page_size
    if limit > cap:
        from ...errors import InputError

        raise InputError(f"limit: at most {cap} rows per page (use offset to page on), got {limit}")
    accept = request.headers.get("accept", "")
    if format == "json" and "text/csv" in accept and "application/json" not in accept:
        format = "csv"
    return Paging(limit, offset, format)


PagingDep = Annotated[Paging, Depends(paging)]


def clean(obj: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(jsonable(obj), status_code=status_code)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(v: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(v, str) and v.startswith(_FORMULA):
        return "'" + v
    if isinstance(v, (dict, list)):
        return csv_cell(json.dumps(v, ensure_ascii=False))
    return "" if v is None else v


def csv_response(records: list[dict], name: str) -> Response:
    buf = io.StringIO()
    columns: list[str] = []
    for r in records:
        for k in r:
            if k not in columns:
                columns.append(k)
    w = csv.writer(buf)
    w.writerow([csv_cell(c) for c in columns])
    for r in records:
        w.writerow([csv_cell(r.get(c)) for c in columns])
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_") or "table"
    return Response(buf.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'})


def page(frame_or_records: Any, paging: Paging, *, name: str = "table", total: int | None = None,
         sliced: bool = False, **extra: Any) -> Response:
    """One page of a table as {"items", "total", "limit", "offset"} (JSON) or a CSV download.

    ``sliced``: the rows given are already the page (the query applied limit/offset); otherwise the
    page is cut here from the whole table (small tables only)."""
    records = jsonable(frame_or_records)
    if not isinstance(records, list):
        records = [records]
    if not sliced:
        total = len(records) if total is None else total
        records = records[paging.offset:paging.offset + paging.limit]
    if paging.format == "csv":
        return csv_response(records, name)
    body = {"items": records, "total": total, "limit": paging.limit, "offset": paging.offset}
    body.update(jsonable(extra))
    return JSONResponse(body)


def table(frame_or_records: Any, fmt: str, name: str = "table", **extra: Any) -> Response:
    """A whole (small, analysis-sized) table: {"items": [...], ...extra} or CSV."""
    records = jsonable(frame_or_records)
    if fmt == "csv":
        return csv_response(records, name)
    body = {"items": records}
    body.update(jsonable(extra))
    return JSONResponse(body)


FormatQ = Annotated[str, Query(pattern="^(json|csv)$", description="json or csv")]
