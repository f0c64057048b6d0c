"""REST endpoints for indicators, alerts and operating reports (submitted by enterprises or platforms)."""
from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.settings import Settings
from induscope.store import Workspace


@pytest.fixture()
def demo_copy(demo_workspace, tmp_path):
    """A private copy of the demo workspace (these tests write to it)."""
    home = tmp_path / "ws"
    home.mkdir()
    shutil.copy2(demo_workspace.path, home / "workspace.duckdb")
    return Workspace(home)


def reports(firm: str, value: float = 1000.0) -> list[dict]:
    return [{"firm_id": firm, "period": f"2025-{m:02d}", "metric": "output_value", "value": value,
             "unit": "10,000 CNY"} for m in range(1, 7)]


def test_growth_endpoint(demo_workspace):
    c = TestClient(create_app(Settings(home=demo_workspace.home)))
    rows = c.get("/api/indicators/growth", params={"region": "310000", "start": "2022-04", "end": "2022-04"}).json()
    assert rows and all(r["period"] == "2022-04" for r in rows)
    assert min(r["value"] for r in rows if r["value"] is not None) < -30  # the synthetic Shanghai lockdown


def test_platform_submits_reports_and_bad_ones_are_all_reported(demo_copy):
    c = TestClient(create_app(Settings(home=demo_copy.home)))
    firm = demo_copy.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 1")["firm_id"][0]
    ok = c.post("/api/reports", params={"source": "platform-x"}, json=reports(firm))
    assert ok.status_code == 200, ok.text
    assert ok.json()["new"] == 6
    bad = reports(firm)[:2]
    bad[0]["value"] = "lots"
    bad[1]["unit"] = "barrels"
    before = demo_copy.tables()["operating_reports"]
    r = c.post("/api/reports", json={"reports": bad})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_error" and body["total"] == 2
    assert {p["column"] for p in body["problems"]} == {"value", "unit"}
    assert demo_copy.tables()["operating_reports"] == before


def test_write_endpoints_need_the_token_when_one_is_set(demo_copy):
    c = TestClient(create_app(Settings(home=demo_copy.home, api_token="s3cret")))
    firm = demo_copy.query("SELECT firm_id FROM enterprises LIMIT 1")["firm_id"][0]
    r = c.post("/api/reports", json=reports(firm))
    assert r.status_code == 401 and r.json()["error"] == "auth_error"
    r = c.post("/api/reports", json=reports(firm), headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200
    assert c.get("/api/alerts").status_code == 200  # reading needs no token


def test_scan_then_acknowledge_and_close(demo_copy):
    c = TestClient(create_app(Settings(home=demo_copy.home)))
    assert c.post("/api/monitor/scan", params={"history": True}).status_code == 200
    alerts = c.get("/api/alerts").json()
    # the demo's injected 2020 pandemic shock raises a red alert on the national industry headline
    assert any(a["level"] == "red" and a["start_period"] == "2020-02" and a["subject"] == "industry:BCD"
               for a in alerts)
    aid = alerts[0]["alert_id"]
    assert c.post(f"/api/alerts/{aid}/ack", json={"actor": "analyst", "note": "seen"}).status_code == 200
    assert c.post(f"/api/alerts/{aid}/close", json={"actor": "analyst"}).status_code == 200
    kinds = [e["kind"] for e in c.get(f"/api/alerts/{aid}/events").json()]
    assert kinds[-2:] == ["acknowledged", "closed"]
    assert c.post("/api/alerts/NOPE/ack", json={}).status_code == 404
