"""File opening, encodings, CSV/XLSX handling, numbers and units."""
from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from induscope.errors import InputError, ProblemCollector
from induscope.readers.common import (make_id, parse_numbers, read_sheet, resolve_unit,
                                      year_from_name)


def _read(path, **kw):
    pc = ProblemCollector(path.name)
    return read_sheet(path, pc, **kw), pc


@pytest.mark.parametrize("spelled,canon,factor", [
    ("10,000 CNY", "10,000 CNY", 1.0), ("万元", "10,000 CNY", 1.0), ("10000 cny", "10,000 CNY", 1.0),
    ("100 million CNY", "10,000 CNY", 1e4), ("亿元", "10,000 CNY", 1e4),
    ("CNY", "10,000 CNY", 1e-4), ("元", "10,000 CNY", 1e-4), ("RMB", "10,000 CNY", 1e-4),
    ("千元", "10,000 CNY", 0.1), ("million CNY", "10,000 CNY", 100.0),
    ("USD million", "USD million", 1.0), ("Mill USD", "USD million", 1.0), ("美元", "USD million", 1e-6),
    ("M.EUR", "EUR million", 1.0),
])
def test_monetary_units(spelled, canon, factor):
    u = resolve_unit(spelled)
    assert u.canonical == canon and u.factor == pytest.approx(factor) and u.monetary


def test_usd_with_exchange_rate_goes_to_10000_cny():
    u = resolve_unit("USD million", usd_cny=7.2)
    assert u.canonical == "10,000 CNY" and u.factor == pytest.approx(720.0)  # 1e6 USD = 7.2e6 CNY
    assert resolve_unit("亿元", usd_cny=7.2).factor == 1e4  # CNY unaffected


def test_non_monetary_and_unknown_units():
    assert resolve_unit("%").canonical == "%" and not resolve_unit("%").monetary
    assert resolve_unit("万吨").canonical == "10,000 tonnes"
    assert resolve_unit("%", monetary_only=True) is None
    assert resolve_unit("gallons") is None


def test_parse_numbers():
    s = pd.Series(["1", " 2.5 ", "1,234.5", "－3", "", "…", "abc", None, 7, 8.5, "inf", "1,2"], dtype=object)
    num, missing, bad = parse_numbers(s)
    np.testing.assert_array_equal(num[:4], [1, 2.5, 1234.5, -3])
    assert list(missing) == [False] * 4 + [True, True, False, True, False, False, False, False]
    assert list(bad) == [False] * 6 + [True, False, False, False, True, True]
    assert num[8] == 7 and num[9] == 8.5


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


def test_utf16_is_named(tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes("a,b\n1,2\n".encode("utf-16"))
    sh, pc = _read(p)
    assert sh is None and "UTF-16" in str(pc.problems[0])


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


def test_missing_file_and_xls(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        _read(tmp_path / "nope.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as .xlsx"):
        _read(tmp_path / "old.xls")


def test_ids_and_years():
    assert make_id("china 2017/42") == "china_2017_42"
    assert make_id("工业 数据") == "工业_数据"
    assert year_from_name("china_2017_42") == 2017
    assert year_from_name("table42") is None
