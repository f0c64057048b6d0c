"""The generic CSV/XLSX input-output layout (docs/formats.md)."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.errors import ValidationError
from induscope.readers.io_generic import read_generic, write_generic
from induscope.readers.nbs import read_nbs

SMALL = """kind,code,name,A,B,C,HH,INV,EX,x
Z,A,Farming,10,20,5,40,5,20,100
Z,B,Industry,15,30,10,60,-5,40,150
Z,C,Services,5,10,15,30,0,20,80
V,VA1,Wages,40,50,20,,,,
V,VA2,Surplus,30,40,30,,,,
"""


def _write(tmp_path, text, name="small.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_small_table(tmp_path):
    t = read_generic(_write(tmp_path, SMALL), unit="亿元", year=2024)
    assert t.sectors == ("A", "B", "C")
    assert t.sector_names == ("Farming", "Industry", "Services")
    assert t.final_demand_labels == ("HH", "INV", "EX")
    assert t.value_added_labels == ("VA1", "VA2")
    assert t.unit == "10,000 CNY" and t.year == 2024 and t.import_type == "competitive"
    np.testing.assert_allclose(t.x, [1e6, 1.5e6, 8e5])  # 100 million CNY -> 10,000 CNY
    np.testing.assert_allclose(t.exports, [2e5, 4e5, 2e5])
    assert t.m is None and t.Zm is None


def test_columns_in_any_order_and_totals_ignored(tmp_path):
    text = """kind,code,x,C,B,A,EX,HH,INV
Z,A,100,5,20,10,20,40,5
Z,B,150,10,30,15,40,60,-5
Z,C,80,15,10,5,20,30,0
V,VA,,50,90,70,,,
total,TOTAL,330,80,150,100,,,
"""
    t = read_generic(_write(tmp_path, text), unit="万元")
    ref = read_generic(_write(tmp_path, SMALL, "ref.csv"), unit="万元")
    np.testing.assert_array_equal(t.Z, ref.Z)
    np.testing.assert_array_equal(t.V.sum(0), ref.V.sum(0))


def test_competitive_imports_column(tmp_path):
    text = """kind,code,A,B,HH,EX,IM,x
Z,A,10,20,90,10,30,100
Z,B,20,30,100,20,20,150
V,VA,70,100,,,,
"""
    t = read_generic(_write(tmp_path, text), unit="CNY")
    assert t.import_type == "competitive"
    np.testing.assert_allclose(t.m, [30e-4, 20e-4])


@pytest.mark.parametrize("name", ["china_2017_42", "china_2020_153"])
def test_nbs_round_trip_through_generic_csv(shared_data, tmp_path, name):
    ref = read_nbs(shared_data / "china_io_nbs" / f"{name}.csv")
    p = write_generic(ref, tmp_path / f"{name}_generic.csv")
    t = read_generic(p, unit="10,000 CNY", tolerance=1e-6)
    for sym in ("Z", "Y", "x", "V", "Zm", "Ym", "m", "exports"):
        a, b = getattr(t, sym), getattr(ref, sym)
        assert (a is None) == (b is None), sym
        if a is not None:
            np.testing.assert_array_equal(a, b, err_msg=sym)
    assert t.import_type == ref.import_type
    assert t.sectors == ref.sectors and t.final_demand_labels == ref.final_demand_labels


def test_xlsx_round_trip(shared_data, tmp_path):
    ref = read_nbs(shared_data / "china_io_nbs" / "china_2018_42.csv")
    p = write_generic(ref, tmp_path / "t.xlsx")
    t = read_generic(p, unit="万元")
    np.testing.assert_array_equal(t.Z, ref.Z)
    np.testing.assert_array_equal(t.Zm, ref.Zm)


def test_unit_is_required_and_checked(tmp_path):
    p = _write(tmp_path, SMALL)
    with pytest.raises(ValidationError, match="pass --unit"):
        read_generic(p)
    with pytest.raises(ValidationError, match="a monetary unit") as e:
        read_generic(p, unit="furlongs")
    assert e.value.problems[0].value == "furlongs"


def test_missing_sector_column_is_named(tmp_path):
    text = SMALL.replace(",C,HH", ",CC,HH")
    with pytest.raises(ValidationError) as e:
        read_generic(_write(tmp_path, text), unit="万元")
    msg = str(e.value)
    assert "column 'C'" in msg and "every sector needs a row and a column" in msg


def test_value_added_rows_hold_sector_columns_only(tmp_path):
    text = SMALL.replace("V,VA1,Wages,40,50,20,,,,", "V,VA1,Wages,40,50,20,7,,,")
    with pytest.raises(ValidationError, match="V rows have values in the sector columns only"):
        read_generic(_write(tmp_path, text), unit="万元")
