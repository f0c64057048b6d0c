"""The bad-input suite (issue 2 item 5, issue 10 item 2): every problem reported at once, with file,
row, column, value and what was expected; no traceback; nothing written (every table's contents are
the same before and after)."""
from __future__ import annotations

import csv
import hashlib
import io

import openpyxl
import pytest

from induscope.errors import ValidationError
from induscope.services.imports import (import_chains, import_enterprises, import_io_table,
                                        import_series, import_supply_links)
from induscope.store import Workspace

SMALL_IO = """kind,code,name,A,B,C,HH,INV,EX,x
Z,A,Farming,10,20,5,40,5,20,100
Z,B,Industry,15,30,10,60,-5,40,150
Z,C,Services,5,10,15,30,0,20,80
V,VA1,Wages,40,50,20,,,,
V,VA2,Surplus,30,40,30,,,,
"""
FIRMS = """firm_id,name,region,industry,revenue,employees,founded
F1,甲,320000,3612,5000,120,2008
F2,乙,110000,3670,12000,450,1999
F3,丙,440000,3971,800,35,2015
"""
SERIES_HEADER = "indicator,region,industry,period,value,unit,price_basis,vintage\n"


def _w(tmp_path, text, name, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


def _base_workspace(tmp_path):
    w = Workspace(tmp_path / "ws").ensure()
    import_io_table(w, _w(tmp_path, SMALL_IO, "base_io.csv"), unit="万元")
    import_enterprises(w, _w(tmp_path, FIRMS, "base_firms.csv"), unit="万元")
    return w


@pytest.fixture()
def ws(tmp_path):
    """A workspace with some data in it, so 'unchanged' means something."""
    return _base_workspace(tmp_path)


@pytest.fixture(scope="module")
def refusing_ws(tmp_path_factory):
    """One workspace for the tests whose every import is refused (each checks it stays unchanged)."""
    return _base_workspace(tmp_path_factory.mktemp("refusing"))


def _snapshot(w: Workspace):
    """Every table's full contents (sorted), and the row counts."""
    counts = w.tables()
    contents = {t: w.query(f'SELECT * FROM "{t}" ORDER BY ALL').to_csv(index=False) for t in sorted(counts)}
    return hashlib.sha256(repr(sorted(contents.items())).encode()).hexdigest(), counts


def rejected(w: Workspace, call, *fragments: str) -> ValidationError:
    """Run ``call``; it must raise a ValidationError whose message holds every fragment, and leave
    the workspace file byte-for-byte unchanged with the same row counts."""
    before = _snapshot(w)
    with pytest.raises(ValidationError) as e:
        call()
    msg = str(e.value)
    for f in fragments:
        assert f in msg, f"{f!r} not in:\n{msg}"
    assert "nothing was written" in msg
    after = _snapshot(w)
    assert after[0] == before[0], "workspace contents changed"
    assert after[1] == before[1], "row counts changed"
    for p in e.value.problems:  # every problem names its file and what was expected
        assert p.source and p.expected
    return e.value


# --- wrong or missing headers ------------------------------------------------------------------
def test_missing_and_misspelt_series_headers(ws, tmp_path):
    p = _w(tmp_path, "indicator,region,industy,period,valu,unit,price_basis\nva,110000,C,2024,1,%,level\n",
           "s.csv")
    err = rejected(ws, lambda: import_series(ws, p),
                   "s.csv, row 1, column 'industry': expected a column named 'industry'",
                   "column 'vintage': expected a column named 'vintage'",
                   "column 'valu'", "did you mean 'value'?")
    assert err.total == 5  # industry, value, vintage missing; industy, valu unknown


def test_missing_header_in_nbs_table(ws, tmp_path, shared_data):
    text = (shared_data / "china_io_nbs" / "china_2018_42.csv").read_text(encoding="utf-8")
    p = _w(tmp_path, text.replace(",GO\n", ",GrossOut\n", 1), "t.csv")
    rejected(ws, lambda: import_io_table(ws, p, layout="nbs"),
             "t.csv, row 1, column 'GO': expected a gross output column named 'GO'")


def test_missing_enterprise_header(ws, tmp_path):
    p = _w(tmp_path, FIRMS.replace("region,", "place,").replace("F1,", "G1,").replace("F2,", "G2,")
           .replace("F3,", "G3,"), "f.csv")
    rejected(ws, lambda: import_enterprises(ws, p, unit="万元"),
             "f.csv, row 1, column 'region': expected a column named 'region'")


# --- non-numeric cells -----------------------------------------------------------------------
def test_non_numeric_io_cells(ws, tmp_path):
    text = SMALL_IO.replace("Z,B,Industry,15,30", "Z,B,Industry,15,3O").replace("V,VA2,Surplus,30", "V,VA2,Surplus,n/a?")
    p = _w(tmp_path, text, "io.csv")
    err = rejected(ws, lambda: import_io_table(ws, p, unit="万元"),
                   "io.csv, row 3, column 'B': expected a number, got '3O'",
                   "io.csv, row 6, column 'A': expected a number, got 'n/a?'")
    assert err.total == 2  # bad cells are not also reported as imbalances


def test_non_numeric_series_values(ws, tmp_path):
    p = _w(tmp_path, SERIES_HEADER + "va,110000,C,2024-03,12.3.4,万元,current,v1\n"
                                     "va,110000,C,2024-04,十二,万元,current,v1\n", "s.csv")
    err = rejected(ws, lambda: import_series(ws, p), "row 2, column 'value'", "got '12.3.4'", "got '十二'")
    assert [(x.row, x.column) for x in err.problems] == [(2, "value"), (3, "value")]


# --- negative values where forbidden ---------------------------------------------------------
def test_negative_link_value(ws, tmp_path):
    p = _w(tmp_path, "supplier,customer,value,product\nF1,F2,-3.2e5,steel\nF2,F3,10,\n", "links.csv")
    rejected(ws, lambda: import_supply_links(ws, p, unit="万元"),
             "links.csv, row 2, column 'value': expected a number >= 0 (negative values are not allowed "
             "here), got '-3.2e5'")


def test_negative_intermediate_flow_and_revenue(ws, tmp_path):
    p = _w(tmp_path, SMALL_IO.replace("Z,C,Services,5,10", "Z,C,Services,-5,10"), "io.csv")
    rejected(ws, lambda: import_io_table(ws, p, unit="万元", name="neg"),
             "io.csv, row 4, column 'A': expected a number >= 0 (negative values are not allowed here), "
             "got '-5'")
    p = _w(tmp_path, FIRMS.replace("F1,甲,320000,3612,5000", "G1,甲,320000,3612,-5000")
           .replace("F2,", "G2,").replace("F3,", "G3,"), "f.csv")
    rejected(ws, lambda: import_enterprises(ws, p, unit="万元"), "row 2, column 'revenue'", "got '-5000'")


# --- duplicate codes -------------------------------------------------------------------------
def test_duplicate_sector_code(ws, tmp_path):
    p = _w(tmp_path, SMALL_IO.replace("Z,C,Services", "Z,B,Services"), "io.csv")
    rejected(ws, lambda: import_io_table(ws, p, unit="万元", name="dup"),
             "io.csv, row 4, column 'code': expected a unique code among Z rows (duplicate of row 3), got 'B'")


def test_duplicate_nbs_sector_code(ws, tmp_path, shared_data):
    lines = (shared_data / "china_io_nbs" / "china_2020_153.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = "002" + lines[3][3:]  # row 4 (sector 003) claims to be 002
    p = _w(tmp_path, "\n".join(lines) + "\n", "china_2020_153.csv")
    rejected(ws, lambda: import_io_table(ws, p),
             "row 4, column 'Code': expected a unique sector code (duplicate of row 3), got '002'",
             "column 'Code': expected a row for sector 003")


def test_duplicate_firm_ids(ws, tmp_path):
    text = FIRMS.replace("F", "G").replace("G3,", "G1,")
    p = _w(tmp_path, text, "f.csv")
    rejected(ws, lambda: import_enterprises(ws, p, unit="万元"),
             "f.csv, row 4, column 'firm_id': expected a unique firm id (duplicate of row 2), got 'G1'")


def test_firm_ids_already_in_the_workspace(ws, tmp_path):
    p = _w(tmp_path, FIRMS, "other_firms.csv")
    err = rejected(ws, lambda: import_enterprises(ws, p, unit="万元"),
                   "other_firms.csv, row 2, column 'firm_id'", "belongs to dataset 'base_firms'")
    assert err.total == 3


# --- unknown region and industry codes -------------------------------------------------------
def test_unknown_region_and_industry(ws, tmp_path):
    p = _w(tmp_path, SERIES_HEADER + "va,990000,C,2024-03,1,万元,current,v1\n"
                                     "va,110000,99X,2024-03,1,万元,current,v1\n"
                                     "va,Atlantis,1234,2024-03,1,万元,current,v1\n", "s.csv")
    err = rejected(ws, lambda: import_series(ws, p),
                   "s.csv, row 2, column 'region': expected a GB/T 2260 province code", "got '990000'",
                   "s.csv, row 3, column 'industry': expected a GB/T 4754-2017 code", "got '99X'",
                   "got 'Atlantis'")
    assert err.total == 3  # 1234 lies in division 12: checked at division level, accepted
    assert {(x.row, x.column) for x in err.problems} >= {(2, "region"), (3, "industry"), (4, "region")}


def test_unknown_enterprise_region(ws, tmp_path):
    p = _w(tmp_path, "firm_id,name,region,industry\nG1,A,000000,3612\nG2,B,320500,3612\nG3,C,320000,00\n",
           "f.csv")
    err = rejected(ws, lambda: import_enterprises(ws, p),
                   "row 2, column 'region'", "row 3, column 'region'", "got '320500'",
                   "row 4, column 'industry'")
    assert err.total == 3


# --- imbalance -------------------------------------------------------------------------------
def test_io_table_out_of_balance(ws, tmp_path):
    p = _w(tmp_path, SMALL_IO.replace(",40,150\n", ",40,151\n"), "io.csv")
    err = rejected(ws, lambda: import_io_table(ws, p, unit="万元", name="unbalanced"),
                   "io.csv, row 3, column 'x': expected row B to balance: intermediate use + final use equal "
                   "to gross output 151 within 1e-06 relative, got 'residual 1 10,000 CNY (6.62e-03 relative)'",
                   "column 'B': expected column B to balance: intermediate inputs + value added equal to "
                   "gross output 151")
    assert err.total == 2
    # within a looser stated tolerance the same file is accepted
    s = import_io_table(ws, p, unit="万元", name="unbalanced", tolerance=1e-2)
    assert s["balance"]["row_balance"] == pytest.approx(1 / 151)


def test_nbs_table_out_of_balance(ws, tmp_path, shared_data):
    with open(shared_data / "china_io_nbs" / "china_2017_149.csv", encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    rec = records[5]  # row 6 = sector 005; add to its first intermediate cell
    assert rec[0] == "005"
    rec[3] = repr(float(rec[3]) + 1e6)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(records)
    p = _w(tmp_path, buf.getvalue(), "china_2017_149.csv")
    rejected(ws, lambda: import_io_table(ws, p),
             "china_2017_149.csv, row 6, column 'GO': expected row 005 to balance",
             "column '001': expected column 001 to balance", "row 6, column 'TIU'")


def test_nbs_imports_row_out_of_balance(ws, tmp_path, shared_data):
    with open(shared_data / "china_io_nbs" / "china_2018_42.csv", encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    k = next(i for i, r in enumerate(records) if r[0] == "05" and r[3] == "Imports")
    records[k][-1] = repr(float(records[k][-1]) * 1.5)  # total imports of product 05 inflated
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(records)
    p = _w(tmp_path, buf.getvalue(), "china_2018_42.csv")
    err = rejected(ws, lambda: import_io_table(ws, p),
                   f"china_2018_42.csv, row {k + 1}, column 'GO': expected imported row 05 to balance: "
                   "imported intermediate + final use equal to total imports")
    assert err.total == 1


# --- truncated file --------------------------------------------------------------------------
def test_truncated_nbs_table(ws, tmp_path, shared_data):
    data = (shared_data / "china_io_nbs" / "china_2017_42.csv").read_bytes().rstrip(b"\n")
    cut = data[: data.rfind(b"\n") + 40]  # the last row (TI) cut after a few fields
    p = _w(tmp_path, cut, "china_2017_42.csv")
    rejected(ws, lambda: import_io_table(ws, p),
             "china_2017_42.csv, row 92: expected 53 fields as in the header (the file looks truncated: "
             "its last line is cut short)")


def test_ragged_row_in_the_middle(ws, tmp_path):
    p = _w(tmp_path, FIRMS.replace("F", "G").replace("G2,乙,110000,3670,12000,450,1999", "G2,乙,110000,3670"),
           "f.csv")
    rejected(ws, lambda: import_enterprises(ws, p, unit="万元"),
             "f.csv, row 3: expected 7 fields as in the header (a ragged row", "got '4 fields'")


def test_file_cut_inside_a_quoted_field(ws, tmp_path):
    p = _w(tmp_path, 'firm_id,name,region,industry\nG1,"Alpha, Inc.",320000,3612\nG2,"Beta', "f.csv")
    rejected(ws, lambda: import_enterprises(ws, p), "f.csv, row 3", "truncated or has an unclosed quote")


# --- encodings -------------------------------------------------------------------------------
def test_gbk_file_is_detected_and_readable_with_encoding(ws, tmp_path):
    text = SERIES_HEADER + "工业增加值,北京市,C,2024-03,12.5,亿元,current,2024年4月\n"
    p = _w(tmp_path, text, "gbk_series.csv", encoding="gbk")
    rejected(ws, lambda: import_series(ws, p),
             "gbk_series.csv, row 2: expected UTF-8 text, but the file is GBK-encoded",
             "pass --encoding gbk")
    s = import_series(ws, p, encoding="gbk")
    assert s["rows"] == 1
    got = ws.query("SELECT indicator, region, value, vintage FROM series").to_dict("records")
    # the indicator's Chinese name is stored under its canonical name (core.indicators.vocabulary)
    assert got == [{"indicator": "value_added", "region": "110000", "value": 12.5e4, "vintage": "2024年4月"}]


# --- empty file ------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file(ws, tmp_path, content):
    p = _w(tmp_path, content, "empty.csv")
    rejected(ws, lambda: import_series(ws, p), "empty.csv: expected a header row and at least one data row "
                                               "(the file is empty)")
    rejected(ws, lambda: import_io_table(ws, p, layout="nbs"), "the file is empty")


def test_header_only_file(ws, tmp_path):
    p = _w(tmp_path, SERIES_HEADER, "header_only.csv")
    rejected(ws, lambda: import_series(ws, p), "header_only.csv, row 2: expected at least one data row")


# --- Excel with merged header cells ----------------------------------------------------------
def test_xlsx_with_merged_header_cells(ws, tmp_path):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["firm_id", "name", "region", "industry", "revenue", None])
    sh.append(["G1", "A", "320000", "3612", 5000, 4000])
    sh.merge_cells("E1:F1")  # a two-year 'revenue' heading over two columns, as NBS sheets do
    p = tmp_path / "firms.xlsx"
    wb.save(p)
    rejected(ws, lambda: import_enterprises(ws, p, unit="万元"),
             "firms.xlsx, row 1, column 'revenue': expected one header per column, not merged header cells "
             "(E1:F1)", "got 'E1:F1'")


def test_xlsx_nbs_style_two_row_header(ws, tmp_path):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["Code", "Description", "中间使用", None, "GO"])
    sh.append([None, None, "01", "02", None])
    sh.merge_cells("C1:D1")
    sh.merge_cells("A1:A2")
    p = tmp_path / "nbs.xlsx"
    wb.save(p)
    rejected(ws, lambda: import_io_table(ws, p, layout="nbs"), "merged header cells (C1:D1)",
             "merged header cells (A1:A2)")


# --- everything at once, capped --------------------------------------------------------------
def test_all_problems_at_once_and_capped(ws, tmp_path):
    rows = [f"va,110000,C,2024-{m:02d},bad{m},万元,current,v1" for m in range(1, 13)]
    rows += [f"va,99{k:04d},C,{1950 + k},1,万元,current,v1" for k in range(150)]
    p = _w(tmp_path, SERIES_HEADER + "\n".join(rows) + "\n", "many.csv")
    err = rejected(ws, lambda: import_series(ws, p), "162 problem(s) found", "... and 62 more")
    assert err.total == 162 and len(err.problems) == 100
    assert err.problems[0].column == "region" or err.problems[0].column == "value"
    d = err.to_dict()
    assert d["total"] == 162 and set(d["problems"][0]) == {"source", "row", "column", "value", "expected"}


def test_many_kinds_of_problems_in_one_file(ws, tmp_path):
    text = ("firm_id,name,region,industry,revenue,employees,founded\n"
            "G1,,320000,3612,x,10,2000\n"
            "G2,B,999999,3612,5,-1,2000\n"
            "G2,C,320000,ZZ,5,10,3000\n")
    err = rejected(ws, lambda: import_enterprises(ws, _w(tmp_path, text, "f.csv"), unit="万元"))
    assert {(x.row, x.column) for x in err.problems} == {
        (2, "name"), (2, "revenue"), (3, "region"), (3, "employees"), (4, "firm_id"), (4, "industry"),
        (4, "founded")}


def test_chain_problems_leave_workspace_unchanged(ws, tmp_path):
    nodes = ("chain_id,node_id,name,stage,position,parent\n"
             "ic,design,Design,upstream,0,fab\nic,fab,Fab,midstream,1,design\nic,pkg,Packaging,downstream,2,test\n")
    firms = "chain_id,node_id,firm_id\nic,design,F1\nic,fab,NOPE\n"
    rejected(ws, lambda: import_chains(ws, _w(tmp_path, nodes, "n.csv"), _w(tmp_path, firms, "nf.csv")),
             "n.csv, row 2, column 'parent': expected no cycle in chain ic", "design -> fab -> design",
             "n.csv, row 4, column 'parent'", "got 'test'",
             "nf.csv, row 3, column 'firm_id'", "got 'NOPE'")


def test_unknown_unit(ws, tmp_path):
    p = _w(tmp_path, SERIES_HEADER + "va,110000,C,2024-03,1,gallons,current,v1\n", "s.csv")
    rejected(ws, lambda: import_series(ws, p), "s.csv, row 2, column 'unit': expected a known unit",
             "got 'gallons'")
    p = _w(tmp_path, SMALL_IO, "io.csv")
    rejected(ws, lambda: import_io_table(ws, p, unit="bushels", name="u"), "column 'unit'",
             "got 'bushels'")


def test_truncated_xlsx(ws, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["firm_id", "name", "region", "industry"])
    wb.active.append(["G1", "A", "320000", "3612"])
    full = tmp_path / "full.xlsx"
    wb.save(full)
    data = full.read_bytes()
    p = _w(tmp_path, data[: len(data) // 2], "cut.xlsx")
    rejected(ws, lambda: import_enterprises(ws, p), "cut.xlsx: expected a readable .xlsx workbook")


def test_empty_xlsx_sheet(ws, tmp_path):
    wb = openpyxl.Workbook()
    p = tmp_path / "blank.xlsx"
    wb.save(p)
    rejected(ws, lambda: import_enterprises(ws, p), "blank.xlsx: expected a header row and at least one data "
                                                    "row (the sheet is empty)")


# --- every importer x every way a file goes wrong (issue 10) -----------------------------------
# Good files, each with Chinese text so that a wrong encoding shows; the importers' corruptions below.
GOOD = {
    "io": ("kind,code,name,A,B,HH,x\nZ,A,农业,10,20,70,100\nZ,B,工业,15,30,105,150\nV,VA,增加值,75,100,,\n",
           lambda w, p: import_io_table(w, p, unit="亿元", name="bad_io")),
    "series": (SERIES_HEADER + "工业增加值,110000,C,2024-03,12.5,亿元,current,v1\n"
               "工业增加值,110000,C,2024-04,13.5,亿元,current,v1\n",
               lambda w, p: import_series(w, p, name="bad_series")),
    "enterprises": ("firm_id,name,region,industry,revenue,unit,founded\nG1,甲企业,320000,3612,5000,亿元,2008\n"
                    "G2,乙企业,上海,3670,12000,亿元,1999\n",
                    lambda w, p: import_enterprises(w, p, name="bad_firms")),
    "links": ("supplier,customer,value,unit,product\nF1,F2,300,亿元,钢材\nF2,F3,10,亿元,电池\n",
              lambda w, p: import_supply_links(w, p, name="bad_links")),
    "chains": ("chain_id,node_id,name,stage,position,parent\nic,design,芯片设计,upstream,0,fab\n"
               "ic,fab,晶圆制造,midstream,1,\n",
               lambda w, p: import_chains(w, p, name="bad_chains")),
}
#: a numeric column of each file where a huge or infinite number goes (column index)
_NUMERIC = {"io": 3, "series": 4, "enterprises": 4, "links": 2, "chains": 4}


def _lines(text):
    return text.strip("\n").split("\n")


def _set_cell(text, row, col, value):
    lines = _lines(text)
    cells = lines[row].split(",")
    cells[col] = value
    lines[row] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _corrupt(kind, how):
    text = GOOD[kind][0]
    lines = _lines(text)
    if how == "gbk":
        return text.encode("gbk"), "GBK-encoded"
    if how == "invalid_bytes":
        return text.encode("utf-8").replace("工".encode() if "工" in text else "甲".encode(), b"\xff\xfe\xfa", 1) \
            if ("工" in text or "甲" in text) else text.encode().replace(b"\n", b"\n\xff\xfa", 1), "encoding"
    if how == "ragged":
        lines[1] += ",extra,more"
        return ("\n".join(lines) + "\n").encode(), "fields as in the header"
    if how == "empty":
        return b"", "empty"
    if how == "nul":
        return text.encode().replace(b"\n", b"\n\x00\x00", 1), "NUL"
    if how == "duplicate_header":
        h = lines[0].split(",")
        lines = [ln + "," + ln.split(",")[-1] for ln in lines]
        lines[0] = ",".join(h + [h[-1]])
        return ("\n".join(lines) + "\n").encode(), "once"
    if how == "unknown_column":
        lines = [lines[0] + ",notes_xyz"] + [ln + ",x" for ln in lines[1:]]
        return ("\n".join(lines) + "\n").encode(), "notes_xyz"
    if how == "header_only":
        return (lines[0] + "\n").encode(), "data row"
    if how == "huge":
        return _set_cell(text, 1, _NUMERIC[kind], "1e308").encode(), "1e308"
    if how == "inf":
        return _set_cell(text, 1, _NUMERIC[kind], "inf").encode(), "inf"
    raise AssertionError(how)


CORRUPTIONS = ["gbk", "invalid_bytes", "ragged", "empty", "nul", "duplicate_header", "unknown_column",
               "header_only", "huge", "inf"]
#: (importer, corruption) pairs where the corruption does not apply: enterprises keep unknown
#: columns as attributes (by design, docs/formats.md), a chain position is not a quantity in a unit
_NOT_APPLICABLE = {("enterprises", "unknown_column"), ("chains", "huge")}


@pytest.mark.parametrize("how", CORRUPTIONS)
@pytest.mark.parametrize("kind", list(GOOD))
def test_every_importer_refuses_every_corruption(refusing_ws, tmp_path, kind, how):
    if (kind, how) in _NOT_APPLICABLE:
        pytest.skip("does not apply")
    ws = refusing_ws
    data, fragment = _corrupt(kind, how)
    p = _w(tmp_path, data, f"{kind}_{how}.csv")
    err = rejected(ws, lambda: GOOD[kind][1](ws, p), f"{kind}_{how}.csv", fragment)
    assert all(x.source.startswith(f"{kind}_{how}.csv") for x in err.problems)


@pytest.mark.parametrize("kind", list(GOOD))
def test_good_files_are_accepted(ws, tmp_path, kind):
    """The control: the uncorrupted files import (so each refusal above is the corruption's doing)."""
    p = _w(tmp_path, GOOD[kind][0], f"{kind}.csv")
    assert GOOD[kind][1](ws, p)["dataset_id"].startswith("bad_")


@pytest.mark.parametrize("period", ["2025-02-30", "9999-12", "2024-13", "0000", "true"])
def test_impossible_periods(refusing_ws, tmp_path, period):
    ws = refusing_ws
    p = _w(tmp_path, SERIES_HEADER + f"va,110000,C,{period},1,万元,current,v1\n", "s.csv")
    rejected(ws, lambda: import_series(ws, p), "s.csv, row 2, column 'period'", "real calendar date")


def test_impossible_founding_year(ws, tmp_path):
    p = _w(tmp_path, "firm_id,name,region,industry,founded\nG1,A,320000,3612,9999\n", "f.csv")
    rejected(ws, lambda: import_enterprises(ws, p), "f.csv, row 2, column 'founded'", "founding year")


def test_booleans_from_excel_are_not_numbers(ws, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["indicator", "region", "industry", "period", "value", "unit", "price_basis", "vintage"])
    wb.active.append(["va", "110000", "C", "2024-03", True, "万元", "current", "v1"])
    p = tmp_path / "b.xlsx"
    wb.save(p)
    rejected(ws, lambda: import_series(ws, p), "b.xlsx, row 2, column 'value'", "got True")


@pytest.mark.parametrize("kind", ["series", "enterprises", "links", "io"])
def test_xlsx_over_the_limits(refusing_ws, tmp_path, monkeypatch, kind):
    """A workbook over the cell limit or the uncompressed-size limit: a located error, quickly."""
    ws = refusing_ws
    from induscope.readers import sheets
    from readers.xlsx_bomb import write_xlsx

    header = _lines(GOOD[kind][0])[0].split(",")
    p = write_xlsx(tmp_path / f"{kind}.xlsx", rows=20_000, cols=len(header), header=header)
    monkeypatch.setattr(sheets, "LIMITS", sheets.Limits(xlsx_cells=50_000))
    rejected(ws, lambda: GOOD[kind][1](ws, p), f"{kind}.xlsx", "at most 50,000 cells")
    monkeypatch.setattr(sheets, "LIMITS", sheets.Limits(xlsx_uncompressed=2**20))
    rejected(ws, lambda: GOOD[kind][1](ws, p), f"{kind}.xlsx[data]", "uncompressed size")
