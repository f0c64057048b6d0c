"""REST endpoints for indicators, alerts, watch lists and operating reports (typed bodies, no paths)."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from induscope.services import access

from .conftest import bearer, make_client


def reports(firm: str, value: float = 1000.0) -> list[dict]:
    return [{"firm_id": firm, "period": f"2025-{m:02d}", "metric": "output_value", "value": value,
             "unit": "10,000 CNY"} for m in range(1, 7)]


@pytest.fixture()
def analyst(demo_copy):
    """(client, headers, first firm id) with an analyst token on a private demo copy."""
    access.add_user(demo_copy, "ana", "analyst")
    token = access.create_token(demo_copy, "ana")["token"]
    firm = demo_copy.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 1")["firm_id"][0]
    return make_client(demo_copy.home), bearer(token), firm


def test_growth_endpoint(demo_workspace):
    c = make_client(demo_workspace.home)
    r = c.get("/api/v1/indicators/growth", params={"region": "310000", "start": "2022-04", "end": "2022-04"})
    rows = r.json()["items"]
    assert rows and all(r["period"] == "2022-04" for r in rows)
    assert min(r["value"] for r in rows if r["value"] is not None) < -30  # the synthetic Shanghai lockdown


def test_contribution_endpoint(demo_workspace):
    c = make_client(demo_workspace.home)
    r = c.get("/api/v1/indicators/contribution", params={"period": "2024-06", "by": "section"})
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) >= 3
    assert c.get("/api/v1/indicators/contribution", params={"period": "2024-06", "format": "csv"}).status_code == 200


def test_submitted_reports_are_stored_with_the_user_as_source(analyst, demo_copy):
    c, h, firm = analyst
    ok = c.post("/api/v1/reports", json=reports(firm), headers=h)
    assert ok.status_code == 200, ok.text
    assert ok.json()["new"] == 6 and ok.json()["source"] == "ana"
    assert set(demo_copy.query("SELECT DISTINCT source FROM operating_reports WHERE firm_id = ?", [firm])["source"]) \
        == {"ana"}
    # the source cannot be forged: a query parameter is ignored, a body field is refused
    forged = reports(firm, 2000.0)[:1]
    forged[0]["source"] = "someone-else"
    r = c.post("/api/v1/reports", json=forged, headers=h)
    assert r.status_code == 422 and r.json()["problems"][0]["column"] == "body.reports.source"
    listed = c.get("/api/v1/reports", params={"firm_id": firm}, headers=h).json()
    assert len(listed["items"]) == 6 and {r["firm_id"] for r in listed["items"]} == {firm}


def test_bad_reports_are_all_reported_and_nothing_is_stored(analyst, demo_copy):
    c, h, firm = analyst
    bad = reports(firm)[:3]
    bad[0]["value"] = "lots"
    bad[1]["period"] = "2025-02-30"
    bad[2]["value"] = True
    before = demo_copy.tables()["operating_reports"]
    r = c.post("/api/v1/reports", json={"reports": bad}, headers=h)
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_error" and body["total"] == 3
    assert {(p["row"], p["column"]) for p in body["problems"]} == {
        (1, "body.reports.value"), (2, "body.reports.period"), (3, "body.reports.value")}
    # a unit the service does not know is caught there, located the same way, nothing stored
    bad_unit = reports(firm)[:1]
    bad_unit[0]["unit"] = "barrels"
    r = c.post("/api/v1/reports", json=bad_unit, headers=h)
    assert r.status_code == 422 and r.json()["problems"][0]["column"] == "unit"
    assert demo_copy.tables()["operating_reports"] == before


@pytest.mark.parametrize("body", ["/etc/passwd", {"reports": "/etc/passwd"}, {"reports": "workspace.duckdb"},
                                  [1, 2, 3], {"reports": [1.5]}, "reports.csv", None, {"reports": []}])
def test_a_report_body_is_data_never_a_path(analyst, body, tmp_path):
    c, h, _ = analyst
    secret = tmp_path / "secret.csv"
    secret.write_text("firm_id,period\nTOPSECRET,2025-01\n")
    payload = str(secret) if body == "reports.csv" else body
    r = c.post("/api/v1/reports", json=payload, headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation_error"
    # nothing of the file reached the answer (the request's own text may be echoed as the wrong value)
    assert "TOPSECRET" not in r.text and "root:" not in r.text


def test_scan_then_acknowledge_and_close(analyst):
    c, h, _ = analyst
    assert c.post("/api/v1/monitor/scan", params={"history": True}, headers=h).status_code == 200
    alerts = c.get("/api/v1/alerts", params={"limit": 5000}, headers=h).json()["items"]
    # the demo's injected 2020 pandemic shock raises a red alert on the national industry headline
    assert any(a["level"] == "red" and a["start_period"] == "2020-02" and a["subject"] == "industry:BCD"
               for a in alerts)
    aid = alerts[0]["alert_id"]
    assert c.post(f"/api/v1/alerts/{aid}/ack", json={"note": "seen"}, headers=h).status_code == 200
    assert c.post(f"/api/v1/alerts/{aid}/close", headers=h).status_code == 200
    events = c.get(f"/api/v1/alerts/{aid}/events", headers=h).json()["items"]
    assert [e["kind"] for e in events][-2:] == ["acknowledged", "closed"]
    assert events[-1]["actor"] == "ana"
    assert c.post("/api/v1/alerts/NOPE/ack", json={}, headers=h).status_code == 404


def test_watch_lists(analyst):
    c, h, firm = analyst
    r = c.post("/api/v1/watch-lists", json={"name": "key firms", "list_id": "key"}, headers=h)
    assert r.status_code == 201, r.text
    r = c.post("/api/v1/watch-lists/key/items", json={"items": [{"kind": "enterprise", "code": firm}]}, headers=h)
    assert r.status_code == 200, r.text
    lists = c.get("/api/v1/watch-lists", headers=h).json()["items"]
    assert any(row.get("list_id") == "key" for row in lists)
    r = c.delete(f"/api/v1/watch-lists/key/items/enterprise/{firm}", headers=h)
    assert r.status_code == 200, r.text


def test_a_series_item_is_removed_by_its_code_with_slashes(analyst):
    c, h, _ = analyst
    assert c.post("/api/v1/watch-lists", json={"name": "series", "list_id": "s"}, headers=h).status_code == 201
    lists = c.get("/api/v1/series", params={"indicator": "value_added", "limit": 1}, headers=h).json()["items"]
    row = lists[0]
    item = {"kind": "series", "code": f"value_added/{row['region']}/{row['industry']}", "indicator": "value_added",
            "region": row["region"], "industry": row["industry"]}
    r = c.post("/api/v1/watch-lists/s/items", json={"items": [item]}, headers=h)
    assert r.status_code == 200, r.text
    code = [i["code"] for i in c.get("/api/v1/watch-lists", headers=h).json()["items"]
            if i.get("list_id") == "s" and i.get("kind") == "series"][0]
    assert "/" in code
    r = c.delete(f"/api/v1/watch-lists/s/items/series/{quote(code, safe='')}", headers=h)
    assert r.status_code == 200, r.text
    assert not [i for i in c.get("/api/v1/watch-lists", headers=h).json()["items"]
                if i.get("list_id") == "s" and i.get("kind") == "series"]
