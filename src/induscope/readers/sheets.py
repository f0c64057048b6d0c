"""Opening tables: CSV/TSV text (encodings, strict quoting, ragged rows) and XLSX sheets read in
streaming mode, with limits that give a located error instead of running out of memory.

Readers collect problems in a ``ProblemCollector`` and keep going, so one run reports every problem
in a file (capped). A problem that makes the rest meaningless (an empty file, a wrong encoding, a
workbook over the limits) ends reading early, but is still reported with what was found before it.

XLSX: a workbook is a zip of XML files, and XML inflates: a 3.9 MB file can hold 20 million inline
cells. So before anything is parsed the zip's declared uncompressed sizes are checked (zipfile never
inflates a member past its declared size, so the declaration is a bound), and the sheet is then
parsed element by element (``iterparse``, each cell dropped once read) with a running cell count.
openpyxl's helpers read the shared strings and tell date formats; no sheet is parsed twice.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from ..errors import InputError, ProblemCollector

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Limits:
    """What a file may hold before reading stops with a located error.

    ``xlsx_cells``: cells in one sheet (counted as parsed, empty cells included);
    ``xlsx_uncompressed``: bytes of all the workbook's parts once unzipped; ``xlsx_columns``:
    Excel's own maximum (column XFD); ``text_bytes``: size of a CSV/TSV file. Larger data belongs
    in CSV, which is read without the XML overhead.
    """

    xlsx_cells: int = 5_000_000
    xlsx_uncompressed: int = 256 * 2**20
    xlsx_columns: int = 16_384
    text_bytes: int = 2 * 2**30


#: the limits readers apply (tests and servers may replace it)
LIMITS = Limits()


# ---------------------------------------------------------------------------------------------
# the table read from a file
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
    #: the unit conversion a reader will apply to this sheet's numbers (factor, canonical unit):
    #: ``columns.numeric_grid`` checks values after it (finite, within units.MAX_ABS)
    conversion: tuple[float, str] | None = None

    def frame(self, columns: Mapping[str, int]) -> pd.DataFrame:
        """The data rows as an object-dtype DataFrame with the given {name: column index}, plus
        ``_row`` (the spreadsheet row number)."""
        data = {name: [r[i] for r in self.rows] for name, i in columns.items()}
        df = pd.DataFrame(data, dtype=object)
        df["_row"] = np.asarray(self.row_numbers, dtype=np.int64)
        return df.reset_index(drop=True)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str) -> "Sheet":
        """A frame built in code (the demo, an API payload) as a sheet, so it passes the same
        validation as a file: header = column names, rows numbered from 2 as in a file."""
        header = [str(c) for c in frame.columns]
        cols = [frame[c].to_numpy(dtype=object) for c in frame.columns]
        rows = [list(r) for r in zip(*cols)] if cols else []
        return cls(source=source, header=header, rows=rows, row_numbers=list(range(2, len(rows) + 2)))


def display_name(path: Path, sheet: str | None = None) -> str:
    return f"{path.name}[{sheet}]" if sheet else path.name


def open_sheet(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None
               ) -> tuple[ProblemCollector, Sheet]:
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
    path = _existing_file(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(path, pc, sheet)
    if suffix == ".xls":
        raise InputError(f"{path.name}: the old Excel format .xls is not read; save it as .xlsx or .csv")
    if sheet is not None:
        raise InputError(f"{path.name}: --sheet applies to .xlsx files only")
    data = read_text_bytes(path, pc)
    if data is None:
        return None
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


def _existing_file(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, expected a file")
    return path


def read_text_bytes(path: str | Path, pc: ProblemCollector) -> bytes | None:
    """The bytes of a text file, refused (a located problem) above ``LIMITS.text_bytes``."""
    path = _existing_file(path)
    size = path.stat().st_size
    if size > LIMITS.text_bytes:
        pc.add(value=f"{size / 2**20:,.0f} MiB", source=path.name,
               expected=f"a text file of at most {LIMITS.text_bytes / 2**20:,.0f} MiB (split it)")
        return None
    return path.read_bytes()


def read_text(path: str | Path, pc: ProblemCollector, encoding: str = "utf-8") -> str | None:
    """A whole text file decoded (see ``decode_text``); None with a problem when unreadable."""
    data = read_text_bytes(path, pc)
    return None if data is None else decode_text(data, Path(path).name, pc, encoding)


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
        text = data.decode(enc)
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
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        pc.add(row=line, value="NUL byte", source=source,
               expected="text without NUL bytes (the file is binary or in another encoding)")
        return None
    return text


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


# ---------------------------------------------------------------------------------------------
# XLSX, streaming
# ---------------------------------------------------------------------------------------------
class _LimitHit(Exception):
    pass


#: what a damaged sheet raises while it is inflated and parsed (a bad deflate stream, a CRC
#: mismatch, an encrypted or oddly compressed member, broken XML)
_DAMAGED = (ET.ParseError, zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, ValueError,
            RuntimeError, NotImplementedError)


def check_workbook(path: Path, pc: ProblemCollector) -> bool:
    """Check an .xlsx before any of it is parsed: a zip, and unzipped within the limits."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if total > LIMITS.xlsx_uncompressed:
                big = max(infos, key=lambda i: i.file_size)
                titles = _sheet_titles(zf)
                where = f"sheet '{titles[big.filename]}'" if big.filename in titles else big.filename
                pc.add(value=f"{total / 2**20:,.0f} MiB unzipped ({where}: {big.file_size / 2**20:,.0f} MiB)",
                       source=display_name(path, titles.get(big.filename)),
                       expected=f"a workbook of at most {LIMITS.xlsx_uncompressed / 2**20:,.0f} MiB once "
                                "unzipped (XLSX limit on uncompressed size; save large data as CSV)")
                return False
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        pc.add(expected=f"a readable .xlsx workbook (not a valid zip file: {e})", source=path.name)
        return False
    return True


_SMALL_PART = 2**24  # workbook index parts (workbook.xml, rels, styles) are small; bigger is malformed


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    return zf.read(info) if info.file_size <= _SMALL_PART else None


def _workbook_sheets(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """[(sheet title, zip member)] in workbook order, from the workbook's index parts."""
    from posixpath import dirname, join, normpath

    wb_name = "xl/workbook.xml"
    root_rels = _read_small(zf, "_rels/.rels")
    if root_rels:
        for el in ET.fromstring(root_rels):
            if el.get("Type", "").endswith("/officeDocument"):
                wb_name = el.get("Target", wb_name).lstrip("/")
    wb_xml = _read_small(zf, wb_name)
    rels = _read_small(zf, join(dirname(wb_name), "_rels", wb_name.rsplit("/", 1)[-1] + ".rels"))
    if wb_xml is None or rels is None:
        raise KeyError(f"{wb_name} or its relationships are missing or too large")
    targets = {el.get("Id"): el.get("Target", "") for el in ET.fromstring(rels)
               if _local(el.tag) == "Relationship"}
    out = []
    for el in ET.fromstring(wb_xml).iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            t = targets.get(rid, "")
            member = t.lstrip("/") if t.startswith("/") else normpath(join(dirname(wb_name), t))
            out.append((el.get("name", ""), member))
    return out


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    """{zip member: sheet title} (empty when the index is unreadable)."""
    try:
        return {m: t for t, m in _workbook_sheets(zf)}
    except (KeyError, ET.ParseError, zipfile.BadZipFile):
        return {}


@dataclass
class _Workbook:
    """What parsing a sheet needs from the rest of the workbook."""

    sheets: list[tuple[str, str]]
    strings: list[str]
    date_styles: set[int]
    epoch: Any

    @property
    def sheetnames(self) -> list[str]:
        return [t for t, _ in self.sheets]


def _load_index(zf: zipfile.ZipFile) -> _Workbook:
    """Sheet names, shared strings and date styles, without parsing any sheet (openpyxl's
    read-only mode scans a whole sheet for its size when the sheet states none)."""
    from openpyxl.reader.strings import read_string_table
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    sheets = _workbook_sheets(zf)
    strings: list[str] = []
    ss = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if ss is not None:
        with zf.open(ss) as fh:
            strings = [str(x) for x in read_string_table(fh)]
    date_styles: set[int] = set()
    styles = _read_small(zf, "xl/styles.xml")
    if styles:
        root = ET.fromstring(styles)
        custom = {int(el.get("numFmtId", -1)): el.get("formatCode", "")
                  for el in root.iter() if _local(el.tag) == "numFmt"}
        xfs = next((el for el in root if _local(el.tag) == "cellXfs"), None)
        for k, xf in enumerate([] if xfs is None else [x for x in xfs if _local(x.tag) == "xf"]):
            fid = int(xf.get("numFmtId", 0) or 0)
            code = custom.get(fid, BUILTIN_FORMATS.get(fid))
            if code and is_date_format(code):
                date_styles.add(k)
    epoch = CALENDAR_WINDOWS_1900
    wb_name = next((m for m in ("xl/workbook.xml",) if m in zf.namelist()), None)
    if wb_name:
        raw = _read_small(zf, wb_name) or b""
        if re.search(rb'date1904="(1|true)"', raw):
            epoch = CALENDAR_MAC_1904
    return _Workbook(sheets, strings, date_styles, epoch)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _open_workbook(path: Path, pc: ProblemCollector) -> _Workbook | None:
    """The workbook's index (sheets, shared strings, date styles); None with a problem when
    unreadable or over the limits."""
    if not check_workbook(path, pc):
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            wb = _load_index(zf)
    except Exception as e:  # a damaged workbook fails in many ways (zip, XML, missing parts)
        pc.add(expected=f"a readable .xlsx workbook ({type(e).__name__}: {e})", source=path.name)
        return None
    if not wb.sheets:
        pc.add(expected="a workbook with at least one sheet", source=path.name)
        return None
    return wb


_COL = re.compile(r"([A-Za-z]{1,3})(\d+)$")


def _col_index(ref: str | None, previous: int) -> int:
    if ref:
        m = _COL.match(ref)
        if m:
            n = 0
            for ch in m.group(1).upper():
                n = n * 26 + ord(ch) - 64
            return n
    return previous + 1


class _SheetTarget:
    """Expat callbacks for a sheet's XML: no element tree is built, so memory follows the values
    kept, not the XML; the cell count is checked as each cell opens (a one-row bomb is caught)."""

    def __init__(self, wb: _Workbook, source: str, pc: ProblemCollector, merged: list[str]):
        from openpyxl.utils.datetime import from_excel

        self.wb, self.source, self.pc, self.merged = wb, source, pc, merged
        self.from_excel = from_excel
        self.done: list[tuple[int, dict[int, Any]]] = []
        self.row_no = 0
        self.cells: dict[int, Any] = {}
        self.col = 0
        self.count = 0
        self.max_cells, self.max_cols = LIMITS.xlsx_cells, LIMITS.xlsx_columns
        self.in_cell = False
        self.t = "n"
        self.s: str | None = None
        self.v: str | None = None
        self.inline: list[str] | None = None
        self.buf: list[str] | None = None
        self._local: dict[str, str] = {}

    def _name(self, tag: str) -> str:
        n = self._local.get(tag)
        if n is None:
            n = self._local[tag] = tag.rsplit("}", 1)[-1]
        return n

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = self._name(tag)
        if name == "c":
            self.count += 1
            if self.count > self.max_cells:
                self.pc.add(row=self.row_no, value=f"more than {self.max_cells:,} cells", source=self.source,
                            expected=f"a sheet of at most {self.max_cells:,} cells (XLSX limit on cells; "
                                     "save large data as CSV)")
                raise _LimitHit
            self.col = _col_index(attrib.get("r"), self.col)
            if self.col > self.max_cols:
                self.pc.add(row=self.row_no, value=attrib.get("r") or f"column {self.col}", source=self.source,
                            expected=f"cells within Excel's {self.max_cols:,} columns (the sheet is malformed)")
                raise _LimitHit
            self.in_cell, self.t, self.s, self.v, self.inline = True, attrib.get("t", "n"), attrib.get("s"), None, None
        elif name == "v" and self.in_cell:
            self.buf = []
        elif name == "t" and self.in_cell:
            self.buf = []
            if self.inline is None:
                self.inline = []
        elif name == "row":
            r = attrib.get("r")
            self.row_no = int(r) if r and r.isdigit() else self.row_no + 1
            self.cells, self.col = {}, 0
        elif name == "mergeCell" and attrib.get("ref"):
            self.merged.append(attrib["ref"])

    def data(self, text: str) -> None:
        if self.buf is not None:
            self.buf.append(text)

    def end(self, tag: str) -> None:
        name = self._name(tag)
        if name == "v" and self.buf is not None:
            self.v, self.buf = "".join(self.buf), None
        elif name == "t" and self.buf is not None:
            self.inline.append("".join(self.buf))
            self.buf = None
        elif name == "c":
            v = self._value()
            if v is not None:
                self.cells[self.col] = v
            self.in_cell = False
        elif name == "row":
            self.done.append((self.row_no, self.cells))
            self.cells = {}

    def close(self) -> None:
        return None

    def _value(self) -> Any:
        t, v = self.t, self.v
        if t == "inlineStr":
            return "".join(self.inline or ())
        if v is None:
            return None
        if t == "s":
            try:
                return self.wb.strings[int(v)]
            except (ValueError, IndexError):
                return v
        if t == "b":
            return v.strip() in ("1", "true")
        if t in ("str", "e", "d"):
            return v  # text, an error like '#DIV/0!', or an ISO date (readers parse text dates)
        try:
            num: Any = float(v) if any(ch in v for ch in ".eEnN") else int(v)
        except ValueError:
            return v
        if self.s is not None and self.s.isdigit() and int(self.s) in self.wb.date_styles:
            try:
                return self.from_excel(num, self.wb.epoch)
            except (ValueError, OverflowError, TypeError):
                return num
        return num


def _iter_xlsx_rows(zf: zipfile.ZipFile, member: str, wb: _Workbook, source: str, pc: ProblemCollector,
                    merged: list[str]) -> Iterator[tuple[int, dict[int, Any]]]:
    """Yield (row number, {column: value}) while feeding the sheet's XML to expat in chunks."""
    target = _SheetTarget(wb, source, pc, merged)
    parser = ET.XMLParser(target=target)
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 16)
            if not chunk:
                break
            parser.feed(chunk)
            if target.done:
                yield from target.done
                target.done = []
    parser.close()
    yield from target.done


def _pick_sheet(wb: _Workbook, path: Path, pc: ProblemCollector, sheet_name: str | None
                ) -> tuple[str, str] | None:
    """(source name for messages, zip member) of the sheet asked for (the first by default)."""
    names = wb.sheetnames
    if sheet_name is not None and sheet_name not in names:
        pc.add(value=sheet_name, source=path.name, expected=f"a sheet named one of {names}")
        return None
    title, member = wb.sheets[names.index(sheet_name)] if sheet_name is not None else wb.sheets[0]
    return display_name(path, title if len(names) > 1 or sheet_name else None), member


def _read_xlsx(path: Path, pc: ProblemCollector, sheet_name: str | None) -> Sheet | None:
    wb = _open_workbook(path, pc)
    if wb is None:
        return None
    picked = _pick_sheet(wb, path, pc, sheet_name)
    if picked is None:
        return None
    source, member = picked
    merged: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            return _sheet_from_rows(_iter_xlsx_rows(zf, member, wb, source, pc, merged), source, pc, merged)
    except _LimitHit:
        return None
    except _DAMAGED as e:
        pc.add(expected=f"a readable .xlsx sheet ({type(e).__name__}: {e})", source=source)
        return None


def _sheet_from_rows(rows: Iterator[tuple[int, dict[int, Any]]], source: str, pc: ProblemCollector,
                     merged: list[str]) -> Sheet | None:
    header_no, header_cells = 0, None
    out: Sheet | None = None
    width = 0
    for row_no, cells in rows:
        nonblank = {c: (v.strip() if isinstance(v, str) else v) for c, v in cells.items() if not _blank(v)}
        if header_cells is None:
            if not nonblank:
                continue  # blank rows above the header are skipped (rows keep their numbers)
            header_no, header_cells = row_no, nonblank
            width = max(nonblank)
            header = ["" if _blank(nonblank.get(c)) else str(nonblank[c]).strip() for c in range(1, width + 1)]
            out = Sheet(source=source, header=header)
            continue
        if not nonblank:
            continue
        extra = [v for c, v in sorted(nonblank.items()) if c > width]
        if extra:
            pc.add(row=row_no, value=extra[0], source=source,
                   expected=f"no values right of the last named column ({width} columns)")
        out.rows.append([nonblank.get(c) for c in range(1, width + 1)])
        out.row_numbers.append(row_no)
    _report_merged(merged, header_no or 1, header_cells or {}, source, pc)
    if out is None:
        pc.add(expected="a header row and at least one data row (the sheet is empty)", source=source)
        return None
    if header_no != 1:
        pc.add(row=header_no, source=source,
               expected=f"the header in row 1 (rows above row {header_no} are blank)")
    if not out.rows:
        pc.add(row=2, source=source, expected="at least one data row below the header (none found)")
    return out


def _report_merged(merged: list[str], header_no: int, header_cells: dict[int, Any], source: str,
                   pc: ProblemCollector) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import range_boundaries

    for coord in merged:
        try:
            min_col, min_row, _, _ = range_boundaries(coord)
        except (ValueError, TypeError):
            continue
        if min_row <= header_no:
            first = header_cells.get(min_col)
            pc.add(row=min_row, column=None if _blank(first) else str(first).strip(), value=coord,
                   source=source,
                   expected=f"one header per column, not merged header cells ({coord}): unmerge "
                            "them and give every column its own name in row 1")
        else:
            pc.add(row=min_row, column=get_column_letter(min_col), value=coord, source=source,
                   expected=f"one value per cell, not merged cells ({coord}): a merged range "
                            "leaves all but its first cell empty")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def sheet_names(path: str | Path) -> list[str]:
    """Sheet names of an .xlsx file (empty list for text files). Raises ValidationError when the
    workbook is unreadable or over the limits."""
    path = Path(path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    pc = ProblemCollector(path.name)
    wb = _open_workbook(_existing_file(path), pc)
    if wb is None:
        pc.raise_if_any()
        return []
    return wb.sheetnames


def first_row(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None) -> list[str]:
    """The header cells of a file (for layout detection); ValidationError when unreadable.
    For a workbook only the rows up to the header are parsed."""
    pc = ProblemCollector(Path(path).name)
    if Path(path).suffix.lower() in EXCEL_SUFFIXES:
        header = _xlsx_header(_existing_file(path), pc, sheet)
        if header is None:
            pc.raise_if_any()
            raise InputError(f"{Path(path).name}: could not be read as a table")
        return header
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        pc.raise_if_any()
        raise InputError(f"{Path(path).name}: could not be read as a table")
    return sh.header


def _xlsx_header(path: Path, pc: ProblemCollector, sheet_name: str | None) -> list[str] | None:
    wb = _open_workbook(path, pc)
    if wb is None:
        return None
    picked = _pick_sheet(wb, path, pc, sheet_name)
    if picked is None:
        return None
    source, member = picked
    try:
        with zipfile.ZipFile(path) as zf:
            for _, cells in _iter_xlsx_rows(zf, member, wb, source, pc, []):
                nonblank = {c: v for c, v in cells.items() if not _blank(v)}
                if nonblank:
                    return ["" if _blank(nonblank.get(c)) else str(nonblank[c]).strip()
                            for c in range(1, max(nonblank) + 1)]
    except _LimitHit:
        return None
    except _DAMAGED as e:
        pc.add(expected=f"a readable .xlsx sheet ({type(e).__name__}: {e})", source=source)
        return None
    pc.add(expected="a header row and at least one data row (the sheet is empty)", source=source)
    return None
