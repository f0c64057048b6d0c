"""Industrial chains (pure): the chain graph, node measures and verdict rules (as data), regional
completeness, the chain-leader view, and explained firm-level cascades. See docs/chains.md."""
from .assess import ChainAssessment, assess
from .model import Chain
from .regional import RegionalCompleteness, completeness
from .rules import DEFAULT_RULES, default_rules, evaluate, validate_rules

__all__ = ["Chain", "ChainAssessment", "assess", "RegionalCompleteness", "completeness", "DEFAULT_RULES",
           "default_rules", "evaluate", "validate_rules"]
