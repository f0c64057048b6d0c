"""The Monitoring, SMEs and Reports pages through the ASGI app (no browser): both languages, CSV twins,
bad selections answered with a message (never a 500), writes offered only to analysts and refused to
viewers by the API the page writes through, report submissions and gaps.

The fast tests use a small hand-made workspace (users, a watch list, operating reports); the slow ones
the demo workspace (alerts after a scan, SME certificates, the report card as a job)."""
from __future__ import annotations

import math
import shutil
import time

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.services import access
from induscope.services import monitoring as mon
from induscope.settings import Settings
from induscope.store import Workspace

BASE = "http://127.0.0.1"
PASSWORD = "induscope-test-pw"
PAGES = ["/monitoring", "/smes", "/reports"]


def _client(home) -> TestClient:
    return TestClient(create_app(Settings(home=home)), base_url=BASE, raise_server_exceptions=False)


def _login(client: TestClient, role: str) -> dict[str, str]:
    """Signs the client in (session cookie); returns the CSRF header its page would send on writes."""
    r = client.post("/api/v1/auth/login", json={"name": role, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": client.cookies["induscope_csrf"]}


def _report(firm: str, period: str, value: float = 100.0) -> dict:
    return {"firm_id": firm, "period": period, "metric": "output_value", "value": value, "unit": "万元",
            "region": "440000", "industry": "39"}


@pytest.fixture()
def small(tmp_path):
    """Users of each role, a watch list and the operating reports of three firms (F3 missing in 2025-11)."""
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    for role in ("admin", "analyst", "viewer"):
        access.add_user(ws, role, role, password=PASSWORD)
    mon.create_watch_list(ws, "Key firms", list_id="key")
    mon.import_operating_reports(ws, [_report("F1", "2025-10"), _report("F2", "2025-10"), _report("F3", "2025-10"),
                                      _report("F1", "2025-11"), _report("F2", "2025-11", 120.0)], source="test")
    mon.add_watch_items(ws, "key", ["region:440000", "enterprise:F3"])
    return ws


def test_report_submissions_and_gaps_service(small):
    r = mon.report_submissions(small)
    assert r["month"] == "2025-11" and (r["expected"], r["reported"], r["missing"]) == (3, 2, 1)
    gaps = r["firms"][~r["firms"]["reported"]]
    assert gaps["firm_id"].tolist() == ["F3"] and gaps["last_month"].tolist() == ["2025-10"]
    assert r["by_month"].to_dict("records") == [{"month": "2025-10", "firms": 3, "reports": 3},
                                                {"month": "2025-11", "firms": 2, "reports": 2}]
    assert mon.report_submissions(small, "2025-10")["missing"] == 0
    with pytest.raises(Exception, match="month: expected a calendar month"):
        mon.report_submissions(small, "2025-13")


def test_report_submissions_of_an_empty_workspace(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.ensure()
    r = mon.report_submissions(ws)
    assert r["month"] is None and r["expected"] == 0 and r["firms"].empty


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang,word", [("zh", "总览"), ("en", "Overview")])
def test_pages_render_in_both_languages(small, path, lang, word):
    c = _client(small.home)
    _login(c, "viewer")
    r = c.get(f"{path}?lang={lang}")
    assert r.status_code == 200 and word in r.text
    assert "Traceback" not in r.text and "http://" not in r.text.replace("http://www.w3.org", "")


def test_monitoring_shows_gaps_and_watch_lists_with_csv(small):
    c = _client(small.home)
    _login(c, "viewer")
    html = c.get("/monitoring?lang=en").text
    assert 'id="monitoring-missing-count">1<' in html and "not reported" in html
    assert "enterprise" in html and "F3" in html and "440000" in html  # the watch list's items
    gaps = c.get("/monitoring?csv=gaps")
    assert gaps.headers["content-type"].startswith("text/csv")
    lines = gaps.text.strip().splitlines()
    assert lines[0].startswith("firm_id,name,region,industry,reported")
    assert len(lines) == 2 and lines[1].startswith("F3,")
    watch = c.get("/monitoring?csv=watch").text.strip().splitlines()
    assert watch[0] == "list_id,kind,code,label,target_growth" and len(watch) == 3
    by_month = c.get("/monitoring?csv=by_month&month=2025-10").text.strip().splitlines()
    assert by_month == ["month,firms,reports", "2025-10,3,3"]
    # an enterprise's own reports as the series
    assert "120.0" in c.get("/monitoring?firm=F2&csv=series").text


@pytest.mark.parametrize("url,msg", [("/monitoring?measure=bad", "measure"), ("/monitoring?series=bad", "series"),
                                     ("/monitoring?firm=a%20b", "firm"), ("/monitoring?status=zz", "status"),
                                     ("/monitoring?metric=nope", "metric"), ("/monitoring?csv=nope", "csv"),
                                     ("/smes?by=zz", "by"), ("/smes?months=500", "months"),
                                     ("/smes?batch=1&region=abc", "region"), ("/smes?tier=x", "tier"),
                                     ("/smes?date=notadate&batch=1", "date"), ("/reports?job=x", "job"),
                                     ("/report?year=abc", "year"), ("/report?year=1200", "year")])
def test_bad_selection_is_a_message_not_a_500(small, url, msg):
    c = _client(small.home)
    _login(c, "viewer")
    r = c.get(url)
    assert r.status_code == 400 and r.json()["error"] == "input_error" and msg in r.json()["message"]
    assert "Traceback" not in r.text and str(small.home) not in r.text


def test_selection_without_data_says_so(small):
    c = _client(small.home)
    _login(c, "viewer")
    for url in ("/monitoring?region=999999&lang=en", "/monitoring?firm=F9&lang=en",
                "/monitoring?series=value_added/310000/39&lang=en", "/monitoring?month=2025-13&lang=en",
                "/monitoring?alert=AL999999&lang=en"):
        r = c.get(url)
        assert r.status_code in (200, 404) and "Traceback" not in r.text, url
    assert "month: expected a calendar month" in c.get("/monitoring?month=2025-13").text
    assert "no output_value reports from enterprise F9" in c.get("/monitoring?firm=F9&lang=en").text
    assert c.get("/monitoring?alert=AL999999").json()["error"] == "not_found"


def test_writes_are_offered_to_analysts_and_refused_to_viewers(small):
    viewer = _client(small.home)
    vh = _login(viewer, "viewer")
    html = viewer.get("/monitoring?lang=en").text
    assert 'id="monitoring-watch-add"' not in html and "Log in as an analyst to" in html
    assert 'id="reports-form"' not in viewer.get("/reports?lang=en").text
    # the API the page writes through refuses the viewer, CSRF header or not
    r = viewer.post("/api/v1/watch-lists/key/items", json={"items": [{"kind": "region", "code": "310000"}]}, headers=vh)
    assert r.status_code == 403
    assert viewer.delete("/api/v1/watch-lists/key/items/region/440000", headers=vh).status_code == 403
    assert viewer.post("/api/v1/jobs", json={"kind": "report_card", "params": {"year": 2022}},
                       headers=vh).status_code == 403

    analyst = _client(small.home)
    ah = _login(analyst, "analyst")
    html = analyst.get("/monitoring?lang=en").text
    assert 'id="monitoring-watch-add"' in html and 'class="monitoring-remove"' in html
    assert 'id="reports-form"' in analyst.get("/reports?lang=en").text
    # without the CSRF header a cookie-borne write is refused; with it, it goes through
    body = {"items": [{"kind": "region", "code": "310000", "label": "上海 Shanghai", "target_growth": 5.5}]}
    assert analyst.post("/api/v1/watch-lists/key/items", json=body).status_code == 403
    assert analyst.post("/api/v1/watch-lists/key/items", json=body, headers=ah).status_code == 200
    watch = analyst.get("/monitoring?csv=watch").text
    assert "310000,上海 Shanghai,5.5" in watch
    assert analyst.delete("/api/v1/watch-lists/key/items/region/310000", headers=ah).status_code == 200
    assert "310000" not in analyst.get("/monitoring?csv=watch").text


def test_reports_page_without_jobs_says_what_to_do(small):
    c = _client(small.home)
    _login(c, "analyst")
    html = c.get("/reports?lang=en").text
    assert "No report cards generated yet" in html and 'name="format"' in html and "/report" in html


# ---- on the demo workspace ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_workspace, tmp_path_factory):
    home = tmp_path_factory.mktemp("h4demo") / "ws"
    shutil.copytree(demo_workspace.home, home)
    ws = Workspace(home)
    mon.scan(ws, history=True)
    for role in ("analyst", "viewer"):
        access.add_user(ws, role, role, password=PASSWORD)
    return ws


@pytest.mark.slow
def test_acknowledge_and_close_with_a_comment_show_in_the_history(demo):
    c = _client(demo.home)
    h = _login(c, "analyst")
    html = c.get("/monitoring?lang=en&region=440000").text
    assert 'id="monitoring-handle"' in html
    alert = mon.list_alerts(demo, subject="region:440000", status="open")["alert_id"].iloc[0]
    assert alert in html
    r = c.post(f"/api/v1/alerts/{alert}/ack", json={"note": "checked with the province: a plant closure"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    page = c.get(f"/monitoring?lang=en&region=440000&alert={alert}").text
    assert "a plant closure" in page and "acknowledged" in page and 'id="monitoring-history"' in page
    events = c.get(f"/monitoring?region=440000&alert={alert}&csv=events").text
    assert "acknowledged,analyst,checked with the province: a plant closure" in events
    assert c.post(f"/api/v1/alerts/{alert}/close", json={"note": "resolved"}, headers=h).status_code == 200
    closed = c.get("/monitoring?region=440000&status=closed&csv=alerts").text
    assert alert in closed


@pytest.mark.slow
def test_sme_batch_tiers_and_pipeline(demo):
    c = _client(demo.home)
    _login(c, "viewer")
    html = c.get("/smes?batch=1&region=440000&date=2025-12-31&lang=en").text
    assert 'id="smes-batch-summary"' in html and "highest_tier" in html and "srdi_score" in html
    rows = c.get("/smes?batch=1&region=440000&date=2025-12-31&csv=batch").text.strip().splitlines()
    assert rows[0].startswith("firm_id,name,tier,tier_zh,rule_set,result,score")
    n = (len(rows) - 1) // 3  # one row per enterprise and tier
    assert n > 20
    counts = c.get("/smes?batch=1&region=440000&date=2025-12-31&csv=batch_counts").text.strip().splitlines()
    assert counts[0] == "tier,eligible,not_eligible,cannot_evaluate"
    assert sum(int(x) for x in counts[1].split(",")[1:]) == n  # every enterprise evaluated for each tier
    # paged on the server: 20 enterprises a page
    assert f"1 / {math.ceil(n / 20)} ({n})" in html
    srdi = c.get("/smes?batch=1&region=440000&date=2025-12-31&tier=srdi&lang=en").text
    assert "srdi" in srdi
    by_div = c.get("/smes?by=division&csv=groups").text.strip().splitlines()
    assert by_div[0].startswith("division,name,") and len(by_div) > 5
    by_region = c.get("/smes?csv=groups").text.strip().splitlines()
    assert by_region[0].startswith("region,name,")
    assert c.get("/smes?batch=1&region=110000&industry=99&lang=en").status_code == 200  # empty selection: a note


@pytest.mark.slow
def test_report_card_job_from_the_reports_contract(demo):
    """The form's request (POST /api/v1/jobs, kind report_card) runs to a download listed on the page."""
    c = _client(demo.home)
    h = _login(c, "analyst")
    with c:  # the app's lifespan: its job runner
        r = c.post("/api/v1/jobs", json={"kind": "report_card", "params": {"year": 2022, "region": None,
                                                                              "format": "html", "lang": "en"}},
                   headers=h)
        assert r.status_code == 202, r.text
        job = r.json()["job_id"]
        deadline = time.monotonic() + 300
        while True:
            j = c.get(f"/api/v1/jobs/{job}").json()
            if j["state"] not in ("queued", "running") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert j["state"] == "succeeded", j
        page = c.get("/reports?lang=en").text
        assert job in page and f"/api/v1/jobs/{job}/download" in page
        d = c.get(j["links"]["download"])
        assert d.status_code == 200 and "2022" in d.text
