"""`induscope export ...`: write workspace data in the import formats (they round-trip)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import emit, handle_errors, state

app = typer.Typer(no_args_is_help=True)


@app.command("chains")
def chains(ctx: typer.Context,
           nodes: Path = typer.Argument(..., help="NODES.csv to write (the `import chains` nodes format)."),
           firms: Path = typer.Argument(..., help="FIRMS.csv to write (chain_id, node_id, firm_id, role, output, "
                                                  "capacity)."),
           chain: Optional[List[str]] = typer.Option(None, "--chain", help="Chain id (repeat; default: all).")) -> None:
    """Export chains so that `induscope import chains NODES.csv FIRMS.csv` reads them back."""
    with handle_errors(ctx):
        from ..services.chains import export_chains

        emit(ctx, export_chains(state(ctx).workspace, nodes, firms, chain))
