"""Statistical alerts: robust, seasonality-aware anomaly scores.

Score = (x_t - median) / scale over a trailing window that ends at t-1 (no look-ahead), with
scale = max(1.4826 * MAD, min_scale). The MAD floor keeps very calm stretches from turning small
wiggles into alarms. Seasonality is handled by what x is:

  kind='value'         x is already free of seasonality (YoY growth, seasonally adjusted growth)
  kind='yoy'           x = 100 * log(level_t / level_{t-1 year}): seasonal differences of levels
  kind='seasonal_mom'  x = 100 * log(level_t / level_{t-1}) compared with the same calendar period's
                       changes in earlier years (works with one year of history less than 'yoy')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..indicators.periods import parse_period
from .levels import Ladder, Level, ladder_level
from .rules import Rule, _ordered, _r
from .signals import Signal

MAD_TO_SD = 1.4826


def robust_z(x: pd.Series, window: int = 36, min_periods: int = 12, min_scale: float = 0.0) -> pd.DataFrame:
    """Trailing robust z-scores of an ordered series: columns x, median, scale, z."""
    x = pd.Series(x, dtype=float)
    past = x.shift(1)
    med = past.rolling(window, min_periods=min_periods).median()
    # MAD over the same trailing window, around that window's median
    vals = past.to_numpy()
    mad = np.full(len(x), np.nan)
    for t in range(len(x)):
        lo = max(0, t - window)
        w = vals[lo:t]
        w = w[np.isfinite(w)]
        if len(w) >= min_periods:
            mad[t] = np.median(np.abs(w - np.median(w)))
    scale = np.maximum(MAD_TO_SD * mad, min_scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x.to_numpy() - med.to_numpy()) / scale
    z[~np.isfinite(z)] = np.nan
    return pd.DataFrame({"x": x.to_numpy(), "median": med.to_numpy(), "scale": scale, "z": z}, index=x.index)


def seasonal_mom_z(levels: pd.Series, min_years: int = 3, min_scale: float = 0.0) -> pd.DataFrame:
    """Robust z of this period's log change against the same calendar period's changes in past years."""
    s = _ordered(levels)
    if (s <= 0).any():
        raise ValueError("seasonal_mom scores need positive levels")
    labels = list(s.index)
    chg = pd.Series(100.0 * np.log(s.to_numpy()[1:] / s.to_numpy()[:-1]), index=labels[1:])
    sub = {p: parse_period(p).sub for p in chg.index}
    rows = []
    for i, p in enumerate(chg.index):
        hist = [chg.iloc[j] for j in range(i) if sub[chg.index[j]] == sub[p]]
        if len(hist) < min_years:
            rows.append((chg.iloc[i], np.nan, np.nan, np.nan))
            continue
        h = np.asarray(hist)
        med = float(np.median(h))
        scale = max(MAD_TO_SD * float(np.median(np.abs(h - med))), min_scale)
        z = (chg.iloc[i] - med) / scale if scale > 0 else np.nan
        rows.append((chg.iloc[i], med, scale, z))
    return pd.DataFrame(rows, index=chg.index, columns=["x", "median", "scale", "z"])


@dataclass
class RobustAnomaly(Rule):
    """Statistical alert from trailing robust z-scores (downside only unless ``two_sided``)."""

    kind: Literal["value", "yoy", "seasonal_mom"] = "value"
    window: int = 36
    min_periods: int = 12
    min_scale: float = 1.0
    ladder: Ladder = ((3.0, Level.BLUE), (4.0, Level.YELLOW), (5.5, Level.ORANGE), (7.0, Level.RED))
    two_sided: bool = False
    rule_id: str = "robust_z"
    family: str = "statistical"

    def scores(self, series: pd.Series) -> pd.DataFrame:
        s = _ordered(series)
        if self.kind == "seasonal_mom":
            return seasonal_mom_z(s, min_scale=self.min_scale)
        if self.kind == "yoy":
            if (s <= 0).any():
                raise ValueError("yoy scores need positive levels")
            prev = {p: parse_period(p).shift_years(-1).label for p in s.index}
            x = pd.Series({p: 100.0 * np.log(s[p] / s[b]) for p, b in prev.items() if b in s.index},
                          dtype=float)
            s = x
        return robust_z(s, self.window, self.min_periods, self.min_scale)

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        sc = self.scores(series)
        out = []
        for p, row in sc.iterrows():
            z = row["z"]
            if not np.isfinite(z):
                continue
            mag = abs(z) if self.two_sided else -z
            lvl = ladder_level(mag, self.ladder)
            if lvl is None:
                continue
            direction = "below" if z < 0 else "above"
            out.append(Signal(subject, indicator, self.rule_id, "statistical", str(p), lvl,
                              f"{row['x']:.4g} is {abs(z):.2g} robust standard deviations {direction} the "
                              f"trailing median {row['median']:.4g} ({self.kind})",
                              {"value": _r(row["x"]), "median": _r(row["median"]), "scale": _r(row["scale"]),
                               "z": _r(z), "kind": self.kind, "window": self.window}))
        return out
