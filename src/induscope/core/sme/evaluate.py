"""Evaluation of SME tiers under a rule set: every indicator's value, band and points; every
condition pass / fail / unknown; the direct route used; what is missing; and the result.

Vectorised over the batch: each indicator and condition is evaluated once for all firms as arrays
(three-valued, see logic.py), so 10,000 enterprises take well under a second of array work; only the
text of reasons is built per failing firm. Points are carried as an interval [lo, hi]: a missing input
gives its indicator's minimum and maximum, so a score passes without the missing values when lo passes,
and fails even with their maximum points when hi fails.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ...errors import InputError, NotFoundError
from . import size as size_mod
from .inputs import SmeBatch, input_label, input_unit
from .logic import FALSE, TRUE, UNKNOWN, all_of, any_of
from .rulesets import TIER_NAMES

RESULT_WORD = {1: "eligible", 0: "not_eligible", -1: "cannot_evaluate"}
OPS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less, "==": np.equal}


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------
@dataclass
class IndicatorResult:
    spec: dict[str, Any]
    inputs: tuple[str, ...]
    lo: np.ndarray
    hi: np.ndarray
    band: np.ndarray                    # object: band label ('' when missing)
    parts: list["IndicatorResult"] = field(default_factory=list)   # local sub-indicators


@dataclass
class NodeResult:
    spec: dict[str, Any]
    state: np.ndarray
    children: list["NodeResult"] = field(default_factory=list)
    inputs: tuple[str, ...] = ()        # inputs of this node and below


@dataclass
class TierResult:
    tier: str
    spec: dict[str, Any]
    state: np.ndarray
    conditions: list[NodeResult]
    indicators: list[IndicatorResult]
    score_lo: np.ndarray | None
    score_hi: np.ndarray | None
    class_lo: dict[str, np.ndarray]
    class_hi: dict[str, np.ndarray]
    score_state: np.ndarray | None
    inputs: tuple[str, ...]


@dataclass
class SmeResult:
    """Immutable result of one evaluation: ``to_frame()`` (one row per firm and tier), ``explain(id)``."""

    batch: SmeBatch
    ruleset: dict[str, Any]
    date: dt.date
    province: str | None
    size: size_mod.SizeResult
    size_rules: dict[str, Any]
    tiers: list[TierResult]
    local_spec: list[dict[str, Any]]
    local_source: str
    notes: list[str] = field(default_factory=list)
    held: dict[str, np.ndarray] = field(default_factory=dict)

    def tier(self, name: str) -> TierResult:
        for t in self.tiers:
            if t.tier == name:
                return t
        raise KeyError(name)

    # -- batch table ---------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        b = self.batch
        frames = []
        for t in self.tiers:
            missing = _missing_strings(b, t.inputs, np.ones(b.n, bool), self.size)
            reasons = _reasons(self, t)
            score = score_min = score_max = np.full(b.n, np.nan)
            if t.score_lo is not None:
                score_min, score_max = t.score_lo, t.score_hi
                score = np.where(t.score_lo == t.score_hi, t.score_lo, np.nan)
            elif _uses_platform(t):
                score = score_min = score_max = b.values["platform_score"]
            frames.append(pd.DataFrame({
                "firm_id": b.firm_id, "name": b.name, "tier": t.tier, "tier_zh": TIER_NAMES[t.tier][0],
                "rule_set": self.ruleset["id"], "result": [RESULT_WORD[int(s)] for s in t.state],
                "score": score, "score_min": score_min, "score_max": score_max,
                "missing": missing, "reasons": reasons, "size_class": self.size.size_class,
                "_order": np.arange(b.n)}))
        out = pd.concat(frames, ignore_index=True)
        out["_tier"] = out["tier"].map({"innovative": 0, "srdi": 1, "little_giant": 2})
        return out.sort_values(["_order", "_tier"], kind="stable").drop(columns=["_order", "_tier"]) \
            .reset_index(drop=True)

    def counts(self) -> dict[str, dict[str, int]]:
        return {t.tier: {RESULT_WORD[k]: int((t.state == k).sum()) for k in (1, 0, -1)} for t in self.tiers}

    def summary(self) -> dict[str, Any]:
        return {"rule_set": self.ruleset["id"], "rule_set_name": self.ruleset["name_zh"],
                "date": self.date.isoformat(), "province": self.province, "enterprises": self.batch.n,
                "results": self.counts(), "local_indicators": self.local_source, "notes": list(self.notes)}

    def to_dict(self) -> dict[str, Any]:
        return self.summary()

    # -- one firm ------------------------------------------------------------------------------
    def index_of(self, firm_id: str) -> int:
        hits = np.flatnonzero(self.batch.firm_id == str(firm_id))
        if not len(hits):
            raise NotFoundError(f"no enterprise with firm_id {firm_id!r} in the batch")
        return int(hits[0])

    def explain(self, firm_id: str) -> dict[str, Any]:
        from .explain import explain_firm

        return explain_firm(self, self.index_of(firm_id))


# ---------------------------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------------------------
def evaluate(batch: SmeBatch, ruleset: Mapping[str, Any], size_rules: Mapping[str, Any], *,
             date: str | dt.date, province: str | None = None,
             local_rules: list[dict[str, Any]] | None = None,
             held: Mapping[str, np.ndarray] | None = None) -> SmeResult:
    """Evaluate every tier of ``ruleset`` for every firm of ``batch``.

    ``province`` picks the SRDI local-characteristics indicators of that province from the rule set
    (the default when it has none); ``local_rules`` (a list of indicator specs) overrides both.
    ``held`` maps a tier to a boolean array: the firm holds a valid certificate of that tier on
    ``date``, which satisfies a "holds the title" condition of a higher tier."""
    from .rulesets import parse_date

    day = parse_date(date)
    size = size_mod.classify(batch.industry, batch.section,
                             {m: batch.values[m] for m in size_mod.MEASURES}, size_rules)
    ctx = _Context(batch, size, ruleset)
    ctx.held = {k: np.asarray(v, dtype=bool) for k, v in (held or {}).items()}
    local_spec: list[dict[str, Any]] = []
    local_source = "none"
    tiers: list[TierResult] = []
    for tspec in ruleset["tiers"]:
        local = None
        if tspec.get("local_indicators") is not None or local_rules is not None:
            local, local_source = _local_spec(tspec, province, local_rules)
            local_spec = local
        t = _evaluate_tier(ctx, tspec, local)
        ctx.tier_states[t.tier] = t.state
        tiers.append(t)
    return SmeResult(batch=batch, ruleset=dict(ruleset), date=day, province=province, size=size,
                     size_rules=dict(size_rules), tiers=tiers, local_spec=local_spec, local_source=local_source,
                     held=ctx.held)


def _local_spec(tspec: Mapping[str, Any], province: str | None, override: list[dict[str, Any]] | None
                ) -> tuple[list[dict[str, Any]], str]:
    if override is not None:
        return override, "custom"
    conf = tspec.get("local_indicators") or {}
    if province and province in conf:
        return conf[province], f"province {province}"
    return conf.get("default", []), "default" + (f" (no rules for province {province})" if province else "")


class _Context:
    def __init__(self, batch: SmeBatch, size: size_mod.SizeResult, ruleset: Mapping[str, Any]):
        self.b = batch
        self.n = batch.n
        self.size = size
        self.common = ruleset.get("common", [])
        self.tier_states: dict[str, np.ndarray] = {}
        self.held: dict[str, np.ndarray] = {}


def _evaluate_tier(ctx: _Context, tspec: Mapping[str, Any], local: list[dict[str, Any]] | None) -> TierResult:
    n = ctx.n
    indicators: list[IndicatorResult] = []
    class_lo: dict[str, np.ndarray] = {}
    class_hi: dict[str, np.ndarray] = {}
    score_lo = score_hi = score_state = None
    sc = tspec.get("score")
    if sc:
        for ispec in sc["indicators"]:
            ind = _indicator(ctx, ispec, local)
            indicators.append(ind)
            c = ispec["class"]
            class_lo[c] = class_lo.get(c, np.zeros(n)) + ind.lo
            class_hi[c] = class_hi.get(c, np.zeros(n)) + ind.hi
        score_lo = np.sum([i.lo for i in indicators], axis=0)
        score_hi = np.sum([i.hi for i in indicators], axis=0)
        passes = [np.where(score_lo >= sc["pass_total"], TRUE,
                           np.where(score_hi < sc["pass_total"], FALSE, UNKNOWN)).astype(np.int8)]
        for cl in sc["classes"]:
            m = cl.get("min_to_pass")
            if m is not None:
                passes.append(np.where(class_lo[cl["id"]] >= m, TRUE,
                                       np.where(class_hi[cl["id"]] < m, FALSE, UNKNOWN)).astype(np.int8))
        score_state = all_of(passes, n)
    ctx.score_state = score_state
    ctx.score_inputs = tuple(dict.fromkeys(x for i in indicators for x in i.inputs))
    conds = [_node(ctx, c) for c in tspec["conditions"]]
    state = all_of([c.state for c in conds], n)
    inputs = tuple(dict.fromkeys([x for c in conds for x in c.inputs] + [x for i in indicators for x in i.inputs]))
    return TierResult(tier=tspec["tier"], spec=dict(tspec), state=state, conditions=conds, indicators=indicators,
                      score_lo=score_lo, score_hi=score_hi, class_lo=class_lo, class_hi=class_hi,
                      score_state=score_state, inputs=inputs)


# -- indicators ------------------------------------------------------------------------------
def band_points(value: np.ndarray, bands: list[list[float]], other: float, direction: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """Points and band index (len(bands) = the 'else' band) of each value; NaN -> points NaN.

    Bands are listed best first; the first band reached wins, so a value on a boundary takes the
    higher-scoring band (以上/以下含本数)."""
    v = np.round(np.asarray(value, dtype=float), 9)
    pts = np.full(v.shape, np.nan)
    idx = np.full(v.shape, -1, dtype=np.int64)
    known = ~np.isnan(v)
    done = ~known
    for k, (thr, p) in enumerate(bands):
        hit = ~done & ((v >= thr) if direction == "higher" else (v <= thr))
        pts[hit] = p
        idx[hit] = k
        done |= hit
    pts[~done] = other
    idx[~done] = len(bands)
    return pts, idx


def band_label(bands: list[list[float]], k: int, direction: str, unit: str) -> str:
    u = unit
    if direction == "higher":
        if k == 0:
            return f">= {_num(bands[0][0])}{u}"
        if k >= len(bands):
            return f"< {_num(bands[-1][0])}{u}"
        return f"{_num(bands[k][0])}{u} <= x < {_num(bands[k - 1][0])}{u}"
    if k == 0:
        return f"<= {_num(bands[0][0])}{u}"
    if k >= len(bands):
        return f"> {_num(bands[-1][0])}{u}"
    return f"{_num(bands[k - 1][0])}{u} < x <= {_num(bands[k][0])}{u}"


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x == x else "?"


def _labels(idx: np.ndarray, labels: list[str]) -> np.ndarray:
    arr = np.asarray(labels + [""], dtype=object)
    return arr[np.where(idx < 0, len(labels), idx)]


def _indicator(ctx: _Context, spec: Mapping[str, Any], local: list[dict[str, Any]] | None) -> IndicatorResult:
    b, n = ctx.b, ctx.n
    kind = spec["kind"]
    mx = float(spec["max"])
    if kind == "bands":
        v = b.get(spec["input"])
        pts, idx = band_points(v, spec["bands"], spec.get("else", 0), spec.get("direction", "higher"))
        labels = [band_label(spec["bands"], k, spec.get("direction", "higher"), spec.get("unit", ""))
                  for k in range(len(spec["bands"]) + 1)]
        lo = np.where(np.isnan(pts), min(spec.get("else", 0), *[p for _, p in spec["bands"]]), pts)
        hi = np.where(np.isnan(pts), mx, pts)
        return IndicatorResult(dict(spec), (spec["input"],), lo, hi, _labels(idx, labels))
    if kind == "categorical":
        v = _enum_values(b, spec["input"])
        table = spec["points"]
        pts = np.full(n, np.nan)
        band = np.full(n, "", dtype=object)
        for cat, p in table.items():
            m = v == cat
            pts[m] = p
            band[m] = spec.get("labels", {}).get(cat, cat)
        lo = np.where(np.isnan(pts), min(table.values()), pts)
        hi = np.where(np.isnan(pts), max(table.values()), pts)
        return IndicatorResult(dict(spec), (spec["input"],), lo, hi, band)
    if kind == "steps":
        v = np.round(b.get(spec["input"]), 9)
        pts = np.minimum(np.floor(v / spec["step"]) * spec["per_step"], mx)
        band = np.where(np.isnan(v), "", np.char.add(np.floor(np.nan_to_num(v) / spec["step"]).astype(int)
                                                     .astype(str), f" x {spec['step']} years")).astype(object)
        return IndicatorResult(dict(spec), (spec["input"],), np.where(np.isnan(pts), 0, pts),
                               np.where(np.isnan(pts), mx, pts), band)
    if kind == "count":
        have = np.zeros(n)
        unknown = np.zeros(n)
        for c in spec["inputs"]:
            v = b.get(c)
            have += np.nan_to_num(v) > 0
            unknown += np.isnan(v)
        per = spec["per_item"]
        lo = np.minimum(have * per, mx)
        hi = np.minimum((have + unknown) * per, mx)
        band = np.char.add(have.astype(int).astype(str), " item(s)").astype(object)
        return IndicatorResult(dict(spec), tuple(spec["inputs"]), lo, hi, band)
    if kind == "any_bands":
        a, r = (b.get(x) for x in spec["inputs"])
        bands_a = [[t[0], t[2]] for t in spec["bands"]]
        bands_r = [[t[1], t[2]] for t in spec["bands"]]
        pa, ia = band_points(a, bands_a, spec.get("else", 0), "higher")
        pr, ir = band_points(r, bands_r, spec.get("else", 0), "higher")
        best = np.fmax(pa, pr)                       # NaN only when both are missing
        any_missing = np.isnan(pa) | np.isnan(pr)
        lo = np.where(np.isnan(best), spec.get("else", 0), best)
        hi = np.where(any_missing, mx, best)
        ua, ur = spec.get("units", ["", ""])
        la = [band_label(bands_a, k, "higher", ua) for k in range(len(bands_a) + 1)]
        lr = [band_label(bands_r, k, "higher", ur) for k in range(len(bands_r) + 1)]
        band = np.where(np.nan_to_num(pa, nan=-1) >= np.nan_to_num(pr, nan=-1), _labels(ia, la),
                        _labels(ir, lr)).astype(object)
        return IndicatorResult(dict(spec), tuple(spec["inputs"]), lo, hi, band)
    if kind == "input_score":
        v = b.get(spec["input"])
        pts = np.minimum(v, mx)
        band = np.where(np.isnan(v), "", "given").astype(object)
        return IndicatorResult(dict(spec), (spec["input"],), np.where(np.isnan(pts), 0, pts),
                               np.where(np.isnan(pts), mx, pts), band)
    if kind == "local":
        parts = [_indicator(ctx, {**p, "class": spec["class"]}, None) for p in (local or [])]
        if not parts:
            raise InputError(f"indicator {spec['id']}: no local-characteristics indicators configured")
        lo = np.minimum(np.sum([p.lo for p in parts], axis=0), mx)
        hi = np.minimum(np.sum([p.hi for p in parts], axis=0), mx)
        inputs = tuple(x for p in parts for x in p.inputs)
        band = np.full(n, f"{len(parts)} local indicator(s)", dtype=object)
        return IndicatorResult(dict(spec), inputs, lo, hi, band, parts)
    raise InputError(f"indicator {spec.get('id')}: unknown kind {kind!r}")


def _enum_values(b: SmeBatch, name: str) -> np.ndarray:
    v = b.get(name)
    if v.dtype == object:
        return v
    return np.where(np.isnan(v), "", np.where(v > 0, "yes", "no")).astype(object)


# -- conditions ------------------------------------------------------------------------------
def _node(ctx: _Context, spec: Mapping[str, Any]) -> NodeResult:
    b, n = ctx.b, ctx.n
    kind = spec["kind"]
    if kind == "ref":
        children = [_node(ctx, c) for c in ctx.common]
        return NodeResult(dict(spec), all_of([c.state for c in children], n), children,
                          tuple(x for c in children for x in c.inputs))
    if kind in ("all", "any"):
        children = [_node(ctx, c) for c in spec["of"]]
        fn = all_of if kind == "all" else any_of
        return NodeResult(dict(spec), fn([c.state for c in children], n), children,
                          tuple(dict.fromkeys(x for c in children for x in c.inputs)))
    if kind == "compare":
        v = b.get(spec["input"])
        target = spec["value"]
        if isinstance(target, bool):
            target = 1.0 if target else 0.0
        with np.errstate(invalid="ignore"):
            ok = OPS[spec["op"]](np.round(v, 9), target)
        state = np.where(np.isnan(v), UNKNOWN, np.where(ok, TRUE, FALSE)).astype(np.int8)
        return NodeResult(dict(spec), state, [], (spec["input"],))
    if kind == "in":
        v = _enum_values(b, spec["input"])
        ok = np.isin(v, spec["values"])
        state = np.where(v == "", UNKNOWN, np.where(ok, TRUE, FALSE)).astype(np.int8)
        return NodeResult(dict(spec), state, [], (spec["input"],))
    if kind == "score":
        if ctx.score_state is None:
            raise InputError(f"condition {spec.get('id')}: the tier has no points table")
        return NodeResult(dict(spec), ctx.score_state.copy(), [], ctx.score_inputs)
    if kind == "tier":
        st = ctx.tier_states.get(spec["tier"])
        if st is None:
            raise InputError(f"condition {spec.get('id')}: tier {spec['tier']} must be evaluated first")
        if spec["tier"] in ctx.held:  # a valid certificate satisfies "holds the title"
            st = any_of([st, np.where(ctx.held[spec["tier"]], TRUE, FALSE).astype(np.int8)], n)
        return NodeResult(dict(spec), st.copy(), [], ())
    if kind == "is_sme":
        return NodeResult(dict(spec), ctx.size.is_sme.copy(), [], size_mod.SIZE_INPUTS)
    if kind == "banded":
        by = b.get(spec["by"])
        cases = spec["cases"]
        children = [_node(ctx, c["cond"]) for c in cases]
        state = np.full(n, UNKNOWN, dtype=np.int8)
        assigned = np.isnan(by)
        rb = np.round(by, 9)
        for c, ch in zip(cases, children):
            hit = ~assigned & ((rb >= c["min"]) if c["min"] is not None else True)
            state[hit] = ch.state[hit]
            assigned |= hit
        # with the band unknown the result is known only when every case agrees
        miss = np.isnan(by)
        sts = np.stack([ch.state for ch in children])
        agree = (sts == sts[0]).all(axis=0)
        state[miss] = np.where(agree[miss], sts[0][miss], UNKNOWN)
        inputs = (spec["by"],) + tuple(x for ch in children for x in ch.inputs)
        return NodeResult(dict(spec), state, children, tuple(dict.fromkeys(inputs)))
    raise InputError(f"condition {spec.get('id')}: unknown kind {kind!r}")


# -- text of the batch table -----------------------------------------------------------------
def _missing_strings(b: SmeBatch, inputs: tuple[str, ...], mask: np.ndarray,
                     size: size_mod.SizeResult | None = None) -> np.ndarray:
    """';'-joined columns to fill for each firm (vectorised over firms, one pass per input). The size
    test names only the measures whose absence leaves 'is an SME' or the size class open."""
    out = np.full(b.n, "", dtype=object)
    seen: set[str] = set()
    uses_size = size is not None and "industry" in inputs
    for nm in inputs:
        if uses_size and nm in ("industry", "employees", "total_assets"):
            continue
        for base in b.bases(nm):
            if base in seen or base not in b.missing:
                continue
            seen.add(base)
            m = mask & b.missing[base]
            out[m] = out[m] + base + ";"
        if nm in b.undefined:
            m = mask & b.undefined[nm]
            out[m] = out[m] + f"{nm} (not computable);"
    if uses_size:
        for measure, need in size.need.items():
            if measure in seen:
                continue
            m = mask & need
            out[m] = out[m] + measure + ";"
    return np.asarray([s.rstrip(";") for s in out], dtype=object)


def _uses_platform(t: TierResult) -> bool:
    def walk(nodes: list[NodeResult]) -> bool:
        return any(n.spec.get("platform") or walk(n.children) for n in nodes)
    return walk(t.conditions)


def _reasons(res: SmeResult, t: TierResult) -> np.ndarray:
    b = res.batch
    out = np.full(b.n, "", dtype=object)
    state = t.state
    # eligible: how (score or the direct route)
    elig = np.flatnonzero(state == TRUE)
    fail = np.flatnonzero(state == FALSE)
    unk = np.flatnonzero(state == UNKNOWN)
    for i in elig:
        routes = direct_routes(t.conditions, int(i))
        text = []
        if t.score_state is not None and t.score_state[i] == TRUE:
            text.append(f"score {_num(t.score_lo[i])} >= {_num(t.spec['score']['pass_total'])}")
        if routes:
            text.append("direct route: " + "; ".join(r["name_en"] for r in routes))
        out[i] = "; ".join(text) or "all conditions met"
    for i in fail:
        out[i] = "; ".join(_short(res, c, int(i)) for c in t.conditions if c.state[i] == FALSE)
    for i in unk:
        needs = []
        for c in t.conditions:
            if c.state[i] == UNKNOWN:
                needs += [x for x in _node_missing(res, c, int(i)) if x not in needs]
        out[i] = "cannot evaluate: needs " + ", ".join(needs) if needs else "cannot evaluate"
    return out


def _node_missing(res: SmeResult, node: NodeResult, i: int) -> list[str]:
    b = res.batch
    if node.spec["kind"] == "is_sme":
        return [m for m in res.size.missing[i].split(",") if m]
    if node.spec["kind"] == "score":
        return b.missing_labels(list(node.inputs), i)
    if node.spec["kind"] == "tier":
        return [f"{node.spec['tier']} result"]
    if node.children:
        out: list[str] = []
        for c in node.children:
            if c.state[i] == UNKNOWN:
                out += [x for x in _node_missing(res, c, i) if x not in out]
        return out
    return b.missing_labels(list(node.inputs), i)


def _contains(parent: NodeResult, node: NodeResult) -> bool:
    return any(c is node or _contains(c, node) for c in parent.children)


def _short(res: SmeResult, node: NodeResult, i: int) -> str:
    """One failed condition as text: its name and the failing values."""
    spec = node.spec
    if spec["kind"] == "ref":
        return "; ".join(_short(res, c, i) for c in node.children if c.state[i] == FALSE)
    if spec["kind"] == "is_sme":
        return f"not an SME ({res.size.size_class[i] or 'large'}, {res.size.group[i]} size class)"
    if spec["kind"] == "compare":
        return f"{spec['name_en']} (is {fmt_value(res.batch, spec['input'], i)})"
    if spec["kind"] == "in":
        return f"{spec['name_en']} (is {fmt_value(res.batch, spec['input'], i)})"
    if spec["kind"] == "score":
        t = _tier_of(res, node)
        return f"score {_num(t.score_hi[i])} < {_num(t.spec['score']['pass_total'])} or a class minimum not met" \
            if t is not None and t.score_hi[i] < t.spec["score"]["pass_total"] else "score class minimums not met"
    return spec.get("name_en", spec.get("id", ""))


def _tier_of(res: SmeResult, node: NodeResult) -> TierResult | None:
    for t in res.tiers:
        if any(c is node or _contains(c, node) for c in t.conditions):
            return t
    return None


def fmt_value(b: SmeBatch, name: str, i: int) -> str:
    v = b.get(name)[i]
    if isinstance(v, str):
        return v or "missing"
    if v != v:
        return "missing"
    from .columns import BY_NAME

    col = BY_NAME.get(name)
    if col is not None and col.kind == "bool":
        return "yes" if v > 0 else "no"
    unit = input_unit(name)
    return f"{_num(float(v))}{' ' if unit and unit != '%' else ''}{unit}"


def direct_routes(nodes: list[NodeResult], i: int) -> list[dict[str, Any]]:
    out = []
    for n in nodes:
        if n.spec.get("direct") and n.state[i] == TRUE:
            out.append(n.spec)
        out += direct_routes(n.children, i)
    return out


__all__ = ["evaluate", "SmeResult", "TierResult", "IndicatorResult", "NodeResult", "band_points", "band_label",
           "direct_routes", "fmt_value", "input_label", "RESULT_WORD"]
