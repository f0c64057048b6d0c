"""`induscope reference ...`: the classifications shipped with the package."""
from __future__ import annotations

import typer

from .. import reference as ref
from ..errors import InputError
from .common import emit, handle_errors

app = typer.Typer(no_args_is_help=True)


@app.command("show")
def show(ctx: typer.Context,
         name: str = typer.Argument(..., help=f"One of: {', '.join(ref.CLASSIFICATIONS)}.")) -> None:
    """Print a reference classification."""
    with handle_errors(ctx):
        if name not in ref.CLASSIFICATIONS:
            raise InputError(f"unknown classification {name!r}; expected one of: {', '.join(ref.CLASSIFICATIONS)}")
        emit(ctx, ref.CLASSIFICATIONS[name]())
