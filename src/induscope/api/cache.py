"""Per-process caches that stay valid until the data they depend on changes.

Every committed write bumps the workspace's data version (``store.workspace.Stamp``, a small file
read without opening DuckDB; writes declare the domains they touch: ``reports``, ``enterprises``,
``audit``, ``jobs``, ``access``, ``figures``, or everything). Each web worker keeps:

* **who a token stands for** (``principal_for_token``), valid while the ``access`` domain (users,
  tokens) is unchanged and for at most :data:`PRINCIPAL_TTL_S` seconds, and only while the token is
  valid that long: revoking a token or disabling a user is a write, so it takes effect at the next
  request; a token is looked up afresh on every request in its last ten minutes;
* **whether users exist** (``users_exist``), under the same version;
* **the responses of hot GET routes** (:data:`RULES`): the body, keyed by path, query, the format
  asked for, the language, and the caller's authorisation scope (role and enterprise ids; a
  reporter's own name too), valid while the domains the route reads are unchanged. Each carries
  ``ETag: W/"<workspace>-<version>-<key>"``; a request with a matching ``If-None-Match`` gets 304.

Only 200 responses without cookies are kept. A hit is served only to a caller of the same scope as
the one the route itself admitted, so the route's role check stands. While another process holds the
write lock, the stamp still names the last committed version, so hits keep being served instead of
waiting for the write to end.
"""
from __future__ import annotations

import contextvars
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

from ..errors import AuthError
from ..services.access import Principal
from ..store import Workspace

#: the longest a token's principal is reused without looking at the store again (seconds); revocation
#: does not wait for it (a write: the version changes), and a token that expires sooner is not kept
PRINCIPAL_TTL_S = 600.0
#: responses kept per worker (least recently used dropped first)
MAX_RESPONSES = 2000
MAX_PRINCIPALS = 10000
#: the domains whose writes never change what a cached read route shows
OPERATIONAL = ("audit", "jobs", "access", "figures")


@dataclass(frozen=True)
class Rule:
    """What a cached route reads: ``depends`` (domains; every undeclared write counts as well), or
    ``None`` for everything but ``exclude``."""

    depends: tuple[str, ...] | None = ()
    exclude: tuple[str, ...] = OPERATIONAL


#: the hot read routes and the data they depend on
RULES: dict[str, Rule] = {
    # the home page counts the data tables (not operating reports: pages.py) and draws the headline
    "/": Rule(None, exclude=(*OPERATIONAL, "reports")),
    "/api/v1/indicators/growth": Rule(()),
    "/api/v1/indicators/contribution": Rule(()),
    "/api/v1/series": Rule(()),
    "/api/v1/alerts": Rule(()),
    "/api/v1/datasets": Rule(("enterprises",)),
    "/api/v1/reports": Rule(("reports", "enterprises")),
    "/api/v1/reports/aggregates": Rule(("reports", "enterprises")),
}


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            v = self.items.get(key)
            if v is not None:
                self.items.move_to_end(key)
            return v

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_PRINCIPALS = _LRU(MAX_PRINCIPALS)
#: set while the middleware looks up on the event loop: a lookup that would need the store raises
#: CacheMiss instead (then it runs again in a worker thread)
_PEEK: contextvars.ContextVar[bool] = contextvars.ContextVar("induscope_cache_peek", default=False)


class CacheMiss(Exception):
    """Raised under ``_PEEK`` where the answer needs the store."""
_USERS_EXIST: dict[str, tuple[Any, bool]] = {}


def _access_version(ws: Workspace) -> Any:
    s = ws.data_version()
    v = s.version(("access",))
    return None if v is None else (s.ident, v)


def principal_for_token(ws: Workspace, token: str, authenticate: Callable[..., Principal]) -> Principal:
    """``authenticate(ws, token)`` (``services.access.authenticate_token``), reused while the users
    and tokens are unchanged; AuthError as it raises (failures are not cached)."""
    from datetime import datetime, timedelta, timezone

    version = _access_version(ws)
    key = hashlib.sha256(token.encode()).digest()
    now = time.monotonic()
    hit = _PRINCIPALS.get(key)
    if version is not None and hit is not None and hit[0] == version and now < hit[1]:
        return hit[2]
    if _PEEK.get():
        raise CacheMiss()
    principal = authenticate(ws, token)  # raises AuthError: revoked, expired, unknown
    if version is not None:
        # cache only a token that is still valid when the entry ends (checked as of then)
        later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=PRINCIPAL_TTL_S)
        try:
            authenticate(ws, token, now=later)
        except AuthError:
            return principal
        _PRINCIPALS.put(key, (version, now + PRINCIPAL_TTL_S, principal))
    return principal


def users_exist(ws: Workspace, check: Callable[[Workspace], bool]) -> bool:
    """``check(ws)`` (``services.access.users_exist``), reused while the users are unchanged."""
    version = _access_version(ws)
    hit = _USERS_EXIST.get(str(ws.home))
    if version is not None and hit is not None and hit[0] == version:
        return hit[1]
    if _PEEK.get():
        raise CacheMiss()
    value = check(ws)
    if version is not None:
        _USERS_EXIST[str(ws.home)] = (version, value)
    return value


def clear() -> None:
    """Forget everything (tests)."""
    _PRINCIPALS.clear()
    _USERS_EXIST.clear()
    _RESPONSES.clear()


# ---- responses -------------------------------------------------------------------------------------
_RESPONSES = _LRU(MAX_RESPONSES)
_LIMITERS: dict[int, Any] = {}


def _lookup_limiter():
    """Eight threads per event loop for lookups that need the store (one loop per worker process;
    test clients start one each)."""
    import asyncio

    import anyio

    loop = id(asyncio.get_running_loop())
    if loop not in _LIMITERS:
        _LIMITERS.clear()  # a previous loop is gone
        _LIMITERS[loop] = anyio.CapacityLimiter(8)
    return _LIMITERS[loop]
_INFLIGHT: dict[tuple, Any] = {}


def _scope_key(principal: Principal, secured: bool) -> tuple:
    if principal.anonymous:
        return ("anonymous", secured)
    name = principal.name if principal.role == "reporter" else ""  # a reporter's answers are its own
    return (principal.role, tuple(sorted(principal.enterprises)), name)


def _header(scope: dict, name: bytes) -> str:
    for k, v in scope.get("headers") or ():
        if k == name:
            return v.decode("latin-1")
    return ""


def _format(scope: dict) -> str:
    accept = _header(scope, b"accept")
    return "csv" if "text/csv" in accept and "application/json" not in accept else "json"


class ResponseCacheMiddleware:
    """Serves the hot GET routes of :data:`RULES` from this worker's cache (see the module notes)."""

    def __init__(self, app, workspace: Workspace, rules: dict[str, Rule] | None = None):
        self.app = app
        self.ws = workspace
        self.rules = RULES if rules is None else rules

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        rule = self.rules.get(scope.get("path", ""))
        if rule is None:
            return await self.app(scope, receive, send)
        token = _PEEK.set(True)
        try:  # on the event loop: a hit must not queue behind the worker threads (busy with writes)
            found = self._lookup(scope, rule)
        except CacheMiss:
            found = False
        finally:
            _PEEK.reset(token)
        if found is False:
            import anyio

            # its own threads: a lookup must not queue behind routes waiting for the write lock
            found = await anyio.to_thread.run_sync(self._lookup, scope, rule, limiter=_lookup_limiter())
        if found is None:
            return await self.app(scope, receive, send)
        key, version, etag, hit = found
        leader = None
        if hit is None:
            import anyio

            # one computation per key and version in this worker: the others wait for its answer
            # (after a data change, 20 viewers of the same page cost one computation, not 20)
            waiting = _INFLIGHT.get((key, version))
            if waiting is not None:
                with anyio.move_on_after(60):
                    await waiting.wait()
                again = _RESPONSES.get(key)
                if again is not None and again[0] == version:
                    hit = again[1]
            else:
                leader = _INFLIGHT[(key, version)] = anyio.Event()
        if hit is not None:
            if etag in _header(scope, b"if-none-match"):
                return await self._send(send, 304, [], b"", etag)
            status, headers, body = hit
            return await self._send(send, status, headers, body if scope["method"] == "GET" else b"", etag)

        captured: dict[str, Any] = {"status": 0, "headers": [], "body": [], "cacheable": True}

        async def capture(message):
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                headers = list(message.get("headers") or [])
                captured["headers"] = headers
                if message["status"] != 200 or any(k.lower() == b"set-cookie" for k, _ in headers):
                    captured["cacheable"] = False
                    return await send(message)
                return None  # held back: sent below, with the ETag
            if not captured["cacheable"] or message["type"] != "http.response.body":
                return await send(message)  # e.g. the test client's http.response.debug
            captured["body"].append(message.get("body", b""))
            if not message.get("more_body", False):
                body = b"".join(captured["body"])
                headers = [(k, v) for k, v in captured["headers"]
                           if k.lower() not in (b"content-length", b"etag", b"cache-control")]
                if scope["method"] == "GET":
                    _RESPONSES.put(key, (version, (200, headers, body)))
                if etag in _header(scope, b"if-none-match"):
                    return await self._send(send, 304, [], b"", etag)
                return await self._send(send, 200, headers, body, etag)
            return None

        try:
            await self.app(scope, receive, capture)
        finally:
            if leader is not None:
                _INFLIGHT.pop((key, version), None)
                leader.set()

    @staticmethod
    async def _send(send, status: int, headers: list, body: bytes, etag: str) -> None:
        out = [*headers, (b"etag", etag.encode()), (b"cache-control", b"private, no-cache")]
        if status != 304:
            out.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": body})

    def _lookup(self, scope: dict, rule: Rule) -> tuple | None:
        """(key, version, etag, cached or None); None when this request is not for the cache (no
        workspace, a credential that fails: the route answers it)."""
        from starlette.requests import Request

        from .auth import authenticate, secured

        if not self.ws.exists():
            return None
        request = Request(scope)
        if _PEEK.get() and request.cookies.get("induscope_session") and not request.headers.get("authorization"):
            raise CacheMiss()  # a session cookie: looked up in a thread
        try:
            principal = authenticate(request)  # also kept in request.state for the route
            is_secured = secured(request)
        except AuthError:
            return None
        if principal.anonymous and is_secured:
            return None  # the route answers 401
        stamp = self.ws.data_version()
        version = stamp.version(rule.depends, rule.exclude)
        if version is None:
            return None
        query = urlencode(sorted(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)))
        key = (scope["path"], query, _format(scope), _header(scope, b"accept-language")[:64],
               _scope_key(principal, is_secured), str(self.ws.home))
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
        etag = f'W/"{stamp.ident or "0"}-{version}-{digest}"'
        hit = _RESPONSES.get(key)
        if hit is not None and hit[0] == version:
            return key, version, etag, hit[1]
        return key, version, etag, None
