"""`induscope users`, `induscope tokens`, `induscope audit`, and `induscope serve` refusing a public bind."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from induscope.cli.main import app
from induscope.services import access
from induscope.store import Workspace

runner = CliRunner()


def run(home, *args, input=None):
    return runner.invoke(app, ["-w", str(home), *args], input=input)


def test_users_tokens_and_audit(tmp_path):
    home = tmp_path / "ws"
    r = run(home, "users", "list")
    assert r.exit_code == 0 and "induscope users add NAME --role admin" in r.output
    r = run(home, "users", "add", "alice", "--role", "admin")
    assert r.exit_code == 0, r.output
    assert run(home, "users", "add", "alice", "--role", "admin").exit_code == 2  # exists
    assert run(home, "users", "add", "bob", "--role", "wizard").exit_code == 2
    assert run(home, "users", "add", "rep", "--role", "reporter").exit_code == 2  # no --enterprise
    assert run(home, "users", "add", "rep", "--role", "reporter", "--enterprise", "F1").exit_code == 2  # no such firm
    r = run(home, "users", "add", "carol", "--role", "viewer", "--password-stdin", input="a long enough secret\n")
    assert r.exit_code == 0, r.output
    r = run(home, "--json", "tokens", "create", "alice", "--expires-days", "7")
    assert r.exit_code == 0, r.output
    tok = json.loads(r.stdout)
    assert tok["token"].startswith("isc_") and tok["user"] == "alice"
    ws = Workspace(home)
    assert access.authenticate_token(ws, tok["token"]).role == "admin"
    listed = run(home, "--json", "tokens", "list")
    assert tok["token"] not in listed.stdout and tok["token_id"] in listed.stdout
    assert run(home, "tokens", "create", "nobody").exit_code == 6
    assert run(home, "tokens", "create", "alice", "--expires-days", "0").exit_code == 2
    assert run(home, "tokens", "revoke", tok["token_id"]).exit_code == 0
    assert run(home, "tokens", "revoke", tok["token_id"]).exit_code == 2  # already
    assert run(home, "tokens", "revoke", "nope").exit_code == 6
    r = run(home, "--json", "audit")
    assert r.exit_code == 0
    entries = json.loads(r.stdout)["entries"]
    ok = [e for e in entries if e["outcome"] == "ok"]
    assert [e["action"] for e in ok][:3] == ["tokens revoke", "tokens create", "users add"]
    assert all(e["actor"].startswith("cli") and e["remote"] == "cli" for e in entries)
    # refused writes are in the log too, with their outcome and exit code (tests/cli/test_cli_audit.py)
    assert {(e["action"], e["status"]) for e in entries if e["outcome"] == "invalid"} >= {
        ("tokens revoke", 2), ("tokens revoke", 6), ("tokens create", 6), ("users add", 2)}
    assert run(home, "audit", "--since", "banana").exit_code == 2
    assert run(home, "audit", "--outcome", "meh").exit_code == 2
    users = json.loads(run(home, "--json", "users", "list").stdout)
    assert {u["name"] for u in users} == {"alice", "carol"} and all("password_hash" not in u for u in users)


def test_serve_refuses_a_public_bind_without_users(tmp_path):
    r = run(tmp_path / "ws", "serve", "--host", "0.0.0.0")
    assert r.exit_code == 2
    assert "loopback" in r.output and "induscope users add NAME --role admin" in r.output


def test_loopback_names():
    from induscope.cli.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2") and not is_loopback("example.org")
