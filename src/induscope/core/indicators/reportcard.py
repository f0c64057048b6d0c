"""The report card: contribution and pull of industry (and manufacturing) to GDP growth, with every
input listed with its source and vintage, so a reader can see exactly what was used.

  pull_i (points)        = s_{i,t-1} (% of GDP, base period) * g_i (%) / 100
  contribution_i (%)     = pull_i / g_GDP * 100
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ...errors import ModelError
from .contribution import ContributionModel


@dataclass(frozen=True)
class ReportInput:
    """One input number and where it came from."""

    name: str
    value: float
    unit: str
    source: str
    vintage: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "unit": self.unit, "source": self.source,
                "vintage": self.vintage, "note": self.note}


@dataclass(frozen=True)
class PartSpec:
    """A part of the whole: its growth, and its base-period share (%) or base-period level."""

    growth: ReportInput
    base_share: ReportInput | None = None
    base_level: ReportInput | None = None

    def __post_init__(self) -> None:
        if (self.base_share is None) == (self.base_level is None):
            raise ModelError("give a part either a base-period share or a base-period level")


@dataclass(frozen=True, eq=False)
class ReportCardResult:
    period: str
    vintage: str
    figures: Mapping[str, float]
    inputs: tuple[ReportInput, ...]
    method: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "figures", MappingProxyType(dict(self.figures)))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def __getitem__(self, name: str) -> float:
        return self.figures[name]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"period": self.period, "vintage": self.vintage, "figure": list(self.figures),
                             "value": list(self.figures.values())})

    def inputs_frame(self) -> pd.DataFrame:
        return pd.DataFrame([i.to_dict() for i in self.inputs])

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "vintage": self.vintage, "method": self.method,
                "figures": {k: (float(v) if np.isfinite(v) else None) for k, v in self.figures.items()},
                "inputs": [i.to_dict() for i in self.inputs], "meta": dict(self.meta)}


METHOD = ("pull_i = base-period share of part i in the whole x growth of part i (constant prices); "
          "contribution_i = pull_i / growth of the whole; parts are measured against the whole one by one "
          "(manufacturing is inside industry: their pulls are not added)")


def report_card(period: str, vintage: str, whole_growth: ReportInput, parts: Mapping[str, PartSpec],
                whole_base_level: ReportInput | None = None, meta: Mapping[str, Any] | None = None
                ) -> ReportCardResult:
    """Contribution (%) and pull (points) of each part to the growth of the whole.

    Figures are named ``<part>_growth_pct``, ``<part>_base_share_pct``, ``<part>_pull_pp``,
    ``<part>_contribution_pct``, plus ``whole_growth_pct``.
    """
    figures: dict[str, float] = {"whole_growth_pct": float(whole_growth.value)}
    used: list[ReportInput] = [whole_growth]
    if whole_base_level is not None:
        used.append(whole_base_level)
    for name, spec in parts.items():
        if spec.base_share is not None:
            s0 = float(spec.base_share.value)
            used.append(spec.base_share)
        else:
            if whole_base_level is None:
                raise ModelError(f"part {name!r} has a base-period level: give the whole's base level too")
            s0 = float(spec.base_level.value) / float(whole_base_level.value) * 100.0
            used.append(spec.base_level)
        used.append(spec.growth)
        res = ContributionModel.from_rates({name: s0}, {name: float(spec.growth.value)},
                                           g_whole=float(whole_growth.value)).run()
        figures[f"{name}_growth_pct"] = float(spec.growth.value)
        figures[f"{name}_base_share_pct"] = s0
        figures[f"{name}_pull_pp"] = float(res.pull[name])
        figures[f"{name}_contribution_pct"] = float(res.contribution[name])
    seen: dict[tuple[str, str], ReportInput] = {}
    for i in used:
        seen.setdefault((i.name, i.source), i)
    return ReportCardResult(period, vintage, figures, tuple(seen.values()), METHOD, meta or {})


def compare_vintages(a: ReportCardResult, b: ReportCardResult) -> pd.DataFrame:
    """Figures of two report cards for the same period side by side, with b - a."""
    names = [k for k in a.figures if k in b.figures]
    return pd.DataFrame({
        "figure": names,
        "vintage_a": a.vintage, "value_a": [a.figures[k] for k in names],
        "vintage_b": b.vintage, "value_b": [b.figures[k] for k in names],
        "difference": [b.figures[k] - a.figures[k] for k in names],
    })
