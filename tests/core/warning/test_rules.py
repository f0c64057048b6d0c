import pandas as pd
import pytest

from induscope.core.warning import (BelowLastYear, BelowTarget, Level, RunBelow, SharpDrop, YTDFall, contraction,
                                    ladder_level, pmi_rules)


def test_levels_order_parse_and_escalate():
    assert Level.BLUE < Level.YELLOW < Level.ORANGE < Level.RED
    assert Level.parse("Orange") is Level.ORANGE
    assert Level.RED.escalate() is Level.RED and Level.BLUE.escalate(2) is Level.ORANGE
    with pytest.raises(ValueError):
        Level.parse("purple")
    lad = ((1.0, Level.BLUE), (3.0, Level.ORANGE))
    assert ladder_level(0.5, lad) is None and ladder_level(1.0, lad) is Level.BLUE
    assert ladder_level(1.0, lad, strict_first=True) is None and ladder_level(5, lad) is Level.ORANGE


def test_contraction_levels():
    s = pd.Series({"2022-03": 5.0, "2022-04": -2.9, "2022-05": 0.7, "2020-02": -13.5})
    sig = {x.period: x for x in contraction().evaluate("s", "g", s)}
    assert set(sig) == {"2022-04", "2020-02"}
    assert sig["2022-04"].level is Level.ORANGE and sig["2020-02"].level is Level.RED
    assert sig["2020-02"].numbers["shortfall"] == pytest.approx(13.5)
    assert sig["2020-02"].rule_id == "contraction" and sig["2020-02"].family == "rule"


def test_below_target_ladder():
    sig = BelowTarget(5.0).evaluate("s", "ytd", pd.Series({"2024-03": 4.5, "2024-04": 5.0, "2024-05": 1.0}))
    assert [(x.period, x.level) for x in sig] == [("2024-03", Level.BLUE), ("2024-05", Level.ORANGE)]


def test_below_last_year():
    s = pd.Series({"2023-03": 8.0, "2024-03": 3.0, "2024-04": 9.0})
    sig = BelowLastYear().evaluate("s", "ytd", s)
    assert len(sig) == 1 and sig[0].level is Level.YELLOW and sig[0].numbers["last_year"] == 8.0


def test_pmi_below_50_run_counts_consecutive_months():
    vals = [50.2, 49.8, 49.5, 49.9, 49.7, 49.6, 49.2, 50.1, 49.0]
    s = pd.Series(vals, index=[f"2019-{m:02d}" for m in range(1, 10)])
    run, deep = pmi_rules()
    sig = run.evaluate("pmi", "pmi", s)
    assert [x.period for x in sig] == ["2019-04", "2019-05", "2019-06", "2019-07"]
    assert sig[0].level is Level.BLUE and sig[-1].level is Level.YELLOW and sig[-1].numbers["run_length"] == 6
    assert sig[-1].numbers["run_start"] == "2019-02"
    deep_sig = deep.evaluate("pmi", "pmi", pd.Series({"2020-02": 35.7, "2008-12": 41.2}))
    assert {x.period: x.level for x in deep_sig} == {"2020-02": Level.RED, "2008-12": Level.ORANGE}


def test_run_is_broken_by_a_gap_in_the_data():
    s = pd.Series({"2019-01": 49.0, "2019-02": 49.0, "2019-04": 49.0})
    assert RunBelow(50, ((3, Level.BLUE),)).evaluate("p", "p", s) == []


def test_ytd_fall_and_base_effect_guard():
    s = pd.Series({"2020-02": -13.5, "2020-03": -8.4, "2021-02": 35.1, "2021-03": 24.5, "2022-02": 7.5,
                   "2022-03": 6.5, "2022-04": 4.0})
    sig = YTDFall().evaluate("s", "ytd", s)
    assert [(x.period, x.level) for x in sig] == [("2022-03", Level.BLUE), ("2022-04", Level.YELLOW)]
    unguarded = YTDFall(base_effect_guard=False).evaluate("s", "ytd", s)
    assert "2021-03" in [x.period for x in unguarded]
    # no fall across a year boundary
    assert all(x.numbers["previous_period"][:4] == x.period[:4] for x in unguarded)


def test_sharp_drop_uses_same_month_last_year_then_recent_median():
    s = pd.Series({"2023-01": 100.0, "2023-02": 100.0, "2023-03": 100.0, "2023-04": 50.0, "2024-04": 30.0})
    sig = {x.period: x for x in SharpDrop().evaluate("e", "orders", s)}
    assert sig["2023-04"].numbers["reference_kind"].startswith("median")
    assert sig["2023-04"].level is Level.ORANGE  # 50% below the 3-month median
    assert sig["2024-04"].numbers["reference"] == 50.0 and sig["2024-04"].level is Level.ORANGE  # -40%
