"""The batched dense engine (continuous batching of many scenarios) equals the dense definition;
the hybrid all-firm path equals the active-set engine; a GPU request falls back to the CPU and
says why when there is no GPU."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from induscope.core.network import batch
from induscope.core.network._kernels import HAVE_NUMBA
from induscope.core.network.esri import GLCascade
from induscope.core.network.network import Essentiality, SupplyNetwork
from strategies import dense_reference as dense
from strategies import firm_networks


BACKENDS = ["numpy"] + (["numba"] if HAVE_NUMBA else [])
REF = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "esri"


@st.composite
def problems(draw):
    n, K, p, E, W = draw(firm_networks(max_n=10, max_k=3))
    market = draw(st.booleans())
    n_jobs = draw(st.integers(1, 7))
    jobs = [np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 0.4, 1.0]), min_size=n, max_size=n)))
            for _ in range(n_jobs)]
    width = draw(st.integers(1, 4))
    return n, K, p, E, W, market, jobs, width


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_batch_equals_dense_definition(c):
    n, K, p, E, W, market, jobs, width = c
    codes = tuple(f"k{k}" for k in range(K))
    net = SupplyNetwork.from_dense(W, [codes[k] for k in p])
    model = GLCascade(net, Essentiality(codes, E), market=market, eps=0.01, engine="numpy")
    k = model.kernel
    packed = []
    for psi in jobs:
        idx = np.nonzero(psi)[0]
        packed.append((k.pos[idx], psi[idx]))
    for backend in BACKENDS:
        out = batch.BatchEngine(k, backend, width=width).run(packed, keep_h=True)
        for j, psi in enumerate(jobs):
            h_d, h_u, it = dense.dense_cascade(W, p, E, psi, market=p if market else None, eps=0.01)
            np.testing.assert_allclose(out["h_d"][k.pos, j], h_d, rtol=0, atol=1e-12)
            np.testing.assert_allclose(out["h_u"][k.pos, j], h_u, rtol=0, atol=1e-12)
            assert out["iterations"][j] == it
            w = net.s_out / net.s_out.sum()
            assert out["esri"][j] == pytest.approx(w @ (1 - np.minimum(h_d, h_u)), abs=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_reproduces_reference(backend):
    name = "example_net_scale_free_101_4000__mix24__market__eps0.01.csv"
    W = pd.read_csv(REF / "example_net_scale_free_101_4000.csv").to_numpy(dtype=float)
    ind = pd.read_csv(REF / "industry_vector.csv", dtype=str)["industry_id"].to_numpy()
    E = np.ones((4, 4), dtype=int)
    E[1, 3] = 2
    model = GLCascade(SupplyNetwork.from_dense(W, ind), Essentiality(("1", "2", "3", "4"), E), market=True)
    k = model.kernel
    got = batch.BatchEngine(k, backend, width=8).esri(k.pos[np.arange(101)])
    ref = pd.read_csv(REF / "reference_outputs" / name)
    np.testing.assert_allclose(got[:, 0], ref["ESRI"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(got[:, 1], ref["ESRI_down"], rtol=0, atol=1e-10)
    np.testing.assert_array_equal(got[:, 3], ref["iters"])


@pytest.mark.skipif(not HAVE_NUMBA, reason="the hybrid path needs numba")
@pytest.mark.parametrize("max_pulls", [0, None])
def test_hybrid_equals_active_set_engine(max_pulls):
    from induscope.core.network.synthetic import power_law_network

    firms, links = power_law_network(3000, [f"i{k}" for k in range(30)], seed=4)
    rng = np.random.default_rng(0)
    E = Essentiality(tuple(f"i{k}" for k in range(30)), rng.choice([0, 1, 2], size=(30, 30), p=[.6, .25, .15]))
    net = SupplyNetwork.from_frames(firms, links)
    model = GLCascade(net, E, engine="numba")
    sel = np.arange(0, 3000, 15)
    plain = GLCascade(net, E, engine="numba", pull_frac=0.1).esri(net.firms[sel])  # no hybrid
    hyb = batch.esri_hybrid(model.kernel, model.kernel.pos[sel], width=8, max_pulls=max_pulls)
    np.testing.assert_allclose(hyb[:, 0], plain.esri, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(hyb[:, 3], plain.iterations)
    # some cascades were big enough to be handed over (the test covers both paths)
    runner = batch._kernels.get_runner(model.kernel, "numba")
    aborted = runner.esri(model.kernel.pos[sel], abort_pull=True, max_pulls=max_pulls)[:, 3]
    assert (aborted < 0).any() and (aborted > 0).any()


def test_gpu_request_falls_back_with_a_reason():
    ok, why = batch.gpu_available()
    b = batch.resolve_backend("gpu")
    if ok:
        assert b.name == "cupy" and b.fallback is None
    else:
        assert b.name in ("numba", "numpy") and b.fallback == why and why
