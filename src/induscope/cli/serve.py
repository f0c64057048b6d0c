"""`induscope serve`: the web dashboard and REST API.

Safe by default: with no users and no INDUSCOPE_API_TOKEN the server binds loopback only (and refuses
writes); a server on another interface needs users (`induscope users add`) and the Host names it
answers for (INDUSCOPE_ALLOWED_HOSTS).
"""
from __future__ import annotations

import ipaddress
import os

import typer

from .common import handle_errors, note, state

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(ctx: typer.Context,
          host: str = typer.Option("127.0.0.1", help="Interface to listen on (other than loopback only once "
                                                     "users exist or INDUSCOPE_API_TOKEN is set)."),
          port: int = typer.Option(8000, min=1, max=65535, help="Port."),
          workers: int = typer.Option(1, "--workers", min=1, max=64,
                                      help="Web worker processes (each answers requests on its own).")) -> None:
    """Serve the dashboard and the REST API over the workspace."""
    with handle_errors(ctx):
        from ..errors import InputError
        from ..services import access

        settings = state(ctx).settings
        from ..store import Workspace

        secured = bool(settings.api_token) or access.users_exist(Workspace(settings.home))
        if not secured and not is_loopback(host):
            raise InputError(f"no users are configured, so the server binds loopback only (not {host}); "
                             + access.SETUP_HINT)
        if not secured:
            note(ctx, "no users configured: reads are open on loopback and every write is refused; "
                      + access.SETUP_HINT)
        if not is_loopback(host) and settings.allowed_hosts == type(settings)().allowed_hosts:
            note(ctx, "the server answers only Host headers in INDUSCOPE_ALLOWED_HOSTS (now loopback names): "
                      "set it to the names clients use to reach this server")
    import uvicorn

    if workers == 1:
        from ..api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    # several processes: each builds its app from the environment, so pass the workspace down
    os.environ["INDUSCOPE_HOME"] = str(settings.home)
    uvicorn.run("induscope.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info")
