"""NBS-method indicators (pure): growth (YoY, YTD, two-year average, CAGR), shares, contribution and
pull, aggregation over hierarchies, the January-February merge, vintages, FRED-MD transformations."""
from .aggregate import Hierarchy, aggregate_growth, aggregate_levels, growth_by_aggregation
from .contribution import ContributionModel, ContributionResult
from .figures import IndicatorSeries
from .growth import (cagr, chain_levels, merge_jan_feb, shares, two_year_average,
                     two_year_average_from_rates, yoy, yoy_from_index, ytd, ytd_from_rates)
from .periods import Period, canonical, parse_period, shift_year
from .reportcard import PartSpec, ReportCardResult, ReportInput, compare_vintages, report_card
from .transforms import TCODES, fred_transform
from .vintages import select_vintage, vintage_label

__all__ = [
    "Hierarchy", "aggregate_growth", "aggregate_levels", "growth_by_aggregation",
    "ContributionModel", "ContributionResult", "IndicatorSeries",
    "cagr", "chain_levels", "merge_jan_feb", "shares", "two_year_average", "two_year_average_from_rates",
    "yoy", "yoy_from_index", "ytd", "ytd_from_rates",
    "Period", "canonical", "parse_period", "shift_year",
    "PartSpec", "ReportCardResult", "ReportInput", "compare_vintages", "report_card",
    "TCODES", "fred_transform", "select_vintage", "vintage_label",
]
