"""`induscope sut ...` commands."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import choices, emit, handle_errors

app = typer.Typer(no_args_is_help=True)


Technology = choices("Technology", "industry", "commodity")


@app.command("requirements")
def requirements(
    ctx: typer.Context,
    make: Path = typer.Option(..., "--make", help="Make table CSV: industry codes in the first column, "
                                                  "commodity codes as header (scrap commodity included)."),
    use: Path = typer.Option(..., "--use", help="Use table CSV: commodity codes in the first column, "
                                                "industry codes as header (intermediate use only)."),
    out: Path = typer.Option(..., "--out", help="Output folder for the four requirements tables."),
    scrap: Optional[str] = typer.Option(None, "--scrap", help="Code of the scrap commodity (BEA: S004)."),
    technology: Technology = typer.Option(Technology.industry.value, "--technology",
                                   help="industry (BEA's industry-technology assumption) or commodity."),
    force: bool = typer.Option(False, "--force", help="Replace an output folder that holds other files."),
) -> None:
    """Direct and total requirements tables from make and use tables (BEA's derivation)."""
    with handle_errors(ctx):
        from ..services.sut import sut_requirements, write_requirements

        result = sut_requirements(make, use, scrap=scrap, technology=technology.value)
        files = write_requirements(result, out, force=force)
        payload = {"out": str(out), "files": [f.name for f in files], **result.to_dict()}
        payload.pop("output_multipliers_commodity", None)
        human = (f"wrote {len(files)} tables ({len(result.commodities)} commodities x "
                 f"{len(result.industries)} industries, {technology.value} technology) to {out}"
                 + "".join(f"\n  note: {n}" for n in result.notes)
                 + (f"\n  not produced by any industry: {', '.join(result.not_produced)}"
                    if result.not_produced else ""))
        emit(ctx, payload, human)
