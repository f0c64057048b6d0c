"""Input-output table files: the one entry point that detects the layout and reads a table.

Layouts: ``nbs`` (NBS published tables: Code, Description, sector columns 01.., totals GO, ...)
and ``generic`` (one row per matrix row: kind, code, name, columns, x); see docs/formats.md.
"""
from __future__ import annotations

from pathlib import Path

from ..core.iomodels.table import IOTable
from ..errors import InputError, Problem, ValidationError
from .io_checks import DEFAULT_TOLERANCE, check_tolerance
from .sheets import EXCEL_SUFFIXES, first_row

LAYOUTS = ("auto", "nbs", "generic")


def detect_layout(path: str | Path, encoding: str = "utf-8", sheet: str | None = None) -> str:
    """'generic' when the header has a 'kind' column, 'nbs' when it has a 'Code' column."""
    header = first_row(path, encoding=encoding, sheet=sheet)
    low = {h.strip().lower() for h in header}
    if "kind" in low:
        return "generic"
    if "code" in low or Path(path).suffix.lower() in EXCEL_SUFFIXES:
        return "nbs"  # NBS workbooks name the code column in Chinese as often as not
    raise ValidationError([Problem(Path(path).name, 1, None, header[:6],
                                   "an NBS-layout header (Code, Description, 01.., GO) or a generic "
                                   "header (kind, code, ..., x); or pass --layout")])


def read_io_table(path: str | Path, *, layout: str = "auto", name: str | None = None,
                  year: int | None = None, unit: str | None = None,
                  tolerance: float = DEFAULT_TOLERANCE, encoding: str = "utf-8",
                  sheet: str | None = None, usd_cny: float | None = None) -> IOTable:
    """Read and validate an input-output table file (every problem in one ValidationError)."""
    from .io_generic import read_generic
    from .nbs import read_nbs

    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    check_tolerance(tolerance)
    if not Path(path).exists():
        raise InputError(f"no such file: {path}")
    if layout == "auto":
        layout = detect_layout(path, encoding, sheet)
    reader = read_nbs if layout == "nbs" else read_generic
    return reader(path, name=name, year=year, unit=unit, tolerance=tolerance, encoding=encoding,
                  sheet=sheet, usd_cny=usd_cny)
