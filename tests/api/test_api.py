"""REST API v1 and the first dashboard page over the demo workspace; lists, CSV, API docs offline."""
from __future__ import annotations

import csv
import io

import pytest

from .conftest import make_client


@pytest.fixture(scope="module")
def client(demo_workspace):
    return make_client(demo_workspace.home)


def test_home_page_shows_the_demo_labelled_synthetic(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "SYNTHETIC DEMO DATA" in r.text and "新能源汽车产业链" in r.text
    assert "/static/vendor/echarts.min.js" in r.text and "cdn" not in r.text.lower()


def test_static_assets_are_served_from_the_package(client):
    for asset in ("echarts.min.js", "htmx.min.js", "swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js",
                  "swagger-ui.LICENSE", "redoc.LICENSE"):
        assert client.get(f"/static/vendor/{asset}").status_code == 200, asset


@pytest.mark.parametrize("page,asset", [("/docs", "/static/vendor/swagger-ui-bundle.js"),
                                        ("/redoc", "/static/vendor/redoc.standalone.js")])
def test_api_docs_load_vendored_assets_only(client, page, asset):
    r = client.get(page)
    assert r.status_code == 200 and asset in r.text and "/api/v1/openapi.json" in r.text
    for remote in ("cdn", "googleapis", "unpkg", "http://", "https://"):
        assert remote not in r.text.lower(), remote


def test_empty_workspace_page_says_how_to_start_and_hides_the_path(tmp_path):
    c = make_client(tmp_path / "none")
    r = c.get("/")
    assert r.status_code == 200 and "induscope demo" in r.text and str(tmp_path) not in r.text


def test_old_unversioned_paths_are_gone(client):
    r = client.get("/api/datasets")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_workspace_status_shows_no_server_path(client, demo_workspace):
    r = client.get("/api/v1/workspace")
    s = r.json()
    assert s["exists"] and s["tables"]["enterprises"] > 4000
    assert str(demo_workspace.home) not in r.text and "home" not in s


def test_datasets_page(client):
    d = client.get("/api/v1/datasets").json()
    assert d["total"] == len(d["items"]) > 0 and all(row["synthetic"] for row in d["items"])
    one = client.get("/api/v1/datasets", params={"limit": 1, "offset": 1}).json()
    assert one["items"] == d["items"][1:2] and one["limit"] == 1 and one["offset"] == 1


def test_series_with_vintage(client):
    rows = client.get("/api/v1/series", params={
        "indicator": "value_added", "region": "320000", "industry": "36", "price_basis": "constant_2020",
        "start": "2025-06", "end": "2025-06", "vintage": "2026-01-31"}).json()["items"]
    assert len(rows) == 1 and rows[0]["vintage"] == "2025-07-15"


def test_series_pages_are_capped_and_consistent(client):
    q = {"indicator": "value_added", "region": "320000"}
    first = client.get("/api/v1/series", params={**q, "limit": 10}).json()["items"]
    second = client.get("/api/v1/series", params={**q, "limit": 5, "offset": 5}).json()["items"]
    assert second == first[5:10]
    r = client.get("/api/v1/series", params={**q, "limit": 1_000_000})
    assert r.status_code == 400 and r.json()["error"] == "input_error" and "5000" in r.json()["message"]


def test_enterprise_and_chain_detail(client):
    firms = client.get("/api/v1/enterprises", params={"limit": 5}).json()["items"]
    assert len(firms) == 5
    one = client.get(f"/api/v1/enterprises/{firms[0]['firm_id']}").json()
    assert one["attributes"]["synthetic"] is True
    chain = client.get("/api/v1/chains/ic").json()
    assert len(chain["nodes"]) == 11


def test_reference_classification(client):
    rows = client.get("/api/v1/reference/divisions", params={"limit": 200}).json()["items"]
    assert len(rows) == 97 and rows[38]["code"] == "39"


def test_csv_download_neutralises_formulas(client):
    r = client.get("/api/v1/enterprises", params={"limit": 3, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and {"firm_id", "name", "region"} <= set(rows[0])
    by_accept = client.get("/api/v1/enterprises", params={"limit": 3}, headers={"Accept": "text/csv"})
    assert by_accept.content == r.content


def test_csv_cells_that_look_like_formulas_get_an_apostrophe():
    from induscope.api.routers.deps import csv_response

    body = csv_response([{"a": "=cmd|' /C calc'!A0", "b": "+1", "c": "-2", "d": "@SUM(A1)", "e": "ok", "f": -3.5}],
                        "t").body.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(body)))[1]
    assert row == ["'=cmd|' /C calc'!A0", "'+1", "'-2", "'@SUM(A1)", "ok", "-3.5"]


def test_typed_responses_match_their_models(client):
    from induscope.api.schemas import Dataset, Enterprise, Page, SeriesRow, WorkspaceStatus

    WorkspaceStatus.model_validate(client.get("/api/v1/workspace").json())
    Page[Dataset].model_validate(client.get("/api/v1/datasets").json())
    Page[Enterprise].model_validate(client.get("/api/v1/enterprises").json())
    Page[SeriesRow].model_validate(client.get("/api/v1/series", params={"indicator": "value_added"}).json())


def test_openapi_has_stable_operation_ids_tags_and_a_security_scheme(client):
    doc = client.get("/api/v1/openapi.json").json()
    ops = [op for path in doc["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in ops]
    assert len(ids) == len(set(ids)) and all("_api_v1_" not in i for i in ids)
    assert all(op.get("tags") and op.get("x-role") for op in ops)
    assert all(p.startswith("/api/v1/") for p in doc["paths"])
    assert "HTTPBearer" in doc["components"]["securitySchemes"]


def test_docs_api_lists_every_operation(client):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    doc = client.get("/api/v1/openapi.json").json()
    missing = [op["operationId"] for path in doc["paths"].values() for op in path.values()
               if f"`{op['operationId']}`" not in text]
    assert not missing, f"docs/api.md does not list {missing}"
