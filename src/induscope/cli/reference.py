"""`induscope reference ...`: the classifications shipped with the package."""
from __future__ import annotations

import typer

from .common import emit, handle_errors

app = typer.Typer(no_args_is_help=True)

#: the names `reference show` takes (kept here so that --help does not load the tables)
NAMES = ("divisions", "sections", "io42", "io42-concordance", "hightech", "provinces")


@app.command("show")
def show(ctx: typer.Context,
         name: str = typer.Argument(..., help=f"One of: {', '.join(NAMES)}.")) -> None:
    """Print a reference classification (codes with Chinese and English names)."""
    with handle_errors(ctx):
        from .. import reference as ref
        from ..errors import InputError

        if name not in ref.CLASSIFICATIONS:
            raise InputError(f"unknown classification {name!r}; expected one of: {', '.join(ref.CLASSIFICATIONS)}")
        emit(ctx, ref.CLASSIFICATIONS[name](), title=name)
