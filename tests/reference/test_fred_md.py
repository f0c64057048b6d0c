"""FRED-MD (vintage 2025-02): apply the transformation codes to US industrial production (INDPRO and
its market groups) and run the early warnings. The 2008-09 recession and April 2020 are flagged; calm
years are not. Calm years are fixed in advance: expansion years at least a year away from an NBER
recession, leaving out the 2015-16 industrial (oil) downturn: 1993-99, 2004-06, 2011-14, 2017-18.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from induscope.core.indicators import fred_transform
from induscope.core.warning import Level, MonitoredSeries, fred_ip_rules
from induscope.services.monitoring import backtest

IP = ["INDPRO", "IPFPNSS", "IPFINAL", "IPCONGD", "IPDCONGD", "IPNCONGD", "IPBUSEQ", "IPMAT", "IPDMAT", "IPNMAT",
      "IPMANSICS", "IPB51222S", "IPFUELS"]
#: residential utilities follow the weather, not the business cycle (their output rose in April 2020)
CYCLICAL_GROUPS = [c for c in IP if c not in ("INDPRO", "IPB51222S")]
CALM_YEARS = [*range(1993, 2000), 2004, 2005, 2006, *range(2011, 2015), 2017, 2018]


def load_fred(shared_data: Path) -> tuple[pd.DataFrame, pd.Series]:
    raw = pd.read_csv(shared_data / "us_fred_md" / "fred_md_current_2025-02.csv")
    assert raw.iloc[0, 0] == "Transform:"
    tcodes = raw.iloc[0, 1:].astype(float).astype(int)
    data = raw.iloc[1:].copy()
    data.index = pd.to_datetime(data["sasdate"], format="%m/%d/%Y").dt.strftime("%Y-%m")
    return data.drop(columns="sasdate").astype(float), tcodes


def fred_backtest(shared_data: Path, code: str) -> dict:
    data, tcodes = load_fred(shared_data)
    x = data[code].dropna()
    rules = fred_ip_rules()
    transformed = fred_transform(x, int(tcodes[code]), scale=100.0).dropna()
    change_12m = (100.0 * (np.log(x) - np.log(x.shift(12)))).dropna()
    return backtest([MonitoredSeries(code, "tcode", transformed, rules["tcode"]),
                     MonitoredSeries(code, "change_12m", change_12m, rules["change_12m"])],
                    years=range(1960, 2026))


@pytest.fixture(scope="module")
def results(shared_data):
    return {c: fred_backtest(shared_data, c) for c in IP}


def test_transformation_codes_match_the_appendix(shared_data):
    _, tcodes = load_fred(shared_data)
    app = pd.read_csv(shared_data / "us_fred_md" / "FRED-MD_updated_appendix.csv", encoding="latin-1")
    app_codes = {str(f).upper(): int(t) for f, t in zip(app["fred"], app["tcode"])}
    for c in IP + ["CUMFNS"]:
        assert tcodes[c] == app_codes[c.upper()], c
    assert all(tcodes[c] == 5 for c in IP) and tcodes["CUMFNS"] == 2


def test_tcode_5_is_monthly_log_growth(shared_data):
    data, _ = load_fred(shared_data)
    g = fred_transform(data["INDPRO"], 5, 100.0)
    assert g["2020-04"] == pytest.approx(100 * np.log(data.loc["2020-04", "INDPRO"] / data.loc["2020-03", "INDPRO"]))
    assert g["2020-04"] < -13


def _max_level(res: dict, lo: str, hi: str) -> int:
    cl = res["combined"]
    sel = cl[(cl["period"] >= lo) & (cl["period"] <= hi)]
    return int(sel["level_rank"].max()) if len(sel) else 0


def test_indpro_flags_the_great_recession_and_april_2020_red(results):
    assert _max_level(results["INDPRO"], "2008-01", "2009-06") == Level.RED
    assert _max_level(results["INDPRO"], "2020-04", "2020-04") == Level.RED


def test_indpro_is_quiet_in_calm_years(results):
    c = results["INDPRO"]["counts"].set_index("year").loc[CALM_YEARS]
    assert (c["yellow"] + c["orange"] + c["red"]).sum() == 0
    assert c["total"].sum() <= 1  # one blue: September 2005 (hurricanes Katrina and Rita)


def test_cyclical_market_groups_flag_both_recessions(results):
    recession = {c: _max_level(results[c], "2008-01", "2009-06") for c in CYCLICAL_GROUPS}
    covid = {c: _max_level(results[c], "2020-04", "2020-04") for c in CYCLICAL_GROUPS}
    assert all(v >= Level.YELLOW for v in recession.values()), recession
    assert sum(v >= Level.ORANGE for v in recession.values()) >= 10, recession
    assert all(v == Level.RED for v in covid.values()), covid


def test_false_alarm_rate_of_market_groups_in_calm_years(results):
    n_series_years = len(CYCLICAL_GROUPS) * len(CALM_YEARS)
    tot = sum(results[c]["counts"].set_index("year").loc[CALM_YEARS, "total"].sum() for c in CYCLICAL_GROUPS)
    serious = sum(results[c]["counts"].set_index("year").loc[CALM_YEARS, ["yellow", "orange", "red"]].to_numpy().sum()
                  for c in CYCLICAL_GROUPS)
    # measured: 59 alerts (20 yellow or worse) in 220 series-years
    assert tot / n_series_years <= 0.35
    assert serious / n_series_years <= 0.12
