"""REST API and the first dashboard page over the demo workspace; the one error envelope."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.settings import Settings


@pytest.fixture(scope="module")
def client(demo_workspace):
    return TestClient(create_app(Settings(home=demo_workspace.home)))


def test_home_page_shows_the_demo_labelled_synthetic(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "SYNTHETIC DEMO DATA" in r.text and "新能源汽车产业链" in r.text
    assert "/static/vendor/echarts.min.js" in r.text and "cdn" not in r.text.lower()


def test_static_assets_are_served_from_the_package(client):
    assert client.get("/static/vendor/echarts.min.js").status_code == 200
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_empty_workspace_page_says_how_to_start(tmp_path):
    c = TestClient(create_app(Settings(home=tmp_path / "none")))
    r = c.get("/")
    assert r.status_code == 200 and "induscope demo" in r.text


def test_workspace_and_datasets(client):
    s = client.get("/api/workspace").json()
    assert s["exists"] and s["tables"]["enterprises"] > 4000
    d = client.get("/api/datasets").json()
    assert all(row["synthetic"] for row in d)


def test_series_with_vintage(client):
    rows = client.get("/api/series", params={"indicator": "value_added", "region": "320000", "industry": "36",
                                             "price_basis": "constant_2020", "start": "2025-06", "end": "2025-06",
                                             "vintage": "2026-01-31"}).json()
    assert len(rows) == 1 and rows[0]["vintage"] == "2025-07-15"


def test_enterprise_and_chain_detail(client):
    firms = client.get("/api/enterprises", params={"limit": 5}).json()
    assert len(firms) == 5
    one = client.get(f"/api/enterprises/{firms[0]['firm_id']}").json()
    assert one["attributes"]["synthetic"] is True
    chain = client.get("/api/chains/ic").json()
    assert len(chain["nodes"]) == 11


def test_reference_classification(client):
    rows = client.get("/api/reference/divisions").json()
    assert len(rows) == 97 and rows[38]["code"] == "39"


@pytest.mark.parametrize("path,status,kind", [
    ("/api/reference/nope", 404, "not_found"),
    ("/api/enterprises/NOPE", 404, "not_found"),
    ("/api/chains/nope", 404, "not_found"),
    ("/api/enterprises?limit=0", 422, "validation_error"),
])
def test_one_error_envelope(client, path, status, kind):
    r = client.get(path)
    assert r.status_code == status
    body = r.json()
    assert body["error"] == kind and isinstance(body["message"], str) and body["message"]
    if kind == "validation_error":
        assert body["problems"][0]["column"] == "query.limit"
