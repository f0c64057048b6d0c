"""Growth indicators computed the NBS way (official-rules.md section 3.2). All rates in percent.

- year-on-year (当月同比): level(t) / level(same period last year) - 1, at constant prices
- year-to-date (1-N月累计同比): sum of levels Jan..N this year / the same sum last year - 1, i.e. a
  base-period-level-weighted average of the period rates; never an arithmetic average of rates
- two-year average (两年平均): sqrt(level(t) / level(t-2)) - 1 (geometric), or from two YoY rates
- the January-February merge: NBS publishes January and February together ('YYYY-02' holds Jan+Feb)

Inputs are pandas Series indexed by canonical period labels (see ``periods``). Results are
``IndicatorSeries``: a value where it is defined, otherwise a reason in ``unavailable``.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Literal

import numpy as np
import pandas as pd

from .figures import IndicatorSeries
from .periods import Period, parse_period

JanuaryMissing = Literal["feb_is_cumulative", "feb_only"]


def _as_series(x: pd.Series | dict) -> pd.Series:
    s = pd.Series(x, dtype=float)
    s.index = [parse_period(p).label for p in s.index]
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()].unique().tolist()
        raise ValueError(f"duplicate periods: {dup[:5]}")
    return s.dropna()


def merge_jan_feb(levels: pd.Series | dict, january_missing: JanuaryMissing = "feb_is_cumulative"
                  ) -> tuple[pd.Series, dict[str, str]]:
    """Monthly levels with January and February merged into one period labelled 'YYYY-02'.

    - January and February both present: 'YYYY-02' = January + February.
    - January missing (as NBS publishes): with ``feb_is_cumulative`` (the NBS convention) the February
      value already is January-February and is kept; with ``feb_only`` the merged period is unavailable.
    - February missing: the merged period is unavailable.
    Non-monthly series are returned unchanged.
    """
    s = _as_series(levels)
    if not len(s) or any(parse_period(p).freq != "M" for p in s.index):
        return s, {}
    out = s[[parse_period(p).sub not in (1, 2) for p in s.index]].copy()
    unavailable: dict[str, str] = {}
    years = sorted({parse_period(p).year for p in s.index})
    merged = {}
    for y in years:
        jan, feb = s.get(f"{y}-01"), s.get(f"{y}-02")
        label = f"{y}-02"
        if jan is not None and feb is not None:
            merged[label] = jan + feb
        elif feb is not None:
            if january_missing == "feb_is_cumulative":
                merged[label] = feb
            else:
                unavailable[label] = "January missing: January-February cannot be formed"
        elif jan is not None:
            unavailable[label] = "February missing: January-February cannot be formed"
    out = pd.concat([out, pd.Series(merged, dtype=float)])
    return out.loc[sorted(out.index, key=parse_period)], unavailable


def _ratio_growth(num: float, den: float) -> tuple[float, str | None]:
    if not np.isfinite(den) or not np.isfinite(num):
        return np.nan, "missing level"
    if den <= 0:
        return np.nan, f"base-period level is {den:g}: growth is undefined"
    return (num / den - 1.0) * 100.0, None


def yoy(levels: pd.Series | dict, *, name: str = "growth_yoy", merge_january: bool = True,
        january_missing: JanuaryMissing = "feb_is_cumulative", vintage: str | None = None,
        inputs: tuple[str, ...] = ()) -> IndicatorSeries:
    """Year-on-year growth (%) of levels: level(t) / level(same period a year earlier) - 1."""
    s, unavailable = merge_jan_feb(levels, january_missing) if merge_january else (_as_series(levels), {})
    values: dict[str, float] = {}
    for p in s.index:
        base = parse_period(p).shift_years(-1).label
        if base not in s.index:
            if base in unavailable:
                unavailable[p] = f"base period {base} unavailable"
            continue  # the first year has no base: not an error, just no figure
        g, why = _ratio_growth(s[p], s[base])
        if why:
            unavailable[p] = why
        else:
            values[p] = g
    unavailable = {p: r for p, r in unavailable.items() if p not in values}
    return IndicatorSeries(name, pd.Series(values, dtype=float), "percent", "derived_from_levels", vintage,
                           inputs, unavailable)


def yoy_from_index(index: pd.Series | dict, *, base: float = 100.0, name: str = "growth_yoy",
                   vintage: str | None = None, inputs: tuple[str, ...] = ()) -> IndicatorSeries:
    """Growth (%) from an index with the same period of the preceding year = ``base`` (NBS: 100)."""
    s = _as_series(index)
    return IndicatorSeries(name, (s / base - 1.0) * 100.0, "percent", "derived_from_index", vintage, inputs)


def _year_groups(labels) -> dict[int, list[Period]]:
    groups: dict[int, list[Period]] = defaultdict(list)
    for p in labels:
        q = parse_period(p)
        groups[q.year].append(q)
    return {y: sorted(v) for y, v in groups.items()}


def _expected_subs(q: Period, merged: bool) -> list[int]:
    """Sub-periods from the start of the year up to q (monthly merged: JF is 2, then 3..N)."""
    if q.freq == "M":
        return list(range(2 if merged else 1, q.sub + 1))
    if q.freq == "Q":
        return list(range(1, q.sub + 1))
    raise ValueError(f"year-to-date needs monthly or quarterly periods, got {q.label}")


def _label(year: int, sub: int, freq: str) -> str:
    return Period(year, sub, freq).label


def ytd(levels: pd.Series | dict, *, name: str = "growth_ytd", merge_january: bool = True,
        january_missing: JanuaryMissing = "feb_is_cumulative", vintage: str | None = None,
        inputs: tuple[str, ...] = ()) -> IndicatorSeries:
    """Year-to-date growth (%): cumulative level Jan..N (or Q1..Qn) over the same sum a year earlier.

    Every sub-period from the start of the year must be present in both years; otherwise the
    figure is unavailable (a partial sum would understate the base or the current total).
    """
    s, unavailable = merge_jan_feb(levels, january_missing) if merge_january else (_as_series(levels), {})
    merged = merge_january and len(s) > 0 and parse_period(s.index[0]).freq == "M"
    values: dict[str, float] = {}
    lv = dict(s.items())  # plain dict lookups: this loop runs for every period of every series
    for y, qs in _year_groups(s.index).items():
        for q in qs:
            subs = _expected_subs(q, merged)
            cur = [_label(y, k, q.freq) for k in subs]
            base = [_label(y - 1, k, q.freq) for k in subs]
            if not all(b in lv for b in base):
                if any(b in lv for b in base):
                    unavailable[q.label] = "base year incomplete: " + ", ".join(b for b in base if b not in lv)
                continue
            missing = [c for c in cur if c not in lv]
            if missing:
                unavailable[q.label] = "periods missing this year: " + ", ".join(missing)
                continue
            g, why = _ratio_growth(float(sum(lv[c] for c in cur)), float(sum(lv[b] for b in base)))
            if why:
                unavailable[q.label] = why
            else:
                values[q.label] = g
    return IndicatorSeries(name, pd.Series(values, dtype=float), "percent", "derived_from_levels", vintage,
                           inputs, unavailable)


def ytd_from_rates(rates: pd.Series | dict, base_levels: pd.Series | dict, *, name: str = "growth_ytd",
                   vintage: str | None = None, inputs: tuple[str, ...] = ()) -> IndicatorSeries:
    """Year-to-date growth (%) from period rates and last year's levels as weights.

    YTD_N = sum_k w_k (1 + g_k) / sum_k w_k - 1, w_k = level of period k a year earlier. This is what
    NBS does implicitly; the weights must be levels (or any positive multiple), never equal weights
    unless the levels really are equal. ``rates`` are indexed by this year's periods, ``base_levels``
    by last year's. Monthly rates follow the January-February merge ('YYYY-02' = Jan-Feb).
    """
    g = _as_series(rates)
    w = _as_series(base_levels)
    merged = len(g) > 0 and parse_period(g.index[0]).freq == "M" and not any(
        parse_period(p).sub == 1 for p in g.index)
    values: dict[str, float] = {}
    unavailable: dict[str, str] = {}
    for y, qs in _year_groups(g.index).items():
        for q in qs:
            subs = _expected_subs(q, merged)
            cur = [_label(y, k, q.freq) for k in subs]
            base = [_label(y - 1, k, q.freq) for k in subs]
            miss = [c for c in cur if c not in g.index] + [b for b in base if b not in w.index]
            if miss:
                unavailable[q.label] = "missing: " + ", ".join(miss)
                continue
            ww = w[base].to_numpy()
            if (ww <= 0).any():
                unavailable[q.label] = "non-positive base-period weight"
                continue
            gg = g[cur].to_numpy() / 100.0
            values[q.label] = (float((ww * (1.0 + gg)).sum() / ww.sum()) - 1.0) * 100.0
    return IndicatorSeries(name, pd.Series(values, dtype=float), "percent", "derived_from_rates", vintage,
                           inputs, unavailable)


def two_year_average(levels: pd.Series | dict, *, name: str = "growth_two_year_average",
                     merge_january: bool = True, vintage: str | None = None,
                     inputs: tuple[str, ...] = ()) -> IndicatorSeries:
    """Two-year average growth (%): sqrt(level(t) / level(t - 2 years)) - 1 (geometric mean)."""
    s, unavailable = merge_jan_feb(levels) if merge_january else (_as_series(levels), {})
    values: dict[str, float] = {}
    for p in s.index:
        base = parse_period(p).shift_years(-2).label
        if base not in s.index:
            continue
        if s[base] <= 0 or s[p] < 0:
            unavailable[p] = "non-positive level: two-year average undefined"
            continue
        values[p] = (math.sqrt(s[p] / s[base]) - 1.0) * 100.0
    return IndicatorSeries(name, pd.Series(values, dtype=float), "percent", "derived_from_levels", vintage,
                           inputs, unavailable)


def two_year_average_from_rates(rates: pd.Series | dict, *, name: str = "growth_two_year_average",
                                vintage: str | None = None, basis: str = "derived_from_rates",
                                inputs: tuple[str, ...] = ()) -> IndicatorSeries:
    """Two-year average (%) from YoY rates: sqrt((1 + g_t)(1 + g_{t-1y})) - 1 (NBS 2021 practice)."""
    g = _as_series(rates)
    values: dict[str, float] = {}
    unavailable: dict[str, str] = {}
    for p in g.index:
        prev = parse_period(p).shift_years(-1).label
        if prev not in g.index:
            continue
        prod = (1 + g[p] / 100.0) * (1 + g[prev] / 100.0)
        if prod < 0:
            unavailable[p] = "two-year change below -100%"
            continue
        values[p] = (math.sqrt(prod) - 1.0) * 100.0
    return IndicatorSeries(name, pd.Series(values, dtype=float), "percent", basis, vintage, inputs,
                           unavailable)


def cagr(first: float, last: float, years: float) -> float:
    """Compound annual growth rate (%) from ``first`` to ``last`` over ``years`` years."""
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    if first <= 0 or last < 0:
        raise ValueError(f"CAGR needs a positive start and a non-negative end, got {first}, {last}")
    return ((last / first) ** (1.0 / years) - 1.0) * 100.0


def shares(parts: pd.Series | dict, total: float | None = None) -> pd.Series:
    """Shares (%) of the parts in ``total`` (default: the sum of the parts)."""
    s = pd.Series(parts, dtype=float)
    t = float(s.sum()) if total is None else float(total)
    if t == 0 or not np.isfinite(t):
        raise ValueError(f"total is {t}: shares are undefined")
    return s / t * 100.0


def chain_levels(rates: pd.Series | dict, start_levels: pd.Series | dict) -> pd.Series:
    """Levels implied by chaining YoY rates forward from the first year's levels.

    Used to reconstruct weights when only growth rates are published (NBS monthly industry):
    level(t) = level(t - 1 year) * (1 + g_t). The start levels fix the seasonal profile; the chain is
    only as good as the rates are consistent with levels (comparable-sample rates are not).
    """
    g = _as_series(rates)
    lv = dict(_as_series(start_levels))
    for p in sorted(g.index, key=parse_period):
        base = parse_period(p).shift_years(-1).label
        if base in lv:
            lv[p] = lv[base] * (1.0 + g[p] / 100.0)
    out = pd.Series(lv, dtype=float)
    return out.loc[sorted(out.index, key=parse_period)]
