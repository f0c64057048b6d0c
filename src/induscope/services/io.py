"""Input-output analysis use cases: static set, shocks, hypothetical extraction, table checks.

A table comes from the workspace (``table_id``) or straight from a file (``file``: an NBS-layout or
generic table, read and validated by ``services.imports.read_io_table``); exactly one of the two.
Sector labels are the table's codes, or 'region/sector' in a multi-regional table.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..core.iomodels import (ExtractionModel, ExtractionResult, InoperabilityModel, InoperabilityResult,
                             IOTable, LeontiefSystem, ShockModel, ShockResult, StaticModel, StaticResult,
                             check_productive)
from ..errors import InputError
from ..store import Workspace

SHOCK_MODELS = ("leontief", "ghosh", "inoperability")


def load_table(ws: Workspace | None, table_id: str | None = None, *, file: str | Path | None = None,
               layout: str = "auto") -> IOTable:
    """The table named by ``table_id`` in ``ws`` or read from ``file`` (exactly one)."""
    if (table_id is None) == (file is None):
        raise InputError("name a table: a workspace table id or --file PATH (exactly one)")
    from . import imports

    if file is not None:
        return imports.read_io_table(file, layout=layout)
    if ws is None:
        raise InputError("a workspace is needed to load a table by id")
    return imports.load_io_table(ws, table_id)


def static_analysis(ws: Workspace | None, table_id: str | None = None, *, file: str | Path | None = None,
                    table: IOTable | None = None, coefficients: str | None = None, forward: str = "ghosh",
                    zero_output: str = "raise", employment: Sequence[float] | None = None,
                    backend: str = "auto") -> StaticResult:
    """Multipliers, linkages and key sectors of one table (A, L, Ghosh, Rasmussen-Hirschman)."""
    t = table if table is not None else load_table(ws, table_id, file=file)
    return StaticModel(t, coefficients=coefficients, forward=forward, zero_output=zero_output,
                       employment=employment, backend=backend).run()


def shock(ws: Workspace | None, table_id: str | None = None, *, shocks: Mapping[str, float],
          file: str | Path | None = None, table: IOTable | None = None, model: str = "leontief",
          relative: bool = False, side: str = "demand", coefficients: str | None = None,
          zero_output: str = "raise", backend: str = "auto") -> ShockResult | InoperabilityResult:
    """Propagate a shock: Leontief (final demand change), Ghosh (primary-input change) or the
    inoperability model (``shocks`` are reductions; ``relative`` reads them as shares of output)."""
    if model not in SHOCK_MODELS:
        raise InputError(f"--model must be one of {', '.join(SHOCK_MODELS)}, got {model!r}")
    if not shocks:
        raise InputError("give at least one sector and change (--sector CODE --delta X)")
    t = table if table is not None else load_table(ws, table_id, file=file)
    system = LeontiefSystem.from_table(t, coefficients=coefficients, zero_output=zero_output, backend=backend)
    shocks = {_resolve_label(system.labels, k): v for k, v in shocks.items()}
    if model == "inoperability":
        kw: dict[str, Any] = {"c": shocks} if relative else {"delta": shocks}
        return InoperabilityModel(system, side=side, **kw).run()
    if relative:
        pos = {lab: i for i, lab in enumerate(system.labels)}
        shocks = {k: v * float(system.x[pos[k]]) for k, v in shocks.items()}
    return ShockModel(system, shocks, model=model).run()


def extraction(ws: Workspace | None, table_id: str | None = None, *, file: str | Path | None = None,
               table: IOTable | None = None, kind: str = "total", sectors: Sequence[str] | None = None,
               together: bool = False, coefficients: str | None = None, zero_output: str = "raise",
               backend: str = "auto") -> ExtractionResult:
    """Hypothetical extraction: each sector alone (closed forms) or a set together."""
    t = table if table is not None else load_table(ws, table_id, file=file)
    system = LeontiefSystem.from_table(t, coefficients=coefficients, zero_output=zero_output, backend=backend)
    if sectors:
        sectors = [_resolve_label(system.labels, s) for s in sectors]
    return ExtractionModel(system, kind=kind, sectors=sectors, together=together).run()


def check_table(ws: Workspace | None, table_id: str | None = None, *, file: str | Path | None = None,
                table: IOTable | None = None, coefficients: str | None = None) -> dict[str, Any]:
    """Balances, zero-output sectors and productivity of (I - A), without raising on a bad table."""
    t = table if table is not None else load_table(ws, table_id, file=file)
    labels = t.label_strings
    kind = coefficients or t.default_coefficients()
    zero = [labels[i] for i in np.flatnonzero(t.x == 0)]
    out: dict[str, Any] = {"name": t.name, "sectors": t.n, "import_type": t.import_type,
                           "coefficients": kind, "zero_output_sectors": zero}
    scale = float(np.abs(t.x).max()) or 1.0
    out["max_row_balance_residual_relative"] = float(np.abs(t.row_balance_residual()).max() / scale)
    col = t.column_balance_residual()
    out["max_column_balance_residual_relative"] = None if col is None else float(np.abs(col).max() / scale)
    A = t.coefficients(kind, zero_output="zero" if zero else "raise")
    out["productivity"] = check_productive(A, labels).to_dict()
    return out


def _resolve_label(labels: Sequence[str], code: str) -> str:
    """A sector code as given, or 'region/sector'; a bare code is accepted when it is unambiguous."""
    code = str(code)
    if code in labels:
        return code
    hits = [lab for lab in labels if lab.split("/", 1)[-1] == code]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise InputError(f"sector {code!r} exists in several regions; write it as region/sector "
                         f"(e.g. {hits[0]})")
    return code  # unknown: the model reports it with every other unknown code
