"""SQL for series (one home), and the one place that states the as-of-vintage rule.

For each observation (indicator, region, industry, subject, period, price basis) the row with the
latest vintage on or before ``vintage`` is the value (the latest vintage of all when ``vintage`` is
None). A series is identified by (indicator, region, industry, subject); ``subject`` '' is the region x
industry series itself, any other value a series of its own (a park, a cluster, a key enterprise's
index, a chain node, a free series id) that is never summed into the region's or industry's totals.
Reading functions select one subject ('' unless told), or every subject with ``subject=None``.
Reading functions take a Workspace, a Session or a writer's connection.
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from .workspace import Source, query_frame, query_rows

COLUMNS = "indicator, region, industry, subject, period, freq, value, unit, price_basis, vintage"


def series_as_of(src: Source, indicator: str, *, price_basis: str | None = None,
                 regions: Sequence[str] | None = None, industries: Sequence[str] | None = None,
                 periods: Sequence[str] | None = None, vintage: str | None = None,
                 start: str | None = None, end: str | None = None, limit: int | None = None,
                 subject: str | None = "") -> pd.DataFrame:
    """Rows as of ``vintage``, of one subject ('' = the plain region x industry series; None = all)."""
    where, params = ["indicator = ?"], [indicator]

    def add(clause: str, *values: Any) -> None:
        where.append(clause)
        params.extend(values)

    if price_basis is not None:
        add("price_basis = ?", price_basis)
    if subject is not None:
        add("subject = ?", subject)
    for column, codes in (("region", regions), ("industry", industries), ("period", periods)):
        if codes is not None:
            add(f"{column} IN ({', '.join('?' for _ in codes)})", *codes)
    if vintage is not None:
        add("vintage <= ?", vintage)
    if start is not None:
        add("period >= ?", start)
    if end is not None:
        add("period <= ?", end)
    sql = (f"SELECT {COLUMNS} FROM series WHERE {' AND '.join(where)} "
           "QUALIFY row_number() OVER (PARTITION BY indicator, region, industry, subject, period, price_basis "
           "ORDER BY vintage DESC) = 1 ORDER BY region, industry, subject, price_basis, period")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return query_frame(src, sql, params)


def has_subject(src: Source, indicator: str, region: str, industry: str, subject: str = "") -> bool:
    """Whether any row of ``indicator`` is stored for exactly this region, industry and subject."""
    return bool(query_rows(src, "SELECT count(*) FROM series WHERE indicator = ? AND region = ? AND industry = ? "
                                "AND subject = ?", [indicator, region, industry, subject])[0][0])


def price_bases(src: Source, indicator: str, region: str | None = None, industry: str | None = None,
                subject: str | None = "") -> list[str]:
    """The price bases stored for ``indicator`` (of one exact region and industry when given), among the
    rows of ``subject`` ('' = the plain region x industry series; None = any subject)."""
    sql, params = "SELECT DISTINCT price_basis FROM series WHERE indicator = ?", [indicator]
    if subject is not None:
        sql += " AND subject = ?"
        params.append(subject)
    if region is not None:
        sql += " AND region = ? AND industry = ?"
        params += [region, industry]
    return [str(r[0]) for r in query_rows(src, sql + " ORDER BY 1", params)]


def count_subject_rows(src: Source, indicator: str, subject: str, regions: Sequence[str],
                       industries: Sequence[str]) -> int:
    """How many rows of ``indicator`` with ``subject`` are stored for these regions and industries."""
    sql = (f"SELECT count(*) FROM series WHERE indicator = ? AND subject = ? "
           f"AND region IN ({', '.join('?' for _ in regions)}) AND industry IN ({', '.join('?' for _ in industries)})")
    return int(query_rows(src, sql, [indicator, subject, *regions, *industries])[0][0])


def subjects_of(src: Source, indicator: str, region: str | None = None, industry: str | None = None) -> list[str]:
    """The non-empty subjects stored for ``indicator`` (of one region and industry when given)."""
    sql, params = "SELECT DISTINCT subject FROM series WHERE indicator = ? AND subject <> ''", [indicator]
    for column, code in (("region", region), ("industry", industry)):
        if code is not None:
            sql += f" AND {column} = ?"
            params.append(code)
    return [str(r[0]) for r in query_rows(src, sql + " ORDER BY 1", params)]


def indicator_names(src: Source) -> list[str]:
    """Every indicator with monthly rows (the candidates a nowcast can draw on)."""
    return [str(r[0]) for r in query_rows(src, "SELECT DISTINCT indicator FROM series WHERE freq = 'M' "
                                               "ORDER BY 1")]


def latest_monthly_period(src: Source, *, excluding: str) -> str | None:
    """The newest month stored for any indicator other than ``excluding`` (None when there is none)."""
    rows = query_rows(src, "SELECT max(period) FROM series WHERE freq = 'M' AND indicator <> ?", [excluding])
    return None if not rows or rows[0][0] is None else str(rows[0][0])
