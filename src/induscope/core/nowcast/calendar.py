"""The ragged edge: which observations a forecaster has on a given day.

A series' *publication lag* is the number of days after the end of its reference month at which the
month's value is published (e.g. about 5 for the US Employment Situation, about 16 for the Federal
Reserve's G.17 industrial production release, 0 for the Chinese PMI, which NBS publishes on the last day
of the month). A nowcast of month ``T`` made ``info_day`` days after the end of ``T`` (negative: during
``T``) sees month ``m <= T`` of a series with lag ``L`` if ``(T - m) * 30.44 + info_day >= L``.

Revisions are not modelled: the data are the latest vintage cut to what had been *published* by then
("pseudo-real-time"), the standard design when real-time vintages are not at hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from ...errors import InputError

#: average length of a month in days (for the availability rule above)
MONTH_DAYS = 30.44


def as_period_index(index: pd.Index) -> pd.PeriodIndex:
    """A monthly PeriodIndex from ``YYYY-MM`` strings, dates or periods."""
    if isinstance(index, pd.PeriodIndex):
        return index.asfreq("M")
    try:
        return pd.PeriodIndex([pd.Period(str(p)[:7], freq="M") for p in index], freq="M")
    except (ValueError, TypeError) as e:
        raise InputError(f"expected monthly periods like 2024-05, got {list(index[:3])}") from e


def monthly_panel(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame on a complete monthly PeriodIndex (missing months become NaN rows)."""
    out = frame.copy()
    out.index = as_period_index(out.index)
    out = out[~out.index.duplicated(keep="last")].sort_index()
    full = pd.period_range(out.index.min(), out.index.max(), freq="M")
    return out.reindex(full)


@dataclass(frozen=True)
class ReleaseCalendar:
    """Publication lag in days per series; ``default`` for series not listed."""

    lags: Mapping[str, float] = field(default_factory=dict)
    default: float = 30.0

    def lag(self, series: str) -> float:
        return float(self.lags.get(series, self.default))

    def months_behind(self, series: str, info_day: float) -> int:
        """How many months before the target month the series' last published value is (0 = the
        target month itself is out)."""
        return max(0, int(np.ceil((self.lag(series) - info_day) / MONTH_DAYS - 1e-9)))

    def companions(self, target: str, columns) -> list[str]:
        """The series published with ``target`` (same lag): its own release's other figures, e.g. the
        market groups and capacity use of the Federal Reserve's G.17, or NBS's output value beside
        value added. Series the calendar does not list (the default lag) are nobody's companions."""
        own = self.lags.get(target)
        if own is None:
            return []
        return [c for c in columns if c != target and c in self.lags and float(self.lags[c]) == float(own)]

    def vintage(self, panel: pd.DataFrame, target: pd.Period, info_day: float) -> pd.DataFrame:
        """The panel as it stood ``info_day`` days after the end of ``target``: rows after the target
        dropped, values not yet published set to NaN."""
        cut = panel.loc[:target].copy()
        for c in cut.columns:
            k = self.months_behind(c, info_day)
            if k > 0:
                cut.loc[target - k + 1:, c] = np.nan
        return cut
