"""Long statistical series."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.errors import ValidationError
from induscope.readers.series import parse_periods, read_series

import pandas as pd

HEADER = "indicator,region,industry,period,value,unit,price_basis,vintage\n"


def _w(tmp_path, body, header=HEADER, name="s.csv"):
    p = tmp_path / name
    p.write_text(header + body, encoding="utf-8")
    return p


def test_periods():
    s = pd.Series(["2024", "2024Q1", "2024-q4", "2024-03", "2024M03", "2024M3", "2024/11", "202403",
                   2024, 2024.0, pd.Timestamp("2024-07-01"), "2024-13", "2024Q5", "24-03", "20243"],
                  dtype=object)
    period, freq, bad = parse_periods(s)
    assert list(period[:11]) == ["2024", "2024Q1", "2024Q4", "2024-03", "2024-03", "2024-03", "2024-11",
                                 "2024-03", "2024", "2024", "2024-07"]
    assert list(freq[:11]) == ["A", "Q", "Q", "M", "M", "M", "M", "M", "A", "A", "M"]
    assert list(bad) == [False] * 11 + [True] * 4


def test_read_series_normalises_codes_and_units(tmp_path):
    p = _w(tmp_path, "va,110000,C,2024-03,12.5,亿元,current,2024-04-16\n"
                     "va,北京市,36,2024M04,13,亿元,current,2024-05-16\n"
                     "va,CN,BCD,2024Q1,100,亿元,current,2024-04-16\n"
                     "va_yoy,全国,HT,2024,7.1,%,growth_pct,2025-01-17\n"
                     "va_yoy,000000,TOTAL,2024-01,,%,growth_pct,2024-02-16\n")
    df = read_series(p)
    assert list(df["region"]) == ["110000", "110000", "000000", "000000", "000000"]
    assert list(df["period"]) == ["2024-03", "2024-04", "2024Q1", "2024", "2024-01"]
    assert list(df["freq"]) == ["M", "M", "Q", "A", "M"]
    assert list(df["unit"]) == ["10,000 CNY"] * 3 + ["%", "%"]
    np.testing.assert_allclose(df["value"][:4], [12.5e4, 13e4, 100e4, 7.1])
    assert np.isnan(df["value"][4])  # empty = not published (e.g. January)


def test_options_fill_missing_columns(tmp_path):
    p = _w(tmp_path, "va,110000,C,2024-03,1\n", header="indicator,region,industry,period,value\n")
    with pytest.raises(ValidationError) as e:
        read_series(p)
    msg = str(e.value)
    for col in ("unit", "price_basis", "vintage"):
        assert f"a column named '{col}'" in msg
    df = read_series(p, unit="万元", price_basis="current", vintage="v1")
    assert df.loc[0, "unit"] == "10,000 CNY" and df.loc[0, "vintage"] == "v1"


def test_every_problem_reported(tmp_path):
    p = _w(tmp_path, "va,990000,C,2024-03,1,万元,current,v1\n"        # region
                     "va,110000,ZZ,2024-03,1,万元,current,v1\n"        # industry
                     "va,110000,C,March 2024,1,万元,current,v1\n"      # period
                     "va,110000,C,2024-04,abc,万元,current,v1\n"       # value
                     "va,110000,C,2024-05,1,gallons,current,v1\n"      # unit
                     "va,110000,C,2024-06,1,万元,nominalish,v1\n"      # price basis
                     "va,110000,C,2024M07,1,万元,current,v1\n"
                     "va,110000,C,2024-07,2,万元,current,v1\n"         # duplicate key after normalising
                     ",110000,C,2024-08,1,万元,current,v1\n")          # empty indicator
    with pytest.raises(ValidationError) as e:
        read_series(p)
    probs = {(x.row, x.column) for x in e.value.problems}
    assert probs == {(2, "region"), (3, "industry"), (4, "period"), (5, "value"), (6, "unit"),
                     (7, "price_basis"), (9, "indicator+region+industry+subject+period+price_basis+vintage"),
                     (10, "indicator")}
    msg = str(e.value)
    assert "duplicate of row 8" in msg and "'990000'" in msg and "'abc'" in msg


def test_unknown_columns_are_errors_unless_hashed(tmp_path):
    p = _w(tmp_path, "va,110000,C,2024-03,1,万元,current,v1,x\n", header=HEADER.strip() + ",notes\n")
    with pytest.raises(ValidationError, match="prefix a header with '#'"):
        read_series(p)
    p = _w(tmp_path, "va,110000,C,2024-03,1,万元,current,v1,x\n", header=HEADER.strip() + ",#notes\n")
    assert len(read_series(p)) == 1


def test_misspelt_header_gets_a_hint(tmp_path):
    p = _w(tmp_path, "va,110000,C,2024-03,1,万元,current,v1\n", header=HEADER.replace("value", "valeu"))
    with pytest.raises(ValidationError) as e:
        read_series(p)
    msg = str(e.value)
    assert "a column named 'value'" in msg and "did you mean 'value'" in msg


def test_chinese_headers(tmp_path):
    p = _w(tmp_path, "工业增加值,江苏省,C,2024-03,1.5,亿元,current,v1\n",
           header="指标,地区,行业,时期,数值,单位,price_basis,版本\n")
    df = read_series(p)
    assert df.loc[0, "region"] == "320000" and df.loc[0, "value"] == 1.5e4


def test_xlsx_series(tmp_path):
    df = pd.DataFrame({"indicator": ["va"] * 2, "region": [110000, "CN"], "industry": ["06", "C"],
                       "period": [pd.Timestamp("2024-03-01"), 2024], "value": [1.0, 2.0],
                       "unit": ["万元"] * 2, "price_basis": ["current"] * 2, "vintage": ["v1"] * 2})
    p = tmp_path / "s.xlsx"
    df.to_excel(p, index=False)
    out = read_series(p)
    assert list(out["period"]) == ["2024-03", "2024"] and list(out["region"]) == ["110000", "000000"]


def test_region_spellings(tmp_path):
    rows = ["北京", "Beijing", "BEIJING", "京", "内蒙古", "新疆维吾尔自治区", "China", "全国"]
    p = _w(tmp_path, "".join(f"va{k},{r},C,2024,1,%,level,v1\n" for k, r in enumerate(rows)))
    assert list(read_series(p)["region"]) == ["110000"] * 4 + ["150000", "650000", "000000", "000000"]


def test_price_basis_aliases_are_stored_canonically(tmp_path):
    p = _w(tmp_path, "工业增加值,CN,BCD,2024-03,5.1,%,growth_pct,v1\n"
                     "value_added,CN,BCD,2024-03,6.0,%,ytd_growth_pct,v1\n"
                     "value_added,CN,BCD,2024-04,6.2,%,growth_yoy_pct,v1\n"
                     "value_added,CN,BCD,2024-04,6.1,%,累计同比,v1\n")
    df = read_series(p)
    assert list(df["price_basis"]) == ["growth_yoy_pct", "growth_ytd_pct", "growth_yoy_pct", "growth_ytd_pct"]
    assert set(df["indicator"]) == {"value_added"}
    # an alias and its canonical spelling name the same series point: a duplicate
    p = _w(tmp_path, "va,CN,BCD,2024-03,5.1,%,growth_pct,v1\nva,CN,BCD,2024-03,5.2,%,growth_yoy_pct,v1\n")
    with pytest.raises(ValidationError, match="duplicate of row 2"):
        read_series(p)


def test_values_checked_after_conversion_and_real_periods(tmp_path):
    p = _w(tmp_path, "va,110000,C,2024-03,1e308,亿元,current,v1\n"     # inf in 10,000 CNY
                     "va,110000,C,2024-04,1e300,万元,current,v1\n"     # finite, but no real quantity
                     "va,110000,C,2024-05,TRUE,万元,current,v1\n"      # a boolean is not a number
                     "va,110000,C,9999-12,1,万元,current,v1\n"         # no such year
                     "va,110000,C,2025-02-30,1,万元,current,v1\n"      # no such day (nor a month)
                     "va,110000,C,2024-06,1e17,元,current,v1\n")       # fine: 1e13 x 10,000 CNY
    with pytest.raises(ValidationError) as e:
        read_series(p)
    probs = {(x.row, x.column) for x in e.value.problems}
    assert probs == {(2, "value"), (3, "value"), (4, "value"), (5, "period"), (6, "period")}
    assert "once converted to 10,000 CNY" in str(e.value)


def test_validate_series_checks_a_frame_like_a_file():
    from induscope.readers.series import validate_series

    df = pd.DataFrame({"indicator": ["va", "va"], "region": ["上海", "xx"], "industry": ["C", "C"],
                       "period": ["2024-01", "2024-02"], "value": [1.0, np.inf], "unit": ["亿元", "亿元"],
                       "price_basis": ["current"] * 2, "vintage": ["v1"] * 2})
    with pytest.raises(ValidationError) as e:
        validate_series(df, "payload")
    assert {(x.source, x.row, x.column) for x in e.value.problems} == {("payload", 3, "region"),
                                                                       ("payload", 3, "value")}
    out = validate_series(df.iloc[:1], "payload")
    assert out.loc[0, "region"] == "310000" and out.loc[0, "value"] == 1e4
