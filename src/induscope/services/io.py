"""Input-output analysis use cases: the one table lookup, static set, shocks, hypothetical
extraction, table checks.

A table is named the same way everywhere (``load_table``): an id in the workspace, a file (an
NBS-layout or generic table, read and validated by ``readers.io_tables``), or ``pymrio:test``.
Sector labels are the table's codes, or 'region/sector' in a multi-regional table; a sector may be
given by its code without the zero padding ('7' for '07'), by 'region/sector', or by its name.

Shocks have ONE sign convention in every model: negative = a fall, positive = a rise. A change is
absolute (in the table's unit) or, with ``relative``, a share of the sector's gross output in [-1, 1].
The inoperability model takes falls only (its perturbation is a reduction).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ..core.iomodels import (ExtractionModel, ExtractionResult, InoperabilityModel, InoperabilityResult,
                             IOTable, LeontiefSystem, ShockModel, ShockResult, StaticModel, StaticResult,
                             check_productive)
from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Workspace

SHOCK_MODELS = ("leontief", "ghosh", "inoperability")
EXTRACTION_KINDS = ("total", "backward", "forward")
SIGN_CONVENTION = "negative = a fall, positive = a rise (every model)"

#: the name of pymrio's bundled test MRIO wherever a table is expected
PYMRIO_TEST = "pymrio:test"
_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")


# ---------------------------------------------------------------------------------------------
# the one table lookup
# ---------------------------------------------------------------------------------------------
def load_table(ws: "Workspace | None", table_id: str | Path | None = None, *, file: str | Path | None = None,
               layout: str = "auto") -> IOTable:
    """The table named by ``table_id``: ``pymrio:test``, a file path, or an id in ``ws``.

    ``file`` names a file outright (the same as a path in ``table_id``; give one of the two)."""
    if table_id is not None and file is not None:
        raise InputError("name the table once: TABLE (an id, a file or pymrio:test) or --file PATH")
    ref = file if file is not None else table_id
    if ref is None or not str(ref).strip():
        raise InputError("name a table: TABLE is an id in the workspace, a file, or pymrio:test")
    text = str(ref).strip()
    if file is None and text.lower() in (PYMRIO_TEST, "pymrio-test"):
        return pymrio_test_table()
    path = Path(text)
    if file is not None or _looks_like_a_file(text, path):
        from ..readers.io_tables import read_io_table

        if not path.exists():
            raise InputError(f"no such file: {path}")
        if path.is_dir():
            raise InputError(f"{path} is a folder; expected a table file (CSV or XLSX)")
        return read_io_table(path, layout=layout)
    if ws is None:
        raise InputError(f"{text!r} is neither a file nor pymrio:test, and no workspace is open to look "
                         "it up as a table id")
    from .imports import load_io_table

    return load_io_table(ws, text)


def _looks_like_a_file(text: str, path: Path) -> bool:
    return path.exists() or "/" in text or "\\" in text or path.suffix.lower() in _FILE_SUFFIXES


def pymrio_test_table() -> IOTable:
    """pymrio's small test MRIO (6 regions x 8 sectors), as an IOTable."""
    try:
        import pymrio
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("pymrio is not installed: pip install 'induscope[pymrio]'") from None
    from ..readers.pymrio_io import from_pymrio

    return from_pymrio(pymrio.load_test().calc_all(), value_added=None)


# ---------------------------------------------------------------------------------------------
# sectors: names, and what the user typed -> a label of the table
# ---------------------------------------------------------------------------------------------
def sector_names(t: IOTable) -> dict[str, str]:
    """label -> name: the table's own names, else the NBS 42-sector names when its codes are those."""
    labels = t.label_strings
    own = list(t.sector_names) if t.sector_names is not None else None
    names: dict[str, str] = {}
    if own is not None and len(own) == len(t.sectors):
        by_sector = dict(zip(map(str, t.sectors), map(str, own)))
    else:
        by_sector = {}
    try:
        from .. import reference

        io42 = {r.code: (r.name_zh, r.name_en) for r in reference.nbs_io42_sectors().itertuples(index=False)}
    except Exception:  # pragma: no cover - the package data is always there
        io42 = {}
    if io42 and len(t.sectors) == len(io42) and set(map(str, t.sectors)) == set(io42):
        # the NBS 42-sector classification: the Chinese name from the reference beside the table's
        # own (English) name, or the reference's English name
        for code in map(str, t.sectors):
            zh, en = io42[code]
            own = by_sector.get(code, "")
            by_sector[code] = f"{zh} {own or en}" if zh not in own else own
    for lab in labels:
        name = by_sector.get(lab.split("/", 1)[-1], "")
        if name and name != lab.split("/", 1)[-1]:
            names[lab] = name
    return names


def resolve_sector(labels: Sequence[str], given: str, names: Mapping[str, str] | None = None) -> str:
    """The label of the table that ``given`` means: the label itself, the code without its zero
    padding ('7' -> '07'), a bare sector of a one-sector-per-region match ('26' -> 'CN/26'), or a name
    (Chinese or English, any case). Anything else: an InputError that lists the valid codes."""
    names = names or {}
    text = str(given).strip()
    if text in labels:
        return text
    bare = [lab.split("/", 1)[-1] for lab in labels]

    def unique(hits: list[str], how: str) -> str | None:
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise InputError(f"sector {text!r} {how} several labels ({', '.join(hits[:4])}...); write it as "
                             f"region/sector, e.g. {hits[0]}")
        return None

    hit = unique([lab for lab, b in zip(labels, bare) if b == text], "matches")
    if hit:
        return hit
    region, sep, code = text.rpartition("/")
    if code.isdigit():
        same = [lab for lab, b in zip(labels, bare)
                if b.isdigit() and int(b) == int(code) and (not sep or lab.split("/", 1)[0] == region)]
        hit = unique(same, "matches")
        if hit:
            return hit
    key = text.casefold()
    by_name = [lab for lab in labels
               if names.get(lab) and (names[lab].casefold() == key or key in names[lab].casefold().split(" ", 1))]
    hit = unique(by_name, "names")
    if hit:
        return hit
    raise InputError(f"unknown sector {text!r}. Valid sectors: {sector_listing(labels, names)}")


def sector_listing(labels: Sequence[str], names: Mapping[str, str], most: int = 60) -> str:
    shown = [f"{lab} {names[lab]}" if names.get(lab) else lab for lab in labels[:most]]
    more = f" ... and {len(labels) - most} more (induscope io sectors TABLE)" if len(labels) > most else ""
    return "; ".join(shown) + more


def sectors(ws: "Workspace | None", table_id: str | None = None, *, file: str | Path | None = None,
            table: IOTable | None = None) -> list[dict[str, Any]]:
    """The table's sectors: label, name, gross output (in the table's unit)."""
    t = table if table is not None else load_table(ws, table_id, file=file)
    names = sector_names(t)
    return [{"sector": lab, "name": names.get(lab, ""), "gross_output": float(x)}
            for lab, x in zip(t.label_strings, t.x)]


# ---------------------------------------------------------------------------------------------
# use cases
# ---------------------------------------------------------------------------------------------
def static_analysis(ws: "Workspace | None", table_id: str | None = None, *, file: str | Path | None = None,
                    table: IOTable | None = None, coefficients: str | None = None, forward: str = "ghosh",
                    zero_output: str = "raise", employment: Sequence[float] | None = None,
                    backend: str = "auto") -> StaticResult:
    """Multipliers, linkages and key sectors of one table (A, L, Ghosh, Rasmussen-Hirschman)."""
    t = table if table is not None else load_table(ws, table_id, file=file)
    return StaticModel(t, coefficients=coefficients, forward=forward, zero_output=zero_output,
                       employment=employment, backend=backend).run()


@dataclass(frozen=True)
class ShockRun:
    """A shock's result with how the shock was read (sign, unit, share of output) and the names."""

    result: ShockResult | InoperabilityResult
    model: str
    unit: str
    relative: bool
    reading: tuple[dict[str, Any], ...]
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self.result.notes)

    def to_frame(self) -> Any:
        return self.result.to_frame()

    def to_dict(self) -> dict[str, Any]:
        d = self.result.to_dict()
        d.update({"model": self.model, "unit": self.unit, "sign_convention": SIGN_CONVENTION,
                  "delta_is": "share of gross output" if self.relative else f"absolute ({self.unit})",
                  "shocks": list(self.reading)})
        if isinstance(self.result, InoperabilityResult):
            loss = self.result.economic_loss
            if isinstance(loss, np.ndarray):
                d["total_economic_loss"] = float(loss.sum())
        return d


def shock(ws: "Workspace | None", table_id: str | None = None, *, shocks: Mapping[str, float],
          file: str | Path | None = None, table: IOTable | None = None, model: str = "leontief",
          relative: bool = False, side: str = "demand", coefficients: str | None = None,
          zero_output: str = "raise", backend: str = "auto") -> ShockRun:
    """Propagate a shock through the Leontief (final demand), Ghosh (primary inputs) or
    inoperability model. ``shocks``: {sector: change}, negative = a fall, absolute in the table's unit
    or, with ``relative``, a share of the sector's gross output in [-1, 1]. The inoperability model
    takes falls only."""
    if model not in SHOCK_MODELS:
        raise InputError(f"--model must be one of {', '.join(SHOCK_MODELS)}, got {model!r}")
    if not shocks:
        raise InputError("give at least one sector and change (--sector CODE --delta X)")
    t = table if table is not None else load_table(ws, table_id, file=file)
    system = LeontiefSystem.from_table(t, coefficients=coefficients, zero_output=zero_output, backend=backend)
    labels = list(system.labels)
    names = sector_names(t)
    unit = t.unit or "table units"
    resolved: dict[str, float] = {}
    for k, v in shocks.items():
        lab = resolve_sector(labels, k, names)
        resolved[lab] = resolved.get(lab, 0.0) + float(v)
    pos = {lab: i for i, lab in enumerate(labels)}
    reading = []
    absolute: dict[str, float] = {}
    for lab, v in resolved.items():
        x = float(system.x[pos[lab]])
        if not np.isfinite(v):
            raise InputError(f"sector {lab}: the change must be a finite number, got {v}")
        if relative and not -1.0 <= v <= 1.0:
            raise InputError(f"sector {lab}: a relative change is a share of the sector's output in [-1, 1] "
                             f"(-0.1 = a fall of 10 %), got {v:g}; for a change in {unit}, leave out --relative")
        if model == "inoperability" and v > 0:
            raise InputError(f"sector {lab}: the inoperability model takes falls only (negative --delta, "
                             f"e.g. -0.1 --relative = output reduced by 10 %), got {v:g}")
        a = v * x if relative else v
        if x <= 0 and v != 0:
            raise InputError(f"sector {lab} has no output in this table; it cannot be shocked")
        if not relative and a < -x:
            raise InputError(f"sector {lab}: a fall of {-a:,.6g} {unit} is more than the sector's whole output "
                             f"({x:,.6g} {unit}); for a share of output, use --relative")
        share = a / x if x > 0 else float("nan")
        reading.append({"sector": lab, "name": names.get(lab, ""), "delta": v,
                        "delta_is": "share of output" if relative else unit,
                        "change": a, "unit": unit, "share_of_output": share})
        absolute[lab] = a
    if model == "inoperability":
        # the model's perturbation is a reduction: c* = -share (relative) or delta = -change (absolute)
        kw: dict[str, Any] = ({"c": {k: -v for k, v in resolved.items()}} if relative
                              else {"delta": {k: -v for k, v in absolute.items()}})
        res: Any = InoperabilityModel(system, side=side, **kw).run()
    else:
        res = ShockModel(system, absolute, model=model).run()
    return ShockRun(res, model, unit, relative, tuple(reading), names)


def extraction(ws: "Workspace | None", table_id: str | None = None, *, file: str | Path | None = None,
               table: IOTable | None = None, kind: str = "total", sectors: Sequence[str] | None = None,
               together: bool = False, coefficients: str | None = None, zero_output: str = "raise",
               backend: str = "auto") -> ExtractionResult:
    """Hypothetical extraction: each sector alone (closed forms) or a set together."""
    if kind not in EXTRACTION_KINDS:
        raise InputError(f"--kind must be one of {', '.join(EXTRACTION_KINDS)}, got {kind!r}")
    t = table if table is not None else load_table(ws, table_id, file=file)
    system = LeontiefSystem.from_table(t, coefficients=coefficients, zero_output=zero_output, backend=backend)
    if sectors:
        names = sector_names(t)
        sectors = [resolve_sector(list(system.labels), s, names) for s in sectors]
    return ExtractionModel(system, kind=kind, sectors=sectors, together=together).run()


def check_table(ws: "Workspace | None", table_id: str | None = None, *, file: str | Path | None = None,
                table: IOTable | None = None, coefficients: str | None = None) -> dict[str, Any]:
    """Balances, zero-output sectors and productivity of (I - A), without raising on a bad table."""
    t = table if table is not None else load_table(ws, table_id, file=file)
    labels = t.label_strings
    kind = coefficients or t.default_coefficients()
    zero = [labels[i] for i in np.flatnonzero(t.x == 0)]
    out: dict[str, Any] = {"name": t.name, "sectors": t.n, "unit": t.unit, "import_type": t.import_type,
                           "coefficients": kind, "zero_output_sectors": zero}
    scale = float(np.abs(t.x).max()) or 1.0
    out["max_row_balance_residual_relative"] = float(np.abs(t.row_balance_residual()).max() / scale)
    col = t.column_balance_residual()
    out["max_column_balance_residual_relative"] = None if col is None else float(np.abs(col).max() / scale)
    A = t.coefficients(kind, zero_output="zero" if zero else "raise")
    out["productivity"] = check_productive(A, labels).to_dict()
    return out
