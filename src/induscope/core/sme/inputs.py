"""An SME batch as arrays, and the quantities the rules use that are derived from the columns.

Numbers are float arrays (NaN = missing), yes/no columns float 1/0/NaN, enumerations object arrays
('' = missing). A derived ratio is missing when an input is missing, and "not computable" when its
denominator is 0 or negative (it is never taken as 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .columns import BY_NAME, COLUMNS, NUMERIC_KINDS

# derived quantity -> (the columns it needs, how it is computed, unit, Chinese and English name)
DERIVED: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "rd_intensity": (("rd_expense", "revenue"), "%", "上年度研发费用占营业收入比重", "R&D intensity last year"),
    "rd_intensity_prev1": (("rd_expense_prev1", "revenue_prev1"), "%", "上上年度研发费用占营业收入比重",
                           "R&D intensity the year before"),
    "main_growth": (("main_revenue", "main_revenue_prev1"), "%", "上年度主营业务收入增长率",
                    "main-business revenue growth last year"),
    "main_growth_avg2": (("main_revenue", "main_revenue_prev1", "main_revenue_prev2"), "%",
                         "近2年主营业务收入平均增长率", "average main-business growth over 2 years"),
    "main_cagr2": (("main_revenue", "main_revenue_prev2"), "%", "近2年主营业务收入复合增长率",
                   "2-year compound main-business growth"),
    "main_share": (("main_revenue", "revenue"), "%", "主营业务收入占营业收入比重", "main-business share of revenue"),
    "net_margin": (("net_profit", "revenue"), "%", "上年度净利润率", "net profit margin last year"),
    "rd_staff_share": (("rd_staff", "employees"), "%", "研发人员占职工总数比重", "R&D staff share of employees"),
    "rd_expense_avg2": (("rd_expense", "rd_expense_prev1"), "万元", "近2年研发费用均值", "average R&D expense over 2 years"),
    "rd_expense_sum2": (("rd_expense", "rd_expense_prev1"), "万元", "近2年研发费用合计", "R&D expense over 2 years"),
}

ENUM_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "enum")
BOOL_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "bool")
NUMBER_COLUMNS = tuple(c.name for c in COLUMNS if c.kind in NUMERIC_KINDS)
TEXT_COLUMNS = tuple(c.name for c in COLUMNS if c.kind == "text")


@dataclass
class SmeBatch:
    """Validated enterprises. ``section`` is the GB/T 4754 section letter of each industry code."""

    firm_id: np.ndarray
    values: dict[str, np.ndarray]
    present: frozenset[str]
    name: np.ndarray | None = None
    region: np.ndarray | None = None
    industry: np.ndarray | None = None
    section: np.ndarray | None = None
    rows: np.ndarray | None = None          # spreadsheet row numbers, for messages
    derived: dict[str, np.ndarray] = field(default_factory=dict)
    missing: dict[str, np.ndarray] = field(default_factory=dict)
    undefined: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.firm_id)

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> "SmeBatch":
        """From a frame of already-validated, typed columns (numbers float, yes/no 1/0/NaN, enums text)."""
        n = len(df)
        vals: dict[str, np.ndarray] = {}
        for c in NUMBER_COLUMNS + BOOL_COLUMNS:
            vals[c] = df[c].to_numpy(dtype=float) if c in df else np.full(n, np.nan)
        for c in ENUM_COLUMNS:
            if c in df:
                vals[c] = np.asarray(df[c].fillna("").astype(str).to_numpy(), dtype=object)
            else:
                vals[c] = np.full(n, "", dtype=object)
        text = {c: (np.asarray(df[c].fillna("").astype(str).to_numpy(), dtype=object) if c in df
                    else np.full(n, "", dtype=object)) for c in ("name", "region", "industry", "section")}
        rows = df["_row"].to_numpy() if "_row" in df else np.arange(2, n + 2)
        batch = cls(firm_id=np.asarray(df["firm_id"].astype(str).to_numpy(), dtype=object), values=vals,
                    present=frozenset(c for c in BY_NAME if c in df), name=text["name"], region=text["region"],
                    industry=text["industry"], section=text["section"], rows=rows)
        batch.derive()
        return batch

    def derive(self) -> None:
        v = self.values
        for c, arr in v.items():
            self.missing[c] = (arr == "") if arr.dtype == object else np.isnan(arr)
        for c in ("industry",):
            self.missing[c] = np.asarray(self.industry == "", dtype=bool) if self.industry is not None \
                else np.ones(self.n, bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = {
                "rd_intensity": _pct(v["rd_expense"], v["revenue"]),
                "rd_intensity_prev1": _pct(v["rd_expense_prev1"], v["revenue_prev1"]),
                "main_growth": _growth(v["main_revenue"], v["main_revenue_prev1"]),
                "main_share": _pct(v["main_revenue"], v["revenue"]),
                "net_margin": _pct(v["net_profit"], v["revenue"]),
                "rd_staff_share": _pct(v["rd_staff"], v["employees"]),
                "rd_expense_avg2": (v["rd_expense"] + v["rd_expense_prev1"]) / 2.0,
                "rd_expense_sum2": v["rd_expense"] + v["rd_expense_prev1"],
            }
            g2 = _growth(v["main_revenue_prev1"], v["main_revenue_prev2"])
            # 近2年平均增长率: the mean of the two annual rates (附件4 as reposted [M])
            d["main_growth_avg2"] = (d["main_growth"] + g2) / 2.0
            ratio = v["main_revenue"] / v["main_revenue_prev2"]
            d["main_cagr2"] = np.where((v["main_revenue_prev2"] > 0) & (ratio >= 0),
                                       (np.sqrt(np.where(ratio >= 0, ratio, np.nan)) - 1.0) * 100.0, np.nan)
        for name, arr in d.items():
            # round away float noise so 3/100*100 = 2.9999999999 lands on the boundary (以上含本数)
            arr = np.round(arr, 9)
            base_missing = np.zeros(self.n, bool)
            for b in DERIVED[name][0]:
                base_missing |= self.missing[b]
            self.derived[name] = arr
            self.undefined[name] = ~base_missing & ~np.isfinite(arr)
            self.missing[name] = base_missing | self.undefined[name]
            self.derived[name] = np.where(np.isfinite(arr), arr, np.nan)

    def get(self, name: str) -> np.ndarray:
        if name in self.derived:
            return self.derived[name]
        if name in self.values:
            return self.values[name]
        raise KeyError(name)

    def bases(self, name: str) -> tuple[str, ...]:
        return DERIVED[name][0] if name in DERIVED else (name,)

    def missing_labels(self, names: list[str] | tuple[str, ...], i: int) -> list[str]:
        """Columns to fill for row ``i`` (base columns; a derived quantity that cannot be computed
        from present values is named with why)."""
        out: list[str] = []
        for nm in names:
            if nm in DERIVED and self.undefined[nm][i]:
                lab = f"{nm} (not computable: {DERIVED[nm][0][-1]} is 0 or negative)"
                if lab not in out:
                    out.append(lab)
                continue
            for b in self.bases(nm):
                if b in self.missing and self.missing[b][i] and b not in out:
                    out.append(b)
        return out


def _pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.where(den > 0, num / np.where(den > 0, den, 1.0) * 100.0, np.nan) + np.where(np.isnan(num), np.nan, 0.0)


def _growth(cur: np.ndarray, prev: np.ndarray) -> np.ndarray:
    return np.where(prev > 0, (cur / np.where(prev > 0, prev, 1.0) - 1.0) * 100.0, np.nan) + \
        np.where(np.isnan(cur), np.nan, 0.0)


def input_unit(name: str) -> str:
    if name in DERIVED:
        return DERIVED[name][1]
    c = BY_NAME.get(name)
    if c is None:
        return ""
    return {"money": "万元", "signed_money": "万元", "percent": "%", "years": "年", "count": c.unit,
            "level": "级", "score": "分"}.get(c.kind, "")


def input_label(name: str) -> tuple[str, str]:
    if name in DERIVED:
        return DERIVED[name][2], DERIVED[name][3]
    c = BY_NAME.get(name)
    return (c.zh, c.en) if c else (name, name)


def as_mapping(batch: SmeBatch) -> Mapping[str, np.ndarray]:
    return {**batch.values, **batch.derived}
