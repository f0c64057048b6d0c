"""Early warning (pure): rule-based and statistical alerts, four levels, episodes, diffusion and
composite indices."""
# the reconciliation module first: importing it binds the name ``episodes`` to the module, and the
# function ``episodes`` imported from .engine below must be what the package exports
from .episodes import Event, Plan, reconcile  # noqa: I001
from .anomaly import RobustAnomaly, robust_z, seasonal_mom_z
from .calibration import NoiseScaled, Slump, implied_rates, noise_cap, noise_z
from .composite import composite_index, diffusion_index
from .engine import (Episode, MonitoredSeries, combined_levels, corroborate, counts_by_year, episodes,
                     evaluate)
from .levels import Level, ladder_level
from .rules import (BelowLastYear, BelowTarget, Rule, RuleSet, RunBelow, SharpDrop, YTDFall, contraction,
                    pmi_rules)
from .presets import (enterprise_rules, fred_ip_rules, growth_yoy_rules, growth_ytd_rules, headline_yoy_rules,
                      headline_ytd_rules, pmi_preset)
from .signals import Signal

__all__ = [
    "RobustAnomaly", "robust_z", "seasonal_mom_z", "composite_index", "diffusion_index",
    "Episode", "MonitoredSeries", "combined_levels", "corroborate", "counts_by_year", "episodes", "evaluate",
    "Level", "ladder_level", "BelowLastYear", "BelowTarget", "Rule", "RuleSet", "RunBelow", "SharpDrop",
    "YTDFall", "contraction", "pmi_rules", "Signal",
    "enterprise_rules", "fred_ip_rules", "growth_yoy_rules", "growth_ytd_rules", "pmi_preset",
    "headline_yoy_rules", "headline_ytd_rules", "NoiseScaled", "Slump", "implied_rates", "noise_cap", "noise_z",
    "Event", "Plan", "reconcile",
]
