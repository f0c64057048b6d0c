"""Chain graph with several downstream nodes; scenario explanation adds up to the engine's loss."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.chains.cascade import explain, restrict
from induscope.core.chains.model import Chain
from induscope.core.network.esri import GLCascade
from induscope.core.network.network import Essentiality, SupplyNetwork
from induscope.core.network.scenarios import Scenario, run


def test_multi_parent_graph():
    nodes = pd.DataFrame([
        {"node_id": "p", "name": "P", "stage": "upstream", "position": 0, "parent": "q"},
        {"node_id": "q", "name": "Q", "stage": "midstream", "position": 1, "parent": "r, s，t"},
        {"node_id": "r", "name": "R", "stage": "downstream", "position": 2, "parent": None},
        {"node_id": "s", "name": "S", "stage": "downstream", "position": 2, "parent": None},
        {"node_id": "t", "name": "T", "stage": "downstream", "position": 2, "parent": None},
    ])
    ch = Chain("c", "C", nodes, pd.DataFrame(columns=["node_id", "firm_id"]))
    assert ch.feeds["q"] == ("r", "s", "t")
    assert ch.fed_by["s"] == ("q",)
    assert ch.downstream_of("p") == ["q", "r", "s", "t"]
    assert ch.upstream_of("t") == ["q", "p"]


def _net():
    rng = np.random.default_rng(3)
    n = 40
    W = (rng.random((n, n)) < 0.12) * rng.lognormal(0, 1, (n, n))
    np.fill_diagonal(W, 0)
    ind = [str(i % 3) for i in range(n)]
    net = SupplyNetwork.from_dense(W, ind)
    E = Essentiality(("0", "1", "2"), np.array([[2, 1, 0], [1, 2, 1], [0, 1, 1]]))
    return GLCascade(net, E, engine="numpy")


def test_explanation_adds_up_to_the_scenario_loss():
    cas = _net()
    firms = [str(f) for f in cas.network.firms[:3]]
    ex = explain(cas, {f: 1.0 for f in firms})
    ref = run(cas, Scenario(firms={f: 1.0 for f in firms}))
    assert ex.total == pytest.approx(ref.loss_share, abs=1e-12)
    assert ex.direct == pytest.approx(float(cas.kernel.w[cas.kernel.pos[cas.network.indices(firms)]].sum()))
    assert ex.steps["total"].iat[-1] == pytest.approx(ex.total, abs=1e-12)
    assert (ex.steps["direct"] == ex.direct).all()
    # attributed link losses add up to the cascade loss of the firms they reach
    assert ex.links["value"].sum() <= (ex.downstream + ex.upstream) * ex.total_sales + 1e-9
    if ex.path:
        assert ex.path[0] in firms


def test_restrict_keeps_links_among_the_chosen_firms():
    cas = _net()
    keep = [str(f) for f in cas.network.firms[:10]]
    sub = restrict(cas.network, keep)
    assert sub.n == 10
    full = cas.network.links_frame()
    inside = full[full.iloc[:, 0].isin(keep) & full.iloc[:, 1].isin(keep)]
    assert sub.m == len(inside)


def test_a_loss_far_above_the_direct_loss_explains_its_path():
    # A (small) is B's only supplier of an essential input; B sells a lot to C
    W = np.zeros((3, 3))
    W[0, 1], W[1, 2] = 1.0, 100.0
    net = SupplyNetwork.from_dense(W, ["a", "b", "c"], firms=["A", "B", "C"])
    cas = GLCascade(net, Essentiality(("a", "b", "c"), np.full((3, 3), 2)), engine="numpy")
    ex = explain(cas, {"A": 1.0})
    assert ex.direct == pytest.approx(1 / 101)
    assert ex.amplification > 10
    assert ex.path == ["A", "B"]
    assert ex.note is not None and "times the direct loss" in ex.note and "A -> B" in ex.note
    top = ex.links.iloc[0]
    assert (top["source"], top["target"], top["channel"]) == ("A", "B", "downstream")
    small = explain(cas, {"B": 1.0})  # B's own loss dominates: no note
    assert small.note is None
