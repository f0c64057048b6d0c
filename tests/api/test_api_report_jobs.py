"""Report cards as background jobs: POST /api/v1/jobs {"kind": "report_card"} (the dashboard's contract) and
POST /api/v1/report/cards; progress, the stored file downloaded with its type and name, bad params refused
before a job exists, cancel, and the serial / local / Dask executors."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.report import find_chromium
from induscope.services import access
from induscope.settings import Settings
from induscope.store import jobs as job_store

from .conftest import BASE, bearer
from .test_api_jobs import wait_for

CARD = {"kind": "report_card", "params": {"year": 2022, "region": None, "format": "html", "lang": "zh"}}


@pytest.fixture()
def api(demo_copy):
    access.add_user(demo_copy, "ana", "analyst")
    access.add_user(demo_copy, "vic", "viewer")
    return (demo_copy, bearer(access.create_token(demo_copy, "ana")["token"]),
            bearer(access.create_token(demo_copy, "vic")["token"]))


def _run_card(c, h, body=CARD):
    r = c.post("/api/v1/jobs", json=body, headers=h)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "report_card" and job["links"]["download"] == f"/api/v1/jobs/{job['job_id']}/download"
    return wait_for(c, h, job["job_id"], ("succeeded", "failed"), timeout=300)


def test_the_dashboards_report_card_job_runs_and_its_html_downloads(api):
    ws, h, v = api
    with TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE) as c:
        done = _run_card(c, h)
        assert done["state"] == "succeeded", done
        assert done["progress"] == 1.0 and done["started_at"] and done["finished_at"]
        res = c.get(f"/api/v1/jobs/{done['job_id']}/result", headers=v).json()
        assert res["download"] == f"/api/v1/jobs/{done['job_id']}/download"
        assert res["format"] == "html" and res["region"] == "000000" and res["year"] == 2022 and res["synthetic"]
        d = c.get(res["download"], headers=v)
        assert d.status_code == 200 and d.headers["content-type"].startswith("text/html")
        assert d.headers["content-disposition"] == 'attachment; filename="report-card-2022-000000-zh.html"'
        assert d.headers["x-content-type-options"] == "nosniff"
        assert d.content.lower().startswith(b"<!doctype html>") and "2022".encode() in d.content
        assert len(d.content) == res["bytes"]
        assert str(ws.home).encode() not in d.content
        # the result as JSON too
        j = c.get(res["download"], params={"format": "json"}, headers=v)
        assert j.headers["content-type"].startswith("application/json") and j.json()["file"] == res["file"]
        assert c.get(res["download"], params={"format": "csv"}, headers=v).status_code == 400


def test_the_report_route_makes_a_monthly_brief_for_a_region(api):
    ws, h, _ = api
    with TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE) as c:
        r = c.post("/api/v1/report/cards", json={"year": 2022, "region": "江苏省", "month": "2022-06",
                                                 "format": "html", "lang": "en"}, headers=h)
        assert r.status_code == 202, r.text
        done = wait_for(c, h, r.json()["job_id"], ("succeeded", "failed"), timeout=300)
        assert done["state"] == "succeeded", done
        res = c.get(f"/api/v1/jobs/{done['job_id']}/result", headers=h).json()
        assert res["region"] == "320000" and res["month"] == "2022-06" and res["lang"] == "en"
        d = c.get(res["download"], headers=h)
        assert d.headers["content-disposition"].endswith('"monthly-brief-2022-06-320000-en.html"')


@pytest.mark.parametrize("params", [{"year": 1800}, {"year": "2022"}, {"year": 2022, "format": "docx"},
                                    {"year": 2022, "lang": "fr"}, {"year": 2022, "region": "Atlantis"},
                                    {"year": 2022, "month": "2021-05"}, {"year": 2022, "official": "/etc"},
                                    {"year": 2022, "region": ["320000"]}])
def test_bad_report_params_are_refused_before_a_job_exists(api, params):
    ws, h, _ = api
    c = TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE)
    r = c.post("/api/v1/jobs", json={"kind": "report_card", "params": params}, headers=h)
    assert r.status_code in (400, 422), r.text
    assert ws.tables()["jobs"] == 0


def test_viewers_may_not_start_reports_and_upload_kinds_need_their_route(api):
    ws, h, v = api
    c = TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE)
    assert c.post("/api/v1/jobs", json=CARD, headers=v).status_code == 403
    assert c.post("/api/v1/report/cards", json={"year": 2022}, headers=v).status_code == 403
    assert c.post("/api/v1/jobs", json={"kind": "import", "params": {}}, headers=h).status_code == 422
    assert ws.tables()["jobs"] == 0


def test_no_download_before_success(api):
    ws, h, _ = api
    job_store.insert(ws, "J00000000000a", "report_card", {"year": 2022}, "ana", "elsewhere:1")
    c = TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE)
    r = c.get("/api/v1/jobs/J00000000000a/download", headers=h)
    assert r.status_code == 404 and "queued" in r.json()["message"]


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="PDF needs Chromium")
def test_pdf_report_card_on_the_local_pool(api):
    ws, h, _ = api
    body = {"kind": "report_card", "params": {"year": 2022, "region": None, "format": "pdf", "lang": "zh"}}
    with TestClient(create_app(Settings(home=ws.home, executor="local", workers=1)), base_url=BASE) as c:
        done = _run_card(c, h, body)
        assert done["state"] == "succeeded", done
        d = c.get(f"/api/v1/jobs/{done['job_id']}/download", headers=h)
        assert d.status_code == 200 and d.headers["content-type"] == "application/pdf"
        assert d.content.startswith(b"%PDF-") and d.headers["content-disposition"].endswith('-zh.pdf"')


@pytest.mark.slow
def test_jobs_run_on_a_local_dask_cluster(api):
    pytest.importorskip("distributed")
    ws, h, _ = api
    with TestClient(create_app(Settings(home=ws.home, executor="dask", workers=1)), base_url=BASE) as c:
        done = _run_card(c, h)
        assert done["state"] == "succeeded", done
        assert c.get(f"/api/v1/jobs/{done['job_id']}/download", headers=h).content.lower().startswith(b"<!doctype html>")
        # progress from the Dask worker, and a cancel that reaches it
        r = c.post("/api/v1/jobs", json={"kind": "ario_sweep", "params": {"table_id": "demo_io42_2020",
                                                                          "damage": 0.3, "steps": 3650}}, headers=h)
        jid = r.json()["job_id"]
        running = wait_for(c, h, jid, ("running", "succeeded", "failed"), timeout=300)
        assert running["state"] == "running"
        assert c.post(f"/api/v1/jobs/{jid}/cancel", headers=h).status_code == 200
        assert wait_for(c, h, jid, ("cancelled", "succeeded", "failed"))["state"] == "cancelled"
