"""`induscope serve`: the web dashboard and REST API.

Safe by default: with no users and no INDUSCOPE_API_TOKEN the server binds loopback only (and refuses
writes); a server on another interface needs users (`induscope users add`) and the Host names it
answers for (INDUSCOPE_ALLOWED_HOSTS), and should speak HTTPS (--ssl-certfile/--ssl-keyfile, or a TLS
proxy in front): passwords and session cookies cross the network.
"""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Optional

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
                                      help="Web worker processes (each answers requests on its own)."),
          ssl_certfile: Optional[Path] = typer.Option(None, "--ssl-certfile", help="PEM certificate (chain): "
                                                      "serve HTTPS (with --ssl-keyfile)."),
          ssl_keyfile: Optional[Path] = typer.Option(None, "--ssl-keyfile", help="PEM private key of the "
                                                     "certificate.")) -> None:
    """Serve the dashboard and the REST API over the workspace."""
    with handle_errors(ctx):
        from ..errors import InputError
        from ..services import access

        tls = _tls_files(ssl_certfile, ssl_keyfile)

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
        if not is_loopback(host) and not tls:
            note(ctx, "plain HTTP on a network: passwords and session cookies cross it readable; give "
                      "--ssl-certfile and --ssl-keyfile, or put a TLS proxy in front")
    import uvicorn

    if workers == 1:
        from ..api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **tls)
        return
    # several processes: each builds its app from the environment, so pass the workspace down
    os.environ["INDUSCOPE_HOME"] = str(settings.home)
    uvicorn.run("induscope.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", **tls)


def _tls_files(certfile: Path | None, keyfile: Path | None) -> dict[str, str]:
    """uvicorn's TLS arguments, checked here so that a mistake is a clear error, not a traceback."""
    from ..errors import InputError

    if certfile is None and keyfile is None:
        return {}
    if certfile is None or keyfile is None:
        raise InputError("HTTPS needs both --ssl-certfile and --ssl-keyfile")
    for option, f in (("--ssl-certfile", certfile), ("--ssl-keyfile", keyfile)):
        if not f.is_file():
            raise InputError(f"{option}: no such file: {f.name}")
        head = f.read_bytes()[:4096]
        if b"-----BEGIN " not in head:
            raise InputError(f"{option}: {f.name} is not a PEM file (expected a '-----BEGIN ...' block)")
    import ssl

    try:  # a certificate that does not match its key fails here, not in the server's first handshake
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(str(certfile), str(keyfile))
    except (ssl.SSLError, OSError) as e:
        why = getattr(e, "reason", None) or e.strerror or type(e).__name__
        raise InputError(f"the certificate and key cannot be used together ({why}): is the key the "
                         "certificate's, and unencrypted?") from None
    return {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)}
