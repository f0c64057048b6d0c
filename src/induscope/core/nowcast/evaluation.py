"""Pseudo-real-time evaluation: for each target month, cut the data to what had been published on the
information date (``ReleaseCalendar.vintage``), nowcast with each model, and compare with the outcome.

RMSEs are over the months where every model produced a nowcast, so the ratios compare like with like.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from ...errors import InduscopeError, ModelError
from .calendar import ReleaseCalendar
from .models import Nowcast, combine

ModelFn = Callable[[pd.DataFrame, str, pd.Period], Nowcast]


@dataclass(frozen=True)
class Evaluation:
    """Every nowcast (``frame``: period, model, nowcast, lower, upper, actual) and the failures."""

    frame: pd.DataFrame
    failures: pd.DataFrame
    info_day: float

    def window(self, first: str, last: str) -> "Evaluation":
        """The nowcasts of the months ``first`` .. ``last`` (YYYY-MM, inclusive), e.g. to keep a
        validation period apart from the test period."""
        keep = (self.frame["period"] >= first) & (self.frame["period"] <= last)
        fails = self.failures[(self.failures["period"] >= first) & (self.failures["period"] <= last)]
        return Evaluation(self.frame[keep].reset_index(drop=True), fails.reset_index(drop=True), self.info_day)

    def common(self) -> pd.DataFrame:
        wide = self.frame.pivot(index="period", columns="model", values="nowcast").dropna()
        actual = self.frame.drop_duplicates("period").set_index("period")["actual"]
        return wide.assign(actual=actual.reindex(wide.index))

    def rmse(self) -> dict[str, float]:
        w = self.common()
        return {m: float(np.sqrt(((w[m] - w["actual"]) ** 2).mean())) for m in w.columns if m != "actual"}

    def coverage(self) -> dict[str, float]:
        """Share of outcomes inside the 90% interval, per model."""
        f = self.frame.dropna(subset=["actual"])
        inside = (f["actual"] >= f["lower"]) & (f["actual"] <= f["upper"])
        return {m: float(v) for m, v in inside.groupby(f["model"]).mean().items()}

    def summary(self, benchmarks: Iterable[str] = ("ar", "random_walk")) -> dict[str, Any]:
        r = self.rmse()
        out: dict[str, Any] = {"months": int(len(self.common())), "info_day": self.info_day,
                               "rmse": r, "coverage_90": self.coverage(),
                               "failures": int(len(self.failures))}
        for b in benchmarks:
            if b in r and r[b] > 0:
                out[f"rmse_ratio_vs_{'rw' if b == 'random_walk' else b}"] = {
                    m: r[m] / r[b] for m in r if m != b}
        return out


def with_combinations(ev: Evaluation, combos: Mapping[str, Iterable[str]]) -> Evaluation:
    """The evaluation with equal-weight combinations of models already evaluated (``models.combine``
    on each month where every member has a nowcast): the same numbers as running
    ``models.combination`` in the loop, without running the members twice."""
    f = ev.frame
    rows = []
    for name, members in combos.items():
        members = list(members)
        sub = f[f["model"].isin(members)]
        for period, g in sub.groupby("period", sort=False):
            if set(g["model"]) != set(members):
                continue
            nc = combine([Nowcast(r.model, period, r.nowcast, r.lower, r.upper) for r in g.itertuples()], name)
            rows.append({"period": period, "model": name, "nowcast": nc.value, "lower": nc.lower,
                         "upper": nc.upper, "actual": float(g["actual"].iloc[0])})
    frame = pd.concat([f, pd.DataFrame(rows, columns=f.columns)], ignore_index=True) if rows else f
    return Evaluation(frame, ev.failures, ev.info_day)


def pseudo_real_time(panel: pd.DataFrame, target_col: str, calendar: ReleaseCalendar,
                     periods: Iterable[pd.Period], models: Mapping[str, ModelFn], *, info_day: float,
                     progress: Callable[[int, int], None] | None = None) -> Evaluation:
    periods = [p for p in periods if p in panel.index and np.isfinite(panel.at[p, target_col])]
    rows, failed = [], []
    for k, T in enumerate(periods):
        vintage = calendar.vintage(panel, T, info_day)
        for name, fn in models.items():
            try:
                nc = fn(vintage, target_col, T)
            except (ModelError, InduscopeError, np.linalg.LinAlgError) as e:
                failed.append({"period": str(T), "model": name, "reason": str(e)})
                continue
            rows.append({"period": str(T), "model": name, "nowcast": nc.value, "lower": nc.lower,
                         "upper": nc.upper, "actual": float(panel.at[T, target_col])})
        if progress:
            progress(k + 1, len(periods))
    return Evaluation(pd.DataFrame(rows, columns=["period", "model", "nowcast", "lower", "upper", "actual"]),
                      pd.DataFrame(failed, columns=["period", "model", "reason"]), float(info_day))
