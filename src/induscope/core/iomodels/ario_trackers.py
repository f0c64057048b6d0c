"""What each event does while the simulation runs (BoARIO 0.7.2's EventTracker, one class per type).

Status: pending -> happening (at ``occurrence``) -> recovering / rebuilding (at occurrence +
duration) -> finished. All arrays are host numpy over the n industries (region-major).
"""
from __future__ import annotations

import numpy as np

from .ario_events import ARIOEvent, CapacityCut, CapitalRebuild, CapitalRecover, FinalDemandShock
from .ario_recovery import recovery_function

#: decimals kept by BoARIO for capacity-cut shares after each recovery step
ARBITRARY_PRECISION = 6


class Tracker:
    def __init__(self, event: ARIOEvent):
        self.event = event
        self.status = "pending"
        self.occ = int(event.occurrence)
        self.end = int(event.occurrence) + int(event.duration)

    @property
    def active(self) -> bool:
        return self.status in ("happening", "recovering", "rebuilding")


class CapitalRecoverTracker(Tracker):
    def __init__(self, event: CapitalRecover, impact: np.ndarray, precision: int):
        super().__init__(event)
        self.dmg0 = impact
        self.dmg: np.ndarray | None = impact.copy()
        self.fun = recovery_function(event.recovery_function)
        self.tau = int(event.recovery_tau)
        self.precision = precision

    def after_duration(self) -> None:
        self.status = "recovering"

    def recover(self, t: int) -> None:
        if self.dmg is not None:
            self.dmg = np.round(self.fun(t - self.end, self.dmg0, self.tau), self.precision)
            if not self.dmg.any():
                self.dmg = None
        if self.dmg is None:
            self.status = "finished"


class CapitalRebuildTracker(Tracker):
    """Reconstruction demand stock: rows = rebuilding industries (all regions x rebuilding sectors),
    columns = hit industries; BoARIO's ``_distributed_reb_dem_indus`` without its zero rows/columns."""

    def __init__(self, event: CapitalRebuild, impact: np.ndarray, Z_rows: np.ndarray,
                 rows: np.ndarray, shares: np.ndarray, R: int, tau: int, precision: int):
        super().__init__(event)
        self.dmg0 = impact
        self.dmg: np.ndarray | None = impact.copy()
        self.cols = np.nonzero(impact > 0)[0]
        self.rows = rows
        self.R = R
        self.factor = float(event.rebuilding_factor)
        self.tau = tau
        self.precision = precision
        # split across regions like the hit industries buy from each rebuilding sector:
        # Z[(r, rs), a] / sum_r' Z[(r', rs), a] (0 where the sector sells nothing to a)
        Zb = Z_rows[:, self.cols]                              # (R * nrs, ncols), rows region-major
        nrs = len(shares)
        Zb3 = Zb.reshape(R, nrs, len(self.cols))
        tot = Zb3.sum(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            dist = np.nan_to_num(Zb3 / tot, nan=0.0, posinf=0.0, neginf=0.0)
        demand = (shares[:, None] * impact[self.cols][None, :]) * self.factor   # (nrs, ncols)
        self.stock: np.ndarray | None = (demand[None, :, :] * dist).reshape(R * nrs, len(self.cols))
        self.rebuild_id: int | None = None

    def after_duration(self) -> None:
        self.status = "rebuilding"

    def demand(self) -> np.ndarray:
        """This step's reconstruction demand: the remaining stock / tau."""
        assert self.stock is not None
        return self.stock * (1 / self.tau)

    def receive(self, delivered: np.ndarray) -> None:
        assert self.stock is not None
        stock = np.round(self.stock - delivered, self.precision)
        stock[stock < 0] = 0.0
        if not stock.any():
            self.stock = None
            self.dmg = None
            self.status = "finished"
            return
        self.stock = stock
        dmg = np.zeros_like(self.dmg0)
        by_region = stock.reshape(self.R, -1, stock.shape[1]).sum(axis=1)
        dmg[self.cols] = by_region.sum(axis=0) / self.factor
        self.dmg = dmg


class CapacityCutTracker(Tracker):
    def __init__(self, event: CapacityCut, impact: np.ndarray):
        super().__init__(event)
        self.delta0 = impact
        self.delta: np.ndarray | None = impact.copy()
        self.fun = recovery_function(event.recovery_function)
        self.tau = int(event.recovery_tau)

    def after_duration(self) -> None:
        self.status = "recovering"

    def recover(self, t: int) -> None:
        if self.delta is not None:
            self.delta = np.round(self.fun(t - self.end, self.delta0, self.tau), ARBITRARY_PRECISION)
            if not self.delta.any():
                self.delta = None
        if self.delta is None:
            self.status = "finished"


class FinalDemandTracker(Tracker):
    def __init__(self, event: FinalDemandShock, impact: np.ndarray, buyer_mask: np.ndarray):
        super().__init__(event)
        self.share0 = impact
        self.share: np.ndarray | None = impact.copy()
        self.buyer_mask = buyer_mask                      # which final demand columns are hit
        self.fun = recovery_function(event.recovery_function)
        self.tau = int(event.recovery_tau)

    def after_duration(self) -> None:
        self.status = "recovering"

    def recover(self, t: int) -> None:
        if self.share is not None:
            self.share = np.round(self.fun(t - self.end, self.share0, self.tau), ARBITRARY_PRECISION)
            if not self.share.any():
                self.share = None
        if self.share is None:
            self.status = "finished"
