"""The batch width of the hybrid all-firm path changes speed only: every width (the adaptive
default included) gives the same numbers, bit for bit, as the active-set engine's iterations."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.core.network import batch
from induscope.core.network._kernels import HAVE_NUMBA
from induscope.core.network.esri import GLCascade
from induscope.core.network.network import Essentiality, SupplyNetwork


def test_hybrid_width_rule():
    assert batch.hybrid_width(1000, 10) == 16
    assert batch.hybrid_width(1000, 300) == 32
    assert batch.hybrid_width(1000, 5000) == 64
    assert batch.hybrid_width(250_000, 5000) == 64
    # the dense state must fit the memory cap: large networks get narrower batches, never < 16
    assert batch.hybrid_width(1_000_000, 5000) == 16
    for n in (10, 10_000, 300_000, 600_000, 10**7):
        w = batch.hybrid_width(n, 10**6)
        assert w in (16, 32, 64)
        assert w == 16 or 64 * n * w <= batch.HYBRID_STATE_BYTES


@pytest.mark.skipif(not HAVE_NUMBA, reason="the hybrid path needs numba")
def test_hybrid_same_results_whatever_the_width():
    from induscope.core.network.synthetic import power_law_network

    firms, links = power_law_network(2000, [f"i{k}" for k in range(30)], seed=9)
    rng = np.random.default_rng(3)
    E = Essentiality(tuple(f"i{k}" for k in range(30)), rng.choice([0, 1, 2], size=(30, 30), p=[.6, .25, .15]))
    net = SupplyNetwork.from_frames(firms, links)
    model = GLCascade(net, E, engine="numba")
    pos = model.kernel.pos[np.arange(0, 2000, 4)]
    outs = [batch.esri_hybrid(model.kernel, pos, width=w) for w in (None, 1, 16, 64)]
    runner = batch._kernels.get_runner(model.kernel, "numba")
    assert (runner.esri(pos, abort_pull=True)[:, 3] < 0).sum() > 16  # the batch part ran
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])
    plain = GLCascade(net, E, engine="numba", pull_frac=0.1).esri(net.firms[np.arange(0, 2000, 4)])
    np.testing.assert_allclose(outs[0][:, 0], plain.esri, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(outs[0][:, 3], plain.iterations)
