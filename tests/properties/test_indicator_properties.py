"""Properties of the NBS formulas (Hypothesis):
- contribution rates of exhaustive parts sum to 100% and pulls to the growth of the whole;
- pull = base share x growth of the part = growth of the whole x contribution;
- aggregating levels and then computing growth equals computing growth from children's rates
  weighted by base-period levels (YoY and YTD, over a two-level hierarchy);
- YTD from rates with base-level weights equals YTD from levels.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from induscope.core.indicators import (ContributionModel, Hierarchy, aggregate_growth, aggregate_levels, yoy, ytd,
                                       ytd_from_rates)

level = st.floats(min_value=0.5, max_value=1e4, allow_nan=False, allow_infinity=False)
rate = st.floats(min_value=-60.0, max_value=80.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(level, rate), min_size=1, max_size=12))
def test_contributions_sum_to_100_and_pulls_to_total_growth(parts):
    Y0 = pd.Series({f"p{k}": y for k, (y, _) in enumerate(parts)})
    Y1 = pd.Series({f"p{k}": y * (1 + g / 100) for k, (y, g) in enumerate(parts)})
    r = ContributionModel(Y0, Y1).run()
    assert r.pull.sum() == pytest.approx(r.g_whole, abs=1e-9 * max(1.0, abs(r.g_whole)))
    assert np.allclose(r.pull, r.s0 * r.g / 100)
    dW = (Y1 - Y0).sum()
    assume(abs(dW) > 1e-6 * Y0.sum())  # a whole that did not move has no contribution rates
    assert r.contribution.sum() == pytest.approx(100.0, rel=1e-6)
    assert np.allclose(r.pull, r.g_whole * r.contribution / 100, rtol=1e-7, atol=1e-9)


@st.composite
def panels(draw):
    n_children = draw(st.integers(2, 8))
    n_parents = draw(st.integers(1, min(3, n_children)))
    parent = {f"c{k}": f"P{draw(st.integers(0, n_parents - 1))}" for k in range(n_children)}
    months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
    data = {c: [draw(level) for _ in months] for c in parent}
    return pd.DataFrame(data, index=months), parent


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels())
def test_aggregating_then_growth_equals_weighted_growth_of_children(panel):
    levels, parent = panel
    h = Hierarchy([parent, {p: "TOTAL" for p in set(parent.values())}])
    for mapping in (h.rollup(1), h.rollup(2)):
        agg = aggregate_levels(levels, mapping)
        for measure in (yoy, ytd):
            direct = {p: measure(agg[p]) for p in agg.columns}
            child = {c: measure(levels[c]) for c in levels.columns}
            # base-period weights: the same period(s) a year earlier, January-February merged
            w0 = {}
            for c in levels.columns:
                lv = levels[c]
                if measure is yoy:
                    w0[c] = {"2023-02": lv["2022-01"] + lv["2022-02"], **{f"2023-{m:02d}": lv[f"2022-{m:02d}"]
                                                                           for m in range(3, 13)}}
                else:
                    w0[c] = {f"2023-{m:02d}": lv[[f"2022-{k:02d}" for k in range(1, m + 1)]].sum()
                             for m in range(2, 13)}
            for period in child[levels.columns[0]].periods:
                g = {c: child[c][period] for c in levels.columns}
                w = {c: w0[c][period] for c in levels.columns}
                via_rates = aggregate_growth(g, w, mapping)
                for p in agg.columns:
                    assert via_rates[p] == pytest.approx(direct[p][period], rel=1e-9, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(level, min_size=22, max_size=22))
def test_ytd_from_rates_with_level_weights_equals_ytd_of_levels(vals):
    months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(2, 13)]  # Jan-Feb merged already
    lv = pd.Series(vals, index=months)
    rates = yoy(lv).values  # January missing: February holds January-February (the NBS convention)
    w = lv[[p for p in months if p.startswith("2022")]]
    a = ytd_from_rates(rates, w)
    b = ytd(lv)
    assert a.periods == b.periods == [p for p in months if p.startswith("2023")]
    for p in a.periods:
        assert a[p] == pytest.approx(b[p], rel=1e-9, abs=1e-9)
