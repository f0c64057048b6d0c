"""SME cultivation tables: certificates, major-change reports, the digital-transformation registry,
and the enterprise attributes the tier rules read. All the SQL of the SME domain lives here.

Functions take an open DuckDB connection (a reader or the writer's transaction).
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from .workspace import insert_frame

CERT_COLUMNS = ("cert_id", "firm_id", "name", "tier", "rule_set", "region", "industry", "issued", "expires",
                "status", "revoked_on", "revoke_cause", "batch", "dataset_id")
CHANGE_COLUMNS = ("change_id", "firm_id", "kind", "occurred", "due", "reported", "note", "dataset_id")
REGISTRY_COLUMNS = ("item_id", "kind", "name", "firm_id", "region", "industry", "year", "list_name", "status",
                    "dataset_id")


def replace_certificates(con, frame: pd.DataFrame, dataset_id: str) -> int:
    """Replace the certificates of one dataset (an import is a snapshot of a certificate list)."""
    con.execute("DELETE FROM sme_certificates WHERE dataset_id = ?", [dataset_id]).fetchall()
    return insert_frame(con, "sme_certificates", frame.assign(dataset_id=dataset_id)[list(CERT_COLUMNS)])


def existing_cert_ids(con, ids: Sequence[str], other_than_dataset: str) -> list[str]:
    if not ids:
        return []
    con.register("_ids", pd.DataFrame({"cert_id": list(ids)}))
    try:
        return [r[0] for r in con.execute(
            "SELECT c.cert_id FROM sme_certificates c JOIN _ids USING (cert_id) WHERE c.dataset_id IS DISTINCT FROM ?",
            [other_than_dataset]).fetchall()]
    finally:
        con.unregister("_ids")


def certificates(con, *, tier: str | None = None) -> pd.DataFrame:
    sql = f"SELECT {', '.join(CERT_COLUMNS)} FROM sme_certificates"
    params: list[Any] = []
    if tier:
        sql += " WHERE tier = ?"
        params.append(tier)
    return con.execute(sql + " ORDER BY expires, firm_id, tier", params).df()


def certificates_with_context(con) -> pd.DataFrame:
    """Certificates with the enterprise's region/industry (when the certificate lacks them), its chain
    nodes and clusters (comma-separated), for pipeline statistics."""
    return con.execute("""
        SELECT c.cert_id, c.firm_id, c.tier, c.issued, c.expires, c.status, c.revoked_on,
               coalesce(c.region, e.region, '') AS region,
               coalesce(nullif(c.industry, ''), e.industry, '') AS industry,
               coalesce((SELECT string_agg(DISTINCT n.chain_id || ':' || n.node_id, ',')
                         FROM chain_node_firms n WHERE n.firm_id = c.firm_id), '') AS chain_node,
               coalesce((SELECT string_agg(DISTINCT m.cluster_id, ',')
                         FROM cluster_members m WHERE m.firm_id = c.firm_id), '') AS cluster
        FROM sme_certificates c LEFT JOIN enterprises e ON e.firm_id = c.firm_id
        ORDER BY c.cert_id""").df()


def cert_exists(con, cert_id: str) -> dict[str, Any] | None:
    rows = con.execute("SELECT cert_id, status, issued, revoked_on FROM sme_certificates WHERE cert_id = ?",
                       [cert_id]).fetchall()
    return None if not rows else dict(zip(("cert_id", "status", "issued", "revoked_on"), rows[0]))


def revoke(con, cert_id: str, day, cause: str) -> None:
    con.execute("UPDATE sme_certificates SET status = 'revoked', revoked_on = ?, revoke_cause = ? WHERE cert_id = ?",
                [day, cause, cert_id]).fetchall()


def next_change_id(con) -> str:
    n = con.execute("SELECT count(*) FROM sme_changes").fetchall()[0][0]
    return f"CH{int(n) + 1:06d}"


def insert_change(con, row: dict[str, Any]) -> None:
    insert_frame(con, "sme_changes", pd.DataFrame([{k: row.get(k) for k in CHANGE_COLUMNS}]))


def changes(con) -> pd.DataFrame:
    return con.execute(f"SELECT {', '.join(CHANGE_COLUMNS)} FROM sme_changes ORDER BY due, firm_id").df()


def replace_registry(con, frame: pd.DataFrame, dataset_id: str) -> int:
    con.execute("DELETE FROM dt_registry WHERE dataset_id = ?", [dataset_id]).fetchall()
    return insert_frame(con, "dt_registry", frame.assign(dataset_id=dataset_id)[list(REGISTRY_COLUMNS)])


def registry(con, *, kind: str | None = None) -> pd.DataFrame:
    sql = f"SELECT {', '.join(REGISTRY_COLUMNS)} FROM dt_registry"
    params: list[Any] = []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    return con.execute(sql + " ORDER BY year, kind, item_id", params).df()


def enterprises(con, firm_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Enterprises with their attributes JSON (as text) for tier evaluation."""
    sql = "SELECT firm_id, name, region, industry, revenue, employees, CAST(attributes AS VARCHAR) AS attributes " \
          "FROM enterprises"
    params: list[Any] = []
    if firm_ids:
        sql += f" WHERE firm_id IN ({', '.join('?' for _ in firm_ids)})"
        params += list(firm_ids)
    return con.execute(sql + " ORDER BY firm_id", params).df()


def upsert_dataset(con, row: dict[str, Any]) -> None:
    con.execute("DELETE FROM datasets WHERE dataset_id = ?", [row["dataset_id"]]).fetchall()
    insert_frame(con, "datasets", pd.DataFrame([row]))
