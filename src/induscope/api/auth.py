"""Who is calling, and may they: bearer tokens, the server's admin token, dashboard sessions; roles.

The rules (docs/api.md has the matrix):
- The server is *secured* once a user exists or ``INDUSCOPE_API_TOKEN`` is set. Then every route but
  ``/api/v1/health`` needs a valid identity (401 without), and the role decides (403 when short).
- Not secured (a fresh install): reads are open (``induscope serve`` then binds loopback only) and every
  write is refused with the message that says how to create the first admin.
- A reporter reaches only the report routes, and only its own enterprises there.
"""
from __future__ import annotations

import hmac
from typing import Any, Callable

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from ..errors import AuthError
from ..services import access
from ..services.access import ANONYMOUS, ForbiddenError, Principal
from . import cache

#: documents the scheme in OpenAPI (auto_error off: we answer in our own envelope)
bearer_scheme = HTTPBearer(auto_error=False, description="an API token from `induscope tokens create USER`, "
                                                         "or the server's INDUSCOPE_API_TOKEN")
SESSION_COOKIE = "induscope_session"
CSRF_COOKIE = "induscope_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def secured(request: Request) -> bool:
    settings = request.app.state.settings
    if settings.api_token:
        return True
    # reused until users or tokens change (api/cache.py: every such write bumps the data version)
    return cache.users_exist(request.app.state.workspace, access.users_exist)


def authenticate(request: Request) -> Principal:
    """The caller's identity (anonymous when nothing is presented), once per request."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = ANONYMOUS
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("send the token as 'Authorization: Bearer <token>'")
        token = token.strip()
        admin_token = request.app.state.settings.api_token
        if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
            principal = Principal("api-token", "admin", via="api-token")
        else:
            principal = cache.principal_for_token(request.app.state.workspace, token, access.authenticate_token)
    elif request.cookies.get(SESSION_COOKIE):
        cookie = request.cookies[SESSION_COOKIE]
        who = cache.principal_for_token(request.app.state.workspace, cookie, access.authenticate_token)
        if request.method not in SAFE_METHODS:
            # a cookie rides along with any cross-site request: a write must also prove it comes from
            # our page, which alone can read the CSRF token
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), access.csrf_token(cookie).encode()):
                raise ForbiddenError(f"this write comes with a session cookie but without its CSRF token "
                                     f"(header {CSRF_HEADER})")
        principal = Principal(who.name, who.role, who.enterprises, via="session")
    request.state.principal = principal
    return principal


def require(role: str | None, *, reporter: bool = False, write: bool = False) -> Callable[..., Principal]:
    """A dependency: the caller must hold ``role`` or better (``None``: anyone, even unsecured);
    ``reporter`` lets enterprise reporters through (the route then scopes them to their firms);
    ``write`` marks a route that changes the workspace (refused on an unsecured server)."""

    def dependency(request: Request, _creds: Any = Depends(bearer_scheme)) -> Principal:
        if role is None:  # public: a bad or stale credential does not turn it away
            try:
                return authenticate(request)
            except AuthError:
                return ANONYMOUS
        principal = authenticate(request)
        if principal.anonymous:
            if secured(request):
                raise AuthError("this server needs a token: send 'Authorization: Bearer <token>' "
                                "(an admin creates one with `induscope tokens create USER`)")
            if write:
                raise ForbiddenError("no users are configured on this server, so it refuses every write; "
                                     + access.SETUP_HINT)
            return principal  # an unsecured server (loopback only) lets anyone read
        if principal.role == "reporter":
            if reporter:
                return principal
            raise ForbiddenError(f"user {principal.name!r} is an enterprise reporter: it may only submit and "
                                 "read its own enterprises' operating reports")
        if not principal.at_least(role):
            raise ForbiddenError(f"user {principal.name!r} (role {principal.role}) may not do this: "
                                 f"it needs the {role} role or higher")
        return principal

    return dependency


def access_rule(role: str | None, *, reporter: bool = False, write: bool = False) -> dict[str, Any]:
    """Route keyword arguments: the dependency, and the rule in the OpenAPI document (``x-role``) so
    that docs and the role-matrix test read the same rule the server enforces."""
    return {"dependencies": [Depends(require(role, reporter=reporter, write=write))],
            "openapi_extra": {"x-role": role or "public", "x-reporter": reporter, "x-write": write}}


PUBLIC = access_rule(None)
VIEWER = access_rule("viewer")
ANALYST_WRITE = access_rule("analyst", write=True)
ANALYST_RUN = access_rule("analyst")  # runs an analysis without writing to the workspace
ADMIN = access_rule("admin")
ADMIN_WRITE = access_rule("admin", write=True)
REPORTS_READ = access_rule("viewer", reporter=True)
REPORTS_WRITE = access_rule("analyst", reporter=True, write=True)


def principal(request: Request) -> Principal:
    """The (already checked) caller, for routes that scope by identity."""
    return authenticate(request)
