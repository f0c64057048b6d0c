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


def test_serve_checks_its_tls_files_before_starting(tmp_path):
    ws = tmp_path / "ws"
    r = run(ws, "serve", "--ssl-certfile", str(tmp_path / "cert.pem"))
    assert r.exit_code == 2 and "both --ssl-certfile and --ssl-keyfile" in r.output
    (tmp_path / "cert.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    (tmp_path / "key.pem").write_text("not a key")
    r = run(ws, "serve", "--ssl-certfile", str(tmp_path / "cert.pem"), "--ssl-keyfile", str(tmp_path / "nope.pem"))
    assert r.exit_code == 2 and "no such file: nope.pem" in r.output and str(tmp_path) not in r.output
    r = run(ws, "serve", "--ssl-certfile", str(tmp_path / "cert.pem"), "--ssl-keyfile", str(tmp_path / "key.pem"))
    assert r.exit_code == 2 and "key.pem is not a PEM file" in r.output
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    r = run(ws, "serve", "--ssl-certfile", str(tmp_path / "cert.pem"), "--ssl-keyfile", str(tmp_path / "key.pem"))
    assert r.exit_code == 2 and "cannot be used together" in r.output and "Traceback" not in r.output


def test_serve_speaks_https_with_hsts_and_secure_cookies(tmp_path):
    """A real server process over TLS (a throw-away self-signed certificate made with openssl)."""
    import shutil
    import socket
    import subprocess
    import sys
    import time

    import httpx
    import pytest

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost"], check=True, capture_output=True)
    home = tmp_path / "ws"
    access.add_user(Workspace(home).ensure(), "ana", "analyst", password="a long enough passphrase")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "induscope.cli.main", "-w", str(home), "serve", "--port",
                             str(port), "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=False, timeout=5) as c:
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = c.get("/api/v1/health")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            assert r.status_code == 200 and r.headers["strict-transport-security"].startswith("max-age=")
            r = c.post("/api/v1/auth/login", json={"name": "ana", "password": "a long enough passphrase"})
            assert r.status_code == 200, r.text
            assert all("Secure" in v for v in r.headers.get_list("set-cookie"))
        with pytest.raises(httpx.TransportError):  # plain HTTP is not answered on that port
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)
    finally:
        proc.terminate()
        proc.wait(30)
