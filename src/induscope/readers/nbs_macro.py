"""NBS macro files: the quarterly database export (data.stats.gov.cn, English) and the transcribed
official-figures CSV the report card cites.

Both are read through ``readers.sheets`` (encodings, size limit) and report every problem with the
file, row and column at once.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..core.indicators.periods import canonical
from ..errors import InputError, ProblemCollector
from .columns import map_columns, numeric_column, report_rows
from .sheets import parse_csv_text, read_text


def _existing(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    return path


# ---------------------------------------------------------------------------------------------
# official figures (transcribed): indicator, year, value, unit, vintage_note, source_url
# ---------------------------------------------------------------------------------------------
OFFICIAL_COLUMNS = ["indicator", "year", "value", "unit", "source_url"]


def read_official_figures(path: str | Path) -> pd.DataFrame:
    """The transcribed official figures CSV (comment lines start with '#'): indicator, year, value,
    unit, source_url (and optionally vintage_note). The first row of an (indicator, year) wins."""
    path = _existing(path)
    pc = ProblemCollector(path.name)
    text = read_text(path, pc)
    if text is None:
        pc.raise_if_any()
    # comment lines are blanked, not removed, so row numbers stay those of the file
    lines = ["" if ln.lstrip().startswith("#") else ln for ln in text.splitlines()]
    first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    sh = parse_csv_text("\n".join(lines[first:]), path.name, pc)
    if sh is None:
        pc.raise_if_any()
    sh.row_numbers = [r + first for r in sh.row_numbers]
    cols, _ = map_columns(sh, pc, required=OFFICIAL_COLUMNS, optional=["vintage_note"])
    if any(c not in cols for c in OFFICIAL_COLUMNS):
        pc.raise_if_any()
    df = sh.frame(cols)
    df = df[df["indicator"].astype(str).str.strip() != "indicator"]  # a repeated header
    year = numeric_column(pc, df, "year", required=True, integer=True, min_value=1900, what="a year",
                          source=path.name)
    value = numeric_column(pc, df, "value", required=True, what="a number", source=path.name)
    report_rows(pc, df, (df["indicator"].astype(str).str.strip() == "").to_numpy(), "indicator",
                "an indicator name (the cell is empty)", source=path.name)
    pc.raise_if_any()
    out = df.drop(columns=["_row"]).copy()
    for c in out.columns:
        if c not in ("year", "value"):
            out[c] = out[c].astype(str).str.strip()
    out["year"] = year.astype(int)
    out["value"] = value.astype(float)
    if "vintage_note" not in out:
        out["vintage_note"] = ""
    return out.drop_duplicates(subset=["indicator", "year"], keep="first").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# the NBS quarterly database export
# ---------------------------------------------------------------------------------------------
_ALIASES = {"financial intermediation": "finance", "primary industry": "primary",
            "secondary industry": "secondary", "tertiary industry": "tertiary"}


def _sector_key(name: str) -> str:
    n = name.strip()
    for pre in ("Indices of ", "Value-added of ", "the "):
        if n.startswith(pre):
            n = n[len(pre):]
    n = n.replace("Value-added of ", "").replace("the ", "")
    n = n.split("(")[0].strip().lower()
    return _ALIASES.get(n, n)


def read_nbs_quarterly(path: str | Path) -> pd.DataFrame:
    """An NBS database export (data.stats.gov.cn, quarterly, English): long frame with columns
    sector, measure ('current_quarter' or 'accumulated'), kind ('level' or 'index'), period, value."""
    path = _existing(path)
    src = path.name
    pc = ProblemCollector(src)
    text = read_text(path, pc)
    if text is None:
        pc.raise_if_any()
    lines = text.splitlines()
    header = next((i for i, ln in enumerate(lines) if ln.startswith("Indicators")), None)
    if header is None:
        pc.add(expected="a header line starting with 'Indicators' (an NBS database export)")
        pc.raise_if_any()
    periods = []
    for c in lines[header].split("\t,")[1:]:
        if not c.strip(" ,\t"):
            continue
        try:
            periods.append(canonical(c.strip()))
        except ValueError:
            pc.add(row=header + 1, value=c.strip(), expected="a quarter like '1Q 2024' in the header")
    pc.raise_if_any()
    rows = []
    for k, ln in enumerate(lines[header + 1:], start=header + 2):
        if not ln.strip() or ln.startswith(("Note", "Data Sources")) or "\t," not in ln:
            continue
        parts = ln.split("\t,")
        name = parts[0]
        kind = "index" if name.strip().startswith("Indices") else "level"
        measure = "accumulated" if "Accumulated" in name else "current_quarter"
        # the indicator name itself holds a comma: drop the measure part
        base = name.replace("Current Quarter", "").replace("Accumulated", "")
        base = base.replace(", ", " ").replace(" ,", " ")
        sector = _sector_key(base.replace("Gross Domestic Product", "GDP"))
        vals = [v.strip(" ,\t") for v in parts[1:]][:len(periods)]
        for per, v in zip(periods, vals):
            if v == "":
                continue
            try:
                x = float(v)
                if not math.isfinite(x):
                    raise ValueError
            except ValueError:
                pc.add(row=k, column=per, value=v, expected="a number")
                continue
            rows.append((sector, measure, kind, per, x))
    pc.raise_if_any()
    return pd.DataFrame(rows, columns=["sector", "measure", "kind", "period", "value"])
