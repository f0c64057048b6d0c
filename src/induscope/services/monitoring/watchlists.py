"""Watch lists: the regions, industries, enterprises and any other series an analyst follows.

An item is one of
  region      a province (code or name: '310000', '上海', 'Shanghai'): its industry value added
  industry    a GB/T 4754 division, a section or an aggregate (BCD, C, EQ): nationwide value added
  enterprise  a firm id from the enterprises table or the operating reports
  series      any stored series: indicator (any alias: '工业增加值'), region, industry and an optional
              subject (a park, a cluster, a key enterprise's index, a city: the series' stored
              ``subject``, whose rows it selects), e.g. 'series:value_added/310000/39' or
              'series:value_added/310000/C/zj-park=张江园区'
Items are added in bulk (a list, many 'kind:code' specs, or a file read by the CLI).
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import pandas as pd

from ... import reference
from ...core.indicators.vocabulary import canonical_indicator, expected_indicators, term
from ...errors import InputError, NotFoundError
from ...store import Workspace
from ...store import reports as report_store
from ...store import series as series_store
from ...store import watchlists as store
from ..indicators import _industry_members, _region_members, check_subject

WATCH_KINDS = ("region", "industry", "enterprise", "series")


def create_watch_list(ws: Workspace, name: str, description: str | None = None, list_id: str | None = None
                      ) -> dict[str, Any]:
    """Create a watch list of key regions, industries, enterprises and series."""
    if not name or not str(name).strip():
        raise InputError("a watch list needs a name")
    list_id = (list_id or name).strip().lower().replace(" ", "-")
    if not list_id:
        raise InputError("a watch list needs an id")
    with ws.writer() as con:
        if store.list_exists(con, list_id):
            raise InputError(f"watch list {list_id!r} already exists")
        store.insert_list(con, list_id, name, description)
    return {"list_id": list_id, "name": name, "description": description}


def parse_spec(spec: str) -> dict[str, Any]:
    """'region:上海' / 'industry:39' / 'enterprise:F001' / 'series:INDICATOR/REGION/INDUSTRY[/SUBJECT]'
    -> an item mapping (optionally '=LABEL' at the end: 'series:value_added/310000/39/park-7=Park 7')."""
    text = str(spec).strip()
    label = None
    if "=" in text:
        text, label = (s.strip() for s in text.split("=", 1))
    if ":" not in text:
        raise InputError(f"watch item {spec!r}: expected KIND:CODE with KIND one of {', '.join(WATCH_KINDS)} "
                         "(e.g. region:310000, industry:C39, series:value_added/310000/39)")
    kind, code = (s.strip() for s in text.split(":", 1))
    item: dict[str, Any] = {"kind": kind.lower(), "code": code, "label": label or None}
    if item["kind"] == "series":
        parts = [p.strip() for p in code.split("/")]
        if not 3 <= len(parts) <= 4 or not all(parts):
            raise InputError(f"watch item {spec!r}: a series is INDICATOR/REGION/INDUSTRY[/SUBJECT]")
        item.update(indicator=parts[0], region=parts[1], industry=parts[2],
                    subject=parts[3] if len(parts) == 4 else None)
    return item


def _normalise(con, it: Mapping[str, Any], where: str) -> dict[str, Any]:
    kind = str(it.get("kind") or "").strip().lower()
    if kind not in WATCH_KINDS:
        raise InputError(f"{where}kind must be one of {', '.join(WATCH_KINDS)}, got {it.get('kind')!r}")
    tg = it.get("target_growth")
    if tg is not None:
        try:
            tg = float(tg)
            if isinstance(it.get("target_growth"), bool) or not math.isfinite(tg):
                raise ValueError
        except (TypeError, ValueError):
            raise InputError(f"{where}target_growth must be a number (percent), got {it.get('target_growth')!r}"
                             ) from None
    label = it.get("label")
    label = None if label is None or (isinstance(label, float) and math.isnan(label)) else str(label).strip() or None
    out = {"kind": kind, "label": label, "target_growth": tg, "indicator": None, "region": None,
           "industry": None, "subject": None}
    if kind == "region":
        code = reference.normalize_region(it.get("code"))
        if code is None:
            raise InputError(f"{where}unknown region {it.get('code')!r}: expected a GB/T 2260 province code or name")
        _region_members(code)
        out["code"] = code
    elif kind == "industry":
        code = reference.normalize_industry(it.get("code"))
        if code[:1].isalpha() and code[1:].isdigit() and len(code) > 1:
            code = code[1:]  # 'C39': the section letter before a division
        _industry_members(code)
        out["code"] = code
    elif kind == "enterprise":
        code = str(it.get("code") or "").strip()
        if not code or not report_store.firm_known(con, code):
            raise NotFoundError(f"{where}enterprise {code!r} is neither in the enterprises table nor in "
                                "operating reports")
        out["code"] = code
    else:
        ind = str(it.get("indicator") or "").strip()
        if not ind:
            raise InputError(f"{where}a series item needs an indicator (e.g. {expected_indicators()})")
        ind = canonical_indicator(ind)
        region = reference.normalize_region(it.get("region") or reference.NATION)
        if region is None:
            raise InputError(f"{where}unknown region {it.get('region')!r}")
        industry = reference.normalize_industry(it.get("industry") or "BCD")
        if not reference.is_known_industry(industry):
            raise InputError(f"{where}unknown industry {it.get('industry')!r}: expected a GB/T 4754 code, a "
                             "section or an aggregate (BCD, C, EQ, HT, TOTAL)")
        try:
            subject = check_subject(it.get("subject")) or None
        except InputError as e:
            raise InputError(f"{where}{e}") from None
        if subject:
            _check_subject_stored(con, ind, region, industry, subject, where)
        out.update(indicator=ind, region=region, industry=industry, subject=subject,
                   code="/".join([ind, region, industry] + ([subject] if subject else [])))
        if term(ind) is None and not out["label"] and not subject:
            out["label"] = ind  # a series of one's own without a subject: named by its indicator
    return out


def _check_subject_stored(con, indicator: str, region: str, industry: str, subject: str, where: str) -> None:
    """A series item naming a subject selects that subject's stored rows: refuse one with none (a typo
    would otherwise watch nothing and the scan would only say so later)."""
    regions, industries = [region], [industry]
    try:
        regions, industries = _region_members(region), _industry_members(industry)
    except InputError:
        pass  # an aggregate without members (HT, TOTAL): the exact series only
    if series_store.has_subject(con, indicator, region, industry, subject) or \
            series_store.count_subject_rows(con, indicator, subject, regions, industries):
        return
    here = series_store.subjects_of(con, indicator, region)
    anywhere = here or series_store.subjects_of(con, indicator)
    hint = (f"subjects stored for {indicator}{' in ' + region if here else ''}: {', '.join(anywhere[:10])}"
            if anywhere else f"no {indicator} series with a subject is stored")
    raise NotFoundError(f"{where}no stored {indicator} rows for subject {subject!r} in region {region}, industry "
                        f"{industry} ({hint}); import the series with a 'subject' column first")


def add_watch_items(ws: Workspace, list_id: str, items: Iterable[Mapping[str, Any] | str]) -> dict[str, Any]:
    """Add items (mappings {kind, code, label?, target_growth?, indicator?, region?, industry?,
    subject?} or 'kind:code' specs) to a watch list in one write; an existing item is updated.
    Every item is checked before anything is written."""
    raw = [parse_spec(i) if isinstance(i, str) else dict(i) for i in items]
    if not raw:
        raise InputError("no watch items given")
    ws.ensure()
    with ws.reader() as con:
        if not store.list_exists(con, list_id):
            raise NotFoundError(f"no watch list {list_id!r} (create it with `monitor watch create`)")
        clean = [_normalise(con, it, f"item {k + 1}: " if len(raw) > 1 else "") for k, it in enumerate(raw)]
    with ws.writer() as con:
        if not store.list_exists(con, list_id):
            raise NotFoundError(f"no watch list {list_id!r}")
        store.upsert_items(con, list_id, clean)
    return {"list_id": list_id, "added": len(clean), "items": [f"{c['kind']}:{c['code']}" for c in clean]}


def remove_watch_item(ws: Workspace, list_id: str, kind: str, code: str) -> dict[str, Any]:
    with ws.writer() as con:
        if not store.item_exists(con, list_id, kind, code):
            raise NotFoundError(f"watch list {list_id!r} has no {kind} {code!r}")
        store.delete_item(con, list_id, kind, code)
    return {"list_id": list_id, "removed": f"{kind}:{code}"}


def watch_lists(ws: Workspace, list_id: str | None = None) -> pd.DataFrame:
    """Watch lists with their items (one row per item; lists without items have empty kind/code)."""
    ws.ensure()
    with ws.reader() as con:
        out = store.lists_with_items(con, list_id)
    if list_id and out.empty:
        raise NotFoundError(f"no watch list {list_id!r}")
    return out
