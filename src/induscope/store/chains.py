"""SQL for chains, their nodes and node firms, and the cluster registry (one home)."""
from __future__ import annotations

import json
from typing import Any

import duckdb
import pandas as pd

from .workspace import insert_frame

NODE_COLS = ["chain_id", "node_id", "name", "stage", "position", "parent", "industry", "io_sector",
             "hs_codes", "key_core", "imports", "exports", "domestic_output"]
FIRM_COLS = ["chain_id", "node_id", "firm_id", "role", "output", "capacity"]


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).fetchdf()


# --- chains ---------------------------------------------------------------------------------------
def delete_chain_dataset(con: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    old = "(SELECT chain_id FROM chains WHERE dataset_id = ?)"
    con.execute(f"DELETE FROM chain_node_firms WHERE chain_id IN {old}", [dataset_id])
    con.execute(f"DELETE FROM chain_nodes WHERE chain_id IN {old}", [dataset_id])
    con.execute("DELETE FROM chains WHERE dataset_id = ?", [dataset_id])


def insert_chains(con: duckdb.DuckDBPyConnection, chains: pd.DataFrame, nodes: pd.DataFrame,
                  firms: pd.DataFrame, dataset_id: str) -> None:
    insert_frame(con, "chains", chains[["chain_id", "name", "description"]].assign(dataset_id=dataset_id))
    n = nodes.copy()
    for c in NODE_COLS:
        if c not in n:
            n[c] = None
    n = n[NODE_COLS]
    n["position"] = n["position"].astype(int)
    insert_frame(con, "chain_nodes", n)
    if len(firms):
        f = firms.copy()
        for c in FIRM_COLS:
            if c not in f:
                f[c] = None
        insert_frame(con, "chain_node_firms", f[FIRM_COLS])


def chain_ids_taken(con: duckdb.DuckDBPyConnection, chain_ids: list[str]) -> dict[str, str]:
    """chain id -> dataset id, for the given ids already stored."""
    if not chain_ids:
        return {}
    marks = ",".join("?" * len(chain_ids))
    rows = con.execute(f"SELECT chain_id, dataset_id FROM chains WHERE chain_id IN ({marks})",
                       list(chain_ids)).fetchall()
    return {r[0]: r[1] for r in rows}


def list_chains(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _df(con, """
        SELECT c.chain_id, c.name, c.dataset_id, d.vintage,
               (SELECT count(*) FROM chain_nodes n WHERE n.chain_id = c.chain_id) AS nodes,
               (SELECT count(DISTINCT firm_id) FROM chain_node_firms f WHERE f.chain_id = c.chain_id) AS firms,
               (SELECT string_agg(DISTINCT firm_id, ',') FROM chain_node_firms f
                 WHERE f.chain_id = c.chain_id AND f.role = 'leader') AS leaders
        FROM chains c LEFT JOIN datasets d USING (dataset_id) ORDER BY c.chain_id""")


def read_chain(con: duckdb.DuckDBPyConnection, chain_id: str
               ) -> tuple[dict[str, Any] | None, pd.DataFrame, pd.DataFrame]:
    row = con.execute("SELECT chain_id, name, description, dataset_id FROM chains WHERE chain_id = ?",
                      [chain_id]).fetchall()
    if not row:
        return None, pd.DataFrame(columns=NODE_COLS), pd.DataFrame(columns=FIRM_COLS)
    meta = dict(zip(["chain_id", "name", "description", "dataset_id"], row[0]))
    nodes = _df(con, f"SELECT {', '.join(NODE_COLS)} FROM chain_nodes WHERE chain_id = ? "
                     "ORDER BY position, node_id", [chain_id])
    firms = _df(con, f"SELECT {', '.join(FIRM_COLS)} FROM chain_node_firms WHERE chain_id = ? "
                     "ORDER BY node_id, firm_id", [chain_id])
    nodes = nodes.astype(object).where(nodes.notna(), None)
    firms = firms.astype(object).where(firms.notna(), None)
    return meta, nodes, firms


def chains_of_dataset(con: duckdb.DuckDBPyConnection, dataset_id: str) -> list[str]:
    return [r[0] for r in con.execute("SELECT chain_id FROM chains WHERE dataset_id = ? ORDER BY chain_id",
                                      [dataset_id]).fetchall()]


def all_node_firms(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _df(con, "SELECT chain_id, node_id, firm_id FROM chain_node_firms")


# --- enterprises, links, tables as the chain services need them ------------------------------------
def enterprises(con: duckdb.DuckDBPyConnection, firm_ids: list[str] | None = None) -> pd.DataFrame:
    sql = ("SELECT firm_id, name, region, industry, revenue, employees, "
           "json_extract_string(attributes, '$.io42_sector') AS io42_sector, "
           "TRY_CAST(json_extract_string(attributes, '$.revenue_prev') AS DOUBLE) AS revenue_prev "
           "FROM enterprises")
    if firm_ids is None:
        return _df(con, sql + " ORDER BY firm_id")
    if not len(firm_ids):
        return _df(con, sql + " WHERE false")
    con.register("_want", pd.DataFrame({"firm_id": pd.Series([str(f) for f in firm_ids], dtype=object)}))
    try:
        return _df(con, sql + " WHERE firm_id IN (SELECT firm_id FROM _want) ORDER BY firm_id")
    finally:
        con.unregister("_want")


def newest_noncompetitive_table(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT table_id FROM io_tables WHERE import_type = 'non-competitive' "
                       "AND json_array_length(regions) = 1 "
                       "ORDER BY year DESC NULLS LAST, table_id DESC LIMIT 1").fetchall()
    return rows[0][0] if rows else None


def newest_single_region_table(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT table_id FROM io_tables WHERE json_array_length(regions) = 1 "
                       "ORDER BY year DESC NULLS LAST, table_id DESC LIMIT 1").fetchall()
    return rows[0][0] if rows else None


# --- clusters -----------------------------------------------------------------------------------
def delete_cluster_dataset(con: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    con.execute("DELETE FROM cluster_members WHERE cluster_id IN "
                "(SELECT cluster_id FROM clusters WHERE dataset_id = ?)", [dataset_id])
    con.execute("DELETE FROM clusters WHERE dataset_id = ?", [dataset_id])


def cluster_ids_taken(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r[0]: r[1] for r in con.execute(
        f"SELECT cluster_id, dataset_id FROM clusters WHERE cluster_id IN ({marks})", list(ids)).fetchall()}


def insert_clusters(con: duckdb.DuckDBPyConnection, clusters: pd.DataFrame, members: pd.DataFrame,
                    dataset_id: str) -> None:
    c = clusters[["cluster_id", "name", "kind"]].copy()
    c["regions"] = [json.dumps(list(v)) for v in clusters["regions"]]
    c["lead_industries"] = [json.dumps(list(v)) for v in clusters["lead_industries"]]
    c["dataset_id"] = dataset_id
    insert_frame(con, "clusters", c)
    if len(members):
        insert_frame(con, "cluster_members", members[["cluster_id", "firm_id"]])


def list_clusters(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    df = _df(con, """SELECT c.cluster_id, c.name, c.kind, c.regions, c.lead_industries, c.dataset_id,
                            (SELECT count(*) FROM cluster_members m WHERE m.cluster_id = c.cluster_id) AS members
                     FROM clusters c ORDER BY c.cluster_id""")
    for col in ("regions", "lead_industries"):
        df[col] = [json.loads(v) if v else [] for v in df[col]]
    return df


def cluster_members(con: duckdb.DuckDBPyConnection, cluster_id: str) -> pd.DataFrame:
    return _df(con, """SELECT e.firm_id, e.name, e.region, e.industry, e.revenue, e.employees,
                              TRY_CAST(json_extract_string(e.attributes, '$.revenue_prev') AS DOUBLE) AS revenue_prev
                       FROM cluster_members m JOIN enterprises e USING (firm_id)
                       WHERE m.cluster_id = ? ORDER BY e.firm_id""", [cluster_id])


def open_alerts_on(con: duckdb.DuckDBPyConnection, firm_ids: list[str]) -> pd.DataFrame:
    subjects = [f"enterprise:{f}" for f in firm_ids]
    if not subjects:
        return pd.DataFrame(columns=["alert_id", "subject", "indicator", "level", "reason"])
    con.register("_subj", pd.DataFrame({"subject": subjects}))
    try:
        return _df(con, "SELECT alert_id, subject, indicator, level, reason FROM alerts "
                        "WHERE status = 'open' AND subject IN (SELECT subject FROM _subj) ORDER BY alert_id")
    finally:
        con.unregister("_subj")


def sme_tiers(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """firm -> its highest valid SME tier certificate (little_giant > srdi > innovative); {} when the
    workspace has no certificate table."""
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'sme_certificates'"
                      ).fetchall()[0][0]
    if not has:
        return {}
    rows = con.execute("""SELECT firm_id, tier FROM sme_certificates WHERE status = 'valid'
                          AND expires >= current_date""").fetchall()
    rank = {"innovative": 1, "srdi": 2, "little_giant": 3}
    out: dict[str, str] = {}
    for firm, tier in rows:
        if rank.get(tier, 0) > rank.get(out.get(firm, ""), 0):
            out[firm] = tier
    return out
