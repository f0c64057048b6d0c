"""Use cases: NBS-method indicators over the workspace series, and the report card.

Series are read from the workspace ``series`` table at a requested data vintage (latest by default:
for every observation the newest vintage not after the one asked for). Subjects that are not stored
as such (the nation, a macro-region, manufacturing, industry) are aggregated from their children.
Growth is computed from constant-price levels and shown beside the published comparable-sample rate
where one is stored; the two are never mixed (published rates cannot be derived from levels).

A series may carry a ``subject`` (a park, a cluster, a key enterprise, a chain node, a free series id;
'' = the plain region x industry series). Every function reads one subject: aggregates over members
sum the members of that subject only, so a park's series is never added into its province's total
(and a park's BCD total is summed from the park's own divisions).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.indicators import (ContributionModel, ContributionResult, IndicatorSeries, PartSpec,
                               ReportCardResult, ReportInput, compare_vintages, report_card,
                               two_year_average, vintage_label, yoy, ytd)
from ..core.indicators.figures import IndicatorBundle
from ..core.indicators.periods import canonical, parse_period
from ..errors import InputError, NotFoundError
from ..store import Session, Workspace, one_snapshot
from ..store import series as series_sql
from ..store.series import series_as_of

Measure = Literal["yoy", "ytd", "two_year"]

# ----------------------------------------------------------------------------------------------
# subjects: which stored (region, industry) codes make up a requested region / industry


def _region_members(region: str) -> list[str]:
    from .. import reference

    prov = reference.provinces()
    if region in (reference.NATION, "nation", "CN", "全国"):
        return prov["code"].tolist()
    if region in set(prov["macro_region"]):
        return prov.loc[prov["macro_region"] == region, "code"].tolist()
    if region in set(prov["code"]):
        return [region]
    raise InputError(f"unknown region {region!r}: expected a GB/T 2260 province code, {reference.NATION} "
                     f"(nation) or a macro-region ({', '.join(sorted(set(prov['macro_region'])))})")


def _industry_members(industry: str) -> list[str]:
    from .. import reference

    div = reference.gbt4754_divisions()
    ind = div[div["is_industry"]]
    if industry == "BCD":
        return ind["code"].tolist()
    if industry in ("B", "C", "D"):
        return ind.loc[ind["section"] == industry, "code"].tolist()
    if industry == "EQ":
        return [f"{k}" for k in range(33, 41)]
    if industry in set(div["code"]):
        return [industry]
    raise InputError(f"unknown industry {industry!r}: expected a GB/T 4754 division (06..46), a section "
                     "(B, C, D), BCD (industry) or EQ (equipment manufacturing)")


def read_session(ws: Workspace | Session):
    """The store's session (one snapshot for a burst of queries): ``with read_session(ws) as q:``.
    Kept for existing callers; new code writes ``with ws.session() as q:``."""
    return ws.session()


def check_subject(subject: str | None) -> str:
    """A subject as stored ('' for none); InputError when it is not a subject id."""
    from ..readers.series import SUBJECT_EXPECTED, subject_ok

    text = "" if subject is None else str(subject).strip()
    if not subject_ok(text):
        raise InputError(f"subject {subject!r}: expected {SUBJECT_EXPECTED}")
    return text


def _about(subject: str) -> str:
    return f", subject {subject!r}" if subject else ""


def _has_exact(ws: Workspace | Session, indicator: str, region: str, industry: str, subject: str = "") -> bool:
    return series_sql.has_subject(ws, indicator, region, industry, subject)


def _subject_codes(ws: Workspace | Session, indicator: str, region: str, industry: str,
                   subject: str = "") -> tuple[list[str], list[str]]:
    if _has_exact(ws, indicator, region, industry, subject):
        return [region], [industry]
    return _region_members(region), _industry_members(industry)


def _basis_for_levels(ws: Workspace | Session, indicator: str, price_basis: str | None, subject: str = "") -> str:
    if price_basis:
        return price_basis
    got = series_sql.price_bases(ws, indicator, subject=subject)
    if not got:
        known = series_sql.subjects_of(ws, indicator)
        if subject:
            raise NotFoundError(f"no {indicator!r} series with subject {subject!r} in the workspace"
                                + (f" (subjects stored: {', '.join(known[:10])})" if known else ""))
        if known:
            raise NotFoundError(f"indicator {indicator!r} is stored only for subjects ({', '.join(known[:10])}): "
                                "name one (--subject, API subject=)")
        raise NotFoundError(f"no series for indicator {indicator!r} in the workspace")
    for pref in ("constant", "current", "index"):
        for b in sorted(got):
            if b.startswith(pref):
                return b
    raise NotFoundError(f"indicator {indicator!r} has no levels (price bases found: {got})")


def fetch_rows(ws: Workspace | Session, indicator: str, regions: list[str], industries: list[str], price_basis: str,
               vintage: str | None = None, periods: list[str] | None = None, subject: str = "") -> pd.DataFrame:
    """Stored rows (latest vintage <= ``vintage`` per observation) for codes, a price basis and a subject."""
    rows = series_as_of(ws, indicator, price_basis=price_basis, regions=regions, industries=industries,
                        periods=periods or None, vintage=vintage, subject=subject)
    return rows[["region", "industry", "period", "freq", "value", "unit", "vintage"]].reset_index(drop=True)


def fetch_aggregate(ws: Workspace | Session, indicator: str, region: str, industry: str, price_basis: str,
                    vintage: str | None = None, subject: str = "") -> tuple[pd.Series, dict[str, str], str | None, str]:
    """Summed levels of a region x industry (of one subject) by period; periods where a member is
    missing are unavailable. Returns (levels, unavailable, vintage label, unit).
    """
    regions, industries = _subject_codes(ws, indicator, region, industry, subject)
    rows = fetch_rows(ws, indicator, regions, industries, price_basis, vintage, subject=subject)
    if rows.empty:
        raise NotFoundError(f"no {indicator!r} rows ({price_basis}) for region {region!r}, industry "
                            f"{industry!r}{_about(subject)}" + (f" at vintage <= {vintage}" if vintage else ""))
    members = rows.groupby(["region", "industry"]).size().index
    expected = len(members)
    g = rows.groupby("period").agg(value=("value", "sum"), n=("value", "count"), vintage=("vintage", "max"))
    unavailable = {p: f"{expected - int(n)} of {expected} members missing" for p, n in g["n"].items()
                   if n < expected}
    levels = g.loc[g["n"] == expected, "value"]
    levels.attrs["vintage_by_period"] = {canonical(p): str(v) for p, v in g["vintage"].items()}
    unit = str(rows["unit"].iloc[0])
    return levels, unavailable, (str(rows["vintage"].max()) if len(rows) else None), unit


def _series_ref(indicator: str, region: str, industry: str, subject: str) -> str:
    return "/".join([f"series:{indicator}", region, industry] + ([subject] if subject else []))


def _published(ws: Workspace | Session, indicator: str, region: str, industry: str, measure: Measure,
               vintage: str | None, subject: str = "") -> IndicatorSeries | None:
    basis = {"yoy": "growth_yoy_pct", "ytd": "growth_ytd_pct"}.get(measure)
    if basis is None or not _has_exact(ws, indicator, region, industry, subject):
        return None
    rows = fetch_rows(ws, indicator, [region], [industry], basis, vintage, subject=subject)
    if rows.empty:
        return None
    vals = pd.Series(rows["value"].to_numpy(), index=[canonical(p) for p in rows["period"]], dtype=float)
    ref = f"{_series_ref(indicator, region, industry, subject)}/{basis}"
    return IndicatorSeries(f"{indicator}.growth_{measure}", vals, "percent", "published",
                           str(rows["vintage"].max()), (ref,),
                           meta={"note": "comparable-sample growth as published; not derivable from levels",
                                 "vintage_by_period": {canonical(p): str(v) for p, v in
                                                       zip(rows["period"], rows["vintage"])}})


def _published_aggregated(ws: Workspace | Session, indicator: str, region: str, industry: str, measure: Measure,
                          level_basis: str, vintage: str | None, subject: str = "") -> IndicatorSeries | None:
    """The NBS way of aggregating published rates: members' published growth weighted by their
    base-period levels (YoY: the same period a year earlier; YTD: the cumulative level of the same
    months a year earlier). A period is shown only when every member has both."""
    if _has_exact(ws, indicator, region, industry, subject):
        return None
    regions, industries = _region_members(region), _industry_members(industry)
    rates = fetch_rows(ws, indicator, regions, industries, {"yoy": "growth_yoy_pct", "ytd": "growth_ytd_pct"}[measure],
                       vintage, subject=subject)
    if rates.empty:
        return None
    levels = fetch_rows(ws, indicator, regions, industries, level_basis, vintage, subject=subject)
    if levels.empty:
        return None
    # January-February merge of levels (a stored January joins February)
    jan = levels["period"].str.endswith("-01") & (levels["freq"] == "M")
    levels.loc[jan, "period"] = levels.loc[jan, "period"].str[:5] + "02"
    L = levels.groupby(["region", "industry", "period"])["value"].sum().unstack("period")
    G = rates.pivot_table(index=["region", "industry"], columns="period", values="value", aggfunc="first")
    G = G.reindex(L.index.union(G.index))
    L = L.reindex(G.index)
    values: dict[str, float] = {}
    unavailable: dict[str, str] = {}
    cols = set(L.columns)
    for p in G.columns:
        q = parse_period(p)
        if measure == "yoy":
            base = [q.shift_years(-1).label]
        else:
            first = 2 if q.freq == "M" else 1
            base = [type(q)(q.year - 1, k, q.freq).label for k in range(first, q.sub + 1)]
        if not all(b in cols for b in base):
            continue
        w = L[base].sum(axis=1, min_count=len(base))
        g = G[p]
        ok = w.notna() & g.notna()
        if not ok.all():
            unavailable[p] = f"{int((~ok).sum())} of {len(ok)} members lack a published rate or a base level"
            continue
        values[p] = float((w * g).sum() / w.sum())
    return IndicatorSeries(f"{indicator}.growth_{measure}", pd.Series(values, dtype=float), "percent",
                           "derived_from_rates", vintage_label(rates["vintage"]),
                           (f"series:{indicator}/members of {region}/{industry}/growth_{measure}_pct",
                            f"series:{indicator}/members of {region}/{industry}/{level_basis}"), unavailable,
                           {"note": "members' published comparable-sample rates weighted by base-period levels",
                            "vintage_by_period": rates.groupby("period")["vintage"].max().to_dict()})


def _window(s: IndicatorSeries, start: str | None, end: str | None) -> IndicatorSeries:
    if start is None and end is None and "vintage_by_period" not in s.meta:
        return s
    lo = parse_period(start) if start else None
    hi = parse_period(end) if end else None
    keep = [p for p in s.values.index if (lo is None or parse_period(p) >= lo) and (hi is None or parse_period(p) <= hi)]
    una = {p: r for p, r in s.unavailable.items()
           if (lo is None or parse_period(p) >= lo) and (hi is None or parse_period(p) <= hi)}
    vbp = s.meta.get("vintage_by_period")
    vint = (vintage_label([vbp[p] for p in keep if p in vbp]) or s.vintage) if vbp else s.vintage
    meta = {k: v for k, v in s.meta.items() if k != "vintage_by_period"}
    return IndicatorSeries(s.name, s.values.loc[keep], s.unit, s.basis, vint, s.inputs, una, meta)


@one_snapshot
def indicator_growth(ws: Workspace | Session, indicator: str = "value_added", *, region: str = "000000",
                     industry: str = "BCD", measure: Measure = "yoy", vintage: str | None = None,
                     price_basis: str | None = None, start: str | None = None, end: str | None = None,
                     subject: str = "") -> IndicatorBundle:
    """Growth of an indicator for a region and industry (and ``subject``: a park's, a cluster's, a key
    enterprise's own series; '' = the region x industry series): derived from levels (constant prices
    where stored; current prices for nominal indicators such as profits or export delivery value), and
    the published rate beside it when one is stored for exactly this series."""
    if measure not in ("yoy", "ytd", "two_year"):
        raise InputError(f"measure must be yoy, ytd or two_year, got {measure!r}")
    subject = check_subject(subject)
    head = {"indicator": indicator, "region": region, "industry": industry, "subject": subject}
    try:
        basis = _basis_for_levels(ws, indicator, price_basis, subject)
    except NotFoundError:
        # published rates without levels (what a department mostly has): shown as published
        pub = _published(ws, indicator, region, industry, measure, vintage, subject) if price_basis is None else None
        if pub is None:
            raise
        return IndicatorBundle({**head, "measure": measure,
                                "vintage": vintage or "latest", "price_basis": None, "level_unit": None},
                               (_window(pub, start, end),))
    levels, una, vint, unit = fetch_aggregate(ws, indicator, region, industry, basis, vintage, subject)
    src = (f"{_series_ref(indicator, region, industry, subject)}/{basis}",)
    fn = {"yoy": yoy, "ytd": ytd, "two_year": two_year_average}[measure]
    derived = fn(levels, name=f"{indicator}.growth_{measure}", vintage=vint, inputs=src)
    if una:
        derived = IndicatorSeries(derived.name, derived.values, derived.unit, derived.basis, derived.vintage,
                                  derived.inputs, {**una, **derived.unavailable}, derived.meta)
    derived = _window(derived, start, end)
    # the figure is as new as the newest level behind it (the periods shown and their base periods)
    vbp = levels.attrs.get("vintage_by_period", {})
    used = set(derived.values.index) | {parse_period(p).shift_years(-k).label for p in derived.values.index
                                        for k in (1, 2)}
    used_v = [vbp[p] for p in used if p in vbp]
    if used_v:
        derived = IndicatorSeries(derived.name, derived.values, derived.unit, derived.basis, max(used_v),
                                  derived.inputs, derived.unavailable, derived.meta)
    out = [derived]
    pub = _published(ws, indicator, region, industry, measure, vintage, subject)
    if pub is not None:
        out.append(_window(pub, start, end))
    elif measure in ("yoy", "ytd"):
        agg = _published_aggregated(ws, indicator, region, industry, measure, basis, vintage, subject)
        if agg is not None:
            out.append(_window(agg, start, end))
    query = {**head, "measure": measure,
             "vintage": vintage or "latest", "price_basis": basis, "level_unit": unit}
    return IndicatorBundle(query, tuple(out))


# ----------------------------------------------------------------------------------------------
# contribution and pull of the parts of a subject


_BY = ("division", "section", "province", "macro_region")


def _part_of(by: str) -> dict[str, str]:
    from .. import reference

    if by == "division":
        return {c: c for c in reference.industrial_divisions()}
    if by == "section":
        d = reference.gbt4754_divisions()
        d = d[d["is_industry"]]
        return dict(zip(d["code"], d["section"]))
    p = reference.provinces()
    if by == "province":
        return dict(zip(p["code"], p["code"]))
    return dict(zip(p["code"], p["macro_region"]))


@one_snapshot
def contribution_breakdown(ws: Workspace | Session, period: str, indicator: str = "value_added", *,
                           by: str = "section", region: str = "000000", industry: str = "BCD",
                           measure: Literal["yoy", "ytd"] = "yoy", vintage: str | None = None,
                           price_basis: str | None = None, subject: str = "") -> ContributionResult:
    """Contribution rate (%) and pull (points) of each part (``by`` division, section, province or
    macro-region) to the growth of the whole in ``period`` (YoY or year-to-date), at constant prices.
    With ``subject`` the parts are that subject's own series (a park's divisions)."""
    if by not in _BY:
        raise InputError(f"by must be one of {', '.join(_BY)}, got {by!r}")
    if measure not in ("yoy", "ytd"):
        raise InputError(f"measure must be yoy or ytd, got {measure!r}")
    try:
        p = parse_period(period)
    except ValueError as e:
        raise InputError(str(e)) from None
    subject = check_subject(subject)
    basis = _basis_for_levels(ws, indicator, price_basis, subject)
    regions, industries = _region_members(region), _industry_members(industry)
    wanted_cur, wanted_base = _measure_periods(p, measure)
    # only the periods needed (and January, merged into January-February where stored separately)
    need = wanted_cur + wanted_base
    need += [f"{x[:4]}-01" for x in need if x.endswith("-02")]
    rows = fetch_rows(ws, indicator, regions, industries, basis, vintage, periods=need, subject=subject)
    if rows.empty:
        raise NotFoundError(f"no {indicator!r} rows for region {region!r}, industry {industry!r}{_about(subject)} in "
                            f"{', '.join(wanted_cur + wanted_base)}")
    rows["period"] = rows["period"].map(canonical)
    key = "industry" if by in ("division", "section") else "region"
    part = _part_of(by)
    used = set(wanted_cur + wanted_base)
    vints: list[str] = [str(v) for v in rows.loc[rows["period"].isin(used), "vintage"]]
    # January-February merge, vectorised: January joins February; a January without its February
    # cannot form the merged period
    is_jan = rows["period"].str.endswith("-01") & (rows["freq"] == "M")
    if is_jan.any():
        feb = set(zip(rows["region"], rows["industry"], rows["period"]))
        orphan = [(r, i, x) for r, i, x in rows.loc[is_jan, ["region", "industry", "period"]].itertuples(index=False)
                  if (r, i, x[:5] + "02") not in feb]
        if orphan:
            r, i, x = orphan[0]
            raise NotFoundError(f"{indicator} {r}/{i}: January {x} without February: January-February cannot be formed")
        rows.loc[is_jan, "period"] = rows.loc[is_jan, "period"].str[:5] + "02"
    wide = rows.groupby(["region", "industry", "period"])["value"].sum().unstack("period")
    missing = [x for x in wanted_cur + wanted_base if x not in wide.columns]
    holes = wide.reindex(columns=wanted_cur + wanted_base).isna()
    if missing or holes.to_numpy().any():
        (r, i) = holes.index[holes.any(axis=1)][0] if holes.to_numpy().any() else holes.index[0]
        gap = missing or [c for c in holes.columns if holes.loc[(r, i), c]]
        raise NotFoundError(f"{indicator} {r}/{i}: no level for {', '.join(gap)}")
    keys = wide.index.get_level_values(key).map(part)
    Y1 = wide[wanted_cur].sum(axis=1).groupby(keys.to_numpy()).sum().to_dict()
    Y0 = wide[wanted_base].sum(axis=1).groupby(keys.to_numpy()).sum().to_dict()
    res = ContributionModel(pd.Series(Y0), pd.Series(Y1)).run()
    meta = {"indicator": indicator, "period": p.label, "measure": measure, "by": by, "region": region,
            "industry": industry, "subject": subject, "price_basis": basis, "vintage": max(vints) if vints else None,
            "base_periods": wanted_base, "periods": wanted_cur}
    return ContributionResult(res.g, res.s0, res.contribution, res.pull, res.g_whole, res.exhaustive,
                              res.unavailable, meta)


def _measure_periods(p, measure: str) -> tuple[list[str], list[str]]:
    from ..core.indicators.periods import Period

    if measure == "yoy" or p.freq == "A":
        cur = [p.label]
    elif p.freq == "M":
        cur = [Period(p.year, k, "M").label for k in range(2, p.sub + 1)] if p.sub >= 2 else [p.label]
    else:
        cur = [Period(p.year, k, p.freq).label for k in range(1, p.sub + 1)]
    if p.freq == "M" and p.sub == 1:
        raise InputError("January is published together with February: ask for YYYY-02 (January-February)")
    return cur, [parse_period(c).shift_years(-1).label for c in cur]


# ----------------------------------------------------------------------------------------------
# the report card (from the official figures file and the NBS quarterly database export)


# the files are read by readers.nbs_macro (imported here under the names the CLI and tests use)
from ..readers.nbs_macro import read_nbs_quarterly, read_official_figures  # noqa: E402,F401


def _official_input(fig: pd.DataFrame, indicator: str, year: int, name: str | None = None,
                    note: str = "") -> ReportInput:
    hit = fig[(fig["indicator"] == indicator) & (fig["year"] == year)]
    if hit.empty:
        raise NotFoundError(f"official figures: no {indicator} for {year}")
    r = hit.iloc[0]
    return ReportInput(name or indicator, float(r["value"]), str(r["unit"]), str(r["source_url"]),
                       f"preliminary ({r.get('vintage_note', '')})", note)


def _quarterly_input(q: pd.DataFrame, sector: str, period: str, kind: str, source: str, vintage: str,
                     name: str, note: str = "") -> ReportInput:
    hit = q[(q["sector"] == sector) & (q["measure"] == "accumulated") & (q["kind"] == kind)
            & (q["period"] == period)]
    if hit.empty:
        raise NotFoundError(f"NBS export: no accumulated {kind} for {sector} in {period}")
    v = float(hit["value"].iloc[0])
    if kind == "index":
        return ReportInput(name, v - 100.0, "percent", source, vintage, note or f"index {v:g} (preceding year = 100) - 100")
    return ReportInput(name, v, "100 million CNY", source, vintage, note)


CURRENT_VINTAGE = "current (NBS database export, after the Dec 2024 economic-census revision)"


def _current_card(q: pd.DataFrame, year: int, src_levels: str, src_index: str) -> ReportCardResult:
    base, cur = f"{year - 1}Q4", f"{year}Q4"
    whole_g = _quarterly_input(q, "gdp", cur, "index", src_index, CURRENT_VINTAGE, "gdp_real_growth")
    whole_0 = _quarterly_input(q, "gdp", base, "level", src_levels, CURRENT_VINTAGE, "gdp_base_level",
                               f"GDP {year - 1}, current prices = {year} constant prices of the base year")
    parts = {}
    for part in ("industry", "manufacturing", "primary", "secondary", "tertiary"):
        parts[part] = PartSpec(
            growth=_quarterly_input(q, part, cur, "index", src_index, CURRENT_VINTAGE, f"{part}_real_growth"),
            base_level=_quarterly_input(q, part, base, "level", src_levels, CURRENT_VINTAGE, f"{part}_base_level"))
    card = report_card(str(year), CURRENT_VINTAGE, whole_g, parts, whole_base_level=whole_0)
    pulls = sum(card.figures[f"{p}_pull_pp"] for p in ("primary", "secondary", "tertiary"))
    figures = dict(card.figures)
    figures["three_sectors_pull_sum_pp"] = pulls
    return ReportCardResult(card.period, card.vintage, figures, card.inputs, card.method,
                            {"check": "pulls of the three sectors should add up to GDP growth up to rounding "
                                      "of the published indices (0.1)"})


def report_card_2022(official_figures: str | Path, current_prices: str | Path, indices: str | Path
                     ) -> dict[str, Any]:
    """Reproduce the 2022 report card (industry contributed 36% and 1.1 points, manufacturing 0.8) and
    compute the same on the current vintage for 2022-2025; show the difference between vintages.

    Returns {'preliminary': card, 'official_only': card, 'current': {year: card}, 'vintage_difference':
    frame}. The preliminary card takes the 2022 growth rates from the official (preliminary) figures;
    the base-period (2021) shares of industry and manufacturing in GDP are not in that file, so they
    come from the 2021 levels of the NBS export (current vintage) -- listed as such in the inputs.
    ``official_only`` is the sensitivity variant that uses the official file alone (see its notes).
    """
    fig = read_official_figures(official_figures)
    q = pd.concat([read_nbs_quarterly(current_prices), read_nbs_quarterly(indices)], ignore_index=True)
    src_levels, src_index = Path(current_prices).name, Path(indices).name

    g_gdp = _official_input(fig, "gdp_real_growth", 2022)
    g_ind = _official_input(fig, "industry_va_total_growth", 2022, "industry_real_growth")
    g_mfg = _official_input(fig, "manufacturing_va_above_designated_size_growth", 2022, "manufacturing_real_growth",
                            note="value added of manufacturing above designated size: used as the growth of all "
                                 "manufacturing (the communique gives no separate all-enterprise rate)")
    gdp0 = _quarterly_input(q, "gdp", "2021Q4", "level", src_levels, CURRENT_VINTAGE, "gdp_base_level",
                            "2021 GDP; the 2021 levels known in January 2023 are not in the official file")
    ind0 = _quarterly_input(q, "industry", "2021Q4", "level", src_levels, CURRENT_VINTAGE, "industry_base_level")
    mfg0 = _quarterly_input(q, "manufacturing", "2021Q4", "level", src_levels, CURRENT_VINTAGE,
                            "manufacturing_base_level")
    prelim = report_card("2022", "preliminary growth (2023-01/02) with current-vintage 2021 base levels", g_gdp,
                         {"industry": PartSpec(g_ind, base_level=ind0),
                          "manufacturing": PartSpec(g_mfg, base_level=mfg0)}, whole_base_level=gdp0)

    # official file only: manufacturing's 2021 share = 27.7 - 0.2 (the press conference says +0.2 pp);
    # industry's 2021 share estimated from the 2021 secondary-sector share and 2022's industry/secondary ratio
    sec21, gdp21 = _official_input(fig, "secondary_va", 2021), _official_input(fig, "gdp_current_prices", 2021)
    ind22, sec22 = _official_input(fig, "industry_va_total", 2022), _official_input(fig, "secondary_va", 2022)
    mshare22 = _official_input(fig, "manufacturing_share_of_gdp", 2022)
    s_ind = sec21.value / gdp21.value * (ind22.value / sec22.value) * 100.0
    s_ind_in = ReportInput("industry_base_share", s_ind, "percent of GDP",
                           f"derived from {sec21.source} and {ind22.source}", "preliminary",
                           "secondary_va 2021 / gdp 2021 x industry_va_total 2022 / secondary_va 2022 (estimate)")
    s_mfg_in = ReportInput("manufacturing_base_share", mshare22.value - 0.2, "percent of GDP", mshare22.source,
                           "preliminary", "27.7% in 2022, +0.2 points on 2021 (press conference)")
    official_only = report_card("2022", "preliminary (official file only)", g_gdp,
                                {"industry": PartSpec(g_ind, base_share=s_ind_in),
                                 "manufacturing": PartSpec(g_mfg, base_share=s_mfg_in)})

    current = {y: _current_card(q, y, src_levels, src_index) for y in (2022, 2023, 2024, 2025)}
    diff = compare_vintages(prelim, current[2022])
    published = {f: float(fig[(fig["indicator"] == ind) & (fig["year"] == 2022)]["value"].iloc[0])
                 for f, ind in (("industry_contribution_pct", "industry_contribution_rate_to_gdp_growth"),
                                ("industry_pull_pp", "industry_pull_on_gdp_growth"),
                                ("manufacturing_pull_pp", "manufacturing_pull_on_gdp_growth"))}
    return {"published": published, "preliminary": prelim, "official_only": official_only, "current": current,
            "vintage_difference": diff}


def _round(x: float, k: int = 2) -> float:
    return float(round(x, k)) if math.isfinite(x) else float("nan")


def report_card_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per card and figure of interest (for the CLI and docs)."""
    rows = []
    keys = ("whole_growth_pct", "industry_growth_pct", "industry_base_share_pct", "industry_contribution_pct",
            "industry_pull_pp", "manufacturing_growth_pct", "manufacturing_pull_pp")
    cards = [("published (MIIT 2023-01-18)", None)] + [("preliminary", result["preliminary"]),
                                                       ("official file only", result["official_only"])]
    cards += [(f"current {y}", c) for y, c in result["current"].items()]
    for label, card in cards:
        if card is None:
            rows.append({"card": label, **{k: result["published"].get(k, np.nan) for k in keys}})
        else:
            rows.append({"card": label, **{k: _round(card.figures.get(k, np.nan)) for k in keys}})
    short = {"whole_growth_pct": "gdp_growth", "industry_growth_pct": "ind_growth",
             "industry_base_share_pct": "ind_base_share", "industry_contribution_pct": "ind_contribution",
             "industry_pull_pp": "ind_pull", "manufacturing_growth_pct": "mfg_growth",
             "manufacturing_pull_pp": "mfg_pull"}
    return pd.DataFrame(rows).rename(columns=short)
