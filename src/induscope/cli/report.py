"""`induscope report card`: the annual report card (HTML or PDF) from the workspace and the official figures."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import choices, emit, handle_errors, note, require, state

app = typer.Typer(no_args_is_help=True)
Format = choices("Format", "html", "pdf")


@app.command("card")
def card(ctx: typer.Context,
         year: int = typer.Option(..., "--year", help="Report year, e.g. 2022."),
         region: str = typer.Option("000000", "--region", help="Region: GB/T 2260 code or name (default: the nation)."),
         fmt: Format = typer.Option("html", "--format", help="html (self-contained) or pdf (headless Chromium)."),
         out: Path = typer.Option(..., "--out", help="Output file (written to a temporary name, then renamed)."),
         official: Optional[Path] = typer.Option(
             None, "--official", help="Folder with the official figure files (official_figures_china_2021_2022.csv, "
                                      "nbs_quarterly_gdp_current_prices.csv, nbs_quarterly_gdp_indices.csv)."),
         month: Optional[str] = typer.Option(None, "--month", help="Monthly brief: YYYY-MM (figures to that month)."),
         chromium: Optional[Path] = typer.Option(None, "--chromium", help="Chromium executable for --format pdf "
                                                                            "(default: chromium on PATH)."),
         no_workspace: bool = typer.Option(False, "--no-workspace", help="Use only the official figures.")) -> None:
    """The annual report card: growth, contribution and pull, structure, chains, risks, SMEs, clusters."""
    with handle_errors(ctx):
        from ..report import build_card, write_html, write_pdf

        if month is not None:
            require(len(month) == 7 and month[4] == "-" and month[:4].isdigit() and month[5:].isdigit()
                    and 1 <= int(month[5:]) <= 12, f"--month: expected YYYY-MM, got {month!r}")
            require(int(month[:4]) == year, f"--month {month} is not in --year {year}")
        ws = None if no_workspace else state(ctx).workspace
        require(ws is None or ws.exists() or official is not None,
                "no workspace here and no --official folder: nothing to report on "
                "(build one with `induscope demo` or import data)")
        c = build_card(ws, year, region=region, official=official, month=month)
        written = (write_pdf(c, out, chromium=str(chromium) if chromium else None) if fmt.value == "pdf"
                   else write_html(c, out))
        absent = [s["key"] for s in c.sections if not s["available"]]
        if absent:
            note(ctx, f"sections without data (the report says so): {', '.join(absent)}")
        emit(ctx, {"written": str(written), "format": fmt.value, "year": year, "region": c.region,
                   "sections": len(c.sections), "absent_sections": absent,
                   "appendix_entries": len(c.appendix)})
