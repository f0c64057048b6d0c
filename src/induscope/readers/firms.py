"""Enterprises and firm-to-firm supply links (one row per firm / per link). See docs/formats.md."""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any, Collection

import numpy as np
import pandas as pd

from ..errors import ProblemCollector
from ..units import CNY_10K, check_usd_cny, resolve_unit, unit_expected
from .columns import (as_text, check_converted, duplicate_rows, industry_known, map_columns,
                      normalize_code, normalize_regions, numeric_column, parse_numbers, report_rows,
                      strip_section)
from .sheets import Sheet, open_sheet

FIRM_COLUMNS = ["firm_id", "name", "region", "industry", "revenue", "employees", "founded", "attributes"]
LINK_COLUMNS = ["supplier", "customer", "value", "product"]

FIRM_ALIASES = {"id": "firm_id", "firm": "firm_id", "企业代码": "firm_id", "统一社会信用代码": "firm_id",
                "企业名称": "name", "名称": "name", "地区": "region", "行业": "industry",
                "行业代码": "industry", "营业收入": "revenue", "从业人员": "employees",
                "从业人数": "employees", "成立年份": "founded", "founding_year": "founded",
                "单位": "unit"}
LINK_ALIASES = {"供应商": "supplier", "seller": "supplier", "from": "supplier", "客户": "customer",
                "buyer": "customer", "to": "customer", "金额": "value", "amount": "value",
                "产品": "product", "industry": "product", "单位": "unit"}

_UNIT_IN_HEADER = re.compile(r"^(.*?)\s*[\[(（【]\s*(.+?)\s*[\])）】]\s*$")
_TRUE = {"true", "yes", "y", "是", "有"}
_FALSE = {"false", "no", "n", "否", "无"}


def split_header_unit(header: str) -> tuple[str, str | None]:
    """'revenue [亿元]' -> ('revenue', '亿元'); 'revenue' -> ('revenue', None)."""
    m = _UNIT_IN_HEADER.match(header)
    return (m.group(1).strip(), m.group(2)) if m else (header, None)


def _money(pc: ProblemCollector, df: pd.DataFrame, column: str, *, header_unit: str | None,
           option_unit: str | None, usd_cny: float | None, source: str,
           required: bool = False) -> tuple[np.ndarray, str]:
    """A monetary column (>= 0) converted to its canonical unit; the unit comes from the row's
    ``unit`` cell, else the header ('revenue [万元]'), else the --unit option."""
    num = numeric_column(pc, df, column, min_value=0.0, required=required, source=source)
    own = as_text(df["unit"]) if "unit" in df else pd.Series([""] * len(df), dtype=object)
    own_mask = (own != "").to_numpy()
    fallback = header_unit or option_unit or ""
    spelled = own.where(own_mask, fallback)
    out = num.copy()
    has_value = ~np.isnan(num)
    canons: set[str] = set()
    for s in pd.unique(spelled):
        mask = (spelled == s).to_numpy()
        if s == "":
            report_rows(pc, df, mask & has_value, column,
                        f"a unit for '{column}': a 'unit' column, a unit in the header "
                        f"('{column} [万元]') or the --unit option", source=source)
            continue
        u = resolve_unit(s, usd_cny=usd_cny, monetary_only=True)
        if u is None:
            report_rows(pc, df, mask & own_mask, "unit", unit_expected(monetary_only=True), source=source)
            if (mask & ~own_mask).any():
                pc.add(row=1 if header_unit else None, column=column if header_unit else "unit",
                       value=s, expected=unit_expected(monetary_only=True), source=source)
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            out[mask] = num[mask] * u.factor
        canons.add(u.canonical)
    if len(canons) > 1:
        pc.add(column="unit", value=", ".join(sorted(canons)), source=source,
               expected="one currency per file (or --usd-cny to convert USD amounts to CNY)")
    bad = check_converted(pc, df, out, column, next(iter(canons)) if len(canons) == 1 else "its unit",
                          source=source)
    out[bad] = np.nan
    return out, (canons.pop() if len(canons) == 1 else CNY_10K)


def read_enterprises(path: str | Path, *, unit: str | None = None, encoding: str = "utf-8",
                     sheet: str | None = None, usd_cny: float | None = None) -> tuple[pd.DataFrame, str]:
    """Read and validate enterprises. Returns (rows for the ``enterprises`` table, revenue unit).

    Columns beyond the known ones become the ``attributes`` JSON (numbers, booleans, text); a
    unit in such a header (``rd_expense [万元]``) converts that attribute like revenue.
    """
    check_usd_cny(usd_cny)
    pc, sh = open_sheet(Path(path), encoding=encoding, sheet=sheet)
    return _enterprises(sh, pc, unit=unit, usd_cny=usd_cny)


def validate_enterprises(frame: pd.DataFrame, source: str = "enterprises", *, unit: str | None = None,
                         usd_cny: float | None = None) -> tuple[pd.DataFrame, str]:
    """The checks of ``read_enterprises`` on a frame with the file's columns (attributes as
    extra columns)."""
    check_usd_cny(usd_cny)
    return _enterprises(Sheet.from_frame(frame, source), ProblemCollector(source), unit=unit,
                        usd_cny=usd_cny)


def _enterprises(sh: Sheet, pc: ProblemCollector, *, unit: str | None, usd_cny: float | None
                 ) -> tuple[pd.DataFrame, str]:
    src = sh.source
    # a unit in the revenue header: map 'revenue [万元]' to 'revenue'
    header_units: dict[str, str] = {}
    clean_header = []
    for h in sh.header:
        base, u = split_header_unit(h)
        if u is not None:
            header_units[base.strip().lower()] = u
        clean_header.append(base if u is not None else h)
    orig_header = sh.header
    sh.header = clean_header
    cols, extras = map_columns(sh, pc, required=["firm_id", "name", "region", "industry"],
                               optional=["revenue", "employees", "founded", "unit"],
                               aliases=FIRM_ALIASES, extra="keep")
    sh.header = orig_header
    if any(c not in cols for c in ("firm_id", "name", "region", "industry")):
        pc.raise_if_any()
    df = sh.frame({**cols, **{f"attr:{k}": i for k, i in extras.items()}})
    df["firm_id"] = as_text(df["firm_id"])
    report_rows(pc, df, (df["firm_id"] == "").to_numpy(), "firm_id", "a firm id (the cell is empty)",
                source=src)
    duplicate_rows(pc, df[df["firm_id"] != ""], ["firm_id"], "firm id", source=src)
    df["name"] = as_text(df["name"])
    report_rows(pc, df, (df["name"] == "").to_numpy(), "name", "a firm name (the cell is empty)",
                source=src)
    region, bad = normalize_regions(df["region"], allow_nation=False)
    report_rows(pc, df, bad, "region",
                "a GB/T 2260 province code (e.g. '320000') or province name", source=src)
    df["region"] = region
    ind = normalize_code(df["industry"])
    digits = ind.map(strip_section)
    bad_ind = ~industry_known(ind) | ~digits.str.fullmatch(r"\d{2,4}").to_numpy(bool)
    report_rows(pc, df, bad_ind, "industry",
                "a GB/T 4754-2017 division or finer code (e.g. '36', '3612' or 'C3612')", source=src)
    df["industry"] = digits

    unit_canon = CNY_10K
    if "revenue" in df:
        df["revenue"], unit_canon = _money(pc, df, "revenue", header_unit=header_units.get("revenue"),
                                           option_unit=unit, usd_cny=usd_cny, source=src)
    else:
        df["revenue"] = np.nan
    if "employees" in df:
        df["employees"] = numeric_column(pc, df, "employees", min_value=0, integer=True,
                                         what="a number of employees", source=src)
    else:
        df["employees"] = np.nan
    if "founded" in df:
        year = numeric_column(pc, df, "founded", integer=True, what="a founding year", source=src)
        this_year = _dt.date.today().year
        out = ~np.isnan(year) & ((year < 1800) | (year > this_year))
        report_rows(pc, df, out, "founded", f"a founding year between 1800 and {this_year}", source=src)
        df["founded"] = year
    else:
        df["founded"] = np.nan

    attrs = _attributes(pc, df, extras, header_units, usd_cny, src)
    df["attributes"] = attrs
    pc.raise_if_any()
    out = df[["firm_id", "name", "region", "industry", "revenue", "employees", "founded",
              "attributes", "_row"]].copy()
    for c in ("employees", "founded"):
        out[c] = pd.array([None if np.isnan(v) else int(v) for v in out[c].to_numpy(float)], dtype="Int64")
    return out.reset_index(drop=True), unit_canon


def _attributes(pc: ProblemCollector, df: pd.DataFrame, extras: dict[str, int],
                header_units: dict[str, str], usd_cny: float | None, src: str) -> list[dict[str, Any]]:
    per_row: list[dict[str, Any]] = [{} for _ in range(len(df))]
    for header in extras:
        name, hunit = split_header_unit(header)
        # map_columns saw the header without its unit ('rd [亿元]' -> 'rd'): take the unit from there
        hunit = hunit or header_units.get(name.strip().lower())
        col = f"attr:{header}"
        text = as_text(df[col])
        num, missing, bad = parse_numbers(df[col])
        factor = 1.0
        if hunit is not None:
            u = resolve_unit(hunit, usd_cny=usd_cny)
            if u is None:
                pc.add(row=1, column=header, value=hunit, source=src, expected=unit_expected())
            else:
                factor = u.factor  # stored in the canonical unit (10,000 CNY for CNY amounts)
                report_rows(pc, df, bad, header, "a number (the header states a unit)", value_col=col,
                            source=src)
        with np.errstate(over="ignore", invalid="ignore"):
            conv = num * factor
        huge = check_converted(pc, df.assign(**{header: df[col]}), np.where(bad, np.nan, conv), header,
                               u.canonical if hunit is not None and u is not None else "its unit",
                               source=src) if hunit is not None else np.zeros(len(df), bool)
        # a column holding codes with a leading zero ('01' .. '42') is a column of text: as numbers
        # they would lose the zero (and '10' would differ in kind from '09')
        if hunit is None and text.str.match(r"^[+-]?0\d").any():
            bad, num = bad | ~missing, np.full_like(num, np.nan)
        # in a column of words (a category), 'none' or 'na' is a category, not a missing number
        categorical = hunit is None and bool((bad & ~missing).any())
        blank = (text == "").to_numpy()
        for k in range(len(df)):
            if blank[k] or huge[k] or (missing[k] and not categorical):
                continue
            if not bad[k] and not missing[k]:
                v = conv[k]
                per_row[k][name] = int(v) if float(v).is_integer() and abs(v) < 2**53 else float(v)
            else:
                t = text.iat[k]
                low = t.lower()
                per_row[k][name] = True if low in _TRUE else False if low in _FALSE else t
    return per_row


def read_supply_links(path: str | Path, *, known_firms: Collection[str] | None = None,
                      unit: str | None = None, encoding: str = "utf-8", sheet: str | None = None,
                      usd_cny: float | None = None) -> tuple[pd.DataFrame, str]:
    """Read and validate supply links. ``known_firms``: ids a link may name (None: not checked).

    Returns (rows for the ``supply_links`` table, value unit).
    """
    check_usd_cny(usd_cny)
    pc, sh = open_sheet(Path(path), encoding=encoding, sheet=sheet)
    return _supply_links(sh, pc, known_firms=known_firms, unit=unit, usd_cny=usd_cny)


def validate_supply_links(frame: pd.DataFrame, source: str = "supply_links", *,
                          known_firms: Collection[str] | None = None, unit: str | None = None,
                          usd_cny: float | None = None) -> tuple[pd.DataFrame, str]:
    """The checks of ``read_supply_links`` on a frame with the file's columns."""
    check_usd_cny(usd_cny)
    return _supply_links(Sheet.from_frame(frame, source), ProblemCollector(source),
                         known_firms=known_firms, unit=unit, usd_cny=usd_cny)


def _supply_links(sh: Sheet, pc: ProblemCollector, *, known_firms: Collection[str] | None,
                  unit: str | None, usd_cny: float | None) -> tuple[pd.DataFrame, str]:
    src = sh.source
    header_units: dict[str, str] = {}
    orig = sh.header
    clean = []
    for h in sh.header:
        base, u = split_header_unit(h)
        if u is not None:
            header_units[base.strip().lower()] = u
        clean.append(base if u is not None else h)
    sh.header = clean
    cols, _ = map_columns(sh, pc, required=["supplier", "customer", "value"],
                          optional=["product", "unit"], aliases=LINK_ALIASES)
    sh.header = orig
    if any(c not in cols for c in ("supplier", "customer", "value")):
        pc.raise_if_any()
    df = sh.frame(cols)
    for c in ("supplier", "customer"):
        df[c] = as_text(df[c])
        report_rows(pc, df, (df[c] == "").to_numpy(), c, f"a firm id for the {c} (the cell is empty)",
                    source=src)
        if known_firms is not None:
            known = set(known_firms)
            unknown = ~df[c].isin(known).to_numpy() & (df[c] != "").to_numpy()
            report_rows(pc, df, unknown, c,
                        "the id of a firm already in the workspace (import the enterprises first)",
                        source=src)
    self_link = (df["supplier"] == df["customer"]).to_numpy() & (df["supplier"] != "").to_numpy()
    report_rows(pc, df, self_link, "customer", "a firm other than the supplier (no self-links)",
                source=src)
    df["product"] = as_text(df["product"]) if "product" in df else ""
    num, unit_canon = _money(pc, df, "value", header_unit=header_units.get("value"), option_unit=unit,
                             usd_cny=usd_cny, source=src, required=True)
    df["value"] = num
    duplicate_rows(pc, df, ["supplier", "customer", "product"], "link (supplier, customer, product)",
                   source=src)
    pc.raise_if_any()
    return df[["supplier", "customer", "value", "product", "_row"]].reset_index(drop=True), unit_canon
