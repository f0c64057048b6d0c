"""ESRI against fastcascade on the 616-industry IHS matrix, with replaceability on.

The fixture is the deterministic network of the ESRIcascade.jl benchmark scripts
(github Devetak/ESRIcascade.jl, ``benchmark/ihs_sparse_fastcascade.R``, MIT): 1,232 firms, two
per IHS NACE-4 industry in the matrix's order; supplier i (1-based) sells to the eight customers
((i + o - 1) mod n) + 1 for o in OFFSETS, value 1 + ((13 i + 7 c) mod 17). The scores below are
``fastcascade::GL_cascade_dynamics_cpp`` (0.9.3.1) outputs published in those scripts, for two
sets of 16 single-firm closures, computed with substitution = TRUE (suppliers replaceable within
their industry), eps = 0.01, output weights = out-strength. They are the setting of the published
per-firm timings that issue 4's speed goals refer to. The matrix is ../shared/data/esri/
ess_mat_n4_ihs.csv (rows = supplier industries, 56 distinct customer profiles, as the scripts check).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.network._kernels import HAVE_NUMBA
from induscope.core.network.esri import GLCascade
from induscope.core.network.network import Essentiality, SupplyNetwork

OFFSETS = np.array([1, 37, 91, 173, 311, 509, 701, 997])

#: closures of firms 1..16
FIRST_16 = [
    0.87837245554794330, 0.87825862250992404, 0.87664923655232285, 0.87566688889824862,
    0.87524585194239457, 0.87433651919608424, 0.86060405584903987, 0.84701627242865141,
    0.85599031156433647, 0.85741739269669437, 0.85466742541113849, 0.85393912577670528,
    0.84935069451138689, 0.77626516574715354, 0.84447307983109421, 0.84456652158172307,
]
#: closures of the first firm of industries round(linspace(1, 616, 16))
SPREAD_16 = [
    0.87837245554794330, 0.83928173885048851, 0.84026525189212131, 0.010491619358180508,
    0.83938875684430192, 0.83919913726570627, 0.83871134521356561, 0.83862604469123081,
    0.83842687824673123, 0.14782516685618610, 0.013224577635286240, 0.0064115243633385468,
    0.0046717737458951943, 0.83930463691132073, 0.011700530446422091, 0.0086842594773570356,
]
ENGINES = ["numpy"] + (["numba"] if HAVE_NUMBA else [])


@pytest.fixture(scope="module")
def fixture(shared_data):
    frame = pd.read_csv(shared_data / "esri" / "ess_mat_n4_ihs.csv", dtype=str, keep_default_na=False)
    ess = Essentiality.from_frame(frame, source="ess_mat_n4_ihs.csv")
    m = len(ess.codes)
    n = 2 * m
    supplier = np.repeat(np.arange(1, n + 1), len(OFFSETS))
    customer = ((np.arange(1, n + 1)[:, None] + OFFSETS - 1) % n + 1).ravel()
    firms = pd.DataFrame({"firm": [str(i) for i in range(1, n + 1)], "industry": np.repeat(ess.codes, 2)})
    links = pd.DataFrame({"supplier": supplier.astype(str), "customer": customer.astype(str),
                          "value": 1.0 + (13 * supplier + 7 * customer) % 17})
    spread = (np.round(np.linspace(1, m, 16)).astype(int) - 1) * 2 + 1
    return SupplyNetwork.from_frames(firms, links), ess, [str(i) for i in spread]


def test_fixture_shape(fixture):
    net, ess, _ = fixture
    assert (net.n, net.m, len(ess.codes)) == (1232, 9856, 616)


@pytest.mark.parametrize("engine", ENGINES)
def test_matches_fastcascade_with_replaceability(fixture, engine):
    net, ess, spread = fixture
    model = GLCascade(net, ess, eps=0.01, market=True, engine=engine)
    first = model.esri([str(i) for i in range(1, 17)])
    np.testing.assert_allclose(first.esri, FIRST_16, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.esri(spread).esri, SPREAD_16, rtol=0, atol=1e-12)
    # 32 firms in one call take the all-firm (hybrid) path
    both = model.esri([str(i) for i in range(1, 17)] + spread)
    np.testing.assert_allclose(both.esri, FIRST_16 + SPREAD_16, rtol=0, atol=1e-12)


def test_the_scores_need_replaceability(fixture):
    """The published scores are not those without replaceability: the fixture tests the market path."""
    net, ess, _ = fixture
    got = GLCascade(net, ess, eps=0.01, market=False, engine=ENGINES[-1]).esri([str(i) for i in range(1, 17)])
    assert np.abs(got.esri - FIRST_16).max() > 0.05
