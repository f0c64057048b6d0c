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


def submissions_by_month(con, last: str, months: int = 24) -> pd.DataFrame:
    """Firms and reports received per month (monthly and daily reports), the ``months`` months up to ``last``."""
    return con.execute("""
        SELECT substr(period, 1, 7) AS month, count(DISTINCT firm_id) AS firms, count(*) AS reports
        FROM operating_reports WHERE substr(period, 1, 7) <= ?
        GROUP BY 1 ORDER BY 1 DESC LIMIT ?""", [last, months]).df().iloc[::-1].reset_index(drop=True)


def latest_month(con) -> str | None:
    row = con.execute("SELECT max(substr(period, 1, 7)) FROM operating_reports").fetchall()
    return row[0][0] if row and row[0][0] else None


def submission_status(con, month: str) -> pd.DataFrame:
    """Every firm expected to report in ``month`` (it reported before or in that month, or a watch
    list follows it) with what it sent for the month: metrics, reports, last submission time, and its
    latest reported month up to ``month``."""
    return con.execute("""
        WITH expected AS (
            SELECT DISTINCT firm_id FROM operating_reports WHERE substr(period, 1, 7) <= ?
            UNION SELECT code FROM watch_items WHERE kind = 'enterprise'),
        sent AS (
            SELECT firm_id, count(DISTINCT metric) AS metrics, count(*) AS reports,
                   max(submitted_at) AS submitted_at
            FROM operating_reports WHERE substr(period, 1, 7) = ? GROUP BY firm_id),
        last AS (
            SELECT firm_id, max(substr(period, 1, 7)) AS last_month, arg_max(region, period) AS region,
                   arg_max(industry, period) AS industry
            FROM operating_reports WHERE substr(period, 1, 7) <= ? GROUP BY firm_id)
        SELECT e.firm_id, en.name, coalesce(en.region, l.region) AS region,
               coalesce(en.industry, l.industry) AS industry, coalesce(s.metrics, 0) AS metrics,
               coalesce(s.reports, 0) AS reports, s.submitted_at, l.last_month
        FROM expected e LEFT JOIN sent s USING (firm_id) LEFT JOIN last l USING (firm_id)
        LEFT JOIN enterprises en USING (firm_id)
        ORDER BY (s.reports IS NULL) DESC, e.firm_id""", [month, month, month]).df()
