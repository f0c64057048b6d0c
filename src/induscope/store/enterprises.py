"""SQL for enterprises (one home). Reading functions take a Workspace, a Session or a connection."""
from __future__ import annotations

import pandas as pd

from .workspace import Source, query_frame, query_rows

LIST_COLUMNS = "firm_id, name, region, industry, revenue, employees, founded"


def list_enterprises(src: Source, *, region: str | None = None, industry_prefix: str | None = None,
                     limit: int = 100, offset: int = 0) -> pd.DataFrame:
    where, params = [], []
    if region:
        where.append("region = ?")
        params.append(region)
    if industry_prefix:
        where.append("starts_with(industry, ?)")
        params.append(industry_prefix)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return query_frame(src, f"SELECT {LIST_COLUMNS} FROM enterprises {clause} ORDER BY firm_id LIMIT ? OFFSET ?",
                       params + [int(limit), int(offset)])


def get_enterprise(src: Source, firm_id: str) -> pd.DataFrame:
    """The enterprise's row (every column; empty when unknown)."""
    return query_frame(src, "SELECT * FROM enterprises WHERE firm_id = ?", [firm_id])


def firm_ids(src: Source) -> set[str]:
    return {r[0] for r in query_rows(src, "SELECT firm_id FROM enterprises")}


def orphaned_firms(src: Source) -> list[tuple[str, str]]:
    """(table, firm id) for supply links and chain memberships naming a firm that is not stored."""
    return query_rows(src, """
        SELECT 'supply_links' AS tbl, firm FROM (
            SELECT supplier AS firm FROM supply_links UNION SELECT customer FROM supply_links)
        WHERE firm NOT IN (SELECT firm_id FROM enterprises)
        UNION ALL
        SELECT 'chain_node_firms', firm_id FROM chain_node_firms
        WHERE firm_id NOT IN (SELECT firm_id FROM enterprises)
        ORDER BY 2""")


def firm_names(src: Source) -> dict[str, str]:
    """firm id -> name, for every enterprise."""
    return {str(f): str(n) for f, n in query_rows(src, "SELECT firm_id, name FROM enterprises")}
