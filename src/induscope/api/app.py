"""The FastAPI application: REST API under /api/v1, the dashboard at /, static assets from the package.

Layers of a request, outermost first: trusted Host header -> body size and strict JSON -> audit of
writes and refused logins -> routing (authentication and role per route) -> the one error envelope.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from importlib.resources import files

import anyio
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..settings import Settings
from ..store import Workspace
from .cache import ResponseCacheMiddleware
from .errors import Scrubber, install_error_handlers
from .middleware import BodyGuardMiddleware, HeadAsGetMiddleware, SecurityHeadersMiddleware, TrustedHostMiddleware

API = "/api/v1"
OPENAPI_URL = f"{API}/openapi.json"
TAGS = [
    {"name": "system", "description": "health, workspace, datasets, reference classifications, identity"},
    {"name": "series", "description": "time series as of a data vintage"},
    {"name": "enterprises", "description": "enterprises (firms) in the workspace"},
    {"name": "chains", "description": "industrial chains and their nodes"},
    {"name": "indicators", "description": "NBS-method growth, contribution and pull"},
    {"name": "alerts", "description": "early-warning alerts, scans and alert handling"},
    {"name": "watch-lists", "description": "what the early warnings watch"},
    {"name": "reports", "description": "enterprise operating reports (platforms and enterprises submit)"},
    {"name": "io", "description": "input-output analysis: multipliers, linkages, key sectors, shocks, extraction"},
    {"name": "ario", "description": "dynamic ARIO shock simulations"},
    {"name": "network", "description": "firm networks: shock scenarios, chokepoints, alternative suppliers"},
    {"name": "imports", "description": "file uploads, validated as the CLI's importers do"},
    {"name": "jobs", "description": "background jobs: state, progress, cancel, result"},
    {"name": "sut", "description": "supply-use (make and use) uploads to symmetric requirements tables"},
    {"name": "report", "description": "the report card and monthly brief (HTML or PDF) as background jobs"},
    {"name": "nowcast", "description": "nowcasts of an indicator's growth before its release"},
    {"name": "sme", "description": "SME tiers, certificates and the cultivation pipeline"},
    {"name": "clusters", "description": "industrial clusters: registry and indicators"},
    {"name": "users", "description": "users and roles (admin)"},
    {"name": "tokens", "description": "API tokens (admin)"},
    {"name": "audit", "description": "the audit log (admin)"},
]


class AuditMiddleware:
    """Writes one audit entry per write request (POST/PUT/PATCH/DELETE: the API's and the dashboard
    forms') and per refused identity (a 401 anywhere), after the response; the audited request's
    outcome is not changed by it."""

    def __init__(self, app, workspace: Workspace):
        self.app = app
        self.ws = workspace

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = {"code": 500}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            code = status["code"]
            method = scope.get("method", "GET")
            path = scope.get("path", "")
            # every write: the API's, and the dashboard's page-local forms (/data/import, /admin/...)
            writes = method not in ("GET", "HEAD", "OPTIONS")
            if writes or code == 401:
                await anyio.to_thread.run_sync(self._record, scope, method, path, code, writes)

    def _record(self, scope, method: str, path: str, code: int, writes: bool) -> None:
        from ..services import audit

        state = scope.get("state") or {}
        principal = state.get("principal")
        route = scope.get("route")
        action = getattr(route, "operation_id", None) or f"{method} {path[:200]}"
        if code == 401:
            action = "login" if not writes else action
        outcome = audit.outcome_of_status(code)
        client = scope.get("client")
        audit.record(self.ws, action=action, outcome=outcome,
                     actor=getattr(principal, "name", None) or "anonymous",
                     role=getattr(principal, "role", None), target=path[:500],
                     remote=client[0] if client else None, status=code, detail=state.get("audit_detail"))


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for a workspace; nothing is opened until a request needs it."""
    from .routers import (admin, analysis, catalog, clusters, imports, jobs, monitoring, network, nowcast, pages,
                          report, sme, sut, system)

    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # a restart marks the jobs of a web process that is gone "interrupted"; stopping ends ours
        ws = app.state.workspace
        if ws.exists():
            from .routers.jobs import svc as jobs_svc

            app.state.jobs = jobs_svc.JobRunner.from_settings(ws, settings)
            await anyio.to_thread.run_sync(app.state.jobs.recover)
            # the overview's figures take seconds: computed now, the first visitor's page is whole at once
            import threading

            from .routers.dashboard_overview import warm
            threading.Thread(target=warm, args=(ws,), name="induscope-warm-overview", daemon=True).start()
        yield
        if getattr(app.state, "jobs", None) is not None:
            await anyio.to_thread.run_sync(app.state.jobs.shutdown)

    app = FastAPI(lifespan=lifespan, title="induscope", version=__version__, openapi_url=OPENAPI_URL, docs_url=None,
                  redoc_url=None, openapi_tags=TAGS,
                  description="Industrial-economy monitoring, chain and supply-chain risk, SME cultivation. "
                              "Every error answers `{\"error\": kind, \"message\": ..., [\"problems\": [...]]}`; "
                              "see docs/api.md for the auth model and the role matrix.")
    app.state.settings = settings
    app.state.workspace = Workspace.from_settings(settings)
    install_error_handlers(app, Scrubber(settings.home))
    app.mount("/static", StaticFiles(directory=str(files("induscope.web").joinpath("static"))), name="static")
    for r in (system, catalog, monitoring, analysis, network, imports, jobs, admin, nowcast, sme, clusters, sut,
              report):
        app.include_router(r.router, prefix=API)
    app.include_router(pages.router)
    from .routers import dashboard  # the dashboard pages (/overview, /monitoring, ...): report helper
    app.include_router(dashboard.router)
    from .routers import dashboard_admin, dashboard_data, dashboard_overview  # /overview, /data (import), /admin
    for r in (dashboard_overview, dashboard_data, dashboard_admin):
        app.include_router(r.router)
    from .routers import dashboard_monitoring, dashboard_reports, dashboard_smes  # /monitoring, /smes, /reports
    for r in (dashboard_monitoring, dashboard_reports, dashboard_smes):
        app.include_router(r.router)
    from .routers import dashboard_firms, dashboard_sectors  # the H3 pages: /sectors, /firms (with their jobs)
    for r in (dashboard_sectors, dashboard_firms):
        app.include_router(r.router)
    from .routers import dashboard_login  # /login: public, the form signs in through /api/v1/auth/login
    app.include_router(dashboard_login.router)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def swagger_ui():
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title="induscope API",
                                   swagger_js_url="/static/vendor/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui.css",
                                   swagger_favicon_url="data:,")

    @app.get("/redoc", include_in_schema=False, response_class=HTMLResponse)
    def redoc():
        return get_redoc_html(openapi_url=OPENAPI_URL, title="induscope API",
                              redoc_js_url="/static/vendor/redoc.standalone.js", redoc_favicon_url="data:,",
                              with_google_fonts=False)

    # innermost: the hot read routes from this worker's cache while the data is unchanged (cache.py)
    app.add_middleware(ResponseCacheMiddleware, workspace=app.state.workspace)
    app.add_middleware(AuditMiddleware, workspace=app.state.workspace)
    app.add_middleware(BodyGuardMiddleware, max_body=settings.api_max_body_bytes,
                       max_upload=settings.api_max_upload_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed=settings.allowed_hosts.split(","))
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer, refusals included
    return app
