"""SME digitalisation level (中小企业数字化水平评测): level 1-4 from the total score by the bands of
the edition in force (2022: 20/40/60/80, lower bound inclusive; below 20 no level). The 2024 edition's
level rule is not verified (see rules/digital_level.json): there a level is taken as given."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import numpy as np

from ...errors import InputError
from .rulesets import digital_rules, parse_date


def edition_for(date: str | dt.date, rules: Mapping[str, Any] | None = None) -> dict[str, Any]:
    day = parse_date(date)
    rules = rules or digital_rules()
    for ed in rules["editions"]:
        start = parse_date(ed["effective_from"])
        end = parse_date(ed["effective_to"]) if ed.get("effective_to") else None
        if start <= day and (end is None or day <= end):
            return ed
    raise InputError(f"no digitalisation-level edition is in force on {day.isoformat()}")


def edition(edition_id: str, rules: Mapping[str, Any] | None = None) -> dict[str, Any]:
    rules = rules or digital_rules()
    for ed in rules["editions"]:
        if ed["id"] == edition_id:
            return ed
    raise InputError(f"unknown digitalisation edition {edition_id!r}; expected one of "
                     f"{[e['id'] for e in rules['editions']]}")


def level_from_score(score: np.ndarray, ed: Mapping[str, Any]) -> np.ndarray:
    """Level 0-4 per score (NaN where the score is missing or the edition gives no score bands)."""
    score = np.asarray(score, dtype=float)
    out = np.full(score.shape, np.nan)
    if not ed.get("levels"):
        return out
    known = ~np.isnan(score)
    out[known] = ed.get("else", 0)
    # bands best first: the first band reached wins (以上含本数); rounding keeps 59.9999999 from
    # float arithmetic on the right side of a boundary
    s = np.round(score, 9)
    assigned = ~known
    for low, level in ed["levels"]:
        hit = ~assigned & (s >= low)
        out[hit] = level
        assigned |= hit
    return out


def total_score(dimensions: Mapping[str, np.ndarray]) -> np.ndarray:
    """Total score as the sum of the four dimension scores (NaN where any is missing)."""
    arrays = [np.asarray(v, dtype=float) for v in dimensions.values()]
    return np.sum(arrays, axis=0) if arrays else np.array([])
