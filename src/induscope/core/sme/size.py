"""SME size classes (大中小微) of 工信部联企业〔2011〕300号, vectorised, with missing values handled.

An enterprise is an SME when any of its industry group's ``sme_below`` limits holds; among SMEs it is
medium when all ``medium`` minimums hold (以上含本数), else small when all ``small`` minimums hold, else
micro. A missing value leaves the answer open only when it could change it: a firm of industry with
revenue 30,000 (< 40,000) is an SME whatever its employees.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .logic import TRUE, FALSE, UNKNOWN

MEASURES = ("employees", "revenue", "total_assets")
SIZE_INPUTS = ("industry", "employees", "revenue", "total_assets")
#: an industry code too coarse to pick the size group (division 70 holds 房地产开发经营 and 物业管理)
COARSE = "industry (a finer GB/T 4754 code: this one spans several size groups)"
CLASS_LABELS = {"medium": ("中型", "medium"), "small": ("小型", "small"), "micro": ("微型", "micro"),
                "large": ("大型（非中小企业）", "large (not an SME)"), "": ("未知", "unknown")}


@dataclass
class SizeResult:
    group: np.ndarray        # group id per firm ('' when the industry is missing or ambiguous)
    is_sme: np.ndarray       # tri-state int8
    size_class: np.ndarray   # medium / small / micro / large / '' (undetermined)
    missing: np.ndarray      # object: comma-separated measures whose absence leaves it open
    need: dict[str, np.ndarray]  # the same as boolean masks per measure (and 'industry')

    def explain(self, i: int, rules: Mapping[str, Any], values: Mapping[str, float]) -> dict[str, Any]:
        g = next((x for x in rules["groups"] if x["id"] == self.group[i]), None)
        zh, en = CLASS_LABELS[self.size_class[i]]
        out: dict[str, Any] = {"group": self.group[i] or None, "size_class": self.size_class[i] or None,
                               "size_class_zh": zh, "size_class_en": en,
                               "is_sme": {1: True, 0: False}.get(int(self.is_sme[i])),
                               "missing": [m for m in self.missing[i].split(",") if m],
                               "source": rules["name_zh"], "confidence": g.get("confidence") if g else None}
        if g:
            out.update(group_zh=g["name_zh"], group_en=g["name_en"], sme_below=g["sme_below"],
                       medium=g["medium"], small=g["small"], values={k: values.get(k) for k in g["sme_below"]})
        return out


def group_of(codes: np.ndarray, sections: np.ndarray, rules: Mapping[str, Any]) -> np.ndarray:
    """Industry group per firm from GB/T 4754 digit codes and section letters.

    The longest digit-prefix group wins, then the section's group, then 'other'; a code coarser
    than a group's code ('70' where 房地产开发经营 is '701') is ambiguous and gives ''."""
    digit_groups = [(c, g["id"]) for g in rules["groups"] for c in g["codes"] if c.isdigit()]
    section_groups = {c: g["id"] for g in rules["groups"] for c in g["codes"] if c.isalpha()}
    fallback = next(g["id"] for g in rules["groups"] if "*" in g["codes"])
    cache: dict[tuple[str, str], str] = {}
    out = np.empty(len(codes), dtype=object)
    for k, (code, sec) in enumerate(zip(codes, sections)):
        key = (code or "", sec or "")
        if key not in cache:
            cache[key] = _group1(key[0], key[1], digit_groups, section_groups, fallback)
        out[k] = cache[key]
    return out


def _group1(code: str, sec: str, digit_groups, section_groups, fallback) -> str:
    if not code and not sec:
        return ""
    hits = [(len(c), gid) for c, gid in digit_groups if code.startswith(c)]
    if hits:
        return max(hits)[1]
    if any(c.startswith(code) and len(c) > len(code) for c, _ in digit_groups if code):
        return ""  # too coarse to tell
    if sec in section_groups:
        return section_groups[sec]
    return fallback if code or sec else ""


def classify(codes: np.ndarray, sections: np.ndarray, values: Mapping[str, np.ndarray],
             rules: Mapping[str, Any]) -> SizeResult:
    """Size class of every firm. ``values`` maps employees / revenue / total_assets to float arrays
    (NaN = missing; money in 10,000 CNY)."""
    n = len(codes)
    group = group_of(np.asarray(codes, dtype=object), np.asarray(sections, dtype=object), rules)
    is_sme = np.full(n, UNKNOWN, dtype=np.int8)
    size_class = np.full(n, "", dtype=object)
    missing = np.full(n, "", dtype=object)
    no_code = np.asarray([not (c or s) for c, s in zip(codes, sections)], dtype=bool)
    coarse = (group == "") & ~no_code
    missing[no_code] = "industry"
    missing[coarse] = COARSE
    need = {"industry": no_code, COARSE: coarse}
    need.update({m: np.zeros(n, bool) for m in MEASURES})
    for g in rules["groups"]:
        m = group == g["id"]
        if not m.any():
            continue
        below_any_true = np.zeros(n, bool)
        all_known = np.ones(n, bool)
        for measure, limit in g["sme_below"].items():
            v = values[measure]
            known = ~np.isnan(v)
            below_any_true |= known & (v < limit)
            all_known &= known
        state = np.where(below_any_true, TRUE, np.where(all_known, FALSE, UNKNOWN)).astype(np.int8)
        is_sme[m] = state[m]
        size_class[m & (state == FALSE)] = "large"
        med = _all_at_least(values, g["medium"], n)
        small = _all_at_least(values, g["small"], n)
        sme = m & (state == TRUE)
        cls = np.where(med == TRUE, "medium",
                       np.where((med == FALSE) & (small == TRUE), "small",
                                np.where((med == FALSE) & (small == FALSE), "micro", "")))
        size_class[sme] = cls[sme]
        measures = sorted(set(g["sme_below"]) | set(g["medium"]) | set(g["small"]))
        for measure in measures:
            miss = m & np.isnan(values[measure]) & ((state == UNKNOWN) | (size_class == ""))
            missing[miss] = np.where(missing[miss] == "", measure, missing[miss] + "," + measure)
            need[measure] |= miss
    return SizeResult(group=group, is_sme=is_sme, size_class=size_class, missing=missing, need=need)


def _all_at_least(values: Mapping[str, np.ndarray], minimums: Mapping[str, float], n: int) -> np.ndarray:
    any_false = np.zeros(n, bool)
    all_known = np.ones(n, bool)
    for measure, low in minimums.items():
        v = values[measure]
        known = ~np.isnan(v)
        any_false |= known & (v < low)
        all_known &= known
    return np.where(any_false, FALSE, np.where(all_known, TRUE, UNKNOWN)).astype(np.int8)
