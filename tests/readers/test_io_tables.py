"""The one IO-table reading entry point: layout detection and dispatch."""
from __future__ import annotations

import openpyxl
import pytest

from induscope.errors import InputError, ValidationError
from induscope.readers.io_tables import detect_layout, read_io_table

GENERIC = """kind,code,name,A,B,HH,x
Z,A,Farming,10,20,70,100
Z,B,Industry,15,30,105,150
V,VA,Value added,75,100,,
"""


def test_detects_generic_and_nbs_headers(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text(GENERIC, encoding="utf-8")
    assert detect_layout(p) == "generic"
    t = read_io_table(p, unit="亿元")
    assert t.sectors == ("A", "B") and t.unit == "10,000 CNY" and t.x[0] == 100e4
    n = tmp_path / "n.csv"
    n.write_text("Code,Description,01,GO\n01,x,1,2\n", encoding="utf-8")
    assert detect_layout(n) == "nbs"


def test_detects_in_a_workbook_by_its_header_only(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in GENERIC.strip().splitlines():
        ws.append([None if v == "" else (float(v) if v.replace(".", "").isdigit() else v)
                   for v in line.split(",")])
    p = tmp_path / "g.xlsx"
    wb.save(p)
    assert detect_layout(p) == "generic"
    assert read_io_table(p, unit="万元").x.tolist() == [100.0, 150.0]


def test_unknown_header_layout_and_huge_values(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="pass --layout"):
        detect_layout(p)
    with pytest.raises(InputError, match="unknown layout"):
        read_io_table(p, layout="wide")
    big = tmp_path / "big.csv"
    big.write_text(GENERIC.replace("Z,A,Farming,10,", "Z,A,Farming,1e308,"), encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        read_io_table(big, unit="亿元")
    assert any(x.row == 2 and x.column == "A" and "once converted to 10,000 CNY" in x.expected
               for x in e.value.problems)
    dup = tmp_path / "dup.csv"
    dup.write_text(GENERIC.replace("kind,code,name,A,B,HH,x", "kind,code,name,A,B,HH,x,x").replace("\n", ",\n")
                   .replace("kind,code,name,A,B,HH,x,x,", "kind,code,name,A,B,HH,x,x"), encoding="utf-8")
    with pytest.raises(ValidationError, match="each column name once"):
        read_io_table(dup, unit="万元")
