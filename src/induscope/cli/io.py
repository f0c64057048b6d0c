"""`induscope io ...` commands: multipliers, linkages, shocks, extraction, table checks."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import emit, handle_errors, state

app = typer.Typer(no_args_is_help=True)

_TABLE = typer.Argument(None, help="Table id in the workspace (or use --file).")
_FILE = typer.Option(None, "--file", help="Read the table from a file (NBS layout or generic) instead.")
_COEF = typer.Option(None, "--coefficients",
                     help="domestic or total (default: domestic for non-competitive tables, else total).")
_ZERO = typer.Option("raise", "--zero-output",
                     help="Zero-output sectors: raise (default), zero (coefficients 0, reported) or exclude.")
_BACKEND = typer.Option("auto", "--backend", help="auto, cpu or gpu (for the Leontief inverse).")


def _ws(ctx: typer.Context, file: Optional[Path]):
    return None if file is not None else state(ctx).workspace


@app.command("multipliers")
def multipliers(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
                coefficients: Optional[str] = _COEF, zero_output: str = _ZERO, backend: str = _BACKEND) -> None:
    """Output and value-added multipliers by sector."""
    with handle_errors(ctx):
        from ..services.io import static_analysis

        r = static_analysis(_ws(ctx, file), table_id, file=file, coefficients=coefficients,
                            zero_output=zero_output, backend=backend)
        frame = r.to_frame()
        keep = [c for c in frame.columns if c in ("region", "sector", "gross_output", "output_multiplier",
                                                  "value_added_multiplier", "value_added_multiplier_type_i")]
        emit(ctx, {k: v for k, v in r.to_dict().items() if "linkage" not in k and k != "key_sector_class"},
             frame[keep])
        _notes(ctx, r.notes)


@app.command("linkages")
def linkages(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
             forward: str = typer.Option("ghosh", "--forward",
                                         help="Forward linkages from the Ghosh inverse (ghosh, default) "
                                              "or Rasmussen's row sums of L (leontief)."),
             coefficients: Optional[str] = _COEF, zero_output: str = _ZERO, backend: str = _BACKEND) -> None:
    """Rasmussen-Hirschman backward and forward linkages and key sectors."""
    with handle_errors(ctx):
        from ..services.io import static_analysis

        r = static_analysis(_ws(ctx, file), table_id, file=file, coefficients=coefficients, forward=forward,
                            zero_output=zero_output, backend=backend)
        frame = r.to_frame()
        keep = [c for c in frame.columns if c in ("region", "sector", "backward_linkage_index",
                                                  "forward_linkage_index", "key_sector_class")]
        payload = {k: v for k, v in r.to_dict().items()
                   if "linkage" in k or k in ("key_sector_class", "sectors", "notes")}
        emit(ctx, payload, frame[keep].sort_values("backward_linkage_index", ascending=False))
        _notes(ctx, r.notes)


@app.command("shock")
def shock(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
          sector: List[str] = typer.Option(..., "--sector", help="Sector code (repeat for several)."),
          delta: List[float] = typer.Option(..., "--delta", help="Change for each --sector, in table units "
                                                                  "(negative = a fall); for inoperability a reduction."),
          model: str = typer.Option("leontief", "--model", help="leontief, ghosh or inoperability."),
          relative: bool = typer.Option(False, "--relative", help="Read --delta as a share of the sector's output."),
          side: str = typer.Option("demand", "--side", help="Inoperability model side: demand or supply."),
          coefficients: Optional[str] = _COEF, zero_output: str = _ZERO, backend: str = _BACKEND) -> None:
    """Propagate a demand (Leontief), primary-input (Ghosh) or inoperability shock."""
    with handle_errors(ctx):
        from ..errors import InputError
        from ..services.io import shock as run_shock

        if len(sector) != len(delta):
            raise InputError(f"give one --delta per --sector ({len(sector)} sectors, {len(delta)} deltas)")
        shocks: dict[str, float] = {}
        for s, d in zip(sector, delta):
            shocks[s] = shocks.get(s, 0.0) + d
        r = run_shock(_ws(ctx, file), table_id, file=file, shocks=shocks, model=model, relative=relative,
                      side=side, coefficients=coefficients, zero_output=zero_output, backend=backend)
        emit(ctx, r.to_dict(), r.to_frame())
        _notes(ctx, r.notes)


@app.command("extract")
def extract(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
            sector: Optional[List[str]] = typer.Option(None, "--sector",
                                                       help="Sector(s) to extract (default: each sector)."),
            kind: str = typer.Option("total", "--kind", help="total, backward or forward extraction."),
            together: bool = typer.Option(False, "--together", help="Extract the given sectors as one set."),
            coefficients: Optional[str] = _COEF, zero_output: str = _ZERO, backend: str = _BACKEND) -> None:
    """Hypothetical extraction: output lost without a sector (or a set of sectors)."""
    with handle_errors(ctx):
        from ..services.io import extraction

        r = extraction(_ws(ctx, file), table_id, file=file, kind=kind, sectors=sector or None,
                       together=together, coefficients=coefficients, zero_output=zero_output, backend=backend)
        frame = r.to_frame()
        if r.loss is not None:
            frame = frame.sort_values("extraction_loss", ascending=False)
        emit(ctx, r.to_dict(), frame)
        _notes(ctx, r.notes)


@app.command("check")
def check(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
          coefficients: Optional[str] = _COEF) -> None:
    """Balances, zero-output sectors and whether (I - A) is productive (and which sectors break it)."""
    with handle_errors(ctx):
        from ..services.io import check_table

        out = check_table(_ws(ctx, file), table_id, file=file, coefficients=coefficients)
        prod = out["productivity"]
        human = {**{k: v for k, v in out.items() if k != "productivity"},
                 "productive": prod["productive"], "spectral_radius": prod["spectral_radius"],
                 "spectral_radius_method": prod["method"],
                 "columns_at_or_above_one": ", ".join(prod["columns_at_or_above_one"]) or "none"}
        emit(ctx, out, human)


def _notes(ctx: typer.Context, notes) -> None:
    if notes and not state(ctx).json:
        from .common import err_console

        for n in notes:
            err_console.print(f"note: {n}", highlight=False, markup=False)
