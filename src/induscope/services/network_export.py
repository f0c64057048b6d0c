"""Use case: the workspace's enterprises and supply links as the network commands' input files.

Writes LINKS.csv, FIRMS.csv and E.csv (the inputs of ``induscope network esri|scenario|chokepoints|
alternatives``) from the workspace. Firms are grouped by their NBS 42-sector input-output product
(from the GB/T 4754 division of their industry code), and the essentiality matrix is derived from an
input-output table of the workspace, because survey-based essentiality ratings (like the IHS Markit
matrix of Pichler et al. 2022) do not exist for China's classification:

  E[k, l] = 2 (essential)  if product k is at least ``essential_share`` of sector l's intermediate inputs
  E[k, l] = 1 (linear)     if sector l buys any of product k
  E[k, l] = 0              otherwise

This is a proxy (large input shares are the inputs a plant cannot run without more often than small
ones); replace E.csv with expert ratings where they exist.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import reference
from ..errors import InputError, NotFoundError
from ..store import Session, Workspace
from ..store import io_tables as io_sql
from ..store import networks as network_sql
from .imports import load_io_table


def essentiality_from_table(Z: np.ndarray, sectors: list[str], essential_share: float) -> pd.DataFrame:
    """E (rows = supplier product, columns = buying sector) from intermediate flows Z."""
    if not 0.0 < essential_share <= 1.0:
        raise InputError(f"essential_share must lie in (0, 1], got {essential_share}")
    inputs = Z.sum(axis=0)
    share = np.divide(Z, inputs[None, :], out=np.zeros_like(Z), where=inputs[None, :] > 0)
    E = np.where(share >= essential_share, 2, np.where(Z > 0, 1, 0))
    return pd.DataFrame(E, index=pd.Index(sectors, name="industry"), columns=sectors)


@dataclass(frozen=True)
class WorkspaceNetwork:
    """The workspace's firm network as the frames the network commands read from files."""

    firms: pd.DataFrame          # firm, industry (NBS 42-sector IO product), region, revenue
    links: pd.DataFrame          # supplier, customer, value (10,000 CNY per year)
    essentiality: pd.DataFrame   # E: rows = supplier product, columns = buying sector
    table_id: str
    essential_share: float
    names: dict[str, str] = field(default_factory=dict)   # firm id -> name

    @property
    def source(self) -> str:
        return f"workspace (IO table {self.table_id})"


def workspace_network(ws: Workspace | Session, *, table_id: str | None = None,
                      essential_share: float = 0.10) -> WorkspaceNetwork:
    """The workspace's enterprises and supply links, with E derived from one of its IO tables
    (``table_id``, default the first), all read from one snapshot."""
    if not ws.exists():
        return _workspace_network(ws, table_id, essential_share)
    with ws.session() as s:
        return _workspace_network(s, table_id, essential_share)


def _workspace_network(ws: Workspace | Session, table_id: str | None,
                       essential_share: float) -> WorkspaceNetwork:
    ws_tables = ws.tables() if ws.exists() else {}
    if not ws_tables.get("enterprises") or not ws_tables.get("supply_links"):
        raise NotFoundError("the workspace has no enterprises or supply links: import them first "
                            "(induscope import enterprises / import links), build the demo, or give "
                            "--links, --firms and --essentiality files")
    if table_id is None:
        ids = io_sql.table_ids(ws)
        if not ids:
            raise NotFoundError("no input-output table in the workspace to derive essentiality from; "
                                "import one (induscope import io) or pass your own --essentiality E.csv")
        table_id = ids[0]
    table = load_io_table(ws, table_id)
    if len(table.regions) != 1:
        raise InputError(f"table {table_id!r} is multi-regional; essentiality needs a single-region table")
    sectors = list(table.sectors)
    Z = table.Z if table.Zm is None else table.Z + table.Zm  # technology: domestic and imported inputs

    firms = network_sql.network_firms(ws)
    names = dict(zip(firms["firm"].astype(str), firms["name"].astype(str)))
    firms = firms.drop(columns=["name"])
    division_to_io = reference.io42_division_concordance().set_index("division")["io42"]
    firms["industry"] = firms["industry"].str[:2].map(division_to_io)
    unmapped = firms["industry"].isna()
    if unmapped.any():
        raise InputError(f"{int(unmapped.sum())} enterprise(s) have an industry code outside GB/T 4754 "
                         f"divisions, e.g. {firms.loc[unmapped, 'firm'].iloc[0]}")
    if set(firms["industry"]) - set(sectors):
        raise InputError(f"table {table_id!r} is not on the NBS 42-sector classification the firms map to")
    links = network_sql.aggregated_links(ws)
    E = essentiality_from_table(Z, sectors, essential_share)
    return WorkspaceNetwork(firms, links, E, table_id, essential_share, names)


def export_network(ws: Workspace, out_dir: str | Path, *, table_id: str | None = None,
                   essential_share: float = 0.10) -> dict[str, Any]:
    """Write LINKS.csv, FIRMS.csv, E.csv for the workspace's firm network into ``out_dir``.

    Each file is written to a temporary name and renamed into place."""
    from .._files import atomic_file

    net = workspace_network(ws, table_id=table_id, essential_share=essential_share)
    firms, links, E, table_id = net.firms, net.links, net.essentiality, net.table_id
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame, index in (("LINKS.csv", links, False), ("FIRMS.csv", firms, False), ("E.csv", E, True)):
        with atomic_file(out / name) as tmp:
            frame.to_csv(tmp, index=index)
        written[name] = str(out / name)
    essential = int((E.to_numpy() == 2).sum())
    with atomic_file(out / "README.json") as tmp:
        tmp.write_text(json.dumps({
            "from_workspace": str(ws.home), "io_table": table_id, "essential_share": essential_share,
            "firms": len(firms), "links": len(links), "essential_pairs": essential,
            "note": "E is derived from input shares of the IO table (a proxy for expert essentiality ratings)",
        }, ensure_ascii=False, indent=2), encoding="utf-8")
    return {"out": str(out), "files": written, "firms": len(firms), "links": len(links),
            "industries": len(E.columns), "io_table": table_id, "essential_share": essential_share,
            "essential_pairs": essential}
