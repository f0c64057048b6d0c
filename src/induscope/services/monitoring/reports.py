"""Enterprise operating reports: validate and store (data only, never a path), monthly forms and
aggregates. Reading CSV/JSON files is ``readers/reports.py``'s job (the CLI uses it)."""
from __future__ import annotations

import math
from datetime import datetime, timezone
from numbers import Number
from typing import Any, Mapping, Sequence

import pandas as pd

from ... import reference
from ...readers.columns import parse_period1
from ...errors import InputError, ProblemCollector
from ...store import Workspace
from ...store import reports as store
from ...units import CNY_10K, MAX_ABS, convert_factor, resolve_unit, same_dimension_spellings

_MONEY_UNIT = "10,000 CNY"
#: metric -> (canonical unit, the unit of the one unit table it converts to, lower, upper, how a month
#: is formed from more frequent reports: sum for flows, last for stocks, mean for rates)
METRICS: dict[str, tuple[str, str, float, float, str]] = {
    "output_value": (_MONEY_UNIT, CNY_10K, 0.0, MAX_ABS, "sum"),
    "sales": (_MONEY_UNIT, CNY_10K, 0.0, MAX_ABS, "sum"),
    "export_delivery_value": (_MONEY_UNIT, CNY_10K, 0.0, MAX_ABS, "sum"),
    "orders": (_MONEY_UNIT, CNY_10K, 0.0, MAX_ABS, "sum"),
    "inventory": (_MONEY_UNIT, CNY_10K, 0.0, MAX_ABS, "last"),
    "power_consumption": ("10,000 kWh", "10,000 kWh", 0.0, MAX_ABS, "sum"),
    "employment": ("persons", "persons", 0.0, MAX_ABS, "mean"),
    "capacity_utilisation": ("percent", "%", 0.0, 100.0, "mean"),
}
#: metrics the early warnings watch for each enterprise
WARNED_METRICS = ("output_value", "orders", "power_consumption")
REQUIRED = ("firm_id", "period", "metric", "value", "unit")
OPTIONAL = ("region", "industry", "vintage")
COLUMNS = ["firm_id", "period", "freq", "metric", "value", "unit", "region", "industry", "vintage"]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def unit_factor(metric: str, unit: str) -> float | None:
    """Factor from ``unit`` to the metric's canonical unit (the one unit table: 元, 千元, 万元, 亿元,
    kWh, 万千瓦时, %, ratio, ...); None when the unit does not fit the metric."""
    target = METRICS[metric][1]
    if target == CNY_10K:  # CNY only: a USD amount needs an exchange rate the report does not carry
        u = resolve_unit(unit, monetary_only=True)
        return u.factor if u is not None and u.canonical == CNY_10K else None
    return convert_factor(unit, target)


def _accepted(metric: str) -> str:
    target = METRICS[metric][1]
    if target == CNY_10K:
        return "a CNY amount: 元, 千元, 万元 (10,000 CNY), 亿元 (100 million CNY), ..."
    return ", ".join(same_dimension_spellings(target))


def _text(v: Any) -> str | None:
    """A cell as text; None for a value that is not text or a number (a list, an object, ...)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return None
    if isinstance(v, (str, Number)):
        return str(v).strip()
    return None


def _number(v: Any) -> float | None:
    """A finite number from a number or a numeric text; booleans are not numbers."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, Number):
        x = float(v)
    elif isinstance(v, str):
        try:
            x = float(v.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return x if math.isfinite(x) else None


def _period(v: Any) -> tuple[str, str] | None:
    """(label, freq) of a real calendar month or day in a plausible year; None otherwise."""
    if isinstance(v, str) and len(v) > 40:
        return None
    label, freq = parse_period1(v, days=True)
    return None if label is None or freq not in ("M", "D") else (label, freq)


def _as_records(records: Any) -> tuple[list[Mapping[str, Any]], list[int] | None]:
    """The rows of a DataFrame or a list of mappings, and their row numbers when the frame says."""
    if isinstance(records, pd.DataFrame):
        rows = None
        if "_row" in records.columns:
            rows = [int(r) for r in records["_row"]]
            records = records.drop(columns="_row")
        return records.to_dict("records"), rows
    if isinstance(records, (list, tuple)):
        return list(records), None
    raise InputError("operating reports must be given as a list of report records (mappings) or a "
                     f"DataFrame, got {type(records).__name__}")


def validate_reports(records: Any, source: str, vintage: str, firms: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Check every record; raise one ValidationError with all problems; return canonical rows.

    ``firms``: region and industry of registered enterprises (index firm_id), which fill a report
    without them. Pure: no workspace.
    """
    recs, row_numbers = _as_records(records)
    pc = ProblemCollector(source)
    if not recs:
        pc.add(None, None, None, "at least one report (none given)")
        pc.raise_if_any()
    firms = firms if firms is not None else pd.DataFrame(columns=["region", "industry"])
    known = set(REQUIRED) | set(OPTIONAL)
    seen_unknown: set[str] = set()
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for k, r in enumerate(recs):
        row = row_numbers[k] if row_numbers else k + 1  # a file's row, else the record's number
        if not isinstance(r, Mapping):
            pc.add(row, None, _text(r) if _text(r) is not None else type(r).__name__,
                   "a report record (an object with firm_id, period, metric, value, unit)")
            continue
        bad_keys = [c for c in r if str(c) not in known and not str(c).startswith("#")]
        for c in bad_keys:
            if str(c) not in seen_unknown:
                seen_unknown.add(str(c))
                pc.add(row, str(c), None, f"only the fields {', '.join(REQUIRED + OPTIONAL)} (unknown field)")
        missing = [c for c in REQUIRED if c not in r]
        if missing:
            pc.add(row, missing[0], None, f"the fields {', '.join(REQUIRED)} (missing {', '.join(missing)})")
            continue
        firm = _text(r.get("firm_id"))
        if not firm:
            pc.add(row, "firm_id", r.get("firm_id"), "a firm id (text)")
            continue
        per = _period(r.get("period"))
        if per is None:
            pc.add(row, "period", r.get("period"), "a real calendar month YYYY-MM or day YYYY-MM-DD "
                   "(2025-02-30 and 9999-12 are not)")
            continue
        metric = _text(r.get("metric")) or ""
        if metric not in METRICS:
            pc.add(row, "metric", r.get("metric"), f"one of {', '.join(METRICS)}")
            continue
        unit_c, _, lo, hi, _ = METRICS[metric]
        unit = _text(r.get("unit")) or ""
        factor = unit_factor(metric, unit)
        if factor is None:
            pc.add(row, "unit", r.get("unit"), f"a unit of {metric}: {_accepted(metric)}")
            continue
        raw = _number(r.get("value"))
        value = None if raw is None else raw * factor
        if value is None or not math.isfinite(value):
            why = "a finite number" if raw is None else f"a number that stays finite in {unit_c}"
            pc.add(row, "value", r.get("value"), why)
            continue
        if not lo <= value <= hi:
            pc.add(row, "value", r.get("value"), f"{metric} between {lo:g} and {hi:g} {unit_c} once converted")
            continue
        region_t, industry_t = _text(r.get("region")), _text(r.get("industry"))
        if region_t is None or industry_t is None:
            pc.add(row, "region" if region_t is None else "industry",
                   r.get("region") if region_t is None else r.get("industry"), "a code (text)")
            continue
        if not region_t or not industry_t:
            if firm in firms.index:
                region_t = region_t or str(firms.at[firm, "region"])
                industry_t = industry_t or str(firms.at[firm, "industry"])
            else:
                pc.add(row, "region" if not region_t else "industry", None,
                       "region and industry (the firm is not in the enterprises table)")
                continue
        region = reference.normalize_region(region_t, allow_nation=False)
        if region is None:
            pc.add(row, "region", region_t, "a GB/T 2260 province code or name")
            continue
        industry = reference.normalize_industry(industry_t)
        if not industry[:2].isdigit() or not reference.is_known_industry(industry[:2]):
            pc.add(row, "industry", industry_t, "a GB/T 4754-2017 industry code (division or finer)")
            continue
        key = (firm, per[0], metric)
        if key in seen:
            pc.add(row, "period", per[0], f"one report per firm, period and metric (also in row {seen[key]})")
            continue
        seen[key] = row
        v = _text(r.get("vintage"))
        if v is None:
            pc.add(row, "vintage", r.get("vintage"), "a vintage label (text)")
            continue
        out.append({"firm_id": firm, "period": per[0], "freq": per[1], "metric": metric, "value": value,
                    "unit": unit_c, "region": region, "industry": industry, "vintage": v or vintage})
    pc.raise_if_any()
    return pd.DataFrame(out, columns=COLUMNS)


def import_operating_reports(ws: Workspace, records: Sequence[Mapping[str, Any]] | pd.DataFrame, *,
                             source: str, vintage: str | None = None) -> dict[str, Any]:
    """Validate and store enterprise operating reports given as data (a list of report mappings or a
    DataFrame; never a path: files are read by ``readers.reports``).

    Units are converted to each metric's canonical unit and the result must stay finite and in range
    (capacity utilisation 0-100%); periods must be real calendar months or days. A report repeated
    with the same value is skipped (idempotent resubmission); a different value for a stored firm,
    period and metric is a late correction, stored as a new vintage (the old one stays). All problems
    are reported at once and nothing is written then.
    """
    if not isinstance(source, str) or not source.strip():
        raise InputError("say who sent the reports: source must be a non-empty text")
    vintage = vintage or _now()
    ws.ensure()
    with ws.reader() as con:
        firms = store.firm_places(con)
    rows = validate_reports(records, source, vintage, firms)
    stats = {"source": source, "received": len(rows), "stored": 0, "new": 0, "corrections": 0,
             "unchanged": 0, "vintage": vintage}
    with ws.writer(touches="reports") as con:  # the data version of reports only (api/cache.py)
        latest = store.latest_for(con, rows)
        prev = {(r.firm_id, r.period, r.metric): (r.value, r.vintage) for r in latest.itertuples()}
        keep = []
        pc = ProblemCollector(source)
        for k, r in enumerate(rows.itertuples()):
            old = prev.get((r.firm_id, r.period, r.metric))
            if old is None:
                stats["new"] += 1
                keep.append(k)
            elif math.isclose(old[0], r.value, rel_tol=1e-12, abs_tol=1e-12):
                stats["unchanged"] += 1
            elif str(r.vintage) <= str(old[1]):
                pc.add(None, "vintage", r.vintage,
                       f"a vintage after {old[1]} for a correction of {r.firm_id} {r.period} {r.metric}")
            else:
                stats["corrections"] += 1
                keep.append(k)
        pc.raise_if_any()
        stats["stored"] = store.insert(con, rows.iloc[keep].assign(source=source))
    stats["firms"] = int(rows["firm_id"].nunique())
    return stats


def monthly_reports(con, metric: str, vintage: str | None = None, firms: Sequence[str] | None = None
                    ) -> pd.DataFrame:
    """Reports of one metric as known at ``vintage``, formed into months (daily reports: sum, last or
    mean); a firm reporting monthly and daily for the same month: the monthly report wins."""
    how = METRICS[metric][4]
    rows = store.reports_as_of(con, metric, vintage, firms)
    if rows.empty:
        return rows.assign(month=pd.Series(dtype=str))
    rows["month"] = rows["period"].str[:7]
    monthly = rows[rows["freq"] == "M"]
    daily = rows[(rows["freq"] == "D") & ~rows.set_index(["firm_id", "month"]).index.isin(
        monthly.set_index(["firm_id", "month"]).index)]
    cols = ["firm_id", "month", "value", "region", "industry", "vintage"]
    if len(daily):
        daily = daily.sort_values("period")
        agg = {"sum": "sum", "last": "last", "mean": "mean"}[how]
        d = daily.groupby(["firm_id", "month"]).agg(value=("value", agg), region=("region", "last"),
                                                     industry=("industry", "last"), vintage=("vintage", "max"))
        monthly = pd.concat([monthly[cols], d.reset_index()], ignore_index=True)
    else:
        monthly = monthly[cols]
    return monthly.rename(columns={"month": "period"}).sort_values(["firm_id", "period"]).reset_index(drop=True)


def operating_report_aggregates(ws: Workspace, metric: str, *, by: str = "industry", vintage: str | None = None,
                                level: str = "division") -> pd.DataFrame:
    """Monthly totals of a reported metric by industry (division or section), region or firm.

    Flows and stocks are summed over firms; capacity utilisation is averaged, weighted by the firms'
    output value of the month where reported (else a plain mean).
    """
    if metric not in METRICS:
        raise InputError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    if by not in ("industry", "region", "firm"):
        raise InputError(f"by must be industry, region or firm, got {by!r}")
    if level not in ("division", "section"):
        raise InputError(f"level must be division or section, got {level!r}")
    ws.ensure()
    with ws.reader() as con:
        m = monthly_reports(con, metric, vintage)
        w = monthly_reports(con, "output_value", vintage) if metric == "capacity_utilisation" else None
    if m.empty:
        return pd.DataFrame(columns=["period", by, "value", "unit", "firms", "vintage"])
    key = {"industry": "industry", "region": "region", "firm": "firm_id"}[by]
    if by == "industry":
        if level == "section":
            d = reference.gbt4754_divisions().set_index("code")["section"]
            m["industry"] = m["industry"].str[:2].map(d)
        else:
            m["industry"] = m["industry"].str[:2]
    if w is not None:
        w = w[["firm_id", "period", "value"]].rename(columns={"value": "w"})
        m = m.merge(w, on=["firm_id", "period"], how="left")
        m["w"] = m["w"].fillna(1.0) if m["w"].isna().all() else m["w"].fillna(m["w"].median())
        g = m.assign(wv=m["value"] * m["w"]).groupby(["period", key]).agg(
            wv=("wv", "sum"), w=("w", "sum"), firms=("firm_id", "nunique"), vintage=("vintage", "max"))
        g["value"] = g["wv"] / g["w"]
        g = g.drop(columns=["wv", "w"])
    else:
        g = m.groupby(["period", key]).agg(value=("value", "sum"), firms=("firm_id", "nunique"),
                                           vintage=("vintage", "max"))
    out = g.reset_index().rename(columns={key: by})
    out["unit"] = METRICS[metric][0]
    return out[["period", by, "value", "unit", "firms", "vintage"]]


def report_submissions(ws: Workspace, month: str | None = None, *, months: int = 24) -> dict[str, Any]:
    """Who reported in ``month`` (YYYY-MM; default the latest month anyone reported) and who has not.

    Expected reporters: every firm that reported in or before the month, and every enterprise a watch
    list follows. Returns the month, counts, ``firms`` (one row per expected firm, the missing first:
    metrics and reports received for the month, last submission, latest month reported) and
    ``by_month`` (firms and reports received per month, the ``months`` months up to it)."""
    if month is not None:
        label, freq = parse_period1(month)
        if label is None or freq != "M":
            raise InputError(f"month: expected a calendar month YYYY-MM, got {str(month)[:20]!r}")
        month = label
    ws.ensure()
    with ws.reader() as con:
        month = month or store.latest_month(con)
        if month is None:
            return {"month": None, "expected": 0, "reported": 0, "missing": 0,
                    "firms": pd.DataFrame(columns=["firm_id", "name", "region", "industry", "metrics", "reports",
                                                   "submitted_at", "last_month", "reported"]),
                    "by_month": pd.DataFrame(columns=["month", "firms", "reports"])}
        firms = store.submission_status(con, month)
        by_month = store.submissions_by_month(con, month, months)
    firms["reported"] = firms["reports"] > 0
    firms["submitted_at"] = firms["submitted_at"].astype(str).str[:19].where(firms["submitted_at"].notna(), None)
    n = int(firms["reported"].sum())
    return {"month": month, "expected": len(firms), "reported": n, "missing": len(firms) - n,
            "firms": firms, "by_month": by_month}


__all__ = ["METRICS", "WARNED_METRICS", "import_operating_reports", "monthly_reports",
           "operating_report_aggregates", "report_submissions", "unit_factor", "validate_reports"]
