"""Statistical series in long form: one value per row.

Columns: ``indicator, region, industry, period, value`` (required), ``unit, price_basis, vintage``
(required unless given as options, which then fill empty cells), ``subject`` (optional: a park, a
cluster, a key enterprise, a chain node or a free series id; empty = the region x industry series
itself). Other columns are errors unless their header starts with '#'. See docs/formats.md for
codes, periods, price bases and units.

``read_series`` reads a file; ``validate_series`` applies the same checks to a frame built in
code (the demo economy, an API payload), so every way into the ``series`` table is checked alike.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.indicators.vocabulary import GROWTH_BASES, canonical_indicator, growth_basis
from ..errors import ProblemCollector
from ..units import check_usd_cny, resolve_unit, unit_expected
from .columns import (as_text, check_converted, is_missing, map_unique, duplicate_rows, industry_known, map_columns,
                      normalize_code, normalize_regions, numeric_column, parse_periods,  # noqa: F401
                      period_expected, report_rows)
from .sheets import Sheet, open_sheet

COLUMNS = ["indicator", "region", "industry", "subject", "period", "value", "unit", "price_basis", "vintage"]
KEY = ["indicator", "region", "industry", "subject", "period", "price_basis", "vintage"]

ALIASES = {"指标": "indicator", "地区": "region", "行业": "industry", "时期": "period", "时间": "period",
           "数值": "value", "单位": "unit", "价格口径": "price_basis", "口径": "price_basis",
           "版本": "vintage", "date": "period", "price basis": "price_basis",
           "主体": "subject", "对象": "subject", "series_id": "subject", "series id": "subject"}

#: a subject is an id, not a label: it appears in watch items ('series:IND/REGION/INDUSTRY/SUBJECT=LABEL'),
#: so '/', '=', ':', ',' and spaces are out; letters of any script, digits, '_', '-', '.'
SUBJECT_MAX = 64
_SUBJECT = re.compile(r"[\w.\-]+")
SUBJECT_EXPECTED = (f"a subject id of at most {SUBJECT_MAX} characters: letters (any script, e.g. 张江园区), "
                    "digits, '_', '-' or '.' (no spaces, '/', '=', ':'); empty = the region x industry series")


def subject_ok(value: str) -> bool:
    """Whether ``value`` (stripped) is a valid subject id ('' is: no subject)."""
    v = str(value)
    return v == "" or (len(v) <= SUBJECT_MAX and bool(_SUBJECT.fullmatch(v)))

#: accepted price bases (plus ``constant_YYYY``: constant prices of base year YYYY); the spelling
#: stored is the key, the one the indicator and monitoring services query
PRICE_BASES = {
    "current": "current prices",
    "constant": "constant prices (base year not stated)",
    "index_prev_year_100": "index, same period of the previous year = 100",
    "index_prev_period_100": "index, previous period = 100",
    "index_base_100": "index, base period = 100",
    "growth_yoy_pct": "growth over the same period of the previous year, %",
    "growth_ytd_pct": "year-to-date growth over the same period of the previous year, %",
    "ytd_current": "year-to-date total at current prices",
    "share_pct": "share, %",
    "diffusion_index": "a diffusion index, 50 = no change (a PMI)",
    "level": "a level without a price basis (counts, physical quantities, ratios)",
}
#: other accepted spellings of a price basis -> the stored one (growth rates: the indicator
#: vocabulary's aliases, e.g. 'growth_pct' and '同比' -> 'growth_yoy_pct')
PRICE_BASIS_ALIASES = {**{a: b for b, al in GROWTH_BASES.items() for a in al}, "现价": "current"}
_CONSTANT = re.compile(r"constant_(19|20)\d\d")


def canonical_price_basis(value: str) -> str:
    """A price-basis spelling as stored ('growth_pct' -> 'growth_yoy_pct'); unknown ones unchanged."""
    v = str(value).strip()
    return growth_basis(v) or PRICE_BASIS_ALIASES.get(v, v.lower())


def price_basis_ok(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: v in PRICE_BASES or bool(_CONSTANT.fullmatch(str(v)))).to_numpy(bool)


def read_series(path: str | Path, *, unit: str | None = None, price_basis: str | None = None,
                vintage: str | None = None, encoding: str = "utf-8", sheet: str | None = None,
                usd_cny: float | None = None) -> pd.DataFrame:
    """Read and validate a long series file; returns rows ready for the ``series`` table
    (values converted to the canonical unit). Raises ValidationError with every problem."""
    check_usd_cny(usd_cny)
    pc, sh = open_sheet(Path(path), encoding=encoding, sheet=sheet)
    return _validate(sh, pc, unit=unit, price_basis=price_basis, vintage=vintage, usd_cny=usd_cny)


def validate_series(frame: pd.DataFrame, source: str = "series", *, unit: str | None = None,
                    price_basis: str | None = None, vintage: str | None = None,
                    usd_cny: float | None = None) -> pd.DataFrame:
    """The checks of ``read_series`` on a frame with the file's columns (rows numbered from 2)."""
    check_usd_cny(usd_cny)
    return _validate(Sheet.from_frame(frame, source), ProblemCollector(source), unit=unit,
                     price_basis=price_basis, vintage=vintage, usd_cny=usd_cny)


def _validate(sh: Sheet, pc: ProblemCollector, *, unit: str | None, price_basis: str | None,
              vintage: str | None, usd_cny: float | None) -> pd.DataFrame:
    defaults = {"unit": unit, "price_basis": price_basis, "vintage": vintage}
    required = ["indicator", "region", "industry", "period", "value"] + [k for k, v in defaults.items()
                                                                        if v is None]
    optional = [k for k, v in defaults.items() if v is not None] + ["subject"]
    cols, _ = map_columns(sh, pc, required=required, optional=optional, aliases=ALIASES)
    if any(c not in cols for c in required):
        pc.raise_if_any()
    src = sh.source
    df = sh.frame(cols)
    for k, v in defaults.items():
        if k not in df:
            df[k] = v
    for c in ("indicator", "unit", "price_basis", "vintage"):
        df[c] = as_text(df[c])
        if defaults.get(c) is not None:
            df[c] = df[c].where(df[c] != "", defaults[c])
        report_rows(pc, df, (df[c] == "").to_numpy(), c, f"a {c.replace('_', ' ')} (the cell is empty)",
                    source=src)
    df["price_basis"] = map_unique(df["price_basis"], canonical_price_basis)
    df["indicator"] = map_unique(df["indicator"], canonical_indicator)  # '工业增加值' -> 'value_added'

    # subject: optional; an empty cell (or 'NA', '-', ...) is the plain region x industry series
    subject = as_text(df["subject"]) if "subject" in df else pd.Series("", index=df.index)
    subject = subject.where(~is_missing(subject), "")
    df["subject"] = subject
    report_rows(pc, df, ~subject.map(subject_ok).to_numpy(bool), "subject", SUBJECT_EXPECTED, source=src)

    # regions: 31 provinces (code or name) or the nation
    region, bad_region = normalize_regions(df["region"], allow_nation=True)
    report_rows(pc, df, bad_region, "region",
                "a GB/T 2260 province code (e.g. '110000'), a province name, or the nation "
                "('000000', 'CN', '全国')", source=src)
    df["region"] = region

    industry = normalize_code(df["industry"])
    bad_ind = ~industry_known(industry)
    report_rows(pc, df, bad_ind, "industry",
                "a GB/T 4754-2017 code (section letter, 2-4 digit code) or an aggregate "
                "(TOTAL, BCD, HT, EQ)", source=src)
    df["industry"] = industry

    period, freq, bad_period = parse_periods(df["period"])
    report_rows(pc, df, bad_period, "period", period_expected(), source=src)
    df["period"] = period.where(~bad_period, as_text(df["period"]))
    df["freq"] = freq

    bad_pb = ~price_basis_ok(df["price_basis"]) & (df["price_basis"] != "").to_numpy()
    report_rows(pc, df, bad_pb, "price_basis",
                f"one of {sorted(PRICE_BASES)} or constant_YYYY (also accepted: "
                f"{', '.join(sorted(PRICE_BASIS_ALIASES))})", source=src)

    value = numeric_column(pc, df, "value", what="a number (or an empty cell for 'not published')",
                           source=src)

    # units: resolve each distinct spelling once
    factors = np.ones(len(df))
    canon = df["unit"].copy()
    for spelled in pd.unique(df["unit"]):
        if spelled == "":
            continue
        u = resolve_unit(spelled, usd_cny=usd_cny)
        mask = (df["unit"] == spelled).to_numpy()
        if u is None:
            report_rows(pc, df, mask, "unit", unit_expected(), source=src)
            continue
        factors[mask] = u.factor
        canon[mask] = u.canonical
    df["unit"] = canon
    with np.errstate(over="ignore", invalid="ignore"):
        converted = value * factors
    bad_value = check_converted(pc, df, converted, "value", df["unit"], source=src)
    df["value"] = np.where(bad_value, np.nan, converted)

    ok_key = ~(bad_region | bad_ind | bad_period)
    duplicate_rows(pc, df[ok_key], KEY, "series key (indicator, region, industry, subject, period, "
                   "price_basis, vintage)", source=src)
    pc.raise_if_any()
    return df[COLUMNS + ["freq", "_row"]].reset_index(drop=True)
