"""`induscope workspace ...`: status and migrations."""
from __future__ import annotations

import typer

from .common import emit, handle_errors, state

app = typer.Typer(no_args_is_help=True)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Where the workspace is, its schema version and the row count of every table."""
    with handle_errors(ctx):
        ws = state(ctx).workspace
        ws_exists = ws.exists()
        payload = {"home": str(ws.home), "exists": ws_exists,
                   "schema_version": ws.schema_version() if ws_exists else 0,
                   "tables": ws.tables() if ws_exists else {}}
        emit(ctx, payload)


@app.command("migrate")
def migrate(ctx: typer.Context) -> None:
    """Create the workspace or bring its schema up to date."""
    with handle_errors(ctx):
        ws = state(ctx).workspace.ensure()
        emit(ctx, {"home": str(ws.home), "schema_version": ws.schema_version()})
