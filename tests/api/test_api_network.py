"""Firm-network routes over the demo workspace's own firms (no files)."""
from __future__ import annotations

import pytest

from .conftest import make_client


@pytest.fixture(scope="module")
def client(demo_workspace):
    return make_client(demo_workspace.home)


@pytest.fixture(scope="module")
def supplier(demo_workspace):
    return demo_workspace.query("SELECT supplier, count(*) AS n FROM supply_links GROUP BY 1 ORDER BY 2 DESC, 1 "
                                "LIMIT 1")["supplier"][0]


def test_scenario(client, supplier):
    r = client.post("/api/v1/network/scenario", json={"firms": [f"{supplier}=0.5"]})
    assert r.status_code == 200, r.text
    assert r.json()
    bad = client.post("/api/v1/network/scenario", json={"firms": ["NOPE"]})
    assert bad.status_code in (400, 404, 422) and bad.json()["error"]
    assert client.post("/api/v1/network/scenario", json={"firms": ["x=2"]}).status_code == 422
    assert client.post("/api/v1/network/scenario", json={}).status_code == 400


def test_chokepoints(client):
    r = client.get("/api/v1/network/chokepoints")
    assert r.status_code == 200, r.text
    assert r.json()


def test_alternatives(client, supplier):
    r = client.get("/api/v1/network/alternatives", params={"failed": supplier, "top": 3})
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/network/alternatives", params={"failed": "NOPE"}).status_code in (400, 404, 422)
