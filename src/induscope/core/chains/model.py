"""The chain model: a directed graph of nodes from upstream to downstream, and the firms serving them.

A node may feed several downstream nodes (``feeds``: a tuple of node ids; the stored ``parent``
column holds them comma-separated) and be fed by several. Node attributes: segment (stage),
position (0 = most upstream), GB/T 4754 classes, IO sector, HS codes, key-core-technology flag and
optional trade and output figures (imports, exports, domestic output, 10,000 CNY). Node firms:
firm id, role (member / leader), optional output and capacity (10,000 CNY a year).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ...errors import NotFoundError

NODE_COLUMNS = ["node_id", "name", "stage", "position", "parent", "industry", "io_sector", "key_core",
                "imports", "exports", "domestic_output", "hs_codes"]
FIRM_COLUMNS = ["node_id", "firm_id", "role", "output", "capacity"]


def split_ids(text: Any) -> tuple[str, ...]:
    """'ic09, ic10，ic11' -> ('ic09', 'ic10', 'ic11'); None/'' -> ()."""
    if text is None or (isinstance(text, float) and text != text):
        return ()
    return tuple(t.strip() for t in str(text).replace("，", ",").split(",") if t.strip())


@dataclass(frozen=True, eq=False)
class Chain:
    """One chain. ``nodes``: one row per node (NODE_COLUMNS); ``firms``: one row per (node, firm)."""

    chain_id: str
    name: str
    nodes: pd.DataFrame
    firms: pd.DataFrame
    description: str | None = None

    def __post_init__(self) -> None:
        nodes = self.nodes.copy()
        for c in NODE_COLUMNS:
            if c not in nodes:
                nodes[c] = None
        firms = self.firms.copy()
        for c in FIRM_COLUMNS:
            if c not in firms:
                firms[c] = None if c != "role" else "member"
        object.__setattr__(self, "nodes", nodes.sort_values(["position", "node_id"], kind="stable")
                           .reset_index(drop=True))
        object.__setattr__(self, "firms", firms.reset_index(drop=True))

    # --- graph ---------------------------------------------------------------------------------
    @cached_property
    def node_ids(self) -> list[str]:
        return self.nodes["node_id"].astype(str).tolist()

    @cached_property
    def feeds(self) -> dict[str, tuple[str, ...]]:
        """node -> the downstream nodes it feeds."""
        return {n: split_ids(p) for n, p in zip(self.node_ids, self.nodes["parent"])}

    @cached_property
    def fed_by(self) -> dict[str, tuple[str, ...]]:
        """node -> the upstream nodes feeding it."""
        out: dict[str, list[str]] = {n: [] for n in self.node_ids}
        for n, ds in self.feeds.items():
            for d in ds:
                if d in out:
                    out[d].append(n)
        return {k: tuple(v) for k, v in out.items()}

    def edges(self) -> list[tuple[str, str]]:
        """(upstream node, downstream node) pairs."""
        return [(n, d) for n in self.node_ids for d in self.feeds[n]]

    def _closure(self, start: str, step: dict[str, tuple[str, ...]]) -> list[str]:
        self.node(start)
        seen: list[str] = []
        todo = list(step[start])
        while todo:
            n = todo.pop(0)
            if n not in seen and n != start:
                seen.append(n)
                todo.extend(step.get(n, ()))
        return seen

    def downstream_of(self, node_id: str) -> list[str]:
        """Every node reached by following 'feeds' from ``node_id`` (not itself)."""
        return self._closure(node_id, self.feeds)

    def upstream_of(self, node_id: str) -> list[str]:
        return self._closure(node_id, self.fed_by)

    def node(self, node_id: str) -> pd.Series:
        hit = self.nodes[self.nodes["node_id"] == node_id]
        if hit.empty:
            raise NotFoundError(f"chain {self.chain_id!r} has no node {node_id!r}; nodes: "
                                f"{', '.join(self.node_ids)}")
        return hit.iloc[0]

    def firms_of(self, node_id: str) -> pd.DataFrame:
        return self.firms[self.firms["node_id"] == node_id]

    @cached_property
    def leaders(self) -> list[str]:
        return sorted(set(self.firms.loc[self.firms["role"] == "leader", "firm_id"].astype(str)))

    @cached_property
    def firm_ids(self) -> list[str]:
        return sorted(set(self.firms["firm_id"].astype(str)))

    def has_trade(self, node_id: str) -> bool:
        n = self.node(node_id)
        return _num(n["imports"]) is not None and _num(n["domestic_output"]) is not None

    def to_dict(self) -> dict[str, Any]:
        return {"chain_id": self.chain_id, "name": self.name, "description": self.description,
                "nodes": self.nodes, "edges": [{"from": a, "to": b} for a, b in self.edges()],
                "firms": self.firms, "leaders": self.leaders}


def _num(v: Any) -> float | None:
    """A finite float or None (missing cells arrive as None or NaN)."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def province_of(region: Any) -> str:
    """A GB/T 2260 code's province: '320500' -> '320000'."""
    r = str(region or "")
    return r[:2] + "0000" if len(r) >= 2 else r


def region_prefix(code: str) -> str:
    """The code prefix a region covers: province '320000' -> '32', city '320500' -> '3205',
    county '320505' -> '320505'."""
    code = str(code)
    if len(code) != 6:
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code
