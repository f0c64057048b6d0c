"""`induscope import ...` commands: validate a file completely, then write it in one transaction.

Every problem in a file is reported at once (file, row, column, value, expected); the command then
exits with code 3 and the workspace is unchanged. Layouts: docs/formats.md.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import typer

from .common import ENCODING_OPTION, SHEET_OPTION, choices, emit, handle_errors, note, progress, state

app = typer.Typer(no_args_is_help=True)


Layout = choices("Layout", "auto", "nbs", "generic")

_NAME = typer.Option(None, "--name", help="Dataset id (default: the file name without suffix).")
_REPLACE = typer.Option(False, "--replace", help="Overwrite a dataset with the same id (else an error).")
_USD_CNY = typer.Option(None, "--usd-cny", help="Exchange rate (CNY per USD): converts USD amounts "
                                                "to 10,000 CNY; without it USD stays USD million.")


def _unit_option(what: str) -> typer.Option:
    return typer.Option(None, "--unit", help=f"Unit of {what}: '10,000 CNY' (万元), '100 million CNY' "
                                             "(亿元), 'CNY' (元), 'USD million'. CNY amounts are "
                                             "stored in 10,000 CNY.")


@contextmanager
def _steps(ctx: typer.Context, what: str) -> Iterator:
    """A progress bar over the import steps (read and validate, write), hidden with --json."""
    with progress(what, total=3, enabled=not state(ctx).json) as advance:
        done = [0]

        def on_progress(step: str, k: int, total: int) -> None:
            if k > done[0]:
                advance(k - done[0])
                done[0] = k
        yield on_progress


def _import(ctx: typer.Context, run: Callable[..., dict], file: Path, *more: Any, **options: Any) -> None:
    """One import command's work: the service under a progress bar, its summary (and its notes)."""
    with handle_errors(ctx):
        with _steps(ctx, f"importing {file.name}") as on_progress:
            summary = run(state(ctx).workspace, file, *more, on_progress=on_progress, **options)
        emit(ctx, summary, {k: v for k, v in _human(summary).items() if k != "notes"})
        for text in summary.get("notes", []):
            note(ctx, text)


@app.command("io")
def import_io(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Input-output table (.csv or .xlsx)."),
    layout: Layout = typer.Option(Layout.auto.value, "--layout",
                               help="nbs (NBS china_YYYY_NN layout), generic (kind/code columns), or "
                                    "auto (detect from the header)."),
    name: Optional[str] = _NAME,
    year: Optional[int] = typer.Option(None, "--year", help="Table year (default: from the file name)."),
    unit: Optional[str] = _unit_option("the table (NBS layout default: 10,000 CNY; required for generic)"),
    tolerance: float = typer.Option(1e-6, "--tolerance",
                                    help="Relative tolerance of the row and column balances."),
    replace: bool = _REPLACE,
    encoding: str = ENCODING_OPTION,
    sheet: Optional[str] = SHEET_OPTION,
    usd_cny: Optional[float] = _USD_CNY,
) -> None:
    """Import an input-output table; rows and columns must balance within --tolerance."""
    from ..services.imports import import_io_table

    _import(ctx, import_io_table, file, layout=layout.value, name=name, year=year, unit=unit,
            tolerance=tolerance, replace=replace, encoding=encoding, sheet=sheet, usd_cny=usd_cny)


@app.command("series")
def import_series(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Long series file (.csv or .xlsx): indicator, region, industry, "
                                          "period, value, unit, price_basis, vintage."),
    name: Optional[str] = _NAME,
    unit: Optional[str] = typer.Option(None, "--unit", help="Unit for rows without a unit cell (or when "
                                                            "the file has no unit column)."),
    price_basis: Optional[str] = typer.Option(None, "--price-basis",
                                              help="Price basis for rows without one (current, constant, "
                                                   "growth_pct, index_prev_year_100, ...)."),
    vintage: Optional[str] = typer.Option(None, "--vintage", help="Data vintage for rows without one."),
    replace: bool = _REPLACE,
    encoding: str = ENCODING_OPTION,
    sheet: Optional[str] = SHEET_OPTION,
    usd_cny: Optional[float] = _USD_CNY,
) -> None:
    """Import statistical series (monthly, quarterly or annual)."""
    from ..services.imports import import_series

    _import(ctx, import_series, file, name=name, unit=unit, price_basis=price_basis, vintage=vintage,
            replace=replace, encoding=encoding, sheet=sheet, usd_cny=usd_cny)


@app.command("enterprises")
def import_enterprises(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Enterprises (.csv or .xlsx): firm_id, name, region, industry, "
                                          "revenue, employees, founded, extra columns -> attributes."),
    name: Optional[str] = _NAME,
    unit: Optional[str] = _unit_option("revenue (if the file has no unit column)"),
    replace: bool = _REPLACE,
    encoding: str = ENCODING_OPTION,
    sheet: Optional[str] = SHEET_OPTION,
    usd_cny: Optional[float] = _USD_CNY,
) -> None:
    """Import enterprises with the attributes the SME rules need."""
    from ..services.imports import import_enterprises

    _import(ctx, import_enterprises, file, name=name, unit=unit, replace=replace, encoding=encoding, sheet=sheet,
            usd_cny=usd_cny)


@app.command("links")
def import_links(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Supply links (.csv or .xlsx): supplier, customer, value, product."),
    name: Optional[str] = _NAME,
    unit: Optional[str] = _unit_option("link values (if the file has no unit column)"),
    replace: bool = _REPLACE,
    encoding: str = ENCODING_OPTION,
    sheet: Optional[str] = SHEET_OPTION,
    usd_cny: Optional[float] = _USD_CNY,
) -> None:
    """Import firm-to-firm supply links (both firms must already be in the workspace)."""
    from ..services.imports import import_supply_links

    _import(ctx, import_supply_links, file, name=name, unit=unit, replace=replace, encoding=encoding, sheet=sheet,
            usd_cny=usd_cny)


@app.command("chains")
def import_chains(
    ctx: typer.Context,
    nodes: Path = typer.Argument(..., help="Chain nodes (.csv), or an .xlsx with sheets 'nodes' and 'firms'."),
    firms: Optional[Path] = typer.Argument(None, help="Firms serving each node (.csv): chain_id, node_id, "
                                                     "firm_id, role."),
    name: Optional[str] = _NAME,
    replace: bool = _REPLACE,
    encoding: str = ENCODING_OPTION,
) -> None:
    """Import industrial chain definitions (nodes, their order, the firms serving each node)."""
    from ..services.imports import import_chains

    _import(ctx, import_chains, nodes, firms, name=name, replace=replace, encoding=encoding)


def _human(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("final_demand", "value_added")}
