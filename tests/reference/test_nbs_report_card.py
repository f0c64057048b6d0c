"""The 2022 report card (MIIT press conference, 2023-01-18): industry contributed 36% of GDP growth and
1.1 percentage points, manufacturing 0.8 points. Reproduced from the official preliminary growth
rates (official_figures_china_2021_2022.csv) and 2021 base-period levels; then the published growth
rates of the current vintage of the NBS quarterly export for 2022-2025. The figures we compute
that nobody publishes (current-vintage contributions and pulls, the official-file-only
contribution, the contribution's change between vintages) are pinned in
tests/regression/test_report_card_values.py.
"""
from __future__ import annotations

import pytest

from induscope.services.indicators import read_nbs_quarterly, report_card_table


@pytest.fixture(scope="module")
def card(report_card_2022_cards):
    return report_card_2022_cards


def test_published_figures_are_read_from_the_file(card):
    assert card["published"] == {"industry_contribution_pct": 36.0, "industry_pull_pp": 1.1,
                                 "manufacturing_pull_pp": 0.8}


def test_industry_contribution_2022_within_one_point(card):
    assert card["preliminary"]["industry_contribution_pct"] == pytest.approx(36.0, abs=1.0)


def test_industry_pull_2022_within_a_tenth(card):
    assert card["preliminary"]["industry_pull_pp"] == pytest.approx(1.1, abs=0.1)


def test_manufacturing_pull_2022_within_a_tenth(card):
    assert card["preliminary"]["manufacturing_pull_pp"] == pytest.approx(0.8, abs=0.1)


def test_pull_is_growth_of_gdp_times_contribution(card):
    c = card["preliminary"]
    assert c["industry_pull_pp"] == pytest.approx(c["whole_growth_pct"] * c["industry_contribution_pct"] / 100)


def test_inputs_are_listed_with_their_sources(card):
    inputs = {i.name: i for i in card["preliminary"].inputs}
    assert inputs["gdp_real_growth"].value == 3.0 and inputs["industry_real_growth"].value == 3.4
    assert inputs["manufacturing_real_growth"].value == 3.0 and "above designated size" in inputs[
        "manufacturing_real_growth"].note
    assert inputs["industry_base_level"].value == pytest.approx(369903.7)
    assert inputs["gdp_base_level"].value == pytest.approx(1173823.0)
    assert inputs["gdp_real_growth"].source.startswith("http")
    assert inputs["industry_base_level"].source == "nbs_quarterly_gdp_current_prices.csv"
    assert "current" in inputs["industry_base_level"].vintage and "preliminary" in inputs["gdp_real_growth"].vintage


def test_official_file_only_variant_is_reported_honestly(card):
    # without 2021 industry levels, the official file alone gives a base share estimate of 32.8%:
    # pull within 0.1 (its contribution, 37.1%, is pinned in tests/regression)
    c = card["official_only"]
    assert c["industry_pull_pp"] == pytest.approx(1.1, abs=0.1)
    assert c["manufacturing_pull_pp"] == pytest.approx(0.8, abs=0.1)


@pytest.mark.parametrize("year,gdp,industry", [(2022, 3.1, 2.3), (2023, 5.4, 3.8), (2024, 5.0, 5.5), (2025, 5.0, 5.8)])
def test_current_vintage_cards(card, year, gdp, industry):
    """The published growth rates of the current vintage (its contributions and pulls: tests/regression)."""
    c = card["current"][year]
    assert c["whole_growth_pct"] == pytest.approx(gdp)
    assert c["industry_growth_pct"] == pytest.approx(industry)


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
def test_three_sector_pulls_add_up_to_gdp_growth(card, year):
    c = card["current"][year]
    # published indices are rounded to 0.1: the sum is within a few hundredths of GDP growth
    assert c["three_sectors_pull_sum_pp"] == pytest.approx(c["whole_growth_pct"], abs=0.05)


def test_vintage_difference_2022(card):
    diff = card["vintage_difference"].set_index("figure")
    assert diff.loc["industry_growth_pct", "difference"] == pytest.approx(-1.1)
    assert diff.loc["whole_growth_pct", "difference"] == pytest.approx(0.1)


def test_table_has_one_row_per_card(card):
    t = report_card_table(card)
    assert list(t["card"])[:3] == ["published (MIIT 2023-01-18)", "preliminary", "official file only"]
    assert len(t) == 7


def test_nbs_export_parser(shared_data):
    q = read_nbs_quarterly(shared_data / "china_macro" / "nbs_quarterly_gdp_indices.csv")
    row = q[(q.sector == "industry") & (q.measure == "accumulated") & (q.period == "2022Q4")]
    assert row["value"].iloc[0] == 102.3 and row["kind"].iloc[0] == "index"
    assert {"gdp", "industry", "manufacturing", "finance", "primary"} <= set(q["sector"])
    assert q["period"].nunique() == 18
