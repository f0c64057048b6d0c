"""`induscope reference ...`: the classifications shipped with the package."""
from __future__ import annotations

import typer

from .common import emit, handle_errors

app = typer.Typer(no_args_is_help=True)

_CHOICES = "divisions, sections, io42, io42-concordance, hightech, provinces"


@app.command("show")
def show(ctx: typer.Context,
         name: str = typer.Argument(..., help=f"One of: {_CHOICES}.")) -> None:
    """Print a reference classification."""
    from .. import reference as ref
    from ..errors import InputError

    loaders = {"divisions": ref.gbt4754_divisions, "sections": ref.gbt4754_sections,
               "io42": ref.nbs_io42_sectors, "io42-concordance": ref.io42_division_concordance,
               "hightech": ref.hightech_manufacturing, "provinces": ref.provinces}
    with handle_errors(ctx):
        if name not in loaders:
            raise InputError(f"unknown classification {name!r}; expected one of: {_CHOICES}")
        frame = loaders[name]()
        emit(ctx, frame)
