"""`induscope workspace ...`: status and migrations."""
from __future__ import annotations

import typer

from .common import emit, handle_errors, render, state

app = typer.Typer(no_args_is_help=True)


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Where the workspace is, its schema version and the row count of every table."""
    with handle_errors(ctx):
        st = state(ctx)
        ws = st.workspace
        ws_exists = ws.exists()
        tables = ws.tables() if ws_exists else {}
        payload = {"home": str(ws.home), "exists": ws_exists,
                   "schema_version": ws.schema_version() if ws_exists else 0, "tables": tables}
        if st.json:
            emit(ctx, payload)
            return
        render({"workspace": payload["home"], "exists": ws_exists, "schema version": payload["schema_version"]})
        if tables:
            import pandas as pd

            frame = pd.DataFrame({"table": list(tables), "rows": [int(v) for v in tables.values()]})
            render(frame, title="tables", totals=["rows"])
        elif not ws_exists:
            render("no workspace here yet: `induscope workspace migrate` creates it, "
                   "`induscope demo` fills it with a synthetic demo")


@app.command("migrate")
def migrate(ctx: typer.Context) -> None:
    """Create the workspace or bring its schema up to date."""
    with handle_errors(ctx):
        ws = state(ctx).workspace.ensure()
        emit(ctx, {"home": str(ws.home), "schema_version": ws.schema_version()})
