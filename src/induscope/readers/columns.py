"""Columns of a table: header mapping, cell text, numbers, periods, codes, duplicate rows, and the
problem reports that name the row, the column, the value and what was expected.

Units live in ``induscope.units`` (the one table) and region/industry spellings in
``induscope.reference`` (the one normaliser); this module applies them to whole columns.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import difflib
import re
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .. import units as _units
from ..errors import InputError, ProblemCollector
from ..reference import cell_text
from .sheets import Sheet, _blank

#: spellings of "no value" in statistical files (NBS uses "…" and "-" for "not available")
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "…", "..."})

#: years a period may fall in: statistics since the founding of the NBS series, plans to 2100
YEAR_MIN, YEAR_MAX = 1900, 2100


# ---------------------------------------------------------------------------------------------
# headers
# ---------------------------------------------------------------------------------------------
def _norm_header(h: str) -> str:
    return re.sub(r"[\s\-]+", "_", h.strip().lower())


def map_columns(sheet: Sheet, pc: ProblemCollector, *, required: Iterable[str],
                optional: Iterable[str] = (), aliases: Mapping[str, str] | None = None,
                extra: str = "error") -> tuple[dict[str, int], dict[str, int]]:
    """Match header cells to expected column names.

    Returns ({canonical name: index}, {extra header: index}). Header matching ignores case,
    surrounding spaces and '-'/' ' vs '_'; ``aliases`` maps other spellings (e.g. Chinese) to
    canonical names. Columns whose header starts with '#' are ignored. A header named twice is a
    problem (whichever importer reads it). With ``extra='error'`` any other column is a problem
    (this catches misspelt headers); with ``extra='keep'`` they are returned as extras.
    """
    required = list(required)
    optional = list(optional)
    known = {_norm_header(n): n for n in required + optional}
    for alias, canon in (aliases or {}).items():
        known[_norm_header(alias)] = canon
    found: dict[str, int] = {}
    extras: dict[str, int] = {}
    seen: dict[str, int] = {}
    for i, h in enumerate(sheet.header):
        if h.startswith("#"):
            continue
        if h == "":
            pc.add(row=1, column=f"column {i + 1}", source=sheet.source,
                   expected="a column name in the header (this header cell is empty)")
            continue
        key = _norm_header(h)
        if key in seen:
            pc.add(row=1, column=h, source=sheet.source,
                   expected=f"each column name once (also column {seen[key] + 1})")
            continue
        seen[key] = i
        if key in known:
            canon = known[key]
            if canon in found:
                pc.add(row=1, column=h, source=sheet.source,
                       expected=f"one column for '{canon}' (two headers name it)")
            else:
                found[canon] = i
        elif extra == "keep":
            extras[h] = i
        else:
            hint = difflib.get_close_matches(key, list(known), n=1)
            did = f"; did you mean '{known[hint[0]]}'?" if hint else ""
            pc.add(row=1, column=h, source=sheet.source,
                   expected=f"one of the columns {required + optional} (prefix a header with '#' "
                            f"to ignore that column){did}")
    for name in required:
        if name not in found:
            present = [h for h in sheet.header if h]
            hint = difflib.get_close_matches(name, [_norm_header(h) for h in present], n=1)
            did = f" (found '{hint[0]}': misspelt?)" if hint else ""
            pc.add(row=1, column=name, source=sheet.source,
                   expected=f"a column named '{name}' in the header{did}; header is {present}")
    return found, extras


def duplicate_headers(sheet: Sheet, pc: ProblemCollector, *, zfill: bool = False) -> bool:
    """Report header names given twice (compared as ``map_columns`` compares them; with ``zfill``
    digit codes are compared zero-padded, '7' = '07'). For readers with a layout of their own (IO
    tables, code matrices), so a repeated column is refused as by every other reader."""
    width = max((len(h.strip()) for h in sheet.header if h.strip().isdigit()), default=0)
    seen: dict[str, int] = {}
    found = False
    for i, h in enumerate(sheet.header):
        if not h.strip() or h.startswith("#"):
            continue
        key = h.strip().zfill(width) if zfill and h.strip().isdigit() else _norm_header(h)
        if key in seen:
            pc.add(row=1, column=h, source=sheet.source,
                   expected=f"each column name once (also column {seen[key] + 1})")
            found = True
        else:
            seen[key] = i
    return found


# ---------------------------------------------------------------------------------------------
# cell values
# ---------------------------------------------------------------------------------------------
def map_unique(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` computed once per distinct value (statistics files repeat codes a lot).

    Booleans are kept apart from 1 and 0 (they hash alike): an Excel TRUE is not the number 1."""
    arr = pd.Series(values, dtype=object).to_numpy(dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=False)
    if any(isinstance(u, (bool, np.bool_)) or (isinstance(u, (int, float)) and u in (0, 1)) for u in uniques):
        tagged = np.array([_BOOL_TAGS[bool(v)] if isinstance(v, (bool, np.bool_)) else v for v in arr],
                          dtype=object)
        codes, uniques = pd.factorize(tagged, use_na_sentinel=False)
        uniques = [_TAGGED_BOOLS.get(u, u) if isinstance(u, str) else u for u in uniques]
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(u) for u in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


_BOOL_TAGS = {True: "\x00bool:True", False: "\x00bool:False"}
_TAGGED_BOOLS = {v: k for k, v in _BOOL_TAGS.items()}


def as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings ('' for empty); integral floats from Excel lose their '.0'."""
    return map_unique(values, cell_text)


def is_missing(text: pd.Series) -> pd.Series:
    return text.str.lower().isin(MISSING_TOKENS)


def _is_bool(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_))


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells -> (float values, missing mask, bad mask). Thousands separators ('1,234.5') and
    full-width minus signs are accepted; text, booleans (an Excel TRUE is not 1), inf and nan spelt
    as numbers, and numbers too large for a float are bad."""
    values = pd.Series(values, dtype=object)
    text = as_text(values)
    missing = is_missing(text).to_numpy()
    booleans = map_unique(values, _is_bool).to_numpy(dtype=bool)
    cleaned = (text.str.replace(r"(?<=\d),(?=\d{3}(?:\D|$))", "", regex=True)
               .str.replace("−", "-", regex=False).str.replace("－", "-", regex=False))
    num = pd.to_numeric(cleaned.where(~missing & ~booleans, None), errors="coerce").to_numpy(dtype=float)
    bad = ~missing & (~np.isfinite(num) | booleans)
    num = np.where(missing | bad, np.nan, num)
    return num, missing, bad


def report_rows(pc: ProblemCollector, df: pd.DataFrame, mask: np.ndarray | pd.Series, column: str,
                expected: str, value_col: str | None = None, source: str | None = None) -> None:
    """Add one problem per row where ``mask`` holds (stops adding past the cap, still counts)."""
    mask = np.asarray(mask, dtype=bool)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return
    vcol = value_col or column
    rows = df["_row"].to_numpy()
    vals = df[vcol].to_numpy() if vcol in df else [None] * len(df)
    room = max(pc.cap - len(pc.problems), 0)
    for k in idx[:room]:
        v = vals[k]
        pc.add(row=int(rows[k]), column=column, value=None if _blank(v) else v,
               expected=expected, source=source)
    pc.total += max(len(idx) - room, 0)  # counted, not listed


def numeric_column(pc: ProblemCollector, df: pd.DataFrame, column: str, *, required: bool = False,
                   min_value: float | None = None, max_value: float | None = None,
                   integer: bool = False, what: str = "a number",
                   source: str | None = None) -> np.ndarray:
    """Validate one numeric column: bad text, missing (when required), outside [min, max]."""
    num, missing, bad = parse_numbers(df[column])
    report_rows(pc, df, bad, column, f"{what}{' >= %g' % min_value if min_value is not None else ''}",
                source=source)
    if required:
        report_rows(pc, df, missing, column, f"{what} (the cell is empty)", source=source)
    ok = ~missing & ~bad
    if min_value is not None:
        report_rows(pc, df, ok & (num < min_value), column,
                    f"{what} >= {min_value:g} (negative values are not allowed here)", source=source)
    if max_value is not None:
        report_rows(pc, df, ok & (num > max_value), column, f"{what} <= {max_value:g}", source=source)
    if integer:
        frac = ok & (np.abs(num - np.round(num)) > 1e-9)
        report_rows(pc, df, frac, column, "a whole number", source=source)
    return num


def check_converted(pc: ProblemCollector, df: pd.DataFrame, converted: np.ndarray, column: str,
                    unit: str | pd.Series, source: str | None = None) -> np.ndarray:
    """Values checked after unit conversion: finite and within ``units.MAX_ABS`` (1e308 亿元 is a
    finite number in the file but inf in 10,000 CNY). Returns the mask of rows reported."""
    with np.errstate(over="ignore", invalid="ignore"):
        bad = _units.out_of_range(converted)
    if bad.any():
        if isinstance(unit, str):
            report_rows(pc, df, bad, column, _units.range_expected(unit), source=source)
        else:
            u = pd.Series(unit).reset_index(drop=True)
            for name in pd.unique(u[bad]):
                report_rows(pc, df, bad & (u == name).to_numpy(), column, _units.range_expected(str(name)),
                            source=source)
    return bad


def duplicate_rows(pc: ProblemCollector, df: pd.DataFrame, keys: list[str], what: str,
                   source: str | None = None) -> np.ndarray:
    """Report every row whose key repeats an earlier row's key; returns the duplicate mask."""
    dup = df.duplicated(subset=keys, keep="first").to_numpy()
    if dup.any():
        first = df.drop_duplicates(subset=keys, keep="first").set_index(keys)["_row"]
        rows = df["_row"].to_numpy()
        room = max(pc.cap - len(pc.problems), 0)
        hits = np.flatnonzero(dup)
        for k in hits[:room]:
            key = tuple(df.iloc[k][c] for c in keys)
            orig = first.loc[key if len(keys) > 1 else key[0]]
            value = key[0] if len(keys) == 1 else "/".join(map(str, key))
            pc.add(row=int(rows[k]), column=keys[0] if len(keys) == 1 else "+".join(keys),
                   value=value, source=source,
                   expected=f"a unique {what} (duplicate of row {int(orig)})")
        pc.total += max(len(hits) - room, 0)
    return dup


def numeric_grid(sheet: Sheet, pc: ProblemCollector, rows: list[int], cols: list[int], *,
                 min_value: float | None = None, what: str = "a number",
                 empty: str = "zero") -> np.ndarray:
    """A block of numbers from ``sheet`` (data-row positions x column positions), as in the file.

    Empty cells are 0 (``empty='zero'``) or a problem (``empty='error'``); text is a problem;
    values below ``min_value`` are problems; once multiplied by the conversion the reader set on
    the sheet (``Sheet.conversion``), values must stay finite and within ``units.MAX_ABS``.
    Problems name the row number and the column header.
    """
    factor, unit = sheet.conversion or (1.0, "the table's unit")
    if not rows or not cols:
        return np.zeros((len(rows), len(cols)))
    flat = pd.Series([sheet.rows[r][c] for r in rows for c in cols], dtype=object)
    num, missing, bad = parse_numbers(flat)
    num = num.reshape(len(rows), len(cols))
    missing = missing.reshape(num.shape)
    bad = bad.reshape(num.shape)
    ok = ~missing & ~bad
    low = np.zeros_like(bad) if min_value is None else (ok & (num < min_value))
    with np.errstate(over="ignore", invalid="ignore"):
        huge = ok & _units.out_of_range(np.where(ok, num, 0.0) * factor)
    flagged = bad | low | huge | (missing if empty == "error" else np.zeros_like(bad))
    for a, b in zip(*np.nonzero(flagged)):
        v = sheet.rows[rows[a]][cols[b]]
        if bad[a, b]:
            exp = what
        elif low[a, b]:
            exp = f"{what} >= {min_value:g} (negative values are not allowed here)"
        elif huge[a, b]:
            exp = _units.range_expected(unit)
        else:
            exp = f"{what} (the cell is empty)"
        pc.add(row=sheet.row_numbers[rows[a]], column=sheet.header[cols[b]],
               value=None if _blank(v) else v, expected=exp, source=sheet.source)
    return np.where(missing | bad | huge, 0.0, num)


# ---------------------------------------------------------------------------------------------
# periods and dates
# ---------------------------------------------------------------------------------------------
_MONTH = re.compile(r"^(\d{4})(?:-|M|m|/|\.)?(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})[-\s]?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _year_ok(y: int) -> bool:
    return YEAR_MIN <= y <= YEAR_MAX


def parse_period1(v: Any, *, days: bool = False) -> tuple[str | None, str | None]:
    """One period cell -> (canonical period, freq 'A'/'Q'/'M'/'D'), (None, None) when not a real
    period: months 1-12, days that exist in the calendar (2025-02-30 does not), years within
    YEAR_MIN..YEAR_MAX (9999-12 is a typo, not a period). Days only with ``days=True``."""
    if isinstance(v, (bool, np.bool_)):
        return None, None
    if isinstance(v, (_dt.date, pd.Timestamp)):  # a date from Excel
        if not _year_ok(v.year):
            return None, None
        if days:
            return f"{v.year:04d}-{v.month:02d}-{v.day:02d}", "D"
        return f"{v.year:04d}-{v.month:02d}", "M"
    s = "" if v is None else str(v).strip()
    if isinstance(v, float) and v.is_integer():
        s = str(int(v))
    if m := _YEAR.match(s):
        return (s, "A") if _year_ok(int(s)) else (None, None)
    if m := _QUARTER.match(s):
        return (f"{m.group(1)}Q{m.group(2)}", "Q") if _year_ok(int(m.group(1))) else (None, None)
    if (m := _MONTH.match(s)) and 1 <= int(m.group(2)) <= 12 and _year_ok(int(m.group(1))):
        if len(m.group(2)) == 1 and s[4:5].isdigit():
            return None, None  # '20243' is ambiguous
        return f"{m.group(1)}-{int(m.group(2)):02d}", "M"
    if days and (m := _DAY.match(s)):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _year_ok(y) and 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]:
            return s, "D"
    return None, None


def parse_periods(text: pd.Series, *, days: bool = False) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Period cells -> (canonical period, freq M/Q/A (D), bad mask).

    Accepts 2024, 2024Q1, 2024-Q1, 2024-03, 2024M03, 2024M3, 2024/03, 202403 and Excel dates
    (a month), and with ``days`` YYYY-MM-DD. Canonical: '2024', '2024Q1', '2024-03'.
    """
    pairs = map_unique(text, lambda v: parse_period1(v, days=days))
    period = pairs.map(lambda pf: pf[0])
    freq = pairs.map(lambda pf: pf[1])
    return period, freq, period.isna().to_numpy()


def period_expected(days: bool = False) -> str:
    return ("a period like 2024, 2024Q1, 2024-03 or 2024M03" + (" or a day 2024-03-31" if days else "")
            + f" (a real calendar date, year {YEAR_MIN}-{YEAR_MAX})")


# ---------------------------------------------------------------------------------------------
# reference codes (the spellings themselves live in induscope.reference)
# ---------------------------------------------------------------------------------------------
def normalize_code(text: pd.Series) -> pd.Series:
    """Codes as text: strip, upper-case letters; a lone digit (Excel dropped its zero) -> '0d'."""
    from .. import reference

    return map_unique(text, reference.normalize_industry)


def normalize_regions(text: pd.Series, *, allow_nation: bool) -> tuple[pd.Series, np.ndarray]:
    """Region cells -> GB/T 2260 codes; returns (codes, unknown mask). Names are accepted."""
    from .. import reference

    out = map_unique(text, lambda v: reference.normalize_region(v, allow_nation=allow_nation))
    bad = out.isna().to_numpy()
    return out.where(~bad, as_text(text)), bad


def industry_known(codes: pd.Series) -> np.ndarray:
    """Mask of codes the GB/T 4754-2017 reference (or its aggregates) knows; checked per unique code."""
    from .. import reference

    uniq = {c: bool(c) and reference.is_known_industry(c) for c in pd.unique(codes)}
    return codes.map(uniq).to_numpy(dtype=bool)


def strip_section(code: str) -> str:
    """'C3011' -> '3011' (the section letter is implied by the division); other codes unchanged."""
    if len(code) >= 3 and code[0].isalpha() and code[1:].isdigit():
        return code[1:]
    return code


# ---------------------------------------------------------------------------------------------
# ids
# ---------------------------------------------------------------------------------------------
def make_id(name: str) -> str:
    """A dataset/table id from a name or file stem: letters, digits, '_', '.', '-' (Unicode ok)."""
    s = re.sub(r"[^\w.\-]+", "_", str(name).strip()).strip("_")
    if not s:
        raise InputError(f"cannot make an id from the name {name!r}")
    return s


def year_from_name(name: str) -> int | None:
    m = re.search(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)", name)
    return int(m.group(1)) if m else None
