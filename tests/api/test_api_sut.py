"""/api/v1/sut/requirements: make and use uploads, checked as the CLI checks them, requirements as the CLI
derives them, the result stored and downloadable (JSON, each table as CSV), big ones as a job."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.services import access
from induscope.services.sut import sut_requirements
from induscope.settings import Settings

from .conftest import BASE, bearer
from .test_api_jobs import wait_for

MAKE = "industry,C1,C2,S\nI1,90,10,2\nI2,5,60,0\n"
USE = "commodity,I1,I2\nC1,20,15\nC2,=HYPERLINK(1),0\n"  # a formula is not a number: refused, located
USE_OK = "commodity,I1,I2\nC1,20,15\nC2,10,12\nS,1,0\n"


@pytest.fixture()
def api(demo_copy):
    access.add_user(demo_copy, "ana", "analyst")
    access.add_user(demo_copy, "vic", "viewer")
    h = bearer(access.create_token(demo_copy, "ana")["token"])
    v = bearer(access.create_token(demo_copy, "vic")["token"])
    return demo_copy, h, v


def _files(make: str, use: str, suffix=".csv"):
    return {"make": (f"make{suffix}", make.encode()), "use": (f"use{suffix}", use.encode())}


def test_requirements_match_the_cli_and_are_stored_for_download(api, tmp_path):
    ws, h, v = api
    c = TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE)
    r = c.post("/api/v1/sut/requirements", files=_files(MAKE, USE_OK), data={"scrap": "S"}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    (tmp_path / "m.csv").write_text(MAKE)
    (tmp_path / "u.csv").write_text(USE_OK)
    cli = sut_requirements(tmp_path / "m.csv", tmp_path / "u.csv", scrap="S")
    got = pd.DataFrame(body["tables"]["industry_by_industry"]).set_index("industry")
    want = cli.frames()["industry_by_industry"]
    np.testing.assert_allclose(got.loc[list(want.index), list(want.columns)].to_numpy(), want.to_numpy(), rtol=1e-12)
    assert body["industries"] == 2 and body["commodities"] == 3 and body["scrap"] == "S"
    assert body["download"] == f"/api/v1/jobs/{body['job_id']}/download"
    # stored: a viewer reads it later, as JSON or one table as CSV
    job = c.get(f"/api/v1/jobs/{body['job_id']}", headers=v).json()
    assert job["state"] == "succeeded" and job["kind"] == "sut_requirements" and job["owner"] == "ana"
    d = c.get(body["download"], headers=v)
    assert d.status_code == 200 and d.headers["content-type"].startswith("application/json")
    assert "attachment" in d.headers["content-disposition"]
    assert d.json()["tables"]["commodity_by_commodity"] == body["tables"]["commodity_by_commodity"]
    d = c.get(body["download"], params={"format": "csv", "table": "direct_requirements"}, headers=v)
    assert d.status_code == 200 and d.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(d.content.decode("utf-8-sig"))))
    assert rows[0] == ["commodity", "I1", "I2"] and [r[0] for r in rows[1:]] == ["C1", "C2", "S"]
    assert float(rows[1][1]) == pytest.approx(20 / 102)  # B = U g^-1: g(I1) = 90 + 10 + 2 (scrap made)
    bad = c.get(body["download"], params={"format": "csv", "table": "nope"}, headers=v)
    assert bad.status_code == 400 and "direct_requirements" in bad.json()["message"]
    # the params stored name the files by their base names only
    assert job["links"]["download"] == body["download"]


def test_bea_long_files_upload_gives_the_cli_result(api, shared_data):
    ws, h, _ = api
    d = shared_data / "bea1997"
    c = TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE)
    files = {"make": ("IOMakeSummary.txt", (d / "IOMakeSummary.txt").read_bytes()),
             "use": ("iousesummary.txt", (d / "iousesummary.txt").read_bytes())}
    r = c.post("/api/v1/sut/requirements", files=files, data={"scrap": "S004", "layout": "bea"}, headers=h)
    assert r.status_code == 200, r.text
    cli = sut_requirements(d / "IOMakeSummary.txt", d / "iousesummary.txt", scrap="S004", layout="bea")
    got = pd.DataFrame(r.json()["tables"]["commodity_by_commodity"]).set_index("commodity")
    want = cli.frames()["commodity_by_commodity"]
    np.testing.assert_allclose(got.loc[list(want.index), list(want.columns)].to_numpy(), want.to_numpy(),
                               rtol=1e-12, atol=0)


def test_bad_files_are_refused_with_every_problem_and_nothing_stored(api):
    ws, h, v = api
    c = TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE)
    r = c.post("/api/v1/sut/requirements", files=_files(MAKE, USE), headers=h)
    assert r.status_code == 422, r.text
    p = r.json()["problems"]
    assert any(x["source"] == "use.csv" and x["column"] == "I1" and "HYPERLINK" in str(x["value"]) for x in p), p
    assert "tmp" not in r.text and str(ws.home) not in r.text
    r = c.post("/api/v1/sut/requirements", files=_files(MAKE, USE_OK, ".exe"), headers=h)
    assert r.status_code == 400 and ".csv" in r.json()["message"]
    r = c.post("/api/v1/sut/requirements", files=_files(MAKE, USE_OK), data={"technology": "magic"}, headers=h)
    assert r.status_code == 422
    assert c.post("/api/v1/sut/requirements", files=_files(MAKE, USE_OK), headers=v).status_code == 403
    assert ws.tables()["jobs"] == 0


def test_oversized_uploads_are_refused_before_reading(api):
    ws, h, _ = api
    c = TestClient(create_app(Settings(home=ws.home, executor="serial", api_max_upload_bytes=1_000)),
                   base_url=BASE)
    r = c.post("/api/v1/sut/requirements", files=_files(MAKE + "I3,1,2,3\n" * 200, USE_OK), headers=h)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert ws.tables()["jobs"] == 0


def test_a_big_derivation_becomes_a_job(api):
    ws, h, _ = api
    with TestClient(create_app(Settings(home=ws.home, executor="serial", import_job_bytes=10)), base_url=BASE) as c:
        r = c.post("/api/v1/sut/requirements", files=_files(MAKE, USE_OK), data={"scrap": "S"}, headers=h)
        assert r.status_code == 202, r.text
        done = wait_for(c, h, r.json()["job_id"], ("succeeded", "failed"), timeout=60)
        assert done["state"] == "succeeded", done
        res = c.get(f"/api/v1/jobs/{done['job_id']}/result", headers=h).json()
        assert res["industries"] == 2 and set(res["tables"]) == {"direct_requirements", "commodity_by_commodity",
                                                                 "industry_by_commodity", "industry_by_industry"}
