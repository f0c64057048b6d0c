"""Indicator figures computed once per data change and served from the store.

A figure (growth of an indicator for a region and industry, a contribution breakdown, the dashboard's
headline) is computed by the same services as always (``services.indicators``) the first time it is
asked for after a data change, stored in ``figures`` with the data version it was computed from, and
served from there while that version stands. After an import, :func:`refresh` recomputes every stored
figure whose data changed, so the next reader finds it ready.

The data version of figures is that of every write not declared as touching only reports, audit,
jobs, users or figures themselves (``Stamp.version(())``): a report submission or an audit entry does
not make growth figures stale; an import of series does.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Callable

from .._json import jsonable
from ..errors import InduscopeError, WorkspaceBusy
from ..store import Workspace
from ..store import figures as store
from . import indicators as ind

log = logging.getLogger(__name__)

#: how long a reader that computed a figure waits to store it (it serves it either way)
STORE_WAIT_S = 1.0


def data_version(ws: Workspace) -> int | None:
    """The version of the data figures depend on (None: unknown, compute and do not store)."""
    return ws.data_version().version(())


def _key(kind: str, indicator: str, region: str, industry: str, subject: str, params: dict[str, Any]) -> dict:
    return {"kind": kind, "indicator": indicator, "region": region, "industry": industry, "subject": subject or "",
            "params": json.dumps(params, sort_keys=True, separators=(",", ":"))}


def _figure(ws: Workspace, key: dict[str, str], compute: Callable[[], Any]) -> Any:
    version = data_version(ws) if ws.exists() else None
    if version is not None:
        hit = store.get(ws, key)
        if hit is not None and hit[0] == version:
            return hit[1]
    payload = jsonable(compute())
    if version is not None and data_version(ws) == version:  # unchanged while computing
        try:
            store.put(Workspace(ws.home, lock_timeout=STORE_WAIT_S), key, version, payload)
        except WorkspaceBusy:
            log.info("figure %s not stored: the workspace is busy (served anyway)", key)
    return payload


def growth(ws: Workspace, indicator: str = "value_added", *, region: str = "000000", industry: str = "BCD",
           measure: str = "yoy", vintage: str | None = None, start: str | None = None, end: str | None = None,
           subject: str = "") -> list[dict[str, Any]]:
    """Rows of ``indicator_growth(...).to_frame()`` (JSON-safe), from the store when current."""
    params = {"measure": measure, "vintage": vintage, "start": start, "end": end}
    return _figure(ws, _key("growth", indicator, region, industry, subject, params),
                   lambda: ind.indicator_growth(ws, indicator, region=region, industry=industry, measure=measure,
                                                vintage=vintage, start=start, end=end, subject=subject).to_frame())


def contribution(ws: Workspace, period: str, indicator: str = "value_added", *, by: str = "section",
                 region: str = "000000", industry: str = "BCD", measure: str = "yoy", vintage: str | None = None,
                 subject: str = "") -> dict[str, Any]:
    """``{"items": rows, "extra": scalars}`` of ``contribution_breakdown(...)``, from the store when current."""
    params = {"period": period, "by": by, "measure": measure, "vintage": vintage}

    return _figure(ws, _key("contribution", indicator, region, industry, subject, params),
                   lambda: _contribution(ws, period, indicator, by=by, region=region, industry=industry,
                                         measure=measure, vintage=vintage, subject=subject))


def headline(ws: Workspace) -> dict[str, Any]:
    """The dashboard's chart: national industrial value added growth (YoY, %), one line per basis."""
    return _figure(ws, HEADLINE, lambda: _headline(ws))


HEADLINE = _key("headline", "value_added", "000000", "BCD", "", {})


def _contribution(ws: Workspace, period: str, indicator: str, **kw: Any) -> dict[str, Any]:
    r = ind.contribution_breakdown(ws, period, indicator, **kw)
    d = r.to_dict() if hasattr(r, "to_dict") else {}
    return {"items": r.to_frame(), "extra": {k: v for k, v in d.items() if not isinstance(v, (list, dict))}}


def _headline(ws: Workspace) -> dict[str, Any]:
    try:
        wide = ind.indicator_growth(ws, "value_added", region="000000", industry="BCD").wide()
    except InduscopeError as e:  # no value-added levels in this workspace: the page says so
        return {"periods": [], "series": {}, "note": str(e)}
    series = {c: [None if v != v else round(float(v), 2) for v in wide[c]] for c in wide.columns if c != "period"}
    return {"periods": [str(p) for p in wide["period"]], "series": series, "note": ""}


def refresh(ws: Workspace) -> dict[str, int]:
    """Recompute every stored figure whose data changed, and the headline; one write for all.

    Called after imports; a figure that can no longer be computed (its data was replaced) is left
    stale and is recomputed, or fails with its own message, when next asked for."""
    if not ws.exists():
        return {"refreshed": 0, "failed": 0}
    version = data_version(ws)
    if version is None:
        return {"refreshed": 0, "failed": 0}
    keys = store.stale_keys(ws, version)
    if not any(k["kind"] == "headline" for k in keys) and store.get(ws, HEADLINE) is None:
        keys.append(HEADLINE)
    rows, failed = [], 0
    for k in keys:
        p = json.loads(k["params"])
        try:
            if k["kind"] == "growth":
                payload = ind.indicator_growth(ws, k["indicator"], region=k["region"], industry=k["industry"],
                                               subject=k["subject"], **p).to_frame()
            elif k["kind"] == "contribution":
                payload = _contribution(ws, p.pop("period"), k["indicator"], region=k["region"],
                                        industry=k["industry"], subject=k["subject"], **p)
            elif k["kind"] == "headline":
                payload = _headline(ws)
            else:
                continue
        except InduscopeError:
            failed += 1
            continue
        rows.append((k, version, jsonable(payload)))
    if data_version(ws) == version:
        store.put_many(ws, rows)
    return {"refreshed": len(rows), "failed": failed}
