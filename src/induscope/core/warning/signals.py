"""A signal: one rule firing for one subject, indicator and period, with the numbers that fired it."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Mapping

from .levels import Level

FAMILIES = ("rule", "statistical")


@dataclass(frozen=True)
class Signal:
    subject: str          # 'region:320000', 'industry:C', 'enterprise:F00012', 'series:CN.IVA'
    indicator: str        # 'value_added.growth_yoy', 'pmi_manufacturing', 'orders', ...
    rule_id: str          # 'contraction', 'pmi_below_50_run', 'robust_z_yoy', ...
    family: str           # 'rule' or 'statistical'
    period: str
    level: Level
    reason: str
    numbers: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {FAMILIES}")
        object.__setattr__(self, "numbers", MappingProxyType(dict(self.numbers)))

    @property
    def cause(self) -> tuple[str, str, str]:
        """What makes two firings 'the same cause': subject, indicator and rule."""
        return (self.subject, self.indicator, self.rule_id)

    def with_level(self, level: Level, **numbers: Any) -> "Signal":
        return replace(self, level=level, numbers={**self.numbers, **numbers})

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "indicator": self.indicator, "rule_id": self.rule_id,
                "family": self.family, "period": self.period, "level": self.level.label,
                "reason": self.reason, "numbers": dict(self.numbers)}
