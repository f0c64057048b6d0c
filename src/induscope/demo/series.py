"""Synthetic monthly industrial statistics: 31 provinces x 41 industrial divisions, 2015-2025.

Levels of value added at constant prices follow a trend close to China's published path, with
Spring-Festival seasonality, persistent noise and a few injected shocks (below). They are published the
NBS way: January is not released on its own (the February row holds January-February together), and
growth is released as year-on-year and year-to-date percentages. The last year is released twice: a
first release and an annual revision (a second data vintage).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

YEARS = range(2015, 2026)
#: national real growth of industrial value added by year (%), close to the published path
TREND_GROWTH = {2015: 6.1, 2016: 6.0, 2017: 6.6, 2018: 6.2, 2019: 5.7, 2020: 2.8, 2021: 9.6,
                2022: 3.6, 2023: 4.6, 2024: 5.8, 2025: 5.9}
#: month factors (January and February low around the Spring Festival, December high)
SEASON = np.array([0.80, 0.78, 1.00, 0.97, 1.00, 1.06, 0.99, 0.99, 1.03, 1.00, 1.05, 1.15])

# relative size of each industrial division (value added), rough shape of China's industry
_DIVISION_SIZE = {"06": 3.0, "07": 1.5, "08": 0.6, "09": 0.5, "10": 0.6, "11": 0.3, "12": 0.05,
                  "13": 3.5, "14": 1.6, "15": 1.5, "16": 1.8, "17": 2.2, "18": 1.5, "19": 1.0, "20": 0.9,
                  "21": 0.7, "22": 1.1, "23": 0.6, "24": 1.0, "25": 2.0, "26": 6.5, "27": 2.8, "28": 0.8,
                  "29": 2.6, "30": 5.5, "31": 5.0, "32": 3.5, "33": 3.0, "34": 4.2, "35": 3.2, "36": 7.0,
                  "37": 1.5, "38": 6.5, "39": 9.0, "40": 0.9, "41": 0.3, "42": 0.5, "43": 0.2, "44": 6.0,
                  "45": 0.8, "46": 0.6}
# trend growth gap of some divisions to the national trend (percentage points per year)
_DIVISION_GAP = {"39": 3.5, "38": 3.0, "27": 2.0, "37": 2.5, "40": 2.0, "36": 1.5, "06": -2.0, "31": -2.5,
                 "17": -2.0, "18": -3.0, "19": -2.5, "12": -3.0, "44": 0.5}
# rough share of each province in national industrial value added (percent)
_REGION_SIZE = {"110000": 1.4, "120000": 1.6, "130000": 3.4, "140000": 2.5, "150000": 2.4, "210000": 2.6,
                "220000": 1.2, "230000": 1.0, "310000": 3.0, "320000": 11.0, "330000": 6.7, "340000": 3.5,
                "350000": 4.8, "360000": 2.8, "370000": 7.5, "410000": 4.9, "420000": 4.4, "430000": 3.4,
                "440000": 11.5, "450000": 1.6, "460000": 0.2, "500000": 1.8, "510000": 3.9, "520000": 1.4,
                "530000": 1.5, "540000": 0.05, "610000": 2.8, "620000": 0.6, "630000": 0.3, "640000": 0.45,
                "650000": 1.3}


@dataclass(frozen=True)
class Shock:
    """An injected (synthetic) shock: a multiplicative dip in levels."""

    name: str
    regions: tuple[str, ...] | None  # None = all
    divisions: tuple[str, ...] | None  # None = all
    months: dict[str, float]  # 'YYYY-MM' -> relative change of the level (e.g. -0.25)


SHOCKS = (
    Shock("pandemic 2020 (all regions)", None, None,
          {"2020-01": -0.20, "2020-02": -0.30, "2020-03": -0.09, "2020-04": -0.02}),
    Shock("pandemic 2020 (Hubei, deeper)", ("420000",), None,
          {"2020-01": -0.30, "2020-02": -0.55, "2020-03": -0.45, "2020-04": -0.15, "2020-05": -0.05}),
    Shock("lockdown 2022 (Shanghai)", ("310000",), None, {"2022-04": -0.62, "2022-05": -0.28, "2022-06": -0.05}),
    Shock("lockdown 2022 (Jilin)", ("220000",), None, {"2022-03": -0.15, "2022-04": -0.38, "2022-05": -0.10}),
    Shock("lockdown 2022 (spill-over, all regions)", None, None, {"2022-04": -0.06, "2022-05": -0.02}),
    Shock("flood 2021 (Henan)", ("410000",), None, {"2021-07": -0.06, "2021-08": -0.09}),
    Shock("export restriction 2024 (electronics)", None, ("39",), {"2024-09": -0.10, "2024-10": -0.14,
                                                                   "2024-11": -0.07}),
)


def monthly_levels(seed: int = 20251) -> tuple[pd.DataFrame, np.ndarray, list[str], list[str], list[str]]:
    """True monthly levels (100 million CNY, constant 2020 prices) as an array [region, division, month]."""
    from .. import reference

    regions = reference.provinces()["code"].tolist()
    divisions = reference.industrial_divisions()
    months = [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)]
    rng = np.random.default_rng(seed)
    R, D, T = len(regions), len(divisions), len(months)
    size_r = np.array([_REGION_SIZE[r] for r in regions]) / 100.0
    size_d = np.array([_DIVISION_SIZE[d] for d in divisions])
    size_d = size_d / size_d.sum()
    specialisation = rng.lognormal(0.0, 0.6, size=(R, D))
    # monthly value added of industry in 2015 ~ 20,000 (100 million CNY) a month
    base = 20_000.0 * size_r[:, None] * size_d[None, :] * specialisation
    base *= 20_000.0 / base.sum()
    gap_d = np.array([_DIVISION_GAP.get(d, 0.0) for d in divisions])
    gap_r = rng.normal(0.0, 1.2, size=R)
    # log growth per month: national trend + division and region gaps, spread evenly over the year
    g_year = np.array([TREND_GROWTH[int(m[:4])] for m in months]) / 100.0
    log_g = np.log1p(g_year[None, None, :] + (gap_d[None, :, None] + gap_r[:, None, None]) / 100.0) / 12.0
    log_trend = np.cumsum(log_g, axis=2) - log_g[:, :, :1]
    # persistent (AR(1)) noise per series
    eps = rng.normal(0.0, 0.015, size=(R, D, T))
    noise = np.empty_like(eps)
    noise[:, :, 0] = eps[:, :, 0]
    for t in range(1, T):
        noise[:, :, t] = 0.6 * noise[:, :, t - 1] + eps[:, :, t]
    season = SEASON[np.arange(T) % 12]
    level = base[:, :, None] * np.exp(log_trend + noise) * season[None, None, :]
    month_index = {m: k for k, m in enumerate(months)}
    for s in SHOCKS:
        ri = [regions.index(r) for r in s.regions] if s.regions else slice(None)
        di = [divisions.index(d) for d in s.divisions] if s.divisions else slice(None)
        for m, change in s.months.items():
            level[np.ix_(*(np.atleast_1d(np.arange(R)[ri]), np.atleast_1d(np.arange(D)[di]),
                           [month_index[m]]))] *= 1.0 + change
    return level, regions, divisions, months


def published_series(seed: int = 20251, release_lag_days: int = 15) -> pd.DataFrame:
    """The series as NBS would publish them: levels with the January-February merge, YoY and YTD growth,
    export delivery value, and the manufacturing PMI; each row with its data vintage."""
    level, regions, divisions, months = monthly_levels(seed)
    R, D, T = level.shape
    years = np.array([int(m[:4]) for m in months])
    month_no = np.array([int(m[5:]) for m in months])
    # January-February merged: February holds Jan+Feb, January is not published
    merged = level.copy()
    feb = month_no == 2
    merged[:, :, feb] += level[:, :, month_no == 1]
    published = month_no != 1
    # year-to-date cumulative levels (from the true monthly levels; Jan+Feb included in February)
    ytd = np.zeros_like(level)
    for y in set(years):
        idx = np.where(years == y)[0]
        ytd[:, :, idx] = np.cumsum(level[:, :, idx], axis=2)
    yoy = np.full_like(level, np.nan)
    ytd_g = np.full_like(level, np.nan)
    yoy[:, :, 12:] = (merged[:, :, 12:] / merged[:, :, :-12] - 1.0) * 100.0
    ytd_g[:, :, 12:] = (ytd[:, :, 12:] / ytd[:, :, :-12] - 1.0) * 100.0
    # export delivery value (current prices): a division-specific share of output value (~3.2x VA)
    rng = np.random.default_rng(seed + 1)
    export_share = rng.uniform(0.02, 0.12, size=D)
    export_share[divisions.index("39")] = 0.45
    for d, s in (("38", 0.2), ("17", 0.18), ("18", 0.25), ("19", 0.3), ("24", 0.35), ("34", 0.15), ("40", 0.18)):
        export_share[divisions.index(d)] = s
    price = np.cumprod(np.where(month_no == 1, 1.0 + rng.normal(0.01, 0.02, size=T), 1.0))
    exports = merged * 3.2 * export_share[None, :, None] * price[None, None, :] \
        * rng.lognormal(0.0, 0.05, size=(R, D, T))

    frames = []
    grid_r, grid_d, grid_t = np.meshgrid(np.arange(R), np.arange(D), np.arange(T), indexing="ij")
    keep = published[grid_t]
    r_codes, d_codes = np.array(regions)[grid_r[keep]], np.array(divisions)[grid_d[keep]]
    periods = np.array(months)[grid_t[keep]]
    vintages = np.array([_release(m, release_lag_days) for m in months])[grid_t[keep]]
    for indicator, values, unit, basis in (
        ("value_added", merged, "100 million CNY", "constant_2020"),
        ("value_added", yoy, "%", "growth_yoy_pct"),
        ("value_added", ytd_g, "%", "growth_ytd_pct"),
        ("export_delivery_value", exports, "100 million CNY", "current"),
    ):
        frame = pd.DataFrame({"indicator": indicator, "region": r_codes, "industry": d_codes,
                              "period": periods, "freq": "M", "value": values[keep], "unit": unit,
                              "price_basis": basis, "vintage": vintages})
        frames.append(frame.dropna(subset=["value"]))
    out = pd.concat(frames, ignore_index=True)
    out = pd.concat([out, _revision(out, seed), _pmi(level, months, seed)], ignore_index=True)
    return out


def _release(month: str, lag_days: int) -> str:
    y, m = int(month[:4]), int(month[5:])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return f"{y}-{m:02d}-{lag_days:02d}"


def _revision(first: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The annual revision of the last year's levels: a second vintage with small changes."""
    last = max(YEARS)
    rows = first[(first["period"].str.startswith(str(last))) & (first["price_basis"] == "constant_2020")].copy()
    rng = np.random.default_rng(seed + 2)
    rows["value"] = rows["value"] * (1.0 + rng.normal(0.0, 0.004, size=len(rows)))
    rows["vintage"] = f"{last + 1}-02-28"
    return rows


def _pmi(level: np.ndarray, months: list[str], seed: int) -> pd.DataFrame:
    """Manufacturing PMI (national): 50 plus a response to the month-on-year growth of output."""
    total = level.sum(axis=(0, 1))
    growth = np.full(len(total), np.nan)
    growth[12:] = (total[12:] / total[:-12] - 1.0) * 100.0
    rng = np.random.default_rng(seed + 3)
    pmi = 50.0 + 0.45 * (np.nan_to_num(growth, nan=6.0) - 5.5) + rng.normal(0.0, 0.5, size=len(total))
    pmi = np.clip(pmi, 30.0, 58.0).round(1)
    return pd.DataFrame({"indicator": "pmi_manufacturing", "region": "000000", "industry": "C",
                         "period": months, "freq": "M", "value": pmi, "unit": "index",
                         "price_basis": "diffusion_index", "vintage": [_release(m, 1) for m in months]})
