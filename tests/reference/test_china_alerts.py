"""China's monthly industrial value added 2008-2025 and the official PMI (NBS, mirrored by AKShare).

1. Year-to-date logic: NBS publishes YTD growth as the ratio of cumulative levels, but publishes no
   monthly levels, and its growth rates are comparable-sample rates. We reconstruct last year's monthly
   levels by chaining the published monthly YoY rates (January-February merged: its rate is the YTD
   rate published for February) from a flat profile in 2007 (every month 1, January-February 2), and
   derive YTD = sum w (1 + g) / sum w - 1. Measured agreement (see docs/monitoring.md): outside
   2020-2021 mean |error| 0.09 points, max 0.36; in 2020-2021 up to 2.6 points, because the 2020
   comparable-sample rates are not consistent with any one set of levels (the January-February
   collapse changed the sample and the weights). An arithmetic average of the monthly rates is
   clearly worse outside 2020-2021 (mean 0.20, max 0.97).
2. Alerts: red for January-February 2020 (-13.5% YTD) and April 2022 (-2.9% YoY), quiet in calm years;
   the per-year counts (computed here, so pinned in tests/regression/test_china_alert_counts.py) are
   written in docs/monitoring.md.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from induscope.core.indicators import chain_levels, ytd_from_rates
from induscope.core.indicators.periods import canonical
from induscope.core.warning import MonitoredSeries, growth_ytd_rules, growth_yoy_rules, pmi_preset
from induscope.services.monitoring import backtest

YEARS = range(2008, 2026)
#: years without a recognised shock (2008-09 global crisis, 2020-22 pandemic; 2025 is partial)
CALM_YEARS = [*range(2010, 2020), 2023, 2024]
JAN_FEB_MONTHS = 2.0  # flat profile: January-February weighs two months


def load_iva(shared_data: Path) -> pd.DataFrame:
    f = pd.read_csv(shared_data / "china_macro" / "macro_china_gyzjz_df.csv", encoding="utf-8-sig")
    f.columns = ["month", "yoy", "ytd", "released"]
    f["period"] = f["month"].map(canonical)
    f = f.set_index("period")
    # the merged January-February rate is what NBS publishes as the February YTD rate (the February
    # YoY column is empty since 2015 and held February alone in 2009-2012)
    f["rate"] = f["yoy"]
    feb = [p for p in f.index if p.endswith("-02")]
    f.loc[feb, "rate"] = f.loc[feb, "ytd"]
    return f


def load_pmi(shared_data: Path) -> pd.Series:
    f = pd.read_csv(shared_data / "china_macro" / "macro_china_pmi_df.csv", encoding="utf-8-sig")
    s = pd.Series(f.iloc[:, 1].astype(float).to_numpy(), index=f.iloc[:, 0].map(canonical))
    return s.sort_index()


def derive_ytd(iva: pd.DataFrame, jan_feb_months: float = JAN_FEB_MONTHS) -> pd.DataFrame:
    start = pd.Series({f"2007-{m:02d}": (jan_feb_months if m == 2 else 1.0) for m in range(2, 13)})
    levels = chain_levels(iva["rate"], start)
    rows = []
    for y in YEARS:
        rates = iva.loc[[p for p in iva.index if p.startswith(f"{y}-")], "rate"]
        w = levels[[p for p in levels.index if p.startswith(f"{y - 1}-")]]
        d = ytd_from_rates(rates, w)
        rows += [(y, p, d[p], iva.loc[p, "ytd"]) for p in d.periods if not p.endswith("-02")]
    out = pd.DataFrame(rows, columns=["year", "period", "derived", "published"])
    out["error"] = out["derived"] - out["published"]
    return out


def china_backtest(shared_data: Path) -> dict:
    iva = load_iva(shared_data)
    s = "series:CN.industry"
    series = [MonitoredSeries(s, "value_added.growth_yoy", iva["rate"], growth_yoy_rules()),
              MonitoredSeries(s, "value_added.growth_ytd", iva["ytd"], growth_ytd_rules()),
              MonitoredSeries(s, "pmi_manufacturing", load_pmi(shared_data), pmi_preset())]
    return backtest(series, years=YEARS)


@pytest.fixture(scope="module")
def iva(shared_data):
    return load_iva(shared_data)


@pytest.fixture(scope="module")
def result(shared_data):
    return china_backtest(shared_data)


def test_the_data_is_what_we_expect(iva):
    assert iva.index[0] == "2008-02" and iva.index[-1] == "2025-04"
    assert iva.loc["2020-02", "ytd"] == -13.5 and iva.loc["2022-04", "yoy"] == -2.9
    assert not any(p.endswith("-01") for p in iva.index)  # January is never published alone


def test_ytd_derived_from_monthly_rates_agrees_with_published_ytd(iva):
    d = derive_ytd(iva)
    assert len(d) == 172
    normal = d[~d["year"].isin([2020, 2021])]
    err = normal["error"].abs()
    assert err.mean() <= 0.12
    assert err.max() <= 0.40
    assert (err <= 0.30).mean() >= 0.95
    # 2020-2021: comparable-sample rates, collapsed base: the reconstruction is off by up to ~2.6 points
    assert d.loc[d["year"].isin([2020, 2021]), "error"].abs().max() <= 3.0


def test_averaging_monthly_rates_is_worse_than_weighting_by_levels(iva):
    d = derive_ytd(iva)
    naive = []
    for y in YEARS:
        r = iva.loc[[p for p in iva.index if p.startswith(f"{y}-")], "rate"]
        naive += [(y, r.iloc[:i + 1].mean() - iva.loc[p, "ytd"]) for i, p in enumerate(r.index)
                  if not p.endswith("-02")]
    naive = pd.DataFrame(naive, columns=["year", "error"])
    normal = ~naive["year"].isin([2020, 2021])
    assert naive.loc[normal, "error"].abs().mean() > 1.5 * d.loc[~d["year"].isin([2020, 2021]), "error"].abs().mean()


@pytest.mark.parametrize("period", ["2020-02", "2022-04"])
def test_red_in_jan_feb_2020_and_april_2022(result, period):
    cl = result["combined"].set_index("period")
    assert cl.loc[period, "level"] == "red"


def test_why_april_2022_is_red(result):
    sig = [s for s in result["signals"] if s.period == "2022-04" and s.indicator == "value_added.growth_yoy"]
    by_rule = {s.rule_id: s for s in sig}
    c = by_rule["contraction"]
    assert c.numbers["value"] == -2.9 and c.numbers["level_before_corroboration"] == "orange"
    assert "robust_z_yoy" in c.numbers["corroborated_by"]
    assert by_rule["robust_z_yoy"].numbers["z"] < -4


def test_calm_years_stay_quiet(result):
    c = result["counts"].set_index("year")
    calm = c.loc[CALM_YEARS]
    assert (calm["orange"] + calm["red"]).sum() == 0
    assert calm["total"].max() <= 2
    assert c.loc[2020, "red"] >= 3

