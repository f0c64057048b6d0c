"""Big imports as background jobs: 202 and a job id (asked for, or above INDUSCOPE_IMPORT_JOB_BYTES), the
import service writes in the web process, problems fail the job with nothing stored, a cancel before the
write stores nothing, the upload folder goes when the job ends, a restart leaves it interrupted; and job
results download as JSON or CSV with formula cells neutralised."""
from __future__ import annotations

import csv
import io
import socket
import tempfile
import threading

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.services import access
from induscope.services import imports as import_svc
from induscope.settings import Settings
from induscope.store import Workspace
from induscope.store import jobs as job_store

from .conftest import BASE, bearer
from .test_api_imports import BAD, GOOD
from .test_api_jobs import wait_for


@pytest.fixture()
def analyst(tmp_path, monkeypatch):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))  # where the server keeps uploads while it reads them
    ws = Workspace(tmp_path / "ws")
    access.add_user(ws, "ana", "analyst")
    return ws, bearer(access.create_token(ws, "ana")["token"]), uploads


def _upload(c, h, text, **data):
    return c.post("/api/v1/imports/enterprises", files={"file": ("firms.csv", text.encode(), "text/csv")},
                  data=data, headers=h)


@pytest.mark.parametrize("how", ["asked", "big"])
def test_an_import_job_writes_in_the_web_process_and_reports_its_result(analyst, how):
    ws, h, uploads = analyst
    settings = Settings(home=ws.home, executor="serial", **({"import_job_bytes": 100} if how == "big" else {}))
    with TestClient(create_app(settings), base_url=BASE) as c:
        r = _upload(c, h, GOOD, **({"job": "true"} if how == "asked" else {}))
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["kind"] == "import" and job["state"] in ("queued", "running", "succeeded")
        done = wait_for(c, h, job["job_id"], ("succeeded", "failed"), timeout=60)
        assert done["state"] == "succeeded" and done["progress"] == 1.0, done
        res = c.get(f"/api/v1/jobs/{job['job_id']}/result", headers=h).json()
        assert res["dataset_id"] == "firms" and res["rows"] == 2 and res["download"].endswith("/download")
        stored = job_store.get(ws, job["job_id"])
        assert stored["params"] == {"kind": "enterprises", "file": "firms.csv", "name": None, "unit": None,
                                    "replace": False}  # no server path in what the API shows
    assert ws.tables()["enterprises"] == 2
    assert list(uploads.iterdir()) == []  # the upload is gone once the job ended


def test_a_small_upload_without_job_is_imported_at_once(analyst):
    ws, h, _ = analyst
    r = _upload(TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE), h, GOOD)
    assert r.status_code == 200 and r.json()["rows"] == 2
    assert ws.tables()["jobs"] == 0


def test_problems_fail_the_job_and_store_nothing(analyst):
    ws, h, uploads = analyst
    with TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE) as c:
        r = _upload(c, h, BAD, job="true")
        assert r.status_code == 202, r.text
        done = wait_for(c, h, r.json()["job_id"], ("succeeded", "failed"), timeout=60)
        assert done["state"] == "failed" and "firms.csv" in done["error"] and "999999" in done["error"], done
        assert "/tmp" not in done["error"] and str(uploads) not in done["error"]
    assert ws.tables()["enterprises"] == 0
    assert list(uploads.iterdir()) == []


def test_an_import_job_cancelled_before_its_write_stores_nothing(analyst, monkeypatch):
    ws, h, uploads = analyst
    go = threading.Event()
    real = import_svc.import_enterprises

    def slow_reader(ws_, path, on_progress=None, **kw):
        go.wait(30)  # the job is running; the user cancels now
        return real(ws_, path, on_progress=on_progress, **kw)

    monkeypatch.setattr(import_svc, "import_enterprises", slow_reader)
    with TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE) as c:
        jid = _upload(c, h, GOOD, job="true").json()["job_id"]
        assert wait_for(c, h, jid, ("running",), timeout=30)["state"] == "running"
        assert c.post(f"/api/v1/jobs/{jid}/cancel", headers=h).status_code == 200
        go.set()
        final = wait_for(c, h, jid, ("cancelled", "succeeded", "failed"), timeout=30)
        assert final["state"] == "cancelled", final
    assert ws.tables()["enterprises"] == 0
    assert list(uploads.iterdir()) == []


def test_a_restart_leaves_an_import_job_interrupted(analyst):
    ws, h, _ = analyst
    job_store.insert(ws, "J0000000000f1", "import", {"kind": "series"}, "ana", f"{socket.gethostname()}:999999999")
    job_store.progress(ws, "J0000000000f1", 0.3, "reading and validating")
    with TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE) as c:
        job = c.get("/api/v1/jobs/J0000000000f1", headers=h).json()
        assert job["state"] == "interrupted" and job["progress"] == 0.3 and "again" in job["message"]


def test_tabular_results_download_as_csv_with_formulas_neutralised(analyst):
    ws, h, _ = analyst
    job_store.insert(ws, "J0000000000e1", "network_esri", {}, "ana", "elsewhere:1")
    job_store.finish(ws, "J0000000000e1", "succeeded", progress=1.0,
                     result={"firms": 2, "items": [{"firm": "=HYPERLINK(\"x\")", "esri": 0.5},
                                                   {"firm": "@SUM(A1)", "esri": -0.25}]})
    c = TestClient(create_app(Settings(home=ws.home, executor="serial")), base_url=BASE)
    r = c.get("/api/v1/jobs/J0000000000e1/download", params={"format": "csv"}, headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="network_esri-J0000000000e1.csv"'
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows == [["firm", "esri"], ["'=HYPERLINK(\"x\")", "0.5"], ["'@SUM(A1)", "-0.25"]]
    j = c.get("/api/v1/jobs/J0000000000e1/download", headers=h)
    assert j.headers["content-disposition"] == 'attachment; filename="network_esri-J0000000000e1.json"'
    assert j.json()["items"][1]["esri"] == -0.25
