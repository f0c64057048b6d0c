"""`induscope clusters ...`: import the cluster registry, list, show with indicators."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import ENCODING_OPTION, emit, handle_errors, state

app = typer.Typer(no_args_is_help=True)


@app.command("import")
def import_cmd(ctx: typer.Context,
               file: Path = typer.Argument(..., help="Registry (.csv/.xlsx): cluster_id, name, kind, regions, "
                                                     "lead_industries[, members]."),
               members: Optional[Path] = typer.Argument(None, help="Members (.csv): cluster_id, firm_id."),
               name: Optional[str] = typer.Option(None, "--name", help="Dataset id (default: the file stem)."),
               replace: bool = typer.Option(False, "--replace", help="Replace the dataset of that id."),
               encoding: str = ENCODING_OPTION) -> None:
    """Import a cluster registry (advanced-manufacturing and SME characteristic clusters)."""
    with handle_errors(ctx):
        from ..services.clusters import import_clusters

        emit(ctx, import_clusters(state(ctx).workspace, file, members, name=name, replace=replace,
                                  encoding=encoding))


@app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """The clusters in the workspace."""
    with handle_errors(ctx):
        from ..services.clusters import list_clusters

        df = list_clusters(state(ctx).workspace)
        emit(ctx, df, df)


@app.command("show")
def show(ctx: typer.Context, cluster_id: str = typer.Argument(..., help="Cluster id.")) -> None:
    """A cluster's indicators: revenue and growth, size classes, chain nodes covered, open alerts."""
    with handle_errors(ctx):
        from ..services.clusters import show_cluster

        d = show_cluster(state(ctx).workspace, cluster_id)
        if state(ctx).json:
            emit(ctx, d)
            return
        emit(ctx, {k: v for k, v in d.items() if k not in ("chain_nodes_covered", "alerts")})
        if len(d["chain_nodes_covered"]):
            emit(ctx, d["chain_nodes_covered"])
