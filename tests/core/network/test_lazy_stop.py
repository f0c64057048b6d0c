"""The lazy last upstream step (``_numba_kernels._lazy_stop``) changes the work, never a result:
ESRI with it equals ESRI without it and the literal dense definition, for every option, and it
switches itself off where its premise (rows of Lambda_u summing to <= 1) fails."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from induscope.core.network._kernels import HAVE_NUMBA
from induscope.core.network.esri import GLCascade, prepare
from induscope.core.network.network import Essentiality, SupplyNetwork
from induscope.core.network.synthetic import power_law_network

pytestmark = pytest.mark.skipif(not HAVE_NUMBA, reason="the lazy stop is part of the numba engine")

_spec = importlib.util.spec_from_file_location(
    "esri_dense_reference", Path(__file__).with_name("dense_reference.py"))
dense = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dense)


def _runner(kernel, lazy):
    from induscope.core.network._numba_kernels import NumbaRunner

    return NumbaRunner(kernel, lazy=lazy)


@st.composite
def cases(draw):
    n = draw(st.integers(2, 14))
    K = draw(st.integers(1, 4))
    p = np.array(draw(st.lists(st.integers(0, K - 1), min_size=n, max_size=n)))
    E = np.array(draw(st.lists(st.integers(0, 2), min_size=K * K, max_size=K * K))).reshape(K, K)
    mask = np.array(draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))).reshape(n, n)
    np.fill_diagonal(mask, False)
    vals = np.array(draw(st.lists(st.floats(0.05, 20.0), min_size=n * n, max_size=n * n))).reshape(n, n)
    W = np.where(mask, vals, 0.0)
    if W.sum() == 0:
        W[0, 1] = 1.0
    s_out, s_in = W.sum(axis=1), W.sum(axis=0)
    market = draw(st.booleans())
    # revenue: none, covering sales (lazy stays on), or below sales for some firm (lazy off)
    rev_kind = draw(st.sampled_from(["none", "above", "below"]))
    revenue = None
    if rev_kind != "none":
        f = draw(st.floats(1.0, 2.0) if rev_kind == "above" else st.floats(0.3, 0.95))
        revenue = np.where(s_out > 0, s_out * f, 1.0)
    costs = np.where(s_in > 0, s_in * 1.5, 1.0) if draw(st.booleans()) else None
    eps = draw(st.sampled_from([0.01, 0.0013, 0.2]))
    return n, K, p, E, W, market, revenue, costs, eps, rev_kind


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_lazy_equals_full_steps_and_dense_definition(c):
    n, K, p, E, W, market, revenue, costs, eps, rev_kind = c
    codes = tuple(f"k{k}" for k in range(K))
    net = SupplyNetwork.from_dense(W, [codes[k] for k in p])
    q = p if market else None
    k = prepare(net, Essentiality(codes, E), market=market, revenue=revenue, costs=costs, eps=eps)
    pos = k.pos[np.arange(n)]
    lazy_runner = _runner(k, True)
    assert lazy_runner.lazy == (rev_kind != "below" or bool((revenue >= W.sum(axis=1) - 1e-12).all()))
    got = lazy_runner.esri(pos)
    full = _runner(k, False).esri(pos)
    np.testing.assert_allclose(got[:, :3], full[:, :3], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(got[:, 3], full[:, 3])
    ref = dense.dense_esri(W, p, E, market=q, revenue=revenue, costs=costs, eps=eps)
    np.testing.assert_allclose(got[:, :3], ref[:, :3], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(got[:, 3], ref[:, 3])


def _ihs():
    shared = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "esri" / "ess_mat_n4_ihs.csv"
    if not shared.exists():
        pytest.skip("../shared/data/esri is not there")
    df = pd.read_csv(shared, dtype=str, keep_default_na=False)
    return Essentiality.from_frame(df, source=shared.name)


@pytest.mark.parametrize("market", [False, True])
def test_lazy_stop_fires_on_a_power_law_network_and_changes_nothing(market):
    ess = _ihs()
    firms, links = power_law_network(3000, ess.codes, mean_out_degree=8.0, exponent=2.5, seed=3)
    net = SupplyNetwork.from_frames(firms, links)
    model = GLCascade(net, ess, market=market, eps=0.01, engine="numba")
    k = model.kernel
    pos = k.pos[np.arange(0, net.n, 7)]
    lazy, full = _runner(k, True), _runner(k, False)
    got, ref = lazy.esri(pos), full.esri(pos)
    assert lazy.lazy and lazy.lazy_stops > len(pos) // 4, lazy.lazy_stops
    assert full.lazy_stops == 0
    np.testing.assert_allclose(got[:, :3], ref[:, :3], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(got[:, 3], ref[:, 3])
    # and the all-firm path (active sets handing big cascades to the batched engine) agrees
    hybrid = model.esri(net.firms[np.arange(0, net.n, 7)])
    np.testing.assert_allclose(hybrid.esri, ref[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(hybrid.iterations, ref[:, 3])


def test_lazy_is_off_when_revenues_are_below_sales():
    W = np.array([[0.0, 4.0, 1.0], [0.0, 0.0, 2.0], [3.0, 0.0, 0.0]])
    net = SupplyNetwork.from_dense(W, ["a", "b", "a"])
    E = Essentiality(("a", "b"), np.array([[1, 2], [2, 1]]))
    on = prepare(net, E, revenue=W.sum(axis=1) * 1.2)
    off = prepare(net, E, revenue=np.array([4.0, 2.0, 3.0]))  # firm 0 sells 5 but earns 4
    assert _runner(on, True).lazy
    assert not _runner(off, True).lazy
