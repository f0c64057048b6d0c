"""Each tier's conditions, each direct route, the 2026 rules, the effective-date switch, and missing
values (a result decided whatever they are is given, with them listed; otherwise cannot evaluate)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from induscope.core.sme import ruleset_for
from induscope.errors import InputError

_spec = importlib.util.spec_from_file_location("sme_testkit", Path(__file__).with_name("sme_testkit.py"))
kit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kit)

# a weak applicant: every points table fails (innovative 25 points, SRDI well below 60)
WEAK = {**kit.STRONG, "ip_level": "none", "rd_expense": 150.0, "rd_expense_prev1": 100.0, "main_revenue": 11000.0,
        "main_revenue_prev1": 11000.0, "main_revenue_prev2": 11000.0, "debt_ratio": 80.0,
        "strategic_emerging": 0.0, "chain_role": "none", "digital_level": 1.0, "quality_award": 0.0,
        "quality_cert": 0.0, "own_brand": 0.0, "standards": 0.0, "net_profit": 0.0, "local_score": 0.0,
        "rd_staff": 5.0, "rd_institution": "none", "niche_years": 3.0}


def test_strong_applicant_reaches_every_tier():
    res = kit.run([{}])
    assert [kit.results(res, t)[0] for t in ("innovative", "srdi", "little_giant")] == ["eligible"] * 3
    assert res.tier("innovative").score_lo[0] >= 60


def test_weak_applicant_fails_scores():
    res = kit.run([{}], base=WEAK)
    assert kit.results(res, "innovative") == ["not_eligible"]
    assert res.tier("innovative").score_hi[0] < 60
    assert kit.results(res, "srdi") == ["not_eligible"]


# -- innovative ---------------------------------------------------------------------------------
def test_innovative_pass_mark_and_class_minimums():
    # 60 points exactly with classes 20/15/25 passes; 60 points with innovation 15 fails (minimum 20)
    at60 = {"ip_level": "class1", "rd_expense": 200.0, "revenue": 10000.0,          # 10 + 10 = 20 innovation
            "main_revenue_prev1": 9000.0, "main_revenue": 9000.0 * 1.04,              # 5 growth
            "debt_ratio": 55.0,                                                        # 10 growth -> 15
            "strategic_emerging": 0.0}                                                 # 5 + 20 (share 93.6%) = 25
    low_innov = {**at60, "ip_level": "class2", "main_revenue": 9000.0 * 1.05}        # 5+10 innovation, 10+10 growth
    res = kit.run([at60, low_innov], base=WEAK)
    assert list(res.tier("innovative").score_lo) == [60, 60]
    assert kit.results(res, "innovative") == ["eligible", "not_eligible"]


@pytest.mark.parametrize("field,value", [("sci_award", "provincial_top3"), ("sci_award", "other"),
                                         ("honours", 1.0), ("rd_institution", "provincial"),
                                         ("rd_institution", "national"), ("equity_financing_3y", 500.0)])
def test_innovative_direct_conditions(field, value):
    res = kit.run([{field: value}], base=WEAK)
    assert kit.results(res, "innovative") == ["eligible"]
    assert res.tier("innovative").score_hi[0] < 60
    assert "direct route" in res.to_frame().iloc[0]["reasons"]


def test_innovative_equity_just_below_500_is_not_direct():
    res = kit.run([{"equity_financing_3y": 499.99}], base=WEAK)
    assert kit.results(res, "innovative") == ["not_eligible"]


# -- SRDI (2022) --------------------------------------------------------------------------------
@pytest.mark.parametrize("row,expected", [
    ({"niche_years": 2.0}, "eligible"), ({"niche_years": 1.99}, "not_eligible"),
    ({"rd_expense": 100.0, "revenue": 3000.0, "main_revenue": 2900.0}, "eligible"),
    ({"rd_expense": 99.99, "revenue": 3000.0, "main_revenue": 2900.0}, "not_eligible"),
    ({"rd_expense": 600.0, "revenue": 20000.0}, "eligible"),          # exactly 3%
    ({"rd_expense": 599.98, "revenue": 20000.0}, "not_eligible"),     # 2.9999%
    ({"revenue": 1000.0, "main_revenue": 950.0, "rd_expense": 100.0}, "eligible"),
    ({"revenue": 999.99, "main_revenue": 950.0, "rd_expense": 100.0}, "not_eligible"),
    ({"revenue": 999.99, "main_revenue": 950.0, "rd_expense": 100.0, "equity_financing_2y": 2000.0,
      "equity_financing_3y": 2000.0}, "eligible"),
])
def test_srdi_conditions(row, expected):
    res = kit.run([row])
    assert kit.results(res, "srdi") == [expected]


@pytest.mark.parametrize("row", [{"sci_award": "provincial_top3"}, {"sci_award": "national_top5"},
                                 {"sci_award": "national_top3"},
                                 {"rd_expense": 1000.0, "rd_expense_prev1": 1000.0, "revenue": 30000.0,
                                  "main_revenue": 11000.0},
                                 {"equity_financing_2y": 6000.0, "equity_financing_3y": 6000.0},
                                 {"maker_china": "national_500"}, {"maker_china": "national_50"}])
def test_srdi_direct_routes(row):
    base = {**WEAK, "rd_expense": 600.0, "revenue": 20000.0}  # conditions 1-3 hold, score fails
    res = kit.run([row], base=base)
    assert res.tier("srdi").score_hi[0] < 60
    assert kit.results(res, "srdi") == ["eligible"]


@pytest.mark.parametrize("row", [{"sci_award": "other"}, {"rd_expense": 999.0, "rd_expense_prev1": 1000.0,
                                                          "revenue": 40000.0, "main_revenue": 11000.0},
                                 {"equity_financing_2y": 5999.0, "equity_financing_3y": 6000.0}])
def test_srdi_direct_routes_just_missed(row):
    base = {**WEAK, "rd_expense": 600.0, "revenue": 20000.0}
    res = kit.run([row], base=base)
    assert kit.results(res, "srdi") == ["not_eligible"]


# -- little giant (2022) ------------------------------------------------------------------------
@pytest.mark.parametrize("row,expected", [
    ({"niche_years": 3.0}, "eligible"), ({"niche_years": 2.99}, "not_eligible"),
    ({"main_revenue": 14000.0, "main_revenue_prev1": 12500.0, "main_revenue_prev2": 11000.0}, "eligible"),  # 70%
    ({"main_revenue": 13999.0, "main_revenue_prev1": 12500.0, "main_revenue_prev2": 11000.0}, "not_eligible"),
    ({"debt_ratio": 70.0}, "eligible"), ({"debt_ratio": 70.01}, "not_eligible"),
    ({"market_share": 10.0}, "eligible"), ({"market_share": 9.99}, "not_eligible"),
    ({"own_brand": 0.0}, "not_eligible"), ({"info_system": 0.0}, "not_eligible"),
    ({"mgmt_cert": 0.0}, "not_eligible"), ({"chain_role": "foundation"}, "not_eligible"),
    ({"rd_institution": "none"}, "not_eligible"), ({"class1_ip_applied": 1.0}, "not_eligible"),
    ({"class1_ip_applied": 1.0, "maker_china": "national_50"}, "eligible"),
    ({"class1_ip_applied": 1.0, "sci_award": "national_top3"}, "eligible"),
    ({"class1_ip_applied": 1.0, "sci_award": "national_top5"}, "not_eligible"),
])
def test_little_giant_checklist(row, expected):
    assert kit.results(kit.run([row]), "little_giant") == [expected]


def test_little_giant_growth_boundary():
    # mean of the two annual growth rates exactly 5%: year before flat, last year +10%
    ok = {"main_revenue_prev2": 10000.0, "main_revenue_prev1": 10000.0, "main_revenue": 11000.0, "revenue": 12000.0,
          "rd_expense": 400.0, "rd_expense_prev1": 400.0, "revenue_prev1": 11000.0}
    low = {**ok, "main_revenue": 10999.0}
    assert kit.results(kit.run([ok, low]), "little_giant") == ["eligible", "not_eligible"]


@pytest.mark.parametrize("revenue,rd,rd_prev,expected", [
    (10000.0, 300.0, 300.0, "eligible"),        # >= 1亿: both years >= 3%
    (10000.0, 299.0, 300.0, "not_eligible"),
    (9999.0, 599.94, 600.0, "eligible"),        # 5000万-1亿: both >= 6%
    (9999.0, 500.0, 600.0, "not_eligible"),
    (5000.0, 300.0, 300.0, "eligible"),         # exactly 5000万 is in the 6% band
    (5000.0, 299.0, 300.0, "not_eligible"),
])
def test_little_giant_rd_by_revenue_band(revenue, rd, rd_prev, expected):
    row = {"revenue": revenue, "main_revenue": revenue * 0.95, "main_revenue_prev1": revenue * 0.95 / 1.1,
           "main_revenue_prev2": revenue * 0.95 / 1.21, "rd_expense": rd, "rd_expense_prev1": rd_prev,
           "revenue_prev1": 5000.0, "net_profit": revenue * 0.1, "total_assets": revenue}
    assert kit.results(kit.run([row]), "little_giant") == [expected]


def test_little_giant_small_revenue_band():
    small = {"revenue": 4999.0, "main_revenue": 4800.0, "main_revenue_prev1": 4300.0, "main_revenue_prev2": 3900.0,
             "revenue_prev1": 4500.0, "rd_expense": 1600.0, "rd_expense_prev1": 1400.0, "employees": 100.0,
             "rd_staff": 50.0, "equity_financing_2y": 8000.0, "equity_financing_3y": 8000.0, "net_profit": 100.0}
    res = kit.run([small, {**small, "rd_staff": 49.0}, {**small, "equity_financing_2y": 7999.0}])
    assert kit.results(res, "little_giant") == ["eligible", "not_eligible", "not_eligible"]


def test_little_giant_needs_srdi():
    res = kit.run([{"rd_expense": 500.0, "revenue": 20000.0}])   # 2.5%: SRDI condition 2 fails
    assert kit.results(res, "srdi") == ["not_eligible"]
    assert kit.results(res, "little_giant") == ["not_eligible"]


# -- common conditions --------------------------------------------------------------------------
def test_not_an_sme_fails_every_tier():
    res = kit.run([{"employees": 1000.0, "revenue": 40000.0, "main_revenue": 38000.0, "rd_expense": 2000.0}])
    assert res.size.size_class[0] == "large"
    assert [kit.results(res, t)[0] for t in ("innovative", "srdi", "little_giant")] == ["not_eligible"] * 3


def test_bad_standing_fails_every_tier():
    res = kit.run([{"credit_ok": 0.0}])
    assert [kit.results(res, t)[0] for t in ("innovative", "srdi", "little_giant")] == ["not_eligible"] * 3


# -- the date switch ----------------------------------------------------------------------------
@pytest.mark.parametrize("date,rule_set", [("2022-06-01", "2022-63"), ("2026-03-31", "2022-63"),
                                           ("2026-04-01", "2026-2"), ("2030-01-01", "2026-2")])
def test_rule_set_by_date(date, rule_set):
    assert ruleset_for(date)["id"] == rule_set
    assert kit.run([{}], date=date).to_frame()["rule_set"].unique().tolist() == [rule_set]


@pytest.mark.parametrize("date", ["2022-05-31", "2026-02-30", "yesterday"])
def test_no_rule_set_or_bad_date(date):
    with pytest.raises(InputError):
        ruleset_for(date)


def test_2026_rules():
    strong = {"main_revenue": 19000.0, "revenue": 20000.0}          # 95% main share
    res = kit.run([strong, {**strong, "main_revenue": 17999.0}, {**strong, "platform_score": 59.9},
                   {**strong, "platform_score": 49.9}, {**strong, "class1_ip_applied": 3.0},
                   {**strong, "niche_years": 2.0}, {**strong, "debt_ratio": 75.01}], date="2026-04-01")
    assert kit.results(res, "srdi") == ["eligible", "eligible", "eligible", "not_eligible", "eligible",
                                        "not_eligible", "eligible"]
    assert kit.results(res, "little_giant") == ["eligible", "not_eligible", "not_eligible", "not_eligible",
                                                "not_eligible", "not_eligible", "not_eligible"]
    # the innovative tier keeps the 2022 annex-1 standard, labelled as inherited
    assert res.tier("innovative").spec["inherited_from"] == "2022-63"


def test_2026_platform_score_missing_cannot_evaluate_and_says_why():
    res = kit.run([{}], date="2026-05-01", drop=("platform_score",))
    assert kit.results(res, "srdi") == ["cannot_evaluate"]
    d = res.explain("F0")
    srdi = next(t for t in d["tiers"] if t["tier"] == "srdi")
    assert any("75号" in n and "platform_score" in n for n in srdi["notes"])
    assert "platform_score" in res.to_frame().query("tier == 'srdi'")["missing"].iloc[0]


# -- missing values -----------------------------------------------------------------------------
def test_score_passes_without_the_missing_values():
    # strong firm without debt_ratio: innovative score >= 60 even with 0 points there -> eligible, listed
    res = kit.run([{}], drop=("debt_ratio",))
    t = res.tier("innovative")
    assert t.score_lo[0] >= 60 and t.score_hi[0] > t.score_lo[0]
    row = res.to_frame().query("tier == 'innovative'").iloc[0]
    assert row["result"] == "eligible" and "debt_ratio" in row["missing"]


def test_score_fails_even_with_the_maximum_of_the_missing_values():
    res = kit.run([{}], base=WEAK, drop=("ip_level",))
    t = res.tier("innovative")
    assert t.score_hi[0] < 60
    row = res.to_frame().query("tier == 'innovative'").iloc[0]
    assert row["result"] == "not_eligible" and "ip_level" in row["missing"]


def test_undecided_is_cannot_evaluate_never_zero():
    base = {**WEAK, "ip_level": "class1_high_value", "rd_expense": 1000.0}      # 20 + 20 innovation
    res = kit.run([{}], base=base, drop=("main_revenue_prev1",))
    row = res.to_frame().query("tier == 'innovative'").iloc[0]
    assert row["result"] == "cannot_evaluate"
    assert "main_revenue_prev1" in row["reasons"] and np.isnan(row["score"])
    assert row["score_min"] < 60 <= row["score_max"]


def test_direct_route_decides_despite_missing_score_inputs():
    res = kit.run([{"honours": 1.0}], base=WEAK, drop=("ip_level", "debt_ratio", "main_revenue_prev1"))
    assert kit.results(res, "innovative") == ["eligible"]


def test_revenue_zero_is_not_computable_not_zero():
    res = kit.run([{"revenue": 0.0, "main_revenue": 0.0, "net_profit": 0.0}])
    row = res.to_frame().query("tier == 'innovative'").iloc[0]
    assert "rd_intensity (not computable)" in row["missing"]


def test_next_tier_gap_text():
    row = {"rd_expense": 480.0, "revenue": 20000.0}                        # 2.4%
    d = kit.run([row]).explain("F0")
    assert d["next_tier"]["tier"] == "srdi"
    assert "R&D intensity last year 2.4% -> 3% needed: +0.6 pp" in d["next_tier"]["needs"]


def test_province_local_indicators_from_the_rule_set():
    from induscope.core.sme import SmeBatch, evaluate, ruleset, size_rules

    rs = ruleset("2022-63")
    srdi = next(t for t in rs["tiers"] if t["tier"] == "srdi")
    srdi["local_indicators"]["440000"] = [
        {"id": "gd_share", "kind": "bands", "input": "market_share", "max": 10, "bands": [[10, 10], [5, 6]],
         "name_zh": "细分市场占有率", "name_en": "niche market share"},
        {"id": "gd_score", "kind": "input_score", "input": "local_score", "max": 5, "name_zh": "其他", "name_en": "other"}]
    batch = SmeBatch.from_frame(kit.frame([{"market_share": 5.0, "local_score": 12.0}]))
    gd = evaluate(batch, rs, size_rules(), date="2025-06-30", province="440000")
    other = evaluate(batch, rs, size_rules(), date="2025-06-30", province="320000")
    assert kit.points(gd, "srdi", "s9_local")[0] == 6 + 5          # local_score capped at its 5
    assert kit.points(other, "srdi", "s9_local")[0] == 12          # default: local_score as given
    assert gd.local_source == "province 440000" and other.local_source.startswith("default")
