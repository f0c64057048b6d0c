"""Combine signals into alerts: corroboration across families, episodes per cause, counts per year.

Combination into the four levels: each signal has the level of its own ladder; when a rule-based
and a statistical signal agree on the same subject and period (both at least ``min_level``), each is
raised one level (a confirmed deviation is more serious than either alone). Consecutive firings of
the same cause (subject, indicator, rule) form one episode: one alert, updated as it goes on.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from ..indicators.periods import parse_period
from .levels import Level
from .rules import Rule
from .signals import Signal


@dataclass(frozen=True)
class MonitoredSeries:
    """One series under watch with the rules that apply to it."""

    subject: str
    indicator: str
    values: pd.Series
    rules: tuple[Rule, ...]


def evaluate(series: Iterable[MonitoredSeries]) -> list[Signal]:
    """All signals of all rules on all series (in time order per series)."""
    out: list[Signal] = []
    for ms in series:
        for rule in ms.rules:
            out.extend(rule.evaluate(ms.subject, ms.indicator, ms.values))
    return out


def corroborate(signals: Sequence[Signal], min_level: Level = Level.YELLOW) -> list[Signal]:
    """Raise by one level the signals confirmed by the other family on the same subject and period."""
    by_key: dict[tuple[str, str], list[Signal]] = defaultdict(list)
    for s in signals:
        by_key[(s.subject, s.period)].append(s)
    out = []
    for s in signals:
        others = [o for o in by_key[(s.subject, s.period)] if o.family != s.family and o.level >= min_level]
        if s.level >= min_level and others:
            out.append(s.with_level(s.level.escalate(), corroborated_by=sorted({o.rule_id for o in others}),
                                    level_before_corroboration=s.level.label))
        else:
            out.append(s)
    return out


@dataclass(frozen=True)
class Episode:
    """Consecutive firings of one cause: what a single alert records."""

    subject: str
    indicator: str
    rule_id: str
    family: str
    start_period: str
    last_period: str
    level: Level          # level at the last firing
    peak_level: Level
    peak_period: str
    n_firings: int
    reason: str           # reason at the last firing
    numbers: Mapping[str, Any] = field(default_factory=dict)   # numbers at the last firing
    periods: tuple[str, ...] = ()
    #: every level change inside the episode, in order: (period, level), the first firing included
    changes: tuple[tuple[str, Level], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", MappingProxyType(dict(self.numbers)))

    @property
    def cause(self) -> tuple[str, str, str]:
        return (self.subject, self.indicator, self.rule_id)

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "indicator": self.indicator, "rule_id": self.rule_id,
                "family": self.family, "start_period": self.start_period, "last_period": self.last_period,
                "level": self.level.label, "peak_level": self.peak_level.label, "peak_period": self.peak_period,
                "n_firings": self.n_firings, "reason": self.reason, "numbers": dict(self.numbers),
                "changes": [{"period": p, "level": lv.label} for p, lv in self.changes]}


def _adjacent(a: str, b: str, max_gap: int) -> bool:
    pa, pb = parse_period(a), parse_period(b)
    if pa.freq != pb.freq:
        return False
    return 0 < pb.ordinal() - pa.ordinal() <= max_gap + 1


def episodes(signals: Sequence[Signal], max_gap: int = 1) -> list[Episode]:
    """Group each cause's firings into episodes; a quiet stretch longer than ``max_gap`` periods ends
    one (monthly NBS data skip January, so the default gap of 1 bridges December -> January-February)."""
    by_cause: dict[tuple[str, str, str], list[Signal]] = defaultdict(list)
    for s in signals:
        by_cause[s.cause].append(s)
    out: list[Episode] = []
    for cause, sigs in by_cause.items():
        sigs = sorted(sigs, key=lambda s: parse_period(s.period))
        run: list[Signal] = []
        for s in sigs:
            if run and not _adjacent(run[-1].period, s.period, max_gap):
                out.append(_episode(run))
                run = []
            run.append(s)
        if run:
            out.append(_episode(run))
    return sorted(out, key=lambda e: (parse_period(e.start_period).year, e.start_period, e.subject, e.rule_id))


def _episode(run: list[Signal]) -> Episode:
    peak = max(run, key=lambda s: (s.level, -parse_period(s.period).ordinal()))
    last = run[-1]
    changes: list[tuple[str, Level]] = []
    for s in run:
        if not changes or changes[-1][1] != s.level:
            changes.append((s.period, s.level))
    return Episode(last.subject, last.indicator, last.rule_id, last.family, run[0].period, last.period,
                   last.level, peak.level, peak.period, len(run), last.reason, last.numbers,
                   tuple(s.period for s in run), tuple(changes))


def combined_levels(signals: Sequence[Signal]) -> pd.DataFrame:
    """The highest level per subject and period (the subject's warning light), with the rules behind it."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for s in signals:
        key = (s.subject, s.period)
        r = rows.setdefault(key, {"subject": s.subject, "period": s.period, "level_rank": 0, "rules": set()})
        r["rules"].add(s.rule_id)
        r["level_rank"] = max(r["level_rank"], int(s.level))
    frame = pd.DataFrame([{**r, "rules": ",".join(sorted(r["rules"])), "level": Level(r["level_rank"]).label}
                          for r in rows.values()],
                         columns=["subject", "period", "level_rank", "rules", "level"])
    return frame.sort_values(["subject", "period"], key=lambda c: c.map(
        lambda v: parse_period(v).ordinal() if c.name == "period" else v)).reset_index(drop=True)


def counts_by_year(eps: Sequence[Episode], years: Iterable[int] | None = None, by: str = "peak") -> pd.DataFrame:
    """Number of alerts (episodes) started in each year, by peak level: columns blue..red, total."""
    cols = [lv.label for lv in Level]
    rows: dict[int, dict[str, int]] = defaultdict(lambda: {c: 0 for c in cols})
    for e in eps:
        lv = e.peak_level if by == "peak" else e.level
        rows[parse_period(e.start_period).year][lv.label] += 1
    ys = sorted(set(rows) | set(years or []))
    frame = pd.DataFrame([{"year": y, **rows[y]} for y in ys], columns=["year", *cols])
    frame["total"] = frame[cols].sum(axis=1)
    return frame
