"""NBS input-output tables: every table of ../shared/data/china_io_nbs keeps its accounting identities."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.readers.io_checks import balance_report
from induscope.readers.nbs import read_nbs

TABLES = ["china_2017_42", "china_2018_42", "china_2020_42",
          "china_2017_149", "china_2018_153", "china_2020_153"]
NONCOMP = [t for t in TABLES if t.endswith("_42")]


def _rel(a, b):
    b = np.asarray(b, dtype=float)
    return np.max(np.abs(np.asarray(a, dtype=float) - b) / np.maximum(np.abs(b), 1.0))


def _raw(shared_data, name):
    return pd.read_csv(shared_data / "china_io_nbs" / f"{name}.csv", dtype={"Code": str})


@pytest.mark.parametrize("name", TABLES)
def test_row_and_column_balances_hold_to_1e9(shared_data, name):
    t = read_nbs(shared_data / "china_io_nbs" / f"{name}.csv")
    assert np.max(np.abs(t.row_balance_residual()) / t.x) < 1e-9
    assert np.max(np.abs(t.column_balance_residual()) / t.x) < 1e-9
    rep = balance_report(t)
    assert rep["row_balance"] < 1e-9 and rep["column_balance"] < 1e-9


@pytest.mark.parametrize("name", TABLES)
def test_table_matches_the_file(shared_data, name):
    raw = _raw(shared_data, name)
    n = int(name.rsplit("_", 1)[1])
    width = 2 if n < 100 else 3
    codes = [f"{i:0{width}d}" for i in range(1, n + 1)]
    t = read_nbs(shared_data / "china_io_nbs" / f"{name}.csv")
    assert t.sectors == tuple(codes)
    assert t.year == int(name.split("_")[1])
    assert t.unit == "10,000 CNY"
    dom = raw[raw["Origin"] == "Domestic"] if "Origin" in raw else raw[raw["Code"].isin(codes)]
    dom = dom.set_index("Code").loc[codes]
    np.testing.assert_array_equal(t.Z, dom[codes].to_numpy(float))
    np.testing.assert_array_equal(t.x, dom["GO"].to_numpy(float))
    va = raw.set_index("Code").loc[["VA001", "VA002", "VA003", "VA004"], codes].to_numpy(float)
    np.testing.assert_array_equal(t.V, va)
    np.testing.assert_array_equal(t.exports, dom["EX"].to_numpy(float))
    # the stated totals of the file: TIU, TFU by row; TII, TVA, TI by column
    tot = raw.set_index("Code")
    assert _rel(t.Z.sum(axis=1), dom["TIU"]) < 1e-9
    assert _rel(t.Y.sum(axis=1), dom["TFU"]) < 1e-9
    assert _rel(t.V.sum(axis=0), tot.loc["TVA", codes]) < 1e-9
    assert _rel(t.x, tot.loc["TI", codes]) < 1e-9


@pytest.mark.parametrize("name", [t for t in TABLES if t not in NONCOMP])
def test_competitive_tables_have_imports_column(shared_data, name):
    raw = _raw(shared_data, name).set_index("Code")
    t = read_nbs(shared_data / "china_io_nbs" / f"{name}.csv")
    codes = list(t.sectors)
    assert t.import_type == "competitive"
    assert t.Zm is None and t.Ym is None
    np.testing.assert_array_equal(t.m, raw.loc[codes, "IM"].to_numpy(float))
    assert t.final_demand_labels == ("FU101", "FU102", "FU103", "FU201", "FU202", "EX")
    # stated subtotals are not double counted: household + government = TC, etc.
    fd = dict(zip(t.final_demand_labels, t.Y.T))
    assert _rel(fd["FU101"] + fd["FU102"] + fd["FU103"], raw.loc[codes, "TC"]) < 1e-9
    assert _rel(fd["FU201"] + fd["FU202"], raw.loc[codes, "GCF"]) < 1e-9
    # x = Z1 + Y1 - m, i.e. imports are netted out of the product rows
    assert _rel(t.Z.sum(1) + t.Y.sum(1) - t.m, t.x) < 1e-9
    assert (t.m >= 0).all() and t.m.sum() > 0


@pytest.mark.parametrize("name", NONCOMP)
def test_domestic_imports_split_of_42_sector_tables(shared_data, name):
    raw = _raw(shared_data, name)
    t = read_nbs(shared_data / "china_io_nbs" / f"{name}.csv")
    codes = list(t.sectors)
    imp = raw[raw["Origin"] == "Imports"].set_index("Code").loc[codes]
    dom = raw[raw["Origin"] == "Domestic"].set_index("Code").loc[codes]
    tot = raw[raw["Origin"] == "TOT"].set_index("Code")
    assert t.import_type == "non-competitive" and t.m is None
    assert t.final_demand_labels == ("TC", "FU201", "FU202", "EX")
    np.testing.assert_array_equal(t.Zm, imp[codes].to_numpy(float))
    np.testing.assert_array_equal(t.Ym, imp[["TC", "FU201", "FU202", "EX"]].to_numpy(float))
    # domestic + imported intermediate inputs = total intermediate input (TII) of every column
    assert _rel(t.Z.sum(axis=0) + t.Zm.sum(axis=0), tot.loc["TII", codes]) < 1e-9
    # domestic + imported final use = total final use by category (TII row of the final-demand columns)
    assert _rel(t.Y.sum(axis=0) + t.Ym.sum(axis=0), tot.loc["TII", ["TC", "FU201", "FU202", "EX"]]) < 1e-9
    # imports of each product = imported intermediate use + imported final use (GO of Imports rows)
    assert _rel(t.Zm.sum(axis=1) + t.Ym.sum(axis=1), imp["GO"]) < 1e-9
    # total intermediate use of each product (domestic + imported) = TIU of both rows
    assert _rel(t.Z.sum(axis=1) + t.Zm.sum(axis=1), dom["TIU"] + imp["TIU"]) < 1e-9
    # total intermediate use in the economy: TIU of the TII row
    assert abs(t.Z.sum() + t.Zm.sum() - tot.loc["TII", "TIU"]) / tot.loc["TII", "TIU"] < 1e-9
    # domestic rows balance without imports; columns need imported inputs to close
    assert np.max(np.abs(t.x - t.Z.sum(1) - t.Y.sum(1)) / t.x) < 1e-9
    assert np.max(np.abs(t.x - t.Z.sum(0) - t.Zm.sum(0) - t.V.sum(0)) / t.x) < 1e-9
    assert np.max(np.abs(t.x - t.Z.sum(0) - t.V.sum(0)) / t.x) > 1e-3
    assert (t.Zm >= 0).all() and t.Zm.sum() > 0


def test_sector_names_and_metadata(shared_data):
    t = read_nbs(shared_data / "china_io_nbs" / "china_2017_42.csv")
    assert t.sector_names[0].startswith("Agriculture")
    assert t.metadata["sector_names_zh"][0] == "农林牧渔产品和服务"
    assert t.metadata["final_demand_names"]["FU201"] == "Gross fixed capital formation"
    assert t.metadata["value_added_names"]["VA001"] == "Compensation of employees"
    assert t.value_added_labels == ("VA001", "VA002", "VA003", "VA004")


def test_unit_conversion_to_10000_cny(shared_data):
    f = shared_data / "china_io_nbs" / "china_2018_42.csv"
    base = read_nbs(f)
    in_yi = read_nbs(f, unit="亿元")  # pretend the file were in 100 million CNY
    assert in_yi.unit == "10,000 CNY"
    np.testing.assert_allclose(in_yi.Z, base.Z * 1e4)
    np.testing.assert_allclose(in_yi.x, base.x * 1e4)
    usd = read_nbs(f, unit="USD million")
    assert usd.unit == "USD million"
    np.testing.assert_array_equal(usd.x, base.x)
    rate = read_nbs(f, unit="USD million", usd_cny=7.0)
    assert rate.unit == "10,000 CNY"
    np.testing.assert_allclose(rate.x, base.x * 700.0)


def test_nbs_table_from_xlsx(shared_data, tmp_path):
    raw = pd.read_csv(shared_data / "china_io_nbs" / "china_2020_42.csv", dtype=str, keep_default_na=False)
    p = tmp_path / "china_2020_42.xlsx"
    # numbers as numbers, codes as text (as NBS workbooks keep them)
    out = raw.copy()
    for c in out.columns[4:]:
        out[c] = pd.to_numeric(out[c].replace("", None))
    out.to_excel(p, index=False)
    t = read_nbs(p)
    ref = read_nbs(shared_data / "china_io_nbs" / "china_2020_42.csv")
    np.testing.assert_array_equal(t.Z, ref.Z)
    np.testing.assert_array_equal(t.Zm, ref.Zm)
    assert t.year == 2020
