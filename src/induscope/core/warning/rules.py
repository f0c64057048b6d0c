"""Rule-based alerts. Each rule looks at one series (period label -> value, in time order) and returns
a Signal for every period where it fires; rules never look ahead.

Rules (rule ids):
  below_target / contraction  value under a target (contraction: target 0 for growth rates)
  below_last_year             value under the value of the same period a year earlier
  run_below                   value under a threshold for k consecutive periods (PMI < 50)
  ytd_fall                    year-to-date growth fell since the previous period of the same year
  sharp_drop                  level fell sharply against the same period last year (or, without a year
                              of history, the median of the last three periods): enterprise output,
                              orders, power use
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..indicators.periods import parse_period
from .levels import Ladder, Level, ladder_level
from .signals import Signal


def _ordered(series: pd.Series) -> pd.Series:
    s = pd.Series(series, dtype=float).dropna()
    s.index = [parse_period(p).label for p in s.index]
    return s.loc[sorted(s.index, key=parse_period)]


def _r(x: float) -> float:
    return float(round(float(x), 4))


class Rule:
    """Base class: ``evaluate(subject, indicator, series) -> list[Signal]``."""

    rule_id: str = "rule"
    family: str = "rule"

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "family": self.family, **{
            k: v for k, v in vars(self).items() if not k.startswith("_")}}


@dataclass
class BelowTarget(Rule):
    """Fires when value < target; the level grows with the shortfall (target - value, in the
    series' units). ``rule_id='contraction'`` with target 0 is the contraction rule for growth rates."""

    target: float
    ladder: Ladder = ((0.0, Level.BLUE), (1.0, Level.YELLOW), (3.0, Level.ORANGE), (6.0, Level.RED))
    rule_id: str = "below_target"
    what: str = "value"

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        out = []
        for p, v in _ordered(series).items():
            gap = self.target - v
            lvl = ladder_level(gap, self.ladder, strict_first=True) if gap > 0 else None
            if lvl is not None:
                why = (f"{self.what} {v:.4g} is below zero: a contraction" if self.rule_id == "contraction"
                       and self.target == 0 else
                       f"{self.what} {v:.4g} is {gap:.3g} below the target {self.target:g}")
                out.append(Signal(subject, indicator, self.rule_id, "rule", p, lvl, why,
                                  {"value": _r(v), "target": self.target, "shortfall": _r(gap)}))
        return out


@dataclass
class BelowLastYear(Rule):
    """Fires when value(t) is below value(same period last year) by at least the first rung."""

    ladder: Ladder = ((2.0, Level.BLUE), (4.0, Level.YELLOW), (8.0, Level.ORANGE), (12.0, Level.RED))
    rule_id: str = "below_last_year"
    what: str = "value"

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        s = _ordered(series)
        out = []
        for p, v in s.items():
            prev = parse_period(p).shift_years(-1).label
            if prev not in s.index:
                continue
            gap = s[prev] - v
            lvl = ladder_level(gap, self.ladder)
            if lvl is not None:
                out.append(Signal(subject, indicator, self.rule_id, "rule", p, lvl,
                                  f"{self.what} {v:.4g} is {gap:.3g} below last year's {s[prev]:.4g} ({prev})",
                                  {"value": _r(v), "last_year": _r(s[prev]), "last_year_period": prev,
                                   "shortfall": _r(gap)}))
        return out


@dataclass
class RunBelow(Rule):
    """Fires when value < threshold for at least k consecutive periods (PMI under 50 for k months).

    The level grows with the run length. A gap in the data ends the run.
    """

    threshold: float = 50.0
    ladder: Ladder = ((3, Level.BLUE), (6, Level.YELLOW), (12, Level.ORANGE))
    rule_id: str = "run_below"
    what: str = "value"

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        s = _ordered(series)
        out, run, prev_ord, start = [], 0, None, None
        for p, v in s.items():
            q = parse_period(p)
            contiguous = prev_ord is not None and q.ordinal() - prev_ord == 1
            prev_ord = q.ordinal()
            if v < self.threshold:
                run = run + 1 if contiguous or run == 0 else 1
                if run == 1:
                    start = p
            else:
                run = 0
                continue
            lvl = ladder_level(run, self.ladder)
            if lvl is not None:
                out.append(Signal(subject, indicator, self.rule_id, "rule", p, lvl,
                                  f"{self.what} below {self.threshold:g} for {run} consecutive periods "
                                  f"(since {start}); now {v:.4g}",
                                  {"value": _r(v), "threshold": self.threshold, "run_length": run,
                                   "run_start": start}))
        return out


@dataclass
class YTDFall(Rule):
    """Fires when year-to-date growth fell since the previous period of the same year.

    ``base_effect_guard``: stay quiet when growth in the same period a year earlier was negative; a
    fall from a depressed base is the base effect (NBS answered it with two-year averages in 2021).
    """

    ladder: Ladder = ((1.0, Level.BLUE), (2.0, Level.YELLOW), (4.0, Level.ORANGE), (8.0, Level.RED))
    rule_id: str = "ytd_fall"
    base_effect_guard: bool = True

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        s = _ordered(series)
        out = []
        labels = list(s.index)
        for i in range(1, len(labels)):
            p, q = labels[i - 1], labels[i]
            if parse_period(p).year != parse_period(q).year:
                continue
            fall = s[p] - s[q]
            lvl = ladder_level(fall, self.ladder)
            if lvl is None:
                continue
            base = parse_period(q).shift_years(-1).label
            if self.base_effect_guard and base in s.index and s[base] < 0:
                continue
            out.append(Signal(subject, indicator, self.rule_id, "rule", q, lvl,
                              f"year-to-date growth fell {fall:.3g} points, from {s[p]:.4g} ({p}) to {s[q]:.4g}",
                              {"value": _r(s[q]), "previous": _r(s[p]), "previous_period": p, "fall": _r(fall)}))
        return out


@dataclass
class SharpDrop(Rule):
    """Fires when a level (output, orders, power use) drops sharply.

    Reference: the same period last year (seasonality-aware) when present, otherwise the median of
    the previous three periods. drop (%) = (1 - value / reference) * 100.
    """

    ladder: Ladder = ((15.0, Level.BLUE), (25.0, Level.YELLOW), (40.0, Level.ORANGE), (60.0, Level.RED))
    rule_id: str = "sharp_drop"
    what: str = "level"

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        s = _ordered(series)
        out = []
        labels = list(s.index)
        for i, p in enumerate(labels):
            v = s[p]
            last_year = parse_period(p).shift_years(-1).label
            if last_year in s.index:
                ref, ref_kind = s[last_year], f"same period last year ({last_year})"
            elif i >= 3:
                ref, ref_kind = float(np.median(s.iloc[i - 3:i])), "median of the previous 3 periods"
            else:
                continue
            if not ref > 0:
                continue
            drop = (1.0 - v / ref) * 100.0
            lvl = ladder_level(drop, self.ladder)
            if lvl is not None:
                out.append(Signal(subject, indicator, self.rule_id, "rule", p, lvl,
                                  f"{self.what} {v:.4g} is {drop:.3g}% below the {ref_kind}: {ref:.4g}",
                                  {"value": _r(v), "reference": _r(ref), "reference_kind": ref_kind,
                                   "drop_pct": _r(drop)}))
        return out


def contraction(ladder: Ladder = ((0.0, Level.ORANGE), (5.0, Level.RED)), what: str = "growth") -> BelowTarget:
    """Growth below zero: orange, and red from -5 points (the default for headline industrial growth)."""
    return BelowTarget(target=0.0, ladder=ladder, rule_id="contraction", what=what)


def pmi_rules(threshold: float = 50.0) -> list[Rule]:
    """PMI: under 50 for 3/6/12 months (blue/yellow/orange); under 45 orange, under 40 red."""
    return [RunBelow(threshold, ((3, Level.BLUE), (6, Level.YELLOW), (12, Level.ORANGE)),
                     rule_id="pmi_below_50_run", what="PMI"),
            BelowTarget(threshold, ((5.0, Level.ORANGE), (10.0, Level.RED)), rule_id="pmi_deep", what="PMI")]


@dataclass
class RuleSet:
    """Rules applied to one kind of series (a named, reusable configuration)."""

    name: str
    rules: list[Rule] = field(default_factory=list)

    def evaluate(self, subject: str, indicator: str, series: pd.Series) -> list[Signal]:
        out: list[Signal] = []
        for r in self.rules:
            out.extend(r.evaluate(subject, indicator, series))
        return out
