"""The lazy last upstream step (``_numba_kernels._lazy_stop``) changes the work, never a result:
ESRI with it equals ESRI without it and the literal dense definition, for every option, and it
switches itself off where its premise (rows of Lambda_u summing to <= 1) fails."""
from __future__ import annotations

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
from strategies import dense_reference as dense
from strategies import firm_networks

pytestmark = pytest.mark.skipif(not HAVE_NUMBA, reason="the lazy stop is part of the numba engine")


def _runner(kernel, lazy, pull_frac=None):
    from induscope.core.network._numba_kernels import NumbaRunner

    return NumbaRunner(kernel, pull_frac, lazy=int(lazy))


@st.composite
def cases(draw):
    n, K, p, E, W = draw(firm_networks(max_n=14, max_k=4, self_links=False))
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


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_lazy_equals_full_steps_and_dense_definition(c):
    n, K, p, E, W, market, revenue, costs, eps, rev_kind = c
    codes = tuple(f"k{k}" for k in range(K))
    net = SupplyNetwork.from_dense(W, [codes[k] for k in p])
    q = p if market else None
    k = prepare(net, Essentiality(codes, E), market=market, revenue=revenue, costs=costs, eps=eps)
    pos = k.pos[np.arange(n)]
    full = _runner(k, 0).esri(pos)
    ref = dense.dense_esri(W, p, E, market=q, revenue=revenue, costs=costs, eps=eps)
    premise = rev_kind != "below" or bool((revenue >= W.sum(axis=1) - 1e-12).all())
    # the one-step form alone, and with the two-step form (tried at every pull step, and with
    # pull_frac = 0 at every step)
    for level, pull_frac in ((1, None), (2, None), (2, 0.0)):
        lazy_runner = _runner(k, level, pull_frac)
        assert lazy_runner.lazy == (level if premise else 0)
        got = lazy_runner.esri(pos)
        np.testing.assert_allclose(got[:, :3], full[:, :3], rtol=0, atol=1e-13)
        np.testing.assert_array_equal(got[:, 3], full[:, 3])
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
    lazy, full = _runner(k, 2), _runner(k, 0)
    got, ref = lazy.esri(pos), full.esri(pos)
    assert lazy.lazy == 2 and lazy.lazy_stops > len(pos) // 4, lazy.lazy_stops
    if not market:  # quiet downstream + a big next-to-last step: the two-step form's case
        assert lazy.lazy2_stops > 0
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


@pytest.mark.slow
def test_two_step_form_fires_and_matches_the_dense_definition():
    """Sparse essentiality (the downstream channel goes quiet early) and a pull at every step:
    the case the two-step form is for."""
    rng = np.random.default_rng(0)
    fired = 0
    for trial in range(60):
        n = int(rng.integers(5, 30))
        W = np.where(rng.random((n, n)) < 0.3, rng.random((n, n)) * 10, 0.0)
        np.fill_diagonal(W, 0.0)
        if W.sum() == 0:
            continue
        p = rng.integers(0, 3, n)
        E = rng.integers(0, 3, (3, 3)) * (rng.random((3, 3)) < 0.3)
        eps = (0.01, 0.0013, 0.05)[trial % 3]
        codes = ("k0", "k1", "k2")
        k = prepare(SupplyNetwork.from_dense(W, [codes[x] for x in p]), Essentiality(codes, E), eps=eps)
        runner = _runner(k, 2, 0.0)
        got = runner.esri(k.pos[np.arange(n)])
        fired += runner.lazy2_stops
        ref = dense.dense_esri(W, p, E, eps=eps)
        np.testing.assert_allclose(got[:, :3], ref[:, :3], rtol=0, atol=1e-12)
        np.testing.assert_array_equal(got[:, 3], ref[:, 3])
    assert fired > 0
