"""The firm-network reads behind the Firms page: a firm's neighbourhood, hidden critical firms from a
stored ESRI ranking (services.network.neighbourhood, hidden_critical_firms)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.network import chokepoints as cp
from induscope.errors import InputError, NotFoundError
from induscope.services import network as svc
from induscope.store import networks as network_sql

pytestmark = pytest.mark.slow  # the demo workspace (built once per session)


@pytest.fixture(scope="module")
def links(demo_workspace):
    return network_sql.aggregated_links(demo_workspace).astype({"supplier": str, "customer": str})


def test_one_hop_is_exactly_the_direct_suppliers_and_customers(demo_workspace, links):
    firm = "F000010"
    nb = svc.neighbourhood(demo_workspace, firm, hops=1, limit=500)
    sups = set(links.loc[links["customer"] == firm, "supplier"])
    cus = set(links.loc[links["supplier"] == firm, "customer"])
    nodes = {n["firm"]: n for n in nb["nodes"]}
    assert set(nodes) == sups | cus | {firm} and not nb["truncated"]
    assert nodes[firm]["hop"] == 0 and nodes[firm]["side"] == "focus"
    for f in sups - cus:
        assert nodes[f]["side"] == "supplier"
    for f in cus - sups:
        assert nodes[f]["side"] == "customer"
    # every edge joins two drawn firms, and every link between drawn firms is drawn
    keep = set(nodes)
    want = links[links["supplier"].isin(keep) & links["customer"].isin(keep)]
    assert len(nb["edges"]) == len(want)
    assert all(e["supplier"] in keep and e["customer"] in keep for e in nb["edges"])


def test_the_cap_keeps_the_largest_links_first(demo_workspace, links):
    firm = "F002148"  # a hub: far more partners than the cap
    nb = svc.neighbourhood(demo_workspace, firm, hops=2, limit=10)
    assert len(nb["nodes"]) == 10 and nb["truncated"]
    direct = pd.concat([links.loc[links["customer"] == firm].groupby("supplier")["value"].sum(),
                        links.loc[links["supplier"] == firm].groupby("customer")["value"].sum()])
    direct = direct.groupby(level=0).sum().sort_values(ascending=False)
    assert {n["firm"] for n in nb["nodes"] if n["hop"] == 1} == set(direct.index[:9])


def test_bad_neighbourhood_requests(demo_workspace):
    with pytest.raises(NotFoundError, match="no enterprise"):
        svc.neighbourhood(demo_workspace, "NOPE")
    with pytest.raises(InputError, match="hops"):
        svc.neighbourhood(demo_workspace, "F000001", hops=4)
    with pytest.raises(InputError, match="limit"):
        svc.neighbourhood(demo_workspace, "F000001", limit=1)


@pytest.fixture(scope="module")
def esri(demo_workspace):
    cascade = svc.build_cascade(ws=demo_workspace)
    res, _, _ = svc.esri_all(cascade, backend="serial")
    return cascade, res.to_frame()


def test_hidden_critical_firms_from_a_stored_ranking_match_the_core(demo_workspace, esri):
    cascade, frame = esri
    shuffled = frame.sample(frac=1.0, random_state=1)  # the ranking's order does not matter
    got = svc.hidden_critical_firms(demo_workspace, shuffled, esri_quantile=0.9, size_quantile=0.5)
    want = cp.hidden_critical(cascade.network, frame["esri"].to_numpy(), esri_quantile=0.9, size_quantile=0.5)
    assert len(got) > 0
    assert got["firm"].tolist() == want["firm"].tolist()
    np.testing.assert_allclose(got["esri"], want["esri"])
    assert got["name"].str.len().min() > 0  # names beside the ids


def test_a_ranking_that_misses_firms_is_refused(demo_workspace, esri):
    _, frame = esri
    with pytest.raises(InputError, match="does not cover 1 firm"):
        svc.hidden_critical_firms(demo_workspace, frame.iloc[1:])
    with pytest.raises(InputError, match="esri_quantile"):
        svc.hidden_critical_firms(demo_workspace, frame, esri_quantile=1.5)
