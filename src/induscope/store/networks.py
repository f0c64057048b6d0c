"""SQL for the firm network: enterprises as nodes, supply links as edges (one home)."""
from __future__ import annotations

import pandas as pd

from .workspace import Source, query_frame


def network_firms(src: Source) -> pd.DataFrame:
    """Every enterprise as a network node: firm, name, industry, region, revenue."""
    return query_frame(src, "SELECT firm_id AS firm, name, industry, region, revenue FROM enterprises "
                            "ORDER BY firm_id")


def aggregated_links(src: Source) -> pd.DataFrame:
    """Supply links summed over products: supplier, customer, value (10,000 CNY a year)."""
    return query_frame(src, "SELECT supplier, customer, sum(value) AS value FROM supply_links "
                            "GROUP BY supplier, customer ORDER BY supplier, customer")
