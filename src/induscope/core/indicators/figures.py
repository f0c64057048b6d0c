"""Immutable results of indicator computations: values with their basis, vintage and inputs.

``basis`` says how a figure was obtained, because NBS growth rates are comparable-sample rates that
cannot be derived from published levels; a derived and a published figure are kept side by side:

  derived_from_levels   ratio of levels at constant prices (or current prices for nominal indicators)
  derived_from_index    index (preceding period = 100) minus 100
  derived_from_rates    combination of growth rates with base-period level weights
  published             supplied directly by the producer (NBS: comparable-sample growth)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .periods import parse_period

BASES = ("derived_from_levels", "derived_from_index", "derived_from_rates", "published")


def _freeze(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class IndicatorSeries:
    """A computed indicator over periods.

    ``values`` maps period label -> value (NaN only where ``unavailable`` gives the reason).
    """

    name: str
    values: pd.Series
    unit: str = "percent"
    basis: str = "derived_from_levels"
    vintage: str | None = None
    inputs: tuple[str, ...] = ()
    unavailable: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, got {self.basis!r}")
        v = pd.Series(self.values, dtype=float).copy()
        v.index = v.index.astype(str)
        v = v.loc[sorted(v.index, key=parse_period)] if len(v) else v
        v.name = self.name
        object.__setattr__(self, "values", v)
        object.__setattr__(self, "unavailable", _freeze(self.unavailable))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def __getitem__(self, period: str) -> float:
        return float(self.values.loc[period])

    def get(self, period: str, default: float = np.nan) -> float:
        return float(self.values.get(period, default))

    @property
    def periods(self) -> list[str]:
        return list(self.values.index)

    def to_frame(self) -> pd.DataFrame:
        periods = sorted(set(self.values.index) | set(self.unavailable), key=parse_period)
        return pd.DataFrame({
            "period": periods,
            "indicator": self.name,
            "value": [float(self.values.get(p, np.nan)) for p in periods],
            "unit": self.unit,
            "basis": self.basis,
            "vintage": self.vintage,
            "unavailable": [self.unavailable.get(p) for p in periods],
        })

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "unit": self.unit, "basis": self.basis, "vintage": self.vintage,
            "inputs": list(self.inputs),
            "values": {p: (None if not np.isfinite(x) else float(x)) for p, x in self.values.items()},
            "unavailable": dict(self.unavailable),
            "meta": dict(self.meta),
        }


@dataclass(frozen=True, eq=False)
class IndicatorBundle:
    """Several indicator series answering one query (e.g. a growth rate derived from levels next to
    the published comparable-sample rate), with the query that produced them."""

    query: Mapping[str, Any]
    series: tuple[IndicatorSeries, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "query", MappingProxyType(dict(self.query)))
        object.__setattr__(self, "series", tuple(self.series))

    def get(self, basis: str) -> IndicatorSeries | None:
        for s in self.series:
            if s.basis == basis:
                return s
        return None

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per period and series."""
        frames = [s.to_frame() for s in self.series]
        if not frames:
            return pd.DataFrame(columns=["period", "indicator", "value", "unit", "basis", "vintage", "unavailable"])
        return pd.concat(frames, ignore_index=True)

    def wide(self) -> pd.DataFrame:
        """Wide form: one row per period, one column per basis."""
        cols = {s.basis: s.values for s in self.series}
        frame = pd.DataFrame(cols)
        frame = frame.loc[sorted(frame.index, key=parse_period)] if len(frame) else frame
        return frame.rename_axis("period").reset_index()

    def to_dict(self) -> dict[str, Any]:
        return {"query": dict(self.query), "series": [s.to_dict() for s in self.series]}
