"""The one table of units (induscope.units): every importer and the report reader resolve here."""
from __future__ import annotations

import numpy as np
import pytest

from induscope import units
from induscope.errors import InputError
from induscope.units import convert_factor, resolve_unit


@pytest.mark.parametrize("spelled,canon,factor", [
    ("10,000 CNY", "10,000 CNY", 1.0), ("万元", "10,000 CNY", 1.0), ("10000 cny", "10,000 CNY", 1.0),
    ("10k CNY", "10,000 CNY", 1.0),
    ("100 million CNY", "10,000 CNY", 1e4), ("亿元", "10,000 CNY", 1e4),
    ("CNY", "10,000 CNY", 1e-4), ("元", "10,000 CNY", 1e-4), ("RMB", "10,000 CNY", 1e-4),
    ("千元", "10,000 CNY", 0.1), ("million CNY", "10,000 CNY", 100.0),
    ("USD million", "USD million", 1.0), ("Mill USD", "USD million", 1.0), ("美元", "USD million", 1e-6),
    ("M.EUR", "EUR million", 1.0),
])
def test_monetary_units(spelled, canon, factor):
    u = resolve_unit(spelled)
    assert u.canonical == canon and u.factor == pytest.approx(factor) and u.monetary


def test_usd_with_exchange_rate_goes_to_10000_cny():
    u = resolve_unit("USD million", usd_cny=7.2)
    assert u.canonical == "10,000 CNY" and u.factor == pytest.approx(720.0)  # 1e6 USD = 7.2e6 CNY
    assert resolve_unit("亿元", usd_cny=7.2).factor == 1e4  # CNY unaffected


def test_non_monetary_and_unknown_units():
    assert resolve_unit("%").canonical == "%" and not resolve_unit("%").monetary
    assert resolve_unit("万吨").canonical == "10,000 tonnes" and resolve_unit("万吨").factor == 1.0
    assert resolve_unit("亿千瓦时").canonical == "100 million kWh"
    assert resolve_unit("%", monetary_only=True) is None
    assert resolve_unit("gallons") is None


@pytest.mark.parametrize("given,target,factor", [
    ("亿元", "10,000 CNY", 1e4), ("千元", "万元", 0.1), ("元", "10k CNY", 1e-4),
    ("kWh", "10,000 kWh", 1e-4), ("万千瓦时", "10,000 kWh", 1.0), ("MWh", "10,000 kWh", 0.1),
    ("GWh", "10,000 kWh", 100.0), ("ratio", "percent", 100.0), ("%", "percent", 1.0),
    ("人", "persons", 1.0), ("万人", "persons", 1e4),
])
def test_conversions_within_a_dimension(given, target, factor):
    assert convert_factor(given, target) == pytest.approx(factor)


def test_no_conversion_across_dimensions():
    assert convert_factor("亿元", "kWh") is None and convert_factor("亿元", "USD million") is None
    assert convert_factor("gallons", "kWh") is None
    assert "亿元" in units.same_dimension_spellings("10,000 CNY")


def test_out_of_range_after_conversion():
    v = np.array([np.inf, -np.inf, 1e19, -1e19, 1e18, 0.0, np.nan])
    assert list(units.out_of_range(v)) == [True, True, True, True, False, False, False]


def test_exchange_rate_checked():
    for bad in (0, -7.2, float("nan"), float("inf")):
        with pytest.raises(InputError, match="--usd-cny"):
            units.check_usd_cny(bad)
    units.check_usd_cny(7.2)


def test_currency_units():
    assert units.currency_units("10,000 CNY") == 1e4 and units.currency_units("亿元") == 1e8
    assert units.currency_units("USD million") == 1e6 and units.currency_units("EUR million") == 1e6
    assert units.currency_units("CNY") == pytest.approx(1.0) and units.currency_units("%") is None
