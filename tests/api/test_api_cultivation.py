"""Nowcast, SME and cluster routes over the demo workspace."""
from __future__ import annotations

import pytest

from .conftest import make_client


@pytest.fixture(scope="module")
def client(demo_workspace):
    return make_client(demo_workspace.home)


def test_nowcast_of_a_past_month(client):
    r = client.get("/api/v1/nowcast", params={"period": "2024-06", "day": 1})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["period"] == "2024-06" and doc["estimates"][0]["model"] == "bridge_anchored"
    assert doc["actual"] is not None


def test_nowcast_small_bridge_with_predictors(client):
    r = client.get("/api/v1/nowcast", params={"period": "2024-06", "model": "small_bridge",
                                               "predictor": ["pmi_manufacturing"]})
    assert r.status_code == 200, r.text
    assert r.json()["estimates"][0]["model"] == "small_bridge"
    r = client.get("/api/v1/nowcast", params={"period": "2024-06", "model": "small_bridge"})
    assert r.status_code == 400 and "--predictor" in r.json()["message"]


def test_nowcast_bad_inputs_use_the_envelope(client):
    for params in ({"period": "2024-13"}, {"model": "lstm"}, {"day": 999}):
        r = client.get("/api/v1/nowcast", params=params)
        assert r.status_code == 422 and "error" in r.json(), (params, r.text)
    r = client.get("/api/v1/nowcast")  # every month published: a reasoned 404, not a 500
    assert r.status_code == 404 and "--period" in r.json()["message"]


def test_nowcast_evaluation(client):
    r = client.get("/api/v1/nowcast/evaluation", params={"start": "2023-02", "end": "2023-08"})
    assert r.status_code == 200, r.text
    assert set(r.json()["rmse"]) >= {"bridge_anchored", "ar", "random_walk"}
    assert client.get("/api/v1/nowcast/evaluation", params={"start": "2000-02", "end": "2023-08"}).status_code == 400


def test_sme_routes(client, demo_workspace):
    firm = demo_workspace.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 1")["firm_id"][0]
    r = client.get(f"/api/v1/sme/enterprises/{firm}/evaluation", params={"date": "2025-06-30"})
    assert r.status_code == 200, r.text
    assert "text" in r.json()
    assert client.get("/api/v1/sme/rulesets").json()["total"] >= 3
    due = client.get("/api/v1/sme/certificates/due", params={"months": 12, "as_of": "2025-06-30"})
    assert due.status_code == 200 and due.json()["total"] > 0
    pipe = client.get("/api/v1/sme/pipeline", params={"by": "region", "format": "csv"})
    assert pipe.status_code == 200 and pipe.headers["content-type"].startswith("text/csv")
    assert client.get("/api/v1/sme/enterprises/NOPE/evaluation").status_code == 404


def test_cluster_routes(client):
    r = client.get("/api/v1/clusters")
    assert r.status_code == 200 and r.json()["total"] == 2
    cid = r.json()["items"][0]["cluster_id"]
    one = client.get(f"/api/v1/clusters/{cid}")
    assert one.status_code == 200, one.text
    assert client.get("/api/v1/clusters/nope").status_code == 404
