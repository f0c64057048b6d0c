"""Property: a result given despite missing values is the result whatever those values are.

Complete synthetic applicants are evaluated, then again with random cells blanked. Wherever the
blanked evaluation decides (eligible / not eligible), the complete one agrees; the complete score lies
in the [score_min, score_max] the blanked one reports; and a complete row is never 'cannot evaluate'
unless the industry code is too coarse for a size group."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

from induscope.core.sme import SmeBatch, evaluate, ruleset, size_rules
from induscope.core.sme.columns import BY_NAME
from induscope.demo.sme import synthetic_applicants

BOOLS = [c for c, col in BY_NAME.items() if col.kind == "bool"]


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in BOOLS:
        if c in out:
            out[c] = out[c].map({"yes": 1.0, "no": 0.0})
    out["section"] = "C"
    return out


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.floats(0.02, 0.4), rule_set=st.sampled_from(["2022-63", "2026-2"]))
def test_decided_results_hold_for_any_missing_values(seed, p, rule_set):
    full = _typed(synthetic_applicants(60, seed=seed))
    rng = np.random.default_rng(seed)
    part = full.copy()
    for c in part.columns:
        if c in ("firm_id", "name", "section", "region"):
            continue
        blank = rng.random(len(part)) < p
        part[c] = part[c].astype(object).where(~blank, "" if BY_NAME[c].kind in ("enum", "text") else np.nan)
        if BY_NAME[c].kind not in ("enum", "text"):
            part[c] = part[c].astype(float)
    rs = ruleset(rule_set)
    a = evaluate(SmeBatch.from_frame(full), rs, size_rules(), date=rs["effective_from"])
    b = evaluate(SmeBatch.from_frame(part), rs, size_rules(), date=rs["effective_from"])
    for ta, tb in zip(a.tiers, b.tiers):
        decided = tb.state != -1
        assert (ta.state[decided] == tb.state[decided]).all(), ta.tier
        assert (ta.state != -1).all(), ta.tier
        if ta.score_lo is not None:
            assert (ta.score_lo == ta.score_hi).all()
            assert (tb.score_lo <= ta.score_lo + 1e-9).all() and (ta.score_lo <= tb.score_hi + 1e-9).all()
