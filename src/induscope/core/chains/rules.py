"""Node verdict rules as data: weak (短板), strong (长板) or neutral.

A rule set is a plain dict (JSON-serialisable, editable without code)::

    {"name": "...", "weak": [RULE, ...], "strong": [RULE, ...]}
    RULE = {"id": "few_suppliers", "label": "...", "when": [COND, ...], "applies_if": MEASURE?}
    COND = {"measure": "suppliers", "op": "<=", "value": 2}

A weak rule fires when all its conditions hold. A node is weak when any weak rule fires; strong
when no weak rule fires, no weak rule is left unassessed, and every strong rule holds; neutral
otherwise. A condition whose measure is missing (None / NaN) makes the rule "cannot assess: needs
MEASURE" -- never a silent pass -- unless another condition of the same weak rule is false with data
(then the rule does not fire whatever the missing value). ``applies_if``: a boolean measure; when it
is false the rule does not apply (e.g. the trade-competitiveness rule needs trade figures).
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from ...errors import Problem, ValidationError

OPS = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b,
       ">": lambda a, b: a > b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}

#: measures a rule may name (with their meaning, for messages and docs)
MEASURES = {
    "suppliers": "domestic suppliers serving the node (count)",
    "suppliers_effective": "capacity-weighted supplier count, 1 / HHI of capacity shares",
    "firm_hhi": "Herfindahl-Hirschman index of supplier output shares (0..1)",
    "top3_share": "output share of the three largest suppliers",
    "region_hhi": "HHI of the node's output over provinces",
    "top_region_share": "output share of the largest province",
    "import_dependence": "imports / (domestic output + imports - exports), or the IO table's imported "
                         "share of total use",
    "trade_competitiveness": "(exports - imports) / (exports + imports)",
    "coverage": "spare capacity of the other suppliers / output of the largest supplier",
    "exposure": "share of the chain's downstream output lost if the largest supplier fails",
    "sector_exposure": "mean inoperability of the downstream nodes' sectors for a 10% supply loss",
    "key_core": "key core technology flag (true / false)",
    "has_trade": "the node has its own trade figures",
}

DEFAULT_RULES: dict[str, Any] = {
    "name": "default (issue 13)",
    "weak": [
        {"id": "few_suppliers", "label": "2 or fewer domestic suppliers / 国内供应商不超过2家",
         "when": [{"measure": "suppliers", "op": "<=", "value": 2}]},
        {"id": "import_dependent", "label": "import dependence 50% or more / 进口依赖度不低于50%",
         "when": [{"measure": "import_dependence", "op": ">=", "value": 0.5}]},
        {"id": "concentrated_uncovered",
         "label": "concentrated supply (HHI >= 0.5) that the others cannot cover / 供应集中且难以替代",
         "when": [{"measure": "firm_hhi", "op": ">=", "value": 0.5},
                  {"measure": "coverage", "op": "<", "value": 1.0}]},
        {"id": "key_core_import_dependent",
         "label": "key core technology with import dependence 30% or more / 关键核心技术进口依赖",
         "when": [{"measure": "key_core", "op": "==", "value": True},
                  {"measure": "import_dependence", "op": ">=", "value": 0.3}]},
    ],
    "strong": [
        {"id": "many_suppliers", "label": "10 or more domestic suppliers / 国内供应商10家及以上",
         "when": [{"measure": "suppliers", "op": ">=", "value": 10}]},
        {"id": "competitive_supply", "label": "firm HHI 0.15 or less / 供应竞争充分",
         "when": [{"measure": "firm_hhi", "op": "<=", "value": 0.15}]},
        {"id": "self_sufficient", "label": "import dependence 10% or less / 进口依赖度不超过10%",
         "when": [{"measure": "import_dependence", "op": "<=", "value": 0.1}]},
        {"id": "export_competitive", "label": "net exporter (TC index > 0) / 贸易竞争力指数为正",
         "applies_if": "has_trade",
         "when": [{"measure": "trade_competitiveness", "op": ">", "value": 0.0}]},
    ],
}


def default_rules() -> dict[str, Any]:
    """A fresh copy of the default rule set (safe to edit)."""
    return copy.deepcopy(DEFAULT_RULES)


def validate_rules(rules: Any, source: str = "rules") -> dict[str, Any]:
    """Check a rule set; ValidationError lists every problem (with the JSON path as 'column')."""
    probs: list[Problem] = []

    def bad(path: str, value: Any, expected: str) -> None:
        probs.append(Problem(source, None, path, value, expected))

    if not isinstance(rules, Mapping):
        raise ValidationError([Problem(source, None, None, type(rules).__name__,
                                       "a JSON object with 'weak' and 'strong' rule lists")])
    seen: set[str] = set()
    for kind in ("weak", "strong"):
        lst = rules.get(kind)
        if not isinstance(lst, list):
            bad(kind, lst, f"a list of {kind} rules")
            continue
        for k, rule in enumerate(lst):
            where = f"{kind}[{k}]"
            if not isinstance(rule, Mapping):
                bad(where, rule, "a rule object {id, when}")
                continue
            rid = rule.get("id")
            if not isinstance(rid, str) or not rid.strip():
                bad(f"{where}.id", rid, "a rule name (text)")
            elif rid in seen:
                bad(f"{where}.id", rid, "a unique rule name")
            else:
                seen.add(rid)
            ai = rule.get("applies_if")
            if ai is not None and ai not in MEASURES:
                bad(f"{where}.applies_if", ai, f"one of {', '.join(MEASURES)}")
            conds = rule.get("when")
            if not isinstance(conds, list) or not conds:
                bad(f"{where}.when", conds, "a non-empty list of conditions {measure, op, value}")
                continue
            for c, cond in enumerate(conds):
                cw = f"{where}.when[{c}]"
                if not isinstance(cond, Mapping):
                    bad(cw, cond, "a condition {measure, op, value}")
                    continue
                if cond.get("measure") not in MEASURES:
                    bad(f"{cw}.measure", cond.get("measure"), f"one of {', '.join(MEASURES)}")
                if cond.get("op") not in OPS:
                    bad(f"{cw}.op", cond.get("op"), f"one of {' '.join(OPS)}")
                v = cond.get("value")
                if isinstance(v, bool):
                    if cond.get("measure") not in ("key_core", "has_trade"):
                        bad(f"{cw}.value", v, "a number")
                elif not isinstance(v, (int, float)) or not math.isfinite(v):
                    bad(f"{cw}.value", v, "a finite number (or true/false for key_core)")
    if probs:
        raise ValidationError(probs)
    return copy.deepcopy(dict(rules))


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    kind: str  # weak / strong
    status: str  # fired / passed (strong rule holds) / not_fired / cannot_assess / not_applicable
    needs: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class Verdict:
    verdict: str  # weak / strong / neutral
    fired: tuple[str, ...]  # weak rules that fired, or the strong rules when strong
    cannot_assess: tuple[str, ...]  # "rule: needs measure, ..."
    outcomes: tuple[RuleOutcome, ...] = field(default_factory=tuple)

    @property
    def reasons(self) -> str:
        return ";".join(self.fired)


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _check(rule: Mapping[str, Any], kind: str, m: Mapping[str, Any]) -> RuleOutcome:
    ai = rule.get("applies_if")
    if ai is not None and not m.get(ai):
        return RuleOutcome(rule["id"], kind, "not_applicable", detail=f"applies only if {ai}")
    needs, parts, any_false = [], [], False
    for cond in rule["when"]:
        v = m.get(cond["measure"])
        if _missing(v):
            needs.append(cond["measure"])
            continue
        ok = bool(OPS[cond["op"]](v, cond["value"]))
        parts.append(f"{cond['measure']} = {_fmt(v)} {cond['op'] if ok else 'not ' + cond['op']} "
                     f"{_fmt(cond['value'])}")
        any_false |= not ok
    detail = "; ".join(parts)
    if any_false:
        return RuleOutcome(rule["id"], kind, "not_fired", tuple(needs), detail)
    if needs:
        return RuleOutcome(rule["id"], kind, "cannot_assess", tuple(needs), detail)
    return RuleOutcome(rule["id"], kind, "fired" if kind == "weak" else "passed", (), detail)


def evaluate(measures: Mapping[str, Any], rules: Mapping[str, Any] | None = None) -> Verdict:
    """The verdict of one node from its measures (a dict measure -> value or None)."""
    rules = DEFAULT_RULES if rules is None else rules
    weak = [_check(r, "weak", measures) for r in rules["weak"]]
    strong = [_check(r, "strong", measures) for r in rules["strong"]]
    outcomes = tuple(weak + strong)
    fired = tuple(o.rule for o in weak if o.status == "fired")
    weak_open = [o for o in weak if o.status == "cannot_assess"]
    strong_open = [o for o in strong if o.status == "cannot_assess"]
    cannot = tuple(f"{o.rule}: needs {', '.join(o.needs)}" for o in weak_open + strong_open)
    if fired:
        return Verdict("weak", fired, cannot, outcomes)
    applicable = [o for o in strong if o.status != "not_applicable"]
    if not weak_open and applicable and all(o.status == "passed" for o in applicable):
        return Verdict("strong", tuple(o.rule for o in applicable), cannot, outcomes)
    return Verdict("neutral", (), cannot, outcomes)
