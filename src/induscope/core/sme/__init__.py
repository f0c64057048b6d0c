"""SME gradient cultivation (pure): size classes, versioned tier rule sets (2022-63, 2026-2) as data,
evaluation with explanations, digitalisation level, certificate dates. See docs/sme.md."""
from __future__ import annotations

from .columns import BY_NAME, COLUMNS, Column
from .evaluate import RESULT_WORD, SmeResult, evaluate
from .inputs import SmeBatch
from .rulesets import TIERS, ruleset, ruleset_for, rulesets, size_rules

__all__ = ["COLUMNS", "BY_NAME", "Column", "SmeBatch", "SmeResult", "evaluate", "RESULT_WORD", "TIERS", "ruleset",
           "ruleset_for", "rulesets", "size_rules"]
