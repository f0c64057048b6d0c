"""Certificate dates (pure): 3-year validity, re-review due dates, the 3-month deadline for reporting
a major change, the due list for the next N months, and pipeline counts.

Sources: validity 3 years for every tier (新华网黑龙江 2025-11-24 for 专精特新; 粤工信规字〔2024〕5号 for
创新型; MIIT notices for 小巨人, re-reviewed at expiry) [V]; major changes (更名、合并、重组、跨省迁移、
设立境外分支机构等) reported within 3 months [V]; revocation causes [M].
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

VALIDITY_YEARS = 3
CHANGE_REPORT_MONTHS = 3
CHANGE_KINDS = ("rename", "merger", "restructuring", "relocation", "overseas_branch", "other")
CHANGE_KIND_ZH = {"rename": "更名", "merger": "合并", "restructuring": "重组", "relocation": "跨省迁移",
                  "overseas_branch": "设立境外分支机构", "other": "其他与认定条件有关的重大变化"}
REVOKE_CAUSES = ("major_accident", "false_materials", "abnormal_operation_list", "serious_dishonesty_list",
                 "violation", "other")
REVOKE_CAUSE_ZH = {"major_accident": "发生重大安全（含网络安全、数据安全）、质量、环境污染事故",
                   "false_materials": "提供虚假材料", "abnormal_operation_list": "被列入经营异常名录",
                   "serious_dishonesty_list": "被列入严重失信主体名单", "violation": "其他严重违法违规",
                   "other": "其他"}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later; the 31st (or 29 Feb) becomes the last day of a shorter month."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry(issued: dt.date, years: int = VALIDITY_YEARS) -> dt.date:
    """Last day of validity: issued + 3 years - 1 day (a certificate of 2023-06-15 is valid to 2026-06-14)."""
    return add_months(issued, 12 * years) - dt.timedelta(days=1)


def change_due(occurred: dt.date) -> dt.date:
    return add_months(occurred, CHANGE_REPORT_MONTHS)


def status_on(frame: pd.DataFrame, day: dt.date) -> np.ndarray:
    """valid / expired / revoked / not_yet_issued of each certificate on ``day``."""
    issued = pd.to_datetime(frame["issued"]).dt.date.to_numpy()
    expires = pd.to_datetime(frame["expires"]).dt.date.to_numpy()
    revoked = frame["revoked_on"].to_numpy() if "revoked_on" in frame else np.full(len(frame), None)
    out = np.full(len(frame), "valid", dtype=object)
    for k in range(len(frame)):
        r = revoked[k]
        r = None if r is None or (isinstance(r, float) and r != r) or pd.isna(r) else pd.Timestamp(r).date()
        if r is not None and r <= day:
            out[k] = "revoked"
        elif issued[k] > day:
            out[k] = "not_yet_issued"
        elif expires[k] < day:
            out[k] = "expired"
    return out


def due_list(frame: pd.DataFrame, as_of: dt.date, months: int) -> pd.DataFrame:
    """Certificates valid on ``as_of`` whose validity ends within ``months`` months (re-review due),
    soonest first, with the days left."""
    if frame.empty:
        return frame.assign(days_left=pd.Series(dtype=int), status=pd.Series(dtype=object))
    f = frame.copy()
    f["status"] = status_on(f, as_of)
    until = add_months(as_of, months)
    exp = pd.to_datetime(f["expires"]).dt.date
    sel = (f["status"] == "valid") & (exp >= as_of) & (exp <= until)
    f = f[sel].copy()
    f["days_left"] = [(e - as_of).days for e in pd.to_datetime(f["expires"]).dt.date]
    return f.sort_values(["expires", "firm_id", "tier"]).reset_index(drop=True)


def pipeline(frame: pd.DataFrame, as_of: dt.date, by: Sequence[str]) -> pd.DataFrame:
    """Counts of certificates by status and tier over the ``by`` columns (region, industry, chain node,
    cluster, ...): valid, due within 6 months, expired, revoked."""
    f = frame.copy()
    f["status"] = status_on(f, as_of)
    soon = add_months(as_of, 6)
    exp = pd.to_datetime(f["expires"]).dt.date
    f["due_6m"] = (f["status"] == "valid") & (exp <= soon)
    keys = list(by) + ["tier"]
    for k in keys:
        f[k] = f[k].fillna("").astype(str)
    g = f.groupby(keys, dropna=False)
    out = pd.DataFrame({
        "valid": g["status"].apply(lambda s: int((s == "valid").sum())),
        "due_within_6_months": g["due_6m"].sum().astype(int),
        "expired": g["status"].apply(lambda s: int((s == "expired").sum())),
        "revoked": g["status"].apply(lambda s: int((s == "revoked").sum())),
        "firms": g["firm_id"].nunique(),
    }).reset_index()
    return out.sort_values(keys).reset_index(drop=True)


def overdue_changes(changes: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Major changes not reported by their due date (or reported late)."""
    if changes.empty:
        return changes
    due = pd.to_datetime(changes["due"]).dt.date
    rep = changes["reported"]
    late = [(r is None or pd.isna(r)) and d < as_of or (r is not None and not pd.isna(r) and
                                                          pd.Timestamp(r).date() > d)
            for r, d in zip(rep, due)]
    return changes[np.asarray(late, dtype=bool)].reset_index(drop=True)


def registry_counts(items: pd.DataFrame, by: Iterable[str] = ("year", "kind")) -> pd.DataFrame:
    """Counts over time of the digital-transformation registry (new per year and cumulative), with
    the number of GB/T 4754 sections and divisions and regions covered."""
    if items.empty:
        return pd.DataFrame(columns=["year", "kind", "new", "cumulative", "divisions_covered", "regions_covered"])
    f = items.copy()
    f["division"] = f["industry"].fillna("").astype(str).str[:2]
    rows = []
    for kind, grp in f.groupby("kind"):
        years = sorted(grp["year"].unique())
        for y in years:
            upto = grp[grp["year"] <= y]
            rows.append({"year": str(int(y)), "kind": kind, "new": int((grp["year"] == y).sum()),
                         "cumulative": int(len(upto)),
                         "divisions_covered": int(upto.loc[upto["division"] != "", "division"].nunique()),
                         "regions_covered": int(upto["region"].dropna().replace("", np.nan).dropna().nunique())})
    return pd.DataFrame(rows).sort_values(["kind", "year"]).reset_index(drop=True)
