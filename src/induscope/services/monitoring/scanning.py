"""Early-warning scans: which series are watched, how each is formed (published rates first, else
derived from levels), which rules watch it, and the merge of the resulting episodes into the alerts.

A scan that finds nothing to scan says why (no watch list, an indicator name the scan cannot use,
a region without data, ...), and a scan that leaves old episodes out says how to see them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ... import reference
from ...core.indicators import IndicatorSeries, yoy, ytd
from ...core.indicators.periods import canonical, parse_period
from ...core.indicators.vocabulary import basis_spellings, expected_indicators, indicator_label, term
from ...core.warning import (Episode, MonitoredSeries, corroborate, enterprise_rules, episodes, evaluate,
                             growth_ytd_rules, growth_yoy_rules, pmi_preset)
from ...errors import NotFoundError
from ...store import Workspace
from ...store import reports as report_store
from ...store import series as series_store
from ...store import watchlists as watch_store
from ..indicators import _has_exact, fetch_aggregate, fetch_rows
from .alerts import persist_episodes
from .reports import WARNED_METRICS, monthly_reports


@dataclass(frozen=True)
class Target:
    kind: str
    code: str
    target: float | None = None
    label: str | None = None
    indicator: str = "value_added"
    region: str | None = None
    industry: str | None = None
    subject: str | None = None

    @property
    def subject_id(self) -> str:
        return f"{self.kind}:{self.code}"

    def place(self) -> tuple[str, str]:
        """(region, industry) of the series watched."""
        if self.kind == "region":
            return self.code, "BCD"
        if self.kind == "industry":
            return reference.NATION, self.code
        return self.region or reference.NATION, self.industry or "BCD"


def series_name(t: Target, what: str = "") -> str:
    """The watched series' own name: the item's label, else built from its parts."""
    if t.label:
        base = t.label
    elif t.kind == "enterprise":
        base = f"enterprise {t.code}"
    else:
        region, industry = t.place()
        parts = [indicator_label(t.indicator)]
        if t.subject:
            parts.insert(0, t.subject)
        if t.kind != "industry" or region != reference.NATION:
            parts.append(reference.region_label(region))
        if t.kind != "region" or industry != "BCD":
            parts.append(reference.industry_label(industry))
        base = " · ".join(parts)
    return f"{base} ({what})" if what else base


def _targets(q, list_id: str | None) -> tuple[list[Target], str | None]:
    """The watched items, and why there are none when there are none."""
    with_items = None
    if list_id:
        items = watch_store.lists_with_items(q.con, list_id)
        if items.empty:
            raise NotFoundError(f"no watch list {list_id!r}")
        items = items.dropna(subset=["kind"])
        if items.empty:
            return [], f"watch list {list_id!r} has no items (add some with `monitor watch add {list_id} ...`)"
        with_items = items
    else:
        items = watch_store.all_items(q.con)
        if len(items):
            with_items = items
    if with_items is not None:
        out = []
        for r in with_items.itertuples():
            tg = None if pd.isna(r.target_growth) else float(r.target_growth)
            lab = None if pd.isna(r.label) else str(r.label)
            ind = None if pd.isna(r.indicator) else str(r.indicator)
            out.append(Target(r.kind, r.code, tg, lab, ind or "value_added",
                              None if pd.isna(r.region) else r.region, None if pd.isna(r.industry) else r.industry,
                              None if pd.isna(r.subject) else r.subject))
        return out, None
    # nothing watched: the national headline, and every enterprise that reports
    out = []
    if watch_store.has_indicator(q.con, "value_added"):
        out.append(Target("industry", "BCD", label="全国工业 national industry"))
    out += [Target("enterprise", f) for f in report_store.reporting_firms(q.con)]
    if out:
        return out, None
    stored = watch_store.stored_indicators(q.con)
    if stored:
        unknown = [s for s in stored if term(s) is None]
        hint = (f"; not in the indicator vocabulary: {', '.join(unknown[:5])} (known: {expected_indicators()})"
                if unknown else "")
        return [], ("no watch list, and no value_added series for the default national headline; the workspace "
                    f"holds {', '.join(stored[:8])}{hint}. Watch them with `monitor watch add LIST "
                    "series:INDICATOR/REGION/INDUSTRY`")
    return [], ("no watch list and nothing to watch by default: the workspace has no series and no operating "
                "reports (run `induscope demo`, import series or reports, then `monitor watch add`)")


def _published(q, indicator: str, region: str, industry: str, basis: str, vintage: str | None, subject: str = ""
               ) -> tuple[pd.Series, str] | None:
    for spelling in basis_spellings(basis):
        rows = fetch_rows(q, indicator, [region], [industry], spelling, vintage, subject=subject)
        if len(rows):
            s = pd.Series(rows["value"].to_numpy(), index=[canonical(p) for p in rows["period"]], dtype=float)
            return s, str(rows["vintage"].max())
    return None


def _levels_basis(q, indicator: str, subject: str = "") -> str | None:
    got = series_store.price_bases(q.con, indicator, subject=subject)
    for pref in ("constant", "current", "index_base"):
        for b in got:
            if b.startswith(pref):
                return b
    return None


def growth_series(q, indicator: str, region: str, industry: str, measure: str, vintage: str | None,
                  cache: dict | None = None, subject: str = "") -> tuple[pd.Series, str, str | None]:
    """The growth the warnings watch: the published rate where stored for exactly this series (what
    is reported; any spelling of the basis), else derived from the summed levels (of ``subject``'s
    rows only: a park's series is its own, never part of its province's sum).
    Returns (series, basis, vintage). ``cache`` keeps summed levels between the YoY and YTD calls."""
    basis = {"yoy": "growth_yoy_pct", "ytd": "growth_ytd_pct"}[measure]
    subject = subject or ""
    where = f"{region}/{industry}" + (f"/{subject}" if subject else "")
    if _has_exact(q, indicator, region, industry, subject):
        pub = _published(q, indicator, region, industry, basis, vintage, subject)
        if pub is not None:
            return pub[0], "published", pub[1]
    lb = _levels_basis(q, indicator, subject)
    if lb is None:
        stored = series_store.price_bases(q.con, indicator, region, industry, subject)
        if not stored:
            raise NotFoundError(f"no {indicator} series stored for region {region}, industry {industry}"
                                + (f", subject {subject}" if subject else ""))
        raise NotFoundError(f"{indicator} {where}: no {basis} rate and no levels to derive it "
                            f"(price bases stored: {', '.join(map(str, stored))})")
    key = (indicator, region, industry, subject, lb, vintage)
    if cache is None or key not in cache:
        got = fetch_aggregate(q, indicator, region, industry, lb, vintage, subject)
        if cache is not None:
            cache[key] = got
    else:
        got = cache[key]
    levels, _, vint, _ = got
    res: IndicatorSeries = (yoy if measure == "yoy" else ytd)(levels)
    return res.values, "derived_from_levels", vint


def _monitored(q, targets: list[Target], vintage: str | None, include_pmi: bool
               ) -> tuple[list[MonitoredSeries], dict, dict, list[str]]:
    series: list[MonitoredSeries] = []
    vints: dict[tuple[str, str], str | None] = {}
    names: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    seen: set[tuple[str, str]] = set()
    levels_cache: dict = {}

    def add(t: Target, indicator: str, values: pd.Series, rules, vint, what: str) -> None:
        key = (t.subject_id, indicator)
        if key in seen or values.dropna().empty:
            return
        seen.add(key)
        series.append(MonitoredSeries(t.subject_id, indicator, values, rules))
        vints[key] = vint
        names[key] = series_name(t, what)

    for t in targets:
        if t.kind == "enterprise":
            for metric in WARNED_METRICS:
                m = monthly_reports(q.con, metric, vintage, firms=[t.code])
                if len(m):
                    s = pd.Series(m["value"].to_numpy(), index=m["period"].to_numpy(), dtype=float)
                    add(t, metric, s, enterprise_rules(metric), str(m["vintage"].max()), metric)
            continue
        region, industry = t.place()
        kind = term(t.indicator).kind if term(t.indicator) else "growth"
        if kind == "diffusion":
            rows = pd.DataFrame()
            for basis in (_levels_basis(q, t.indicator, t.subject or ""), "diffusion_index", "index", "level"):
                if basis:
                    rows = fetch_rows(q, t.indicator, [region], [industry], basis, vintage, subject=t.subject or "")
                    if len(rows):
                        break
            if rows.empty:
                notes.append(f"{t.subject_id}: no {t.indicator} series stored for {region}/{industry}"
                             + (f"/{t.subject}" if t.subject else ""))
                continue
            s = pd.Series(rows["value"].to_numpy(), index=[canonical(p) for p in rows["period"]], dtype=float)
            add(t, t.indicator, s, pmi_preset(), str(rows["vintage"].max()),
                "" if t.label else indicator_label(t.indicator))
            continue
        for measure, rules in (("yoy", growth_yoy_rules()), ("ytd", growth_ytd_rules(t.target))):
            try:
                s, basis, v = growth_series(q, t.indicator, region, industry, measure, vintage, levels_cache,
                                            subject=t.subject or "")
            except NotFoundError as e:
                notes.append(f"{t.subject_id} ({measure}): {e}")
                continue
            what = {"yoy": "YoY growth 同比", "ytd": "year-to-date growth 累计同比"}[measure]
            add(t, f"{t.indicator}.growth_{measure}", s, rules, v, f"{what}, {basis.replace('_', ' ')}")
    if include_pmi and not any(m.indicator == "pmi_manufacturing" for m in series):
        first = watch_store.first_series(q.con, "pmi_manufacturing")
        if first is not None:
            p = fetch_rows(q, "pmi_manufacturing", [first[0]], [first[1]], first[2], vintage)
            s = pd.Series(p["value"].to_numpy(), index=[canonical(x) for x in p["period"]], dtype=float)
            t = Target("series", "pmi_manufacturing", label=indicator_label("pmi_manufacturing"))
            add(t, "pmi_manufacturing", s, pmi_preset(), str(p["vintage"].max()), "")
    return series, vints, names, notes


EXPECTED = ".expected"


def _expected(q, targets: list[Target], series: list[MonitoredSeries], names: dict
              ) -> tuple[list[MonitoredSeries], dict[tuple[str, str], str]]:
    """YoY growth series extended by the nowcast of the next month (``<indicator>.growth_yoy.expected``),
    where the workspace's timelier series reach a month the indicator has not reached yet. Their
    alerts are marked "expected (nowcast)" in the series name; once the month is published the
    expected alert becomes inactive and the published series speaks."""
    from ..nowcast import next_month

    by_key = {(m.subject, m.indicator): m for m in series}
    out: list[MonitoredSeries] = []
    latest: dict[tuple[str, str], str] = {}
    for t in targets:
        if t.kind == "enterprise" or (term(t.indicator) and term(t.indicator).kind == "diffusion"):
            continue
        if t.subject:
            continue  # the nowcast models region x industry series; a park's own series has none
        pub = by_key.get((t.subject_id, f"{t.indicator}.growth_yoy"))
        if pub is None:
            continue
        key = (t.subject_id, f"{t.indicator}.growth_yoy{EXPECTED}")
        values = pd.Series(pub.values).dropna()
        latest[key] = max(values.index, key=parse_period)
        region, industry = t.place()
        nc = next_month(q, t.indicator, region, industry, published_through=latest[key])
        if nc is None or nc.period in values.index:
            continue
        extended = pd.concat([values, pd.Series({nc.period: nc.value})])
        out.append(MonitoredSeries(t.subject_id, key[1], extended, pub.rules))
        latest[key] = nc.period
        names[key] = series_name(t, f"YoY growth 同比, expected 预计: nowcast for {nc.period} "
                                    f"({nc.model}, 90% {nc.lower:.1f}..{nc.upper:.1f})")
    return out, latest


def _ord(p: str) -> int:
    return parse_period(p).ordinal()


def scan(ws: Workspace, *, list_id: str | None = None, vintage: str | None = None, history: bool = False,
         lookback: int = 3, include_pmi: bool = True) -> dict[str, Any]:
    """Run the early warnings over the watched series and update the stored alerts.

    Watched: the items of ``list_id`` (or of all lists; with no lists, the national industry headline
    and every reporting enterprise) and the manufacturing PMI if stored. Episodes that ended more than
    ``lookback`` periods before the latest period are history and are not stored unless ``history``.
    """
    ws.ensure()
    with ws.session() as q:
        targets, why = _targets(q, list_id)
        if why:
            raise NotFoundError(f"nothing to scan: {why}")
        series, vints, names, notes = _monitored(q, targets, vintage, include_pmi)
        expected, expected_latest = _expected(q, targets, series, names) if vintage is None else ([], {})
    if not series:
        raise NotFoundError("nothing to scan: no watched series has data: " + "; ".join(notes[:10]))
    sig = corroborate(evaluate(series))
    eps = episodes(sig)
    latest = {(m.subject, m.indicator): max(pd.Series(m.values).dropna().index, key=parse_period)
              for m in series if len(pd.Series(m.values).dropna())}
    if expected:
        # an expected alert is about the nowcast month only: earlier episodes are the published series'
        exp_eps = [e for e in episodes(corroborate(evaluate(expected)))
                   if e.last_period == expected_latest.get((e.subject, e.indicator))]
        eps = eps + exp_eps
        vints.update({(m.subject, m.indicator): "nowcast" for m in expected})
    latest.update(expected_latest)
    older = 0
    if not history:
        def recent(e: Episode) -> bool:
            last = latest.get((e.subject, e.indicator))
            return last is not None and _ord(last) - _ord(e.last_period) <= lookback
        kept = [e for e in eps if recent(e)]
        older = len(eps) - len(kept)
        eps = kept
    stats = persist_episodes(ws, eps, latest, vints, names)
    if older:
        notes.append(f"{older} earlier episode(s) ended more than {lookback} periods before the latest data "
                     "and were not stored (scan with --history to store them)")
    if not eps:
        notes.append(f"no rule fired in the last {lookback + 1} periods of the {len(series)} watched series")
    return {"series": len(series), "signals": len(sig), "episodes": len(eps), **stats,
            "vintage": vintage or "latest", "notes": notes}
