"""Every write made through the CLI is in the audit log: who (the OS user, or --as / INDUSCOPE_ACTOR), what
(the command), the object, from "cli", the outcome and the exit code; reads and --help are not; no secret."""
from __future__ import annotations

import getpass

import pytest
from typer.testing import CliRunner

from induscope.cli.main import app
from induscope.store import Workspace

runner = CliRunner()
GOOD = ("firm_id,name,region,industry,revenue [万元],employees,founded\n"
        "F1,甲公司,320000,3611,1200.5,120,2010\nF2,乙公司,310000,3670,800,45,2015\n")
BAD = ("firm_id,name,region,industry,revenue [万元],employees,founded\n"
       "F1,甲公司,999999,3611,lots,120,2010\n")


def entries(home) -> list[dict]:
    frame = Workspace(home).query("SELECT actor, action, target, remote, outcome, status, detail FROM audit_log "
                                  "ORDER BY seq")
    return frame.to_dict("records")


@pytest.fixture()
def home(tmp_path):
    home = tmp_path / "ws"
    r = runner.invoke(app, ["-w", str(home), "users", "add", "root-admin", "--role", "admin"])
    assert r.exit_code == 0, r.output
    return home


def test_user_and_token_commands_are_audited_once_each_without_secrets(home):
    r = runner.invoke(app, ["-w", str(home), "--json", "tokens", "create", "root-admin"])
    assert r.exit_code == 0, r.output
    import json

    created = json.loads(r.stdout)
    r = runner.invoke(app, ["-w", str(home), "tokens", "revoke", created["token"]])  # the whole token
    assert r.exit_code == 0, r.output
    log = entries(home)
    assert [e["action"] for e in log] == ["users add", "tokens create", "tokens revoke"]
    me = f"cli:{getpass.getuser()}"
    assert all(e["actor"] == me and e["remote"] == "cli" and e["outcome"] == "ok" and e["status"] == 0 for e in log)
    assert log[0]["target"] == "user:root-admin" and log[1]["target"] == log[2]["target"] == \
        f"token:{created['token_id']}"
    secret = created["token"].split("_", 2)[2]
    assert not any(secret in str(v) for e in log for v in e.values())


def test_imports_are_audited_with_their_outcome_and_the_actor_given(home, tmp_path, monkeypatch):
    (tmp_path / "firms.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(BAD, encoding="utf-8")
    r = runner.invoke(app, ["-w", str(home), "import", "enterprises", str(tmp_path / "firms.csv"), "--as", "wang"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["-w", str(home), "import", "enterprises", str(tmp_path / "bad.csv"), "--name", "more"])
    assert r.exit_code == 3, r.output
    monkeypatch.setenv("INDUSCOPE_ACTOR", "li")
    r = runner.invoke(app, ["-w", str(home), "import", "enterprises", str(tmp_path / "nope.csv")])
    assert r.exit_code != 0
    ok, invalid, missing = entries(home)[1:]
    assert ok["action"] == "import enterprises" and ok["actor"] == "wang" and ok["outcome"] == "ok"
    assert ok["target"] == "firms.csv" and str(tmp_path) not in str(ok)  # a file by its base name only
    assert '"os_user"' in ok["detail"]
    assert invalid["outcome"] == "invalid" and invalid["status"] == 3 and invalid["target"] == "more"
    assert invalid["actor"] == f"cli:{getpass.getuser()}"
    assert missing["actor"] == "li" and missing["outcome"] in ("invalid", "error") and missing["status"] != 0
    assert Workspace(home).tables()["enterprises"] == 2


def test_reads_and_help_are_not_audited(home):
    before = len(entries(home))
    for args in (["users", "list"], ["audit"], ["tokens", "list"], ["import", "enterprises", "--help"],
                 ["workspace", "status"]):
        r = runner.invoke(app, ["-w", str(home), *args])
        assert r.exit_code == 0, (args, r.output)
    assert len(entries(home)) == before


def test_a_denied_or_failed_write_is_audited_too(home):
    r = runner.invoke(app, ["-w", str(home), "users", "disable", "nobody"])
    assert r.exit_code == 6, r.output
    last = entries(home)[-1]
    assert last["action"] == "users disable" and last["target"] == "user:nobody" and last["outcome"] == "invalid"
