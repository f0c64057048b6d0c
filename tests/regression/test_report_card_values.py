"""Pinned computed values of the 2022 report card: figures our formulas give that nobody publishes.

The published figures (MIIT's 36 %, 1.1 and 0.8 points; the NBS growth rates of each vintage) are
checked in tests/reference/test_nbs_report_card.py. The values below are the contributions and
pulls we compute on the current NBS vintage, the contribution from the official file alone, and the
contribution's change between vintages: they are what the code gave when they were pinned, so a
change here is a change of method or data handling, to be explained (docs/monitoring.md).
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("year,contribution,pull", [
    (2022, 23.38, 0.72), (2023, 22.16, 1.20), (2024, 33.33, 1.67), (2025, 34.81, 1.74),
])
def test_current_vintage_contribution_and_pull(report_card_2022_cards, year, contribution, pull):
    c = report_card_2022_cards["current"][year]
    assert c["industry_contribution_pct"] == pytest.approx(contribution, abs=0.01)
    assert c["industry_pull_pp"] == pytest.approx(pull, abs=0.01)


def test_official_file_only_contribution(report_card_2022_cards):
    # without 2021 industry levels the base share is estimated at 32.8 %: contribution 37.1 %
    assert report_card_2022_cards["official_only"]["industry_contribution_pct"] == pytest.approx(37.14, abs=0.01)


def test_vintage_difference_of_the_2022_contribution(report_card_2022_cards):
    diff = report_card_2022_cards["vintage_difference"].set_index("figure")
    assert diff.loc["industry_contribution_pct", "difference"] == pytest.approx(-12.33, abs=0.01)
    assert diff.loc["industry_base_share_pct", "difference"] == 0.0
