"""`induscope serve`: the web dashboard and REST API."""
from __future__ import annotations

import typer

from .common import state


def serve(ctx: typer.Context,
          host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
          port: int = typer.Option(8000, help="Port.")) -> None:
    """Serve the dashboard and the REST API over the workspace."""
    import uvicorn

    from ..api.app import create_app

    uvicorn.run(create_app(state(ctx).settings), host=host, port=port, log_level="info")
