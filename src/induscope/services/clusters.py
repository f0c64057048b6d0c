"""Cluster use cases: import the registry, list, show with indicators.

Indicators of a cluster: members, revenue and its growth (members with last year's revenue,
``revenue_prev`` attribute), enterprises by size class (NBS 2017 industrial classes from employees
and revenue), chain nodes covered by members, open alerts on members. SME tiers join once the SME
issue lands.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import NotFoundError, ProblemCollector
from ..store import Workspace
from ..store import chains as sql


def import_clusters(ws: Workspace, path: str | Path, members_path: str | Path | None = None,
                    name: str | None = None, replace: bool = False, encoding: str = "utf-8") -> dict[str, Any]:
    """Validate the registry completely, then write it in one transaction."""
    from ..readers.chains import read_clusters
    from ..readers.columns import make_id
    from .imports import _claim, _dataset, _firm_ids, _missing_firms

    clusters, members = read_clusters(path, members_path, known_firms=_firm_ids(ws), encoding=encoding)
    did = make_id(name or Path(path).stem)
    src = Path(path).name + (f" + {Path(members_path).name}" if members_path else "")
    ws.ensure()
    with ws.writer() as con:
        replaced = _claim(con, did, "clusters", replace)
        if replaced:
            sql.delete_cluster_dataset(con, did)
        taken = sql.cluster_ids_taken(con, clusters["cluster_id"].tolist())
        if taken:
            pc = ProblemCollector(Path(path).name)
            for cid, owner in taken.items():
                pc.add(row=int(clusters.loc[clusters["cluster_id"] == cid, "_row"].iat[0]), column="cluster_id",
                       value=cid, expected=f"a cluster id not already in the workspace (it belongs to dataset "
                                           f"'{owner}')")
            pc.raise_if_any()
        if len(members):
            _missing_firms(con, members, ["firm_id"], Path(members_path or path).name)
        sql.insert_clusters(con, clusters, members, did)
        _dataset(con, did, "clusters", name or Path(path).stem, src, None, None, False,
                 {"clusters": len(clusters), "members": len(members)})
    return {"dataset_id": did, "kind": "clusters", "source": src, "clusters": clusters["cluster_id"].tolist(),
            "members": len(members), "replaced": replaced}


def list_clusters(ws: Workspace) -> pd.DataFrame:
    if not ws.exists():
        return pd.DataFrame(columns=["cluster_id", "name", "kind", "regions", "lead_industries", "members"])
    with ws.reader() as con:
        return sql.list_clusters(con)


def size_class(employees: Any, revenue: Any) -> str:
    """NBS (2017) industrial size class: large 1000+ employees and 40,000+ (10,000 CNY) revenue;
    medium 300+ and 2,000+; small 20+ and 300+; micro otherwise."""
    e = float(employees) if employees is not None and employees == employees else np.nan
    r = float(revenue) if revenue is not None and revenue == revenue else np.nan
    if np.isnan(e) or np.isnan(r):
        return "unknown"
    if e >= 1000 and r >= 40000:
        return "large"
    if e >= 300 and r >= 2000:
        return "medium"
    if e >= 20 and r >= 300:
        return "small"
    return "micro"


def show_cluster(ws: Workspace, cluster_id: str) -> dict[str, Any]:
    allc = list_clusters(ws)
    hit = allc[allc["cluster_id"] == cluster_id]
    if hit.empty:
        raise NotFoundError(f"no cluster {cluster_id!r}; clusters: {', '.join(allc['cluster_id']) or 'none'}")
    c = hit.iloc[0]
    with ws.reader() as con:
        mem = sql.cluster_members(con, cluster_id)
        nodes = sql.all_node_firms(con)
        alerts = sql.open_alerts_on(con, mem["firm_id"].tolist())
    rev = pd.to_numeric(mem["revenue"], errors="coerce")
    prev = pd.to_numeric(mem["revenue_prev"], errors="coerce")
    both = rev.notna() & prev.notna()
    growth = float(rev[both].sum() / prev[both].sum() - 1.0) if both.any() and prev[both].sum() > 0 else None
    sizes = [size_class(e, r) for e, r in zip(mem["employees"], mem["revenue"])]
    covered = nodes[nodes["firm_id"].isin(set(mem["firm_id"]))].groupby(["chain_id", "node_id"]).size() \
        .rename("members").reset_index()
    return {"cluster_id": cluster_id, "name": c["name"], "kind": c["kind"], "regions": c["regions"],
            "lead_industries": c["lead_industries"], "members": len(mem),
            "revenue": float(rev.sum()), "revenue_unit": "10,000 CNY",
            "revenue_growth": growth, "growth_basis": f"{int(both.sum())} members with last year's revenue",
            "by_size_class": pd.Series(sizes, dtype=object).value_counts().to_dict(),
            "chain_nodes_covered": covered, "open_alerts": len(alerts), "alerts": alerts,
            "sme_tiers": "not yet available (SME tier evaluation lands with the SME issue)"}
