import pytest

from induscope.core.indicators.periods import canonical, parse_period, shift_year, sort_periods


@pytest.mark.parametrize("label,expected", [
    ("2008年02月份", "2008-02"), ("2008年2月", "2008-02"), ("2024-3", "2024-03"), ("2024-03", "2024-03"),
    ("2025年第1季度", "2025Q1"), ("2024年第1-4季度", "2024Q4"), ("1Q 2026", "2026Q1"), ("2024Q2", "2024Q2"),
    ("2024", "2024"), ("2024年", "2024"), ("2024-03-15", "2024-03-15"),
])
def test_canonical_labels(label, expected):
    assert canonical(label) == expected


@pytest.mark.parametrize("bad", ["2024-13", "March 2024", "", "2024Q5", "2024-02-30x"])
def test_bad_labels_raise_with_the_label(bad):
    with pytest.raises(ValueError, match="not a period label"):
        parse_period(bad)


def test_shift_and_sort():
    assert shift_year("2024-02") == "2023-02"
    assert shift_year("2024Q3", -2) == "2022Q3"
    assert sort_periods(["2024-10", "2024-02", "2023-12"]) == ["2023-12", "2024-02", "2024-10"]
    assert parse_period("2024-03").ordinal() - parse_period("2023-12").ordinal() == 3
