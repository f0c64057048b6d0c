"""Request and response models of the REST API (pydantic): types and limits at the boundary.

A request that does not fit is refused with a located 422 before any service runs; in particular the
report body is data (a list of records), never a path or a string for a service to interpret.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

T = TypeVar("T")

#: most reports one request may carry (a platform sends more in several requests)
MAX_REPORTS = 10_000


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---- errors -----------------------------------------------------------------------------------------
class ProblemOut(BaseModel):
    source: str
    row: Optional[int] = None
    column: Optional[str] = None
    value: Any = None
    expected: str = ""


class ErrorOut(BaseModel):
    """The one error envelope of every failed response."""

    error: str = Field(description="kind: validation_error, not_found, auth_error, forbidden, too_large, ...")
    message: str
    total: Optional[int] = None
    problems: Optional[list[ProblemOut]] = None


ERRORS = {s: {"model": ErrorOut} for s in (400, 401, 403, 404, 413, 422, 500, 503)}


# ---- pages ------------------------------------------------------------------------------------------
class Page(BaseModel, Generic[T]):
    """One page of a list. ``total`` is null where counting would cost a second pass over the data."""

    items: list[T]
    total: Optional[int] = None
    limit: int
    offset: int


class Open(BaseModel):
    """A row type whose main columns are listed; further columns are passed through."""

    model_config = ConfigDict(extra="allow")


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class WorkspaceStatus(BaseModel):
    exists: bool
    schema_version: int
    tables: dict[str, int]


class Dataset(Open):
    dataset_id: str
    kind: str
    name: str
    source: Optional[str] = None
    unit: Optional[str] = None
    vintage: Optional[str] = None
    synthetic: bool
    imported_at: Optional[str] = None


class IOTableRow(Open):
    table_id: str
    name: str


class SeriesRow(Open):
    indicator: str
    region: str
    industry: str
    subject: str = ""
    period: str
    value: Optional[float] = None
    unit: Optional[str] = None
    price_basis: Optional[str] = None
    vintage: Optional[str] = None


class Enterprise(Open):
    firm_id: str
    name: str
    region: str
    industry: str
    revenue: Optional[float] = Field(None, description="10,000 CNY")
    employees: Optional[int] = None
    founded: Optional[int] = None


class Chain(Open):
    chain_id: str
    name: str


class ChainDetail(Open):
    chain_id: str
    name: str
    description: Optional[str] = None
    nodes: list[dict[str, Any]]


class GrowthRow(Open):
    period: str


class Alert(Open):
    alert_id: str
    subject: str
    indicator: str
    status: str
    level: str
    start_period: str
    last_period: str


class AlertEvent(Open):
    alert_id: str
    seq: int
    kind: str


class Record(Open):
    """A row of an analysis table (its columns depend on the analysis; see the route's description)."""


class Table(BaseModel):
    """A whole analysis table (small: one row per sector, firm or step) and what it was computed on."""

    model_config = ConfigDict(extra="allow")
    items: list[dict[str, Any]]


# ---- operating reports --------------------------------------------------------------------------------
def _real_period(v: str) -> str:
    try:
        (date.fromisoformat(v) if len(v) == 10 else date.fromisoformat(v + "-01"))
    except ValueError:
        raise ValueError("a real month YYYY-MM or day YYYY-MM-DD") from None
    if not 1990 <= int(v[:4]) <= 2100:
        raise ValueError("a year between 1990 and 2100")
    return v


class ReportRecord(Strict):
    """One figure of one enterprise for one period."""

    firm_id: str = Field(min_length=1, max_length=64, pattern=r"^[\w.-]+$")
    period: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="month YYYY-MM or day YYYY-MM-DD")
    metric: str = Field(pattern=r"^[a-z_]{1,40}$", description="output_value, sales, export_delivery_value, "
                        "orders, inventory, power_consumption, employment or capacity_utilisation")
    value: float = Field(strict=True, allow_inf_nan=False, ge=0, le=1e15,
                         description="in ``unit``; converted to the metric's canonical unit on arrival")
    unit: str = Field(min_length=1, max_length=40, description="e.g. 万元, 亿元, 10,000 CNY, kWh, %, persons")
    region: Optional[str] = Field(None, pattern=r"^\d{6}$", description="GB/T 2260 province code")
    industry: Optional[str] = Field(None, pattern=r"^\d{2,4}$", description="GB/T 4754-2017 code")
    vintage: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$",
                                   description="publication date of a correction (default: now)")

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        return _real_period(v)

    @field_validator("vintage")
    @classmethod
    def _vintage(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            try:
                datetime.fromisoformat(v) if len(v) > 10 else date.fromisoformat(v)
            except ValueError:
                raise ValueError("a real date YYYY-MM-DD (or a timestamp)") from None
        return v


class ReportSubmission(Strict):
    """A JSON list of reports, or ``{"reports": [...]}``."""

    reports: list[ReportRecord] = Field(min_length=1, max_length=MAX_REPORTS)

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: Any) -> Any:
        return {"reports": data} if isinstance(data, list) else data


class ReportResult(BaseModel):
    source: str = Field(description="who sent them: the authenticated user (or 'api' on an unsecured server)")
    received: int
    stored: int
    new: int
    corrections: int
    unchanged: int
    vintage: str
    firms: Optional[int] = None


# ---- alerts and watch lists ----------------------------------------------------------------------------
class AlertAction(Strict):
    note: Optional[str] = Field(None, max_length=2000)


class WatchListIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: Optional[str] = Field(None, max_length=2000)
    list_id: Optional[str] = Field(None, pattern=r"^[\w.-]{1,64}$")


class WatchItemIn(Strict):
    kind: Literal["region", "industry", "enterprise", "series"]
    code: str = Field(min_length=1, max_length=200)
    label: Optional[str] = Field(None, max_length=200)
    target_growth: Optional[float] = Field(None, allow_inf_nan=False, ge=-100, le=1000)
    indicator: Optional[str] = Field(None, max_length=64, description="series items: the indicator")
    region: Optional[str] = Field(None, max_length=16, description="series items: the region code")
    industry: Optional[str] = Field(None, max_length=16, description="series items: the industry code")
    subject: Optional[str] = Field(None, max_length=64, description="series items: the subject the series was "
                                   "imported with (a park, a cluster, a key enterprise): selects its stored rows")


class WatchItemsIn(Strict):
    items: list[WatchItemIn] = Field(min_length=1, max_length=1000)


# ---- IO analysis ------------------------------------------------------------------------------------------
class ShockIn(Strict):
    """A final-demand shock on a stored IO table."""

    shocks: dict[str, float] = Field(min_length=1, max_length=10_000,
                                     description="sector code -> change of final demand")
    relative: bool = Field(False, description="changes are fractions of each sector's final demand "
                                              "(-0.1 = a 10% fall) instead of absolute amounts in the table's unit")
    model: Literal["leontief", "ghosh", "inoperability"] = "leontief"

    @field_validator("shocks")
    @classmethod
    def _finite(cls, v: dict[str, float]) -> dict[str, float]:
        import math

        bad = [k for k, x in v.items() if not math.isfinite(x)]
        if bad:
            raise ValueError(f"finite numbers (not for {', '.join(bad[:5])})")
        return v


class AnalysisKind(Strict):
    kind: Literal["backward", "forward", "total"] = "total"


# ---- users, tokens, audit ---------------------------------------------------------------------------------
class UserIn(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")
    role: Literal["viewer", "analyst", "admin", "reporter"]
    enterprises: list[str] = Field(default_factory=list, max_length=1000)
    password: Optional[str] = Field(None, min_length=12, max_length=1024)


class UserOut(BaseModel):
    name: str
    role: str
    enterprises: list[str] = []
    disabled: bool = False
    has_password: bool = False
    created_at: Optional[str] = None


class TokenIn(Strict):
    user: str = Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")
    expires_days: int = Field(90, ge=1, le=3650)
    label: Optional[str] = Field(None, max_length=200)


class TokenCreated(BaseModel):
    token_id: str
    user: str
    expires_at: str
    token: str = Field(description="the secret: shown this once, stored only as a hash")


class TokenOut(Open):
    token_id: str
    user_name: str
    expires_at: Optional[str] = None
    revoked_at: Optional[str] = None


class AuditEntry(Open):
    seq: int
    at_time: str
    actor: Optional[str] = None
    action: str
    outcome: str


class LoginIn(Strict):
    name: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class Identity(BaseModel):
    name: str
    role: Optional[str]
    enterprises: list[str] = []
    via: str
