"""Dashboard sessions: password login (Argon2id), HttpOnly cookie, CSRF token on writes, logout."""
from __future__ import annotations

import pytest

from induscope.services import access

from .conftest import make_client

PASSWORD = "a long enough passphrase"


@pytest.fixture()
def client(demo_copy):
    access.add_user(demo_copy, "ana", "analyst", password=PASSWORD)
    return make_client(demo_copy.home), demo_copy


def test_login_sets_an_httponly_session_and_writes_need_the_csrf_token(client):
    c, ws = client
    assert c.post("/api/v1/auth/login", json={"name": "ana", "password": "wrong password!"}).status_code == 401
    assert c.post("/api/v1/auth/login", json={"name": "nobody", "password": PASSWORD}).status_code == 401
    r = c.post("/api/v1/auth/login", json={"name": "ana", "password": PASSWORD})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "induscope_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    csrf = c.cookies["induscope_csrf"]
    me = c.get("/api/v1/me").json()
    assert me["name"] == "ana" and me["via"] == "session"
    assert c.get("/").status_code == 200
    # a write with the cookie alone (what a cross-site form would send) is refused
    r = c.post("/api/v1/watch-lists", json={"name": "x"})
    assert r.status_code == 403 and "CSRF" in r.json()["message"]
    r = c.post("/api/v1/watch-lists", content=b'{"name": "x"}', headers={"content-type": "text/plain"})
    assert r.status_code == 403
    r = c.post("/api/v1/watch-lists", json={"name": "x"}, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    r = c.post("/api/v1/watch-lists", json={"name": "x", "list_id": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    # logging in and out are in the audit log under the user's name
    actions = ws.query("SELECT action, actor, outcome FROM audit_log ORDER BY seq")
    assert ("login", "ana", "ok") in set(map(tuple, actions.values.tolist()))
    assert ("login", "anonymous", "denied") in set(map(tuple, actions.values.tolist()))
    session = c.cookies["induscope_session"]
    assert c.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    c.cookies.set("induscope_session", session)
    assert c.get("/api/v1/me").status_code == 401  # the session is revoked, not only forgotten
