"""Versioned rule sets as data (``rules/*.json``), chosen by the evaluation date.

A correction of a threshold is an edit of a JSON file, not of code. Each rule set carries its
effective dates; ``ruleset_for(date)`` picks the one in force (2022-63 until 2026-03-31, 2026-2 from
2026-04-01). Loading package data through importlib.resources is the only file access here: the
files are part of the code release, like constants.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from ...errors import InputError

RULESET_FILES = ("srdi_2022_63.json", "srdi_2026_2.json")
SIZE_FILE = "size_classes_2011.json"
DIGITAL_FILE = "digital_level.json"
TIERS = ("innovative", "srdi", "little_giant")
TIER_NAMES = {"innovative": ("创新型中小企业", "innovative SME"),
              "srdi": ("专精特新中小企业", "SRDI SME"),
              "little_giant": ("专精特新“小巨人”企业", "little giant")}


@lru_cache(maxsize=None)
def _raw(name: str) -> dict[str, Any]:
    with files(__package__).joinpath("rules", name).open("r", encoding="utf-8") as fh:
        return json.load(fh)


def size_rules() -> dict[str, Any]:
    return copy.deepcopy(_raw(SIZE_FILE))


def digital_rules() -> dict[str, Any]:
    return copy.deepcopy(_raw(DIGITAL_FILE))


def rulesets() -> dict[str, dict[str, Any]]:
    """Every shipped rule set by id, inheritance resolved (a fresh copy: callers may edit it)."""
    raw = {r["id"]: copy.deepcopy(r) for r in (_raw(n) for n in RULESET_FILES)}
    return {rid: resolve(r, raw) for rid, r in raw.items()}


def resolve(rs: dict[str, Any], others: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Fill ``inherit_tier`` entries from the named rule set and order tiers innovative -> little giant."""
    others = others or {}
    tiers = {t["tier"]: t for t in rs.get("tiers", [])}
    for tier, how in (rs.get("inherit_tier") or {}).items():
        src = others.get(how["from"])
        if src is None:
            raise InputError(f"rule set {rs['id']}: tier {tier} inherits from unknown rule set {how['from']}")
        spec = copy.deepcopy(next(t for t in src["tiers"] if t["tier"] == tier))
        spec["inherited_from"] = how["from"]
        spec["inherit_note_zh"] = how.get("why_zh", "")
        spec["inherit_note_en"] = how.get("why_en", "")
        # the inheriting rule set's common conditions apply
        tiers[tier] = spec
    unknown = set(tiers) - set(TIERS)
    if unknown:
        raise InputError(f"rule set {rs['id']}: unknown tier(s) {sorted(unknown)}; expected {list(TIERS)}")
    rs["tiers"] = [tiers[t] for t in TIERS if t in tiers]
    return rs


def parse_date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def ruleset_for(date: str | dt.date, sets: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The rule set in force on ``date`` (effective_from <= date <= effective_to)."""
    day = parse_date(date)
    sets = sets if sets is not None else rulesets()
    for rs in sets.values():
        start = parse_date(rs["effective_from"])
        end = parse_date(rs["effective_to"]) if rs.get("effective_to") else None
        if start <= day and (end is None or day <= end):
            return rs
    spans = ", ".join(f"{r['id']}: {r['effective_from']} to {r.get('effective_to') or 'now'}" for r in sets.values())
    raise InputError(f"no SME rule set is in force on {day.isoformat()} (rule sets: {spans})")


def ruleset(rule_set_id: str) -> dict[str, Any]:
    sets = rulesets()
    if rule_set_id not in sets:
        raise InputError(f"unknown rule set {rule_set_id!r}; expected one of {sorted(sets)}")
    return sets[rule_set_id]
