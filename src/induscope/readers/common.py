"""Transition shim: what ``readers/common.py`` held now lives in one home each.

- ``readers.sheets``: opening CSV/XLSX files, encodings, limits (``Sheet``, ``read_sheet``, ...)
- ``readers.columns``: header mapping, numbers, periods, codes, problem reports, duplicate rows
- ``induscope.units``: the one table of units and conversions
- ``induscope.reference``: the one region and industry normaliser

Import from those modules; this file re-exports them only until every reader has moved.
"""
from __future__ import annotations

from ..reference import NATION_ALIASES  # noqa: F401
from ..units import (CNY_10K, EUR_MILLION, USD_MILLION, Unit, accepted_units,  # noqa: F401
                     check_usd_cny, resolve_unit, unit_expected)
from .columns import (MISSING_TOKENS, as_text, duplicate_rows, industry_known,  # noqa: F401
                      is_missing, make_id, map_columns, map_unique, normalize_code, normalize_regions,
                      numeric_column, numeric_grid, parse_numbers, report_rows, strip_section,
                      year_from_name)
from .sheets import (EXCEL_SUFFIXES, TEXT_SUFFIXES, Sheet, decode_text, display_name,  # noqa: F401
                     open_sheet, parse_csv_text, read_sheet, sheet_names)
