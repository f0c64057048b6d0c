"""Pinned computed values: the per-year alert counts of the China backtest (2008-2025).

The counts are what our early-warning rules give on the published series (they are not published
anywhere), so they are a regression check, not a reference: docs/monitoring.md shows them, and this
test fails when a change of rules or data handling changes them, so that the table is regenerated
and the change explained. The checks against published facts (red in January-February 2020 and
April 2022, quiet calm years) stay in tests/reference/test_china_alerts.py, whose backtest this reuses.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from reference.test_china_alerts import china_backtest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "monitoring.md"


def counts_markdown(counts: pd.DataFrame) -> str:
    """The table as docs/monitoring.md writes it (one row per year, alerts by peak level)."""
    lines = ["| year | blue | yellow | orange | red | total |", "|---|---|---|---|---|---|"]
    for r in counts.itertuples():
        lines.append(f"| {r.year} | {r.blue} | {r.yellow} | {r.orange} | {r.red} | {r.total} |")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def result(shared_data):
    return china_backtest(shared_data)


def test_docs_table_matches_the_computed_counts(result):
    text = DOCS.read_text(encoding="utf-8")
    m = re.search(r"<!-- china-alert-counts:start -->\n(.*?)\n<!-- china-alert-counts:end -->", text, re.S)
    assert m, "docs/monitoring.md lacks the china-alert-counts table"
    assert m.group(1).strip() == counts_markdown(result["counts"]).strip()
