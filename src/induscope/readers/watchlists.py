"""Watch-list items from a CSV/XLSX file (bulk ``monitor watch add LIST --file items.csv``).

Columns: ``kind`` (region, industry, enterprise, series) and ``code``, or for a series
``indicator, region, industry[, subject]``; optional ``label, target_growth``. One item per row.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .columns import map_columns
from .sheets import open_sheet

REQUIRED = ["kind"]
OPTIONAL = ["code", "label", "target_growth", "indicator", "region", "industry", "subject"]
ALIASES = {"类型": "kind", "代码": "code", "名称": "label", "目标": "target_growth", "target": "target_growth",
           "指标": "indicator", "地区": "region", "行业": "industry", "对象": "subject",
           "主体": "subject", "series_id": "subject"}


def read_watch_items(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None
                     ) -> list[dict[str, Any]]:
    """The items of a watch-list file as mappings (blank cells left out); ValidationError on a bad
    header, encoding or ragged row. The watch-list service checks the codes."""
    pc, sh = open_sheet(path, encoding=encoding, sheet=sheet)
    cols, _ = map_columns(sh, pc, required=REQUIRED, optional=OPTIONAL, aliases=ALIASES)
    pc.raise_if_any()
    frame = sh.frame(cols).drop(columns="_row")
    out = []
    for rec in frame.to_dict("records"):
        out.append({k: (str(v).strip() if v is not None else None) for k, v in rec.items()
                    if v is not None and str(v).strip() != ""})
    return out
