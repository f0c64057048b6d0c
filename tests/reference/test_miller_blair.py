"""Miller & Blair (2009), Input-Output Analysis: Foundations and Extensions, 2nd ed., chapter 2.

The two-sector worked example (sections 2.2-2.3): Z = [[150, 500], [200, 100]],
f = [350, 1700], x = [1000, 2000]. Published (to 4 decimals):
  A = [[0.15, 0.25], [0.20, 0.05]],   L = [[1.2541, 0.3300], [0.2640, 1.1221]],
  and for the new final demand f_new = [600, 1500]: x_new = [1247.52, 1841.58].
Output multipliers (chapter 6) are the column sums of L: [1.5182, 1.4521] with these rounded L
entries. Value added is x - 1'Z = [650, 1400]; with no imports every value-added multiplier is 1.
Linkage values below follow from the published L by definition (BL = 1'L; G = x^-1 L x, FL = G 1).
"""
from __future__ import annotations

import numpy as np
import pytest

from induscope.core.iomodels import ExtractionModel, IOTable, ShockModel, StaticModel

Z = [[150.0, 500.0], [200.0, 100.0]]
F = [350.0, 1700.0]
X = [1000.0, 2000.0]
A_PUB = np.array([[0.15, 0.25], [0.20, 0.05]])
L_PUB = np.array([[1.2541, 0.3300], [0.2640, 1.1221]])
PUB = 5e-5  # published to 4 decimals


@pytest.fixture(scope="module")
def table():
    return IOTable(Z=Z, Y=F, x=X, sectors=("1", "2"), V=[[650.0, 1400.0]], unit="$")


@pytest.fixture(scope="module")
def res(table):
    return StaticModel(table, full_inverse=True, ghosh_matrices=True).run()


def test_balance(table):
    assert np.allclose(table.row_balance_residual(), 0)
    assert np.allclose(table.column_balance_residual(), 0)


def test_technical_coefficients(res):
    assert np.allclose(res.A, A_PUB, atol=1e-15)


def test_leontief_inverse(res):
    assert np.allclose(res.L, L_PUB, atol=PUB)


def test_new_final_demand(table):
    dx = ShockModel(table, [600.0 - 350.0, 1500.0 - 1700.0]).run().dx
    assert np.allclose(np.asarray(X) + dx, [1247.52, 1841.58], atol=0.005)


def test_output_multipliers(res):
    assert np.allclose(res.output_multiplier, L_PUB.sum(axis=0), atol=2 * PUB)


def test_value_added_multipliers_are_one_without_imports(res):
    assert np.allclose(res.value_added_multiplier, [1.0, 1.0], atol=1e-14)


def test_backward_linkages_and_index(res):
    bl = L_PUB.sum(axis=0)
    assert np.allclose(res.backward_linkage, bl, atol=2 * PUB)
    assert np.allclose(res.backward_index, bl / bl.mean(), atol=1e-4)


def test_forward_linkages_ghosh(res):
    G = L_PUB * np.array(X)[None, :] / np.array(X)[:, None]
    assert np.allclose(res.G, G, atol=2 * PUB * 2)
    assert np.allclose(res.forward_linkage, G.sum(axis=1), atol=1e-3)
    assert list(res.key_class) == ["key", "weak"]


def test_forward_linkages_leontief_convention(table):
    r = StaticModel(table, forward="leontief").run()
    assert np.allclose(r.forward_linkage, L_PUB.sum(axis=1), atol=2 * PUB)


def test_total_extraction_matches_removing_the_sector(table):
    """Extracting sector 1: sector 2 alone produces x2 = f2 / (1 - a22) = 1700 / 0.95."""
    loss = ExtractionModel(table, kind="total").run().loss
    assert loss[0] == pytest.approx(3000.0 - 1700.0 / 0.95, rel=1e-12)
    assert loss[1] == pytest.approx(3000.0 - 350.0 / 0.85, rel=1e-12)
