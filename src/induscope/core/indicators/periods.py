"""Period labels: canonical forms, parsing (incl. NBS Chinese and English labels), shifting by years.

Canonical labels (what the workspace ``series.period`` column holds):
  'YYYY'        annual (freq A)
  'YYYYQn'      quarterly (freq Q)
  'YYYY-MM'     monthly (freq M); for NBS monthly industry, 'YYYY-02' may hold January-February merged
  'YYYY-MM-DD'  daily (freq D), used by enterprise operating reports sent more often than monthly
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.I)
_YEAR = re.compile(r"^(\d{4})$")
# NBS Chinese labels: 2008年02月份, 2008年2月, 2025年第1季度, 2024年第1-4季度 (cumulative), 2024年
_ZH_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月份?$")
_ZH_QUARTER = re.compile(r"^(\d{4})年第([1-4])季度$")
_ZH_CUM_QUARTER = re.compile(r"^(\d{4})年第1-([1-4])季度$")
_ZH_YEAR = re.compile(r"^(\d{4})年?$")
# NBS English export: '1Q 2026'
_EN_QUARTER = re.compile(r"^([1-4])Q\s*(\d{4})$", re.I)


@dataclass(frozen=True, order=True)
class Period:
    """A parsed period; ``sub`` is the month (M), quarter (Q), day-of-year ordinal (D) or 0 (A)."""

    year: int
    sub: int
    freq: str
    day: int = 0

    @property
    def label(self) -> str:
        if self.freq == "A":
            return f"{self.year}"
        if self.freq == "Q":
            return f"{self.year}Q{self.sub}"
        if self.freq == "M":
            return f"{self.year}-{self.sub:02d}"
        return f"{self.year}-{self.sub:02d}-{self.day:02d}"

    def shift_years(self, k: int) -> "Period":
        return Period(self.year + k, self.sub, self.freq, self.day)

    def ordinal(self) -> int:
        """A sortable integer within one frequency (months since year 0 for M, ...)."""
        per_year = {"A": 1, "Q": 4, "M": 12, "D": 372}[self.freq]
        sub = self.sub if self.freq != "D" else (self.sub - 1) * 31 + self.day
        return self.year * per_year + max(sub, 1) - 1


def parse_period(label: object) -> Period:
    """Parse a period label into a Period; raises ValueError with the label if it is not understood."""
    return _parse(str(label).strip())


@lru_cache(maxsize=65536)
def _parse(s: str) -> Period:
    label = s
    for rx, freq in ((_MONTH, "M"), (_ZH_MONTH, "M")):
        m = rx.match(s)
        if m:
            month = int(m.group(2))
            if not 1 <= month <= 12:
                break
            return Period(int(m.group(1)), month, freq)
    m = _DAY.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return Period(y, mo, "D", d)
    for rx in (_QUARTER, _ZH_QUARTER, _ZH_CUM_QUARTER):
        m = rx.match(s)
        if m:
            return Period(int(m.group(1)), int(m.group(2)), "Q")
    m = _EN_QUARTER.match(s)
    if m:
        return Period(int(m.group(2)), int(m.group(1)), "Q")
    for rx in (_YEAR, _ZH_YEAR):
        m = rx.match(s)
        if m:
            return Period(int(m.group(1)), 0, "A")
    raise ValueError(f"not a period label: {label!r} (expected YYYY, YYYYQn, YYYY-MM or YYYY-MM-DD)")


def canonical(label: object) -> str:
    """The canonical label of any accepted period label ('2008年02月份' -> '2008-02')."""
    return parse_period(label).label


def freq_of(label: object) -> str:
    return parse_period(label).freq


def shift_year(label: str, k: int = -1) -> str:
    """The same period k years later (k=-1: the same period last year)."""
    return parse_period(label).shift_years(k).label


def year_of(label: str) -> int:
    return parse_period(label).year


def sort_periods(labels) -> list[str]:
    return sorted({canonical(p) for p in labels}, key=lambda p: parse_period(p))


def month_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"
