"""Enterprise operating reports: all the SQL of the ``operating_reports`` table (and the firm
look-ups the reports need). Functions take an open DuckDB connection."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from .workspace import insert_frame

COLUMNS = ["firm_id", "period", "freq", "metric", "value", "unit", "region", "industry", "vintage", "source"]


def firm_places(con) -> pd.DataFrame:
    """Region and industry of every registered enterprise, indexed by firm id."""
    return con.execute("SELECT firm_id, region, industry FROM enterprises").df().set_index("firm_id")


def firm_known(con, firm_id: str) -> bool:
    """True when the firm is registered or has reported."""
    return bool(con.execute("SELECT (SELECT count(*) FROM enterprises WHERE firm_id = ?) + "
                            "(SELECT count(*) FROM operating_reports WHERE firm_id = ?)",
                            [firm_id, firm_id]).fetchall()[0][0])


def reporting_firms(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT firm_id FROM operating_reports ORDER BY 1").fetchall()]


def latest_for(con, keys: pd.DataFrame) -> pd.DataFrame:
    """The latest stored vintage of each (firm_id, period, metric) in ``keys``."""
    con.register("_incoming_reports", keys[["firm_id", "period", "metric"]].drop_duplicates())
    try:
        return con.execute("""
            SELECT o.firm_id, o.period, o.metric, o.value, o.vintage FROM operating_reports o
            JOIN _incoming_reports i USING (firm_id, period, metric)
            QUALIFY row_number() OVER (PARTITION BY o.firm_id, o.period, o.metric ORDER BY o.vintage DESC) = 1
        """).df()
    finally:
        con.unregister("_incoming_reports")


def insert(con, rows: pd.DataFrame) -> int:
    return insert_frame(con, "operating_reports", rows)


def reports_as_of(con, metric: str, vintage: str | None = None, firms: Sequence[str] | None = None
                  ) -> pd.DataFrame:
    """Reports of one metric as known at ``vintage`` (the latest vintage <= it per firm and period)."""
    sql = ("SELECT firm_id, period, freq, value, region, industry, vintage FROM operating_reports "
           "WHERE metric = ?" + (" AND vintage <= ?" if vintage else "") +
           (f" AND firm_id IN ({', '.join('?' for _ in firms)})" if firms else "") +
           " QUALIFY row_number() OVER (PARTITION BY firm_id, period ORDER BY vintage DESC) = 1")
    return con.execute(sql, [metric] + ([vintage] if vintage else []) + list(firms or [])).df()
