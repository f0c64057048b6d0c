"""Guards for a server on a network: the browser security headers on every answer, and sign-ins
refused (429) from a client address that failed too often, counted in the audit log."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.api.middleware import SECURITY_HEADERS
from induscope.services import access
from induscope.settings import Settings
from induscope.store import Workspace

from .conftest import BASE, make_client

PASSWORD = "a long enough passphrase"
LOGIN = "/api/v1/auth/login"


@pytest.fixture()
def home(tmp_path):
    ws = Workspace(tmp_path / "ws").ensure()
    access.add_user(ws, "ana", "analyst", password=PASSWORD)
    return ws.home


def _client(home, address: str = "203.0.113.7", **settings) -> TestClient:
    return TestClient(create_app(Settings(home=home, **settings)), base_url=BASE,
                      raise_server_exceptions=False, client=(address, 50000))


def _sign_in(c: TestClient, password: str):
    return c.post(LOGIN, json={"name": "ana", "password": password})


@pytest.mark.parametrize("path", ["/api/v1/health", "/login", "/docs", "/static/session.js",
                                  "/api/v1/no-such-route", "/api/v1/me"])
def test_every_answer_carries_the_security_headers(home, path):
    r = make_client(home).get(path)
    assert r.status_code in (200, 401, 404), r.text
    for name, value in SECURITY_HEADERS:
        assert r.headers[name.decode()] == value.decode(), (path, name)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp and "http" not in csp


def test_hsts_only_over_https(home):
    plain = make_client(home).get("/api/v1/health")
    assert "strict-transport-security" not in plain.headers
    tls = TestClient(create_app(Settings(home=home)), base_url="https://127.0.0.1").get("/api/v1/health")
    assert tls.status_code == 200 and tls.headers["strict-transport-security"] == "max-age=31536000"


def test_a_refusal_before_any_route_carries_them_too(home):
    r = TestClient(create_app(Settings(home=home)), base_url="http://evil.example").get("/api/v1/health")
    assert r.status_code == 400 and r.headers["x-frame-options"] == "DENY"


def test_too_many_failed_sign_ins_from_one_address_are_refused_then_lift(home):
    c = _client(home, login_attempts=3, login_window_minutes=5)
    for _ in range(3):
        assert _sign_in(c, "wrong password!").status_code == 401
    r = _sign_in(c, PASSWORD)  # even the right password: the address is refused for now
    assert r.status_code == 429 and r.json()["error"] == "too_many_attempts"
    assert 1 <= int(r.headers["Retry-After"]) <= 5 * 60 and r.json()["retry_after"] == int(r.headers["Retry-After"])
    assert "try again in" in r.json()["message"] and "ana" not in r.json()["message"]
    # another address is not locked out by these failures (no lock-out of a user by name)
    assert _sign_in(_client(home, "198.51.100.2", login_attempts=3), PASSWORD).status_code == 200
    # the count lives in the audit log: a restarted server (a new app) still refuses this address
    assert _sign_in(_client(home, login_attempts=3, login_window_minutes=5), PASSWORD).status_code == 429
    ws = Workspace(home)
    rows = ws.query("SELECT outcome, status, json_extract_string(detail, '$.user') AS who FROM audit_log "
                    "WHERE action = 'login' AND remote = '203.0.113.7'")
    assert sorted(map(tuple, rows.values.tolist())) == [("denied", 401, "ana")] * 3 + [("denied", 429, "ana")] * 2
    # the refusal lifts once the failures are older than the window (aged here, not waited for)
    with ws.writer() as con:
        con.execute("UPDATE audit_log SET at_time = at_time - INTERVAL 6 MINUTE")
    assert _sign_in(c, PASSWORD).status_code == 200


def test_refused_attempts_do_not_extend_the_refusal(home):
    c = _client(home, login_attempts=2, login_window_minutes=5)
    assert [_sign_in(c, "wrong password!").status_code for _ in range(2)] == [401, 401]
    assert [_sign_in(c, "wrong password!").status_code for _ in range(5)] == [429] * 5
    with Workspace(home).writer() as con:  # the two failures age out; the five refusals are newer
        con.execute("UPDATE audit_log SET at_time = at_time - INTERVAL 6 MINUTE WHERE status = 401")
    assert _sign_in(c, PASSWORD).status_code == 200


def test_zero_attempts_turns_the_guard_off(home):
    c = _client(home, login_attempts=0)
    assert {_sign_in(c, "wrong password!").status_code for _ in range(12)} == {401}
    assert _sign_in(c, PASSWORD).status_code == 200


def test_the_default_allows_a_few_typos(home):
    c = _client(home)
    assert [_sign_in(c, "wrong password!").status_code for _ in range(9)] == [401] * 9
    assert _sign_in(c, PASSWORD).status_code == 200


@pytest.mark.parametrize("path, status, kind", [("/login", 200, "text/html"), ("/api/v1/health", 200, "application/json"),
                                                ("/api/v1/no-such-route", 404, "application/json")])
def test_head_answers_like_get_without_a_body(home, path, status, kind):
    c = make_client(home)
    get, head = c.get(path), c.head(path)
    assert head.status_code == get.status_code == status and head.content == b""
    assert head.headers["content-type"].startswith(kind) and head.headers["x-frame-options"] == "DENY"


def test_head_on_a_route_without_get_is_405(home):
    assert make_client(home).head(LOGIN).status_code == 405
