"""The annual report card: gather the figures of every section from the services (no SQL, no parsing).

Each section is a plain dict (``available``, ``text`` sentences stating the figures, ``charts`` as
ECharts option dicts, ``tables`` as lists of records) so that the HTML template, the PDF and the
tests read the same thing. A section whose service or data is absent is ``available=False`` with
the reason, never an exception: a report with a hole that says so beats no report.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InduscopeError
from ..store import Workspace

NATION = "000000"
OFFICIAL_FILES = ("official_figures_china_2021_2022.csv", "nbs_quarterly_gdp_current_prices.csv",
                  "nbs_quarterly_gdp_indices.csv")
#: GB/T 4754 divisions counted as high-tech manufacturing at division level (NBS 2017 list: medicines
#: 27 and electronic and communication equipment 39 are high-tech almost whole; the other categories
#: are single classes inside larger divisions that division-level series cannot separate)
HIGHTECH_DIVISIONS = ("27", "39")


@dataclass
class ReportCard:
    year: int
    region: str
    region_name: str
    sections: list[dict[str, Any]]
    appendix: list[dict[str, Any]]
    synthetic: bool
    month: str | None = None
    notes: list[str] = field(default_factory=list)

    def section(self, key: str) -> dict[str, Any]:
        return next(s for s in self.sections if s["key"] == key)

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "month": self.month, "region": self.region, "region_name": self.region_name,
                "synthetic": self.synthetic, "sections": self.sections, "appendix": self.appendix,
                "notes": self.notes}


def _r(x: Any, k: int = 1) -> float | None:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return round(x, k) if math.isfinite(x) else None


def _fmt(x: Any, k: int = 1) -> str:
    v = _r(x, k)
    return "n/a" if v is None else f"{v:.{k}f}"


def _section(key: str, zh: str, en: str) -> dict[str, Any]:
    return {"key": key, "title_zh": zh, "title_en": en, "available": True, "reason": "", "text": [],
            "charts": [], "tables": []}


def _absent(sec: dict[str, Any], reason: str) -> dict[str, Any]:
    sec["available"] = False
    sec["reason"] = reason
    return sec


def _bar(title: str, labels: list[str], series: dict[str, list[Any]], unit: str) -> dict[str, Any]:
    return {"title": title, "option": {
        "animation": False, "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": labels}, "yAxis": {"type": "value", "name": unit},
        "series": [{"type": "bar", "name": k, "data": v, "label": {"show": True, "position": "top"}}
                   for k, v in series.items()]}}


def _line(title: str, labels: list[str], series: dict[str, list[Any]], unit: str) -> dict[str, Any]:
    return {"title": title, "option": {
        "animation": False, "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": labels}, "yAxis": {"type": "value", "name": unit},
        "series": [{"type": "line", "name": k, "data": v} for k, v in series.items()]}}


# ---------------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------------
def _official_headline(official: Path, year: int, sec: dict[str, Any], appendix: list[dict[str, Any]]) -> None:
    """The national card on the official figures: the preliminary card (2022 only) and the current vintage."""
    from ..services.indicators import read_official_figures, report_card_2022

    missing = [f for f in OFFICIAL_FILES if not (official / f).is_file()]
    if missing:
        sec["text"].append(f"Official figures not used: {', '.join(missing)} not found in the folder given.")
        return
    res = report_card_2022(*(official / f for f in OFFICIAL_FILES))
    cards = []
    if year == 2022:
        cards.append(("preliminary", res["preliminary"]))
    if year in res["current"]:
        cards.append(("current vintage", res["current"][year]))
    if not cards:
        sec["text"].append(f"Official figures: the files cover 2022-2025, not {year}.")
        return
    label, card = cards[0]
    f = card.figures
    contrib, pull, mpull = f["industry_contribution_pct"], f["industry_pull_pp"], f["manufacturing_pull_pp"]
    sec["headline"] = {"industry_contribution_pct": _r(contrib, 2), "industry_pull_pp": _r(pull, 2),
                       "manufacturing_pull_pp": _r(mpull, 2), "gdp_growth_pct": _r(f["whole_growth_pct"], 1),
                       "industry_growth_pct": _r(f["industry_growth_pct"], 1), "card": label}
    sec["text"].append(
        f"In {year}, industrial value added grew {_fmt(f['industry_growth_pct'])}% and GDP {_fmt(f['whole_growth_pct'])}% "
        f"({label} figures): industry contributed {contrib:.0f}% of GDP growth ({contrib:.1f}%) and pulled it up "
        f"{pull:.1f} percentage points ({pull:.2f} pp); manufacturing pulled {mpull:.1f} pp ({mpull:.2f} pp).")
    sec["text"].append(
        f"{year}年全部工业增加值增长{_fmt(f['industry_growth_pct'])}%，对经济增长的贡献率为{contrib:.0f}%，"
        f"拉动经济增长{pull:.1f}个百分点；制造业拉动{mpull:.1f}个百分点。")
    if year == 2022:
        p = res["published"]
        sec["text"].append(
            f"As published by MIIT (2023-01-18): {p['industry_contribution_pct']:g}%, {p['industry_pull_pp']:g} pp "
            f"and {p['manufacturing_pull_pp']:g} pp; the figures above are recomputed from the growth rates and "
            "base-period levels listed in the appendix.")
    rows = []
    for lab, c in cards:
        g = c.figures
        rows.append({"card": lab, "GDP growth %": _r(g["whole_growth_pct"], 1),
                     "industry growth %": _r(g["industry_growth_pct"], 1),
                     "industry contribution %": _r(g["industry_contribution_pct"], 1),
                     "industry pull pp": _r(g["industry_pull_pp"], 2),
                     "manufacturing pull pp": _r(g["manufacturing_pull_pp"], 2)})
    sec["tables"].append({"title": "Contribution and pull (official figures)", "rows": rows})
    sec["charts"].append(_bar("Contribution to GDP growth and pull", ["industry", "manufacturing"], {
        "contribution %": [_r(contrib, 1), _r(f["manufacturing_contribution_pct"], 1)],
        "pull pp": [_r(pull, 2), _r(mpull, 2)]}, "% / pp"))
    seen = set()
    for lab, c in cards:
        for i in c.inputs:
            key = (i.name, i.source, i.vintage)
            if key in seen:
                continue
            seen.add(key)
            appendix.append({"dataset": Path(str(i.source)).name if not str(i.source).startswith("http") else i.name,
                             "name": i.name, "value": i.value, "unit": i.unit, "source": i.source,
                             "vintage": i.vintage, "synthetic": False})
    fig = read_official_figures(official / OFFICIAL_FILES[0])
    extra = {"high_tech_manufacturing_va_growth": "high-tech manufacturing value added growth %",
             "manufacturing_share_of_gdp": "manufacturing share of GDP %",
             "manufacturing_investment_growth": "manufacturing investment growth %",
             "export_delivery_value_growth_above_designated_size": "export delivery value growth %"}
    got = fig[(fig["indicator"].isin(list(extra))) & (fig["year"] == year)]
    sec["official_structure"] = [{"indicator": extra[r.indicator], "value": float(r.value), "unit": r.unit,
                                  "source": r.source_url, "vintage": r.vintage_note}
                                 for r in got.itertuples(index=False)]


def headline(ws: Workspace | None, year: int, region: str, official: Path | None,
             appendix: list[dict[str, Any]], end: str | None = None) -> dict[str, Any]:
    from ..services import indicators as ind

    sec = _section("headline", "工业增长、贡献率与拉动", "Industrial growth, contribution and pull")
    end = end or f"{year}-12"
    if official is not None and region == NATION and end.endswith("-12"):
        _official_headline(official, year, sec, appendix)
    elif official is not None:
        sec["text"].append("Official figures are national and annual: not used for a region or a monthly brief.")
    if ws is None or not ws.exists():
        if not sec["text"]:
            return _absent(sec, "no workspace and no official figures: import series (induscope import series) "
                                "or pass --official DIR")
        return sec
    try:
        b = ind.indicator_growth(ws, "value_added", region=region, industry="BCD", measure="ytd",
                                 start=f"{year}-01", end=end)
        yoy = ind.indicator_growth(ws, "value_added", region=region, industry="BCD", measure="yoy",
                                   start=f"{year}-01", end=end)
        parts = ind.contribution_breakdown(ws, end, by="section", region=region, measure="ytd")
    except InduscopeError as e:
        sec["text"].append(f"Workspace series: not available ({e}).")
        return sec
    w = b.wide()
    col = "derived_from_levels" if "derived_from_levels" in w.columns else w.columns[-1]
    annual = w.loc[w["period"] == end, col]
    frame = parts.to_frame()
    names = {"B": "mining 采矿业", "C": "manufacturing 制造业", "D": "utilities 电力热力燃气及水"}
    frame["name"] = frame["part"].map(names).fillna(frame["part"])
    g = float(annual.iloc[0]) if len(annual) else float("nan")
    c_row = frame[frame["part"] == "C"]
    sec["workspace"] = {"industry_growth_ytd_pct": _r(g, 2), "vintage": getattr(b.series[0], "vintage", None)}
    sentence = f"Workspace series ({region}): industrial value added grew {_fmt(g)}% in {year} (January to {end}, year to date, constant prices)"
    if len(c_row):
        c = c_row.iloc[0]
        sentence += (f"; manufacturing contributed {_fmt(c['contribution_pct'])}% of that growth and pulled it "
                     f"{_fmt(c['pull_pp'], 2)} pp")
    sec["text"].append(sentence + ".")
    sec["tables"].append({"title": f"Contribution and pull by section, {year} (workspace)", "rows": [
        {"section": r.name, "growth %": _r(r.growth_pct, 2), "base share %": _r(r.base_share_pct, 2),
         "contribution %": _r(r.contribution_pct, 2), "pull pp": _r(r.pull_pp, 2)}
        for r in frame.itertuples(index=False)]})
    sec["charts"].append(_bar(f"Contribution by section {year} (workspace)", frame["name"].tolist(),
                              {"contribution %": [_r(v, 1) for v in frame["contribution_pct"]],
                               "pull pp": [_r(v, 2) for v in frame["pull_pp"]]}, "% / pp"))
    wy = yoy.wide()
    sec["charts"].append(_line(f"Industrial value added growth {year} (workspace)", wy["period"].tolist(),
                               {c: [_r(v, 2) for v in wy[c]] for c in wy.columns if c != "period"}, "%"))
    return sec


def structure(ws: Workspace | None, year: int, region: str, official_rows: list[dict[str, Any]],
              end: str | None = None) -> dict[str, Any]:
    from ..services import indicators as ind

    sec = _section("structure", "产业结构：高技术制造业、投资与出口交货值",
                   "Industrial structure: high-tech manufacturing, investment and export delivery value")
    for r in official_rows:
        sec["text"].append(f"{r['indicator']}: {r['value']:g} ({r['unit']}, official, {r['vintage']}).")
    if ws is not None and ws.exists():
        try:
            shares = {}
            for d in HIGHTECH_DIVISIONS:
                lev, _, _, _ = ind.fetch_aggregate(ws, "value_added", region, d,
                                                   ind._basis_for_levels(ws, "value_added", None))
                shares[d] = lev
            mfg, _, _, _ = ind.fetch_aggregate(ws, "value_added", region, "C",
                                               ind._basis_for_levels(ws, "value_added", None))
            end = end or f"{year}-12"
            months = [p for p in mfg.index if str(p).startswith(str(year)) and str(p) <= end]
            if months:
                ht = sum(float(shares[d].reindex(months).sum()) for d in shares)
                total = float(mfg.reindex(months).sum())
                share = 100 * ht / total if total else float("nan")
                sec["hightech_share_pct"] = _r(share, 2)
                sec["text"].append(
                    f"High-tech manufacturing (divisions {', '.join(HIGHTECH_DIVISIONS)}, an approximation at "
                    f"division level) made {_fmt(share)}% of manufacturing value added in {year} (workspace).")
                sec["text"].append(f"高技术制造业（按大类近似）占制造业增加值的{_fmt(share)}%。")
        except InduscopeError as e:
            sec["text"].append(f"High-tech share: not available ({e}).")
        try:
            ex = ind.indicator_growth(ws, "export_delivery_value", region=region, industry="BCD", measure="ytd",
                                      start=end, end=end).wide()
            col = [c for c in ex.columns if c != "period"]
            if len(ex) and col:
                v = ex[col[0]].iloc[0]
                sec["export_delivery_growth_pct"] = _r(v, 2)
                sec["text"].append(f"Export delivery value grew {_fmt(v)}% in {year} to {end} (year to date, "
                                   "workspace, current prices).")
        except InduscopeError as e:
            sec["text"].append(f"Export delivery value: not available ({e}).")
    if not sec["text"]:
        return _absent(sec, "no series of value added by division: import series (induscope import series)")
    if official_rows:
        sec["charts"].append(_bar(f"Official structure figures {year}", [r["indicator"] for r in official_rows],
                                  {"value": [r["value"] for r in official_rows]}, "%"))
    return sec


def chains(ws: Workspace | None) -> dict[str, Any]:
    from ..services import chains as svc

    sec = _section("chains", "产业链与薄弱环节", "Industrial chains and their weak links")
    if ws is None or not ws.exists():
        return _absent(sec, "no workspace: import chains (induscope chains import)")
    try:
        listing = svc.list_chains(ws)
    except InduscopeError as e:
        return _absent(sec, f"no chains: {e}")
    if listing.empty:
        return _absent(sec, "no chains in the workspace: import chains (induscope chains import)")
    counts: dict[str, dict[str, int]] = {}
    rows = []
    for ch in listing.itertuples(index=False):
        try:
            a = svc.assess_chain(ws, ch.chain_id)
        except InduscopeError as e:
            sec["text"].append(f"{ch.name}: cannot be assessed ({e}).")
            continue
        n = a.nodes
        vc = n["verdict"].value_counts().to_dict()
        counts[str(ch.name)] = {k: int(vc.get(k, 0)) for k in ("weak", "neutral", "strong")}
        weak = n[n["verdict"] == "weak"]
        sec["text"].append(f"{ch.name}: {len(n)} nodes, {counts[str(ch.name)]['weak']} weak, "
                           f"{counts[str(ch.name)]['strong']} strong"
                           + (f"; weak links: {', '.join(str(x) for x in weak['name'])}." if len(weak) else "."))
        for r in weak.itertuples(index=False):
            rows.append({"chain": ch.name, "node": r.name, "stage": r.stage, "reasons": r.reasons,
                         "suppliers": int(r.suppliers) if r.suppliers == r.suppliers else None,
                         "import dependence": _r(r.import_dependence, 3)})
    if counts:
        labels = list(counts)
        sec["charts"].append(_bar("Nodes by verdict", labels, {
            v: [counts[c][v] for c in labels] for v in ("weak", "neutral", "strong")}, "nodes"))
    sec["tables"].append({"title": "Weak links", "rows": rows})
    return sec


def risks(ws: Workspace | None, region: str) -> dict[str, Any]:
    from ..services import monitoring as mon

    sec = _section("risks", "风险与预警", "Risks and alerts")
    if ws is None or not ws.exists():
        return _absent(sec, "no workspace: import series and run a scan (induscope monitor scan)")
    try:
        al = mon.list_alerts(ws)
    except InduscopeError as e:
        return _absent(sec, f"alerts not available: {e}")
    if region != NATION and len(al):
        al = al[al["subject"].astype(str).str.contains(region)]
    if al.empty:
        sec["text"].append("No alerts are stored: none fired, or no scan has run (induscope monitor scan).")
        return sec
    open_ = al[al["status"] != "closed"]
    by = open_["level"].value_counts().to_dict()
    sec["text"].append(f"{len(open_)} open alerts ({', '.join(f'{k}: {v}' for k, v in by.items())}); "
                       f"{len(al) - len(open_)} closed.")
    sec["charts"].append(_bar("Open alerts by level", list(by), {"alerts": list(by.values())}, "alerts"))
    sec["tables"].append({"title": "Open alerts (most severe first, 20 shown)", "rows": [
        {"series": r.series_name, "level": r.level, "since": r.start_period, "last": r.last_period,
         "reason": r.reason} for r in open_.sort_values("level_rank", ascending=False).head(20).itertuples()]})
    return sec


def smes(ws: Workspace | None, year: int, region: str) -> dict[str, Any]:
    try:
        from ..services import sme
    except ImportError:  # the SME service has not landed in this build
        sec = _section("smes", "中小企业梯度培育", "SME cultivation")
        return _absent(sec, "the SME service is not installed")
    sec = _section("smes", "中小企业梯度培育", "SME cultivation")
    if ws is None or not ws.exists():
        return _absent(sec, "no workspace: import SME certificates (induscope sme certificates import)")
    try:
        p = sme.pipeline_stats(ws, by=("region",), as_of=f"{year}-12-31")
    except InduscopeError as e:
        return _absent(sec, f"SME figures not available: {e}")
    if p.empty:
        return _absent(sec, "no SME certificates: import them (induscope sme certificates import)")
    if region != NATION:
        p = p[p["region"] == region]
    tiers = p.groupby("tier")[["valid", "due_within_6_months", "expired"]].sum()
    names = {"innovative": "innovative SMEs 创新型中小企业", "srdi": "specialised SMEs 专精特新中小企业",
             "little_giant": "little giants 专精特新“小巨人”"}
    sec["text"].append(f"Certificates valid at the end of {year}: " + "; ".join(
        f"{names.get(t, t)} {int(r.valid)} ({int(r.due_within_6_months)} due within 6 months)"
        for t, r in tiers.iterrows()) + ".")
    sec["charts"].append(_bar(f"Valid certificates by tier, end of {year}", [names.get(t, t) for t in tiers.index],
                              {"valid": [int(v) for v in tiers["valid"]],
                               "due within 6 months": [int(v) for v in tiers["due_within_6_months"]]}, "firms"))
    top = p.groupby("region")["valid"].sum().sort_values(ascending=False).head(10)
    from ..reference import region_label

    sec["tables"].append({"title": "Regions with most valid certificates", "rows": [
        {"region": region_label(k), "valid certificates": int(v)} for k, v in top.items()]})
    return sec


def clusters_digital(ws: Workspace | None, region: str) -> dict[str, Any]:
    sec = _section("clusters", "产业集群与数字化转型", "Clusters and digital transformation")
    if ws is None or not ws.exists():
        return _absent(sec, "no workspace: import clusters and the digital-transformation registry")
    try:
        from ..services import clusters as cl

        c = cl.list_clusters(ws)
        if len(c):
            sec["text"].append(f"{len(c)} clusters registered: " + "; ".join(
                f"{r.name} ({int(r.members)} members)" for r in c.itertuples(index=False)) + ".")
            sec["tables"].append({"title": "Clusters", "rows": [
                {k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in r.items()}
                for r in c.to_dict(orient="records")]})
        else:
            sec["text"].append("No clusters in the workspace (induscope clusters import).")
    except (ImportError, InduscopeError) as e:
        sec["text"].append(f"Clusters: not available ({e}).")
    try:
        from ..services import digital

        d = digital.registry_by(ws, by="region")
        if region != NATION:
            d = d[d["region"] == region]
        if len(d):
            k = d.groupby("kind")["items"].sum()
            labels = {"5g_factory": "5G factories", "5g_iiot_project": "5G + industrial internet projects",
                      "platform": "industrial internet platforms"}
            sec["text"].append("Digital transformation registry: " + "; ".join(
                f"{labels.get(i, i)} {int(v)}" for i, v in k.items()) + ".")
            sec["charts"].append(_bar("Digital transformation registry", [labels.get(i, i) for i in k.index],
                                      {"items": [int(v) for v in k]}, "items"))
        else:
            sec["text"].append("No digital-transformation registry items (induscope sme registry import).")
    except (ImportError, InduscopeError) as e:
        sec["text"].append(f"Digital transformation: not available ({e}).")
    return sec


# ---------------------------------------------------------------------------------------------
def build_card(ws: Workspace | None, year: int, *, region: str = NATION, official: str | Path | None = None,
               month: str | None = None) -> ReportCard:
    """The report card of ``year`` for ``region`` from the workspace and (optionally) the official figures."""
    from .. import reference
    from ..errors import InputError

    if not 1990 <= int(year) <= 2100:
        raise InputError(f"--year: expected a year such as 2022, got {year}")
    code = reference.normalize_region(region) if region else NATION
    if code is None:
        raise InputError(f"--region: unknown region {region!r}: expected a GB/T 2260 province code or name")
    off = Path(official) if official is not None else None
    if off is not None and not off.is_dir():
        raise InputError(f"--official: {off.name!r} is not a folder")
    appendix: list[dict[str, Any]] = []
    synthetic = False
    if ws is not None and ws.exists():
        from ..services import catalog

        ds = catalog.list_datasets(ws)
        synthetic = bool(ds["synthetic"].any()) if len(ds) else False
        for r in ds.itertuples(index=False):
            appendix.append({"dataset": r.dataset_id, "name": r.name, "value": None, "unit": r.unit,
                             "source": r.source, "vintage": r.vintage or f"imported {str(r.imported_at)[:10]}",
                             "synthetic": bool(r.synthetic)})
    if month is not None and not (len(month) == 7 and month[:4] == str(year)):
        raise InputError(f"--month: expected YYYY-MM in {year}, got {month!r}")
    end = month or f"{year}-12"
    head = headline(ws, year, code, off, appendix, end)
    sections = [head, structure(ws, year, code, head.get("official_structure", []), end), chains(ws), risks(ws, code),
                smes(ws, year, code), clusters_digital(ws, code)]
    notes = []
    if synthetic:
        notes.append("The workspace holds SYNTHETIC demo data: its figures are not official statistics.")
    return ReportCard(int(year), code, reference.region_label(code), sections, appendix, synthetic, month, notes)
