"""Rule presets: which rules watch which kind of series (the defaults of ``induscope monitor scan``).

Thresholds are stated here once, so the alert counts in docs/monitoring.md can be traced to them.
"""
from __future__ import annotations

from .anomaly import RobustAnomaly
from .calibration import NoiseScaled, Slump
from .levels import Level
from .rules import BelowTarget, Rule, SharpDrop, YTDFall, contraction, pmi_rules


def growth_yoy_rules() -> tuple[Rule, ...]:
    """YoY growth (%): contraction (headline ladder orange < 0, red <= -5, capped by the series' own
    noise), a robust z-score against the trailing 36 periods (scale floor 1 point), and a material
    slump below the series' own normal (orange / red only). See ``calibration``."""
    return (NoiseScaled(inner=contraction(), kind="yoy"),
            RobustAnomaly(kind="value", window=36, min_periods=12, min_scale=1.0, rule_id="robust_z_yoy"),
            Slump())


def growth_ytd_rules(target: float | None = None) -> tuple[Rule, ...]:
    """Year-to-date growth (%): contraction and a fall since last month, both capped by the noise of
    the series' implied monthly rates, and a target if one is set (a policy commitment: not scaled)."""
    rules: list[Rule] = [NoiseScaled(inner=contraction(), kind="ytd"), NoiseScaled(inner=YTDFall(), kind="ytd_step")]
    if target is not None:
        rules.append(BelowTarget(float(target), rule_id="below_target", what="year-to-date growth"))
    return tuple(rules)


def headline_yoy_rules() -> tuple[Rule, ...]:
    """The uncalibrated rules of the first round (contraction orange at once below 0): kept for
    comparison in bench/bench_alerts.py."""
    return (contraction(),
            RobustAnomaly(kind="value", window=36, min_periods=12, min_scale=1.0, rule_id="robust_z_yoy"))


def headline_ytd_rules(target: float | None = None) -> tuple[Rule, ...]:
    rules: list[Rule] = [contraction(), YTDFall()]
    if target is not None:
        rules.append(BelowTarget(float(target), rule_id="below_target", what="year-to-date growth"))
    return tuple(rules)


def pmi_preset() -> tuple[Rule, ...]:
    """PMI: under 50 for 3/6/12 months (blue/yellow/orange); under 45 orange, under 40 red."""
    return tuple(pmi_rules())


def enterprise_rules(metric: str) -> tuple[Rule, ...]:
    """Enterprise output, orders or power use (levels): sharp drop against the same month last year
    (or the last three months) and a robust score of the seasonal (YoY) log change."""
    return (SharpDrop(what=metric),
            RobustAnomaly(kind="yoy", window=24, min_periods=6, min_scale=5.0, rule_id="robust_z_yoy"))


def fred_ip_rules() -> dict[str, tuple[Rule, ...]]:
    """FRED-MD industrial production: the tcode-transformed series (monthly log growth x 100) gets a
    robust score over 60 months (floor 0.5); the 12-month log change a contraction ladder."""
    return {
        "tcode": (RobustAnomaly(kind="value", window=60, min_periods=24, min_scale=0.5, rule_id="robust_z"),),
        "change_12m": (BelowTarget(0.0, ((1.0, Level.BLUE), (3.0, Level.YELLOW), (6.0, Level.ORANGE),
                                         (10.0, Level.RED)), rule_id="contraction_12m", what="12-month change"),),
    }
