"""Inoperability input-output model against published two-sector examples.

* Haimes & Jiang (2001), "Leontief-based model of risk in complex interconnected infrastructures",
  J. Infrastructure Systems 7(1): A* = [[0, 0.8], [0.2, 0]], c* = [0, 0.6] -> q = [0.571, 0.714]
  (exactly 4/7 and 5/7). The same case is the first reference test of S. R. Sellevag's IIM codes
  (github stigrs/iim, stigrs/diim), which carry A* and c* as inputs.
* Lian & Haimes (2006), "Managing the risk of terrorism to interdependent infrastructure systems
  through the dynamic inoperability input-output model", Systems Engineering 9(3), two-by-two
  example: A* = [[0.15, 0.50], [0.10, 0.05]], c* = [0, 0.1] -> q = [0.066, 0.112].
"""
from __future__ import annotations

import numpy as np
import pytest

from induscope.core.iomodels import InoperabilityModel, IOTable, ShockModel
from induscope.errors import ModelError, Unavailable

HJ_A = [[0.0, 0.8], [0.2, 0.0]]
LH_A = [[0.15, 0.50], [0.10, 0.05]]


def test_haimes_jiang_2001():
    q = InoperabilityModel.from_interdependency(HJ_A, [0.0, 0.6]).run().q
    assert np.allclose(q, [0.571, 0.714], atol=5e-4)
    assert np.allclose(q, [4 / 7, 5 / 7], atol=1e-14)


def test_lian_haimes_2006():
    q = InoperabilityModel.from_interdependency(LH_A, [0.0, 0.1]).run().q
    assert np.allclose(q, [0.066, 0.112], atol=5e-4)


def test_dependency_indices_setola_2009():
    """delta_i = sum_{j!=i} a*_ij / (n-1), rho_j = sum_{i!=j} a*_ij / (n-1), same on S = (I - A*)^-1."""
    r = InoperabilityModel.from_interdependency(LH_A, [0.0, 0.1]).run()
    A = np.array(LH_A)
    S = np.linalg.inv(np.eye(2) - A)
    assert np.allclose(r.dependency, [0.5, 0.1])
    assert np.allclose(r.influence, [0.1, 0.5])
    assert np.allclose(r.overall_dependency, [S[0, 1], S[1, 0]])
    assert np.allclose(r.overall_influence, [S[1, 0], S[0, 1]])


def _table():
    return IOTable(Z=[[150.0, 500.0], [200.0, 100.0]], Y=[350.0, 1700.0], x=[1000.0, 2000.0],
                   sectors=("1", "2"), V=[[650.0, 1400.0]])


def test_demand_side_from_a_table_is_normalised_leontief():
    """A* = x^-1 A x and Q = x q equals the Leontief output loss L df."""
    t = _table()
    df = np.array([0.0, 120.0])
    r = InoperabilityModel(t, delta=df).run()
    x = t.x
    A = t.coefficients()
    assert np.allclose(r.A_star, A * x[None, :] / x[:, None])
    assert np.allclose(r.economic_loss, ShockModel(t, df).run().dx, rtol=1e-13)
    r2 = InoperabilityModel(t, c=df / x).run()
    assert np.allclose(r.q, r2.q, rtol=1e-14)


def test_supply_side_uses_transposed_coefficients():
    """Leung, Haimes & Santos (2007): A^s = A'; q = (I - A')^-1 c."""
    t = _table()
    A = t.coefficients()
    c = np.array([0.1, 0.0])
    r = InoperabilityModel(t, c=c, side="supply").run()
    assert np.allclose(r.A_star, A.T)
    assert np.allclose(r.q, np.linalg.solve(np.eye(2) - A.T, c), rtol=1e-14)
    # the supply-side loss equals the Ghosh output change for dv = x c
    assert np.allclose(r.economic_loss, ShockModel(t, t.x * c, model="ghosh").run().dx, rtol=1e-13)


def test_cap_and_notes_for_inoperability_above_one():
    r = InoperabilityModel.from_interdependency(HJ_A, [0.9, 0.9]).run()
    assert r.q.max() > 1 and any("above 1" in n for n in r.notes)
    capped = InoperabilityModel.from_interdependency(HJ_A, [0.9, 0.9], cap=True).run()
    assert capped.q.max() == 1.0


def test_economic_loss_needs_output_when_a_star_is_given():
    r = InoperabilityModel.from_interdependency(LH_A, [0.0, 0.1]).run()
    assert isinstance(r.economic_loss, Unavailable)
    r = InoperabilityModel.from_interdependency(LH_A, [0.0, 0.1], x=[10.0, 20.0]).run()
    assert np.allclose(r.economic_loss, np.array([10.0, 20.0]) * r.q)
    assert "inoperability" in r.to_frame().columns


def test_one_perturbation_argument_exactly():
    with pytest.raises(ModelError):
        InoperabilityModel(_table(), c=[0, 0.1], delta=[0, 1])
    with pytest.raises(ModelError):
        InoperabilityModel(_table())
