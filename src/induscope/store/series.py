"""SQL for series (one home), and the one place that states the as-of-vintage rule.

For each observation (indicator, region, industry, period, price basis) the row with the latest
vintage on or before ``vintage`` is the value (the latest vintage of all when ``vintage`` is None).
Reading functions take a Workspace, a Session or a writer's connection.
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd

from .workspace import Source, query_frame, query_rows

COLUMNS = "indicator, region, industry, period, freq, value, unit, price_basis, vintage"


def series_as_of(src: Source, indicator: str, *, price_basis: str | None = None,
                 regions: Sequence[str] | None = None, industries: Sequence[str] | None = None,
                 periods: Sequence[str] | None = None, vintage: str | None = None,
                 start: str | None = None, end: str | None = None, limit: int | None = None) -> pd.DataFrame:
    where, params = ["indicator = ?"], [indicator]

    def add(clause: str, *values: Any) -> None:
        where.append(clause)
        params.extend(values)

    if price_basis is not None:
        add("price_basis = ?", price_basis)
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
           "QUALIFY row_number() OVER (PARTITION BY indicator, region, industry, period, price_basis "
           "ORDER BY vintage DESC) = 1 ORDER BY region, industry, price_basis, period")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return query_frame(src, sql, params)


def has_subject(src: Source, indicator: str, region: str, industry: str) -> bool:
    """Whether any row of ``indicator`` is stored for exactly this region and industry."""
    return bool(query_rows(src, "SELECT count(*) FROM series WHERE indicator = ? AND region = ? AND industry = ?",
                           [indicator, region, industry])[0][0])


def price_bases(src: Source, indicator: str, region: str | None = None, industry: str | None = None) -> list[str]:
    """The price bases stored for ``indicator`` (of one exact region and industry when given)."""
    sql, params = "SELECT DISTINCT price_basis FROM series WHERE indicator = ?", [indicator]
    if region is not None:
        sql += " AND region = ? AND industry = ?"
        params += [region, industry]
    return [str(r[0]) for r in query_rows(src, sql + " ORDER BY 1", params)]


def indicator_names(src: Source) -> list[str]:
    """Every indicator with monthly rows (the candidates a nowcast can draw on)."""
    return [str(r[0]) for r in query_rows(src, "SELECT DISTINCT indicator FROM series WHERE freq = 'M' "
                                               "ORDER BY 1")]


def latest_monthly_period(src: Source, *, excluding: str) -> str | None:
    """The newest month stored for any indicator other than ``excluding`` (None when there is none)."""
    rows = query_rows(src, "SELECT max(period) FROM series WHERE freq = 'M' AND indicator <> ?", [excluding])
    return None if not rows or rows[0][0] is None else str(rows[0][0])
