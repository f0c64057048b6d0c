"""/api/v1: users, tokens and the audit log (admin)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Depends, Path, Query

from ...services import access
from ...services import audit as audit_svc
from ...store import Workspace
from ..auth import ADMIN, ADMIN_WRITE
from ..schemas import ERRORS, AuditEntry, Page, Record, TokenCreated, TokenIn, TokenOut, UserIn, UserOut
from .deps import PagingDep, VintageQ, clean, page, workspace

router = APIRouter(responses=ERRORS)
Name = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")]


@router.get("/users", tags=["users"], operation_id="list_users", response_model=Page[UserOut], **ADMIN)
def list_users(paging: PagingDep, ws: Workspace = Depends(workspace)):
    """Users with their roles and enterprises (never a password hash)."""
    return page(access.list_users(ws), paging, name="users")


@router.post("/users", tags=["users"], operation_id="create_user", response_model=UserOut, status_code=201,
             **ADMIN_WRITE)
def create_user(body: UserIn, ws: Workspace = Depends(workspace)):
    """Create a user; a reporter is bound to the enterprises it reports for."""
    return clean(access.add_user(ws, body.name, body.role, enterprises=body.enterprises, password=body.password), 201)


@router.post("/users/{name}/disable", tags=["users"], operation_id="disable_user", response_model=Record,
             **ADMIN_WRITE)
def disable_user(name: Name, ws: Workspace = Depends(workspace)):
    """Disable a user and revoke its tokens."""
    return clean(access.disable_user(ws, name))


@router.get("/tokens", tags=["tokens"], operation_id="list_tokens", response_model=Page[TokenOut], **ADMIN)
def list_tokens(paging: PagingDep, user: Annotated[Optional[str], Query(max_length=64)] = None,
                ws: Workspace = Depends(workspace)):
    """Tokens (ids, owners, expiry, revocation; never the secret)."""
    return page(access.list_tokens(ws, user), paging, name="tokens")


@router.post("/tokens", tags=["tokens"], operation_id="create_token", response_model=TokenCreated,
             status_code=201, **ADMIN_WRITE)
def create_token(body: TokenIn, ws: Workspace = Depends(workspace)):
    """A new token for a user: the secret is in this response only."""
    return clean(access.create_token(ws, body.user, days=body.expires_days, label=body.label), 201)


@router.post("/tokens/{token_id}/revoke", tags=["tokens"], operation_id="revoke_token", response_model=Record,
             **ADMIN_WRITE)
def revoke_token(token_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9]{12}$")], ws: Workspace = Depends(workspace)):
    """Revoke a token at once."""
    return clean(access.revoke_token(ws, token_id))


@router.get("/audit", tags=["audit"], operation_id="list_audit", response_model=Page[AuditEntry], **ADMIN)
def audit(paging: PagingDep, actor: Annotated[Optional[str], Query(max_length=100)] = None,
          action: Annotated[Optional[str], Query(max_length=100)] = None,
          outcome: Optional[Literal["ok", "denied", "invalid", "error"]] = None, since: VintageQ = None,
          ws: Workspace = Depends(workspace)):
    """The audit log, newest first: who did what, when, on which object, from where, with what outcome."""
    rows, total = audit_svc.entries(ws, actor=actor, action=action, outcome=outcome, since=since,
                                    limit=paging.limit, offset=paging.offset)
    return page(rows, paging, name="audit", total=total, sliced=True)
