"""The FastAPI application: REST API under /api, the dashboard at /, static assets from the package."""
from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..settings import Settings
from ..store import Workspace
from .errors import install_error_handlers


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for a workspace; nothing is opened until a request needs it."""
    from .routers import catalog, monitoring, pages, reference

    settings = settings or Settings()
    app = FastAPI(title="induscope", version=__version__,
                  description="Industrial-economy monitoring, chain and supply-chain risk, SME cultivation.")
    app.state.settings = settings
    app.state.workspace = Workspace(settings.home)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(files("induscope.web").joinpath("static"))), name="static")
    app.include_router(catalog.router, prefix="/api")
    app.include_router(reference.router, prefix="/api")
    app.include_router(monitoring.router, prefix="/api")
    app.include_router(pages.router)
    return app
