"""Node verdict rules: each default rule at, just below and just above its threshold; missing data."""
from __future__ import annotations

import pytest

from induscope.core.chains.rules import DEFAULT_RULES, default_rules, evaluate, validate_rules
from induscope.errors import ValidationError

EPS = 1e-9
# a node that is neither weak nor strong on every measure (a clean baseline to move one measure from)
BASE = {"suppliers": 6, "suppliers_effective": 4.0, "firm_hhi": 0.3, "top3_share": 0.6, "region_hhi": 0.3,
        "top_region_share": 0.4, "import_dependence": 0.2, "trade_competitiveness": None, "coverage": 1.5,
        "exposure": 0.01, "sector_exposure": 0.01, "key_core": False, "has_trade": False}
# a node that passes every strong rule
STRONG = {**BASE, "suppliers": 12, "firm_hhi": 0.1, "import_dependence": 0.05}


def verdict(**changes):
    return evaluate({**BASE, **changes})


def test_baseline_is_neutral_and_strong_node_is_strong():
    assert verdict().verdict == "neutral" and verdict().fired == ()
    v = evaluate(STRONG)
    assert v.verdict == "strong"
    assert v.reasons == "many_suppliers;competitive_supply;self_sufficient"


@pytest.mark.parametrize("value,fires", [(2, True), (1, True), (3, False)])
def test_few_suppliers_at_threshold_2(value, fires):
    v = verdict(suppliers=value)
    assert ("few_suppliers" in v.fired) is fires
    assert (v.verdict == "weak") is fires


@pytest.mark.parametrize("value,fires", [(0.5, True), (0.5 + EPS, True), (0.5 - EPS, False)])
def test_import_dependent_at_threshold_half(value, fires):
    assert ("import_dependent" in verdict(import_dependence=value).fired) is fires


@pytest.mark.parametrize("hhi,cov,fires", [(0.5, 0.99, True), (0.5 + EPS, 0.5, True), (0.5 - EPS, 0.5, False),
                                           (0.6, 1.0, False), (0.6, 1.0 - EPS, True), (0.6, 1.0 + EPS, False)])
def test_concentrated_uncovered_hhi_half_and_coverage_one(hhi, cov, fires):
    assert ("concentrated_uncovered" in verdict(firm_hhi=hhi, coverage=cov).fired) is fires


@pytest.mark.parametrize("kc,dep,fires", [(True, 0.3, True), (True, 0.3 + EPS, True), (True, 0.3 - EPS, False),
                                          (False, 0.45, False)])
def test_key_core_import_dependent_at_0_3(kc, dep, fires):
    assert ("key_core_import_dependent" in verdict(key_core=kc, import_dependence=dep).fired) is fires


@pytest.mark.parametrize("value,strong", [(10, True), (11, True), (9, False)])
def test_strong_needs_10_suppliers(value, strong):
    assert (evaluate({**STRONG, "suppliers": value}).verdict == "strong") is strong


@pytest.mark.parametrize("value,strong", [(0.15, True), (0.15 - EPS, True), (0.15 + EPS, False)])
def test_strong_needs_hhi_at_most_0_15(value, strong):
    assert (evaluate({**STRONG, "firm_hhi": value}).verdict == "strong") is strong


@pytest.mark.parametrize("value,strong", [(0.1, True), (0.1 - EPS, True), (0.1 + EPS, False)])
def test_strong_needs_import_dependence_at_most_0_1(value, strong):
    assert (evaluate({**STRONG, "import_dependence": value}).verdict == "strong") is strong


@pytest.mark.parametrize("tc,strong", [(0.0, False), (EPS, True), (-EPS, False)])
def test_strong_with_trade_figures_needs_a_positive_tc(tc, strong):
    v = evaluate({**STRONG, "has_trade": True, "trade_competitiveness": tc})
    assert (v.verdict == "strong") is strong
    if strong:
        assert "export_competitive" in v.fired


def test_trade_rule_does_not_apply_without_trade_figures():
    v = evaluate({**STRONG, "has_trade": False, "trade_competitiveness": None})
    assert v.verdict == "strong"
    assert [o.status for o in v.outcomes if o.rule == "export_competitive"] == ["not_applicable"]


def test_missing_data_is_reported_never_passed():
    # no import dependence: the weak rule cannot be assessed, so the node cannot be strong either
    v = evaluate({**STRONG, "import_dependence": None})
    assert v.verdict == "neutral"
    assert "import_dependent: needs import_dependence" in v.cannot_assess
    assert "self_sufficient: needs import_dependence" in v.cannot_assess
    # key core unknown with high import dependence: cannot assess that rule
    v = verdict(key_core=None, import_dependence=0.4)
    assert v.verdict == "neutral" and v.cannot_assess == ("key_core_import_dependent: needs key_core",)
    # a condition false with data decides the rule even when the other is missing
    v = verdict(key_core=None, import_dependence=0.1)
    assert v.cannot_assess == ()
    # a weak rule that fires wins over missing data elsewhere
    v = verdict(suppliers=1, import_dependence=None)
    assert v.verdict == "weak" and v.fired == ("few_suppliers",) and v.cannot_assess


def test_thresholds_are_data():
    r = default_rules()
    r["weak"][0]["when"][0]["value"] = 5
    assert evaluate({**BASE, "suppliers": 5}, r).fired == ("few_suppliers",)
    assert DEFAULT_RULES["weak"][0]["when"][0]["value"] == 2  # the default is untouched
    assert validate_rules(r) == r


def test_bad_rule_sets_are_located():
    r = default_rules()
    r["weak"][1]["when"][0]["op"] = "=>"
    r["strong"][0]["when"][0]["measure"] = "supplierz"
    r["strong"][1]["id"] = r["weak"][0]["id"]
    r["strong"][2]["when"][0]["value"] = "0.1"
    with pytest.raises(ValidationError) as e:
        validate_rules(r, source="my.json")
    cols = {p.column for p in e.value.problems}
    assert cols == {"weak[1].when[0].op", "strong[0].when[0].measure", "strong[1].id", "strong[2].when[0].value"}
    assert all(p.source == "my.json" for p in e.value.problems)
