"""Node measures: concentration, trade figures, coverage, IO imported shares (hand-computed)."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.core.chains import measures as M
from induscope.errors import Unavailable


def test_hhi_top3_and_effective_suppliers():
    assert M.hhi(np.array([50, 30, 20])) == pytest.approx(0.25 + 0.09 + 0.04)
    assert M.top_share(np.array([40, 30, 20, 10])) == pytest.approx(0.9)
    c = M.concentration(np.array([50.0, 30, 20]), None, np.array(["320000", "320000", "440000"]))
    assert c["region_hhi"] == pytest.approx(0.8 ** 2 + 0.2 ** 2)
    assert c["top_region"] == "320000" and c["top_region_share"] == pytest.approx(0.8)
    assert c["suppliers_effective"] == pytest.approx(1 / 0.38)
    assert M.hhi(np.array([np.nan])) is None


def test_trade_measures():
    assert M.trade_import_dependence(30.0, 10.0, 100.0) == pytest.approx(30 / 120)
    assert M.trade_import_dependence(30.0, None, 100.0) == pytest.approx(30 / 130)
    assert isinstance(M.trade_import_dependence(None, 1.0, 100.0), Unavailable)
    assert isinstance(M.trade_import_dependence(10.0, 200.0, 100.0), Unavailable)  # D + M - X <= 0
    assert M.trade_competitiveness(30.0, 10.0) == pytest.approx(-0.5)
    assert isinstance(M.trade_competitiveness(0.0, 0.0), Unavailable)


def test_coverage_with_and_without_capacity():
    # largest 100; others 50 and 30 with capacities 80 and 40: spare 30 + 10 = 40 -> 0.4
    cov, basis = M.coverage(np.array([100.0, 50, 30]), np.array([120.0, 80, 40]))
    assert cov == pytest.approx(0.4) and basis == "capacity - output"
    cov, basis = M.coverage(np.array([100.0, 50, 30]))
    assert cov == pytest.approx(0.2 * 80 / 100) and "20%" in basis
    cov, _ = M.coverage(np.array([100.0]))
    assert cov == 0.0  # a sole supplier: nobody covers it


def test_io_import_shares_exclude_exports():
    Z = np.array([[10.0, 0], [0, 20]])
    Y = np.array([[5.0, 4], [10, 0]])  # columns: consumption, EX
    Zm = np.array([[1.0, 2], [0, 0]])
    Ym = np.array([[2.0, 1], [0, 0]])
    s = M.io_import_shares(Z, Y, Zm, Ym, ["TC", "EX"])
    assert s[0] == pytest.approx((1 + 2 + 2) / (10 + 5 + 1 + 2 + 2))
    assert s[1] == 0.0
