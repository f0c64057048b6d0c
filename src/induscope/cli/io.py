"""`induscope io ...` commands: sectors, multipliers, linkages, shocks, extraction, table checks.

Every command takes the table the same way: a positional TABLE (an id in the workspace, a file, or
pymrio:test).
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import DEVICE_HELP, TABLE_HELP, Device, choice, choices, emit, handle_errors, note, state

app = typer.Typer(no_args_is_help=True)


Coefficients = choices("Coefficients", "domestic", "total")
ZeroOutput = choices("ZeroOutput", "raise", "zero", "exclude")
ShockModelName = choices("ShockModel", "leontief", "ghosh", "inoperability")
Side = choices("Side", "demand", "supply")
ExtractionKind = choices("ExtractionKind", "total", "backward", "forward")
Forward = choices("Forward", "ghosh", "leontief")


_TABLE = typer.Argument(None, help=TABLE_HELP, metavar="TABLE", show_default=False)
_FILE = typer.Option(None, "--file", hidden=True, help="Same as giving the file as TABLE.")
_COEF = typer.Option(None, "--coefficients",
                     help="domestic or total (default: domestic for non-competitive tables, else total).")
_ZERO = typer.Option("raise", "--zero-output",
                     help="Zero-output sectors: raise (default), zero (coefficients 0, reported) or exclude.")
_DEVICE = typer.Option(Device.auto.value, "--device", help="For the Leontief inverse: " + DEVICE_HELP)

SHOCK_HELP = (
    "Propagate a shock through the Leontief (final demand), Ghosh (primary inputs) or inoperability model."
    "\n\n"
    "Sign: negative = a fall, positive = a rise, in every model (the inoperability model takes falls only). "
    "--delta is absolute, in the table's unit (e.g. 10,000 CNY), unless --relative: then it is a share of the "
    "sector's gross output in [-1, 1] (-0.1 = a fall of 10 %). Sectors: a code ('07', or 7), a name, or "
    "region/sector in a multi-regional table."
    "\n\n"
    "Example: induscope io shock china_2020_42 --sector 07 --delta -0.1 --relative")


def _ws(ctx: typer.Context, table: Optional[str], file: Optional[Path]):
    return state(ctx).workspace if file is None and table is not None else None


def _names(frame, names: dict[str, str], column: str = "sector"):
    from .common import with_names

    return with_names(frame, column, names, "name")


def _table_names(ctx: typer.Context, table_id, file):
    from ..services.io import load_table, sector_names

    t = load_table(_ws(ctx, table_id, file), table_id, file=file)
    return t, sector_names(t)


@app.command("sectors")
def sectors(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE) -> None:
    """The table's sectors: code, name and gross output (the codes the other commands take)."""
    with handle_errors(ctx):
        import pandas as pd

        from ..services.io import sectors as list_sectors

        t, _ = _table_names(ctx, table_id, file)
        rows = list_sectors(None, table=t)
        emit(ctx, {"table": t.name, "unit": t.unit, "sectors": rows}, pd.DataFrame(rows),
             title=f"{t.name}: {len(rows)} sectors", units={"gross_output": t.unit}, totals=["gross_output"])


@app.command("multipliers")
def multipliers(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
                coefficients: Optional[Coefficients] = _COEF, zero_output: ZeroOutput = _ZERO,
                device: Device = _DEVICE) -> None:
    """Output and value-added multipliers by sector."""
    with handle_errors(ctx):
        from ..services.io import static_analysis

        t, names = _table_names(ctx, table_id, file)
        r = static_analysis(None, table=t, coefficients=choice(coefficients), zero_output=choice(zero_output),
                            backend=choice(device))
        frame = r.to_frame()
        keep = [c for c in frame.columns if c in ("region", "sector", "gross_output", "output_multiplier",
                                                  "value_added_multiplier", "value_added_multiplier_type_i")]
        emit(ctx, {k: v for k, v in r.to_dict().items() if "linkage" not in k and k != "key_sector_class"},
             _names(frame[keep], names), units={"gross_output": t.unit}, totals=["gross_output"])
        _notes(ctx, r.notes)


@app.command("linkages")
def linkages(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
             forward: Forward = typer.Option(Forward.ghosh.value, "--forward",
                                             help="Forward linkages from the Ghosh inverse (ghosh, default) "
                                                  "or Rasmussen's row sums of L (leontief)."),
             coefficients: Optional[Coefficients] = _COEF, zero_output: ZeroOutput = _ZERO,
             device: Device = _DEVICE) -> None:
    """Rasmussen-Hirschman backward and forward linkages and key sectors."""
    with handle_errors(ctx):
        from ..services.io import static_analysis

        t, names = _table_names(ctx, table_id, file)
        r = static_analysis(None, table=t, coefficients=choice(coefficients), forward=choice(forward),
                            zero_output=choice(zero_output), backend=choice(device))
        frame = r.to_frame()
        keep = [c for c in frame.columns if c in ("region", "sector", "backward_linkage_index",
                                                  "forward_linkage_index", "key_sector_class")]
        payload = {k: v for k, v in r.to_dict().items()
                   if "linkage" in k or k in ("key_sector_class", "sectors", "notes")}
        emit(ctx, payload, _names(frame[keep].sort_values("backward_linkage_index", ascending=False), names))
        _notes(ctx, r.notes)


@app.command("shock", help=SHOCK_HELP)
def shock(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
          sector: List[str] = typer.Option(..., "--sector", help="Sector code or name (repeat for several)."),
          delta: List[float] = typer.Option(..., "--delta",
                                            help="Change for each --sector: negative = a fall. Absolute in the "
                                                 "table's unit, or a share of output in [-1, 1] with --relative."),
          model: ShockModelName = typer.Option(ShockModelName.leontief.value, "--model",
                                               help="leontief (final demand), ghosh (primary inputs) or "
                                                    "inoperability (falls only)."),
          relative: bool = typer.Option(False, "--relative",
                                        help="Read --delta as a share of the sector's gross output (-0.1 = -10 %)."),
          side: Side = typer.Option(Side.demand.value, "--side", help="Inoperability model side: demand or supply."),
          coefficients: Optional[Coefficients] = _COEF, zero_output: ZeroOutput = _ZERO,
          device: Device = _DEVICE) -> None:
    with handle_errors(ctx):
        from ..errors import InputError
        from ..services.io import shock as run_shock

        if len(sector) != len(delta):
            raise InputError(f"give one --delta per --sector ({len(sector)} sectors, {len(delta)} deltas)")
        shocks: dict[str, float] = {}
        for s, d in zip(sector, delta):
            shocks[s] = shocks.get(s, 0.0) + d
        t, _ = _table_names(ctx, table_id, file)
        run = run_shock(None, table=t, shocks=shocks, model=choice(model), relative=relative,
                        side=choice(side), coefficients=choice(coefficients), zero_output=choice(zero_output),
                        backend=choice(device))
        if state(ctx).json:
            emit(ctx, run.to_dict())
            return
        _show_shock(ctx, run)
        _notes(ctx, run.notes)
        tiny = [r for r in run.reading if not run.relative and 0 < abs(r["share_of_output"]) < 1e-6]
        for r in tiny:
            note(ctx, f"sector {r['sector']}: {r['change']:g} {run.unit} is {abs(r['share_of_output']):.1e} of its "
                      f"output; for a share of output (e.g. -0.1 = -10 %), add --relative")


def _show_shock(ctx: typer.Context, run) -> None:
    import pandas as pd

    unit = run.unit
    reading = pd.DataFrame(list(run.reading))
    reading = reading[["sector", "name", "change", "share_of_output"]]
    emit(ctx, None, reading, title=f"shock ({run.model}; {'relative' if run.relative else 'absolute'}; "
                                   f"negative = a fall)", units={"change": unit})
    frame = run.to_frame()
    frame = _names(frame, dict(run.names))
    d = run.to_dict()
    if run.model == "inoperability":
        cols = [c for c in frame.columns if c in ("sector", "name", "inoperability", "economic_loss",
                                                  "perturbation")] or list(frame.columns)
        frame = frame[cols].sort_values(cols[2] if len(cols) > 2 else cols[0], ascending=False)
        emit(ctx, None, frame, title="inoperability (share of output lost) and economic loss",
             units={"economic_loss": unit}, totals=[c for c in ("economic_loss",) if c in frame.columns])
    else:
        sort_col = "output_change" if "output_change" in frame.columns else frame.columns[-1]
        frame = frame.reindex(frame[sort_col].abs().sort_values(ascending=False).index)
        money = {c: unit for c in frame.columns if c not in ("sector", "name", "output_change_share")}
        emit(ctx, None, frame, title="output change by sector", units=money,
             totals=[c for c in frame.columns if c in money and c not in ("sector", "name")])
        emit(ctx, None, {"total output change": d.get("total_output_change"), "unit": unit})


@app.command("extract")
def extract(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
            sector: Optional[List[str]] = typer.Option(None, "--sector",
                                                       help="Sector(s) to extract (default: each sector)."),
            kind: ExtractionKind = typer.Option(ExtractionKind.total.value, "--kind",
                                                help="total, backward or forward extraction."),
            together: bool = typer.Option(False, "--together", help="Extract the given sectors as one set."),
            coefficients: Optional[Coefficients] = _COEF, zero_output: ZeroOutput = _ZERO,
            device: Device = _DEVICE) -> None:
    """Hypothetical extraction: output lost without a sector (or a set of sectors)."""
    with handle_errors(ctx):
        from ..services.io import extraction

        t, names = _table_names(ctx, table_id, file)
        r = extraction(None, table=t, kind=choice(kind), sectors=sector or None, together=together,
                       coefficients=choice(coefficients), zero_output=choice(zero_output), backend=choice(device))
        frame = r.to_frame()
        if r.loss is not None:
            frame = frame.sort_values("extraction_loss", ascending=False)
        money = {c: t.unit for c in frame.columns if c not in ("sector", "region") and "share" not in c}
        emit(ctx, r.to_dict(), _names(frame, names), units=money)
        _notes(ctx, r.notes)


@app.command("check")
def check(ctx: typer.Context, table_id: Optional[str] = _TABLE, file: Optional[Path] = _FILE,
          coefficients: Optional[Coefficients] = _COEF) -> None:
    """Balances, zero-output sectors and whether (I - A) is productive (and which sectors break it)."""
    with handle_errors(ctx):
        from ..services.io import check_table

        out = check_table(_ws(ctx, table_id, file), table_id, file=file, coefficients=choice(coefficients))
        prod = out["productivity"]
        human = {**{k: v for k, v in out.items() if k != "productivity"},
                 "productive": prod["productive"], "spectral_radius": prod["spectral_radius"],
                 "spectral_radius_method": prod["method"],
                 "columns_at_or_above_one": ", ".join(prod["columns_at_or_above_one"]) or "none"}
        emit(ctx, out, human)


def _notes(ctx: typer.Context, notes) -> None:
    for n in notes or ():
        note(ctx, str(n))
