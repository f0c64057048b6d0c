"""ASGI guards in front of every route: trusted Host header, body size, strict JSON, the browser
security headers of every response, and HEAD answered as GET without the body.

Why our own instead of Starlette's TrustedHostMiddleware: its refusal is a plain-text 400, and every
response of the app answers in the one error envelope. Why the body is read here: a limit must hold
before anything parses the body, and Python's JSON parser accepts NaN, Infinity and 1e400 (which
becomes inf), which the API refuses as values; checking here covers every route at once.
"""
from __future__ import annotations

import json
import math
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


async def _send_json(send: Send, status: int, body: dict, headers: list[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": data})


def host_of(value: str) -> str:
    """The host name of a Host header, without the port (IPv6 literals keep their brackets off)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class TrustedHostMiddleware:
    """Refuses requests whose Host header is not allowed (DNS rebinding), in the envelope."""

    def __init__(self, app, allowed: list[str]):
        self.app = app
        self.allowed = {h.strip().lower() for h in allowed if h.strip()}
        self.any = "*" in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.any:
            return await self.app(scope, receive, send)
        host = ""
        for k, v in scope.get("headers", []):
            if k == b"host":
                host = host_of(v.decode("latin-1"))
                break
        if host in self.allowed or any(a.startswith("*.") and host.endswith(a[1:]) for a in self.allowed):
            return await self.app(scope, receive, send)
        await _send_json(send, 400, {"error": "host_not_allowed",
                                     "message": "this server does not answer for that Host header; "
                                                "its operator can allow it with INDUSCOPE_ALLOWED_HOSTS"})


class _Reject(Exception):
    def __init__(self, status: int, kind: str, message: str):
        self.status, self.kind, self.message = status, kind, message


def _finite_float(text: str) -> float:
    f = float(text)
    if not math.isfinite(f):
        raise _Reject(422, "validation_error", f"the JSON body holds a number out of range ({text[:40]}); "
                                               "numbers must be finite")
    return f


def _no_constant(name: str) -> Any:
    raise _Reject(422, "validation_error", f"the JSON body holds {name}, which is not a number in JSON; "
                                           "send finite numbers or null")


def check_json(body: bytes) -> None:
    """Raise _Reject when the body is JSON with non-finite numbers or nested too deep; leave other
    malformations to the framework (which reports them as request validation problems)."""
    try:
        json.loads(body, parse_constant=_no_constant, parse_float=_finite_float)
    except _Reject:
        raise
    except RecursionError:
        raise _Reject(422, "validation_error", "the JSON body is nested too deeply") from None
    except ValueError as e:
        if "int" in str(e) and "digits" in str(e):  # Python's limit on integer string conversion
            raise _Reject(422, "validation_error", "the JSON body holds an integer with too many digits") from None
        return  # malformed JSON: FastAPI answers it as a located validation problem


class BodyGuardMiddleware:
    """Bodies over the limit get 413 before being read whole; JSON bodies must hold finite numbers."""

    def __init__(self, app, max_body: int, max_upload: int):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        ctype = headers.get(b"content-type", b"").decode("latin-1").lower()
        limit = self.max_upload if ctype.startswith("multipart/") else self.max_body
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return await self._too_large(send, limit)
        chunks, size = [], 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await self._too_large(send, limit)
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and ("json" in ctype or not ctype):
            try:
                check_json(body)
            except _Reject as r:
                return await _send_json(send, r.status, {"error": r.kind, "message": r.message})
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _too_large(send: Send, limit: int) -> None:
        await _send_json(send, 413, {"error": "too_large",
                                     "message": f"the request body is larger than this server accepts "
                                                f"({limit:,} bytes); nothing was read or stored"})


#: what a page of this server may load and where it may be shown. Everything is served from the
#: package ('self'); inline scripts and styles stay allowed because the templates hand their chart data
#: to ECharts inline (no eval: neither htmx's filters nor eval-based code paths are used); no page may
#: be framed (clickjacking), post a form elsewhere or load a plugin. ReDoc renders in a blob: worker.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                           "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
                           "frame-ancestors 'none'")
SECURITY_HEADERS = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),  # a file is never run as what it is not
                    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers older than CSP 2
                    (b"referrer-policy", b"same-origin"),  # a dashboard URL (ids, filters) stays here
                    (b"cross-origin-opener-policy", b"same-origin")]


#: over HTTPS only: browsers keep to HTTPS for this host for a year (no downgrade to plain HTTP)
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every HTTP response, and HSTS to those served over HTTPS (a route's
    own header of the same name wins)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        extra = [*SECURITY_HEADERS, HSTS] if scope.get("scheme") == "https" else SECURITY_HEADERS

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *(h for h in extra if h[0] not in present)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGetMiddleware:
    """Answers HEAD as the GET of the same URL without its body (FastAPI routes declare GET only, and
    monitors and link checkers probe with HEAD). A route without GET still answers 405."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message: dict) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
