"""Columns: numbers (booleans refused), periods that are real calendar dates, checks after unit
conversion, duplicate headers, ids."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope import reference
from induscope.errors import ProblemCollector
from induscope.readers.columns import (YEAR_MAX, check_converted, duplicate_headers, make_id, parse_numbers,
                                       parse_periods, year_from_name)
from induscope.readers.sheets import Sheet


def test_parse_numbers():
    s = pd.Series(["1", " 2.5 ", "1,234.5", "－3", "", "…", "abc", None, 7, 8.5, "inf", "1,2"], dtype=object)
    num, missing, bad = parse_numbers(s)
    np.testing.assert_array_equal(num[:4], [1, 2.5, 1234.5, -3])
    assert list(missing) == [False] * 4 + [True, True, False, True, False, False, False, False]
    assert list(bad) == [False] * 6 + [True, False, False, False, True, True]
    assert num[8] == 7 and num[9] == 8.5


def test_booleans_and_overflowing_text_are_not_numbers():
    s = pd.Series([True, False, np.bool_(True), "true", "1e309", "-1e999", "nan", 1], dtype=object)
    num, missing, bad = parse_numbers(s)
    assert list(bad) == [True, True, True, True, True, True, False, False]
    assert list(missing) == [False] * 6 + [True, False]


def test_periods_are_real_calendar_dates():
    s = pd.Series(["2024", "2024Q1", "2024-q4", "2024-03", "2024M03", "2024M3", "2024/11", "202403",
                   2024, 2024.0, pd.Timestamp("2024-07-01"),
                   "2024-13", "2024Q5", "24-03", "20243", "9999-12", "9999", "1800Q1", True, "2025-02-30"],
                  dtype=object)
    period, freq, bad = parse_periods(s)
    assert list(period[:11]) == ["2024", "2024Q1", "2024Q4", "2024-03", "2024-03", "2024-03", "2024-11",
                                 "2024-03", "2024", "2024", "2024-07"]
    assert list(freq[:11]) == ["A", "Q", "Q", "M", "M", "M", "M", "M", "A", "A", "M"]
    assert list(bad) == [False] * 11 + [True] * 9


def test_days_only_when_asked_and_only_real_ones():
    s = pd.Series(["2024-02-29", "2025-02-29", "2025-02-30", "2025-04-31", "2025-12-31",
                   f"{YEAR_MAX + 1}-01-01", pd.Timestamp("2025-03-05")], dtype=object)
    period, freq, bad = parse_periods(s, days=True)
    assert list(bad) == [False, True, True, True, False, True, False]
    assert period[0] == "2024-02-29" and freq[0] == "D" and period[6] == "2025-03-05"
    assert parse_periods(s[:1])[2].all()  # months only by default


def test_values_are_checked_after_conversion():
    df = pd.DataFrame({"value": ["1e308", "5", "1e15", None], "_row": [2, 3, 4, 5]})
    num = np.array([1e308, 5.0, 1e15, np.nan])
    pc = ProblemCollector("s.csv")
    with np.errstate(over="ignore"):
        converted = num * 1e4  # 亿元 -> 10,000 CNY: the first overflows, the third leaves the range
    bad = check_converted(pc, df, converted, "value", "10,000 CNY")
    assert list(bad) == [True, False, True, False]
    assert [p.row for p in pc.problems] == [2, 4]
    assert "once converted to 10,000 CNY" in str(pc.problems[0]) and "'1e308'" in str(pc.problems[0])


def test_duplicate_headers_with_zero_padding():
    sh = Sheet("t.csv", ["Code", "01", "1", "Value", " value", "#x", "#x"])
    pc = ProblemCollector("t.csv")
    assert duplicate_headers(sh, pc, zfill=True)
    assert [p.column for p in pc.problems] == ["1", " value"]


def test_ids_and_years():
    assert make_id("china 2017/42") == "china_2017_42"
    assert make_id("工业 数据") == "工业_数据"
    assert year_from_name("china_2017_42") == 2017
    assert year_from_name("table42") is None


@pytest.mark.parametrize("spelled,code", [
    ("上海", "310000"), ("上海市", "310000"), ("沪", "310000"), ("Shanghai", "310000"), ("SHANGHAI", "310000"),
    ("310000", "310000"), (310000.0, "310000"), ("广西", "450000"), ("广西壮族自治区", "450000"),
    ("全国", reference.NATION), ("cn", reference.NATION), ("31", None), ("上海县", None), ("", None)])
def test_the_one_region_normaliser(spelled, code):
    assert reference.normalize_region(spelled) == code


def test_region_normaliser_without_nation_and_industry_codes():
    assert reference.normalize_region("全国", allow_nation=False) is None
    assert reference.normalize_industry(7.0) == "07" and reference.normalize_industry(" c3612 ") == "C3612"
    assert reference.region_label("310000") == "310000 上海市 Shanghai"


def test_industry_labels_name_divisions_sections_and_aggregates():
    assert reference.industry_label("39").startswith("39 计算机、通信和其他电子设备制造业 ")
    assert reference.industry_label("C") == "C 制造业 Manufacturing"
    assert reference.industry_label("EQ") == "EQ equipment manufacturing (divisions 33-40)"
    assert reference.industry_label("ZZ") == "ZZ"  # unknown: the code alone
