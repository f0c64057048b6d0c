"""Events that perturb an ARIO simulation (what happens, where, when), as plain immutable specs.

The first three are BoARIO 0.7.2's event types; the fourth is ours:

- ``CapitalRecover``  productive capital destroyed, recovered exogenously (BoARIO EventKapitalRecover)
- ``CapitalRebuild``  productive capital destroyed, rebuilt through a reconstruction demand addressed
                      to the rebuilding sectors (BoARIO EventKapitalRebuild)
- ``CapacityCut``     a direct cut of production capacity, as a share (BoARIO EventArbitraryProd)
- ``FinalDemandShock`` a drop of final demand for the products of the hit industries, as a share,
                      recovered with a recovery function (not in BoARIO; see ``FinalDemandShock``)

Where: ``regions`` x ``sectors`` (``None`` = all of them), or an explicit ``industries`` set of
(region, sector) pairs. When: from step ``occurrence`` (>= 1) for ``duration`` steps; then recovery
or rebuilding starts. How much: ``impact`` is a scalar spread over the hit industries by
``distribution`` ("equal": BoARIO's even split of a total; "each": the scalar applies to every hit
industry), or a mapping {(region, sector): value}.

Units: capital damages are in the table's currency unit (BoARIO with ``event_monetary_factor`` equal to
the model's ``monetary_factor``); capacity cuts and final-demand shocks are shares in [0, 1].
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

from ...errors import InputError
from .ario_recovery import RECOVERY_FUNCTIONS

Impact = Union[float, int, Mapping[tuple[str, str], float]]
DISTRIBUTIONS = ("equal", "each")


@dataclass(frozen=True, kw_only=True)
class ARIOEvent:
    """Base of every event; use a subclass."""

    impact: Impact
    regions: tuple[str, ...] | None = None
    sectors: tuple[str, ...] | None = None
    industries: tuple[tuple[str, str], ...] | None = None
    occurrence: int = 1
    duration: int = 1
    distribution: str = "equal"
    name: str = ""

    kind: str = field(default="", init=False, repr=False)

    def __post_init__(self) -> None:
        for attr in ("regions", "sectors"):
            v = getattr(self, attr)
            if isinstance(v, str):
                object.__setattr__(self, attr, (v,))
            elif v is not None:
                object.__setattr__(self, attr, tuple(v))
        if self.industries is not None:
            object.__setattr__(self, "industries", tuple((str(r), str(s)) for r, s in self.industries))
        if not isinstance(self.occurrence, (int, np.integer)) or self.occurrence < 1:
            raise InputError(f"event occurrence must be an integer step >= 1, got {self.occurrence!r}")
        if not isinstance(self.duration, (int, np.integer)) or self.duration < 1:
            raise InputError(f"event duration must be an integer >= 1, got {self.duration!r}")
        if self.distribution not in DISTRIBUTIONS:
            raise InputError(f"distribution must be one of {DISTRIBUTIONS}, got {self.distribution!r}")

    def to_dict(self) -> dict[str, Any]:
        imp = self.impact
        if isinstance(imp, Mapping):
            imp = [{"region": r, "sector": s, "value": float(v)} for (r, s), v in imp.items()]
        out = {"kind": self.kind, "name": self.name, "impact": imp,
               "regions": list(self.regions) if self.regions is not None else None,
               "sectors": list(self.sectors) if self.sectors is not None else None,
               "industries": [list(i) for i in self.industries] if self.industries is not None else None,
               "occurrence": int(self.occurrence), "duration": int(self.duration),
               "distribution": self.distribution}
        for k in ("recovery_tau", "recovery_function", "rebuild_tau", "rebuilding_factor"):
            if hasattr(self, k):
                out[k] = getattr(self, k)
        if hasattr(self, "rebuilding_sectors"):
            out["rebuilding_sectors"] = dict(self.rebuilding_sectors)
        if hasattr(self, "buyer_regions"):
            out["buyer_regions"] = list(self.buyer_regions) if self.buyer_regions is not None else None
        return out


def _check_tau(value: Any, what: str) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise InputError(f"{what} must be a positive integer number of steps, got {value!r}")


def _check_function(name: str) -> None:
    if name not in RECOVERY_FUNCTIONS:
        raise InputError(f"unknown recovery function {name!r}; expected one of {', '.join(RECOVERY_FUNCTIONS)}")


@dataclass(frozen=True, kw_only=True)
class CapitalRecover(ARIOEvent):
    """Productive capital destroyed (``impact`` in currency), recovered by ``recovery_function`` over
    ``recovery_tau`` steps once the event's duration is over. Capacity lost = capital lost / capital."""

    recovery_tau: int = 30
    recovery_function: str = "linear"
    kind: str = field(default="capital_recover", init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_tau(self.recovery_tau, "recovery_tau")
        _check_function(self.recovery_function)


@dataclass(frozen=True, kw_only=True)
class CapitalRebuild(ARIOEvent):
    """Productive capital destroyed (``impact`` in currency) and rebuilt: after the duration, a
    reconstruction demand of impact x ``rebuilding_factor``, split between ``rebuilding_sectors``
    ({sector: share}, shares sum to 1) and across regions like the hit industries' purchases (Z), is
    addressed to the rebuilding industries at rate 1/``rebuild_tau`` of what remains per step.
    Capacity lost = remaining reconstruction demand / rebuilding_factor / capital."""

    rebuilding_sectors: Mapping[str, float] = field(default_factory=dict)
    rebuild_tau: int | None = None          # None: the model's rebuild_tau
    rebuilding_factor: float = 1.0
    kind: str = field(default="capital_rebuild", init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.rebuild_tau is not None:
            _check_tau(self.rebuild_tau, "rebuild_tau")
        shares = dict(self.rebuilding_sectors)
        if not shares:
            raise InputError("a rebuild event needs rebuilding_sectors, e.g. {'construction': 1.0}")
        bad = {k: v for k, v in shares.items() if not np.isfinite(v) or v < 0}
        if bad:
            raise InputError(f"rebuilding shares must be finite and >= 0, got {bad}")
        if not np.isclose(sum(shares.values()), 1.0):
            raise InputError(f"rebuilding shares must sum to 1, they sum to {sum(shares.values())}")
        if not np.isfinite(self.rebuilding_factor) or self.rebuilding_factor <= 0:
            raise InputError(f"rebuilding_factor must be > 0, got {self.rebuilding_factor!r}")
        object.__setattr__(self, "rebuilding_sectors", shares)


@dataclass(frozen=True, kw_only=True)
class CapacityCut(ARIOEvent):
    """Production capacity cut by a share (0..1) during the event, then recovered over
    ``recovery_tau`` steps. Timing as BoARIO's EventArbitraryProd, which applies the cut one step
    after the event is registered (its arbitrary-delta update lags one step): kept for agreement."""

    distribution: str = "each"
    recovery_tau: int = 1
    recovery_function: str = "linear"
    kind: str = field(default="capacity_cut", init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_tau(self.recovery_tau, "recovery_tau")
        _check_function(self.recovery_function)


@dataclass(frozen=True, kw_only=True)
class FinalDemandShock(ARIOEvent):
    """Final demand for the products of the hit industries falls by a share (0..1) from
    ``occurrence`` for ``duration`` steps, then recovers by ``recovery_function`` over
    ``recovery_tau`` steps. ``buyer_regions`` limits the drop to final demand of those regions
    (``None`` = every region's). Not in BoARIO; shares are rounded to 6 decimals each step like
    BoARIO's capacity cuts. Several shocks on one cell: the largest share applies."""

    distribution: str = "each"
    recovery_tau: int = 1
    recovery_function: str = "linear"
    buyer_regions: tuple[str, ...] | None = None
    kind: str = field(default="final_demand", init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_tau(self.recovery_tau, "recovery_tau")
        _check_function(self.recovery_function)
        if isinstance(self.buyer_regions, str):
            object.__setattr__(self, "buyer_regions", (self.buyer_regions,))
        elif self.buyer_regions is not None:
            object.__setattr__(self, "buyer_regions", tuple(self.buyer_regions))


EVENT_KINDS: dict[str, type[ARIOEvent]] = {
    "capital_recover": CapitalRecover,
    "capital_rebuild": CapitalRebuild,
    "capacity_cut": CapacityCut,
    "final_demand": FinalDemandShock,
}


def event_from_dict(d: Mapping[str, Any]) -> ARIOEvent:
    """The inverse of ``ARIOEvent.to_dict`` (also accepts kind aliases with dashes)."""
    d = dict(d)
    kind = str(d.pop("kind", "")).replace("-", "_")
    aliases = {"kapital_recover": "capital_recover", "kapital_rebuild": "capital_rebuild",
               "recovery": "capital_recover", "rebuild": "capital_rebuild", "arbitrary": "capacity_cut",
               "final_demand_shock": "final_demand"}
    kind = aliases.get(kind, kind)
    if kind not in EVENT_KINDS:
        raise InputError(f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
    imp = d.get("impact")
    if isinstance(imp, list):
        d["impact"] = {(str(e["region"]), str(e["sector"])): float(e["value"]) for e in imp}
    if d.get("industries") is not None:
        d["industries"] = tuple(tuple(i) for i in d["industries"])
    d = {k: v for k, v in d.items() if v is not None or k in ("regions", "sectors")}
    return EVENT_KINDS[kind](**d)


def impact_vector(event: ARIOEvent, regions: Sequence[str], sectors: Sequence[str]) -> np.ndarray:
    """The event's impact per industry (region-major, length regions x sectors).

    Reports every unknown region/sector at once. A scalar with distribution "equal" is spread as
    BoARIO spreads it: impact x (1/#regions) x (1/#sectors) over a regions x sectors set, or
    impact x 1/#industries over an explicit set.
    """
    R, S = len(regions), len(sectors)
    r_index = {r: i for i, r in enumerate(regions)}
    s_index = {s: i for i, s in enumerate(sectors)}
    unknown: list[str] = []
    out = np.zeros(R * S)

    if isinstance(event.impact, Mapping):
        for (r, s), v in event.impact.items():
            if r not in r_index:
                unknown.append(f"region {r!r}")
            if s not in s_index:
                unknown.append(f"sector {s!r}")
        _raise_unknown(unknown, regions, sectors)
        for (r, s), v in event.impact.items():
            out[r_index[r] * S + s_index[s]] = float(v)
    else:
        value = float(event.impact)
        if event.industries is not None:
            pairs = list(dict.fromkeys(event.industries))
            for r, s in pairs:
                if r not in r_index:
                    unknown.append(f"region {r!r}")
                if s not in s_index:
                    unknown.append(f"sector {s!r}")
            _raise_unknown(unknown, regions, sectors)
            if not pairs:
                raise InputError("the event hits no industry (empty industries set)")
            idx = np.array([r_index[r] * S + s_index[s] for r, s in pairs])
            share = 1.0 / len(idx) if event.distribution == "equal" else 1.0
            out[idx] = value * share
        else:
            regs = list(dict.fromkeys(event.regions)) if event.regions is not None else list(regions)
            secs = list(dict.fromkeys(event.sectors)) if event.sectors is not None else list(sectors)
            unknown += [f"region {r!r}" for r in regs if r not in r_index]
            unknown += [f"sector {s!r}" for s in secs if s not in s_index]
            _raise_unknown(unknown, regions, sectors)
            if not regs or not secs:
                raise InputError("the event hits no industry (empty regions or sectors)")
            share = (1.0 / len(regs)) * (1.0 / len(secs)) if event.distribution == "equal" else 1.0
            for r in regs:
                for s in secs:
                    out[r_index[r] * S + s_index[s]] = value * share
    if not np.isfinite(out).all() or (out < 0).any():
        raise InputError(f"event {event.name or event.kind}: impacts must be finite and >= 0")
    if not (out > 0).any():
        raise InputError(f"event {event.name or event.kind}: the impact is zero everywhere")
    if event.kind in ("capacity_cut", "final_demand") and (out > 1).any():
        raise InputError(f"event {event.name or event.kind}: a share above 1 (100 %) for at least one industry")
    return out


def _raise_unknown(unknown: list[str], regions: Sequence[str], sectors: Sequence[str]) -> None:
    if unknown:
        raise InputError("unknown " + ", ".join(dict.fromkeys(unknown))
                         + f" (regions: {', '.join(map(str, regions[:20]))}{' ...' if len(regions) > 20 else ''};"
                         + f" sectors: {', '.join(map(str, sectors[:20]))}{' ...' if len(sectors) > 20 else ''})")


@dataclass(frozen=True)
class ARIOScenario:
    """A named set of events run together (one run of a sweep)."""

    name: str
    events: tuple[ARIOEvent, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", tuple(self.events))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "events": [e.to_dict() for e in self.events]}


def each_industry(kind: str, impact: float, regions: Sequence[str], sectors: Sequence[str], *,
                  occurrence: int = 1, duration: int = 1, **event_kw: Any) -> list[ARIOScenario]:
    """One scenario per (region, sector): the event ``kind`` hits that industry alone."""
    cls = EVENT_KINDS[kind]
    return [ARIOScenario(f"{r}/{s}", (cls(impact=impact, industries=((r, s),), occurrence=occurrence,
                                          duration=duration, name=f"{r}/{s}", **event_kw),))
            for r in regions for s in sectors]
