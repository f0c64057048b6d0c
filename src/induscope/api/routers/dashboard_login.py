"""The dashboard's log-in page (public): a form that posts to /api/v1/auth/login from the page's script,
which sets the HttpOnly session cookie and the CSRF cookie, then returns to the page the user came from."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .dashboard import _lang, _render, strings

router = APIRouter(include_in_schema=False)


def _local_next(value: str | None) -> str:
    """Where to go after logging in: a path on this server only (never another site: no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 1000:
        return "/overview"
    return value


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    t = strings(_lang(request))
    return _render(request, "login.html", "login", {"next": _local_next(request.query_params.get("next")),
                                                    "failed": t["login_failed"]})
