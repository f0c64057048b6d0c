"""Enterprises and firm-to-firm supply links."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.errors import ValidationError
from induscope.readers.firms import read_enterprises, read_supply_links

FIRMS = """firm_id,name,region,industry,revenue,employees,founded,rd_expense [万元],patents,specialised
F1,甲公司,320000,3612,5000,120,2008,300,12,是
F2,Beta Ltd,江苏省,C3670,12000,450,1999,,3,no
F3,Gamma,110000,39,800,35,2015,40.5,0,
"""


def _w(tmp_path, text, name):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_enterprises(tmp_path):
    df, unit = read_enterprises(_w(tmp_path, FIRMS, "f.csv"), unit="万元")
    assert unit == "10,000 CNY"
    assert list(df["region"]) == ["320000", "320000", "110000"]
    assert list(df["industry"]) == ["3612", "3670", "39"]  # section letter dropped
    assert list(df["employees"]) == [120, 450, 35]
    assert df.loc[0, "attributes"] == {"rd_expense": 300, "patents": 12, "specialised": True}
    assert df.loc[1, "attributes"] == {"patents": 3, "specialised": False}
    assert df.loc[2, "attributes"] == {"rd_expense": 40.5, "patents": 0}


def test_revenue_units(tmp_path):
    text = FIRMS.replace("revenue,", "revenue [亿元],")
    df, _ = read_enterprises(_w(tmp_path, text, "f.csv"))
    assert df.loc[0, "revenue"] == 5000 * 1e4
    text = ("firm_id,name,region,industry,unit,revenue\n"
            "F1,A,320000,3612,元,5000\nF2,B,320000,3612,万元,12000\nF3,C,320000,3612,亿元,800\n")
    df, _ = read_enterprises(_w(tmp_path, text, "g.csv"))
    np.testing.assert_allclose(df["revenue"], [0.5, 12000, 8e6])
    with pytest.raises(ValidationError, match="a unit for 'revenue'"):
        read_enterprises(_w(tmp_path, FIRMS, "h.csv"))


def test_enterprise_problems(tmp_path):
    text = ("firm_id,name,region,industry,revenue,employees,founded\n"
            "F1,A,320000,3612,-5,10,2000\n"     # negative revenue
            "F1,B,320000,3612,5,10,2000\n"      # duplicate id
            "F3,C,320500,3612,5,10,2000\n"      # city code, not a province
            "F4,D,320000,C,5,10,2000\n"         # section only
            "F5,E,320000,9999,5,10.5,2000\n"    # unknown industry, fractional employees
            "F6,,320000,36,5,10,1700\n")        # no name, founding year out of range
    with pytest.raises(ValidationError) as e:
        read_enterprises(_w(tmp_path, text, "f.csv"), unit="万元")
    got = {(p.row, p.column) for p in e.value.problems}
    assert got == {(2, "revenue"), (3, "firm_id"), (4, "region"), (5, "industry"), (6, "industry"),
                   (6, "employees"), (7, "name"), (7, "founded")}
    assert "duplicate of row 2" in str(e.value) and "negative values are not allowed" in str(e.value)


LINKS = """supplier,customer,value,product
F1,F2,100,3612
F2,F3,50,
F1,F3,25,steel
"""


def test_links(tmp_path):
    df, unit = read_supply_links(_w(tmp_path, LINKS, "l.csv"), known_firms={"F1", "F2", "F3"},
                                 unit="亿元")
    assert unit == "10,000 CNY"
    np.testing.assert_allclose(df["value"], [1e6, 5e5, 2.5e5])
    assert list(df["product"]) == ["3612", "", "steel"]


def test_link_problems(tmp_path):
    text = LINKS + "F1,F9,5,x\nF2,F2,5,y\nF1,F2,-3.2e5,z\nF1,F2,7,3612\nF1,F3,,w\n"
    with pytest.raises(ValidationError) as e:
        read_supply_links(_w(tmp_path, text, "l.csv"), known_firms={"F1", "F2", "F3"}, unit="万元")
    got = {(p.row, p.column) for p in e.value.problems}
    assert got == {(5, "customer"), (6, "customer"), (7, "value"),
                   (8, "supplier+customer+product"), (9, "value")}
    msg = str(e.value)
    assert "'-3.2e5'" in msg and "'F9'" in msg and "duplicate of row 2" in msg


def test_attribute_codes_and_categories_keep_their_text(tmp_path):
    text = ("firm_id,name,region,industry,io42,rd_institution,score\n"
            "F1,A,320000,3612,01,none,1\nF2,B,320000,3612,10,provincial,\nF3,C,320000,3612,42,,2.5\n")
    df, _ = read_enterprises(_w(tmp_path, text, "f.csv"))
    assert [a.get("io42") for a in df["attributes"]] == ["01", "10", "42"]  # codes, not numbers
    assert [a.get("rd_institution") for a in df["attributes"]] == ["none", "provincial", None]
    assert [a.get("score") for a in df["attributes"]] == [1, None, 2.5]


def test_amounts_checked_after_conversion(tmp_path):
    text = "firm_id,name,region,industry,revenue,unit,rd [亿元]\nF1,A,320000,3612,1e308,亿元,1\nF2,B,320000,3612,1,亿元,1e300\n"
    with pytest.raises(ValidationError) as e:
        read_enterprises(_w(tmp_path, text, "f.csv"))
    assert {(p.row, p.column) for p in e.value.problems} == {(2, "revenue"), (3, "rd")}
    links = "supplier,customer,value\nF1,F2,1e308\n"
    with pytest.raises(ValidationError, match="once converted to 10,000 CNY"):
        read_supply_links(_w(tmp_path, links, "l.csv"), unit="亿元")


def test_a_unit_in_an_attribute_header_converts_it(tmp_path):
    text = "firm_id,name,region,industry,rd_expense [亿元]\nF1,A,320000,3612,1.5\n"
    df, _ = read_enterprises(_w(tmp_path, text, "f.csv"))
    assert df.loc[0, "attributes"] == {"rd_expense": 15000}  # 1.5 亿元 = 15,000 x 10,000 CNY
