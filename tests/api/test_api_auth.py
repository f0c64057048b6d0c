"""Users, roles, tokens, Host checking, body limits and the audit log: the role matrix route by route."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.routing import iter_route_contexts

from induscope.services import access
from induscope.services.access import ROLE_RANK

from .conftest import BASE, bearer, make_client
from .test_api_monitoring import reports

ROLES = ("viewer", "analyst", "admin", "reporter")


@pytest.fixture(scope="module")
def secured(secured_demo):
    ws, tokens, firms = secured_demo
    return make_client(ws.home), ws, tokens, firms


def _routes(client):
    app = client.app
    doc = client.get("/api/v1/openapi.json").json()
    for ctx in iter_route_contexts(app.routes):
        for method in sorted((ctx.methods or set()) - {"HEAD"}):
            op = doc["paths"].get(ctx.path, {}).get(method.lower())
            if op is not None:
                yield method, ctx.path, op


def allowed(role: str, op: dict) -> bool:
    need = op["x-role"]
    if need == "public":
        return True
    if role == "reporter":
        return op["x-reporter"]
    return ROLE_RANK[role] >= ROLE_RANK[need]


def test_every_api_operation_declares_its_rule(secured):
    client = secured[0]
    ops = list(_routes(client))
    assert len(ops) > 35
    assert all(op["x-role"] in ("public", "viewer", "analyst", "admin") for _, _, op in ops)


@pytest.mark.parametrize("role", ROLES + ("anonymous",))
def test_role_matrix(secured, role):
    """Each role against each route: allowed (any answer but 401/403), forbidden (403), or 401 without a
    token. The requests carry no valid body, so allowed writes stop at validation or 'not found'."""
    client, _, tokens, _ = secured
    headers = {} if role == "anonymous" else bearer(tokens[role])
    seen = 0
    for method, path, op in _routes(client):
        url = path.replace("{", "").replace("}", "")  # e.g. /alerts/alert_id/ack: a name that does not exist
        r = client.request(method, url, headers=headers, params={"list_id": "nope"})
        seen += 1
        if op["x-role"] == "public":
            assert r.status_code not in (401, 403), (role, method, path, r.text)
        elif role == "anonymous":
            assert r.status_code == 401 and r.json()["error"] == "auth_error", (method, path, r.text)
        elif allowed(role, op):
            assert r.status_code not in (401, 403), (role, method, path, r.text)
        else:
            assert r.status_code == 403 and r.json()["error"] == "forbidden", (role, method, path, r.text)
    assert seen > 35


@pytest.mark.parametrize("role,status", [("anonymous", 401), ("reporter", 403), ("viewer", 200), ("admin", 200)])
def test_dashboard_needs_a_viewer_once_users_exist(secured, role, status):
    client, _, tokens, _ = secured
    r = client.get("/", headers={} if role == "anonymous" else bearer(tokens[role]))
    assert r.status_code == status


def test_health_needs_nothing(secured):
    assert secured[0].get("/api/v1/health").json()["status"] == "ok"
    stale = secured[0].get("/api/v1/health", headers={"Authorization": "Bearer isc_nope"})
    assert stale.status_code == 200  # a monitor with a stale credential still sees the server up


def test_reporter_submits_and_reads_only_its_own_enterprises(secured):
    client, ws, tokens, firms = secured
    own, foreign = firms[0], firms[1]
    h = bearer(tokens["reporter"])
    ok = client.post("/api/v1/reports", json=reports(own), headers=h)
    assert ok.status_code == 200, ok.text
    assert ok.json()["source"] == "reporter"
    before = ws.tables()["operating_reports"]
    mixed = reports(own, 5.0)[:1] + reports(foreign)[:1]
    r = client.post("/api/v1/reports", json={"reports": mixed}, headers=h)
    assert r.status_code == 403 and foreign in r.json()["message"]
    assert ws.tables()["operating_reports"] == before
    # a correction of another enterprise's figures is refused the same way
    r = client.post("/api/v1/reports", json=[{**reports(foreign)[0], "vintage": "2030-01-01"}], headers=h)
    assert r.status_code == 403
    assert client.get("/api/v1/reports", params={"firm_id": foreign}, headers=h).status_code == 403
    mine = client.get("/api/v1/reports", headers=h).json()["items"]
    assert mine and {row["firm_id"] for row in mine} == {own}
    # the stored source is the identity, whatever the request says
    src = ws.query("SELECT DISTINCT source FROM operating_reports WHERE firm_id = ?", [own])["source"]
    assert set(src) == {"reporter"}
    # a reporter reads nothing else
    assert client.get("/api/v1/enterprises", headers=h).status_code == 403


def test_reporters_are_bound_to_existing_enterprises(secured):
    _, ws, _, _ = secured
    with pytest.raises(Exception, match="no enterprise"):
        access.add_user(ws, "ghost-rep", "reporter", enterprises=["NOPE"])
    with pytest.raises(Exception, match="enterprise"):
        access.add_user(ws, "lonely-rep", "reporter")


def test_revoked_expired_wrong_and_malformed_tokens_fail(secured):
    client, ws, _, _ = secured
    access.add_user(ws, "temp", "viewer")
    tok = access.create_token(ws, "temp", days=1)
    assert client.get("/api/v1/datasets", headers=bearer(tok["token"])).status_code == 200
    access.revoke_token(ws, tok["token_id"])
    r = client.get("/api/v1/datasets", headers=bearer(tok["token"]))
    assert r.status_code == 401 and "revoked" in r.json()["message"]

    tok2 = access.create_token(ws, "temp", days=1)
    with pytest.raises(Exception, match="expired"):
        access.authenticate_token(ws, tok2["token"], now=datetime.utcnow() + timedelta(days=2))
    with ws.writer() as con:
        con.execute("UPDATE api_tokens SET expires_at = TIMESTAMP '2020-01-01' WHERE token_id = ?",
                    [tok2["token_id"]])
    r = client.get("/api/v1/datasets", headers=bearer(tok2["token"]))
    assert r.status_code == 401 and "expired" in r.json()["message"]

    wrong_secret = tok2["token"][:-4] + "abcd"
    for h in ({"Authorization": f"Bearer {wrong_secret}"}, {"Authorization": "Bearer isc_nope"},
              {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        r = client.get("/api/v1/datasets", headers=h)
        assert r.status_code == 401 and r.json()["error"] == "auth_error", h


def test_a_disabled_user_loses_its_tokens(secured):
    client, ws, _, _ = secured
    access.add_user(ws, "leaver", "analyst")
    tok = access.create_token(ws, "leaver")["token"]
    assert client.get("/api/v1/datasets", headers=bearer(tok)).status_code == 200
    access.disable_user(ws, "leaver")
    assert client.get("/api/v1/datasets", headers=bearer(tok)).status_code == 401


def test_tokens_are_stored_hashed(secured):
    _, ws, tokens, _ = secured
    stored = ws.query("SELECT secret_hash FROM api_tokens")["secret_hash"]
    for t in tokens.values():
        secret = t.split("_", 2)[2]
        assert not any(secret in h for h in stored)


def test_passwords_are_argon2id(tmp_path):
    from induscope.store import Workspace

    ws = Workspace(tmp_path / "ws")
    access.add_user(ws, "pw", "viewer", password="correct horse battery")
    h = ws.query("SELECT password_hash FROM users")["password_hash"][0]
    assert h.startswith("$argon2id$")
    assert access.check_password(ws, "pw", "correct horse battery").name == "pw"
    with pytest.raises(Exception, match="wrong user name or password"):
        access.check_password(ws, "pw", "wrong horse battery")


def test_admin_manages_users_and_tokens_over_the_api(secured):
    client, ws, tokens, _ = secured
    h = bearer(tokens["admin"])
    r = client.post("/api/v1/users", json={"name": "newbie", "role": "viewer"}, headers=h)
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/tokens", json={"user": "newbie", "expires_days": 7}, headers=h)
    assert r.status_code == 201
    tok = r.json()
    assert client.get("/api/v1/me", headers=bearer(tok["token"])).json()["name"] == "newbie"
    listed = client.get("/api/v1/tokens", params={"user": "newbie"}, headers=h).json()["items"]
    assert [t["token_id"] for t in listed] == [tok["token_id"]] and "token" not in listed[0]
    assert client.post(f"/api/v1/tokens/{tok['token_id']}/revoke", headers=h).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(tok["token"])).status_code == 401
    users = client.get("/api/v1/users", headers=h).json()["items"]
    assert "password_hash" not in users[0]


def test_audit_log_records_writes_and_refused_logins(secured):
    client, ws, tokens, firms = secured
    client.get("/api/v1/datasets", headers={"Authorization": "Bearer isc_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbb"})
    client.post("/api/v1/reports", json=reports(firms[0])[:1], headers=bearer(tokens["analyst"]))
    client.post("/api/v1/users", json={"name": "x"}, headers=bearer(tokens["viewer"]))
    r = client.get("/api/v1/audit", params={"limit": 50}, headers=bearer(tokens["admin"]))
    assert r.status_code == 200
    entries = r.json()["items"]
    by_action = {}
    for e in entries:
        by_action.setdefault(e["action"], []).append(e)
    assert any(e["outcome"] == "denied" and e["status"] == 401 for e in by_action["login"])
    sub = by_action["submit_reports"][0]
    assert sub["actor"] == "analyst" and sub["outcome"] == "ok" and sub["target"] == "/api/v1/reports"
    assert sub["remote"]
    denied = by_action["create_user"][0]
    assert denied["actor"] == "viewer" and denied["outcome"] == "denied" and denied["status"] == 403
    assert client.get("/api/v1/audit", headers=bearer(tokens["analyst"])).status_code == 403


def test_unsecured_server_reads_but_refuses_writes_saying_how_to_start(demo_workspace):
    c = make_client(demo_workspace.home)
    assert c.get("/api/v1/datasets").status_code == 200
    # also what a cross-site form post (text/plain, no credentials) would send
    for r in (c.post("/api/v1/monitor/scan"),
              c.post("/api/v1/reports", content=b'[{"firm_id": "F1"}]', headers={"content-type": "text/plain"})):
        assert r.status_code == 403
        msg = r.json()["message"]
        assert "induscope users add NAME --role admin" in msg and "induscope tokens create" in msg


def test_server_api_token_acts_as_admin_and_closes_reads(demo_copy):
    c = make_client(demo_copy.home, api_token="s3cret-admin-token")
    assert c.get("/api/v1/datasets").status_code == 401
    h = bearer("s3cret-admin-token")
    assert c.get("/api/v1/datasets", headers=h).status_code == 200
    me = c.get("/api/v1/me", headers=h).json()
    assert me["role"] == "admin" and me["via"] == "api-token"
    assert c.get("/api/v1/users", headers=h).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example", ""])
def test_foreign_host_headers_are_refused(demo_workspace, host):
    c = make_client(demo_workspace.home)
    r = c.get("/api/v1/health", headers={"Host": host})
    assert r.status_code == 400 and r.json()["error"] == "host_not_allowed"


def test_allowed_hosts_setting(demo_workspace):
    c = make_client(demo_workspace.home, allowed_hosts="induscope.example.org,*.park.example")
    assert c.get("/api/v1/health", headers={"Host": "induscope.example.org:8443"}).status_code == 200
    assert c.get("/api/v1/health", headers={"Host": "a.park.example"}).status_code == 200
    assert c.get("/api/v1/health", headers={"Host": "127.0.0.1"}).status_code == 400


def test_oversized_bodies_are_refused_and_nothing_changes(secured):
    client, ws, tokens, firms = secured
    small = make_client(ws.home, api_max_body_bytes=10_000)
    h = bearer(tokens["admin"])
    before = ws.tables()["operating_reports"]
    big = reports(firms[0]) * 200  # ~ 100 kB
    r = small.post("/api/v1/reports", json=big, headers=h)
    assert r.status_code == 413 and r.json()["error"] == "too_large"

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(100):
            yield b" " * 1000

    r = small.post("/api/v1/reports", content=chunks(), headers={**h, "content-type": "application/json"})
    assert r.status_code == 413
    assert ws.tables()["operating_reports"] == before
    # the default limit lets a reasonable submission through, and refuses more than 10,000 reports
    r = client.post("/api/v1/reports", json=reports(firms[0]) * 1700, headers=h)
    assert r.status_code in (413, 422)
    assert ws.tables()["operating_reports"] == before
