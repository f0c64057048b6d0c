"""Dynamic ARIO (Adaptive Regional Input-Output) model, as BoARIO 0.7.2 implements it (ARIOPsiModel).

Hallegatte (2008, 2014); Guan et al. (2020) for the orders; BoARIO's documentation for the rest.
One step (a day with the default ``steps_per_year=365``), in BoARIO's order:

 1. events: new ones start, ended ones start recovering / rebuilding; capital lost and capacity cuts
    give the capacity loss delta; reconstruction demand = remaining stock / rebuild tau
 2. overproduction alpha moves towards alpha_max where demand exceeds production (from step 2 on)
 3. production = min(total demand, capacity = x0 (1 - delta) alpha), cut further where an input
    inventory is below psi x its target (inventory duration x use)
 4. production is shared among orders, final demand and reconstruction in proportion to demand;
    inventories: minus inputs used, plus deliveries; unmet final demand is recorded
 5. orders for the next step: inputs used plus the inventory gap closed at rate 1/restoration tau,
    split among supplier regions in proportion to Z0 (x capacity ratio for the "alt" order type)

Agreement with BoARIO: the same parameters, formulas, rounding and timings, including its quirks
(kept on purpose, documented where they bite): a capacity cut acts one step after the event starts;
the reconstruction stock and recovered damages are rounded to log10(monetary_factor) + 1 decimals;
"value added" is production minus the orders placed; after a crash (an inventory goes negative) the
run stops. Differences: capital damages are in the table's unit (BoARIO with event_monetary_factor =
monetary_factor); several rebuild events or a mix of capital and capacity events at once work here
(BoARIO fails on them); household damages are not modelled; a final-demand shock is added.

Speed: see ``ario_device`` — the n x n orders and inventory-share matrices of BoARIO are never built.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from ...errors import InduscopeWarning, InputError, ModelError
from .ario_device import RATION_NOISE, make_kernels
from .ario_events import ARIOEvent, CapacityCut, CapitalRebuild, CapitalRecover, FinalDemandShock, impact_vector
from .ario_results import SERIES, ARIOResult
from .ario_trackers import (CapacityCutTracker, CapitalRebuildTracker, CapitalRecoverTracker,
                            FinalDemandTracker, Tracker)
from .table import IOTable

#: BoARIO: an input worth less than this share of the buyer's daily output never constrains it
TECHNOLOGY_THRESHOLD = 0.00001


@dataclass(frozen=True, eq=False)
class ARIOParams:
    """Model parameters; defaults are BoARIO 0.7.2's (ARIOPsiModel)."""

    order_type: str = "alt"                 # "alt" (suppliers weighted by capacity) or "noalt"
    alpha_base: float = 1.0                 # overproduction factor at rest
    alpha_max: float = 1.25                 # maximum overproduction factor
    alpha_tau: int = 365                    # characteristic time of overproduction (steps)
    rebuild_tau: int = 60                   # default reconstruction time of rebuild events (steps)
    main_inv_dur: float = 90                # inventory target of every input (steps of use)
    inventory_duration: Mapping[str, Any] | None = None   # per input sector ("inf" = never binding)
    infinite_inventories_sectors: tuple[str, ...] = ()    # inputs that never constrain production
    inventory_restoration_tau: int | Mapping[str, int] = 60   # time to close an inventory gap
    psi: float = 0.80                       # inventories constrain below psi x target
    monetary_factor: float = 10 ** 6        # currency units per table unit (rounding of damages)
    steps_per_year: int = 365               # the table is per year; a step is 1/steps_per_year
    capital_to_value_added: float | Mapping[str, float] = 4.0  # capital stock = ratio x value added
    productive_capital: Any = None          # per industry (overrides capital_to_value_added)

    def __post_init__(self) -> None:
        if self.order_type not in ("alt", "noalt"):
            raise InputError(f"order_type must be 'alt' or 'noalt', got {self.order_type!r}")
        if not (self.psi <= 1.0):
            raise InputError(f"psi must be <= 1, got {self.psi}")
        for k in ("alpha_tau", "rebuild_tau", "steps_per_year"):
            v = getattr(self, k)
            if not isinstance(v, (int, np.integer)) or v < 1:
                raise InputError(f"{k} must be a positive integer, got {v!r}")
        if not (self.alpha_max >= self.alpha_base > 0):
            raise InputError(f"need alpha_max >= alpha_base > 0, got {self.alpha_max}, {self.alpha_base}")
        if not (self.monetary_factor > 0):
            raise InputError(f"monetary_factor must be > 0, got {self.monetary_factor}")
        if isinstance(self.infinite_inventories_sectors, str):
            object.__setattr__(self, "infinite_inventories_sectors", (self.infinite_inventories_sectors,))
        else:
            object.__setattr__(self, "infinite_inventories_sectors", tuple(self.infinite_inventories_sectors))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["productive_capital"] is not None:
            d["productive_capital"] = "given"
        for k in ("inventory_duration", "inventory_restoration_tau", "capital_to_value_added"):
            if isinstance(d[k], Mapping):
                d[k] = dict(d[k])
        d["infinite_inventories_sectors"] = list(d["infinite_inventories_sectors"])
        return d


class ARIOModel:
    """An ARIO economy built from an IOTable; ``run(events, steps)`` returns an ``ARIOResult``.

    ``backend``: "cpu", "gpu" (CuPy, else PyTorch) or "auto" (the GPU when one is usable).
    ``storage``: "dense", "sparse" (CSR, CPU only) or "auto" (sparse below 25 % non-zeros).
    ``fd_regions``: the buyer region (index) of each column of Y; by default read from
    ``table.metadata['final_demand_columns']`` or 'region/category' final demand labels, else all
    one region for a one-region table (otherwise unknown: no unmet demand by buyer region).
    Runs on one model are sequential (the model holds the inventory state of the run in progress).
    """

    def __init__(self, table: IOTable, params: ARIOParams | None = None, *, backend: str = "auto",
                 storage: str = "auto", fd_regions: Sequence[int] | None = None, **overrides: Any):

        self.params = p = replace(params or ARIOParams(), **overrides) if overrides else (params or ARIOParams())
        self.regions, self.sectors = tuple(map(str, table.regions)), tuple(map(str, table.sectors))
        R, S = len(self.regions), len(self.sectors)
        self.R, self.S, self.n = R, S, R * S
        n = self.n
        Z, Y, x = _domestic_flows(table)
        self.info: dict[str, Any] = {"imports": "domestic share" if table.m is not None and np.any(table.m)
                                     else "none"}
        _check_inputs(Z, Y, x, self.labels)
        self._lib = _resolve_backend(backend)
        factor = 1 / p.steps_per_year
        self.X0 = x * factor
        self.Y0 = Y * factor
        self.fd_tot0 = self.Y0.sum(axis=1)
        with np.errstate(divide="ignore"):
            recix = 1 / x
        recix[recix == np.inf] = 0
        Zc_year = Z.reshape(R, S, n).sum(axis=0)
        tech = Zc_year * recix[None, :]          # BoARIO: I_sum @ A, A = Z * (1 / x)
        threshold = Zc_year > self.X0[None, :] * TECHNOLOGY_THRESHOLD
        va = x - Z.sum(axis=0)
        if (va < 0).any():
            bad = [self.labels[i] for i in np.nonzero(va < 0)[0][:10]]
            warnings.warn(f"negative value added (x - column sums of Z) set to 0 for {bad}: those "
                          "industries get no productive capital from value added", InduscopeWarning, stacklevel=2)
        self.VA0 = np.where(va < 0, 0.0, va)
        self.K = self._capital()
        self.inv_duration = self._inventories()
        self.restoration = self._restoration()
        with np.errstate(invalid="ignore"):
            stock0 = (self.X0[None, :] * tech) * self.inv_duration[:, None]
        self.stock0 = np.nan_to_num(stock0, nan=np.inf, posinf=np.inf)
        self.decimals = int(math.log10(p.monetary_factor)) + 1
        self.fd_regions = self._fd_regions(table, fd_regions, Y.shape[1])
        self.kernels = make_kernels(Z, factor, R, S, tech, threshold, self.stock0, self.inv_duration,
                                   self.restoration, p.psi, p.order_type, lib=self._lib, storage=storage)
        self.backend = self._lib
        self.storage = self.kernels.storage

    # ------------------------------------------------------------------ set-up helpers
    @property
    def labels(self) -> list[tuple[str, str]]:
        return [(r, s) for r in self.regions for s in self.sectors]

    def _per_sector(self, mapping: Mapping[str, Any], what: str) -> dict[str, Any]:
        unknown = [k for k in mapping if k not in self.sectors]
        if unknown:
            raise InputError(f"{what}: unknown sectors {unknown} (sectors: {', '.join(self.sectors[:20])})")
        return dict(mapping)

    def _capital(self) -> np.ndarray:
        return _capital_stock(self.VA0, self.params, self.sectors, self.R)

    def _inventories(self) -> np.ndarray:
        p = self.params
        d = self._per_sector(p.inventory_duration or {}, "inventory_duration")
        self._per_sector({s: 0 for s in p.infinite_inventories_sectors}, "infinite_inventories_sectors")
        inv = []
        for s in self.sectors:
            v = d.get(s, p.main_inv_dur)
            if s in p.infinite_inventories_sectors or str(v).lower() in ("inf", "infinity"):
                inv.append(np.inf)
            else:
                inv.append(float(v))
        inv = np.array(inv, dtype=float)
        if (inv <= 1).any():
            warnings.warn("an inventory duration of 1 step or less is set to 2 (as BoARIO does)",
                          InduscopeWarning, stacklevel=3)
            inv[inv <= 1] = 2
        return inv

    def _restoration(self) -> np.ndarray:
        tau = self.params.inventory_restoration_tau
        if isinstance(tau, Mapping):
            d = self._per_sector(tau, "inventory_restoration_tau")
            missing = [s for s in self.sectors if s not in d]
            if missing:
                raise InputError(f"inventory_restoration_tau: no value for sectors {missing}")
            vals = [d[s] for s in self.sectors]
        else:
            vals = [tau] * self.S
        for v in vals:
            if not float(v).is_integer() or v < 1:
                raise InputError(f"inventory_restoration_tau values must be positive integers, got {v!r}")
        return np.array([1 / int(v) for v in vals], dtype=float)

    def _fd_regions(self, table: IOTable, given: Sequence[int] | None, k: int) -> np.ndarray | None:
        if given is not None:
            fr = np.asarray(given, dtype=int)
            if fr.shape != (k,) or (fr < 0).any() or (fr >= self.R).any():
                raise InputError(f"fd_regions must give a region index (0..{self.R - 1}) for each of the {k} "
                                 "final demand columns")
            return fr
        cols = table.metadata.get("final_demand_columns") if table.metadata else None
        if cols and len(cols) == k and all(len(c) == 2 for c in cols):
            idx = {r: i for i, r in enumerate(self.regions)}
            if all(str(c[0]) in idx for c in cols):
                return np.array([idx[str(c[0])] for c in cols], dtype=int)
        labels = list(table.final_demand_labels or ())
        idx = {r: i for i, r in enumerate(self.regions)}
        if len(labels) == k and all("/" in lab and lab.split("/", 1)[0] in idx for lab in labels):
            return np.array([idx[lab.split("/", 1)[0]] for lab in labels], dtype=int)   # 'region/category'
        if self.R == 1:
            return np.zeros(k, dtype=int)
        return None

    # ------------------------------------------------------------------ pickling (sweeps)
    def __getstate__(self) -> dict[str, Any]:
        if self._lib != "cpu":
            raise ModelError("a GPU model cannot be sent to other processes; build it with backend='cpu'")
        return dict(self.__dict__)

    # ------------------------------------------------------------------ events
    def _tracker(self, ev: ARIOEvent, steps: int) -> Tracker:
        if not 0 < ev.occurrence <= steps:
            raise InputError(f"event {ev.name or ev.kind}: occurrence {ev.occurrence} is not in 1..{steps}")
        if not ev.occurrence + ev.duration <= steps:
            raise InputError(f"event {ev.name or ev.kind}: occurrence + duration "
                             f"({ev.occurrence + ev.duration}) is beyond the {steps} steps simulated")
        imp = impact_vector(ev, self.regions, self.sectors)
        if isinstance(ev, CapitalRecover):
            return CapitalRecoverTracker(ev, imp, self.decimals)
        if isinstance(ev, CapitalRebuild):
            shares = self._per_sector(ev.rebuilding_sectors, "rebuilding_sectors")
            secs = list(shares)
            s_idx = np.array([self.sectors.index(s) for s in secs])
            rows = (np.arange(self.R)[:, None] * self.S + s_idx[None, :]).reshape(-1)
            tau = int(ev.rebuild_tau) if ev.rebuild_tau is not None else int(self.params.rebuild_tau)
            return CapitalRebuildTracker(ev, imp, self.kernels.z_rows(rows), rows,
                                         np.array([shares[s] for s in secs], dtype=float), self.R, tau,
                                         self.decimals)
        if isinstance(ev, CapacityCut):
            return CapacityCutTracker(ev, imp)
        if isinstance(ev, FinalDemandShock):
            k = self.Y0.shape[1]
            if ev.buyer_regions is None:
                mask = np.ones(k, dtype=bool)
            else:
                unknown = [r for r in ev.buyer_regions if r not in self.regions]
                if unknown:
                    raise InputError(f"final demand shock: unknown buyer regions {unknown}")
                if self.fd_regions is None:
                    raise InputError("final demand shock by buyer region: the buyer region of each final "
                                     "demand column is unknown for this table")
                want = {self.regions.index(r) for r in ev.buyer_regions}
                mask = np.array([int(r) in want for r in self.fd_regions], dtype=bool)
            return FinalDemandTracker(ev, imp, mask)
        raise InputError(f"unsupported event type {type(ev).__name__}")

    # ------------------------------------------------------------------ the simulation
    def run(self, events: Sequence[ARIOEvent] | ARIOEvent = (), steps: int = 365, *,
            record_stocks: bool = False, series: Sequence[str] | None = None,
            on_step: Callable[[int], None] | None = None) -> ARIOResult:
        """Simulate ``steps`` steps with ``events``; ``series`` limits what is recorded."""
        if isinstance(events, ARIOEvent):
            events = [events]
        events = list(events)
        if not isinstance(steps, (int, np.integer)) or steps < 1:
            raise InputError(f"steps must be a positive integer, got {steps!r}")
        wanted = set(SERIES if series is None else series)
        unknown = wanted - set(SERIES)
        if unknown:
            raise InputError(f"unknown series {sorted(unknown)}; expected some of {', '.join(SERIES)}")
        if self.fd_regions is None:
            wanted.discard("fd_unmet_by_buyer")
        trackers = [self._tracker(ev, steps) for ev in events]
        kapital = [t for t in trackers if isinstance(t, (CapitalRecoverTracker, CapitalRebuildTracker))]
        cuts = [t for t in trackers if isinstance(t, CapacityCutTracker)]
        fdshocks = [t for t in trackers if isinstance(t, FinalDemandTracker)]
        rebuilds = [t for t in trackers if isinstance(t, CapitalRebuildTracker)]
        recovering = [t for t in trackers if not isinstance(t, CapitalRebuildTracker)]

        p, k, n, R, S = self.params, self.kernels, self.n, self.R, self.S
        X0, K = self.X0, self.K
        tau_alpha = 1 / p.alpha_tau
        k.reset(self.stock0)
        rec = {name: np.full((steps, n), np.nan) for name in SERIES if name in wanted}
        stocks = np.full((steps, S, n), np.nan) if record_stocks else None
        onehot = None
        if self.fd_regions is not None:
            onehot = np.zeros((self.Y0.shape[1], R))
            onehot[np.arange(self.Y0.shape[1]), self.fd_regions] = 1.0
        fd_by_region = None if onehot is None else self.Y0 @ onehot     # final demand by buyer region

        overprod = np.full(n, float(p.alpha_base))
        arb_model: np.ndarray | None = None       # BoARIO's lagged arbitrary capacity loss
        production = X0.copy()
        orders_tot, placed = k.orders_tot0.copy(), k.placed0.copy()
        fd, fd_tot = self.Y0, self.fd_tot0
        fd_share = None
        blocks: dict[CapitalRebuildTracker, np.ndarray] = {}   # the model's reconstruction demand
        reb_tot = np.zeros(n)
        crashed_at: int | None = None
        zeros = np.zeros(n)

        for t in range(steps):
            # 1. events ------------------------------------------------------------------
            for tr in trackers:
                if tr.status == "pending" and t - 1 <= tr.occ <= t:
                    tr.status = "happening"
            for tr in trackers:
                if tr.status == "happening" and t >= tr.end:
                    tr.after_duration()
            lost = [tr.dmg for tr in kapital if tr.active and tr.dmg is not None]
            K_lost = np.add.reduce(np.array(lost)) if lost else zeros
            if lost and (K_lost > K).any():
                bad = [self.labels[i] for i in np.nonzero(K_lost > K)[0][:10]]
                raise ModelError(f"step {t}: capital destroyed exceeds the productive capital of {bad}")
            delta = np.zeros(n)
            np.divide(K_lost, K, where=K != 0, out=delta)
            if arb_model is not None:
                delta = np.maximum(delta, arb_model)
            cut = [tr.delta for tr in cuts if tr.status in ("happening", "recovering") and tr.delta is not None]
            arb_model = np.maximum.reduce(np.array(cut)) if cut else zeros
            if fdshocks:
                sh = [(tr.share, tr.buyer_mask) for tr in fdshocks
                      if tr.status in ("happening", "recovering") and tr.share is not None]
                new_share = None
                if sh:
                    new_share = np.zeros_like(self.Y0)
                    for s_i, mask in sh:
                        np.maximum(new_share, s_i[:, None] * mask[None, :], out=new_share)
                if not _same(new_share, fd_share):
                    fd_share = new_share
                    fd = self.Y0 if fd_share is None else self.Y0 * (1 - fd_share)
                    fd_tot = fd.sum(axis=1)
                    if onehot is not None:
                        fd_by_region = fd @ onehot
            if any(tr.status == "rebuilding" for tr in rebuilds):
                for tr in rebuilds:
                    if tr.rebuild_id is None and tr.status == "rebuilding":
                        tr.rebuild_id = len(blocks)
                    if tr.rebuild_id is not None:
                        blocks[tr] = tr.demand() if tr.status == "rebuilding" else np.zeros((len(tr.rows), len(tr.cols)))
                reb_tot = _row_totals(blocks, n)
            tot = orders_tot + fd_tot + reb_tot

            if "inventories" in rec:
                rec["inventories"][t] = k.finite_inventory()
            if stocks is not None:
                stocks[t] = k.stocks()
            # 2. overproduction -------------------------------------------------------------
            if t > 1:
                scarcity = np.zeros(n)
                nz = tot != 0
                scarcity[nz] = (tot[nz] - production[nz]) / tot[nz]
                scarcity[np.isnan(scarcity)] = 0
                overprod = overprod + (((p.alpha_max - overprod) * scarcity * tau_alpha)
                                       + ((p.alpha_base - overprod) * (scarcity == 0) * tau_alpha))
                overprod[overprod < 1.0] = 1.0
            _put(rec, "rebuild_demand", t, reb_tot)
            _put(rec, "final_demand", t, fd_tot)
            _put(rec, "intermediate_demand", t, orders_tot)
            _put(rec, "value_added", t, production - placed)
            _put(rec, "overproduction", t, overprod)
            _put(rec, "demand", t, tot)
            _put(rec, "capital_lost", t, K_lost)
            # 3. production -----------------------------------------------------------------
            cap = X0 * (1 - delta) * overprod
            if (cap < 0).any():
                bad = [self.labels[i] for i in np.nonzero(cap < 0)[0][:10]]
                raise ModelError(f"step {t}: negative production capacity for {bad} (impact too large?)")
            production = k.production(np.fmin(tot, cap))
            _put(rec, "production", t, production)
            _put(rec, "capacity", t, cap)
            # 4. distribution ---------------------------------------------------------------
            f = np.zeros(n)
            np.divide(production, tot, where=tot != 0, out=f)
            rationed = f != 1
            if k.distribute(production, f if rationed.any() else None):
                crashed_at = t
                break
            if "fd_unmet" in rec or "fd_unmet_by_buyer" in rec:
                # BoARIO: Y - (Y / demand) production = Y (1 - f), row by row; only rationed rows
                # are non-zero (elsewhere BoARIO's value is rounding noise, ~1e-16 of Y)
                short = np.zeros(n)
                rows = np.nonzero(np.abs(f - 1) > RATION_NOISE)[0]
                short[rows] = 1 - f[rows]
                _put(rec, "fd_unmet", t, fd_tot * short)
                if "fd_unmet_by_buyer" in rec:
                    if 4 * rows.size > n:      # many rows: one dense pass over (n x regions)
                        by_buyer = (fd_by_region * short[:, None]).reshape(R, S, R).sum(axis=0)
                    else:
                        by_buyer = np.zeros((S, R))
                        np.add.at(by_buyer, rows % S, fd_by_region[rows] * short[rows, None])
                    rec["fd_unmet_by_buyer"][t] = by_buyer.T.reshape(n)
            reb_prod = np.zeros(n)
            if blocks:
                for tr, B in blocks.items():
                    Tr = tot[tr.rows, None]
                    sh = np.zeros_like(B)
                    np.divide(B, Tr, where=Tr != 0, out=sh)
                    delivered = sh * production[tr.rows, None]
                    blocks[tr] = B - delivered
                    reb_prod[tr.rows] += delivered.sum(axis=1)
                    if tr.status == "rebuilding":
                        tr.receive(delivered)
                reb_tot = _row_totals(blocks, n)
            _put(rec, "rebuild_production", t, reb_prod)
            for tr in recovering:
                if tr.status == "recovering":
                    tr.recover(t)
            # 5. orders for the next step ---------------------------------------------------
            popt = np.fmin(orders_tot + fd_tot + reb_tot, cap)
            ratio = None
            if p.order_type == "alt":
                ratio = np.ones(n)
                np.divide(cap, X0, where=X0 != 0, out=ratio)
            orders_tot, placed = k.orders(popt, production, ratio)
            if on_step is not None:
                on_step(t)

        return ARIOResult(
            regions=self.regions, sectors=self.sectors, steps=int(steps), x0=X0.copy(), series=rec,
            events=tuple(ev.to_dict() for ev in events), params=p.to_dict(), crashed_at=crashed_at,
            stocks=stocks,
            info={**self.info, "backend": self.backend, "storage": self.storage,
                  "passes_over_Z": int(k.passes)},
        )


# ---------------------------------------------------------------------- helpers
def productive_capital(table: IOTable, params: ARIOParams | None = None) -> np.ndarray:
    """Productive capital per industry as the model sets it: ``params.productive_capital``, else
    capital_to_value_added x value added (x - column sums of Z, negatives set to 0)."""
    p = params or ARIOParams()
    Z, _, x = _domestic_flows(table)
    va = x - Z.sum(axis=0)
    return _capital_stock(np.where(va < 0, 0.0, va), p, tuple(map(str, table.sectors)), len(table.regions))


def _capital_stock(VA0: np.ndarray, p: ARIOParams, sectors: tuple[str, ...], R: int) -> np.ndarray:
    n = len(VA0)
    if p.productive_capital is not None:
        K = np.asarray(p.productive_capital, dtype=float).reshape(-1)
        if K.shape != (n,) or not np.isfinite(K).all() or (K < 0).any():
            raise InputError(f"productive_capital must be {n} finite values >= 0 (one per industry)")
        return K
    ratio = p.capital_to_value_added
    if isinstance(ratio, Mapping):
        unknown = [k for k in ratio if k not in sectors]
        missing = [s for s in sectors if s not in ratio]
        if unknown or missing:
            raise InputError(f"capital_to_value_added: unknown sectors {unknown}, no ratio for {missing}")
        return VA0 * np.tile(np.array([float(ratio[s]) for s in sectors]), R)
    return VA0 * ratio


def _resolve_backend(backend: str) -> str:
    """'cpu', 'cupy' or 'torch' (``_accel.resolve_device``; 'cupy' / 'torch' name the GPU library);
    'generic' runs the GPU code path on numpy (to test it without a GPU)."""
    if backend == "generic":
        return "generic"
    from .._accel import resolve_device

    return resolve_device(backend)[0]


def _put(rec: dict[str, np.ndarray], name: str, t: int, v: np.ndarray) -> None:
    a = rec.get(name)
    if a is not None:
        a[t] = v


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(a, b))


def _row_totals(blocks: Mapping[Any, np.ndarray], n: int) -> np.ndarray:
    out = np.zeros(n)
    for tr, B in blocks.items():
        out[tr.rows] += B.sum(axis=1)
    return out


def _domestic_flows(table: IOTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Z, Y, x with x = Z 1 + Y 1. A competitive-import table (imports m subtracted in the row
    balance) is turned domestic by the import-proportionality assumption: each row of Z and Y is
    scaled by the domestic share of the product's supply, 1 - m / (Z 1 + Y 1)."""
    Z, Y, x = np.asarray(table.Z, float), np.asarray(table.Y, float), np.asarray(table.x, float)
    if table.m is None or not np.any(table.m):
        return Z, Y, x
    use = Z.sum(axis=1) + Y.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(use != 0, 1 - np.asarray(table.m, float) / use, 1.0)
    if (d < 0).any() or not np.isfinite(d).all():
        raise ModelError("imports exceed total use for some products: cannot split domestic flows")
    return Z * d[:, None], Y * d[:, None], x


def _check_inputs(Z: np.ndarray, Y: np.ndarray, x: np.ndarray, labels: list[tuple[str, str]]) -> None:
    problems = []
    if not (np.isfinite(Z).all() and np.isfinite(Y).all() and np.isfinite(x).all()):
        problems.append("Z, Y and x must be finite")
    if (Z < 0).any():
        i, j = np.argwhere(Z < 0)[0]
        problems.append(f"Z must be >= 0 (orders are shares of it); Z[{labels[i]}, {labels[j]}] = {Z[i, j]:g}")
    if (x < 0).any():
        problems.append(f"x must be >= 0; negative for {[labels[i] for i in np.nonzero(x < 0)[0][:10]]}")
    if problems:
        raise ModelError("; ".join(problems))
    resid = x - Z.sum(axis=1) - Y.sum(axis=1)
    scale = np.maximum(np.abs(x), 1e-300)
    if (np.abs(resid) > 1e-6 * scale).any():
        worst = int(np.argmax(np.abs(resid) / scale))
        warnings.warn(f"the table does not balance (x != Z 1 + Y 1, worst {labels[worst]}: "
                      f"{resid[worst]:g}); the model will not start in a steady state",
                      InduscopeWarning, stacklevel=3)


def run_scenario(model: ARIOModel, task: tuple[Any, int]) -> dict[str, Any]:
    """One run of a sweep: ``task`` = (ARIOScenario, steps); returns its ``sweep_row``
    (module-level, so executors can send it to other processes)."""
    from .ario_results import sweep_row

    scenario, steps = task
    try:
        res = model.run(scenario.events, steps=steps, series=("production", "fd_unmet"))
    except ModelError as e:
        raise ModelError(f"scenario {scenario.name}: {e}") from None
    return sweep_row(scenario.name, res)
