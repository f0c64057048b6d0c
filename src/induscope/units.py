"""The one table of units and conversions (money, energy, persons, quantities, ratios).

Every reader, importer and the operating-report reader resolve unit spellings here, so a unit
accepted by one importer is accepted by all (``千元`` included). A spelling resolves to a ``Unit``:
the canonical spelling it is stored under and the factor that takes a value there.

- Money in CNY is stored in 10,000 CNY (万元, the NBS convention); USD amounts in USD million (or in
  10,000 CNY when an exchange rate is given); EUR amounts in EUR million.
- Other units keep their own canonical spelling (``亿千瓦时`` is stored as '100 million kWh', not
  converted), because statistical series are published and compared in their own unit. ``factor``
  then is 1, and ``convert_factor`` converts between units of one dimension where a caller needs a
  fixed unit (operating reports: power in 10,000 kWh, capacity utilisation in %).

Values are checked after conversion (``check_converted``): a finite number in the given unit can
overflow (1e308 亿元 is inf in 10,000 CNY) or leave the range any real economic quantity has.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .errors import InputError

CNY_10K = "10,000 CNY"
USD_MILLION = "USD million"
EUR_MILLION = "EUR million"

#: the largest magnitude accepted after conversion to the canonical unit: far beyond any real
#: quantity in any supported unit (world output is ~1e10 x 10,000 CNY), yet far from overflow, so
#: sums and products of stored values stay finite
MAX_ABS = 1e18

# (spellings, dimension, canonical spelling of this unit, factor to the dimension's base unit)
# The first spelling of each group is the canonical one.
_TABLE: list[tuple[list[str], str, float]] = [
    # money, CNY (base: 10,000 CNY)
    (["CNY", "元", "yuan", "RMB", "人民币元"], "money_cny", 1e-4),
    (["1,000 CNY", "thousand CNY", "CNY thousand", "千元", "千元人民币"], "money_cny", 0.1),
    (["10,000 CNY", "10 thousand CNY", "ten thousand CNY", "CNY 10,000", "10k CNY", "万元", "万元人民币"],
     "money_cny", 1.0),
    (["million CNY", "CNY million", "百万元"], "money_cny", 100.0),
    (["100 million CNY", "CNY 100 million", "hundred million CNY", "亿元", "亿元人民币"], "money_cny", 1e4),
    (["billion CNY", "CNY billion", "十亿元"], "money_cny", 1e5),
    # money, USD (base: USD million)
    (["USD", "美元", "US$", "US dollars"], "money_usd", 1e-6),
    (["thousand USD", "USD thousand", "千美元"], "money_usd", 1e-3),
    (["USD million", "million USD", "Mill USD", "US$ million", "USD mn", "百万美元"], "money_usd", 1.0),
    (["100 million USD", "亿美元"], "money_usd", 100.0),
    (["billion USD", "USD billion", "十亿美元"], "money_usd", 1e3),
    # money, EUR (base: EUR million)
    (["EUR million", "million EUR", "M.EUR", "MEUR", "Mill EUR"], "money_eur", 1.0),
    # shares (base: %)
    (["%", "percent", "pct", "百分比"], "share", 1.0),
    (["ratio", "1", "share"], "share", 100.0),
    (["percentage points", "pp", "百分点"], "points", 1.0),
    (["index", "指数", "index (previous year = 100)", "上年=100", "上年同期=100"], "index", 1.0),
    # persons (base: persons)
    (["persons", "人", "people"], "persons", 1.0),
    (["10,000 persons", "万人"], "persons", 1e4),
    # mass (base: tonnes)
    (["tonnes", "吨", "t"], "mass", 1.0),
    (["10,000 tonnes", "万吨"], "mass", 1e4),
    # counts (base: units)
    (["units", "个", "台", "辆", "件", "套", "pieces", "count"], "count", 1.0),
    (["10,000 units", "万台", "万辆", "万件", "万套", "万个"], "count", 1e4),
    # energy (base: kWh)
    (["kWh", "千瓦时", "度"], "energy", 1.0),
    (["MWh", "兆瓦时"], "energy", 1e3),
    (["10,000 kWh", "万千瓦时", "万度"], "energy", 1e4),
    (["GWh", "百万千瓦时"], "energy", 1e6),
    (["100 million kWh", "亿千瓦时", "亿度"], "energy", 1e8),
]

#: the unit money of each currency is stored in
_MONEY_CANONICAL = {"money_cny": CNY_10K, "money_usd": USD_MILLION, "money_eur": EUR_MILLION}


def _key(s: str) -> str:
    """Spelling -> lookup key: case, spaces, commas and '_' ignored; 'RMB' = 'CNY', 'ten' = '10'."""
    return re.sub(r"[\s,_]+", "", str(s).strip().lower()).replace("rmb", "cny").replace("ten", "10")


@dataclass(frozen=True)
class _Entry:
    canonical: str   # canonical spelling of this unit
    dimension: str
    to_base: float   # factor to the dimension's base unit


_ENTRIES: dict[str, _Entry] = {}
_SPELLINGS: list[str] = []
for _names, _dim, _f in _TABLE:
    for _n in _names:
        _ENTRIES[_key(_n)] = _Entry(_names[0], _dim, _f)
        _SPELLINGS.append(_n)


@dataclass(frozen=True)
class Unit:
    """A resolved unit: what values are stored in, and the factor that takes them there."""

    given: str
    canonical: str
    factor: float
    monetary: bool
    dimension: str = ""


def lookup(text: str) -> _Entry | None:
    """The table entry of a spelling (None when unknown)."""
    return _ENTRIES.get(_key(text))


def resolve_unit(text: str, *, usd_cny: float | None = None, monetary_only: bool = False) -> Unit | None:
    """Resolve a unit spelling. CNY amounts go to 10,000 CNY; USD amounts to USD million, or to
    10,000 CNY when ``usd_cny`` (CNY per USD) is given; EUR million stays; other units keep their
    canonical spelling with factor 1. None when unknown (or not money with ``monetary_only``)."""
    e = lookup(text)
    if e is None:
        return None
    if e.dimension in _MONEY_CANONICAL:
        if e.dimension == "money_usd" and usd_cny is not None:
            # 1 USD million = usd_cny * 100 x 10,000 CNY
            return Unit(str(text), CNY_10K, e.to_base * usd_cny * 100.0, True, "money_cny")
        return Unit(str(text), _MONEY_CANONICAL[e.dimension], e.to_base, True, e.dimension)
    if monetary_only:
        return None
    return Unit(str(text), e.canonical, 1.0, False, e.dimension)


def convert_factor(given: str, target: str) -> float | None:
    """The factor taking a value in ``given`` to ``target`` (same dimension), None if they differ
    or either is unknown. ``convert_factor('亿元', '10,000 CNY') == 1e4``."""
    a, b = lookup(given), lookup(target)
    if a is None or b is None or a.dimension != b.dimension:
        return None
    return a.to_base / b.to_base


#: how many single currency units (one CNY, USD, EUR) the base unit of each money dimension holds
_CURRENCY_PER_BASE = {"money_cny": 1e4, "money_usd": 1e6, "money_eur": 1e6}


def currency_units(unit: str) -> float | None:
    """Single currency units in one ``unit`` ('10,000 CNY' -> 1e4, 'USD million' -> 1e6, '亿元' ->
    1e8); None for a unit that is not money (models that think in currency units use this)."""
    e = lookup(unit)
    if e is None or e.dimension not in _CURRENCY_PER_BASE:
        return None
    return e.to_base * _CURRENCY_PER_BASE[e.dimension]


def same_dimension_spellings(target: str) -> list[str]:
    """Every accepted spelling convertible to ``target`` (for 'expected' messages)."""
    t = lookup(target)
    if t is None:
        return []
    return [s for s in _SPELLINGS if _ENTRIES[_key(s)].dimension == t.dimension]


def accepted_units(monetary_only: bool = False) -> list[str]:
    return [s for s in _SPELLINGS
            if not monetary_only or _ENTRIES[_key(s)].dimension in _MONEY_CANONICAL]


def unit_expected(monetary_only: bool = False) -> str:
    money = ("10,000 CNY (万元), 100 million CNY (亿元), 1,000 CNY (千元), CNY (元), USD million, "
             "EUR million")
    if monetary_only:
        return f"a monetary unit: {money} (see docs/formats.md for all spellings)"
    return (f"a known unit: {money}, or %, index, persons, tonnes, units, kWh ... "
            "(see docs/formats.md for all spellings)")


def check_usd_cny(usd_cny: float | None) -> None:
    if usd_cny is not None and not (isinstance(usd_cny, (int, float)) and math.isfinite(usd_cny)
                                    and usd_cny > 0):
        raise InputError(f"--usd-cny must be a positive exchange rate (CNY per USD), got {usd_cny}")


def out_of_range(converted: np.ndarray) -> np.ndarray:
    """Mask of converted values that are not finite or beyond ``MAX_ABS`` (NaN = missing: not flagged)."""
    v = np.asarray(converted, dtype=float)
    with np.errstate(invalid="ignore"):
        return ~np.isnan(v) & ~(np.abs(v) <= MAX_ABS)


def range_expected(unit: str) -> str:
    return (f"a value that stays finite and within ±{MAX_ABS:g} once converted to {unit} "
            "(check the unit: the number is far beyond any real quantity)")
