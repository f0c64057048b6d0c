"""The fast engines (numpy / numba, push / pull steps, active sets) equal the literal dense
definition of the cascade on random small networks, for every option."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from induscope.core.network._kernels import HAVE_NUMBA
from induscope.core.network.esri import GLCascade, prepare
from induscope.core.network.network import Essentiality, SupplyNetwork
from induscope.errors import InputError, ModelError, ValidationError
from strategies import dense_reference as dense
from strategies import firm_networks


ENGINES = ["numpy"] + (["numba"] if HAVE_NUMBA else [])
MODES = [None, 0.0, float("inf")]  # default, always pull, never pull


@st.composite
def cases(draw):
    n, K, p, E, W = draw(firm_networks(max_n=12, max_k=4))
    market = draw(st.sampled_from([None, "industry", "random"]))
    if market == "industry":
        q = p
    elif market == "random":
        q = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    else:
        q = None
    s_out, s_in = W.sum(axis=1), W.sum(axis=0)
    revenue = None
    if draw(st.booleans()):
        revenue = np.where(s_out > 0, s_out * draw(st.floats(1.0, 2.0)), 1.0)
    costs = None
    if draw(st.booleans()):
        costs = np.where(s_in > 0, s_in * draw(st.floats(1.0, 2.0)), 1.0)
    if draw(st.booleans()):
        psi = np.zeros(n)
        psi[draw(st.integers(0, n - 1))] = 1.0
    else:
        psi = np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 0.3, 0.77, 1.0]), min_size=n, max_size=n)))
    eps = draw(st.sampled_from([0.01, 0.0013, 0.2]))
    return n, K, p, E, W, q, revenue, costs, psi, eps


def _model(n, K, p, E, W, q, revenue, costs, eps, engine, mode):
    codes = tuple(f"k{k}" for k in range(K))
    net = SupplyNetwork.from_dense(W, [codes[k] for k in p])
    market = False if q is None else [str(v) for v in q]
    return net, GLCascade(net, Essentiality(codes, E), market=market, revenue=revenue, costs=costs,
                          eps=eps, engine=engine, pull_frac=mode)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_engines_equal_dense_definition(c):
    n, K, p, E, W, q, revenue, costs, psi, eps = c
    h_d, h_u, it = dense.dense_cascade(W, p, E, psi, market=q, revenue=revenue, costs=costs, eps=eps)
    for engine in ENGINES:
        for mode in MODES:
            net, model = _model(n, K, p, E, W, q, revenue, costs, eps, engine, mode)
            r = model.run(psi)
            np.testing.assert_allclose(r.h_d, h_d, rtol=0, atol=1e-12, err_msg=f"{engine} {mode}")
            np.testing.assert_allclose(r.h_u, h_u, rtol=0, atol=1e-12, err_msg=f"{engine} {mode}")
            assert r.iterations == it, (engine, mode)
            assert r.converged


@settings(max_examples=25, deadline=None)
@given(firm_networks())
def test_esri_equals_dense_esri(c):
    n, K, p, E, W = c
    ref = dense.dense_esri(W, p, E, eps=0.01)
    for engine in ENGINES:
        _, model = _model(n, K, p, E, W, None, None, None, 0.01, engine, None)
        got = model.esri()
        np.testing.assert_allclose(got.esri, ref[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(got.esri_down, ref[:, 1], rtol=0, atol=1e-12)
        np.testing.assert_allclose(got.esri_up, ref[:, 2], rtol=0, atol=1e-12)
        np.testing.assert_array_equal(got.iterations, ref[:, 3])


def test_work_arrays_are_reset_between_runs():
    """Running firm a, then b, gives b's result as if run alone (no state leaks)."""
    rng = np.random.default_rng(3)
    n = 60
    W = np.where(rng.random((n, n)) < 0.08, rng.lognormal(size=(n, n)), 0.0)
    p = rng.integers(0, 3, n)
    E = rng.integers(0, 3, (3, 3))
    for engine in ENGINES:
        _, m1 = _model(n, 3, p, E, W, p, None, None, 0.01, engine, None)
        _, m2 = _model(n, 3, p, E, W, p, None, None, 0.01, engine, None)
        alone = m2.esri().esri
        for f in range(n):  # interleave other runs and scenarios
            m1.run({"1": 0.5, str(f + 1): 1.0} if f else {"1": 1.0})
        again = m1.esri().esri
        np.testing.assert_array_equal(again, alone)


def test_trace_reports_extent_per_step():
    W = np.array([[0, 1.0, 0], [0, 0, 1.0], [0, 0, 0]])
    net = SupplyNetwork.from_dense(W, ["a", "a", "a"])
    for engine in ENGINES:
        r = GLCascade(net, Essentiality.uniform(["a"], 2), engine=engine).run(["1"])
        assert r.extent.shape == (r.iterations, 2)
        # firm 1 fails; 2 loses its only (essential) input, then 3
        assert r.extent[:, 0].tolist() == [2, 3, 3]
        np.testing.assert_allclose(r.h_d, [0, 0, 0])
        assert r.losses()[1] == pytest.approx(1.0)


def test_bad_options():
    net = SupplyNetwork.from_dense(np.array([[0, 1.0], [0, 0]]), ["a", "b"])
    E = Essentiality.uniform(["a", "b"])
    with pytest.raises(InputError):
        prepare(net, E, eps=-1)
    with pytest.raises(InputError):
        GLCascade(net, E).run({"1": 1.5})
    with pytest.raises(ValidationError) as e:
        prepare(net, Essentiality.uniform(["a"]))
    assert "'b'" in str(e.value)
    with pytest.raises(ValidationError):
        prepare(net, E, revenue=[0.0, 1.0])  # firm 1 sells but has no revenue
    with pytest.raises(ModelError):
        prepare(SupplyNetwork.from_dense(np.zeros((2, 2)), ["a", "b"]), E)
    with pytest.raises(InputError):
        GLCascade(net, E, engine="fortran")
