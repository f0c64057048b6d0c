"""Every band boundary of every indicator of the 2022 tables (工信部企业〔2022〕63号 附件1 and 附件2):
at the boundary, just below and just above. The expected tables are written out here from
../shared/reference/official-rules.md §1.2-1.3, independently of the rule files, so a wrong edit of
the data fails these tests. Boundary values take the higher band (以上/以下含本数)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("sme_testkit", Path(__file__).with_name("sme_testkit.py"))
kit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kit)

EPS = 0.01

# (bands best first as (threshold, points), points below the last band), "higher is better"
HIGHER = {
    ("innovative", "inn2_rd_intensity"): ([(5, 20), (3, 15), (2, 10), (1, 5)], 0),
    ("innovative", "inn3_main_growth"): ([(15, 20), (10, 15), (5, 10), (0, 5)], 0),
    ("innovative", "inn6_main_share"): ([(70, 20), (60, 15), (55, 10), (50, 5)], 0),
    ("srdi", "s1_main_share"): ([(80, 5), (70, 3), (60, 1)], 0),
    ("srdi", "s2_main_growth_avg2"): ([(10, 10), (8, 8), (6, 6), (4, 4), (0, 2)], 0),
    ("srdi", "s7_net_margin"): ([(10, 10), (8, 8), (6, 6), (4, 4), (2, 2)], 0),
    ("srdi", "s12_rd_staff"): ([(20, 5), (10, 3), (5, 1)], 0),
}
# "lower is better" (debt ratio): value <= threshold
LOWER = {
    ("innovative", "inn4_debt_ratio"): ([(55, 10), (75, 5)], 0),
    ("srdi", "s8_debt_ratio"): ([(50, 5), (60, 3), (70, 1)], 0),
}


def _inputs(indicator: str, v: float) -> dict:
    """Base columns that give the indicator's quantity exactly ``v``."""
    if indicator == "inn2_rd_intensity":
        return {"revenue": 10000.0, "rd_expense": v * 100}
    if indicator == "inn3_main_growth":
        return {"main_revenue_prev1": 10000.0, "main_revenue": 10000.0 + v * 100, "revenue": 50000.0}
    if indicator in ("inn6_main_share", "s1_main_share"):
        return {"revenue": 10000.0, "main_revenue": v * 100}
    if indicator == "s2_main_growth_avg2":  # year before flat, last year 2v: the mean is v
        return {"main_revenue_prev2": 10000.0, "main_revenue_prev1": 10000.0, "main_revenue": 10000.0 + 2 * v * 100,
                "revenue": 50000.0}
    if indicator == "s7_net_margin":
        return {"revenue": 10000.0, "net_profit": v * 100}
    if indicator == "s12_rd_staff":
        return {"employees": 10000.0, "rd_staff": v * 100}
    if indicator in ("inn4_debt_ratio", "s8_debt_ratio"):
        return {"debt_ratio": v}
    raise KeyError(indicator)


def _cases(bands, other, higher: bool):
    """(value, expected points): at each threshold, just below and just above."""
    out = []
    for k, (thr, pts) in enumerate(bands):
        worse = bands[k + 1][1] if k + 1 < len(bands) else other
        better = bands[k - 1][1] if k > 0 else pts
        if higher:
            out += [(thr, pts), (thr - EPS, worse), (thr + EPS, pts if k == 0 or thr + EPS < bands[k - 1][0] else better)]
        else:
            out += [(thr, pts), (thr + EPS, worse), (thr - EPS, pts if k == 0 or thr - EPS > bands[k - 1][0] else better)]
    return out


@pytest.mark.parametrize("key", sorted(HIGHER) + sorted(LOWER), ids=lambda k: f"{k[0]}:{k[1]}")
def test_every_band_boundary(key):
    tier, indicator = key
    bands, other = (HIGHER | LOWER)[key]
    cases = _cases(bands, other, key in HIGHER)
    res = kit.run([_inputs(indicator, v) for v, _ in cases])
    got = kit.points(res, tier, indicator)
    for (v, want), g in zip(cases, got):
        assert g == want, f"{indicator} at {v}: expected {want} points, got {g}"


def test_negative_growth_scores_zero():
    res = kit.run([_inputs("inn3_main_growth", -0.01), _inputs("s2_main_growth_avg2", -0.01)])
    assert kit.points(res, "innovative", "inn3_main_growth")[0] == 0
    assert kit.points(res, "srdi", "s2_main_growth_avg2")[1] == 0


@pytest.mark.parametrize("level,innov,srdi", [
    ("class1_high_value", 20, 10), ("class1_own", 15, 8), ("class1", 10, 6), ("class2", 5, 2), ("none", 0, 0)])
def test_ip_levels(level, innov, srdi):
    res = kit.run([{"ip_level": level}])
    assert kit.points(res, "innovative", "inn1_ip")[0] == innov
    assert kit.points(res, "srdi", "s10_ip")[0] == srdi


@pytest.mark.parametrize("flag,pts", [(1.0, 10), (0.0, 5)])
def test_strategic_emerging_field(flag, pts):
    assert kit.points(kit.run([{"strategic_emerging": flag}]), "innovative", "inn5_domain")[0] == pts


@pytest.mark.parametrize("years,pts", [(0, 0), (1.99, 0), (2, 1), (2.01, 1), (3.99, 1), (4, 2), (5.99, 2), (6, 3),
                                       (7.99, 3), (8, 4), (9.99, 4), (10, 5), (10.01, 5), (30, 5)])
def test_niche_years_one_point_per_two_years(years, pts):
    assert kit.points(kit.run([{"niche_years": years}]), "srdi", "s3_niche_years")[0] == pts


@pytest.mark.parametrize("role,pts", [("breakthrough", 5), ("foundation", 3), ("none", 0)])
def test_chain_role(role, pts):
    assert kit.points(kit.run([{"chain_role": role}]), "srdi", "s4_chain_role")[0] == pts


@pytest.mark.parametrize("level,pts", [(0, 0), (1, 0), (2, 3), (3, 5), (4, 5)])
def test_digital_level(level, pts):
    assert kit.points(kit.run([{"digital_level": float(level)}]), "srdi", "s5_digital")[0] == pts


@pytest.mark.parametrize("items,pts", [(0, 0), (1, 3), (2, 5), (3, 5), (4, 5)])
def test_quality_items_three_points_each_at_most_five(items, pts):
    flags = {c: float(k < items) for k, c in enumerate(["quality_award", "quality_cert", "own_brand", "standards"])}
    assert kit.points(kit.run([flags]), "srdi", "s6_quality")[0] == pts


@pytest.mark.parametrize("inst,pts", [("national", 10), ("provincial", 8), ("city", 4), ("below_city", 2), ("none", 0)])
def test_rd_institution(inst, pts):
    assert kit.points(kit.run([{"rd_institution": inst}]), "srdi", "s13_institution")[0] == pts


AMOUNT = [(500, 10), (400, 8), (300, 6), (200, 4), (100, 2)]
RATIO = [(10, 10), (8, 8), (6, 6), (4, 4), (3, 2)]


def test_rd_amount_boundaries():
    """Indicator 11 by the amount (the ratio kept at 0.01-0.06%, below every ratio band)."""
    cases = []
    for k, (thr, pts) in enumerate(AMOUNT):
        worse = AMOUNT[k + 1][1] if k + 1 < len(AMOUNT) else 0
        cases += [(thr, pts), (thr - EPS, worse), (thr + EPS, pts)]
    res = kit.run([{"revenue": 1_000_000.0, "main_revenue": 900_000.0, "rd_expense": a} for a, _ in cases])
    for (a, want), g in zip(cases, kit.points(res, "srdi", "s11_rd")):
        assert g == want, f"R&D {a} 万元: expected {want}, got {g}"


def test_rd_ratio_boundaries():
    """Indicator 11 by the ratio (revenue 100 万元: the amount stays below 100 万元)."""
    cases = []
    for k, (thr, pts) in enumerate(RATIO):
        worse = RATIO[k + 1][1] if k + 1 < len(RATIO) else 0
        cases += [(thr, pts), (thr - EPS, worse), (thr + EPS, pts)]
    rows = [{"revenue": 100.0, "main_revenue": 90.0, "rd_expense": r, "net_profit": 5.0, "employees": 10.0,
             "rd_staff": 2.0} for r, _ in cases]
    for (r, want), g in zip(cases, kit.points(kit.run(rows), "srdi", "s11_rd")):
        assert g == want, f"R&D intensity {r}%: expected {want}, got {g}"


def test_rd_either_takes_the_higher():
    # 250 万元 (4 points) and 8.5% (8 points) -> 8
    res = kit.run([{"revenue": 250 / 0.085, "rd_expense": 250.0, "main_revenue": 2000.0}])
    assert kit.points(res, "srdi", "s11_rd")[0] == 8


@pytest.mark.parametrize("score", [0.0, 7.5, 15.0])
def test_local_score_is_taken_as_given(score):
    assert kit.points(kit.run([{"local_score": score}]), "srdi", "s9_local")[0] == score


def test_float_noise_stays_on_the_boundary():
    """3/100 of revenue in floating point is 2.9999999999999996%: it must still score the 3% band."""
    res = kit.run([{"revenue": 100.0 / 3, "rd_expense": 1.0, "main_revenue": 30.0}])
    assert kit.points(res, "innovative", "inn2_rd_intensity")[0] == 15


def test_points_tables_add_up():
    from induscope.core.sme import ruleset

    for tier in ruleset("2022-63")["tiers"]:
        sc = tier.get("score")
        if sc:
            assert sum(i["max"] for i in sc["indicators"]) == sc["max"] == 100
            for c in sc["classes"]:
                assert sum(i["max"] for i in sc["indicators"] if i["class"] == c["id"]) == c["max"]
