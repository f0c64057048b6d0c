"""Monthly macro files used by the nowcasts: FRED-MD and the NBS monthly releases as mirrored by AKShare.

- FRED-MD (McCracken & Ng): ``sasdate`` column, a ``Transform:`` row of transformation codes (1-7),
  then one row per month (``M/D/YYYY``); the appendix gives each series' description and group (1-8).
- NBS monthly value added of industry above designated size (``月份, 同比增长, 累计增长, 发布时间``; months
  written ``2008年02月份``; January usually missing: NBS publishes January-February together).
- NBS / CFLP PMI (``月份, 制造业-指数, 制造业-同比增长, 非制造业-指数, 非制造业-同比增长``).

Every reader returns frames indexed by period strings ``YYYY-MM`` (sorted, unique) and reports every
problem at once with file, row and column.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ProblemCollector

_CN_MONTH = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月份?\s*$")


def _read_csv(path: Path, pc: ProblemCollector, encoding: str = "utf-8-sig") -> pd.DataFrame | None:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    except FileNotFoundError:
        pc.add(expected="an existing file")
    except UnicodeDecodeError:
        pc.add(expected=f"a text file in {encoding}")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        pc.add(expected=f"a CSV table ({str(e).splitlines()[0]})")
    return None


def _numbers(frame: pd.DataFrame, columns: list[str], pc: ProblemCollector, first_row: int = 2) -> pd.DataFrame:
    """Columns as floats; blank -> NaN; anything else that is not a finite number is a located problem."""
    out = {}
    for c in columns:
        text = frame[c].astype(str).str.strip()
        vals = pd.to_numeric(text.where(text != "", None), errors="coerce")
        bad = (text != "") & (vals.isna() | ~np.isfinite(vals.fillna(0.0)))
        for i in np.flatnonzero(bad.to_numpy())[:20]:
            pc.add(row=first_row + int(i), column=c, value=text.iloc[i], expected="a finite number or blank")
        out[c] = vals.astype(float)
    return pd.DataFrame(out, index=frame.index)


def _check_periods(index: pd.Index, pc: ProblemCollector, column: str) -> None:
    dup = index[index.duplicated()]
    for p in list(dup)[:20]:
        pc.add(column=column, value=p, expected="one row per month")


def read_fred_md(path: str | Path) -> tuple[pd.DataFrame, pd.Series]:
    """FRED-MD as (data indexed by ``YYYY-MM``, transformation code per series)."""
    path = Path(path)
    pc = ProblemCollector(path.name)
    raw = _read_csv(path, pc)
    pc.raise_if_any()
    if "sasdate" not in raw.columns:
        pc.add(row=1, column="sasdate", expected="a FRED-MD file with a 'sasdate' column")
        pc.raise_if_any()
    if raw.empty or raw.iloc[0]["sasdate"].strip() != "Transform:":
        pc.add(row=2, column="sasdate", value=None if raw.empty else raw.iloc[0]["sasdate"],
               expected="the 'Transform:' row of transformation codes")
        pc.raise_if_any()
    series = [c for c in raw.columns if c != "sasdate"]
    codes = _numbers(raw.iloc[[0]], series, pc)
    tcodes = codes.iloc[0]
    for c in series:
        t = tcodes[c]
        if not (np.isfinite(t) and float(t).is_integer() and 1 <= t <= 7):
            pc.add(row=2, column=c, value=raw.iloc[0][c], expected="a transformation code 1-7")
    body = raw.iloc[1:]
    body = body[body["sasdate"].str.strip() != ""]
    dates = pd.to_datetime(body["sasdate"].str.strip(), format="%m/%d/%Y", errors="coerce")
    for i in np.flatnonzero(dates.isna().to_numpy())[:20]:
        pc.add(row=3 + int(i), column="sasdate", value=body["sasdate"].iloc[i], expected="a date M/D/YYYY")
    values = _numbers(body, series, pc, first_row=3)
    pc.raise_if_any()
    values.index = pd.Index(dates.dt.strftime("%Y-%m"), name="period")
    _check_periods(values.index, pc, "sasdate")
    pc.raise_if_any()
    return values.sort_index(), tcodes.astype(int)


def read_fred_md_appendix(path: str | Path) -> pd.DataFrame:
    """FRED-MD appendix: one row per series with ``fred`` (id, upper case), ``tcode``, ``description``,
    ``group`` (1 output and income .. 8 stock market)."""
    path = Path(path)
    pc = ProblemCollector(path.name)
    raw = _read_csv(path, pc, encoding="latin-1")
    pc.raise_if_any()
    missing = [c for c in ("fred", "tcode", "description", "group") if c not in raw.columns]
    for c in missing:
        pc.add(row=1, column=c, expected="a FRED-MD appendix column")
    pc.raise_if_any()
    num = _numbers(raw, ["tcode", "group"], pc)
    pc.raise_if_any()
    return pd.DataFrame({"fred": raw["fred"].str.strip().str.upper(), "tcode": num["tcode"],
                         "description": raw["description"].str.strip(), "group": num["group"]})


def _cn_periods(frame: pd.DataFrame, column: str, pc: ProblemCollector) -> pd.Index:
    out = []
    for i, text in enumerate(frame[column].astype(str)):
        m = _CN_MONTH.match(text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            pc.add(row=2 + i, column=column, value=text, expected="a month written like 2008年02月份")
            out.append(None)
        else:
            out.append(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}")
    return pd.Index(out, name="period")


def _read_cn_monthly(path: str | Path, columns: dict[str, str],
                     bounds: tuple[float, float] | None = None) -> pd.DataFrame:
    """A monthly file with a Chinese month column ``月份`` and the numeric ``columns`` (source name ->
    our name), optionally bounded; one row per month."""
    path = Path(path)
    pc = ProblemCollector(path.name)
    raw = _read_csv(path, pc)
    pc.raise_if_any()
    need = ["月份", *columns]
    for c in need:
        if c not in raw.columns:
            pc.add(row=1, column=c, expected="the columns " + ", ".join(need))
    pc.raise_if_any()
    idx = _cn_periods(raw, "月份", pc)
    num = _numbers(raw, list(columns), pc)
    if bounds is not None:
        lo, hi = bounds
        for c in columns:
            bad = (num[c] < lo) | (num[c] > hi)
            for i in np.flatnonzero(bad.to_numpy())[:20]:
                pc.add(row=2 + int(i), column=c, value=num[c].iloc[i],
                       expected=f"a diffusion index in [{lo:g}, {hi:g}]")
    pc.raise_if_any()
    out = pd.DataFrame({ours: num[src].to_numpy() for src, ours in columns.items()}, index=idx)
    _check_periods(out.index, pc, "月份")
    pc.raise_if_any()
    return out.sort_index()


def read_nbs_monthly_value_added(path: str | Path) -> pd.DataFrame:
    """NBS monthly value added of industry above designated size: ``yoy`` and ``ytd`` growth in percent."""
    return _read_cn_monthly(path, {"同比增长": "yoy", "累计增长": "ytd"})


def read_nbs_pmi(path: str | Path) -> pd.DataFrame:
    """Official PMI: ``manufacturing`` and ``non_manufacturing`` (index, 50 = no change)."""
    return _read_cn_monthly(path, {"制造业-指数": "manufacturing", "非制造业-指数": "non_manufacturing"},
                            bounds=(0.0, 100.0))
