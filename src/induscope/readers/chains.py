"""Industrial chain definitions: nodes (with their upstream/downstream order) and the firms serving
each node. Two CSV files, or one XLSX workbook with sheets ``nodes`` and ``firms``. See
docs/formats.md.
"""
from __future__ import annotations

from pathlib import Path
from typing import Collection

import numpy as np
import pandas as pd

from ..errors import ProblemCollector
from .common import (EXCEL_SUFFIXES, as_text, duplicate_rows, industry_known, map_columns,
                     numeric_column, read_sheet, report_rows, sheet_names)

STAGES = {"upstream": "upstream", "midstream": "midstream", "downstream": "downstream",
          "上游": "upstream", "中游": "midstream", "下游": "downstream"}
ROLES = {"member": "member", "leader": "leader", "成员": "member", "链主": "leader", "龙头": "leader"}
NODE_ALIASES = {"链": "chain_id", "chain": "chain_id", "节点": "node_id", "node": "node_id",
                "节点名称": "name", "环节": "stage", "位置": "position", "上级": "parent",
                "feeds": "parent", "行业": "industry"}
FIRM_ALIASES = {"chain": "chain_id", "node": "node_id", "firm": "firm_id", "企业代码": "firm_id",
                "角色": "role"}


def read_chains(nodes_path: str | Path, firms_path: str | Path | None = None, *,
                known_firms: Collection[str] | None = None, encoding: str = "utf-8"
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read and validate chains. Returns (chains, chain_nodes, chain_node_firms) table rows.

    ``nodes_path`` may be an .xlsx with sheets 'nodes' and (optionally) 'firms'. ``known_firms``:
    firm ids a node may name (None: not checked). Raises ValidationError with every problem.
    """
    nodes_path = Path(nodes_path)
    pc = ProblemCollector(nodes_path.name)
    nodes_sheet = firms_sheet = None
    firms_file = Path(firms_path) if firms_path is not None else None
    if nodes_path.suffix.lower() in EXCEL_SUFFIXES and nodes_path.exists():
        names = sheet_names(nodes_path)
        if "nodes" in names:
            nodes_sheet = "nodes"
        if firms_file is None and "firms" in names:
            firms_file, firms_sheet = nodes_path, "firms"
    if firms_file is not None and firms_file.suffix.lower() in EXCEL_SUFFIXES and firms_sheet is None \
            and firms_file.exists() and "firms" in sheet_names(firms_file):
        firms_sheet = "firms"
    chains, nodes = _read_nodes(nodes_path, nodes_sheet, pc, encoding)
    links = pd.DataFrame(columns=["chain_id", "node_id", "firm_id", "role"])
    if firms_file is not None:
        links = _read_node_firms(firms_file, firms_sheet, pc, encoding, nodes, known_firms)
    pc.raise_if_any()
    return chains, nodes, links


def _read_nodes(path: Path, sheet: str | None, pc: ProblemCollector, encoding: str
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    empty = pd.DataFrame(columns=["chain_id", "node_id", "name", "stage", "position", "parent", "industry"])
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        return pd.DataFrame(columns=["chain_id", "name", "description"]), empty
    src = sh.source
    req = ["chain_id", "node_id", "name", "stage", "position"]
    cols, _ = map_columns(sh, pc, required=req,
                          optional=["parent", "industry", "chain_name", "chain_description"],
                          aliases=NODE_ALIASES)
    if any(c not in cols for c in req):
        return pd.DataFrame(columns=["chain_id", "name", "description"]), empty
    df = sh.frame(cols)
    for c in ("chain_id", "node_id", "name"):
        df[c] = as_text(df[c])
        report_rows(pc, df, (df[c] == "").to_numpy(), c, f"a {c.replace('_', ' ')} (the cell is empty)",
                    source=src)
    dup = duplicate_rows(pc, df, ["chain_id", "node_id"], "node id within its chain", source=src)
    stage = as_text(df["stage"])
    norm = stage.map(lambda s: STAGES.get(s.lower(), STAGES.get(s)))
    report_rows(pc, df, norm.isna().to_numpy(), "stage",
                "one of upstream, midstream, downstream (上游, 中游, 下游)", source=src)
    df["stage"] = norm.where(norm.notna(), stage)
    pos = numeric_column(pc, df, "position", required=True, min_value=0, integer=True,
                         what="a position (0 = most upstream)", source=src)
    df["position"] = pos
    df["parent"] = as_text(df["parent"]) if "parent" in df else ""
    df["industry"] = as_text(df["industry"]) if "industry" in df else ""
    for k, codes in enumerate(df["industry"]):
        for code in [c.strip().upper() for c in str(codes).replace("，", ",").split(",") if c.strip()]:
            if not industry_known(pd.Series([code]))[0]:
                pc.add(row=int(df["_row"].iat[k]), column="industry", value=code, source=src,
                       expected="GB/T 4754-2017 codes separated by commas (e.g. '3612,3670')")
    df["industry"] = df["industry"].map(lambda s: ",".join(c.strip().upper() for c in
                                                           s.replace("，", ",").split(",") if c.strip()))
    keep = df[~dup]
    _check_graph(pc, keep, src)
    # one row per chain
    chain_rows = []
    for cid, g in keep.groupby("chain_id", sort=False):
        names = {v for v in (as_text(g["chain_name"]) if "chain_name" in g else []) if v}
        descs = {v for v in (as_text(g["chain_description"]) if "chain_description" in g else []) if v}
        if len(names) > 1:
            pc.add(row=int(g["_row"].iat[0]), column="chain_name", value=sorted(names), source=src,
                   expected=f"one name for chain {cid}")
        if len(descs) > 1:
            pc.add(row=int(g["_row"].iat[0]), column="chain_description", value=sorted(descs),
                   source=src, expected=f"one description for chain {cid}")
        chain_rows.append({"chain_id": cid, "name": min(names) if names else cid,
                           "description": min(descs) if descs else None})
    chains = pd.DataFrame(chain_rows, columns=["chain_id", "name", "description"])
    nodes = keep[["chain_id", "node_id", "name", "stage", "position", "parent", "industry", "_row"]].copy()
    nodes["parent"] = nodes["parent"].replace("", None)
    nodes["industry"] = nodes["industry"].replace("", None)
    return chains, nodes.reset_index(drop=True)


def _check_graph(pc: ProblemCollector, df: pd.DataFrame, src: str) -> None:
    """Parents must exist in the same chain, lie downstream (a larger position), and never loop."""
    for cid, g in df.groupby("chain_id", sort=False):
        ids = dict(zip(g["node_id"], range(len(g))))
        parent = dict(zip(g["node_id"], g["parent"]))
        rows = dict(zip(g["node_id"], g["_row"]))
        pos = dict(zip(g["node_id"], g["position"]))
        for nid, par in parent.items():
            if par and par not in ids:
                pc.add(row=int(rows[nid]), column="parent", value=par, source=src,
                       expected=f"the node id of another node of chain {cid} (or an empty cell)")
            elif par == nid:
                pc.add(row=int(rows[nid]), column="parent", value=par, source=src,
                       expected="a node other than the node itself")
        in_cycle: set[str] = set()
        for start in parent:
            path: list[str] = []
            seen: set[str] = set()
            cur = start
            while cur and cur in ids and cur not in seen and cur not in in_cycle:
                seen.add(cur)
                path.append(cur)
                cur = parent.get(cur) or ""
            if cur and cur in seen:
                cyc = path[path.index(cur):]
                if len(cyc) > 1 and not in_cycle.intersection(cyc):
                    in_cycle.update(cyc)
                    pc.add(row=int(rows[cyc[0]]), column="parent",
                           value=" -> ".join(cyc + [cyc[0]]), source=src,
                           expected=f"no cycle in chain {cid}: following 'parent' must end at a "
                                    "node without parent")
        for nid, par in parent.items():
            if par and par in ids and par != nid and nid not in in_cycle:
                if not (np.isnan(pos[nid]) or np.isnan(pos[par])) and pos[par] <= pos[nid]:
                    pc.add(row=int(rows[nid]), column="position", value=int(pos[nid]), source=src,
                           expected=f"a position smaller than its parent {par}'s ({int(pos[par])}): "
                                    "a node feeds a node further downstream")


def _read_node_firms(path: Path, sheet: str | None, pc: ProblemCollector, encoding: str,
                     nodes: pd.DataFrame, known_firms: Collection[str] | None) -> pd.DataFrame:
    empty = pd.DataFrame(columns=["chain_id", "node_id", "firm_id", "role"])
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        return empty
    src = sh.source
    cols, _ = map_columns(sh, pc, required=["chain_id", "node_id", "firm_id"], optional=["role"],
                          aliases=FIRM_ALIASES)
    if any(c not in cols for c in ("chain_id", "node_id", "firm_id")):
        return empty
    df = sh.frame(cols)
    for c in ("chain_id", "node_id", "firm_id"):
        df[c] = as_text(df[c])
        report_rows(pc, df, (df[c] == "").to_numpy(), c, f"a {c.replace('_', ' ')} (the cell is empty)",
                    source=src)
    node_keys = set(zip(nodes["chain_id"], nodes["node_id"]))
    unknown_node = np.array([(a, b) not in node_keys for a, b in zip(df["chain_id"], df["node_id"])],
                            dtype=bool) & (df["node_id"] != "").to_numpy()
    report_rows(pc, df, unknown_node, "node_id", "a node of that chain defined in the nodes file",
                source=src)
    if known_firms is not None:
        known = set(known_firms)
        unknown = ~df["firm_id"].isin(known).to_numpy() & (df["firm_id"] != "").to_numpy()
        report_rows(pc, df, unknown, "firm_id",
                    "the id of a firm already in the workspace (import the enterprises first)",
                    source=src)
    role = as_text(df["role"]) if "role" in df else pd.Series(["member"] * len(df), dtype=object)
    role = role.where(role != "", "member")
    norm = role.map(lambda s: ROLES.get(s.lower(), ROLES.get(s)))
    report_rows(pc, df.assign(role=role), norm.isna().to_numpy(), "role",
                "member or leader (成员, 链主)", source=src)
    df["role"] = norm.where(norm.notna(), role)
    duplicate_rows(pc, df, ["chain_id", "node_id", "firm_id"], "firm within its node", source=src)
    return df[["chain_id", "node_id", "firm_id", "role", "_row"]].reset_index(drop=True)
