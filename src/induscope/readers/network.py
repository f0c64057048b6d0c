"""Firm-network files: LINKS, FIRMS, the essentiality matrix E, shock lists, ESRI results, trade.

LINKS ``supplier,customer,value``; FIRMS ``firm,industry`` and optionally ``market``, ``region``,
``revenue``, ``costs``, ``size``, ``capacity``, ``product``, ``lat``, ``lon``; E a square matrix of 0/1/2
with industry codes as header and first column (rows = supplier industry); a shock file ``firm,psi``;
an ESRI file as ``network esri --out`` writes it (``firm,esri,...``); a trade file
``product,partner,imports,exports``. CSV or XLSX, read through ``readers.sheets`` (encodings, strict
quoting, size limits). Codes are read as strings, never as numbers (leading zeros kept). Every
problem is reported at once (file, row, column, value, what was expected).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from ..errors import ProblemCollector
from .sheets import open_sheet

if TYPE_CHECKING:  # pragma: no cover
    from ..core.network.network import Essentiality, SupplyNetwork


def read_strings(path: str | Path) -> pd.DataFrame:
    """A CSV/XLSX table as a DataFrame of stripped strings ('' for an empty cell), header stripped.

    Problems of the file itself (encoding, ragged rows, no data) raise one ValidationError."""
    pc, sheet = open_sheet(path)
    pc.raise_if_any()
    header = [str(h).strip() for h in sheet.header]
    rows = [["" if v is None else (str(v).strip() if not isinstance(v, float) or not v.is_integer()
                                   else str(int(v))) for v in r] for r in sheet.rows]
    return pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header)


def read_network(links: str | Path, firms: str | Path, *, require: Sequence[str] = ()) -> "SupplyNetwork":
    """Read and validate LINKS and FIRMS; ``require``: firm columns that must be there."""
    from ..core.network.network import SupplyNetwork

    links, firms = Path(links), Path(firms)
    fdf, _ = _with_columns(firms, require)
    ldf = read_strings(links)
    return SupplyNetwork.from_frames(fdf, ldf, firms_source=firms.name, links_source=links.name)


def read_essentiality(path: str | Path) -> "Essentiality":
    from ..core.network.network import Essentiality

    path = Path(path)
    return Essentiality.from_frame(read_strings(path), source=path.name)


def _with_columns(path: str | Path, columns: Sequence[str], hint: str = "") -> tuple[pd.DataFrame, ProblemCollector]:
    """The file's table, refused unless it has ``columns``; and a collector for the row checks."""
    path = Path(path)
    df = read_strings(path)
    pc = ProblemCollector(path.name)
    for col in columns:
        if col not in df.columns:
            pc.add(row=1, column=col, expected=f"a '{col}' column{hint}")
    pc.raise_if_any()
    return df, pc


def read_shock_file(path: str | Path) -> dict[str, float]:
    """A table with columns firm, psi (capacity lost in [0, 1]) -> {firm: psi}."""
    df, pc = _with_columns(path, ("firm", "psi"))
    v = pd.to_numeric(df["psi"], errors="coerce")
    for r in np.nonzero((v.isna() | (v < 0) | (v > 1)).to_numpy())[0].tolist():
        pc.add(row=r + 2, column="psi", value=df["psi"].iloc[r], expected="a number in [0, 1]")
    dup = df["firm"].duplicated()
    for r in np.nonzero(dup.to_numpy())[0].tolist():
        pc.add(row=r + 2, column="firm", value=df["firm"].iloc[r], expected="each firm once")
    pc.raise_if_any()
    return dict(zip(df["firm"].astype(str).str.strip(), v.astype(float)))


def read_esri_file(path: str | Path, firms: Sequence[str], firms_source: str = "the firms") -> np.ndarray:
    """ESRI values (as written by ``network esri --out``) in the order of ``firms``; every firm must
    be there once and be one of ``firms``."""
    df, pc = _with_columns(path, ("firm", "esri"), " (as written by network esri)")
    vals = pd.to_numeric(df["esri"], errors="coerce")
    for r in np.nonzero((vals.isna() | ~np.isfinite(vals.fillna(0))).to_numpy())[0].tolist():
        pc.add(row=r + 2, column="esri", value=df["esri"].iloc[r], expected="a finite number")
    known = {f: i for i, f in enumerate(map(str, firms))}
    for r, fcode in enumerate(df["firm"].astype(str).tolist()):
        if fcode not in known:
            pc.add(row=r + 2, column="firm", value=fcode, expected=f"a firm of {firms_source}")
    pc.raise_if_any()
    out = np.full(len(known), np.nan)
    out[[known[f] for f in df["firm"].astype(str)]] = vals.to_numpy(dtype=float)
    missing = np.flatnonzero(np.isnan(out))
    if len(missing):
        pc.add(row=None, column="firm", value=str(list(known)[missing[0]]),
               expected=f"every firm of {firms_source} ({len(missing)} missing)")
        pc.raise_if_any()
    return out


def read_trade(path: str | Path) -> tuple[pd.DataFrame, str]:
    """The trade table (product, partner, imports, exports) as strings, and its source name; the
    numbers are checked by ``core.network.chokepoints.strategic_dependencies``."""
    path = Path(path)
    return read_strings(path), path.name
