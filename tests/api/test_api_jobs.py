"""Background jobs: 202 and an id, progress, completion with a stored result, cancel, restart -> interrupted."""
from __future__ import annotations

import socket
import time

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.services import access
from induscope.settings import Settings
from induscope.store import jobs as job_store

from .conftest import BASE, bearer

TABLE = "demo_io42_2020"


def wait_for(c, h, job_id, states, timeout=180):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = c.get(f"/api/v1/jobs/{job_id}", headers=h).json()
        if job["state"] in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['state']} after {timeout} s")


@pytest.fixture()
def setup(demo_copy):
    access.add_user(demo_copy, "ana", "analyst")
    access.add_user(demo_copy, "other", "analyst")
    return (demo_copy, bearer(access.create_token(demo_copy, "ana")["token"]),
            bearer(access.create_token(demo_copy, "other")["token"]))


@pytest.mark.slow
def test_a_job_runs_reports_progress_and_stores_its_result_and_can_be_cancelled(setup):
    ws, h, other = setup
    with TestClient(create_app(Settings(home=ws.home, workers=1)), base_url=BASE) as c:
        r = c.post("/api/v1/jobs", json={"kind": "ario_run", "params": {"table_id": TABLE, "damage": 0.2,
                                                                        "event": "capacity-cut", "steps": 300}},
                   headers=h)
        assert r.status_code == 202, r.text
        job = r.json()
        # 202 at once; a short run on a quiet machine may already have finished by the time it is listed
        assert job["state"] in ("queued", "running", "succeeded") and job["links"]["result"].endswith("/result")
        done = wait_for(c, h, job["job_id"], ("succeeded", "failed"))
        assert done["state"] == "succeeded", done
        assert done["progress"] == 1.0 and done["started_at"] and done["finished_at"] and done["owner"] == "ana"
        res = c.get(f"/api/v1/jobs/{job['job_id']}/result", headers=h)
        assert res.status_code == 200 and res.json()
        # a long sweep: cancelled while it runs (by its owner; another analyst may not)
        r = c.post("/api/v1/jobs", json={"kind": "ario_sweep", "params": {"table_id": TABLE, "damage": 0.3,
                                                                          "steps": 3650}}, headers=h)
        jid = r.json()["job_id"]
        running = wait_for(c, h, jid, ("running", "succeeded", "failed"))
        assert running["state"] == "running"
        assert c.post(f"/api/v1/jobs/{jid}/cancel", headers=other).status_code == 403
        assert c.post(f"/api/v1/jobs/{jid}/cancel", headers=h).status_code == 200
        final = wait_for(c, h, jid, ("cancelled", "succeeded", "failed"))
        assert final["state"] == "cancelled", final
        assert c.get(f"/api/v1/jobs/{jid}/result", headers=h).status_code == 404
        assert c.post(f"/api/v1/jobs/{jid}/cancel", headers=h).status_code == 400
        listed = c.get("/api/v1/jobs", headers=h).json()
        assert listed["total"] == 2


def test_bad_job_inputs_are_refused_before_a_job_exists(setup):
    ws, h, _ = setup
    c = TestClient(create_app(Settings(home=ws.home)), base_url=BASE)
    for body in ({"kind": "rm -rf", "params": {}}, {"kind": "ario_run", "params": {"table_id": "nope", "damage": 1}},
                 {"kind": "ario_run", "params": {"table_id": "/etc/passwd", "damage": 1}},
                 {"kind": "ario_run", "params": {"table_id": TABLE, "damage": "lots"}},
                 {"kind": "ario_run", "params": {"table_id": TABLE, "damage": 1, "steps": 10 ** 9}}):
        r = c.post("/api/v1/jobs", json=body, headers=h)
        assert r.status_code in (400, 404, 422), (body, r.text)
    assert ws.tables()["jobs"] == 0


def test_a_restart_marks_running_jobs_interrupted(setup):
    ws, h, _ = setup
    job_store.insert(ws, "J0123456789ab", "ario_run", {"table_id": TABLE}, "ana", f"{socket.gethostname()}:999999999")
    job_store.progress(ws, "J0123456789ab", 0.4, "step 40")
    job_store.insert(ws, "J0123456789ac", "ario_run", {}, "ana", "another-host:1")
    with TestClient(create_app(Settings(home=ws.home)), base_url=BASE) as c:
        job = c.get("/api/v1/jobs/J0123456789ab", headers=h).json()
        assert job["state"] == "interrupted" and "again" in job["message"] and job["progress"] == 0.4
        # a job of a live process elsewhere is left to it
        assert c.get("/api/v1/jobs/J0123456789ac", headers=h).json()["state"] == "queued"


@pytest.mark.slow
def test_all_firm_esri_runs_as_a_job(setup):
    ws, h, _ = setup
    firms = list(ws.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 12")["firm_id"])
    with TestClient(create_app(Settings(home=ws.home, workers=1)), base_url=BASE) as c:
        bad = c.post("/api/v1/jobs", json={"kind": "network_esri", "params": {"firms": ["NOPE"], "engine": "numpy"}},
                     headers=h)
        assert bad.status_code == 400 and "NOPE" in bad.json()["message"]
        r = c.post("/api/v1/jobs", json={"kind": "network_esri", "params": {"firms": firms, "engine": "numpy"}},
                   headers=h)
        assert r.status_code == 202, r.text
        done = wait_for(c, h, r.json()["job_id"], ("succeeded", "failed"))
        assert done["state"] == "succeeded", done
        res = c.get(f"/api/v1/jobs/{done['job_id']}/result", headers=h).json()
        assert res["firms"] == 12 and {row["firm"] for row in res["items"]} == set(firms)
