"""One JSON error envelope for every failure: {"error": kind, "message": ..., ["problems": [...]]}.

Every response of the app that is not a success goes through here: induscope errors, request
validation, the framework's own 404/405/413, and any unexpected exception (a 500 with a generic
message; the traceback goes to the server log, never to the client). Messages are scrubbed of server
paths (the workspace folder, the working directory, the installation), so that no error tells a
caller where the server keeps its files.
"""
from __future__ import annotations

import logging
import math
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InduscopeError, Problem, ValidationError

log = logging.getLogger("induscope.api")

#: kinds of the framework's own HTTP errors
HTTP_KINDS = {400: "bad_request", 401: "auth_error", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 406: "not_acceptable", 413: "too_large",
              415: "unsupported_media_type", 429: "too_many_requests", 503: "unavailable"}
GENERIC_500 = "an unexpected error occurred on the server; it has been logged"
_MAX_VALUE_CHARS = 200


class Scrubber:
    """Replaces server paths in messages by a neutral word."""

    def __init__(self, *paths: Any):
        import tempfile

        import induscope

        roots = {str(p) for p in paths if p}
        roots |= {str(Path(p).resolve()) for p in paths if p}
        roots |= {str(Path.cwd()), str(Path(induscope.__file__).resolve().parent.parent), sys.prefix,
                  str(Path.home()), tempfile.gettempdir()}
        # longest first, so that a folder inside another is replaced whole
        self.roots = sorted((r for r in roots if len(r) > 1), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for r in self.roots:
            if r in text:
                text = text.replace(r, "<server>")
        return text


def _safe_value(v: Any) -> Any:
    """A problem's value as something JSON can carry, short enough to echo back."""
    if v is None or isinstance(v, (bool, int, str)):
        if isinstance(v, str) and len(v) > _MAX_VALUE_CHARS:
            return v[:_MAX_VALUE_CHARS] + "..."
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2 ** 53:
            return str(v)[:_MAX_VALUE_CHARS]
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    text = repr(v)
    return text if len(text) <= _MAX_VALUE_CHARS else text[:_MAX_VALUE_CHARS] + "..."


def envelope(kind: str, message: str, status: int, *, problems: list[dict] | None = None,
             headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"error": kind, "message": message}
    body.update(extra)
    if problems is not None:
        body["problems"] = problems
    return JSONResponse(body, status_code=status, headers=headers)


def validation_problems(errors: list[dict]) -> list[Problem]:
    """Pydantic's errors as located problems: ``loc`` ('body', 'reports', 3, 'value') becomes
    row 4 (1-based record number), column 'body.reports.value'."""
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))
        ints = [p for p in loc if isinstance(p, int)]
        names = [str(p) for p in loc if not isinstance(p, int)]
        out.append(Problem(source="request", row=ints[0] + 1 if ints else None,
                           column=".".join(names) or None, value=_safe_value(e.get("input")),
                           expected=str(e.get("msg", ""))))
    return out


def _is_page(request: Request) -> bool:
    """A browser asking for a dashboard page (not the API, not an asset)."""
    path = request.url.path
    return (request.method == "GET" and not path.startswith(("/api/", "/static/", "/docs", "/redoc"))
            and "text/html" in request.headers.get("accept", ""))


def install_error_handlers(app: FastAPI, scrub: Scrubber) -> None:
    @app.exception_handler(InduscopeError)
    async def _induscope(request: Request, exc: InduscopeError) -> Response:
        if exc.http_status == 401 and _is_page(request):
            # a person opening a dashboard page without a session: the log-in page, then back here
            q = request.url.query
            here = request.url.path + (f"?{q}" if q else "")
            return RedirectResponse(f"/login?{urlencode({'next': here})}", status_code=303)
        body = exc.to_dict()
        body["message"] = scrub(str(body.get("message", "")))
        for p in body.get("problems", []) or []:
            p["value"] = _safe_value(p.get("value"))
            if isinstance(p.get("source"), str):
                p["source"] = scrub(p["source"])
        headers = ({"Retry-After": str(getattr(exc, "retry_after", 1) or 1)} if exc.http_status in (429, 503)
                   else None)
        return JSONResponse(body, status_code=exc.http_status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = ValidationError(validation_problems(list(exc.errors())), wrote_nothing=True)
        body = err.to_dict()
        for p in body["problems"]:
            p["value"] = _safe_value(p.get("value"))
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = HTTP_KINDS.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else kind.replace("_", " ")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such resource: {request.url.path[:200]}"
        elif exc.status_code == 405 and detail == "Method Not Allowed":
            detail = f"{request.method} is not allowed on {request.url.path[:200]}"
        return envelope(kind, scrub(detail), exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return envelope("internal_error", GENERIC_500, 500)
