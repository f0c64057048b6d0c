"""The SMEs page: one enterprise evaluated with the explained score table; a batch evaluation of the
registry or of a region / industry (tiers and scores, paged, CSV); the certificate pipeline by region
or industry; certificates due for re-review. Every evaluation is a read: nothing is stored."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import InputError
from ...store import Workspace
from ..auth import require
from .dashboard import _guard, _int, _paged, _records, _render, _version
from .dashboard_monitoring import linker
from .deps import workspace

router = APIRouter(include_in_schema=False, dependencies=[Depends(require("viewer"))])
TIERS = ("innovative", "srdi", "little_giant")
RESULTS = ("eligible", "not_eligible", "cannot_evaluate")
GROUPS = ("region", "division")
_FIRM = re.compile(r"^[\w.-]{1,40}$")
_REGION = re.compile(r"^\d{6}$")
_INDUSTRY = re.compile(r"^[A-Za-z0-9]{1,6}$")


def _day(raw: str | None) -> str:
    if not raw:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise InputError(f"date: expected YYYY-MM-DD, got {raw[:20]!r}") from None


@lru_cache(maxsize=2)  # a registry's batch is ~15,000 rows: keep two selections
def _batch(home: str, mtime_ns: int, day: str, region: str, industry: str) -> dict[str, Any]:
    """The workspace's enterprises (or those of a region / industry) against every tier, one row per
    enterprise: result and score per tier, and the highest tier it is eligible for."""
    from ...services import catalog, sme

    ws = Workspace(home)
    ids = None
    if region or industry:
        ent = catalog.list_enterprises(ws, region=region or None, industry=industry or None, limit=10_000)
        if ent.empty:
            raise InputError(f"no enterprises in the workspace for region {region or 'any'}, industry "
                             f"{industry or 'any'}")
        ids = ent["firm_id"].astype(str).tolist()
    res, summary = sme.evaluate_workspace(ws, date=day, firm_ids=ids)
    long = res.to_frame()[sme.OUT_COLUMNS]
    wide = long.pivot(index="firm_id", columns="tier", values=["result", "score"])
    wide.columns = [f"{t}_{k}" for k, t in wide.columns]
    first = long.drop_duplicates("firm_id").set_index("firm_id")[["name", "size_class"]]
    out = first.join(wide).reset_index()
    top = pd.Series("", index=out.index)
    for t in TIERS:  # the last eligible tier in order is the highest
        col = f"{t}_result"
        if col in out:
            top = top.where(out[col] != "eligible", t)
    out["highest_tier"] = top
    cols = ["firm_id", "name", "size_class", "highest_tier"] + [f"{t}_{k}" for t in TIERS for k in ("result", "score")
                                                                 if f"{t}_{k}" in out]
    counts = [{"tier": t, **{r: int(summary["results"].get(t, {}).get(r, 0)) for r in RESULTS}} for t in TIERS
              if t in summary["results"]]
    return {"table": out[cols], "long": _records(long), "counts": counts,
            "rule_set": summary.get("rule_set_name") or summary.get("rule_set"), "enterprises": summary["enterprises"],
            "notes": list(summary.get("notes") or [])}


@lru_cache(maxsize=2)
def _group_names(by: str) -> dict[str, str]:
    from ... import reference

    if by == "region":
        p = reference.provinces()
        return {c: f"{z} {e}" for c, z, e in zip(p["code"], p["short_zh"], p["name_en"])}
    d = reference.gbt4754_divisions()
    return {c: f"{c} {z}" for c, z in zip(d["code"], d["name_zh"])}


@router.get("/smes", response_class=HTMLResponse)
def smes(request: Request, ws: Workspace = Depends(workspace)):
    def page() -> Response:
        try:
            from ...services import sme
        except ImportError:
            return _render(request, "absent.html", "smes", {})
        q = request.query_params
        firm = (q.get("firm") or "").strip()
        if firm and not _FIRM.match(firm):
            raise InputError(f"firm: expected a firm id such as F001373, got {firm[:40]!r}")
        day = (q.get("date") or "").strip() or None
        explained = None
        if firm:  # one enterprise's evaluation with the explained score table (a read: nothing stored)
            explained = sme.explain_workspace(ws, firm, date=_day(day))
        by = q.get("by", "region")
        if by not in GROUPS:
            raise InputError(f"by: expected region or division, got {by[:20]!r}")
        months = _int(request, "months", 6)
        if months > 120:
            raise InputError(f"months: expected 1 to 120, got {months}")
        region = (q.get("region") or "").strip()
        industry = (q.get("industry") or "").strip()
        if region and not _REGION.match(region):
            raise InputError(f"region: expected a 6-digit GB/T 2260 code such as 440000, got {region[:20]!r}")
        if industry and not _INDUSTRY.match(industry):
            raise InputError(f"industry: expected a GB/T 4754 code such as 39, got {industry[:20]!r}")
        tier = q.get("tier", "")
        if tier and tier not in TIERS:
            raise InputError(f"tier: expected one of {', '.join(TIERS)}, got {tier[:20]!r}")
        batch, batch_note, data = None, "", {}
        if q.get("batch"):
            when = _day(day)  # a bad date is the request's error, an empty selection only a note
            try:
                b = _batch(*_version(ws), when, region, industry)
            except InputError as e:  # an empty selection: say so beside the form
                batch_note = str(e)
            else:
                table = b["table"]
                if tier:
                    table = table[table[f"{tier}_result"] == "eligible"]
                batch = {**{k: v for k, v in b.items() if k not in ("table", "long")},
                         "page": _paged(request, table, "batch_page")}
                data.update(batch=b["long"], batch_counts=b["counts"])
        pipe = sme.pipeline_stats(ws, by=(by,))
        common = {"firm": firm, "date": day or "", "explained": explained, "batch": batch, "batch_note": batch_note,
                  "region": region, "industry": industry, "tier": tier, "by": by, "months": months,
                  "link": linker(request), "tiers": TIERS}
        charts: dict[str, Any] = {"batch_counts": data.get("batch_counts", [])}
        if pipe.empty:
            return _render(request, "smes.html", "smes", {"empty": True, **common}, charts, data)
        pipe = pipe.assign(**{by: pipe[by].fillna("").astype(str)})
        tiers = pipe.groupby("tier")[["valid", "due_within_6_months", "expired"]].sum().reset_index()
        groups = (pipe.pivot_table(index=by, columns="tier", values="valid", aggfunc="sum", fill_value=0)
                  .reindex(columns=[t for t in TIERS if t in set(pipe["tier"])]))
        groups = groups.assign(_n=groups.sum(axis=1)).sort_values("_n", ascending=False).drop(columns="_n")
        names = _group_names(by)
        group_rows = [{by: str(i), "name": names.get(str(i), str(i)), **{t: int(v) for t, v in r.items()}}
                      for i, r in groups.iterrows()]
        due = sme.due_certificates(ws, months=months)
        charts.update(tiers=_records(tiers), groups=group_rows)
        data.update(tiers=_records(tiers), pipeline=_records(pipe), groups=group_rows, due=_records(due))
        return _render(request, "smes.html", "smes", {
            "empty": False, "pipeline": _paged(request, pipe), "due": _paged(request, due, "due_page"), **common},
            charts, data)
    return _guard(ws, request, "smes", page)
