import pandas as pd
import pytest

from induscope.core.indicators import (ContributionModel, Hierarchy, PartSpec, ReportInput, aggregate_growth,
                                       aggregate_levels, compare_vintages, growth_by_aggregation, report_card)
from induscope.errors import ModelError


def test_contribution_and_pull_from_levels():
    Y0 = {"primary": 10.0, "secondary": 40.0, "tertiary": 50.0}
    Y1 = {"primary": 10.4, "secondary": 41.2, "tertiary": 52.0}
    r = ContributionModel(Y0, Y1).run()
    assert r.g_whole == pytest.approx(3.6)
    assert r.pull["secondary"] == pytest.approx(1.2)               # 40% x 3%
    assert r.contribution["secondary"] == pytest.approx(1.2 / 3.6 * 100)
    assert r.contribution.sum() == pytest.approx(100.0)
    assert r.pull.sum() == pytest.approx(r.g_whole)
    assert r.pull["tertiary"] == pytest.approx(r.s0["tertiary"] * r.g["tertiary"] / 100)


def test_pull_equals_growth_of_whole_times_contribution():
    r = ContributionModel.from_rates({"industry": 32.6}, {"industry": 3.4}, g_whole=3.0).run()
    assert r.pull["industry"] == pytest.approx(0.326 * 3.4)
    assert r.pull["industry"] == pytest.approx(r.g_whole * r.contribution["industry"] / 100)
    assert not r.exhaustive


def test_no_change_of_the_whole_makes_contribution_unavailable():
    r = ContributionModel({"a": 1.0, "b": 1.0}, {"a": 1.5, "b": 0.5}).run()
    assert r.unavailable is not None and "undefined" in r.unavailable.reason
    assert r.contribution.isna().all()
    assert r.pull.sum() == pytest.approx(0.0)


def test_missing_part_level_is_an_error():
    with pytest.raises(ModelError):
        ContributionModel({"a": 1.0, "b": 2.0}, {"a": 1.0})


def test_hierarchy_rollup_and_aggregation():
    h = Hierarchy([{"13": "C", "14": "C", "06": "B"}, {"C": "BCD", "B": "BCD"}])
    assert h.rollup(2) == {"13": "BCD", "14": "BCD", "06": "BCD"}
    lv = pd.DataFrame({"13": [10.0, 11.0], "14": [5.0, 4.0], "06": [2.0, 2.2]}, index=["2023", "2024"])
    agg = aggregate_levels(lv, h.rollup(1))
    assert agg.loc["2024", "C"] == pytest.approx(15.0)
    g = aggregate_growth({"13": 10.0, "14": -20.0}, {"13": 10.0, "14": 5.0}, h.rollup(1))
    assert g["C"] == pytest.approx(0.0)  # (10*10 + 5*-20) / 15
    with pytest.raises(ModelError):
        Hierarchy([{"13": "C"}, {"B": "BCD"}])


def test_aggregate_levels_is_nan_when_a_child_is_missing():
    lv = pd.DataFrame({"a": [1.0, None], "b": [1.0, 2.0]}, index=["2023", "2024"])
    agg = aggregate_levels(lv, {"a": "t", "b": "t"})
    assert agg.loc["2023", "t"] == 2.0 and pd.isna(agg.loc["2024", "t"])


def test_growth_by_aggregation_equals_growth_of_sum():
    lv = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 3.0, 5.0]}, index=["2022", "2023", "2024"])
    g = growth_by_aggregation(lv, {"a": "t", "b": "t"}, lag=1)
    tot = lv.sum(axis=1)
    assert g.loc["2024", "t"] == pytest.approx((tot["2024"] / tot["2023"] - 1) * 100)


def _inp(name, v):
    return ReportInput(name, v, "percent", "test", "v1")


def test_report_card_lists_inputs_and_computes_pull_and_contribution():
    card = report_card("2022", "v1", _inp("g", 3.0), {"industry": PartSpec(_inp("gi", 3.4), base_share=_inp("s", 32.0))})
    assert card["industry_pull_pp"] == pytest.approx(0.32 * 3.4)
    assert card["industry_contribution_pct"] == pytest.approx(0.32 * 3.4 / 3.0 * 100)
    assert [i.name for i in card.inputs] == ["g", "s", "gi"]
    d = card.to_dict()
    assert d["inputs"][0]["source"] == "test"
    other = report_card("2022", "v2", _inp("g", 3.1), {"industry": PartSpec(_inp("gi", 2.3), base_share=_inp("s", 31.5))})
    diff = compare_vintages(card, other).set_index("figure")
    assert diff.loc["industry_growth_pct", "difference"] == pytest.approx(-1.1)
    with pytest.raises(ModelError):
        PartSpec(_inp("gi", 1.0))
