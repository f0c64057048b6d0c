"""The full explanation of one enterprise: size class, every indicator (value, band, points), every
condition (pass / fail / unknown, with values), the direct route used, what is missing, and what it
would take to reach the next tier ("R&D intensity 2.4% -> 3% needed: +0.6 pp")."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .columns import BY_NAME
from .evaluate import (RESULT_WORD, IndicatorResult, NodeResult, SmeResult, TierResult, _num, band_points,
                       direct_routes, fmt_value)
from .inputs import input_label, input_unit
from .logic import FALSE, STATE_WORD, TRUE, UNKNOWN
from .rulesets import TIER_NAMES

PLATFORM_NOTE = ("专精特新发展评价得分由培育平台按《中小企业专精特新发展评价指标体系》（工信厅企业〔2024〕75号）计算，"
                 "公式未见权威来源，此处取输入 platform_score / the development-evaluation score is computed by the zjtx "
                 "platform (MIIT 2024 No. 75); its formula is not in the sources, so the platform's score is an input "
                 "(platform_score)")


def explain_firm(res: SmeResult, i: int) -> dict[str, Any]:
    b = res.batch
    sizes = {m: _f(b.values[m][i]) for m in ("employees", "revenue", "total_assets")}
    out: dict[str, Any] = {
        "firm_id": str(b.firm_id[i]), "name": str(b.name[i]) if b.name is not None else "",
        "row": int(b.rows[i]) if b.rows is not None else None,
        "rule_set": res.ruleset["id"], "rule_set_name": res.ruleset["name_zh"], "date": res.date.isoformat(),
        "province": res.province, "local_indicators": res.local_source,
        "size": res.size.explain(i, res.size_rules, sizes),
        "tiers": [_tier(res, t, i) for t in res.tiers],
    }
    out["next_tier"] = next_tier(res, i)
    return out


def _f(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    return v


def _tier(res: SmeResult, t: TierResult, i: int) -> dict[str, Any]:
    b = res.batch
    d: dict[str, Any] = {"tier": t.tier, "name_zh": t.spec["name_zh"], "name_en": t.spec["name_en"],
                         "result": RESULT_WORD[int(t.state[i])], "source": t.spec.get("source"),
                         "confidence": t.spec.get("confidence")}
    if t.spec.get("inherited_from"):
        d["inherited_from"] = t.spec["inherited_from"]
        d["note"] = f"{t.spec['inherit_note_zh']} / {t.spec['inherit_note_en']}"
    if t.score_lo is not None:
        sc = t.spec["score"]
        d["score"] = {"points": _num(t.score_lo[i]) if t.score_lo[i] == t.score_hi[i] else None,
                      "min": float(t.score_lo[i]), "max": float(t.score_hi[i]), "out_of": sc["max"],
                      "pass_total": sc["pass_total"], "state": STATE_WORD[int(t.score_state[i])],
                      "classes": [{"id": c["id"], "name_zh": c["name_zh"], "name_en": c["name_en"], "max": c["max"],
                                   "min_to_pass": c.get("min_to_pass"), "points_min": float(t.class_lo[c["id"]][i]),
                                   "points_max": float(t.class_hi[c["id"]][i])} for c in sc["classes"]],
                      "indicators": [_ind(res, ind, i) for ind in t.indicators]}
    d["conditions"] = [_cond(res, c, i) for c in t.conditions]
    d["direct_route"] = [{"id": r["id"], "name_zh": r["name_zh"], "name_en": r["name_en"]}
                         for r in direct_routes(t.conditions, i)]
    miss = b.missing_labels([x for x in t.inputs if x not in ("industry", "employees", "total_assets")], i)
    if "industry" in t.inputs:  # the size test names only what leaves it open
        miss += [m for m, need in res.size.need.items() if need[i] and m not in miss]
    d["missing"] = miss
    d["notes"] = [f"{n['name_zh']} / {n['name_en']}" for n in t.spec.get("notes", [])]
    if _has_platform(t.conditions):
        d["notes"].append(PLATFORM_NOTE)
    return d


def _has_platform(nodes: list[NodeResult]) -> bool:
    return any(n.spec.get("platform") or _has_platform(n.children) for n in nodes)


def _ind(res: SmeResult, ind: IndicatorResult, i: int) -> dict[str, Any]:
    s = ind.spec
    exact = ind.lo[i] == ind.hi[i]
    d = {"id": s["id"], "class": s["class"], "name_zh": s["name_zh"], "name_en": s["name_en"],
         "value": ", ".join(f"{x}={fmt_value(res.batch, x, i)}" for x in ind.inputs) if len(ind.inputs) != 1
         else fmt_value(res.batch, ind.inputs[0], i),
         "band": ind.band[i] or None, "points": float(ind.lo[i]) if exact else None,
         "points_range": None if exact else [float(ind.lo[i]), float(ind.hi[i])], "max": s["max"],
         "missing": res.batch.missing_labels(list(ind.inputs), i), "source": s.get("source"),
         "confidence": s.get("confidence")}
    if ind.parts:
        d["parts"] = [_ind(res, p, i) for p in ind.parts]
    return d


def _cond(res: SmeResult, node: NodeResult, i: int) -> dict[str, Any]:
    s = node.spec
    d: dict[str, Any] = {"id": s["id"], "state": STATE_WORD[int(node.state[i])]}
    if s["kind"] == "ref":
        d["name_zh"], d["name_en"] = "共同条件", "common eligibility"
    else:
        d["name_zh"], d["name_en"] = s.get("name_zh", s["id"]), s.get("name_en", s["id"])
    if s.get("aspect"):
        d["aspect"] = s["aspect"]
    if s.get("direct"):
        d["direct"] = True
    if s["kind"] in ("compare", "in"):
        d["value"] = fmt_value(res.batch, s["input"], i)
        d["required"] = (f"{s['op']} {_num(float(s['value']))}{s.get('unit', '')}" if s["kind"] == "compare"
                         and not isinstance(s["value"], bool) else
                         ("yes" if s.get("value") is True else "one of " + "|".join(s.get("values", []))))
    if s["kind"] == "tier":
        held = res.held.get(s["tier"])
        d["value"] = "valid certificate held" if held is not None and held[i] else \
            f"{s['tier']} result: {RESULT_WORD[int(res.tier(s['tier']).state[i])]}"
    if s["kind"] == "is_sme":
        d["value"] = res.size.size_class[i] or ("SME, class unknown" if node.state[i] == TRUE else "unknown")
    if s["kind"] == "banded":
        by = res.batch.get(s["by"])[i]
        d["value"] = fmt_value(res.batch, s["by"], i)
        for c in s["cases"]:
            if by == by and (c["min"] is None or round(by, 9) >= c["min"]):
                d["band"] = f"{c['label_zh']} / {c['label_en']}"
                break
    if s.get("platform"):
        d["note"] = PLATFORM_NOTE
    if node.state[i] == UNKNOWN:
        d["needs"] = _needs(res, node, i)
    if node.children:
        d["conditions"] = [_cond(res, c, i) for c in node.children]
    return d


def _needs(res: SmeResult, node: NodeResult, i: int) -> list[str]:
    if node.spec["kind"] == "is_sme":
        return [m for m in res.size.missing[i].split(",") if m]
    if node.spec["kind"] == "tier":
        return [f"the {node.spec['tier']} result"]
    if node.children:
        out: list[str] = []
        for c in node.children:
            if c.state[i] == UNKNOWN:
                out += [x for x in _needs(res, c, i) if x not in out]
        return out
    return res.batch.missing_labels(list(node.inputs), i)


# ---------------------------------------------------------------------------------------------
# what is needed for the next tier
# ---------------------------------------------------------------------------------------------
def next_tier(res: SmeResult, i: int) -> dict[str, Any]:
    """The lowest tier the firm does not (yet) reach, and for each failing condition what it takes."""
    for t in res.tiers:
        if t.state[i] != TRUE:
            needs: list[str] = []
            for c in t.conditions:
                if c.state[i] != TRUE:
                    needs += _gaps(res, t, c, i, depth=0)
            return {"tier": t.tier, "name_zh": TIER_NAMES[t.tier][0], "name_en": TIER_NAMES[t.tier][1],
                    "result": RESULT_WORD[int(t.state[i])], "needs": needs}
    return {"tier": None, "name_en": "all tiers reached", "needs": []}


def _gaps(res: SmeResult, t: TierResult, node: NodeResult, i: int, depth: int) -> list[str]:
    s = node.spec
    pad = "  " * depth
    st = int(node.state[i])
    if st == TRUE:
        return []
    if st == UNKNOWN and not node.children and s["kind"] not in ("score",):
        miss = _needs(res, node, i)
        return [f"{pad}{s.get('name_en', s['id'])}: provide {', '.join(miss)}"] if miss else []
    kind = s["kind"]
    if kind == "ref" or kind == "all":
        out = []
        for c in node.children:
            out += _gaps(res, t, c, i, depth)
        return out
    if kind == "any":
        alts = [g for c in node.children for g in (_gaps(res, t, c, i, depth + 1) or [])]
        return [f"{pad}one of ({s.get('name_en', s['id'])}):"] + alts
    if kind == "banded":
        by = res.batch.get(s["by"])[i]
        for c, ch in zip(s["cases"], node.children):
            if by == by and (c["min"] is None or round(by, 9) >= c["min"]):
                return [f"{pad}[{c['label_en']}]"] + _gaps(res, t, ch, i, depth + 1)
        return [f"{pad}{s['name_en']}: provide {s['by']}"]
    if kind == "compare":
        return [pad + compare_gap(res, s, i)]
    if kind == "in":
        return [f"{pad}{s['name_en']}: {fmt_value(res.batch, s['input'], i)} -> {' or '.join(s['values'])}"]
    if kind == "is_sme":
        return [f"{pad}not an SME under the 2011 size classes ({res.size.size_class[i]}): no tier applies"]
    if kind == "tier":
        return [f"{pad}first reach the {TIER_NAMES[s['tier']][1]} tier ({s['tier']})"]
    if kind == "score":
        return [pad + x for x in score_gaps(res, t, i)]
    return [f"{pad}{s.get('name_en', s['id'])}"]


def compare_gap(res: SmeResult, s: dict[str, Any], i: int) -> str:
    """'R&D intensity last year 2.4% -> 3% needed: +0.6 pp' (bool: 'no -> yes')."""
    name = s["input"]
    v = res.batch.get(name)[i]
    label = input_label(name)[1]
    col = BY_NAME.get(name)
    if isinstance(s["value"], bool) or (col is not None and col.kind == "bool"):
        return f"{s['name_en']}: {fmt_value(res.batch, name, i)} -> yes needed"
    unit = input_unit(name)
    target = float(s["value"])
    diff = target - float(v)
    step = "pp" if unit == "%" else unit
    sign = "+" if diff > 0 else "-"
    u = unit if unit == "%" else (" " + unit if unit else "")
    return f"{label} {_num(float(v))}{u} -> {_num(target)}{u} needed: {sign}{_num(abs(diff))} {step}".rstrip()


def score_gaps(res: SmeResult, t: TierResult, i: int) -> list[str]:
    sc = t.spec["score"]
    out = []
    lo, hi = float(t.score_lo[i]), float(t.score_hi[i])
    if hi < sc["pass_total"] or lo < sc["pass_total"]:
        have = _num(lo) if lo == hi else f"{_num(lo)}-{_num(hi)}"
        if lo < sc["pass_total"]:
            out.append(f"score {have} -> {_num(sc['pass_total'])} needed: +{_num(sc['pass_total'] - lo)} points "
                       f"(or a direct route)")
    for c in sc["classes"]:
        m = c.get("min_to_pass")
        if m is not None and t.class_lo[c["id"]][i] < m:
            out.append(f"{c['name_en']} class {_num(float(t.class_lo[c['id']][i]))} -> {_num(m)} needed: "
                       f"+{_num(m - float(t.class_lo[c['id']][i]))} points")
    for ind in t.indicators:
        g = indicator_gap(res, ind, i)
        if g:
            out.append("  " + g)
    return out


def indicator_gap(res: SmeResult, ind: IndicatorResult, i: int) -> str | None:
    """The next band of one indicator and what it takes (None when at the top or unknown how)."""
    s = ind.spec
    b = res.batch
    if ind.lo[i] != ind.hi[i]:
        return f"{s['name_en']}: provide {', '.join(b.missing_labels(list(ind.inputs), i))} " \
               f"(up to +{_num(float(ind.hi[i] - ind.lo[i]))} points)"
    pts = float(ind.lo[i])
    if pts >= s["max"]:
        return None
    kind = s["kind"]
    if kind == "bands":
        v = float(b.get(s["input"])[i])
        bands = s["bands"]
        _, idx = band_points(np.array([v]), bands, s.get("else", 0), s.get("direction", "higher"))
        k = int(idx[0])
        thr, p = bands[k - 1] if k > 0 else bands[0]
        unit = s.get("unit", "")
        step = "pp" if unit == "%" else unit
        diff = thr - v
        label = input_label(s["input"])[1]
        sign = "+" if diff > 0 else "-"
        u = unit if unit == "%" else (" " + unit if unit else "")
        return (f"{label} {_num(v)}{u} -> {_num(thr)}{u} needed: {sign}{_num(abs(diff))} {step} "
                f"(+{_num(p - pts)} points)")
    if kind == "categorical":
        v = fmt_value(b, s["input"], i)
        better = sorted(((p, c) for c, p in s["points"].items() if p > pts))
        if better:
            p, c = better[0]
            return f"{s['name_en']}: {v} -> {c} (+{_num(p - pts)} points)"
    if kind == "steps":
        v = float(b.get(s["input"])[i])
        nxt = (math.floor(round(v, 9) / s["step"]) + 1) * s["step"]
        return f"{s['name_en']}: {_num(v)} -> {_num(nxt)} years needed: +{_num(nxt - v)} years (+{_num(s['per_step'])} points)"
    if kind == "count":
        lacking = [c for c in s["inputs"] if not (b.get(c)[i] > 0)]
        return f"{s['name_en']}: add one of {', '.join(lacking)} (+{_num(min(s['per_item'], s['max'] - pts))} points)"
    if kind == "any_bands":
        a, r = (float(b.get(x)[i]) for x in s["inputs"])
        for ta, tr, p in reversed(s["bands"]):
            if p > pts:
                return (f"{s['name_en']}: R&D expense {_num(a)} 万元 -> {_num(ta)} 万元 (+{_num(ta - a)} 万元) or "
                        f"R&D intensity {_num(r)}% -> {_num(tr)}% (+{_num(tr - r)} pp) (+{_num(p - pts)} points)")
    if kind == "input_score":
        return f"{s['name_en']}: {_num(pts)} of {_num(s['max'])} points (set by the province)"
    return None


# ---------------------------------------------------------------------------------------------
# text rendering
# ---------------------------------------------------------------------------------------------
def render_text(d: dict[str, Any]) -> str:
    L: list[str] = []
    L.append(f"{d['firm_id']}  {d['name']}")
    L.append(f"rule set {d['rule_set']} ({d['rule_set_name']}), evaluated on {d['date']}"
             + (f", province {d['province']}" if d.get("province") else ""))
    sz = d["size"]
    sme = {True: "yes", False: "no", None: "unknown"}[sz["is_sme"]]
    L.append(f"size class 规模: {sz['size_class_zh']} / {sz['size_class_en']} (group {sz.get('group_zh') or '-'}; "
             f"SME: {sme}; 工信部联企业〔2011〕300号)"
             + (f"; missing: {', '.join(sz['missing'])}" if sz["missing"] else ""))
    for t in d["tiers"]:
        L.append("")
        L.append(f"== {t['name_zh']} / {t['name_en']} ({t['tier']}): {t['result'].upper()}")
        if t.get("note"):
            L.append(f"   note: {t['note']}")
        sc = t.get("score")
        if sc:
            pts = sc["points"] if sc["points"] is not None else f"{_num(sc['min'])}-{_num(sc['max'])} (inputs missing)"
            mins = " with the class minimums" if any(c.get("min_to_pass") is not None for c in sc["classes"]) else ""
            L.append(f"   score {pts} / {sc['out_of']} (pass at {sc['pass_total']}{mins}): {sc['state']}")
            for c in sc["classes"]:
                got = _num(c["points_min"]) if c["points_min"] == c["points_max"] else \
                    f"{_num(c['points_min'])}-{_num(c['points_max'])}"
                mn = f", minimum {c['min_to_pass']}" if c.get("min_to_pass") is not None else ""
                L.append(f"   [{c['name_zh']} {c['name_en']}] {got} / {c['max']}{mn}")
                for ind in sc["indicators"]:
                    if ind["class"] != c["id"]:
                        continue
                    p = _num(ind["points"]) if ind["points"] is not None else \
                        f"{_num(ind['points_range'][0])}-{_num(ind['points_range'][1])} (missing: {', '.join(ind['missing'])})"
                    L.append(f"     - {ind['name_zh']} / {ind['name_en']}: value {ind['value']}; band "
                             f"{ind['band'] or '-'}; points {p} / {ind['max']}")
                    for part in ind.get("parts", []):
                        L.append(f"         . {part['name_en']}: {part['value']} -> {part['points']}")
        L.append("   conditions:")
        for c in t["conditions"]:
            _render_cond(L, c, 2)
        if t["direct_route"]:
            L.append("   direct route used: " + "; ".join(f"{r['name_zh']} / {r['name_en']}" for r in t["direct_route"]))
        if t["missing"]:
            L.append("   missing values: " + ", ".join(t["missing"]))
        for n in t["notes"]:
            L.append(f"   note: {n}")
    nt = d["next_tier"]
    L.append("")
    if nt["tier"] is None:
        L.append("next tier: all tiers reached")
    else:
        L.append(f"next tier: {nt['name_zh']} / {nt['name_en']} ({nt['result']}); needed:")
        L += [f"   {x}" for x in nt["needs"]] or ["   (nothing listed)"]
    return "\n".join(L)


def _render_cond(L: list[str], c: dict[str, Any], depth: int) -> None:
    mark = {"pass": "PASS", "fail": "FAIL", "unknown": "????"}[c["state"]]
    extra = ""
    if "value" in c:
        extra = f" [value {c['value']}" + (f"; required {c['required']}" if c.get("required") else "") + "]"
    if c.get("band"):
        extra += f" [{c['band']}]"
    if c.get("needs"):
        extra += f" (needs {', '.join(c['needs'])})"
    tag = " (direct)" if c.get("direct") else ""
    asp = f"{c['aspect']} " if c.get("aspect") else ""
    L.append(f"{'  ' * depth}{mark} {asp}{c['name_zh']} / {c['name_en']}{tag}{extra}")
    for ch in c.get("conditions", []):
        _render_cond(L, ch, depth + 1)
