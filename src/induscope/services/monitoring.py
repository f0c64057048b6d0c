"""Use cases of operational monitoring: watch lists, enterprise operating reports, early-warning scans,
alert handling (acknowledge, close), diffusion and composite prosperity indices.

Alerts persist in the workspace. One alert = one episode of one cause (subject, indicator, rule):
rescanning updates the open alert (new last period, level, numbers) instead of opening another one;
a firing after an alert was closed opens a new one. Every change is an event in ``alert_events``.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.indicators import IndicatorSeries, yoy, ytd
from ..core.indicators.periods import canonical, parse_period
from ..core.warning import (Episode, Level, MonitoredSeries, composite_index, corroborate, diffusion_index,
                            enterprise_rules, episodes, evaluate, growth_ytd_rules, growth_yoy_rules, pmi_preset)
from ..errors import InputError, NotFoundError, ProblemCollector
from ..store import Workspace, insert_frame
from .indicators import (_has_exact, _industry_members, _region_members, fetch_aggregate, fetch_rows,
                         read_session)

WATCH_KINDS = ("region", "industry", "enterprise")
STATUSES = ("open", "acknowledged", "closed")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _fetch(con, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


# ================================================================================================
# watch lists


def create_watch_list(ws: Workspace, name: str, description: str | None = None, list_id: str | None = None
                      ) -> dict[str, Any]:
    """Create a watch list of key regions, industries and enterprises."""
    if not name or not name.strip():
        raise InputError("a watch list needs a name")
    list_id = (list_id or name).strip().lower().replace(" ", "-")
    with ws.writer() as con:
        if _fetch(con, "SELECT count(*) n FROM watch_lists WHERE list_id = ?", [list_id])["n"].iloc[0]:
            raise InputError(f"watch list {list_id!r} already exists")
        con.execute("INSERT INTO watch_lists (list_id, name, description) VALUES (?, ?, ?)",
                    [list_id, name, description]).fetchall()
    return {"list_id": list_id, "name": name, "description": description}


def _check_item(ws: Workspace, kind: str, code: str) -> None:
    if kind not in WATCH_KINDS:
        raise InputError(f"kind must be one of {', '.join(WATCH_KINDS)}, got {kind!r}")
    if kind == "region":
        _region_members(code)
    elif kind == "industry":
        _industry_members(code)
    else:
        n = ws.query("SELECT (SELECT count(*) FROM enterprises WHERE firm_id = ?) + "
                     "(SELECT count(*) FROM operating_reports WHERE firm_id = ?) AS n", [code, code])["n"].iloc[0]
        if not n:
            raise NotFoundError(f"enterprise {code!r} is neither in the enterprises table nor in operating reports")


def add_watch_items(ws: Workspace, list_id: str, items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Add items {kind, code, label?, target_growth?} to a watch list (existing items are updated)."""
    items = [dict(i) for i in items]
    ws.ensure()
    for it in items:
        _check_item(ws, str(it.get("kind")), str(it.get("code")))
        tg = it.get("target_growth")
        if tg is not None and not math.isfinite(float(tg)):
            raise InputError(f"target_growth must be a number, got {tg!r}")
    with ws.writer() as con:
        if not _fetch(con, "SELECT count(*) n FROM watch_lists WHERE list_id = ?", [list_id])["n"].iloc[0]:
            raise NotFoundError(f"no watch list {list_id!r}")
        for it in items:
            con.execute("DELETE FROM watch_items WHERE list_id = ? AND kind = ? AND code = ?",
                        [list_id, it["kind"], str(it["code"])]).fetchall()
            con.execute("INSERT INTO watch_items (list_id, kind, code, label, target_growth) VALUES (?, ?, ?, ?, ?)",
                        [list_id, it["kind"], str(it["code"]), it.get("label"),
                         None if it.get("target_growth") is None else float(it["target_growth"])]).fetchall()
    return {"list_id": list_id, "added": len(items)}


def remove_watch_item(ws: Workspace, list_id: str, kind: str, code: str) -> dict[str, Any]:
    with ws.writer() as con:
        n = _fetch(con, "SELECT count(*) n FROM watch_items WHERE list_id = ? AND kind = ? AND code = ?",
                   [list_id, kind, code])["n"].iloc[0]
        if not n:
            raise NotFoundError(f"watch list {list_id!r} has no {kind} {code!r}")
        con.execute("DELETE FROM watch_items WHERE list_id = ? AND kind = ? AND code = ?",
                    [list_id, kind, code]).fetchall()
    return {"list_id": list_id, "removed": f"{kind}:{code}"}


def watch_lists(ws: Workspace, list_id: str | None = None) -> pd.DataFrame:
    """Watch lists with their items (one row per item; lists without items have empty kind/code)."""
    ws.ensure()
    return _watch_items(ws, list_id)


def _watch_items(ws: Any, list_id: str | None) -> pd.DataFrame:
    sql = ("SELECT l.list_id, l.name, i.kind, i.code, i.label, i.target_growth FROM watch_lists l "
           "LEFT JOIN watch_items i USING (list_id)" + (" WHERE l.list_id = ?" if list_id else "") +
           " ORDER BY l.list_id, i.kind, i.code")
    out = ws.query(sql, [list_id] if list_id else [])
    if list_id and out.empty:
        raise NotFoundError(f"no watch list {list_id!r}")
    return out


# ================================================================================================
# enterprise operating reports

_MONEY = {"10,000 CNY": 1.0, "10k CNY": 1.0, "万元": 1.0, "CNY": 1e-4, "yuan": 1e-4, "元": 1e-4,
          "100 million CNY": 1e4, "亿元": 1e4}
#: metric -> (canonical unit, accepted units with factors to the canonical unit, lower, upper, how a month
#: is formed from more frequent reports: sum for flows, last for stocks, mean for rates)
METRICS: dict[str, tuple[str, dict[str, float], float, float, str]] = {
    "output_value": ("10,000 CNY", _MONEY, 0.0, math.inf, "sum"),
    "sales": ("10,000 CNY", _MONEY, 0.0, math.inf, "sum"),
    "export_delivery_value": ("10,000 CNY", _MONEY, 0.0, math.inf, "sum"),
    "orders": ("10,000 CNY", _MONEY, 0.0, math.inf, "sum"),
    "inventory": ("10,000 CNY", _MONEY, 0.0, math.inf, "last"),
    "power_consumption": ("10,000 kWh", {"10,000 kWh": 1.0, "万千瓦时": 1.0, "kWh": 1e-4, "MWh": 0.1,
                                         "GWh": 100.0}, 0.0, math.inf, "sum"),
    "employment": ("persons", {"persons": 1.0, "人": 1.0}, 0.0, math.inf, "mean"),
    "capacity_utilisation": ("percent", {"percent": 1.0, "%": 1.0, "ratio": 100.0}, 0.0, 100.0, "mean"),
}
#: metrics the early warnings watch for each enterprise
WARNED_METRICS = ("output_value", "orders", "power_consumption")


def _load_payload(data: Any) -> tuple[pd.DataFrame, str]:
    if isinstance(data, pd.DataFrame):
        return data.copy(), "payload"
    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.is_file():
            raise InputError(f"no such file: {path}")
        if path.suffix.lower() == ".json":
            try:
                obj = json.loads(path.read_text(encoding="utf-8-sig"))
            except json.JSONDecodeError as e:
                raise InputError(f"{path.name}: not valid JSON ({e})") from None
            frame, _ = _load_payload(obj)
            return frame, path.name
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"), path.name
    if isinstance(data, Mapping):
        rows = data.get("reports")
        if rows is None:
            raise InputError("a JSON payload must be a list of reports or an object with a 'reports' list")
        return _load_payload(rows)
    if isinstance(data, list):
        return pd.DataFrame([dict(r) for r in data]), "payload"
    raise InputError(f"cannot read operating reports from {type(data).__name__}")


def _validate_reports(ws: Workspace, frame: pd.DataFrame, source: str, vintage: str) -> pd.DataFrame:
    """Check every row; raise one ValidationError with all problems; return canonical rows."""
    pc = ProblemCollector(source)
    need = ["firm_id", "period", "metric", "value", "unit"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        pc.add(1, None, list(frame.columns), f"columns {need} (missing {missing})")
        pc.raise_if_any()
    firms = ws.query("SELECT firm_id, region, industry FROM enterprises").set_index("firm_id")
    from .. import reference

    provinces = set(reference.provinces()["code"])
    divisions = set(reference.gbt4754_divisions()["code"])
    out = []
    seen: dict[tuple[str, str, str], int] = {}
    for k, r in enumerate(frame.to_dict("records")):
        row = k + 2  # header is row 1
        firm = str(r.get("firm_id") or "").strip()
        if not firm:
            pc.add(row, "firm_id", r.get("firm_id"), "a firm id")
            continue
        try:
            per = parse_period(str(r.get("period")))
            if per.freq not in ("M", "D"):
                raise ValueError
        except ValueError:
            pc.add(row, "period", r.get("period"), "a month YYYY-MM or a day YYYY-MM-DD")
            continue
        metric = str(r.get("metric") or "").strip()
        if metric not in METRICS:
            pc.add(row, "metric", metric, f"one of {', '.join(METRICS)}")
            continue
        unit_c, units, lo, hi, _ = METRICS[metric]
        unit = str(r.get("unit") or "").strip()
        if unit not in units:
            pc.add(row, "unit", unit, f"a unit of {metric}: {', '.join(units)}")
            continue
        try:
            value = float(r.get("value"))
            if not math.isfinite(value):
                raise ValueError
        except (TypeError, ValueError):
            pc.add(row, "value", r.get("value"), "a number")
            continue
        value *= units[unit]
        if not lo <= value <= hi:
            pc.add(row, "value", r.get("value"), f"{metric} between {lo:g} and {hi:g} {unit_c}")
            continue
        region = str(r.get("region") or "").strip()
        industry = str(r.get("industry") or "").strip()
        if not region or not industry:
            if firm in firms.index:
                region = region or str(firms.at[firm, "region"])
                industry = industry or str(firms.at[firm, "industry"])
            else:
                pc.add(row, "region" if not region else "industry", None,
                       "region and industry (the firm is not in the enterprises table)")
                continue
        if region not in provinces:
            pc.add(row, "region", region, "a GB/T 2260 province code")
            continue
        if industry[:2] not in divisions:
            pc.add(row, "industry", industry, "a GB/T 4754-2017 industry code")
            continue
        key = (firm, per.label, metric)
        if key in seen:
            pc.add(row, "period", per.label, f"one report per firm, period and metric (also in row {seen[key]})")
            continue
        seen[key] = row
        v = str(r.get("vintage") or "").strip() or vintage
        out.append({"firm_id": firm, "period": per.label, "freq": per.freq, "metric": metric, "value": value,
                     "unit": unit_c, "region": region, "industry": industry, "vintage": v})
    pc.raise_if_any()
    return pd.DataFrame(out, columns=["firm_id", "period", "freq", "metric", "value", "unit", "region",
                                      "industry", "vintage"])


def import_operating_reports(ws: Workspace, data: Any, *, vintage: str | None = None,
                             source: str | None = None) -> dict[str, Any]:
    """Validate and store enterprise operating reports (CSV or JSON file, list of dicts, DataFrame).

    Units are converted to each metric's canonical unit; ranges are checked (capacity utilisation
    0-100%); a report repeated with the same value is skipped (idempotent resubmission); a report with
    a different value for a stored firm, period and metric is a late correction, stored as a new
    vintage (the old one stays). All problems are reported at once and nothing is written then.
    """
    frame, name = _load_payload(data)
    source = source or name
    vintage = vintage or _now()
    ws.ensure()
    rows = _validate_reports(ws, frame, source, vintage)
    stats = {"source": source, "received": len(frame), "stored": 0, "new": 0, "corrections": 0,
             "unchanged": 0, "vintage": vintage}
    if rows.empty:
        return stats
    with ws.writer() as con:
        con.register("_incoming_reports", rows)
        try:
            latest = _fetch(con, """
                SELECT o.firm_id, o.period, o.metric, o.value, o.vintage FROM operating_reports o
                JOIN (SELECT DISTINCT firm_id, period, metric FROM _incoming_reports) i
                  USING (firm_id, period, metric)
                QUALIFY row_number() OVER (PARTITION BY o.firm_id, o.period, o.metric ORDER BY o.vintage DESC) = 1
            """)
        finally:
            con.unregister("_incoming_reports")
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
        new = rows.iloc[keep].assign(source=source)
        stats["stored"] = insert_frame(con, "operating_reports", new)
    stats["firms"] = int(rows["firm_id"].nunique())
    return stats


def _monthly_reports(ws: Workspace, metric: str, vintage: str | None = None,
                     firms: Sequence[str] | None = None) -> pd.DataFrame:
    """Latest-vintage reports of one metric, formed into months (daily reports: sum, last or mean)."""
    how = METRICS[metric][4]
    sql = ("SELECT firm_id, period, freq, value, region, industry, vintage FROM operating_reports "
           "WHERE metric = ?" + (" AND vintage <= ?" if vintage else "") +
           (f" AND firm_id IN ({', '.join('?' for _ in firms)})" if firms else "") +
           " QUALIFY row_number() OVER (PARTITION BY firm_id, period ORDER BY vintage DESC) = 1")
    rows = ws.query(sql, [metric] + ([vintage] if vintage else []) + list(firms or []))
    if rows.empty:
        return rows.assign(month=pd.Series(dtype=str))
    rows["month"] = rows["period"].str[:7]
    # a firm reporting monthly and daily for the same month: the monthly report wins
    monthly = rows[rows["freq"] == "M"]
    daily = rows[(rows["freq"] == "D") & ~rows.set_index(["firm_id", "month"]).index.isin(
        monthly.set_index(["firm_id", "month"]).index)]
    if len(daily):
        daily = daily.sort_values("period")
        agg = {"sum": "sum", "last": "last", "mean": "mean"}[how]
        d = daily.groupby(["firm_id", "month"]).agg(value=("value", agg), region=("region", "last"),
                                                     industry=("industry", "last"), vintage=("vintage", "max"))
        monthly = pd.concat([monthly[["firm_id", "month", "value", "region", "industry", "vintage"]],
                             d.reset_index()], ignore_index=True)
    else:
        monthly = monthly[["firm_id", "month", "value", "region", "industry", "vintage"]]
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
    ws.ensure()
    m = _monthly_reports(ws, metric, vintage)
    if m.empty:
        return pd.DataFrame(columns=["period", by, "value", "unit", "firms", "vintage"])
    key = {"industry": "industry", "region": "region", "firm": "firm_id"}[by]
    if by == "industry":
        if level == "section":
            from .. import reference

            d = reference.gbt4754_divisions().set_index("code")["section"]
            m["industry"] = m["industry"].str[:2].map(d)
        else:
            m["industry"] = m["industry"].str[:2]
    if metric == "capacity_utilisation":
        w = _monthly_reports(ws, "output_value", vintage)[["firm_id", "period", "value"]].rename(
            columns={"value": "w"})
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


# ================================================================================================
# scanning


@dataclass(frozen=True)
class _Target:
    kind: str
    code: str
    target: float | None = None


def _growth_series(ws: Workspace, region: str, industry: str, measure: str, vintage: str | None
                   ) -> tuple[pd.Series, str, str | None]:
    """Growth used by the warnings: the published rate if stored for exactly this subject (what is
    reported), else derived from the summed constant-price levels. Returns (series, basis, vintage)."""
    basis = {"yoy": "growth_yoy_pct", "ytd": "growth_ytd_pct"}[measure]
    if _has_exact(ws, "value_added", region, industry):
        rows = fetch_rows(ws, "value_added", [region], [industry], basis, vintage)
        if len(rows):
            s = pd.Series(rows["value"].to_numpy(), index=[canonical(p) for p in rows["period"]], dtype=float)
            return s, "published", str(rows["vintage"].max())
    levels_basis = _levels_basis(ws)
    levels, _, vint, _ = fetch_aggregate(ws, "value_added", region, industry, levels_basis, vintage)
    fn = yoy if measure == "yoy" else ytd
    res: IndicatorSeries = fn(levels)
    return res.values, "derived_from_levels", vint


def _levels_basis(ws: Workspace) -> str:
    got = ws.query("SELECT DISTINCT price_basis FROM series WHERE indicator = 'value_added'")["price_basis"]
    for b in sorted(str(x) for x in got):
        if b.startswith("constant"):
            return b
    raise NotFoundError("no constant-price value added levels in the workspace (import series or run the demo)")


def _targets(ws: Workspace, list_id: str | None) -> list[_Target]:
    if list_id:
        items = _watch_items(ws, list_id)
        items = items.dropna(subset=["kind"])
        return [_Target(r.kind, r.code, None if pd.isna(r.target_growth) else float(r.target_growth))
                for r in items.itertuples()]
    items = ws.query("SELECT kind, code, max(target_growth) AS target_growth FROM watch_items GROUP BY kind, code")
    if len(items):
        return [_Target(r.kind, r.code, None if pd.isna(r.target_growth) else float(r.target_growth))
                for r in items.itertuples()]
    # nothing watched: the national headline, and every enterprise that reports
    out = []
    if ws.query("SELECT count(*) n FROM series WHERE indicator = 'value_added'")["n"].iloc[0]:
        out.append(_Target("industry", "BCD"))
    firms = ws.query("SELECT DISTINCT firm_id FROM operating_reports ORDER BY 1")["firm_id"]
    out += [_Target("enterprise", f) for f in firms]
    return out


def _monitored(ws: Workspace, targets: list[_Target], vintage: str | None, include_pmi: bool
               ) -> tuple[list[MonitoredSeries], dict[tuple[str, str], str], list[str]]:
    series: list[MonitoredSeries] = []
    vints: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    for t in targets:
        if t.kind in ("region", "industry"):
            region, industry = (t.code, "BCD") if t.kind == "region" else ("000000", t.code)
            subject = f"{t.kind}:{t.code}"
            for measure, rules in (("yoy", growth_yoy_rules()), ("ytd", growth_ytd_rules(t.target))):
                try:
                    s, basis, v = _growth_series(ws, region, industry, measure, vintage)
                except NotFoundError as e:
                    notes.append(f"{subject}: {e}")
                    break
                ind = f"value_added.growth_{measure}"
                series.append(MonitoredSeries(subject, ind, s, rules))
                vints[(subject, ind)] = v
        else:
            for metric in WARNED_METRICS:
                m = _monthly_reports(ws, metric, vintage, firms=[t.code])
                if m.empty:
                    continue
                s = pd.Series(m["value"].to_numpy(), index=m["period"].to_numpy(), dtype=float)
                subject = f"enterprise:{t.code}"
                series.append(MonitoredSeries(subject, metric, s, enterprise_rules(metric)))
                vints[(subject, metric)] = str(m["vintage"].max())
    if include_pmi:
        rows = ws.query("SELECT region, industry, price_basis FROM series WHERE indicator = 'pmi_manufacturing' "
                        "LIMIT 1")
        if len(rows):
            r = rows.iloc[0]
            p = fetch_rows(ws, "pmi_manufacturing", [r["region"]], [r["industry"]], r["price_basis"], vintage)
            s = pd.Series(p["value"].to_numpy(), index=[canonical(x) for x in p["period"]], dtype=float)
            series.append(MonitoredSeries("series:pmi_manufacturing", "pmi_manufacturing", s, pmi_preset()))
            vints[("series:pmi_manufacturing", "pmi_manufacturing")] = str(p["vintage"].max())
    return series, vints, notes


def _json(v: Any) -> str:
    def conv(x: Any) -> Any:
        if isinstance(x, (np.floating, float)):
            return None if not math.isfinite(float(x)) else float(x)
        if isinstance(x, np.integer):
            return int(x)
        if isinstance(x, (list, tuple)):
            return [conv(y) for y in x]
        if isinstance(x, Mapping):
            return {str(k): conv(y) for k, y in x.items()}
        return x
    return json.dumps(conv(dict(v)), ensure_ascii=False)


def _ord(p: str) -> int:
    return parse_period(p).ordinal()


def _next_ids(con, n: int) -> list[str]:
    last = _fetch(con, "SELECT max(alert_id) m FROM alerts")["m"].iloc[0]
    k = int(str(last)[2:]) if last is not None and not pd.isna(last) else 0
    return [f"AL{k + i + 1:06d}" for i in range(n)]


def _event(con, alert_id: str, kind: str, level: str | None = None, period: str | None = None,
           numbers: Mapping[str, Any] | None = None, actor: str | None = None, note: str | None = None) -> None:
    seq = _fetch(con, "SELECT coalesce(max(seq), 0) + 1 AS s FROM alert_events WHERE alert_id = ?",
                 [alert_id])["s"].iloc[0]
    con.execute("INSERT INTO alert_events (alert_id, seq, event_at, kind, actor, note, level, period, numbers) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [alert_id, int(seq), _now(), kind, actor, note, level, period,
                 None if numbers is None else _json(numbers)]).fetchall()


def persist_episodes(ws: Workspace, eps: Sequence[Episode], latest: Mapping[tuple[str, str], str],
                     vintages: Mapping[tuple[str, str], str | None] | None = None) -> dict[str, Any]:
    """Merge episodes into the stored alerts (one transaction).

    ``latest``: the last period of each evaluated (subject, indicator); alerts of those series whose
    episode does not reach it become inactive. Rescanning the same data changes nothing.
    """
    vintages = vintages or {}
    stats = {"opened": 0, "updated": 0, "escalated": 0, "deescalated": 0, "unchanged": 0, "inactive": 0}
    touched: list[str] = []
    with ws.writer() as con:
        stored = _fetch(con, "SELECT * FROM alerts")
        by_cause: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for r in stored.to_dict("records"):
            by_cause.setdefault((r["subject"], r["indicator"], r["rule_id"]), []).append(r)
        new_rows: list[tuple[Episode, str]] = []  # (episode, start period)
        active_ids: set[str] = set()
        for e in eps:
            key = (e.subject, e.indicator)
            is_active = key in latest and e.last_period == latest[key]
            cands = sorted(by_cause.get(e.cause, []), key=lambda r: _ord(r["last_period"]))
            ep_lo, ep_hi = _ord(e.start_period), _ord(e.last_period)
            match = None
            for r in cands:
                if _ord(r["start_period"]) <= ep_hi and _ord(r["last_period"]) >= ep_lo:
                    match = r  # the latest overlapping alert
            if match is None:
                new_rows.append((e, e.start_period))
                continue
            if match["status"] == "closed":
                later = [p for p in e.periods if _ord(p) > _ord(match["last_period"])]
                if later and not any(_ord(r["start_period"]) >= _ord(later[0]) for r in cands):
                    new_rows.append((e, later[0]))
                continue
            aid = match["alert_id"]
            if is_active:
                active_ids.add(aid)
            n_eff = sum(1 for p in e.periods if _ord(p) >= _ord(match["start_period"]))
            changed = (match["last_period"] != e.last_period or int(match["level_rank"]) != int(e.level)
                       or int(match["n_firings"]) != n_eff)
            if not changed:
                stats["unchanged"] += 1
                if not match["active"] and is_active:
                    con.execute("UPDATE alerts SET active = TRUE WHERE alert_id = ?", [aid]).fetchall()
                continue
            status = match["status"]
            if int(e.level) > int(match["level_rank"]):
                kind = "escalated"
                status = "open"  # an acknowledged alert that got worse needs attention again
            elif int(e.level) < int(match["level_rank"]):
                kind = "deescalated"
            else:
                kind = "updated"
            stats[kind] += 1
            peak = max(Level.parse(match["peak_level"]), e.peak_level)
            con.execute("UPDATE alerts SET status = ?, active = ?, level = ?, level_rank = ?, peak_level = ?, "
                        "last_period = ?, n_firings = ?, reason = ?, numbers = ?, vintage = ?, updated_at = ? "
                        "WHERE alert_id = ?",
                        [status, is_active, e.level.label, int(e.level), peak.label, e.last_period, n_eff,
                         e.reason, _json(e.numbers), vintages.get((e.subject, e.indicator)), _now(), aid]
                        ).fetchall()
            _event(con, aid, kind, e.level.label, e.last_period, e.numbers)
            touched.append(aid)
        ids = _next_ids(con, len(new_rows))
        for aid, (e, start) in zip(ids, new_rows):
            key = (e.subject, e.indicator)
            is_active = key in latest and e.last_period == latest[key]
            n = sum(1 for p in e.periods if _ord(p) >= _ord(start))
            con.execute("INSERT INTO alerts (alert_id, subject, indicator, rule_id, family, status, active, level, "
                        "level_rank, peak_level, start_period, last_period, n_firings, reason, numbers, vintage, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [aid, e.subject, e.indicator, e.rule_id, e.family, is_active, e.level.label, int(e.level),
                         e.peak_level.label, start, e.last_period, n, e.reason, _json(e.numbers),
                         vintages.get(key), _now(), _now()]).fetchall()
            _event(con, aid, "opened", e.level.label, e.last_period, e.numbers)
            stats["opened"] += 1
            touched.append(aid)
            if is_active:
                active_ids.add(aid)
        # alerts of the evaluated series that no longer fire in the latest period
        for r in stored.to_dict("records"):
            if (r["subject"], r["indicator"]) in latest and r["active"] and r["alert_id"] not in active_ids:
                con.execute("UPDATE alerts SET active = FALSE, updated_at = ? WHERE alert_id = ?",
                            [_now(), r["alert_id"]]).fetchall()
                _event(con, r["alert_id"], "inactive", r["level"], latest[(r["subject"], r["indicator"])])
                stats["inactive"] += 1
    stats["alerts"] = touched
    return stats


def scan(ws: Workspace, *, list_id: str | None = None, vintage: str | None = None, history: bool = False,
         lookback: int = 3, include_pmi: bool = True) -> dict[str, Any]:
    """Run the early warnings over the watched series and update the stored alerts.

    Watched: the items of ``list_id`` (or of all lists; with no lists, the national industry headline
    and every reporting enterprise) and the manufacturing PMI if stored. Episodes that ended more than
    ``lookback`` periods before the latest period are history and are not stored unless ``history``.
    """
    ws.ensure()
    with read_session(ws) as q:
        targets = _targets(q, list_id)
        series, vints, notes = _monitored(q, targets, vintage, include_pmi)
    if not series:
        raise NotFoundError("nothing to scan: no watched series found (add watch items, import series or reports)")
    sig = corroborate(evaluate(series))
    eps = episodes(sig)
    latest = {(m.subject, m.indicator): max(pd.Series(m.values).dropna().index, key=parse_period)
              for m in series if len(pd.Series(m.values).dropna())}
    if not history:
        def recent(e: Episode) -> bool:
            last = latest.get((e.subject, e.indicator))
            return last is not None and _ord(last) - _ord(e.last_period) <= lookback
        eps = [e for e in eps if recent(e)]
    stats = persist_episodes(ws, eps, latest, vints)
    return {"series": len(series), "signals": len(sig), "episodes": len(eps), **stats,
            "vintage": vintage or "latest", "notes": notes}


# ================================================================================================
# alert handling


def list_alerts(ws: Workspace, *, status: str | None = None, min_level: str | None = None,
                subject: str | None = None, active: bool | None = None) -> pd.DataFrame:
    """Stored alerts, most severe and most recent first."""
    ws.ensure()
    where, params = [], []
    if status:
        if status not in STATUSES:
            raise InputError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        where.append("status = ?")
        params.append(status)
    if min_level:
        try:
            where.append("level_rank >= ?")
            params.append(int(Level.parse(min_level)))
        except ValueError as e:
            raise InputError(str(e)) from None
    if subject:
        where.append("subject = ?")
        params.append(subject)
    if active is not None:
        where.append("active = ?")
        params.append(active)
    sql = ("SELECT alert_id, subject, indicator, rule_id, family, status, active, level, peak_level, start_period, "
           "last_period, n_firings, reason, numbers, vintage FROM alerts" +
           (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY level_rank DESC, last_period DESC, alert_id")
    out = ws.query(sql, params)
    out["numbers"] = out["numbers"].map(lambda s: json.loads(s) if isinstance(s, str) else s)
    return out


def alert_events(ws: Workspace, alert_id: str) -> pd.DataFrame:
    ws.ensure()
    ev = ws.query("SELECT seq, event_at, kind, actor, note, level, period FROM alert_events WHERE alert_id = ? "
                  "ORDER BY seq", [alert_id])
    if ev.empty:
        raise NotFoundError(f"no alert {alert_id!r}")
    return ev


def _set_status(ws: Workspace, alert_id: str, status: str, actor: str | None, note: str | None) -> dict[str, Any]:
    ws.ensure()
    with ws.writer() as con:
        row = _fetch(con, "SELECT status, level, last_period FROM alerts WHERE alert_id = ?", [alert_id])
        if row.empty:
            raise NotFoundError(f"no alert {alert_id!r}")
        old = row["status"].iloc[0]
        if old == "closed":
            raise InputError(f"alert {alert_id} is closed already")
        if old == status:
            raise InputError(f"alert {alert_id} is {status} already")
        con.execute("UPDATE alerts SET status = ?, updated_at = ?" + (", closed_at = ?" if status == "closed" else "")
                    + " WHERE alert_id = ?",
                    [status, _now()] + ([_now()] if status == "closed" else []) + [alert_id]).fetchall()
        _event(con, alert_id, "acknowledged" if status == "acknowledged" else "closed", row["level"].iloc[0],
               row["last_period"].iloc[0], actor=actor, note=note)
    return {"alert_id": alert_id, "status": status, "previous_status": old}


def acknowledge_alert(ws: Workspace, alert_id: str, *, actor: str | None = None, note: str | None = None
                      ) -> dict[str, Any]:
    """Mark an alert as seen; it stays on the board and keeps being updated (escalation re-opens it)."""
    return _set_status(ws, alert_id, "acknowledged", actor, note)


def close_alert(ws: Workspace, alert_id: str, *, actor: str | None = None, note: str | None = None
                ) -> dict[str, Any]:
    """Close an alert (handled). A later firing of the same cause opens a new alert."""
    return _set_status(ws, alert_id, "closed", actor, note)


# ================================================================================================
# diffusion and composite prosperity indices


def prosperity_indices(ws: Workspace, *, list_id: str | None = None, vintage: str | None = None,
                       measure: str = "yoy") -> pd.DataFrame:
    """Diffusion index (share of watched regions/industries growing, %) and composite prosperity index
    (100 = normal) over the watched series' YoY growth, by period."""
    ws.ensure()
    cols = {}
    with read_session(ws) as q:
        targets = [t for t in _targets(q, list_id) if t.kind in ("region", "industry")]
        if not targets:
            raise NotFoundError("no watched regions or industries (add items to a watch list)")
        for t in targets:
            region, industry = (t.code, "BCD") if t.kind == "region" else ("000000", t.code)
            s, _, _ = _growth_series(q, region, industry, measure, vintage)
            cols[f"{t.kind}:{t.code}"] = s
    frame = pd.DataFrame(cols)
    frame = frame.loc[sorted(frame.index, key=parse_period)]
    out = pd.DataFrame({"diffusion_index": diffusion_index(frame, "positive"),
                        "composite_index": composite_index(frame) if len(frame.columns) else np.nan,
                        "series": frame.notna().sum(axis=1)})
    return out.rename_axis("period").reset_index()


# ================================================================================================
# backtesting rules on given series (no workspace): what the validation against history uses


def backtest(series: Sequence[MonitoredSeries], years: Iterable[int] | None = None) -> dict[str, Any]:
    """Run rules over whole histories: signals (after corroboration), episodes (one per alert that
    would have been opened), the combined level per subject and period, and alert counts per year."""
    sig = corroborate(evaluate(series))
    eps = episodes(sig)
    from ..core.warning import combined_levels, counts_by_year

    return {"signals": sig, "episodes": eps, "combined": combined_levels(sig),
            "counts": counts_by_year(eps, years=years)}
