"""Synthetic firm networks: consistent with the IO table, heavy-tailed, deterministic."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.network.network import SupplyNetwork
from induscope.core.network.synthetic import power_law_network, synthetic_firm_network
from induscope.errors import InputError


@pytest.fixture(scope="module")
def nbs42(shared_data):
    df = pd.read_csv(shared_data / "china_io_nbs" / "china_2020_42.csv", dtype={"Code": str})
    dom = df[df["Origin"] == "Domestic"]
    codes = dom["Code"].tolist()
    Z = dom[codes].to_numpy(dtype=float)
    x = dom["GO"].to_numpy(dtype=float)
    return Z / x[None, :], x, codes


def test_columns_sizes_and_links(nbs42):
    A, x, codes = nbs42
    firms, links = synthetic_firm_network(A, x, codes, 3000, mean_out_degree=8, seed=1,
                                          regions=["east", "west"], region_weights=[3, 1])
    assert list(firms.columns) == ["firm", "industry", "size", "region"]
    assert list(links.columns) == ["supplier", "customer", "value"]
    assert len(firms) == 3000 and firms["firm"].is_unique
    assert len(links) == 24000  # exactly n * mean out-degree distinct links
    assert not links.duplicated(["supplier", "customer"]).any()
    assert (links["supplier"] != links["customer"]).all()
    assert (links["value"] > 0).all()
    assert set(firms["industry"]) == set(codes)  # every sector with output has firms
    # firm outputs add up to each sector's gross output
    np.testing.assert_allclose(firms.groupby("industry")["size"].sum().reindex(codes), x, rtol=1e-9)
    # heavy tail: the largest firm of a big sector is many times its median firm
    big = firms[firms["industry"] == firms["industry"].value_counts().index[0]]["size"]
    assert big.max() / big.median() > 20
    share_east = (firms["region"] == "east").mean()
    assert 0.7 < share_east < 0.8
    SupplyNetwork.from_frames(firms, links)  # valid input for the engine


def test_aggregates_back_to_the_intermediate_flows(nbs42):
    A, x, codes = nbs42
    firms, links = synthetic_firm_network(A, x, codes, 20000, seed=2)
    ind = firms.set_index("firm")["industry"]
    agg = (links.assign(k=links["supplier"].map(ind), l=links["customer"].map(ind))
           .groupby(["k", "l"])["value"].sum().unstack(fill_value=0.0)
           .reindex(index=codes, columns=codes, fill_value=0.0).to_numpy())
    Z = A * x[None, :]
    # every pair that got a link carries its flow exactly; the rest are tiny flows
    got = agg > 0
    np.testing.assert_allclose(agg[got], Z[got], rtol=1e-9)
    assert Z[~got].sum() / Z.sum() < 0.01


def test_deterministic_for_a_seed(nbs42):
    A, x, codes = nbs42
    a = synthetic_firm_network(A, x, codes, 500, seed=7)
    b = synthetic_firm_network(A, x, codes, 500, seed=7)
    c = synthetic_firm_network(A, x, codes, 500, seed=8)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[1].equals(c[1])


def test_small_and_degenerate_inputs():
    A = np.array([[0.1, 0.2], [0.3, 0.0]])
    firms, links = synthetic_firm_network(A, np.array([10.0, 5.0]), ["a", "b"], 1)
    assert len(firms) == 1 and len(links) == 0  # one firm cannot trade with itself
    firms, links = synthetic_firm_network(np.zeros((2, 2)), np.array([1.0, 1.0]), ["a", "b"], 10)
    assert len(links) == 0
    with pytest.raises(InputError):
        synthetic_firm_network(A, np.array([1.0]), ["a", "b"], 10)
    with pytest.raises(InputError):
        synthetic_firm_network(-A, np.array([1.0, 1.0]), ["a", "b"], 10)
    with pytest.raises(InputError):
        synthetic_firm_network(A, np.array([1.0, 1.0]), ["a", "b"], 10, regions=["r"], region_weights=[-1])


def test_power_law_network():
    firms, links = power_law_network(5000, [f"i{k}" for k in range(20)], mean_out_degree=8, seed=3)
    assert len(links) == 40000 and not links.duplicated(["supplier", "customer"]).any()
    outdeg = links.groupby("supplier").size()
    assert outdeg.max() > 20 * outdeg.median()  # hubs
    a = power_law_network(300, ["x"], seed=1)
    b = power_law_network(300, ["x"], seed=1)
    pd.testing.assert_frame_equal(a[1], b[1])


def test_truncated_power_law_network_follows_the_published_specification():
    from induscope.core.network.synthetic import truncated_power_law_network

    codes = [f"i{k}" for k in range(30)]
    firms, links = truncated_power_law_network(3000, codes, mean_out_degree=8, max_degree=128, seed=5)
    deg = links.groupby("supplier").size()
    assert len(links) == 3000 * 8 and len(deg) == 3000  # every firm sells, exactly 8n links
    assert deg.min() >= 1 and deg.max() <= 128
    assert (deg > 20).any()  # a power-law tail, not all near the mean
    assert not (links["supplier"] == links["customer"]).any()
    assert not links.duplicated(["supplier", "customer"]).any()
    assert links["value"].between(0.1, 1.1).all()
    # industries in blocks of n // industries, in order
    assert list(firms["industry"].iloc[[0, 99, 100, 2999]]) == ["i0", "i0", "i1", "i29"]
    assert firms["industry"].value_counts().nunique() == 1
    again = truncated_power_law_network(3000, codes, mean_out_degree=8, seed=5)
    pd.testing.assert_frame_equal(links, again[1])


def test_truncated_power_law_network_remainder_and_errors():
    from induscope.core.network.synthetic import truncated_power_law_network

    firms, links = truncated_power_law_network(103, ["a", "b", "c", "d", "e"], seed=1)
    assert firms["industry"].value_counts().to_dict() == {"a": 21, "b": 21, "c": 21, "d": 20, "e": 20}
    assert len(links) == 103 * 8
    with pytest.raises(InputError):
        truncated_power_law_network(4, ["a", "b", "c", "d", "e"])
