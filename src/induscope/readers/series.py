"""Statistical series in long form: one value per row.

Columns: ``indicator, region, industry, period, value`` (required), ``unit, price_basis, vintage``
(required unless given as options, which then fill empty cells). Other columns are errors unless
their header starts with '#'. See docs/formats.md for codes, periods, price bases and units.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (as_text, map_unique, check_usd_cny, duplicate_rows, industry_known, map_columns,
                     normalize_code, normalize_regions, numeric_column, open_sheet, report_rows,
                     resolve_unit, unit_expected)

COLUMNS = ["indicator", "region", "industry", "period", "value", "unit", "price_basis", "vintage"]
KEY = ["indicator", "region", "industry", "period", "price_basis", "vintage"]

ALIASES = {"指标": "indicator", "地区": "region", "行业": "industry", "时期": "period", "时间": "period",
           "数值": "value", "单位": "unit", "价格口径": "price_basis", "口径": "price_basis",
           "版本": "vintage", "date": "period", "price basis": "price_basis"}

#: accepted price bases (plus ``constant_YYYY``: constant prices of base year YYYY)
PRICE_BASES = {
    "current": "current prices",
    "constant": "constant prices (base year not stated)",
    "index_prev_year_100": "index, same period of the previous year = 100",
    "index_prev_period_100": "index, previous period = 100",
    "index_base_100": "index, base period = 100",
    "growth_pct": "growth over the same period of the previous year, %",
    "ytd_growth_pct": "year-to-date growth over the same period of the previous year, %",
    "ytd_current": "year-to-date total at current prices",
    "share_pct": "share, %",
    "level": "a level without a price basis (counts, physical quantities, ratios)",
}
_CONSTANT = re.compile(r"constant_(19|20)\d\d")

_MONTH = re.compile(r"^(\d{4})(?:-|M|m|/|\.)?(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})[-\s]?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_periods(text: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Period cells -> (canonical period, freq M/Q/A, bad mask).

    Accepts 2024, 2024Q1, 2024-Q1, 2024-03, 2024M03, 2024M3, 2024/03, 202403 and Excel dates
    (a month). Canonical: '2024', '2024Q1', '2024-03'.
    """
    def one(v) -> tuple[str | None, str | None]:
        if hasattr(v, "year") and hasattr(v, "month"):  # datetime from Excel
            return f"{v.year:04d}-{v.month:02d}", "M"
        s = "" if v is None else str(v).strip()
        if isinstance(v, float) and v.is_integer():
            s = str(int(v))
        if m := _YEAR.match(s):
            return s, "A"
        if m := _QUARTER.match(s):
            return f"{m.group(1)}Q{m.group(2)}", "Q"
        if (m := _MONTH.match(s)) and 1 <= int(m.group(2)) <= 12:
            if len(m.group(2)) == 1 and s[4:5].isdigit():
                return None, None  # '20243' is ambiguous
            return f"{m.group(1)}-{int(m.group(2)):02d}", "M"
        return None, None
    pairs = map_unique(text, one)
    period = pairs.map(lambda pf: pf[0])
    freq = pairs.map(lambda pf: pf[1])
    return period, freq, period.isna().to_numpy()


def price_basis_ok(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: v in PRICE_BASES or bool(_CONSTANT.fullmatch(str(v)))).to_numpy(bool)


def read_series(path: str | Path, *, unit: str | None = None, price_basis: str | None = None,
                vintage: str | None = None, encoding: str = "utf-8", sheet: str | None = None,
                usd_cny: float | None = None) -> pd.DataFrame:
    """Read and validate a long series file; returns rows ready for the ``series`` table
    (values converted to the canonical unit). Raises ValidationError with every problem."""
    check_usd_cny(usd_cny)
    path = Path(path)
    pc, sh = open_sheet(path, encoding=encoding, sheet=sheet)
    defaults = {"unit": unit, "price_basis": price_basis, "vintage": vintage}
    required = ["indicator", "region", "industry", "period", "value"] + [k for k, v in defaults.items()
                                                                        if v is None]
    optional = [k for k, v in defaults.items() if v is not None]
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
    df["price_basis"] = df["price_basis"].str.lower()

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
    report_rows(pc, df, bad_period, "period", "a period like 2024, 2024Q1, 2024-03 or 2024M03",
                source=src)
    df["period"] = period.where(~bad_period, as_text(df["period"]))
    df["freq"] = freq

    bad_pb = ~price_basis_ok(df["price_basis"]) & (df["price_basis"] != "").to_numpy()
    report_rows(pc, df, bad_pb, "price_basis",
                f"one of {sorted(PRICE_BASES)} or constant_YYYY", source=src)

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
    df["value"] = value * factors

    ok_key = ~(bad_region | bad_ind | bad_period)
    duplicate_rows(pc, df[ok_key], KEY, "series key (indicator, region, industry, period, price_basis, "
                   "vintage)", source=src)
    pc.raise_if_any()
    return df[COLUMNS + ["freq", "_row"]].reset_index(drop=True)
