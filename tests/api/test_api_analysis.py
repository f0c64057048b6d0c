"""IO analysis and ARIO routes over the demo's stored table; a table id is never read as a file."""
from __future__ import annotations

import csv
import io

import pytest

from .conftest import make_client

TABLE = "demo_io42_2020"


@pytest.fixture(scope="module")
def client(demo_workspace):
    return make_client(demo_workspace.home)


@pytest.mark.parametrize("what", ["multipliers", "linkages", "key-sectors", "extraction"])
def test_io_tables(client, what):
    r = client.get(f"/api/v1/io/tables/{TABLE}/{what}")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items and all("sector" in row for row in items)
    if what != "key-sectors":
        assert len(items) == 42
    c = client.get(f"/api/v1/io/tables/{TABLE}/{what}", params={"format": "csv"})
    assert c.status_code == 200 and len(list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))) == len(items) + 1


def test_io_multipliers_are_at_least_one(client):
    items = client.get(f"/api/v1/io/tables/{TABLE}/multipliers").json()["items"]
    assert all(row["output_multiplier"] >= 1 for row in items)


def test_io_check(client):
    r = client.get(f"/api/v1/io/tables/{TABLE}/check")
    assert r.status_code == 200 and r.json()["sectors"] == 42


def test_io_shock_relative_fall_lowers_output(client):
    sectors = [row["sector"] for row in client.get(f"/api/v1/io/tables/{TABLE}/multipliers").json()["items"]]
    r = client.post(f"/api/v1/io/tables/{TABLE}/shock", json={"shocks": {sectors[6]: -0.1}, "relative": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["items"] and any(v < 0 for row in body["items"] for k, v in row.items()
                                 if isinstance(v, float) and "change" in k)
    bad = client.post(f"/api/v1/io/tables/{TABLE}/shock", json={"shocks": {"nope": -0.1}, "relative": True})
    assert bad.status_code in (400, 422) and bad.json()["error"] in ("input_error", "validation_error")


def test_ario_run(client):
    r = client.post(f"/api/v1/ario/tables/{TABLE}/run", json={"damage": 0.2, "event": "capacity-cut", "steps": 30})
    assert r.status_code == 200, r.text
    assert client.post(f"/api/v1/ario/tables/{TABLE}/run", json={"damage": 0.2, "steps": 100_000}).status_code == 422


def test_a_table_id_is_never_read_as_a_file(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret").write_text("TOPSECRET")
    (tmp_path / "secret.csv").write_text("TOPSECRET")
    for tid in ("secret", "secret.csv", "pymrio:test", "..%2Fsecret"):
        r = client.get(f"/api/v1/io/tables/{tid}/multipliers")
        assert r.status_code in (404, 422), (tid, r.text)
        assert "TOPSECRET" not in r.text
