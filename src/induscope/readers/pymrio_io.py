"""pymrio.IOSystem in and out (pymrio's parsers then give OECD ICIO, EXIOBASE, WIOD, Eora, GLORIA).

Mapping (pymrio -> IOTable): Z, Y (columns (region, category) -> ``final_demand_labels``
'region/category' and ``final_demand_regions``), x (``indout``, or Z 1 + Y 1 when pymrio has none),
regions and sectors region-major, unit from ``io.unit`` ('Mill USD' -> 'USD million', 'M.EUR' ->
'EUR million'). V is taken from one extension (default ``factor_inputs``) when asked; its stressors
become ``value_added_labels``. Every other extension (emissions, employment, ...) is kept as an
``Extension`` (F and F_Y, rows 'stressor | compartment').

pymrio has no import blocks: ``to_pymrio`` writes competitive imports as a negative final-demand
category ``IM`` (so Z 1 + Y 1 = x holds in pymrio), and non-competitive imported intermediate
inputs as a factor-input row ``Imported intermediate inputs`` (so the columns close; imported final
use is dropped). ``from_pymrio`` reads the IM category back into m; the imported-inputs row stays a
row of V (pymrio kept only its column totals, so Zm cannot be rebuilt) and marks the table
non-competitive.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..core.iomodels import table as _table
from ..core.iomodels.table import IOTable
from ..errors import InputError
from ..units import resolve_unit

IMPORTS_CATEGORY = "IM"
IMPORTED_INPUTS_ROW = "Imported intermediate inputs"


def _pymrio():
    try:
        import pymrio
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("pymrio is not installed: pip install 'induscope[pymrio]'") from None
    return pymrio


def from_pymrio(io: Any, *, value_added: str | None = "factor_inputs", name: str | None = None,
                year: int | None = None, unit: str | None = None) -> IOTable:
    """An IOTable from a pymrio.IOSystem (Z and Y must be present; x is computed if missing).

    ``value_added`` names the extension whose F becomes V (None: no V, no column check).
    """
    if getattr(io, "Z", None) is None or getattr(io, "Y", None) is None:
        raise InputError("the pymrio system has no Z or Y (load or calculate them first)")
    regions = [str(r) for r in io.get_regions()]
    sectors = [str(s) for s in io.get_sectors()]
    order = pd.MultiIndex.from_product([list(io.get_regions()), list(io.get_sectors())])
    Zdf = io.Z.reindex(index=order, columns=order)
    if Zdf.isna().to_numpy().any():
        raise InputError("the pymrio Z is not a full region x sector square (missing labels)")
    Ydf = io.Y.reindex(index=order)
    ycols = list(Ydf.columns)
    imports_cols = [c for c in ycols if _last(c) == IMPORTS_CATEGORY]
    fd_cols = [c for c in ycols if c not in imports_cols]
    Z = Zdf.to_numpy(dtype=float)
    Y = Ydf[fd_cols].to_numpy(dtype=float)
    m = -Ydf[imports_cols].to_numpy(dtype=float).sum(axis=1) if imports_cols else None
    if getattr(io, "x", None) is not None:
        x = io.x.reindex(index=order).iloc[:, 0].to_numpy(dtype=float)
    else:
        x = Z.sum(axis=1) + Ydf.to_numpy(dtype=float).sum(axis=1)
    units = _units(io)
    u = resolve_unit(unit or (units[0] if len(units) == 1 else ""), monetary_only=True)
    if u is None:
        raise InputError(f"unknown or mixed units in the pymrio system {units}; pass unit=")
    f = u.factor
    V = None
    va_labels: tuple[str, ...] = ()
    names = list(io.get_extensions())
    if value_added is not None:
        if value_added not in names or getattr(getattr(io, value_added), "F", None) is None:
            raise InputError(f"the pymrio system has no extension {value_added!r} with F "
                             f"(extensions: {names}); pass value_added=None")
        F = getattr(io, value_added).F.reindex(columns=order).fillna(0.0)
        V = F.to_numpy(dtype=float) * f
        va_labels = tuple(_label(i) for i in F.index)
    extensions, ext_meta = [], {}
    for ext_name in names:
        if ext_name == value_added:
            continue
        ext = getattr(io, ext_name)
        if getattr(ext, "F", None) is None:
            continue
        F = ext.F.reindex(columns=order).fillna(0.0)
        F_Y = None
        if getattr(ext, "F_Y", None) is not None:
            F_Y = ext.F_Y.reindex(index=F.index, columns=fd_cols).fillna(0.0).to_numpy(dtype=float)
        ext_units = _ext_units(ext, F.index)
        extensions.append(_table.Extension(
            name=str(ext_name), F=F.to_numpy(dtype=float), rows=tuple(_label(i) for i in F.index),
            unit=ext_units[0] if len(set(ext_units)) == 1 else "", F_Y=F_Y))
        ext_meta[str(ext_name)] = {"index_names": [str(n) for n in F.index.names],
                                   "rows": [list(map(str, i)) if isinstance(i, tuple) else [str(i)]
                                            for i in F.index],
                                   "units": ext_units}
    meta: dict[str, Any] = {"layout": "pymrio", "unit_given": u.given}
    if getattr(io, "meta", None) is not None:
        meta["pymrio_name"] = str(io.meta.name)
    if ext_meta:
        meta["extensions"] = ext_meta
    fd_labels = tuple("/".join(str(p) for p in c) if isinstance(c, tuple) else str(c) for c in fd_cols)
    fd_regions = tuple(str(c[0]) if isinstance(c, tuple) else regions[0] for c in fd_cols)
    meta["final_demand_columns"] = [[str(p) for p in c] if isinstance(c, tuple) else [str(c)]
                                    for c in fd_cols]
    return IOTable(
        Z=Z * f, Y=Y * f, x=x * f, V=V, sectors=tuple(sectors),
        regions=tuple(regions), final_demand_labels=fd_labels, value_added_labels=va_labels,
        m=None if m is None else m * f,
        unit=u.canonical, year=year if year is not None else _year(io),
        name=name or str(getattr(io, "name", "") or ""),
        import_type="non-competitive" if IMPORTED_INPUTS_ROW in va_labels else "competitive",
        metadata=meta, final_demand_regions=fd_regions, extensions=tuple(extensions),
    )


def to_pymrio(table: IOTable, *, value_added: str = "factor_inputs") -> Any:
    """A pymrio.IOSystem from an IOTable (Z, Y, x, unit; V as the ``value_added`` extension; other
    extensions as they are)."""
    pymrio = _pymrio()
    idx = pd.MultiIndex.from_tuples(table.labels, names=["region", "sector"])
    fd_cols = table.metadata.get("final_demand_columns")
    fd_regions = getattr(table, "final_demand_regions", None)
    labels = list(table.final_demand_labels) or [f"FD{k + 1}" for k in range(table.Y.shape[1])]
    if fd_cols and len(fd_cols) == table.Y.shape[1] and all(len(c) == 2 for c in fd_cols):
        ycols = pd.MultiIndex.from_tuples([tuple(c) for c in fd_cols], names=["region", "category"])
    elif fd_regions:
        pairs = [(r, lab[len(r) + 1:] if lab.startswith(f"{r}/") else lab)
                 for r, lab in zip(fd_regions, labels)]
        ycols = pd.MultiIndex.from_tuples(pairs, names=["region", "category"])
    else:
        ycols = pd.MultiIndex.from_tuples([(table.regions[0], c) for c in labels],
                                          names=["region", "category"])
    Y = pd.DataFrame(table.Y, index=idx, columns=ycols)
    if table.m is not None:
        # pymrio has no import column: imports enter as a negative final-demand category
        for r in table.regions:
            Y[(r, IMPORTS_CATEGORY)] = np.where(np.array([lr == r for lr, _ in table.labels]), -table.m, 0.0)
    unit_name = {"USD million": "Mill USD", "EUR million": "M.EUR"}.get(table.unit, table.unit)
    io = pymrio.IOSystem(
        Z=pd.DataFrame(table.Z, index=idx, columns=idx), Y=Y,
        x=pd.DataFrame({"indout": table.x}, index=idx),
        unit=pd.DataFrame({"unit": [unit_name] * table.n}, index=idx),
        name=table.name or "induscope", year=table.year,
    )
    if table.V is not None:
        va = list(table.value_added_labels) or [f"VA{k + 1}" for k in range(table.V.shape[0])]
        F = pd.DataFrame(table.V, index=pd.Index(va, name="inputtype"), columns=idx)
        if table.Zm is not None:
            F.loc[IMPORTED_INPUTS_ROW] = table.Zm.sum(axis=0)
        setattr(io, value_added, pymrio.Extension(
            name=value_added, F=F, unit=pd.DataFrame({"unit": [unit_name] * len(F)}, index=F.index)))
    ext_meta = table.metadata.get("extensions") or {}
    for ext in getattr(table, "extensions", ()) or ():
        em = ext_meta.get(ext.name) or {}
        rows = em.get("rows")
        if rows and len(rows) == len(ext.rows) and all(len(r) > 1 for r in rows):
            rindex = pd.MultiIndex.from_tuples([tuple(r) for r in rows], names=em.get("index_names"))
        else:
            rindex = pd.Index(list(ext.rows), name=(em.get("index_names") or ["stressor"])[0])
        units = em.get("units") or [ext.unit] * len(ext.rows)
        kw: dict[str, Any] = {"F": pd.DataFrame(ext.F, index=rindex, columns=idx),
                              "unit": pd.DataFrame({"unit": units}, index=rindex)}
        if ext.F_Y is not None and ext.F_Y.shape[1] == len(ycols):
            kw["F_Y"] = pd.DataFrame(ext.F_Y, index=rindex, columns=ycols)
        setattr(io, ext.name, pymrio.Extension(name=ext.name, **kw))
    return io


def _last(c: Any) -> str:
    return str(c[-1]) if isinstance(c, tuple) else str(c)


def _label(i: Any) -> str:
    return " | ".join(str(p) for p in i) if isinstance(i, tuple) else str(i)


def _units(io: Any) -> list[str]:
    u = getattr(io, "unit", None)
    if u is None:
        return []
    if isinstance(u, pd.DataFrame):
        return sorted({str(v) for v in u.iloc[:, 0].dropna()})
    return [str(u)]


def _ext_units(ext: Any, index: pd.Index) -> list[str]:
    u = getattr(ext, "unit", None)
    if isinstance(u, pd.DataFrame) and len(u.columns):
        return [str(v) for v in u.reindex(index).iloc[:, 0].fillna("")]
    return [""] * len(index)


def _year(io: Any) -> int | None:
    y = getattr(io, "year", None)
    try:
        return None if y is None else int(y)
    except (TypeError, ValueError):
        return None
