import numpy as np
import pandas as pd
import pytest

from induscope.core.warning import (Level, MonitoredSeries, RobustAnomaly, Signal, combined_levels, composite_index,
                                    corroborate, counts_by_year, diffusion_index, episodes, evaluate, robust_z,
                                    seasonal_mom_z)
from induscope.errors import ModelError


def _months(n, start=2015):
    return [f"{start + k // 12}-{k % 12 + 1:02d}" for k in range(n)]


def test_robust_z_uses_only_the_past_and_floors_the_scale():
    x = pd.Series([5.0] * 20 + [2.0])
    sc = robust_z(x, window=12, min_periods=6, min_scale=1.0)
    assert sc["z"].iloc[-1] == pytest.approx(-3.0)  # MAD is 0: the floor (1 point) is the scale
    assert np.isnan(sc["z"].iloc[3])  # not enough history yet
    y = x.copy()
    y.iloc[-1] = 100.0  # changing the last value does not change earlier scores (no look-ahead)
    assert robust_z(y, 12, 6, 1.0)["z"].iloc[:-1].equals(sc["z"].iloc[:-1])


def test_seasonal_scores_ignore_a_regular_seasonal_dip():
    rng = np.random.default_rng(0)
    season = np.tile([0.8, 0.8, 1.0, 1.0, 1.0, 1.05, 1.0, 1.0, 1.0, 1.0, 1.05, 1.2], 6)
    lv = pd.Series(100 * season * np.exp(rng.normal(0, 0.01, 72)), index=_months(72))
    sc = seasonal_mom_z(lv, min_scale=1.0)
    assert sc["z"].abs().max() < 4  # January's regular fall is no anomaly
    lv.iloc[-3] *= 0.6  # a real collapse in October of the last year
    rule = RobustAnomaly(kind="seasonal_mom", min_scale=1.0)
    sig = rule.evaluate("e", "output", lv)
    assert any(s.period == lv.index[-3] and s.level >= Level.ORANGE for s in sig)
    sig_yoy = RobustAnomaly(kind="yoy", window=24, min_periods=6, min_scale=5.0).evaluate("e", "output", lv)
    assert any(s.period == lv.index[-3] for s in sig_yoy)


def _sig(subject, period, family, level, rule="r"):
    return Signal(subject, "g", rule + family, family, period, level, "why", {"value": 1.0})


def test_corroboration_raises_both_families_by_one_level():
    sigs = [_sig("s", "2022-04", "rule", Level.ORANGE), _sig("s", "2022-04", "statistical", Level.YELLOW),
            _sig("s", "2022-05", "rule", Level.ORANGE), _sig("t", "2022-04", "statistical", Level.BLUE)]
    out = {(s.subject, s.period, s.family): s for s in corroborate(sigs)}
    assert out[("s", "2022-04", "rule")].level is Level.RED
    assert out[("s", "2022-04", "statistical")].level is Level.ORANGE
    assert out[("s", "2022-04", "rule")].numbers["corroborated_by"] == ["rstatistical"]
    assert out[("s", "2022-05", "rule")].level is Level.ORANGE
    assert out[("t", "2022-04", "statistical")].level is Level.BLUE


def test_episodes_group_consecutive_firings_and_bridge_the_january_gap():
    sigs = [_sig("s", p, "rule", lv) for p, lv in
            (("2022-11", Level.BLUE), ("2022-12", Level.YELLOW), ("2023-02", Level.BLUE), ("2023-06", Level.RED))]
    eps = episodes(sigs)
    assert [(e.start_period, e.last_period, e.n_firings) for e in eps] == [("2022-11", "2023-02", 3),
                                                                          ("2023-06", "2023-06", 1)]
    assert eps[0].peak_level is Level.YELLOW and eps[0].level is Level.BLUE and eps[0].peak_period == "2022-12"
    c = counts_by_year(eps, years=range(2021, 2024)).set_index("year")
    assert c.loc[2021, "total"] == 0 and c.loc[2022, "yellow"] == 1 and c.loc[2023, "red"] == 1
    cl = combined_levels(sigs)
    assert cl.set_index("period").loc["2023-06", "level"] == "red"


def test_evaluate_runs_every_rule_on_every_series():
    s = pd.Series([5.0] * 30 + [-20.0], index=_months(31))
    ms = MonitoredSeries("x", "g", s, (RobustAnomaly(min_scale=1.0),))
    sig = evaluate([ms])
    assert len(sig) == 1 and sig[0].level is Level.RED and sig[0].period == s.index[-1]


def test_diffusion_and_composite_index():
    f = pd.DataFrame({"a": [1.0, -1.0, 2.0, 0.0], "b": [2.0, 3.0, -1.0, 0.0]})
    di = diffusion_index(f)
    assert list(di) == [100.0, 50.0, 50.0, 50.0]
    rising = diffusion_index(f, "rising")
    assert np.isnan(rising.iloc[0]) and rising.iloc[1] == 50.0
    ci = composite_index(f)
    assert ci.mean() == pytest.approx(100.0)
    assert composite_index(f * 10).round(9).equals(ci.round(9))  # scale-free
    with pytest.raises(ModelError):
        composite_index(pd.DataFrame({"flat": [1.0, 1.0]}))
