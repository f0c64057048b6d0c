"""Dynamic ARIO use cases: one shock scenario, or a sweep of many (local pool or Dask cluster).

Inputs are an ``IOTable`` (from the workspace: ``load_table``) or a pymrio ``IOSystem``; events are
``induscope.core.iomodels.ario_events`` objects (``make_event`` builds one from CLI-style words).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..core.iomodels.ario import ARIOModel, ARIOParams, productive_capital, run_scenario
from ..core.iomodels.ario_events import (EVENT_KINDS, ARIOEvent, ARIOScenario, CapitalRebuild,
                                         each_industry)
from ..core.iomodels.ario_results import ARIOResult, ARIOSweepResult
from ..core.iomodels.table import IOTable
from ..errors import InputError

#: event kind spellings accepted at the boundary -> core kind
EVENT_ALIASES = {
    "kapital-recover": "capital_recover", "capital-recover": "capital_recover", "recover": "capital_recover",
    "recovery": "capital_recover",
    "kapital-rebuild": "capital_rebuild", "capital-rebuild": "capital_rebuild", "rebuild": "capital_rebuild",
    "capacity-cut": "capacity_cut", "arbitrary": "capacity_cut", "production-cut": "capacity_cut",
    "final-demand": "final_demand", "final-demand-shock": "final_demand", "demand": "final_demand",
}
EVENT_KIND_NAMES = ("kapital-recover", "kapital-rebuild", "capacity-cut", "final-demand")

def load_table(ws: Any = None, table_id: str | None = None, *, pymrio_test: bool = False) -> IOTable:
    """A table by the one lookup (``services.io.load_table``: an id, a file or ``pymrio:test``)."""
    from .io import PYMRIO_TEST, load_table as lookup

    if pymrio_test and table_id is not None:
        raise InputError("give one table: TABLE (an id, a file or pymrio:test)")
    return lookup(ws, PYMRIO_TEST if pymrio_test else table_id)


def pymrio_test_table() -> IOTable:
    """pymrio's small test MRIO (6 regions x 8 sectors), as an IOTable."""
    from .io import pymrio_test_table as load

    return load()


def as_table(table: Any) -> IOTable:
    """An IOTable as is; a pymrio IOSystem converted (Z, Y, x; final demand columns kept)."""
    if isinstance(table, IOTable):
        return table
    if hasattr(table, "Z") and hasattr(table, "Y"):
        from ..readers.pymrio_io import from_pymrio

        return from_pymrio(table, value_added=None)
    raise InputError(f"expected an IOTable or a pymrio IOSystem, got {type(table).__name__}")


def event_kind(name: str) -> str:
    key = str(name).strip().lower().replace("_", "-")
    if key in EVENT_ALIASES:
        return EVENT_ALIASES[key]
    if key.replace("-", "_") in EVENT_KINDS:
        return key.replace("-", "_")
    raise InputError(f"unknown event {name!r}; expected one of {', '.join(EVENT_KIND_NAMES)}")


def make_event(kind: str, damage: float, *, regions: Sequence[str] | None = None,
               sectors: Sequence[str] | None = None, step: int = 1, duration: int = 1,
               recovery_tau: int | None = None, recovery_function: str | None = None,
               rebuild_tau: int | None = None, rebuilding_sectors: Mapping[str, float] | None = None,
               rebuilding_factor: float | None = None, buyer_regions: Sequence[str] | None = None,
               name: str = "") -> ARIOEvent:
    """One event from boundary words. ``damage``: capital destroyed in table units, spread evenly
    over the hit industries (capital events), or the share lost by each hit industry (capacity
    cut, final demand)."""
    k = event_kind(kind)
    kw: dict[str, Any] = dict(impact=float(damage), regions=tuple(regions) if regions else None,
                              sectors=tuple(sectors) if sectors else None, occurrence=int(step),
                              duration=int(duration), name=name)
    if k in ("capital_recover", "capacity_cut", "final_demand"):
        if recovery_tau is not None:
            kw["recovery_tau"] = int(recovery_tau)
        if recovery_function is not None:
            kw["recovery_function"] = recovery_function
    if k == "capital_rebuild":
        if not rebuilding_sectors:
            raise InputError("a rebuild event needs rebuilding sectors (e.g. --rebuilding-sector construction=1)")
        kw["rebuilding_sectors"] = dict(rebuilding_sectors)
        if rebuild_tau is not None:
            kw["rebuild_tau"] = int(rebuild_tau)
        if rebuilding_factor is not None:
            kw["rebuilding_factor"] = float(rebuilding_factor)
    if k == "final_demand" and buyer_regions:
        kw["buyer_regions"] = tuple(buyer_regions)
    return EVENT_KINDS[k](**kw)


def _params(table: IOTable, params: Mapping[str, Any] | ARIOParams | None) -> ARIOParams:
    if isinstance(params, ARIOParams):
        return params
    given = dict(params or {})
    unknown = set(given) - set(ARIOParams.__dataclass_fields__)
    if unknown:
        raise InputError(f"unknown ARIO parameters {sorted(unknown)}; "
                         f"expected some of {', '.join(ARIOParams.__dataclass_fields__)}")
    if "monetary_factor" not in given and table.unit:
        from ..units import currency_units

        factor = currency_units(table.unit)  # the one unit table: '10,000 CNY' -> 1e4, 'USD million' -> 1e6
        if factor is not None:
            given["monetary_factor"] = factor
    return ARIOParams(**given)


def build_model(table: Any, params: Mapping[str, Any] | ARIOParams | None = None, *,
                backend: str = "auto", storage: str = "auto") -> ARIOModel:
    """An ARIO model of ``table`` (IOTable or pymrio IOSystem); monetary factor from the unit."""
    t = as_table(table)
    return ARIOModel(t, _params(t, params), backend=backend, storage=storage)


def run_ario(table: Any, events: Sequence[ARIOEvent] | ARIOEvent, *, steps: int = 365,
             params: Mapping[str, Any] | ARIOParams | None = None, backend: str = "auto",
             storage: str = "auto", on_step: Callable[[int], None] | None = None) -> ARIOResult:
    """Simulate ``steps`` steps (days) of the economy of ``table`` hit by ``events``."""
    model = table if isinstance(table, ARIOModel) else build_model(table, params, backend=backend,
                                                                     storage=storage)
    return model.run(events, steps=steps, on_step=on_step)


def sweep_ario(table: Any, scenarios: Sequence[ARIOScenario], *, steps: int = 365,
               params: Mapping[str, Any] | ARIOParams | None = None, executor: str = "local",
               workers: int | None = None, scheduler: str | None = None, chunksize: int | None = None,
               on_progress: Callable[[int], None] | None = None, storage: str = "auto") -> ARIOSweepResult:
    """Run every scenario (one simulation each) on ``executor`` ("serial", "local" process pool,
    "dask"; a ``scheduler`` address selects Dask). Rows come back in scenario order and are the
    same numbers whatever the executor."""
    from ..runtime import default_workers, run_map

    scenarios = list(scenarios)
    if not scenarios:
        raise InputError("no scenario to run")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise InputError("scenario names must be unique")
    model = table if isinstance(table, ARIOModel) else build_model(table, params, backend="cpu",
                                                                     storage=storage)
    for sc in scenarios:   # validate every event up front, before any work is sent out
        for ev in sc.events:
            model._tracker(ev, steps)
    if chunksize is None:
        w = workers or default_workers()
        chunksize = max(1, min(16, len(scenarios) // (4 * w)))
    rows = run_map(run_scenario, [(sc, steps) for sc in scenarios], backend=executor, workers=workers,
                   scheduler=scheduler, on_progress=on_progress, chunksize=chunksize, context=model)
    return ARIOSweepResult(rows=tuple(rows), steps=steps,
                           info={"executor": "dask" if scheduler else executor, "scenarios": len(rows),
                                 "storage": model.storage})


def each_industry_scenarios(table: Any, kind: str, damage: float, *, regions: Sequence[str] | None = None,
                            sectors: Sequence[str] | None = None, step: int = 1, duration: int = 1,
                            relative: bool = False, params: Mapping[str, Any] | ARIOParams | None = None,
                            **event_options: Any) -> list[ARIOScenario]:
    """One scenario per industry of ``regions`` x ``sectors`` (default: all), each hit alone.

    ``relative``: ``damage`` is a share of each industry's productive capital (capital events)."""
    t = as_table(table) if not isinstance(table, ARIOModel) else None
    all_regions = t.regions if t is not None else table.regions
    all_sectors = t.sectors if t is not None else table.sectors
    regs = list(regions) if regions else list(all_regions)
    secs = list(sectors) if sectors else list(all_sectors)
    unknown = [r for r in regs if r not in all_regions] + [s for s in secs if s not in all_sectors]
    if unknown:
        raise InputError(f"unknown regions/sectors {unknown}")
    k = event_kind(kind)
    opts = {key: v for key, v in event_options.items() if v is not None}
    if k == "capital_rebuild":
        if not opts.get("rebuilding_sectors"):
            raise InputError("a rebuild sweep needs rebuilding sectors")
        opts["rebuilding_sectors"] = dict(opts["rebuilding_sectors"])
    allowed = set(EVENT_KINDS[k].__dataclass_fields__) - {"impact", "regions", "sectors", "industries",
                                                         "occurrence", "duration", "name", "kind"}
    bad = set(opts) - allowed
    if bad:
        raise InputError(f"options {sorted(bad)} do not apply to a {k} event")
    if not relative:
        return each_industry(k, float(damage), regs, secs, occurrence=int(step), duration=int(duration), **opts)
    if k not in ("capital_recover", "capital_rebuild"):
        raise InputError("a relative damage (share of capital) applies to capital events only")
    if not 0 < damage <= 1:
        raise InputError(f"a relative damage is a share of capital in (0, 1], got {damage}")
    if isinstance(table, ARIOModel):
        K, labels = table.K, table.labels
    else:
        t = as_table(table)
        K, labels = productive_capital(t, _params(t, params)), t.labels
    where = {lab: i for i, lab in enumerate(labels)}
    out = []
    for r in regs:
        for s in secs:
            cap = float(K[where[(r, s)]])
            if cap <= 0:
                continue   # no capital, nothing to destroy
            ev = EVENT_KINDS[k](impact=float(damage) * cap, industries=((r, s),), occurrence=int(step),
                                duration=int(duration), name=f"{r}/{s}", **opts)
            out.append(ARIOScenario(f"{r}/{s}", (ev,)))
    if not out:
        raise InputError("no industry with productive capital among those selected")
    return out


__all__ = ["ARIOParams", "CapitalRebuild", "build_model", "each_industry_scenarios", "load_table",
           "make_event", "pymrio_test_table", "run_ario", "sweep_ario"]
