"""The Admin page (/admin, admin role only): users, API tokens and the audit log.

The same services as ``induscope users / tokens / audit`` and ``/api/v1/users|tokens|audit``
(services.access, services.audit). Every form is a page-local write with the admin role and the
session's CSRF token (htmx sends it); the audit middleware records each one. A caller below admin gets
a 403 page that says who may open it. Each table is paged on the server (the audit log by its own
LIMIT/OFFSET query, never read whole).
"""
from __future__ import annotations

import math
from typing import Annotated, Any, Optional
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import InduscopeError, InputError
from ...services import access
from ...services import audit as audit_svc
from ...store import Workspace
from ..auth import require
from .dashboard import PAGE_SIZE, _guard, _int, _lang, _paged, _records, _render, strings, templates
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
ADMIN_WRITE = [Depends(require("admin", write=True))]
Name = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")]
OUTCOMES = ("", *audit_svc.OUTCOMES)


def _is_admin(request: Request) -> bool:
    who = getattr(request.state, "principal", None)
    return bool(who is not None and not who.anonymous and who.role != "reporter" and who.at_least("admin"))


def _filter(request: Request, name: str, limit: int = 100) -> Optional[str]:
    v = (request.query_params.get(name) or "").strip()
    return v[:limit] or None


def _at_admin(p: dict[str, Any], anchor: str) -> dict[str, Any]:
    """Paging links on /admin (a section re-rendered after a POST to /admin/users would link there)."""
    for k in ("prev", "next"):
        if p.get(k):
            p[k] = "/admin?" + p[k].split("?", 1)[1] + anchor
    return p


def _users(ws: Workspace, request: Request) -> dict[str, Any]:
    u = access.list_users(ws).copy()
    u["enterprises"] = [", ".join(e) if isinstance(e, (list, tuple)) else (e or "") for e in u["enterprises"]]
    u["created_at"] = u["created_at"].astype(str).str[:19]
    return _at_admin(_paged(request, u, "users_page"), "#admin-users")


def _tokens(ws: Workspace, request: Request) -> dict[str, Any]:
    t = access.list_tokens(ws, _filter(request, "token_user", 64)).copy()
    for c in ("created_at", "expires_at", "revoked_at"):
        t[c] = [("" if pd.isna(v) else str(v)[:19]) for v in t[c]]
    return _at_admin(_paged(request, t, "tokens_page"), "#admin-tokens")


def _audit(ws: Workspace, request: Request) -> dict[str, Any]:
    """One page of the audit log, newest first, read with LIMIT/OFFSET (the log grows with every write)."""
    outcome = _filter(request, "outcome", 10)
    if outcome not in OUTCOMES[1:] and outcome is not None:
        raise InputError(f"outcome: expected one of {', '.join(OUTCOMES[1:])}, got {outcome!r}")
    want = _int(request, "audit_page")
    kw = {"actor": _filter(request, "actor"), "action": _filter(request, "action"), "outcome": outcome}
    rows, total = audit_svc.entries(ws, **kw, limit=PAGE_SIZE, offset=(want - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if want > pages:  # past the end: the last page
        want = pages
        rows, total = audit_svc.entries(ws, **kw, limit=PAGE_SIZE, offset=(want - 1) * PAGE_SIZE)
    rows = rows.drop(columns=["detail"], errors="ignore")
    rows["at_time"] = rows["at_time"].astype(str).str[:19]

    def link(p: int) -> str:
        q = dict(request.query_params)
        q["audit_page"] = str(p)
        return f"/admin?{urlencode(q)}#admin-audit"

    return {"rows": _records(rows), "columns": list(rows.columns), "page": want, "pages": pages, "total": total,
            "prev": link(want - 1) if want > 1 else None, "next": link(want + 1) if want < pages else None,
            "filters": kw}


def _context(ws: Workspace, request: Request) -> dict[str, Any]:
    return {"users": _users(ws, request), "tokens": _tokens(ws, request), "audit": _audit(ws, request),
            "me": getattr(getattr(request.state, "principal", None), "name", None),
            "roles": access.ROLES, "outcomes": OUTCOMES, "token_user": _filter(request, "token_user", 64) or ""}


@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        if not _is_admin(request):
            if "csv" in request.query_params:  # the data of the page: the API's 403 envelope
                who = getattr(request.state, "principal", None)
                raise access.ForbiddenError(f"user {getattr(who, 'name', 'anonymous')!r} may not read users, "
                                            "tokens or the audit log: it needs the admin role")
            r = _render(request, "admin_forbidden.html", "admin", {})
            r.status_code = 403
            return r
        ctx = _context(ws, request)
        return _render(request, "admin.html", "admin", ctx, None,
                       {"users": _records(access.list_users(ws).astype({"enterprises": str})),
                        "tokens": ctx["tokens"]["rows"], "audit": ctx["audit"]["rows"]})
    return _guard(ws, request, "admin", page)


def _section(request: Request, ws: Workspace, name: str, message: dict[str, Any] | None, status: int = 200,
             **extra: Any) -> Response:
    """A section of the page re-rendered after a write (htmx swaps it in place), with its message."""
    lang = _lang(request)
    return templates.TemplateResponse(request, f"dashboard/admin_{name}.html", {
        "t": strings(lang), "lang": lang, "message": message, **_context(ws, request), **extra},
        status_code=status)


def _failed(request: Request, ws: Workspace, name: str, e: InduscopeError) -> Response:
    """The section with why the write was refused, for the page's htmx; any other client gets the
    API's one JSON error envelope."""
    from ..errors import Scrubber

    if request.headers.get("HX-Request") != "true":
        raise e

    text = Scrubber(request.app.state.settings.home)(str(e))
    return _section(request, ws, name, {"ok": False, "text": text}, e.http_status)


@router.post("/admin/users", response_class=HTMLResponse, operation_id="dashboard_create_user",
             dependencies=ADMIN_WRITE)
def add_user(request: Request, name: Annotated[str, Form(max_length=64)], role: Annotated[str, Form(max_length=20)],
             password: Annotated[Optional[str], Form(max_length=200)] = None,
             enterprises: Annotated[Optional[str], Form(max_length=2000)] = None,
             ws: Workspace = Depends(workspace)):
    try:
        firms = [e for e in (enterprises or "").replace(";", ",").split(",") if e.strip()]
        out = access.add_user(ws, name.strip(), role, enterprises=firms, password=password or None)
    except InduscopeError as e:
        return _failed(request, ws, "users", e)
    return _section(request, ws, "users", {"ok": True, "text": f"{out['name']} ({out['role']})"}, 201)


@router.post("/admin/users/{name}/disable", response_class=HTMLResponse, operation_id="dashboard_disable_user",
             dependencies=ADMIN_WRITE)
def disable_user(request: Request, name: Name, ws: Workspace = Depends(workspace)):
    try:
        if name == getattr(getattr(request.state, "principal", None), "name", None):
            # an admin who disables itself here is locked out mid-session; the CLI can still do it
            raise InputError(f"{name!r} is the user signed in: another admin (or `induscope users disable`) "
                             "disables it")
        access.disable_user(ws, name)
    except InduscopeError as e:
        return _failed(request, ws, "users", e)
    return _section(request, ws, "users", {"ok": True, "text": f"{name}: {strings(_lang(request))['disabled']}"})


@router.post("/admin/tokens", response_class=HTMLResponse, operation_id="dashboard_create_token",
             dependencies=ADMIN_WRITE)
def create_token(request: Request, user: Annotated[str, Form(max_length=64)],
                 label: Annotated[Optional[str], Form(max_length=100)] = None,
                 days: Annotated[Optional[str], Form(max_length=5)] = None, ws: Workspace = Depends(workspace)):
    try:
        raw = (days or "").strip()
        if raw and not raw.isdigit():
            raise InputError(f"days valid: expected a whole number of days, got {raw!r}")
        n = int(raw) if raw else request.app.state.settings.token_days
        out = access.create_token(ws, user.strip(), days=n, label=(label or "").strip() or None)
    except InduscopeError as e:
        return _failed(request, ws, "tokens", e)
    # the secret is in this response only (stored as its hash): the page shows it once
    return _section(request, ws, "tokens", {"ok": True, "text": f"{out['token_id']} ({out['user']})"}, 201,
                    created=out)


@router.post("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse, operation_id="dashboard_revoke_token",
             dependencies=ADMIN_WRITE)
def revoke_token(request: Request, token_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9]{12}$")],
                 ws: Workspace = Depends(workspace)):
    try:
        access.revoke_token(ws, token_id)
    except InduscopeError as e:
        return _failed(request, ws, "tokens", e)
    return _section(request, ws, "tokens", {"ok": True, "text": f"{token_id}: {strings(_lang(request))['revoked']}"})
