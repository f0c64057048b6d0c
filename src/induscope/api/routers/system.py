"""/api/v1: health, workspace, datasets, IO tables, reference classifications, who am I."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from ... import __version__
from ... import reference as ref
from ...errors import NotFoundError
from ...services import access
from ...services import catalog as svc
from ...services.access import Principal
from ...store import Workspace
from ..auth import CSRF_COOKIE, PUBLIC, REPORTS_READ, SESSION_COOKIE, VIEWER, principal
from ..schemas import ERRORS, Dataset, ErrorOut, Health, Identity, IOTableRow, LoginIn, Page, Record, WorkspaceStatus

VIEWER_OR_REPORTER = REPORTS_READ
from .deps import PagingDep, clean, page, workspace

router = APIRouter(tags=["system"], responses=ERRORS)


@router.get("/health", operation_id="health", response_model=Health, **PUBLIC)
def health():
    """Liveness: answers without touching the workspace and without a token."""
    return {"status": "ok", "version": __version__}


@router.get("/workspace", operation_id="get_workspace", response_model=WorkspaceStatus, **VIEWER)
def status(ws: Workspace = Depends(workspace)):
    """What the workspace holds (row counts per table); the server's folder is never shown."""
    s = svc.workspace_status(ws)
    return clean({"exists": s["exists"], "schema_version": s["schema_version"], "tables": s["tables"]})


@router.get("/datasets", operation_id="list_datasets", response_model=Page[Dataset], **VIEWER)
def datasets(paging: PagingDep, ws: Workspace = Depends(workspace)):
    """Datasets imported into the workspace (synthetic ones are flagged)."""
    return page(svc.list_datasets(ws) if ws.exists() else [], paging, name="datasets")


@router.get("/io-tables", operation_id="list_io_tables", response_model=Page[IOTableRow], **VIEWER)
def io_tables(paging: PagingDep, ws: Workspace = Depends(workspace)):
    """Input-output tables stored in the workspace."""
    from ...services import imports as imports_svc

    return page(imports_svc.list_io_tables(ws) if ws.exists() else [], paging, name="io_tables")


@router.get("/reference/{name}", operation_id="get_classification", response_model=Page[Record], **VIEWER)
def classification(name: Annotated[str, Path(pattern=r"^[a-z0-9_]{1,40}$")], paging: PagingDep):
    """A classification shipped with induscope (codes with Chinese and English names)."""
    if name not in ref.CLASSIFICATIONS:
        raise NotFoundError(f"unknown classification {name!r}; expected one of: {', '.join(ref.CLASSIFICATIONS)}")
    return page(ref.CLASSIFICATIONS[name](), paging, name=name)


@router.get("/me", operation_id="whoami", response_model=Identity, **REPORTS_READ)
def whoami(who: Principal = Depends(principal)):
    """The identity this request is made with."""
    return {"name": who.name, "role": who.role, "enterprises": list(who.enterprises), "via": who.via}


@router.post("/auth/login", operation_id="login", response_model=Identity, responses={429: {"model": ErrorOut}},
             **PUBLIC)
def login(body: LoginIn, request: Request, ws: Workspace = Depends(workspace)):
    """Dashboard sign-in with a user name and password: sets an HttpOnly session cookie (12 hours) and a
    CSRF cookie whose value the page sends back in ``X-CSRF-Token`` on every write. A client address
    with too many failed sign-ins in a short time is refused (429, ``Retry-After``)."""
    request.state.audit_detail = {"user": body.name}  # whose sign-in it was, refused or not
    settings = request.app.state.settings
    access.check_sign_in_allowed(ws, remote=request.client.host if request.client else None,
                                 target=request.url.path, attempts=settings.login_attempts,
                                 minutes=settings.login_window_minutes)
    s = access.login(ws, body.name, body.password)
    request.state.principal = access.Principal(s["user"], s["role"], via="session")  # the audit names the user
    r = clean({"name": s["user"], "role": s["role"], "enterprises": [], "via": "session",
               "expires_at": s["expires_at"]})
    https = request.url.scheme == "https"
    r.set_cookie(SESSION_COOKIE, s["session"], max_age=access.SESSION_HOURS * 3600, httponly=True,
                 samesite="strict", secure=https, path="/")
    r.set_cookie(CSRF_COOKIE, s["csrf"], max_age=access.SESSION_HOURS * 3600, httponly=False,
                 samesite="strict", secure=https, path="/")
    return r


@router.post("/auth/logout", operation_id="logout", response_model=Record, **VIEWER_OR_REPORTER)
def logout(request: Request, ws: Workspace = Depends(workspace)):
    """End the dashboard session (its token is revoked at once)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        access.revoke_token(ws, cookie)
    r = clean({"logged_out": True})
    r.delete_cookie(SESSION_COOKIE, path="/")
    r.delete_cookie(CSRF_COOKIE, path="/")
    return r
