"""Nowcasting core: the ragged edge, the models on data whose answer is known, the news identity."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.nowcast import ReleaseCalendar, models, pseudo_real_time
from induscope.core.nowcast import dfm
from induscope.errors import ModelError

IDX = pd.period_range("2000-01", periods=240, freq="M")


def _ar1(phi=0.6, n=240, seed=0, c=1.0):
    rng = np.random.default_rng(seed)
    y = np.zeros(n)
    y[0] = c / (1 - phi)
    for t in range(1, n):
        y[t] = c + phi * y[t - 1] + rng.normal(scale=0.5)
    return pd.Series(y, index=IDX[:n], name="y")


def test_months_behind_follows_the_publication_lag():
    cal = ReleaseCalendar({"fast": 5, "mid": 16, "slow": 40, "market": 0})
    assert cal.months_behind("fast", 10) == 0      # published on day 5 <= day 10
    assert cal.months_behind("mid", 10) == 1       # day 16 > day 10: the month before is the last
    assert cal.months_behind("mid", 16) == 0       # on its release day it is out
    assert cal.months_behind("slow", 10) == 1      # 40 days: last month's value is out by day 10 + 30.44
    assert cal.months_behind("slow", 5) == 2
    assert cal.months_behind("market", -3) == 1    # during the month the month itself is not out
    assert cal.months_behind("unknown", 0) == 1    # default 30 days


def test_vintage_hides_unpublished_values_and_the_future():
    panel = pd.DataFrame({"fast": np.arange(12.0), "mid": np.arange(12.0)}, index=IDX[:12])
    cal = ReleaseCalendar({"fast": 5, "mid": 16})
    T = IDX[8]
    v = cal.vintage(panel, T, 10)
    assert v.index[-1] == T
    assert v.loc[T, "fast"] == 8.0 and np.isnan(v.loc[T, "mid"])
    assert v.loc[IDX[7], "mid"] == 7.0
    assert panel.loc[T, "mid"] == 8.0  # the input is not changed


def test_ar_recovers_the_conditional_mean():
    y = _ar1()
    v = y.to_frame()
    T = IDX[-1]
    v.loc[T, "y"] = np.nan
    nc = models.autoregression(v, "y", T)
    expected = 1.0 + 0.6 * y.iloc[-2]
    assert nc.value == pytest.approx(expected, abs=0.25)
    assert nc.lower < nc.value < nc.upper
    assert nc.detail["horizon"] == 1


def test_ar_refuses_a_published_target():
    y = _ar1().to_frame()
    with pytest.raises(ModelError, match="already published"):
        models.autoregression(y, "y", IDX[-1])


def test_random_walk_is_the_last_published_value():
    y = _ar1().to_frame()
    T = IDX[-1]
    y.loc[T, "y"] = np.nan
    assert models.random_walk(y, "y", T).value == y.loc[IDX[-2], "y"]


def _coincident(seed=1, n=240):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 0.3 + 2.0 * x + rng.normal(scale=0.3, size=n)
    z = rng.normal(size=n)  # noise indicator
    return pd.DataFrame({"y": y, "x": x, "z": z}, index=IDX[:n])


def test_bridge_uses_the_coincident_indicator():
    panel = _coincident()
    T = IDX[-1]
    v = panel.copy()
    v.loc[T, "y"] = np.nan
    nc = models.bridge(v, "y", T)
    assert nc.value == pytest.approx(0.3 + 2.0 * panel.loc[T, "x"], abs=0.3)
    assert nc.detail["leading_indicators"].startswith("x:")
    assert nc.lower < panel.loc[T, "y"] < nc.upper


def test_calendar_companions_are_the_series_published_with_the_target():
    cal = ReleaseCalendar({"ip": 16, "ip_util": 16, "cu": 16, "hours": 5})
    assert cal.companions("ip", ["ip", "ip_util", "cu", "hours", "unlisted"]) == ["ip_util", "cu"]
    assert cal.companions("unlisted", ["ip", "cu"]) == []  # the default lag makes no companions


def test_bridge_companion_enters_at_the_targets_last_published_month():
    # y_T = 0.2 + x_T - 0.8 u_{T-1} + e, where u is published with y (its utilities sub-index, say):
    # at T only u_{T-1} is out, and the target's own lags do not carry it
    rng = np.random.default_rng(3)
    n = 240
    x, u = rng.normal(size=n), rng.normal(size=n)
    y = 0.2 + x - 0.8 * np.concatenate([[0.0], u[:-1]]) + rng.normal(scale=0.2, size=n)
    panel = pd.DataFrame({"y": y, "x": x, "u": u}, index=IDX[:n])
    T = IDX[-1]
    v = panel.copy()
    v.loc[T, ["y", "u"]] = np.nan
    expected = 0.2 + x[-1] - 0.8 * u[-2]
    with_u = models.bridge(v, "y", T, companions=["u"])
    without = models.bridge(v, "y", T)
    assert with_u.detail["companions"] == 1 and without.detail["companions"] == 0
    assert with_u.value == pytest.approx(expected, abs=0.3)
    assert abs(with_u.value - expected) < abs(without.value - expected)
    # a companion not published at the target's last month is left out, not an error
    v.loc[IDX[-2], "u"] = np.nan
    assert models.bridge(v, "y", T, companions=["u", "missing"]).detail["companions"] == 0


def test_anchors_are_not_shrunk():
    # under a penalty that shrinks everything, the plain bridge falls back on the mean, while the
    # anchored one keeps the anchor's OLS coefficient (and the history too, with anchor_history)
    panel = _coincident()
    T = IDX[-1]
    v = panel.copy()
    v.loc[T, "y"] = np.nan
    expected = 0.3 + 2.0 * panel.loc[T, "x"]
    plain = models.bridge(v, "y", T, penalties=(1e9,))
    anchored = models.bridge(v, "y", T, penalties=(1e9,), anchors=["x", "not_there"])
    assert abs(plain.value - v["y"].mean()) < 0.05
    assert anchored.value == pytest.approx(expected, abs=0.3)
    assert anchored.detail["anchors"] == "x" and anchored.detail["unpenalised"] == 1
    with_history = models.bridge(v, "y", T, penalties=(1e9,), anchors=["x"], anchor_history=True)
    assert with_history.detail["unpenalised"] == 3  # x and the target's two lags
    assert with_history.value == pytest.approx(expected, abs=0.3)
    assert with_history.lower < panel.loc[T, "y"] < with_history.upper


def test_pseudo_real_time_beats_the_benchmarks_when_an_indicator_is_timely():
    panel = _coincident()
    cal = ReleaseCalendar({"y": 16, "x": 5, "z": 5})
    ev = pseudo_real_time(panel, "y", cal, list(IDX[120:]),
                          {"ar": models.autoregression, "random_walk": models.random_walk,
                           "bridge": models.bridge}, info_day=10)
    s = ev.summary()
    assert s["months"] == 120
    assert s["rmse_ratio_vs_ar"]["bridge"] < 0.3
    assert 0.75 <= s["coverage_90"]["bridge"] <= 1.0


def test_pseudo_real_time_never_shows_a_model_the_future():
    panel = _coincident()
    cal = ReleaseCalendar({"y": 16, "x": 5, "z": 40})
    seen = []

    def spy(v, col, T):
        seen.append((T, v.index[-1], bool(np.isnan(v.loc[T, col])), bool(np.isnan(v.loc[T, "z"]))))
        return models.random_walk(v, col, T)

    pseudo_real_time(panel, "y", cal, list(IDX[200:210]), {"spy": spy}, info_day=10)
    assert all(last == T and y_hidden and z_hidden for T, last, y_hidden, z_hidden in seen)


def test_failures_are_reported_not_raised():
    panel = _coincident()
    cal = ReleaseCalendar({"y": 16, "x": 5, "z": 5})
    ev = pseudo_real_time(panel, "y", cal, [IDX[3]], {"ar": models.autoregression}, info_day=10)
    assert len(ev.frame) == 0 and len(ev.failures) == 1 and "short" in ev.failures.iloc[0]["reason"]


def test_dfm_news_adds_up_to_the_change_of_the_nowcast():
    rng = np.random.default_rng(0)
    n = 180
    f = np.zeros(n)
    for t in range(1, n):
        f[t] = 0.7 * f[t - 1] + rng.normal()
    X = pd.DataFrame({c: load * f + rng.normal(scale=0.5, size=n)
                      for c, load in zip("yabc", [1.0, 0.8, 1.2, -0.5])}, index=IDX[:n])
    T = IDX[n - 1]
    prev = X.copy()
    prev.loc[T, :] = np.nan
    cur = X.copy()
    cur.loc[T, "y"] = np.nan
    res = dfm.fit(prev)
    before, after = dfm.nowcast(res, prev, "y", T), dfm.nowcast(res, cur, "y", T)
    table = dfm.news(res, prev, cur, "y", T)
    assert set(table["series"]) == {"a", "b", "c"}
    assert table["impact"].sum() == pytest.approx(after.value - before.value, abs=1e-6)
    # the indicators carry the factor: the nowcast moves toward the outcome
    assert abs(after.value - X.loc[T, "y"]) < abs(before.value - X.loc[T, "y"]) + 0.5


def test_small_bridge_recovers_the_coefficients_and_needs_its_indicators():
    panel = _coincident()
    T = IDX[-1]
    v = panel.copy()
    v.loc[T, "y"] = np.nan
    nc = models.small_bridge(v, "y", T, ["x"])
    assert nc.value == pytest.approx(0.3 + 2.0 * panel.loc[T, "x"], abs=0.3)
    assert nc.lower < panel.loc[T, "y"] < nc.upper
    assert nc.detail["indicators"] == "x" and nc.detail["horizon"] == 1
    v.loc[T, "x"] = np.nan
    with pytest.raises(ModelError, match="not yet published"):
        models.small_bridge(v, "y", T, ["x"])
    with pytest.raises(ModelError, match="no series"):
        models.small_bridge(v, "y", T, ["w"])


def test_huber_small_bridge_is_not_pulled_by_outlier_months():
    panel = _coincident()
    # ten months where y collapses while x says nothing (a hurricane the indicator cannot see)
    bad = IDX[[20, 45, 70, 95, 120, 145, 170, 195, 210, 225]]
    panel.loc[bad, "y"] = -15.0
    panel.loc[bad, "x"] = 2.0
    T = IDX[-1]
    v = panel.copy()
    v.loc[T, "y"] = np.nan
    v.loc[T, "x"] = 1.0
    ols = models.small_bridge(v, "y", T, ["x"], ar_lags=0)
    huber = models.small_bridge(v, "y", T, ["x"], ar_lags=0, robust=True)
    truth = 0.3 + 2.0 * 1.0
    assert abs(huber.value - truth) < 0.2 < abs(ols.value - truth)
    assert huber.detail["robust"] is True


def test_combination_is_the_mean_with_a_conservative_interval():
    a = models.Nowcast("a", "2020-01", 1.0, 0.0, 2.0)
    b = models.Nowcast("b", "2020-01", 3.0, 1.0, 5.0)
    c = models.combine([a, b])
    assert c.value == pytest.approx(2.0) and c.detail["members"] == "a;b"
    half = (c.upper - c.lower) / 2
    assert half == pytest.approx(np.sqrt((1.0 ** 2 + 2.0 ** 2) / 2))
    with pytest.raises(ModelError, match="different months"):
        models.combine([a, models.Nowcast("b", "2020-02", 3.0, 1.0, 5.0)])
    with pytest.raises(ModelError, match="nothing"):
        models.combine([])


def test_combinations_after_the_loop_equal_running_them_in_it():
    from induscope.core.nowcast.evaluation import with_combinations

    panel = _coincident()
    cal = ReleaseCalendar({"y": 16, "x": 5, "z": 5})
    periods = list(IDX[200:212])
    fns = {"ar": models.autoregression, "bridge": models.bridge}
    ev = with_combinations(pseudo_real_time(panel, "y", cal, periods, fns, info_day=10),
                           {"both": ("ar", "bridge")})
    direct = pseudo_real_time(panel, "y", cal, periods, {"both": models.combination(fns)}, info_day=10)
    got = ev.frame[ev.frame["model"] == "both"].set_index("period")
    want = direct.frame.set_index("period")
    assert len(got) == 12
    np.testing.assert_allclose(got["nowcast"], want["nowcast"])
    np.testing.assert_allclose(got["upper"], want["upper"])
    # a window keeps its months only
    sub = ev.window(str(IDX[200]), str(IDX[205]))
    assert sub.summary()["months"] == 6


def test_fred_md_panel_derives_aggregate_hours_published_with_its_inputs():
    from induscope.core.nowcast.lags import fred_md_lags
    from induscope.core.nowcast.panels import fred_md_panel

    idx = pd.period_range("2000-01", periods=6, freq="M")
    emp = [100.0, 101.0, 102.0, np.nan, 103.0, 104.0]
    hours = [40.0, 40.4, 40.0, 40.0, 41.0, 41.0]
    data = pd.DataFrame({"INDPRO": np.linspace(90, 95, 6), "MANEMP": emp, "AWHMAN": hours}, index=idx)
    panel = fred_md_panel(data, pd.Series({"INDPRO": 5, "MANEMP": 5, "AWHMAN": 1}))
    want = 100 * np.log(101.0 * 40.4 / (100.0 * 40.0))
    assert panel.loc[idx[1], "HOURS_MAN"] == pytest.approx(want)
    # a missing input makes the product missing, never the other input alone
    assert np.isnan(panel.loc[idx[3], "HOURS_MAN"]) and np.isnan(panel.loc[idx[4], "HOURS_MAN"])
    lags = fred_md_lags({"INDPRO": 1, "MANEMP": 2, "AWHMAN": 2})
    assert lags["HOURS_MAN"] == lags["MANEMP"] == 5.0 and lags["INDPRO"] == 16.0
