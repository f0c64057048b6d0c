"""Opening tables: CSV text (encodings, ragged rows) and XLSX sheets read in streaming mode with limits."""
from __future__ import annotations

import datetime as dt
import os
import zipfile

import openpyxl
import pytest

from induscope.errors import InputError, ProblemCollector, ValidationError
from induscope.readers import sheets
from induscope.readers.sheets import Limits, first_row, read_sheet, sheet_names
from induscope.readers.series import read_series
from readers.xlsx_bomb import write_one_row_xlsx, write_xlsx


def _read(path, **kw):
    pc = ProblemCollector(path.name)
    return read_sheet(path, pc, **kw), pc


# ---------------------------------------------------------------------------------------------
# CSV
def test_csv_bom_and_blank_lines(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("\ufeffa,b\n1,2\n\n3,4\n\n".encode("utf-8"))
    sh, pc = _read(p)
    assert not pc and sh.header == ["a", "b"] and sh.rows == [["1", "2"], ["3", "4"]]
    assert sh.row_numbers == [2, 4]


def test_gbk_detected_and_read_with_encoding(tmp_path):
    p = tmp_path / "gbk.csv"
    p.write_bytes("地区,数值\n北京市,1\n".encode("gbk"))
    sh, pc = _read(p)
    assert sh is None and "GBK-encoded" in str(pc.problems[0]) and "--encoding gbk" in str(pc.problems[0])
    for enc in ("gbk", "auto", "gb18030"):
        sh, pc = _read(p, encoding=enc)
        assert not pc and sh.rows == [["北京市", "1"]]


def test_utf16_and_nul_bytes_are_named(tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes("a,b\n1,2\n".encode("utf-16"))
    sh, pc = _read(p)
    assert sh is None and "UTF-16" in str(pc.problems[0])
    p = tmp_path / "nul.csv"
    p.write_bytes(b"a,b\n1,\x002\n")
    sh, pc = _read(p)
    assert sh is None and "row 2" in str(pc.problems[0]) and "NUL" in str(pc.problems[0])


def test_ragged_and_truncated_rows(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,1", encoding="utf-8")
    sh, pc = _read(p)
    msgs = [str(x) for x in pc.problems]
    assert len(msgs) == 3
    assert "row 3" in msgs[0] and "ragged" in msgs[0]
    assert "row 4" in msgs[1]
    assert "row 5" in msgs[2] and "truncated" in msgs[2]


def test_unclosed_quote_at_end(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text('a,b\n1,"cut off', encoding="utf-8")
    sh, pc = _read(p)
    assert "truncated" in str(pc.problems[0])


def test_empty_and_header_only(tmp_path):
    for name, body, frag in [("e.csv", "", "the file is empty"), ("w.csv", " \n\n", "the file is empty"),
                             ("h.csv", "a,b\n", "at least one data row")]:
        p = tmp_path / name
        p.write_text(body, encoding="utf-8")
        sh, pc = _read(p)
        assert frag in str(pc.problems[0]), name


def test_text_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "LIMITS", Limits(text_bytes=100))
    p = tmp_path / "big.csv"
    p.write_text("a,b\n" + "1,2\n" * 100, encoding="utf-8")
    sh, pc = _read(p)
    assert sh is None and "at most 0 MiB" in str(pc.problems[0]) and "big.csv" in str(pc.problems[0])


def test_missing_file_and_xls(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        _read(tmp_path / "nope.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as .xlsx"):
        _read(tmp_path / "old.xls")


# ---------------------------------------------------------------------------------------------
# XLSX, streaming
def test_xlsx_values_dates_booleans_and_sheets(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "first"
    ws.append(["a", "b", "c", "d"])
    ws.append([dt.date(2024, 3, 1), 1.5, True, " text "])
    ws.append([None, None, None, None])
    ws.append([7, "=1+1", False, "x"])
    wb.create_sheet("second").append(["z"])
    p = tmp_path / "v.xlsx"
    wb.save(p)
    sh, pc = _read(p)
    assert not pc.problems
    assert sh.source == "v.xlsx[first]" and sh.header == ["a", "b", "c", "d"]
    assert sh.rows[0] == [dt.datetime(2024, 3, 1), 1.5, True, "text"]
    assert sh.row_numbers == [2, 4]
    assert sh.rows[1][0] == 7 and sh.rows[1][1] is None  # a formula without a cached value is empty
    assert sheet_names(p) == ["first", "second"]
    assert first_row(p, sheet="second") == ["z"]
    sh, pc = _read(p, sheet="nope")
    assert sh is None and "a sheet named one of ['first', 'second']" in str(pc.problems[0])


def test_xlsx_merged_header_and_data_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["value", None, "region"])
    ws.append([1, 2, "110000"])
    ws.append([3, 4, "120000"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C2:C3")
    p = tmp_path / "m.xlsx"
    wb.save(p)
    sh, pc = _read(p)
    msgs = [str(x) for x in pc.problems]
    assert any("merged header cells (A1:B1)" in m and "column 'value'" in m for m in msgs)
    assert any("merged cells (C2:C3)" in m and "row 2" in m for m in msgs)


def test_xlsx_values_right_of_the_header_and_header_below_row_1(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None])
    ws.append(["a", "b"])
    ws.append([1, 2, 3])
    p = tmp_path / "r.xlsx"
    wb.save(p)
    sh, pc = _read(p)
    msgs = " | ".join(str(x) for x in pc.problems)
    assert "row 3" in msgs and "right of the last named column" in msgs
    assert "the header in row 1" in msgs


def test_damaged_workbooks_are_located_problems(tmp_path):
    p = tmp_path / "cut.xlsx"
    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a"])
    wb.active.append([1])
    wb.save(good)
    p.write_bytes(good.read_bytes()[:300])
    sh, pc = _read(p)
    assert sh is None and "cut.xlsx" in str(pc.problems[0]) and "readable .xlsx" in str(pc.problems[0])
    q = tmp_path / "badxml.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(q, "w") as zout:
        for i in zin.infolist():
            data = zin.read(i)
            if i.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(i, data)
    sh, pc = _read(q)
    assert sh is None and "readable .xlsx sheet" in str(pc.problems[0])


def test_uncompressed_size_limit_is_checked_before_parsing(tmp_path, monkeypatch):
    """A small zip that inflates past the limit: refused from the zip directory alone, naming
    the file, the sheet and the limit."""
    p = write_xlsx(tmp_path / "bomb.xlsx", rows=20_000, cols=10)  # ~7 MiB of XML, ~60 KiB zipped
    assert os.path.getsize(p) < 200_000
    monkeypatch.setattr(sheets, "LIMITS", Limits(xlsx_uncompressed=2 * 2**20))
    with pytest.raises(ValidationError) as e:
        read_series(p)
    msg = str(e.value)
    assert "bomb.xlsx[data]" in msg and "uncompressed size" in msg and "sheet 'data'" in msg
    with pytest.raises(ValidationError, match="uncompressed size"):
        sheet_names(p)


def test_cell_limit_stops_reading_with_the_row(tmp_path, monkeypatch):
    p = write_xlsx(tmp_path / "many.xlsx", rows=5_000, cols=10,
                   header=["indicator", "region", "industry", "period", "value", "unit", "price_basis",
                           "vintage", "a", "b"])
    monkeypatch.setattr(sheets, "LIMITS", Limits(xlsx_cells=20_000))
    with pytest.raises(ValidationError) as e:
        read_series(p)
    (prob,) = e.value.problems
    assert prob.source == "many.xlsx" and prob.row == 2001 and "at most 20,000 cells" in str(prob)


def test_one_row_bomb_is_counted_cell_by_cell(tmp_path, monkeypatch):
    p = write_one_row_xlsx(tmp_path / "row.xlsx", cells=65536 * 8)
    monkeypatch.setattr(sheets, "LIMITS", Limits(xlsx_cells=10_000))
    sh, pc = _read(p)
    assert sh is None and "at most 10,000 cells" in str(pc.problems[0]) and pc.problems[0].row == 1
    monkeypatch.setattr(sheets, "LIMITS", Limits())  # past Excel's 16,384 columns: malformed
    sh, pc = _read(p)
    assert sh is None and "16,384 columns" in str(pc.problems[0]) and "column 16385" in str(pc.problems[0])


@pytest.mark.slow
def test_issue_sized_bomb_with_default_limits(tmp_path):
    """The issue's case: a few MB of .xlsx holding 20 million inline cells (~745 MiB of XML)."""
    p = write_xlsx(tmp_path / "big.xlsx", rows=2_000_000, cols=10)
    assert os.path.getsize(p) < 8 * 2**20
    with pytest.raises(ValidationError, match="uncompressed size"):
        read_series(p)
