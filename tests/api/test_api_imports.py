"""File uploads: validated as the CLI does, size-limited, nothing stored when a row is wrong."""
from __future__ import annotations

import pytest

from induscope.services import access
from induscope.store import Workspace

from .conftest import bearer, make_client

GOOD = ("firm_id,name,region,industry,revenue [万元],employees,founded\n"
        "F1,甲公司,320000,3611,1200.5,120,2010\nF2,乙公司,310000,3670,800,45,2015\n")
BAD = ("firm_id,name,region,industry,revenue [万元],employees,founded\n"
       "F1,甲公司,999999,3611,lots,120,2010\n")


@pytest.fixture()
def analyst(tmp_path):
    ws = Workspace(tmp_path / "ws")
    access.add_user(ws, "ana", "analyst")
    return ws, bearer(access.create_token(ws, "ana")["token"])


def test_upload_enterprises(analyst):
    ws, h = analyst
    c = make_client(ws.home)
    r = c.post("/api/v1/imports/enterprises", files={"file": ("firms.csv", GOOD.encode(), "text/csv")}, headers=h)
    assert r.status_code == 200, r.text
    assert ws.tables()["enterprises"] == 2


def test_bad_upload_reports_located_problems_and_stores_nothing(analyst):
    ws, h = analyst
    c = make_client(ws.home)
    r = c.post("/api/v1/imports/enterprises", files={"file": ("firms.csv", BAD.encode(), "text/csv")}, headers=h)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "validation_error" and body["problems"]
    assert all(p["source"] == "firms.csv" for p in body["problems"])
    assert "induscope-upload" not in r.text and "/tmp" not in r.text
    assert ws.tables()["enterprises"] == 0


@pytest.mark.parametrize("name", ["firms.txt", "../../etc/passwd", "firms.duckdb"])
def test_only_table_files_are_accepted(analyst, name):
    ws, h = analyst
    r = make_client(ws.home).post("/api/v1/imports/enterprises", files={"file": (name, GOOD.encode())}, headers=h)
    assert r.status_code == 400 and r.json()["error"] == "input_error"


def test_oversized_uploads_are_refused(analyst):
    ws, h = analyst
    c = make_client(ws.home, api_max_upload_bytes=5_000)
    big = GOOD + "".join(f"F{i},公司{i},320000,3611,1,1,2010\n" for i in range(3, 2000))
    r = c.post("/api/v1/imports/enterprises", files={"file": ("firms.csv", big.encode(), "text/csv")}, headers=h)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert ws.tables()["enterprises"] == 0


def test_viewers_cannot_import(analyst):
    ws, _ = analyst
    access.add_user(ws, "vic", "viewer")
    h = bearer(access.create_token(ws, "vic")["token"])
    r = make_client(ws.home).post("/api/v1/imports/enterprises", files={"file": ("f.csv", GOOD.encode())}, headers=h)
    assert r.status_code == 403
