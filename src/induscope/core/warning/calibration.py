"""Alert levels calibrated to each series' own noise.

Rule thresholds that suit the national headline (growth below 0 is orange) cry wolf on a division,
a park or an enterprise whose year-on-year growth moves 1-3 points from month to month: a series
growing 2% a year dips below zero every year or so by noise alone. So, on growth series:

* ``NoiseScaled(rule)`` keeps the rule (its reasons and numbers) but caps each firing's level by how
  far the value lies below the series' own normal, in units of its own noise (z = (trailing median -
  value) / trailing robust scale, no look-ahead):
      red     z >= 5,   or z >= 3.5 in this and the previous period (persistence)
      orange  z >= 3.5, or z >= 2.5 in this and the previous period
      yellow  z >= 2
      blue    otherwise (a dip within the series' normal noise)
  Without enough history for a scale the rule's own level stands (nothing to calibrate against).
  For year-to-date growth the noise is the noise of the implied monthly rates, shrunk by the number
  of months the cumulation covers; a year-to-date fall is judged by the new month's implied rate.
* ``Slump`` (statistical family) fires orange or red only, when growth falls below its own normal
  by a material amount *and* out of its own noise: orange when the shortfall is >= 5 points with
  z >= 3.5 in one period or z >= 2.5 in two consecutive ones; red when it is >= 8 points with z >= 5,
  or z >= 3.5 in two consecutive ones. (5 points of YoY growth is output about 5% below the series'
  normal path: a fall that matters to anyone, not only to the national headline.)

A rule firing and a statistical one that agree are still raised one level by ``corroborate``, so
orange and red come from magnitude relative to the series' own variability, persistence, or
agreement of a rule and a statistical signal. docs/monitoring.md gives the benchmark behind the
thresholds (bench/bench_alerts.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..indicators.periods import parse_period
from .anomaly import robust_z
from .levels import Level
from .rules import Rule, _ordered, _r
from .signals import Signal


def _trailing(x: pd.Series, window: int, min_periods: int, min_scale: float) -> pd.DataFrame:
    return robust_z(x, window, min_periods, min_scale)


def implied_rates(ytd: pd.Series) -> pd.Series:
    """Rates of the months (or quarters) each year-to-date figure adds, from consecutive YTD figures
    of one year: r_t = (k_t Y_t - k_{t-1} Y_{t-1}) / (k_t - k_{t-1}), k = months covered (January-
    February counts 2). Equal-weight approximation: good enough for a noise scale."""
    s = _ordered(ytd)
    out: dict[str, float] = {}
    prev = None
    for p, y in s.items():
        q = parse_period(p)
        k = q.sub
        if prev is not None and prev[0].year == q.year and prev[0].freq == q.freq and k > prev[0].sub:
            out[p] = (k * y - prev[0].sub * prev[1]) / (k - prev[0].sub)
        elif prev is None or prev[0].year != q.year:
            out[p] = y
        prev = (q, y)
    return pd.Series(out, dtype=float)


def noise_z(series: pd.Series, kind: Literal["yoy", "ytd", "ytd_step"] = "yoy", window: int = 36,
            min_periods: int = 12, min_scale: float = 0.5) -> pd.Series:
    """Downside deviation of each period from the series' own normal, in units of its own noise
    (positive = below normal); NaN where the history is too short."""
    s = _ordered(series)
    if kind == "yoy":
        sc = _trailing(s, window, min_periods, min_scale)
        return -sc["z"]
    r = implied_rates(s)
    sc = _trailing(r, window, min_periods, min_scale)
    if kind == "ytd_step":
        return (-sc["z"]).reindex(s.index)
    k = pd.Series({p: float(parse_period(p).sub) for p in s.index})
    z = (sc["median"].reindex(s.index) - s) * np.sqrt(k) / sc["scale"].reindex(s.index)
    return z.replace([np.inf, -np.inf], np.nan)


#: noise z thresholds of the level caps: (single period, this and the previous period)
CAPS = {"red": (5.0, 3.5), "orange": (3.5, 2.5), "yellow": (2.0, None)}


def noise_cap(z: float, z_prev: float | None, caps: dict | None = None) -> Level | None:
    """The highest level a firing may have given its noise z (and the previous period's when the
    same rule fired then too); None when z is unknown (no cap)."""
    if z is None or not np.isfinite(z):
        return None
    caps = caps or CAPS
    zp = z_prev if z_prev is not None and np.isfinite(z_prev) else -np.inf
    for name in ("red", "orange", "yellow"):
        one, two = caps[name]
        if z >= one or (two is not None and min(z, zp) >= two):
            return Level.parse(name)
    return Level.BLUE


@dataclass
class NoiseScaled(Rule):
    """A rule on a growth series whose levels are capped by the series' own noise (see module doc)."""

    inner: Rule = field(default=None)  # type: ignore[assignment]
    kind: Literal["yoy", "ytd", "ytd_step"] = "yoy"
    window: int = 36
    min_periods: int = 12
    min_scale: float = 0.5
    caps: dict = field(default_factory=lambda: dict(CAPS))

    def __post_init__(self) -> None:
        self.rule_id = self.inner.rule_id
        self.family = self.inner.family

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        sigs = self.inner.evaluate(subject, indicator, series)
        if not sigs:
            return sigs
        z = noise_z(series, self.kind, self.window, self.min_periods, self.min_scale)
        labels = list(_ordered(series).index)
        pos = {p: i for i, p in enumerate(labels)}
        fired = {s.period for s in sigs}
        out = []
        for s in sigs:
            i = pos.get(s.period)
            zt = z.get(s.period, np.nan)
            prev = labels[i - 1] if i else None
            zp = z.get(prev, np.nan) if prev in fired else None
            cap = noise_cap(float(zt), None if zp is None else float(zp), self.caps)
            if cap is None:
                out.append(s)
                continue
            extra = {"noise_z": _r(zt)}
            if cap < s.level:
                extra["level_before_noise_scaling"] = s.level.label
                out.append(s.with_level(cap, **extra))
            else:
                out.append(s.with_level(s.level, **extra))
        return out


@dataclass
class Slump(Rule):
    """Growth fallen below its own normal by a material amount and out of its own noise (orange/red
    only; see module doc). Statistical family: it corroborates the rule signals."""

    window: int = 36
    min_periods: int = 12
    min_scale: float = 1.0
    orange_gap: float = 5.0
    red_gap: float = 8.0
    #: noise z needed: (one period, each of two consecutive periods)
    orange_z: tuple[float, float] = (3.5, 2.5)
    red_z: tuple[float, float] = (5.0, 3.5)
    rule_id: str = "slump_yoy"
    family: str = "statistical"

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        s = _ordered(series)
        sc = _trailing(s, self.window, self.min_periods, self.min_scale)
        gap = (sc["median"] - sc["x"]).to_numpy()
        z = (-sc["z"]).to_numpy()
        out = []
        for i, p in enumerate(s.index):
            g, zt = gap[i], z[i]
            if not (np.isfinite(g) and np.isfinite(zt)):
                continue
            gp, zp = (gap[i - 1], z[i - 1]) if i else (np.nan, np.nan)
            two = np.isfinite(gp) and np.isfinite(zp)
            lvl = None
            for level, gmin, (z1, z2) in ((Level.RED, self.red_gap, self.red_z),
                                          (Level.ORANGE, self.orange_gap, self.orange_z)):
                if g >= gmin and (zt >= z1 or (two and gp >= gmin and min(zt, zp) >= z2)):
                    lvl = level
                    break
            if lvl is None:
                continue
            out.append(Signal(subject, indicator, self.rule_id, self.family, str(p), lvl,
                              f"growth {s[p]:.4g} is {g:.3g} points below its own normal {sc['median'].iloc[i]:.4g} "
                              f"({zt:.2g} times its usual deviation {sc['scale'].iloc[i]:.3g})",
                              {"value": _r(s[p]), "median": _r(sc["median"].iloc[i]), "shortfall": _r(g),
                               "scale": _r(sc["scale"].iloc[i]), "z": _r(-zt)}))
        return out


__all__ = ["CAPS", "NoiseScaled", "Slump", "implied_rates", "noise_cap", "noise_z"]
