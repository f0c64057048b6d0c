import math

import numpy as np
import pandas as pd
import pytest

from induscope.core.indicators import (cagr, chain_levels, merge_jan_feb, shares, two_year_average,
                                       two_year_average_from_rates, yoy, yoy_from_index, ytd, ytd_from_rates)


def _levels(years=(2022, 2023, 2024), jan=True):
    rng = np.random.default_rng(1)
    out = {}
    for y in years:
        for m in range(1, 13):
            if m == 1 and not jan:
                continue
            out[f"{y}-{m:02d}"] = 100.0 * (1.05 ** (y - 2022)) * (1 + 0.1 * rng.random())
    return pd.Series(out)


def test_yoy_from_levels_is_the_ratio_minus_one():
    s = pd.Series({"2023Q1": 100.0, "2023Q2": 110.0, "2024Q1": 105.0, "2024Q2": 99.0})
    g = yoy(s)
    assert g["2024Q1"] == pytest.approx(5.0)
    assert g["2024Q2"] == pytest.approx(-10.0)
    assert g.basis == "derived_from_levels"
    assert "2023Q1" not in g.periods  # no base year: no figure, not a zero


def test_yoy_with_zero_base_is_unavailable_not_zero():
    g = yoy(pd.Series({"2023": 0.0, "2024": 5.0}))
    assert "2024" not in g.periods
    assert "undefined" in g.unavailable["2024"]


def test_yoy_from_index():
    g = yoy_from_index({"2022Q4": 103.0, "2023Q4": 105.2})
    assert g["2023Q4"] == pytest.approx(5.2)
    assert g.basis == "derived_from_index"


def test_jan_feb_merge_sums_january_and_february():
    lv = _levels()
    merged, una = merge_jan_feb(lv)
    assert "2023-01" not in merged.index
    assert merged["2023-02"] == pytest.approx(lv["2023-01"] + lv["2023-02"])
    assert una == {}


def test_jan_feb_merge_with_missing_january():
    lv = _levels(jan=False)
    merged, _ = merge_jan_feb(lv)  # NBS convention: February already holds January-February
    assert merged["2023-02"] == lv["2023-02"]
    merged, una = merge_jan_feb(lv, january_missing="feb_only")
    assert "2023-02" not in merged.index and "January missing" in una["2023-02"]


def test_jan_feb_yoy_equals_growth_of_the_two_month_sum():
    lv = _levels()
    g = yoy(lv)
    expected = ((lv["2024-01"] + lv["2024-02"]) / (lv["2023-01"] + lv["2023-02"]) - 1) * 100
    assert g["2024-02"] == pytest.approx(expected)
    assert "2024-01" not in g.periods


def test_ytd_is_ratio_of_cumulative_levels_not_average_of_rates():
    lv = _levels()
    g = ytd(lv)
    cur = lv[[f"2024-{m:02d}" for m in range(1, 7)]].sum()
    base = lv[[f"2023-{m:02d}" for m in range(1, 7)]].sum()
    assert g["2024-06"] == pytest.approx((cur / base - 1) * 100)
    monthly = yoy(lv)
    naive = np.mean([monthly[f"2024-{m:02d}"] for m in range(2, 7)])
    assert abs(g["2024-06"] - naive) > 1e-6  # the arithmetic mean of rates is a different number


def test_ytd_from_rates_with_level_weights_equals_ytd_from_levels():
    lv = _levels()
    merged, _ = merge_jan_feb(lv)
    rates = yoy(lv).values
    rates_2024 = rates[[p for p in rates.index if p.startswith("2024")]]
    w = merged[[p for p in merged.index if p.startswith("2023")]]
    g1 = ytd_from_rates(rates_2024, w)
    g2 = ytd(lv)
    for p in g1.periods:
        assert g1[p] == pytest.approx(g2[p], abs=1e-9)
    assert g1.basis == "derived_from_rates"


def test_ytd_with_a_missing_month_is_unavailable():
    lv = _levels().drop("2024-04")
    g = ytd(lv)
    assert "2024-05" not in g.periods
    assert "2024-04" in g.unavailable["2024-05"]


def test_two_year_average_matches_the_nbs_june_2021_example():
    # NBS 2021-07-15: June 2021 +8.3% YoY, +13.5% on June 2019, two-year average 6.5%
    lv = pd.Series({"2019-06": 100.0, "2020-06": 104.8, "2021-06": 113.5})
    assert two_year_average(lv)["2021-06"] == pytest.approx((math.sqrt(1.135) - 1) * 100)
    assert round(two_year_average(lv)["2021-06"], 1) == 6.5
    g = two_year_average_from_rates({"2020-06": 4.8, "2021-06": 8.3})
    assert round(g["2021-06"], 1) == 6.5


def test_cagr_and_shares():
    assert cagr(100, 121, 2) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        cagr(0, 10, 2)
    sh = shares({"a": 1.0, "b": 3.0})
    assert sh["b"] == pytest.approx(75.0)
    with pytest.raises(ValueError):
        shares({"a": 0.0})


def test_chain_levels_reproduces_levels_from_consistent_rates():
    lv = pd.Series({"2022": 100.0, "2023": 110.0, "2024": 99.0})
    g = yoy(lv).values
    back = chain_levels(g, lv[["2022"]])
    assert back["2024"] == pytest.approx(99.0)


def test_series_to_frame_and_dict_carry_vintage_and_basis():
    g = yoy(pd.Series({"2023": 100.0, "2024": 103.0}), vintage="2025-01-15")
    f = g.to_frame()
    assert list(f.columns) == ["period", "indicator", "value", "unit", "basis", "vintage", "unavailable"]
    assert f["vintage"].iloc[0] == "2025-01-15"
    assert g.to_dict()["values"]["2024"] == pytest.approx(3.0)
