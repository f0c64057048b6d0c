"""The immutable result of an ARIO run: per-step series by industry, and their summaries.

Series (steps x industries, in the table's currency per step unless noted):

  production            realised production
  capacity              production capacity (after capital loss, capacity cuts, overproduction)
  demand                total demand addressed to the industry (orders + final + rebuilding)
  intermediate_demand   orders received from other industries
  final_demand          final demand addressed to the industry
  rebuild_demand        reconstruction demand addressed to the industry
  rebuild_production    production delivered to reconstruction
  fd_unmet              final demand for the industry's product not delivered (by supplier;
                        BoARIO's ``final_demand_undist``)
  fd_unmet_by_buyer     final demand not delivered, by (buyer region, product sector)
                        (BoARIO's ``final_demand_unmet``; absent when Y's buyer regions are unknown)
  inventories           finite input inventories held by the industry (sum over its inputs)
  value_added           production minus the orders the industry placed (BoARIO's definition)
  overproduction        overproduction factor alpha (1 = none)
  capital_lost          productive capital still destroyed (currency)

Steps after a crash (an inventory went negative, as BoARIO stops) hold NaN.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ...errors import Unavailable

SERIES = ("production", "capacity", "demand", "intermediate_demand", "final_demand", "rebuild_demand",
          "rebuild_production", "fd_unmet", "fd_unmet_by_buyer", "inventories", "value_added",
          "overproduction", "capital_lost")

#: relative gap to baseline total production under which the economy counts as recovered
RECOVERY_TOLERANCE = 1e-3


@dataclass(frozen=True, eq=False)
class ARIOResult:
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    steps: int
    x0: np.ndarray                       # baseline production per step
    series: dict[str, np.ndarray]        # name -> (steps, n)
    events: tuple[dict[str, Any], ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    crashed_at: int | None = None
    stocks: np.ndarray | None = None     # (steps, sectors, n) input inventories, when recorded
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for a in list(self.series.values()) + [self.x0] + ([self.stocks] if self.stocks is not None else []):
            a.flags.writeable = False

    # ---------------------------------------------------------------- access
    def __getattr__(self, name: str) -> np.ndarray:
        series = self.__dict__.get("series")
        if series is not None and name in series:
            return series[name]
        raise AttributeError(name)

    @property
    def n(self) -> int:
        return len(self.regions) * len(self.sectors)

    @property
    def labels(self) -> list[tuple[str, str]]:
        return [(r, s) for r in self.regions for s in self.sectors]

    @property
    def onset(self) -> int | None:
        """First step at which an event happens (None without events)."""
        occ = [int(e["occurrence"]) for e in self.events]
        return min(occ) if occ else None

    # ---------------------------------------------------------------- summaries
    @cached_property
    def output_loss(self) -> np.ndarray:
        """Production lost per industry over the run: sum over steps of (baseline - production)."""
        return np.nansum(self.x0[None, :] - self.series["production"], axis=0)

    @property
    def total_output_loss(self) -> float:
        """Production lost over the run, all industries (currency; negative = a net gain)."""
        return float(self.output_loss.sum())

    @property
    def relative_output_loss(self) -> float:
        """Total output loss as a share of baseline production over the same steps."""
        base = float(self.x0.sum()) * self._steps_done
        return float(self.total_output_loss / base) if base else float("nan")

    @cached_property
    def _steps_done(self) -> int:
        return self.steps if self.crashed_at is None else self.crashed_at

    @cached_property
    def _total_gap(self) -> np.ndarray:
        """(baseline - production) / baseline for total production, per step."""
        tot = self.series["production"].sum(axis=1)
        base = float(self.x0.sum())
        return (base - tot) / base if base else np.full(self.steps, np.nan)

    @property
    def peak_loss(self) -> float:
        """Largest relative shortfall of total production below baseline over the run."""
        g = self._total_gap[: self._steps_done]
        return float(max(np.nanmax(g), 0.0)) if g.size else 0.0

    @property
    def peak_step(self) -> int | None:
        g = self._total_gap[: self._steps_done]
        return int(np.nanargmax(g)) if g.size and np.nanmax(g) > 0 else None

    def recovery_time(self, tolerance: float = RECOVERY_TOLERANCE) -> int | Unavailable:
        """Steps from the first event until total production stays within ``tolerance`` (relative)
        of its baseline for the rest of the run."""
        onset = self.onset
        if onset is None:
            return Unavailable("no event in this run")
        if self.crashed_at is not None:
            return Unavailable(f"the economy crashed at step {self.crashed_at}")
        off = np.abs(self._total_gap) > tolerance
        off[:onset] = False
        if not off.any():
            return 0
        last = int(np.nonzero(off)[0][-1])
        if last >= self.steps - 1:
            return Unavailable(f"not recovered within {self.steps} steps (tolerance {tolerance:g})")
        return last + 1 - onset

    def region_output_loss(self) -> pd.Series:
        loss = self.output_loss.reshape(len(self.regions), len(self.sectors)).sum(axis=1)
        return pd.Series(loss, index=pd.Index(self.regions, name="region"), name="output_loss")

    def summary(self) -> dict[str, Any]:
        rec = self.recovery_time()
        fdu = self.series["fd_unmet"]
        worst = int(np.argmax(self.output_loss)) if self.n else None
        return {
            "steps": self.steps,
            "crashed_at": self.crashed_at,
            "total_output_loss": self.total_output_loss,
            "relative_output_loss": self.relative_output_loss,
            "peak_loss": self.peak_loss,
            "peak_step": self.peak_step,
            "recovery_time": rec if isinstance(rec, int) else None,
            "recovery_time_note": None if isinstance(rec, int) else rec.reason,
            "total_final_demand_unmet": float(np.nansum(fdu)),
            "most_hit_industry": None if worst is None else
            {"region": self.labels[worst][0], "sector": self.labels[worst][1],
             "output_loss": float(self.output_loss[worst])},
        }

    # ---------------------------------------------------------------- export
    def totals(self) -> pd.DataFrame:
        """Per-step totals over all industries of every series (overproduction: mean)."""
        out = {}
        for k, v in self.series.items():
            out[k] = np.nanmean(v, axis=1) if k == "overproduction" else v.sum(axis=1)
        return pd.DataFrame(out, index=pd.RangeIndex(self.steps, name="step"))

    def by_place(self, top: int = 8) -> dict[str, Any]:
        """What a result page draws without the full series (small enough to store with a job):
        ``industries``, each industry's output loss over the run and its largest shortfall below
        baseline (share); ``regions_over_time``, each region's production as a share of its baseline
        per step; ``top_industries_over_time``, the same for the ``top`` industries that lost most."""
        prod = self.series["production"]
        # column-wise, never a second steps x industries array (a long run of a large table is big)
        with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (after a crash): no shortfall
            low = np.nanmin(prod, axis=0) if len(prod) else self.x0
            shortfall = np.nan_to_num(np.where(self.x0 > 0, 1.0 - low / self.x0, 0.0), nan=0.0)
        k = len(self.sectors)
        regions: dict[str, list[float | None]] = {}
        for i, r in enumerate(self.regions):
            base = float(self.x0[i * k:(i + 1) * k].sum())
            tot = prod[:, i * k:(i + 1) * k].sum(axis=1)
            regions[r] = [None if not np.isfinite(v) else float(v) for v in (tot / base if base else tot * np.nan)]
        worst = [int(j) for j in np.argsort(-self.output_loss, kind="stable")[:top]
                 if self.output_loss[j] > 0 and self.x0[j] > 0]
        rel = {j: prod[:, j] / self.x0[j] for j in worst}
        return {
            "industries": [{"region": r, "sector": s, "output_loss": float(self.output_loss[j]),
                            "largest_shortfall": float(max(shortfall[j], 0.0))}
                           for j, (r, s) in enumerate(self.labels)],
            "regions_over_time": regions,
            "top_industries_over_time": {f"{self.labels[j][0]}/{self.labels[j][1]}":
                                         [None if not np.isfinite(v) else float(v) for v in rel[j]]
                                         for j in worst},
        }

    def to_frame(self, variable: str | None = None) -> pd.DataFrame:
        """Long frame (step, region, sector) x series; or, with ``variable``, steps x industries."""
        cols = pd.MultiIndex.from_tuples(self.labels, names=["region", "sector"])
        if variable is not None:
            if variable not in self.series:
                from ...errors import InputError

                raise InputError(f"unknown series {variable!r}; expected one of {', '.join(self.series)}")
            return pd.DataFrame(self.series[variable], index=pd.RangeIndex(self.steps, name="step"),
                                columns=cols)
        idx = pd.MultiIndex.from_product([range(self.steps), self.regions, self.sectors],
                                         names=["step", "region", "sector"])
        return pd.DataFrame({k: v.reshape(-1) for k, v in self.series.items()}, index=idx)

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        """Summary, events, parameters and per-step totals; ``full`` adds every series by industry."""
        out: dict[str, Any] = {
            "regions": list(self.regions), "sectors": list(self.sectors), "steps": self.steps,
            "summary": self.summary(), "events": list(self.events), "params": dict(self.params),
            "totals": {k: v.tolist() for k, v in self.totals().items()},
            "info": dict(self.info),
            **self.by_place(),
        }
        if full:
            out["baseline"] = self.x0.tolist()
            out["series"] = {k: v.tolist() for k, v in self.series.items()}
        return out


@dataclass(frozen=True, eq=False)
class ARIOSweepResult:
    """One row per scenario of a sweep: its summary and total production per step."""

    rows: tuple[dict[str, Any], ...]
    steps: int
    info: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Scenario x summary (without the per-step series)."""
        return pd.DataFrame([{k: v for k, v in r.items() if k != "total_production"} for r in self.rows])

    def total_production(self) -> pd.DataFrame:
        """Steps x scenarios: total production of the economy per step."""
        return pd.DataFrame({r["scenario"]: r["total_production"] for r in self.rows},
                            index=pd.RangeIndex(self.steps, name="step"))

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        rows = [dict(r) if full else {k: v for k, v in r.items() if k != "total_production"}
                for r in self.rows]
        return {"steps": self.steps, "scenarios": rows, "info": dict(self.info)}


def sweep_row(name: str, result: ARIOResult) -> dict[str, Any]:
    """The row of a sweep for one run (plain floats, so rows compare exactly across executors)."""
    s = result.summary()
    hit = s.pop("most_hit_industry") or {}
    row = {"scenario": name, **s,
           "most_hit_region": hit.get("region"), "most_hit_sector": hit.get("sector"),
           "most_hit_output_loss": hit.get("output_loss")}
    row["total_production"] = [float(v) for v in result.series["production"].sum(axis=1)]
    return row
