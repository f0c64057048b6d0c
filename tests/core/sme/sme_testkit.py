"""A complete, strong applicant (every column filled) and a one-call evaluation for the SME tests."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from induscope.core.sme import SmeBatch, evaluate, ruleset, ruleset_for, size_rules

#: passes every tier of the 2022 rules (little giant included) with room to spare
STRONG: dict[str, Any] = dict(
    firm_id="F", name="强企", region="440000", industry="3612", section="C", employees=280,
    total_assets=30000.0, revenue=20000.0, revenue_prev1=18000.0, main_revenue=19000.0,
    main_revenue_prev1=17000.0, main_revenue_prev2=15000.0, rd_expense=1400.0, rd_expense_prev1=1200.0,
    net_profit=2200.0, debt_ratio=40.0, rd_staff=70.0, niche_years=12.0, strategic_emerging=1.0,
    chain_role="breakthrough", ip_level="class1_high_value", class1_ip_applied=5.0, digital_level=3.0,
    quality_award=1.0, quality_cert=1.0, own_brand=1.0, standards=1.0, local_score=12.0,
    rd_institution="provincial", equity_financing_2y=0.0, equity_financing_3y=0.0, sci_award="none",
    maker_china="none", honours=0.0, market_share=15.0, info_system=1.0, mgmt_cert=1.0, credit_ok=1.0,
    platform_score=75.0)


def frame(rows: list[dict[str, Any]], base: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    base = STRONG if base is None else base
    recs = []
    for k, r in enumerate(rows):
        rec = {**base, **r}
        rec.setdefault("firm_id", f"F{k}")
        if "firm_id" not in r:
            rec["firm_id"] = f"F{k}"
        recs.append(rec)
    df = pd.DataFrame(recs)
    return df.drop(columns=[c for c in drop if c in df])


def run(rows: list[dict[str, Any]], date: str = "2025-06-30", rule_set: str | None = None, base=None,
        drop: tuple[str, ...] = (), **kw):
    df = frame(rows, base, drop)
    rs = ruleset(rule_set) if rule_set else ruleset_for(date)
    return evaluate(SmeBatch.from_frame(df), rs, size_rules(), date=date, **kw)


def points(res, tier: str, indicator: str) -> np.ndarray:
    ind = next(i for i in res.tier(tier).indicators if i.spec["id"] == indicator)
    assert np.array_equal(ind.lo, ind.hi), "points must be exact when the inputs are given"
    return ind.lo


def results(res, tier: str) -> list[str]:
    return [{1: "eligible", 0: "not_eligible", -1: "cannot_evaluate"}[int(s)] for s in res.tier(tier).state]
