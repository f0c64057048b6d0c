"""Every response of the app answers in the one error envelope, with no traceback and no server path:
a walk over every route of the app (from ``app.routes``) with wrong path values, query values and bodies."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.settings import Settings

from .conftest import BASE, bearer

ADMIN_TOKEN = "walk-the-routes-admin-token"
BAD_PATH_VALUES = ["nope", "..%2F..%2Fetc%2Fpasswd", "x" * 300, "%E2%80%AE%00"]
BAD_QUERY_VALUES = ["banana", "-1", "99999999999999999999999", "NaN", "2025-13"]
BAD_BODIES = ['"/etc/passwd"', "[1, 2, 3]", '{"reports": "/etc/passwd"}', "NaN", '{"a": Infinity}',
              "[" * 50_000 + "]" * 50_000, "not json", "{}", '{"reports": [1e400]}', "1" * 5000]


@pytest.fixture(scope="module")
def walk(demo_workspace, tmp_path_factory):
    import shutil

    home = tmp_path_factory.mktemp("walk") / "ws"
    home.mkdir()
    shutil.copy2(demo_workspace.path, home / "workspace.duckdb")
    app = create_app(Settings(home=home, api_token=ADMIN_TOKEN))
    client = TestClient(app, base_url=BASE, raise_server_exceptions=False)
    secrets = [str(home), str(home.resolve()), str(Path.cwd()), sys.prefix, "site-packages", str(Path.home())]
    return app, client, [s for s in secrets if len(s) > 1]


def check(r, secrets, what):
    text = r.text
    assert "Traceback" not in text and 'File "' not in text, what
    for s in secrets:
        assert s not in text, (what, s)
    if r.status_code >= 400:
        body = r.json()
        assert set(body) >= {"error", "message"}, (what, body)
        assert isinstance(body["error"], str) and isinstance(body["message"], str) and body["message"], what
        assert set(body) <= {"error", "message", "problems", "total", "retry_after"}, (what, body)
        assert r.status_code != 500, (what, body)  # bad input is the caller's error, never the server's


def operations(app, client):
    doc = client.get("/api/v1/openapi.json", headers=bearer(ADMIN_TOKEN)).json()
    out = []
    for ctx in iter_route_contexts(app.routes):
        for method in sorted((ctx.methods or set()) - {"HEAD"}):
            op = doc["paths"].get(ctx.path, {}).get(method.lower(), {})
            out.append((method, ctx.path, op))
    return out


def fill(path, value):
    return re.sub(r"\{[^}]+\}", value, path)


def test_every_route_is_walked(walk):
    app, client, _ = walk
    ops = operations(app, client)
    paths = {p for _, p, _ in ops}
    assert {"/api/v1/reports", "/api/v1/series", "/", "/docs", "/api/v1/audit"} <= paths
    assert len(ops) > 40


def test_bad_path_values(walk):
    app, client, secrets = walk
    for method, path, _ in operations(app, client):
        if "{" not in path:
            continue
        for v in BAD_PATH_VALUES:
            r = client.request(method, fill(path, v), headers=bearer(ADMIN_TOKEN), json={})
            check(r, secrets, (method, path, v))


def test_bad_query_values(walk):
    app, client, secrets = walk
    for method, path, op in operations(app, client):
        params = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        url = fill(path, "nope")
        r = client.request(method, url, headers=bearer(ADMIN_TOKEN))  # required ones missing
        check(r, secrets, (method, path, "no query"))
        for name in params:
            for v in BAD_QUERY_VALUES:
                if method != "GET" and v in ("-1", "NaN"):
                    continue  # keep the walk short: writes get the distinctive values only
                r = client.request(method, url, params={name: v}, headers=bearer(ADMIN_TOKEN))
                check(r, secrets, (method, path, name, v))


def test_bad_bodies(walk):
    app, client, secrets = walk
    for method, path, op in operations(app, client):
        if method not in ("POST", "PUT", "PATCH", "DELETE"):
            continue
        url = fill(path, "nope")
        for body in BAD_BODIES:
            r = client.request(method, url, content=body.encode(), params={"list_id": "nope"},
                               headers={**bearer(ADMIN_TOKEN), "content-type": "application/json"})
            check(r, secrets, (method, path, body[:30]))
            if "requestBody" in op:
                assert r.status_code >= 400, (method, path, body[:30], r.text)


@pytest.mark.parametrize("url,status,kind", [
    ("/api/v1/nope", 404, "not_found"), ("/nope", 404, "not_found"), ("/static/nope.js", 404, "not_found"),
    ("/api/v1/reference/nope", 404, "not_found"), ("/api/v1/enterprises/NOPE", 404, "not_found"),
    ("/api/v1/chains/nope", 404, "not_found"), ("/api/v1/enterprises?limit=0", 422, "validation_error"),
    ("/api/v1/series?indicator=value_added&start=banana", 422, "validation_error"),
    ("/api/v1/enterprises?offset=99999999999999999999", 422, "validation_error"),
])
def test_one_error_envelope(walk, url, status, kind):
    _, client, secrets = walk
    r = client.get(url, headers=bearer(ADMIN_TOKEN))
    assert r.status_code == status, r.text
    check(r, secrets, url)
    assert r.json()["error"] == kind
    if kind == "validation_error":
        assert r.json()["problems"][0]["column"].startswith("query.")


def test_framework_405_is_in_the_envelope(walk):
    _, client, secrets = walk
    r = client.delete("/api/v1/health")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("body", ['[{"value": NaN}]', '{"reports": [{"value": Infinity}]}', '[-Infinity]',
                                  '[1e999]'])
def test_non_finite_numbers_in_bodies_are_refused(walk, body):
    _, client, secrets = walk
    r = client.post("/api/v1/reports", content=body.encode(),
                    headers={**bearer(ADMIN_TOKEN), "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "validation_error", r.text
    assert "finite" in r.json()["message"] or "not a number" in r.json()["message"]


def test_unhandled_exceptions_answer_a_generic_500(tmp_path):
    app = create_app(Settings(home=tmp_path / "ws"))
    secret_path = str(tmp_path / "very" / "secret" / "place.duckdb")

    @app.get("/boom")
    def boom():
        raise RuntimeError(f"could not open {secret_path}")

    r = TestClient(app, base_url=BASE, raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500
    assert r.json() == {"error": "internal_error",
                        "message": "an unexpected error occurred on the server; it has been logged"}
    assert "secret" not in r.text and "Traceback" not in r.text


def test_storage_errors_do_not_name_the_workspace(tmp_path):
    from induscope.errors import StorageError

    app = create_app(Settings(home=tmp_path / "ws"))

    @app.get("/storage")
    def storage():
        raise StorageError(f"cannot read {tmp_path}/ws/workspace.duckdb: corrupt")

    r = TestClient(app, base_url=BASE, raise_server_exceptions=False).get("/storage")
    assert r.status_code == 500 and r.json()["error"] == "storage_error"
    assert str(tmp_path) not in r.text and "<server>" in r.text
