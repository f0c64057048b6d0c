"""Industrial chain definitions: nodes (with their upstream/downstream order) and the firms serving
each node. Two CSV files, or one XLSX workbook with sheets ``nodes`` and ``firms``. Also the
cluster registry and node-verdict rule files. See docs/formats.md and docs/chains.md.

A node may feed several downstream nodes: ``parent`` holds their ids separated by commas
(``ic08 -> ic09,ic10,ic11``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Collection

import numpy as np
import pandas as pd

from ..errors import Problem, ProblemCollector, ValidationError
from .columns import (as_text, duplicate_rows, industry_known, map_columns, numeric_column,
                      report_rows)
from .sheets import EXCEL_SUFFIXES, read_sheet, sheet_names

STAGES = {"upstream": "upstream", "midstream": "midstream", "downstream": "downstream",
          "上游": "upstream", "中游": "midstream", "下游": "downstream"}
ROLES = {"member": "member", "leader": "leader", "成员": "member", "链主": "leader", "龙头": "leader"}
NODE_ALIASES = {"链": "chain_id", "chain": "chain_id", "节点": "node_id", "node": "node_id",
                "节点名称": "name", "环节": "stage", "位置": "position", "上级": "parent",
                "feeds": "parent", "行业": "industry", "关键核心技术": "key_core", "进口": "imports",
                "出口": "exports", "国内产出": "domestic_output", "海关编码": "hs_codes", "hs": "hs_codes",
                "投入产出部门": "io_sector"}
FIRM_ALIASES = {"chain": "chain_id", "node": "node_id", "firm": "firm_id", "企业代码": "firm_id",
                "角色": "role", "产出": "output", "产能": "capacity"}
NODE_OPTIONAL = ["key_core", "imports", "exports", "domestic_output", "hs_codes", "io_sector"]
NODE_COLUMNS = ["chain_id", "node_id", "name", "stage", "position", "parent", "industry"] + NODE_OPTIONAL
YES = {"yes", "y", "true", "1", "是", "t"}
NO = {"no", "n", "false", "0", "否", "f"}


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
    links = pd.DataFrame(columns=["chain_id", "node_id", "firm_id", "role", "output", "capacity"])
    if firms_file is not None:
        links = _read_node_firms(firms_file, firms_sheet, pc, encoding, nodes, known_firms)
    pc.raise_if_any()
    return chains, nodes, links


def _read_nodes(path: Path, sheet: str | None, pc: ProblemCollector, encoding: str
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    empty = pd.DataFrame(columns=NODE_COLUMNS)
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        return pd.DataFrame(columns=["chain_id", "name", "description"]), empty
    src = sh.source
    req = ["chain_id", "node_id", "name", "stage", "position"]
    cols, _ = map_columns(sh, pc, required=req,
                          optional=["parent", "industry", "chain_name", "chain_description"] + NODE_OPTIONAL,
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
    df["parent"] = df["parent"].map(lambda s: ",".join(t.strip() for t in str(s).replace("，", ",")
                                                       .split(",") if t.strip()))
    _optional_node_columns(pc, df, src)
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
    nodes = keep[NODE_COLUMNS + ["_row"]].copy()
    for c in ("parent", "industry", "hs_codes", "io_sector"):
        nodes[c] = pd.Series([v if isinstance(v, str) and v else None for v in nodes[c]],
                             index=nodes.index, dtype=object)
    return chains, nodes.reset_index(drop=True)


def _optional_node_columns(pc: ProblemCollector, df: pd.DataFrame, src: str) -> None:
    """key_core (yes/no), imports/exports/domestic_output (>= 0), hs_codes (2-10 digits), io_sector."""
    from .. import reference

    kc = as_text(df["key_core"]) if "key_core" in df else pd.Series([""] * len(df), index=df.index)
    low = kc.str.lower()
    report_rows(pc, df.assign(key_core=kc), (~low.isin(YES | NO | {""})).to_numpy(), "key_core",
                "yes or no (是 / 否), or an empty cell", source=src)
    df["key_core"] = [True if v in YES else False if v in NO else None for v in low]
    for c in ("imports", "exports", "domestic_output"):
        if c in df:
            num = numeric_column(pc, df, c, min_value=0, what=f"{c.replace('_', ' ')} in 10,000 CNY",
                                 source=src)
            df[c] = [None if not np.isfinite(v) else float(v) for v in num]
        else:
            df[c] = None
    hs = as_text(df["hs_codes"]) if "hs_codes" in df else pd.Series([""] * len(df), index=df.index)
    norm_hs = []
    for k, text in enumerate(hs):
        codes = [t.strip().replace(".", "") for t in text.replace("，", ",").replace(";", ",").split(",")
                 if t.strip()]
        for code in codes:
            if not (code.isdigit() and 2 <= len(code) <= 10):
                pc.add(row=int(df["_row"].iat[k]), column="hs_codes", value=code, source=src,
                       expected="HS codes of 2 to 10 digits separated by commas (e.g. '8507,850760')")
        norm_hs.append(",".join(codes))
    df["hs_codes"] = norm_hs
    io = as_text(df["io_sector"]) if "io_sector" in df else pd.Series([""] * len(df), index=df.index)
    io = io.map(lambda s: "0" + s if len(s) == 1 and s.isdigit() else s)
    known = set(reference.nbs_io42_sectors()["code"].astype(str))
    report_rows(pc, df.assign(io_sector=io), (~io.isin(known) & (io != "")).to_numpy(), "io_sector",
                "an NBS 42-sector input-output code 01..42 (or an empty cell)", source=src)
    df["io_sector"] = io


def _check_graph(pc: ProblemCollector, df: pd.DataFrame, src: str) -> None:
    """Each node fed (``parent``, comma-separated) must exist in the same chain, lie downstream (a
    larger position), and following 'feeds' must never come back to a node."""
    for cid, g in df.groupby("chain_id", sort=False):
        ids = set(g["node_id"])
        feeds = {n: [t for t in str(p).split(",") if t] for n, p in zip(g["node_id"], g["parent"])}
        rows = dict(zip(g["node_id"], g["_row"]))
        pos = dict(zip(g["node_id"], g["position"]))
        ok_edges: dict[str, list[str]] = {n: [] for n in feeds}
        for nid, pars in feeds.items():
            for par in pars:
                if par not in ids:
                    pc.add(row=int(rows[nid]), column="parent", value=par, source=src,
                           expected=f"the node id of another node of chain {cid} (or an empty cell); "
                                    "several ids separated by commas")
                elif par == nid:
                    pc.add(row=int(rows[nid]), column="parent", value=par, source=src,
                           expected="a node other than the node itself")
                else:
                    ok_edges[nid].append(par)
        # cycles: depth-first search, report each cycle once
        state: dict[str, int] = {}
        in_cycle: set[str] = set()

        def visit(start: str) -> None:
            stack = [(start, iter(ok_edges[start]))]
            path = [start]
            state[start] = 1
            while stack:
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    state[node] = 2
                    stack.pop()
                    path.pop()
                    continue
                if state.get(nxt) == 1:
                    cyc = path[path.index(nxt):]
                    if not in_cycle.intersection(cyc):
                        in_cycle.update(cyc)
                        pc.add(row=int(rows[cyc[0]]), column="parent",
                               value=" -> ".join(cyc + [cyc[0]]), source=src,
                               expected=f"no cycle in chain {cid}: following 'parent' must end at a "
                                        "node without parent")
                elif state.get(nxt) is None:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, iter(ok_edges[nxt])))

        for n in feeds:
            if n not in state:
                visit(n)
        for nid, pars in ok_edges.items():
            if nid in in_cycle:
                continue
            for par in pars:
                if not (np.isnan(pos[nid]) or np.isnan(pos[par])) and pos[par] <= pos[nid]:
                    pc.add(row=int(rows[nid]), column="position", value=int(pos[nid]), source=src,
                           expected=f"a position smaller than its parent {par}'s ({int(pos[par])}): "
                                    "a node feeds a node further downstream")


def _read_node_firms(path: Path, sheet: str | None, pc: ProblemCollector, encoding: str,
                     nodes: pd.DataFrame, known_firms: Collection[str] | None) -> pd.DataFrame:
    empty = pd.DataFrame(columns=["chain_id", "node_id", "firm_id", "role", "output", "capacity"])
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    if sh is None:
        return empty
    src = sh.source
    cols, _ = map_columns(sh, pc, required=["chain_id", "node_id", "firm_id"],
                          optional=["role", "output", "capacity"],
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
    for c in ("output", "capacity"):
        if c in df:
            num = numeric_column(pc, df, c, min_value=0, what=f"annual {c} in 10,000 CNY", source=src)
            df[c] = [None if not np.isfinite(v) else float(v) for v in num]
        else:
            df[c] = None
    return df[["chain_id", "node_id", "firm_id", "role", "output", "capacity", "_row"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# cluster registry
# ---------------------------------------------------------------------------------------------
CLUSTER_KINDS = {"advanced_manufacturing": "advanced_manufacturing", "advanced-manufacturing":
                 "advanced_manufacturing", "先进制造业集群": "advanced_manufacturing",
                 "sme_characteristic": "sme_characteristic", "sme-characteristic": "sme_characteristic",
                 "中小企业特色产业集群": "sme_characteristic"}
CLUSTER_ALIASES = {"集群": "cluster_id", "cluster": "cluster_id", "集群名称": "name", "type": "kind",
                   "类型": "kind", "地区": "regions", "region": "regions", "主导产业": "lead_industries",
                   "members": "members", "成员企业": "members"}


def region_code(text: object) -> str | None:
    """A province (code or name) or a city / county code (6 digits in a known province) -> its
    GB/T 2260 code; None when unknown. The reference data names provinces only."""
    from .. import reference

    code = reference.normalize_region(text, allow_nation=False)
    if code is not None:
        return code
    t = str(text or "").strip()
    if len(t) == 6 and t.isdigit() and reference.is_known_region(t[:2] + "0000"):
        return t
    return None


def _split(text: str) -> list[str]:
    return [t.strip() for t in str(text).replace("，", ",").replace(";", ",").replace("；", ",").split(",")
            if t.strip()]


def read_clusters(path: str | Path, members_path: str | Path | None = None, *,
                  known_firms: Collection[str] | None = None, encoding: str = "utf-8"
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a cluster registry: cluster_id, name, kind (advanced_manufacturing or
    sme_characteristic), regions (GB/T 2260 codes or names, comma-separated), lead_industries
    (GB/T 4754 codes), optional members (firm ids). Members may also come as a second file (or an
    XLSX sheet 'members') with cluster_id, firm_id. Returns (clusters, members); ValidationError
    lists every problem."""
    path = Path(path)
    pc = ProblemCollector(path.name)
    sheet = mem_sheet = None
    mem_file = Path(members_path) if members_path is not None else None
    if path.suffix.lower() in EXCEL_SUFFIXES and path.exists():
        names = sheet_names(path)
        sheet = "clusters" if "clusters" in names else None
        if mem_file is None and "members" in names:
            mem_file, mem_sheet = path, "members"
    cl_cols = ["cluster_id", "name", "kind", "regions", "lead_industries"]
    clusters = pd.DataFrame(columns=cl_cols)
    members = pd.DataFrame(columns=["cluster_id", "firm_id", "_row", "_source"])
    sh = read_sheet(path, pc, encoding=encoding, sheet=sheet)
    mem_rows: list[dict] = []
    if sh is not None:
        src = sh.source
        cols, _ = map_columns(sh, pc, required=["cluster_id", "name", "kind", "regions"],
                              optional=["lead_industries", "members"], aliases=CLUSTER_ALIASES)
        if all(c in cols for c in ("cluster_id", "name", "kind", "regions")):
            df = sh.frame(cols)
            for c in ("cluster_id", "name"):
                df[c] = as_text(df[c])
                report_rows(pc, df, (df[c] == "").to_numpy(), c, f"a cluster {c.split('_')[-1]} (the cell "
                            "is empty)", source=src)
            dup = duplicate_rows(pc, df, ["cluster_id"], "cluster id", source=src)
            kind = as_text(df["kind"])
            norm = kind.map(lambda s: CLUSTER_KINDS.get(s.lower(), CLUSTER_KINDS.get(s)))
            report_rows(pc, df.assign(kind=kind), norm.isna().to_numpy(), "kind",
                        "advanced_manufacturing or sme_characteristic (先进制造业集群, 中小企业特色产业集群)",
                        source=src)
            df["kind"] = norm
            regions_out, inds_out = [], []
            lead = as_text(df["lead_industries"]) if "lead_industries" in df else pd.Series([""] * len(df))
            for k in range(len(df)):
                row = int(df["_row"].iat[k])
                regs = _split(df["regions"].iat[k] if df["regions"].iat[k] is not None else "")
                if not regs:
                    pc.add(row=row, column="regions", value=None, source=src,
                           expected="one or more regions (GB/T 2260 codes or names), comma-separated")
                codes = [region_code(r) for r in regs]
                bad = [c is None for c in codes]
                for r, b in zip(regs, bad):
                    if b:
                        pc.add(row=row, column="regions", value=r, source=src,
                               expected="a GB/T 2260 region code or name (e.g. 320500 or 苏州市)")
                regions_out.append([c for c, b in zip(codes, bad) if not b])
                inds = [c.upper() for c in _split(lead.iat[k])]
                for code in inds:
                    if not industry_known(pd.Series([code]))[0]:
                        pc.add(row=row, column="lead_industries", value=code, source=src,
                               expected="GB/T 4754-2017 codes separated by commas")
                inds_out.append(inds)
                if "members" in df:
                    for f in _split(df["members"].iat[k] or ""):
                        mem_rows.append({"cluster_id": df["cluster_id"].iat[k], "firm_id": f, "_row": row,
                                         "_source": src, "_column": "members"})
            df["regions"] = regions_out
            df["lead_industries"] = inds_out
            clusters = df[~dup][cl_cols + ["_row"]].reset_index(drop=True)
    if mem_file is not None:
        msh = read_sheet(mem_file, pc, encoding=encoding, sheet=mem_sheet)
        if msh is not None:
            cols, _ = map_columns(msh, pc, required=["cluster_id", "firm_id"], optional=[],
                                  aliases={"cluster": "cluster_id", "firm": "firm_id", "企业代码": "firm_id"})
            if all(c in cols for c in ("cluster_id", "firm_id")):
                m = msh.frame(cols)
                for k in range(len(m)):
                    mem_rows.append({"cluster_id": str(m["cluster_id"].iat[k] or "").strip(),
                                     "firm_id": str(m["firm_id"].iat[k] or "").strip(),
                                     "_row": int(m["_row"].iat[k]), "_source": msh.source, "_column": None})
    known_ids = set(clusters["cluster_id"])
    seen: set[tuple[str, str]] = set()
    keep = []
    for r in mem_rows:
        col = r["_column"]
        if not r["firm_id"]:
            pc.add(row=r["_row"], column=col or "firm_id", value=None, source=r["_source"],
                   expected="a firm id (the cell is empty)")
            continue
        if r["cluster_id"] not in known_ids:
            pc.add(row=r["_row"], column=col or "cluster_id", value=r["cluster_id"], source=r["_source"],
                   expected="a cluster id of the registry")
            continue
        if known_firms is not None and r["firm_id"] not in known_firms:
            pc.add(row=r["_row"], column=col or "firm_id", value=r["firm_id"], source=r["_source"],
                   expected="the id of a firm already in the workspace (import the enterprises first)")
            continue
        key = (r["cluster_id"], r["firm_id"])
        if key in seen:
            pc.add(row=r["_row"], column=col or "firm_id", value=r["firm_id"], source=r["_source"],
                   expected="a firm listed once per cluster")
            continue
        seen.add(key)
        keep.append(r)
    if keep:
        members = pd.DataFrame(keep)[["cluster_id", "firm_id", "_row", "_source"]]
    pc.raise_if_any()
    return clusters, members


# ---------------------------------------------------------------------------------------------
# node verdict rules
# ---------------------------------------------------------------------------------------------
def read_rules(path: str | Path) -> dict:
    """A node-verdict rule set from a JSON file (see core.chains.rules); located errors."""
    import json

    from ..core.chains.rules import validate_rules

    path = Path(path)
    if not path.exists():
        raise ValidationError([Problem(path.name, None, None, None, "an existing JSON rule file")])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        line = getattr(e, "lineno", None)
        raise ValidationError([Problem(path.name, line, None, str(e)[:120], "valid UTF-8 JSON")]) from None
    return validate_rules(data, source=path.name)
