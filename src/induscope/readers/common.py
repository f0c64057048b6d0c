"""What every reader shares: opening CSV/XLSX files, text encodings, headers, numbers, units, codes.

Readers collect problems in a ``ProblemCollector`` and keep going, so one run reports every problem
in a file (capped). A problem that makes the rest meaningless (an empty file, a wrong encoding)
ends reading early, but is still reported together with what was found before it.
"""
from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, ProblemCollector

#: spellings of "no value" in statistical files (NBS uses "…" and "-" for "not available")
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "…", "..."})

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


# ---------------------------------------------------------------------------------------------
# opening files
# ---------------------------------------------------------------------------------------------
@dataclass
class Sheet:
    """A rectangular table read from a file: header (row 1) and data rows with their row numbers.

    ``row_numbers`` are the rows as a spreadsheet user counts them (header = row 1); blank rows are
    dropped but counted.
    """

    source: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    def frame(self, columns: Mapping[str, int]) -> pd.DataFrame:
        """The data rows as an object-dtype DataFrame with the given {name: column index}, plus
        ``_row`` (the spreadsheet row number)."""
        data = {name: [r[i] for r in self.rows] for name, i in columns.items()}
        df = pd.DataFrame(data, dtype=object)
        df["_row"] = np.asarray(self.row_numbers, dtype=np.int64)
        return df.reset_index(drop=True)


def display_name(path: Path, sheet: str | None = None) -> str:
    return f"{path.name}[{sheet}]" if sheet else path.name


def open_sheet(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None
               ) -> tuple[ProblemCollector, "Sheet"]:
    """Read a file into a ``Sheet`` with a fresh collector for the problems found later.

    Raises ValidationError (with every problem) when the file cannot be read as a table at all."""
    pc = ProblemCollector(Path(path).name)
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        pc.raise_if_any()
        raise InputError(f"{Path(path).name}: could not be read as a table")
    return pc, sh


def read_sheet(path: str | Path, pc: ProblemCollector, *, encoding: str = "utf-8",
               sheet: str | None = None, delimiter: str | None = None) -> Sheet | None:
    """Read a CSV/TSV or XLSX file into a ``Sheet``; problems go to ``pc``; None when unreadable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, expected a file")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(path, pc, sheet)
    if suffix == ".xls":
        raise InputError(f"{path.name}: the old Excel format .xls is not read; save it as .xlsx or .csv")
    if sheet is not None:
        raise InputError(f"{path.name}: --sheet applies to .xlsx files only")
    data = path.read_bytes()
    source = path.name
    if data.startswith(b"PK\x03\x04"):
        pc.add(expected="a CSV text file (this is a zip/Excel file: give it the .xlsx suffix)",
               source=source)
        return None
    text = decode_text(data, source, pc, encoding)
    if text is None:
        return None
    if delimiter is None:
        delimiter = "\t" if suffix == ".tsv" else ","
    return parse_csv_text(text, source, pc, delimiter=delimiter,
                          ends_with_newline=data.endswith((b"\n", b"\r")))


def decode_text(data: bytes, source: str, pc: ProblemCollector, encoding: str = "utf-8") -> str | None:
    """Decode file bytes. ``encoding='auto'`` tries UTF-8 then GB 18030 (a superset of GBK).

    A UTF-8 read of a GBK file is reported as such, with the fix, rather than as garbage text.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        pc.add(row=None, expected="a header row and at least one data row (the file is empty)",
               source=source)
        return None
    enc = encoding.lower().replace("_", "-")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not enc.startswith("utf-16"):
        pc.add(expected="UTF-8 text: the file is UTF-16-encoded (Excel 'Unicode text'); "
                        "save it as CSV UTF-8 or pass --encoding utf-16", source=source)
        return None
    if enc == "auto":
        for candidate in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                continue
        pc.add(expected="text in UTF-8 or GBK/GB 18030 (the file is neither; pass --encoding)",
               source=source)
        return None
    if enc in ("utf-8", "utf8"):
        enc = "utf-8-sig"  # drop a byte-order mark written by Excel
    try:
        return data.decode(enc)
    except LookupError:
        raise InputError(f"unknown text encoding {encoding!r} (try utf-8, gbk, gb18030 or auto)") from None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        snippet = data[e.start: e.start + 8]
        if enc == "utf-8-sig" and _decodes(data, "gb18030"):
            pc.add(row=line, value=snippet.hex(" "), source=source,
                   expected="UTF-8 text, but the file is GBK-encoded (GBK/GB 18030, common in Chinese "
                            "statistics exports): re-save it as UTF-8 or pass --encoding gbk")
        else:
            pc.add(row=line, value=snippet.hex(" "), source=source,
                   expected=f"text in the {encoding} encoding (byte {e.start} is not valid; "
                            "pass --encoding, e.g. gbk or utf-8)")
        return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def parse_csv_text(text: str, source: str, pc: ProblemCollector, *, delimiter: str = ",",
                   ends_with_newline: bool = True) -> Sheet | None:
    """Parse CSV text strictly: a row with a different number of fields than the header, or a
    quote left open at the end of the file, is reported (a truncated file shows up this way)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for rec in reader:
            records.append(rec)
    except csv.Error as e:
        pc.add(row=len(records) + 1, source=source,
               expected=f"well-formed CSV ({e}; the file looks truncated or has an unclosed quote)")
    while records and not any(f.strip() for f in records[-1]):
        records.pop()
    if not records or not any(f.strip() for f in records[0]):
        pc.add(row=1 if records else None, source=source,
               expected="a header row and at least one data row (the file is empty)" if not records
               else "a header row in row 1 (row 1 is blank)")
        return None
    header = [h.strip() for h in records[0]]
    while header and header[-1] == "" and all(len(r) < len(header) or not r[len(header) - 1].strip()
                                              for r in records[1:]):
        header.pop()  # trailing separators written by some spreadsheet exports
    width = len(header)
    sheet = Sheet(source=source, header=header)
    last = len(records)
    for idx, rec in enumerate(records[1:], start=2):
        if not any(f.strip() for f in rec):
            continue
        if len(rec) != width:
            if len(rec) > width and not any(f.strip() for f in rec[width:]):
                rec = rec[:width]
            else:
                cut = idx == last and not ends_with_newline and len(rec) < width
                why = " (the file looks truncated: its last line is cut short)" if cut else \
                    " (a ragged row: a missing or extra separator, or the file was cut)"
                pc.add(row=idx, value=f"{len(rec)} fields", source=source,
                       expected=f"{width} fields as in the header{why}")
                rec = (rec + [""] * width)[:width]
        sheet.rows.append(rec)
        sheet.row_numbers.append(idx)
    if not sheet.rows:
        pc.add(row=2, source=source, expected="at least one data row below the header (none found)")
    return sheet


def _read_xlsx(path: Path, pc: ProblemCollector, sheet_name: str | None) -> Sheet | None:
    import openpyxl  # a main dependency, imported only when an Excel file is read
    from openpyxl.utils import get_column_letter

    try:
        # not read_only: merged-cell ranges are only known in the full mode
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged zip
        pc.add(expected=f"a readable .xlsx workbook ({type(e).__name__}: {e})", source=path.name)
        return None
    try:
        if sheet_name is None:
            ws = wb.worksheets[0]
        elif sheet_name in wb.sheetnames:
            ws = wb[sheet_name]
        else:
            pc.add(value=sheet_name, source=path.name,
                   expected=f"a sheet named one of {wb.sheetnames}")
            return None
        source = display_name(path, ws.title if len(wb.sheetnames) > 1 or sheet_name else None)
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = list(ws.merged_cells.ranges)
    finally:
        wb.close()
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        pc.add(expected="a header row and at least one data row (the sheet is empty)", source=source)
        return None
    header_cells = rows[0]
    for mr in merged:
        first = header_cells[mr.min_col - 1] if mr.min_col - 1 < len(header_cells) else None
        if mr.min_row <= 1:
            pc.add(row=mr.min_row, column=None if _blank(first) else str(first).strip(),
                   value=mr.coord, source=source,
                   expected=f"one header per column, not merged header cells ({mr.coord}): unmerge "
                            "them and give every column its own name in row 1")
        else:
            pc.add(row=mr.min_row, column=get_column_letter(mr.min_col), value=mr.coord, source=source,
                   expected=f"one value per cell, not merged cells ({mr.coord}): a merged range "
                            "leaves all but its first cell empty")
    header = ["" if _blank(v) else str(v).strip() for v in header_cells]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    out = Sheet(source=source, header=header)
    for idx, rec in enumerate(rows[1:], start=2):
        if all(_blank(v) for v in rec):
            continue
        extra = [v for v in rec[width:] if not _blank(v)]
        if extra:
            pc.add(row=idx, value=extra[0], source=source,
                   expected=f"no values right of the last named column ({width} columns)")
        rec = list(rec[:width]) + [None] * max(0, width - len(rec))
        out.rows.append([v.strip() if isinstance(v, str) else v for v in rec])
        out.row_numbers.append(idx)
    if not out.rows:
        pc.add(row=2, source=source, expected="at least one data row below the header (none found)")
    return out


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def sheet_names(path: str | Path) -> list[str]:
    """Sheet names of an .xlsx file (empty list for text files)."""
    path = Path(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


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
    canonical names. Columns whose header starts with '#' are ignored. With ``extra='error'`` any
    other column is a problem (this catches misspelt headers); with ``extra='keep'`` they are
    returned as extras.
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


# ---------------------------------------------------------------------------------------------
# cell values
# ---------------------------------------------------------------------------------------------
def map_unique(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` computed once per distinct value (statistics files repeat codes a lot)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).to_numpy(dtype=object),
                                  use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(u) for u in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _text1(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped strings ('' for empty); integral floats from Excel lose their '.0'."""
    return map_unique(values, _text1)


def is_missing(text: pd.Series) -> pd.Series:
    return text.str.lower().isin(MISSING_TOKENS)


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells -> (float values, missing mask, bad mask). Thousands separators ('1,234.5') and
    full-width minus signs are accepted; text, inf and nan spelt as numbers are bad."""
    text = as_text(values)
    missing = is_missing(text).to_numpy()
    cleaned = (text.str.replace(r"(?<=\d),(?=\d{3}(?:\D|$))", "", regex=True)
               .str.replace("−", "-", regex=False).str.replace("－", "-", regex=False))
    num = pd.to_numeric(cleaned.where(~missing, None), errors="coerce").to_numpy(dtype=float)
    bad = ~missing & ~np.isfinite(num)
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
                   min_value: float | None = None, integer: bool = False, what: str = "a number",
                   source: str | None = None) -> np.ndarray:
    """Validate one numeric column: bad text, missing (when required), below ``min_value``."""
    num, missing, bad = parse_numbers(df[column])
    report_rows(pc, df, bad, column, f"{what}{' >= %g' % min_value if min_value is not None else ''}",
                source=source)
    if required:
        report_rows(pc, df, missing, column, f"{what} (the cell is empty)", source=source)
    ok = ~missing & ~bad
    if min_value is not None:
        report_rows(pc, df, ok & (num < min_value), column,
                    f"{what} >= {min_value:g} (negative values are not allowed here)", source=source)
    if integer:
        frac = ok & (np.abs(num - np.round(num)) > 1e-9)
        report_rows(pc, df, frac, column, "a whole number", source=source)
    return num


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


def _code1(v: Any) -> str:
    t = _text1(v).upper()
    return "0" + t if len(t) == 1 and t.isdigit() else t


def normalize_code(text: pd.Series) -> pd.Series:
    """Codes as text: strip, upper-case letters; a lone digit (Excel dropped its zero) -> '0d'."""
    return map_unique(text, _code1)


# ---------------------------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------------------------
CNY_10K = "10,000 CNY"
USD_MILLION = "USD million"
EUR_MILLION = "EUR million"

# spelling -> (canonical money, factor to the canonical unit). Keys are compared after _unit_key.
_MONEY: dict[str, tuple[str, float]] = {}
for _names, _canon, _f in [
    (["CNY", "元", "yuan", "RMB", "人民币元"], CNY_10K, 1e-4),
    (["1,000 CNY", "thousand CNY", "CNY thousand", "千元"], CNY_10K, 0.1),
    (["10,000 CNY", "10 thousand CNY", "ten thousand CNY", "CNY 10,000", "万元", "万元人民币"], CNY_10K, 1.0),
    (["million CNY", "CNY million", "百万元"], CNY_10K, 100.0),
    (["100 million CNY", "CNY 100 million", "hundred million CNY", "亿元", "亿元人民币"], CNY_10K, 1e4),
    (["billion CNY", "CNY billion", "十亿元"], CNY_10K, 1e5),
    (["USD", "美元", "US$", "US dollars"], USD_MILLION, 1e-6),
    (["thousand USD", "USD thousand", "千美元"], USD_MILLION, 1e-3),
    (["USD million", "million USD", "Mill USD", "US$ million", "USD mn", "百万美元"], USD_MILLION, 1.0),
    (["100 million USD", "亿美元"], USD_MILLION, 100.0),
    (["billion USD", "USD billion", "十亿美元"], USD_MILLION, 1e3),
    (["EUR million", "million EUR", "M.EUR", "MEUR", "Mill EUR"], EUR_MILLION, 1.0),
]:
    for _n in _names:
        _MONEY[_n] = (_canon, _f)

# units that are not money: kept as they are (canonical English spelling)
_OTHER: dict[str, str] = {}
for _names, _canon in [
    (["%", "percent", "pct", "百分比"], "%"),
    (["percentage points", "pp", "百分点"], "percentage points"),
    (["index", "指数", "index (previous year = 100)", "上年=100", "上年同期=100"], "index"),
    (["persons", "人", "people"], "persons"),
    (["10,000 persons", "万人"], "10,000 persons"),
    (["tonnes", "吨", "t"], "tonnes"),
    (["10,000 tonnes", "万吨"], "10,000 tonnes"),
    (["units", "个", "台", "辆", "件", "套", "pieces", "count"], "units"),
    (["10,000 units", "万台", "万辆", "万件", "万套", "万个"], "10,000 units"),
    (["kWh", "千瓦时"], "kWh"),
    (["100 million kWh", "亿千瓦时"], "100 million kWh"),
    (["ratio", "1", "share"], "ratio"),
]:
    for _n in _names:
        _OTHER[_n] = _canon


def _unit_key(s: str) -> str:
    return re.sub(r"[\s,_]+", "", s.strip().lower()).replace("rmb", "cny").replace("ten", "10")


_MONEY_KEYS = {_unit_key(k): v for k, v in _MONEY.items()}
_OTHER_KEYS = {_unit_key(k): v for k, v in _OTHER.items()}


@dataclass(frozen=True)
class Unit:
    """A resolved unit: what values are stored in, and the factor that takes them there."""

    given: str
    canonical: str
    factor: float
    monetary: bool


def resolve_unit(text: str, *, usd_cny: float | None = None, monetary_only: bool = False) -> Unit | None:
    """Resolve a unit spelling. CNY amounts go to 10,000 CNY; USD amounts to USD million, or to
    10,000 CNY when ``usd_cny`` (CNY per USD) is given; EUR million stays. None when unknown."""
    key = _unit_key(str(text))
    if key in _MONEY_KEYS:
        canon, f = _MONEY_KEYS[key]
        if canon == USD_MILLION and usd_cny is not None:
            return Unit(str(text), CNY_10K, f * usd_cny * 100.0, True)  # 1 USD million = rate*100 x 10,000 CNY
        return Unit(str(text), canon, f, True)
    if not monetary_only and key in _OTHER_KEYS:
        return Unit(str(text), _OTHER_KEYS[key], 1.0, False)
    return None


def accepted_units(monetary_only: bool = False) -> list[str]:
    names = list(_MONEY)
    return names if monetary_only else names + list(_OTHER)


def unit_expected(monetary_only: bool = False) -> str:
    money = "10,000 CNY (万元), 100 million CNY (亿元), CNY (元), USD million, EUR million"
    if monetary_only:
        return f"a monetary unit: {money} (see docs/formats.md for all spellings)"
    return (f"a known unit: {money}, or %, index, persons, tonnes, units, kWh ... "
            "(see docs/formats.md for all spellings)")


def check_usd_cny(usd_cny: float | None) -> None:
    if usd_cny is not None and not (np.isfinite(usd_cny) and usd_cny > 0):
        raise InputError(f"--usd-cny must be a positive exchange rate (CNY per USD), got {usd_cny}")


# ---------------------------------------------------------------------------------------------
# reference codes
# ---------------------------------------------------------------------------------------------
#: spellings of the whole nation accepted as a region; stored as NATION
NATION_ALIASES = ("000000", "CN", "CHN", "全国", "NATIONAL", "CHINA")


@functools.lru_cache(maxsize=1)
def _province_codes() -> dict[str, str]:
    """Accepted region spellings -> GB/T 2260 code (codes, Chinese full, bare and one-character
    names, English)."""
    from .. import reference

    p = reference.provinces()
    out: dict[str, str] = {}
    for r in p.itertuples(index=False):
        bare = re.sub(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$", "", str(r.name_zh))
        for key in (r.code, r.name_zh, bare, r.short_zh, r.name_en, str(r.name_en).upper()):
            if key:
                out[str(key).strip()] = r.code
    return out


def province_codes() -> dict[str, str]:
    return dict(_province_codes())


def normalize_regions(text: pd.Series, *, allow_nation: bool) -> tuple[pd.Series, np.ndarray]:
    """Region cells -> GB/T 2260 codes; returns (codes, unknown mask). Names are accepted."""
    from .. import reference

    known = _province_codes()
    nation = reference.NATION if allow_nation else None

    def one(v: Any) -> str | None:
        t = _text1(v)
        if t.upper() in NATION_ALIASES:
            return nation
        return known.get(t, known.get(t.upper()))
    out = map_unique(text, one)
    t = as_text(text)
    bad = out.isna().to_numpy()
    return out.where(~bad, t), bad


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


def numeric_grid(sheet: Sheet, pc: ProblemCollector, rows: list[int], cols: list[int], *,
                 min_value: float | None = None, what: str = "a number",
                 empty: str = "zero") -> np.ndarray:
    """A block of numbers from ``sheet`` (data-row positions x column positions).

    Empty cells are 0 (``empty='zero'``) or a problem (``empty='error'``); text is a problem;
    values below ``min_value`` are problems. Problems name the row number and the column header.
    """
    if not rows or not cols:
        return np.zeros((len(rows), len(cols)))
    flat = pd.Series([sheet.rows[r][c] for r in rows for c in cols], dtype=object)
    num, missing, bad = parse_numbers(flat)
    num = num.reshape(len(rows), len(cols))
    missing = missing.reshape(num.shape)
    bad = bad.reshape(num.shape)
    low = np.zeros_like(bad) if min_value is None else (~missing & ~bad & (num < min_value))
    flagged = bad | low | (missing if empty == "error" else np.zeros_like(bad))
    for a, b in zip(*np.nonzero(flagged)):
        v = sheet.rows[rows[a]][cols[b]]
        if bad[a, b]:
            exp = what
        elif low[a, b]:
            exp = f"{what} >= {min_value:g} (negative values are not allowed here)"
        else:
            exp = f"{what} (the cell is empty)"
        pc.add(row=sheet.row_numbers[rows[a]], column=sheet.header[cols[b]],
               value=None if _blank(v) else v, expected=exp, source=sheet.source)
    return np.where(missing | bad, 0.0, num)
