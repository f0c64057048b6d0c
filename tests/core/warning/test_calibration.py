"""Alert levels scaled to each series' own noise: a dip within a series' normal noise is not orange,
the same dip on a quiet series is; persistence and material slumps escalate; the headline keeps its
own behaviour where the data is headline-like."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.warning import (Level, MonitoredSeries, NoiseScaled, Slump, contraction, corroborate, evaluate,
                                    growth_yoy_rules, implied_rates, noise_cap, noise_z)


def _months(n, start=2015):
    return [f"{start + k // 12}-{k % 12 + 1:02d}" for k in range(n)]


def _growth(sd, n=48, trend=2.0, seed=0):
    rng = np.random.default_rng(seed)
    return pd.Series(trend + rng.normal(0, sd, n), index=_months(n))


def _top(series, period):
    sig = corroborate(evaluate([MonitoredSeries("s", "g", series, growth_yoy_rules())]))
    lv = [s.level for s in sig if s.period == period]
    return max(lv) if lv else None


def test_a_dip_within_the_series_noise_is_not_orange_the_same_dip_on_a_quiet_series_is():
    noisy = _growth(2.5, seed=1)
    quiet = _growth(0.3, seed=1)
    for s in (noisy, quiet):
        s.iloc[-1] = -1.5  # the same single-month dip below zero
    p = noisy.index[-1]
    assert _top(noisy, p) is not None and _top(noisy, p) <= Level.YELLOW
    assert _top(quiet, p) >= Level.ORANGE
    rule = NoiseScaled(inner=contraction(), kind="yoy")
    (sig,) = [s for s in rule.evaluate("s", "g", noisy) if s.period == p]
    assert sig.numbers["level_before_noise_scaling"] == "orange" and sig.numbers["noise_z"] < 2.5


def test_persistence_escalates_where_a_single_month_would_not():
    s = _growth(1.0, seed=3, trend=3.0)
    z1 = noise_z(s)
    assert noise_cap(3.0, None) == Level.YELLOW and noise_cap(3.0, 3.0) == Level.ORANGE
    assert noise_cap(3.6, 3.6) == Level.RED and noise_cap(1.0, 4.0) == Level.BLUE
    assert noise_cap(float("nan"), None) is None  # too little history: the rule's own level stands
    assert z1.iloc[:12].isna().all()  # no look-ahead, no scale before 12 periods of history


def test_a_material_slump_is_orange_even_without_a_contraction():
    s = _growth(1.0, n=48, trend=10.0, seed=4)
    s.iloc[-2:] = [2.0, 1.5]  # 8 points below its normal for two months, still growing
    sig = Slump().evaluate("s", "g", s)
    assert {x.period for x in sig} >= {s.index[-2], s.index[-1]}
    assert max(x.level for x in sig) >= Level.ORANGE
    assert not [x for x in Slump().evaluate("s", "g", _growth(1.0, n=48, trend=10.0, seed=4))]
    small = _growth(0.2, n=48, trend=6.0, seed=5)
    small.iloc[-1] = 3.0  # far out of its (tiny) noise, but only 3 points: not material for orange
    assert not Slump().evaluate("s", "g", small)


def test_implied_rates_of_year_to_date_growth():
    ytd = pd.Series({"2024-02": 4.0, "2024-03": 5.0, "2024-04": 5.0, "2025-02": 3.0})
    r = implied_rates(ytd)
    assert r["2024-02"] == 4.0 and r["2024-03"] == pytest.approx(7.0) and r["2024-04"] == pytest.approx(5.0)
    assert r["2025-02"] == 3.0


def test_the_headline_keeps_its_levels_when_the_fall_is_large_for_it():
    s = _growth(0.5, n=48, trend=6.0, seed=6)
    s.iloc[-1] = -2.9
    assert _top(s, s.index[-1]) == Level.RED  # contraction orange, corroborated by the statistical rules
