"""The Sectors and Firms pages through the ASGI app (no browser): both languages, role-dependent forms,
a shock's numbers and CSV, bad selections answered on the page (never a 500), the ARIO and ESRI jobs
run to completion and shown from their stored results."""
from __future__ import annotations

import csv
import io
import time

import pytest

from induscope.services import io as io_svc

from .conftest import bearer, make_client

pytestmark = pytest.mark.slow  # the demo workspace (built once per session)
TABLE = "demo_io42_2020"


@pytest.fixture(scope="module")
def app(secured_demo):
    ws, tokens, _ = secured_demo
    return make_client(ws.home), tokens


def get(app, url, role="viewer", **headers):
    client, tokens = app
    return client.get(url, headers={**bearer(tokens[role]), **headers})


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("path", ["/sectors", "/firms"])
@pytest.mark.parametrize("lang,words", [("zh", ("行业关联", "企业")), ("en", ("Sectors", "Firms"))])
def test_pages_render_in_both_languages(app, path, lang, words):
    r = get(app, f"{path}?lang={lang}")
    assert r.status_code == 200
    assert all(w in r.text for w in words)
    assert "http://" not in r.text.replace("http://www.w3.org", "")


def test_a_viewer_reads_but_is_asked_to_log_in_as_analyst_to_run(app):
    t = get(app, "/sectors?lang=en").text
    assert 'id="ario-login"' in t and 'id="ario-form"' not in t and 'id="run-shock"' not in t
    assert "Log in as an analyst" in t and 'id="linkages"' in t
    f = get(app, "/firms?lang=en").text
    assert 'id="esri-login"' in f and 'id="esri-form"' not in f and 'id="find-alternatives"' not in f
    # a shock in the URL is not run for a viewer: the page says why
    r = get(app, "/sectors?lang=en&sector=26&delta=-0.1")
    s = r.text
    assert r.status_code == 200 and 'id="shock-error"' in s and "analyst" in s and 'id="shock-chart"' not in s


def test_an_analyst_gets_the_forms(app):
    t = get(app, "/sectors?lang=en", role="analyst").text
    assert 'id="ario-form"' in t and 'id="run-shock"' in t and 'id="ario-login"' not in t
    f = get(app, "/firms?lang=en", role="analyst").text
    assert 'id="esri-form"' in f and 'id="find-alternatives"' in f


def test_a_demand_shock_moves_the_shocked_sector_by_its_share_of_output(app, secured_demo):
    ws, _, _ = secured_demo
    r = get(app, f"/sectors?lang=en&table={TABLE}&sector=26&delta=-0.1&unit=share&model=leontief", role="analyst")
    assert r.status_code == 200 and 'id="shock-chart"' in r.text and 'id="shock-error"' not in r.text
    data = rows(get(app, f"/sectors?table={TABLE}&sector=26&delta=-0.1&unit=share&model=leontief&csv=shock",
                    role="analyst").text)
    assert len(data) == 42 and list(data[0])[:3] == ["sector", "name", "final_demand_change"]
    x = {s["sector"]: s["gross_output"] for s in io_svc.sectors(ws, TABLE)}
    by = {d["sector"]: d for d in data}
    assert float(by["26"]["final_demand_change"]) == pytest.approx(-0.1 * x["26"], rel=1e-5)
    assert sum(float(d["final_demand_change"]) for d in data) == pytest.approx(-0.1 * x["26"], rel=1e-5)
    # output falls at least by the demand change itself (the Leontief inverse is >= I)
    assert float(by["26"]["output_change"]) <= float(by["26"]["final_demand_change"])
    # the table on the page is one page of 20 rows, sorted by the size of the change
    assert r.text.count("<tr>") <= 20 + 2 * 21


@pytest.mark.parametrize("model,column", [("ghosh", "primary_input_change"), ("inoperability", "inoperability")])
def test_the_other_models(app, model, column):
    data = rows(get(app, f"/sectors?table={TABLE}&sector=26&delta=-0.1&model={model}&csv=shock", role="analyst").text)
    assert len(data) == 42 and column in data[0]


@pytest.mark.parametrize("url,says", [
    ("/sectors?table=nope", "demo_io42_2020"),
    ("/sectors?sector=zz&delta=-0.1", "unknown sector"),
    ("/sectors?sector=26&delta=abc", "expected a number"),
    ("/sectors?sector=26&delta=0.1&model=inoperability", "falls only"),
    ("/sectors?sector=26&delta=-0.1&model=bad", "expected one of"),
    ("/sectors?job=Jxx", "expected a job id"),
    ("/sectors?job=J0123456789ab", "No such job"),
    ("/firms?firm=NOPE", "no enterprise"),
    ("/firms?hops=9", "hops"),
    ("/firms?esri_q=2", "esri_q"),
    ("/firms?esri_job=J0123456789ab", "No such job"),
    ("/firms?alt=NOPE", "NOPE"),
])
def test_a_bad_selection_is_a_page_with_a_message(app, url, says):
    r = get(app, url + "&lang=en", role="analyst")
    assert r.status_code == 400, r.text[:300]  # a bad request, answered with the page and what is wrong
    assert r.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in r.text and says in r.text
    assert "Traceback" not in r.text and "/tmp" not in r.text


@pytest.mark.parametrize("url,msg", [("/sectors?csv=nope", "csv"), ("/sectors?page=x", "page"),
                                     ("/sectors?table=nope&csv=linkages", "nope"),
                                     ("/firms?firm=NOPE&csv=neighbourhood", "NOPE"),
                                     ("/firms?page=0", "page"), ("/firms?csv=shock", "csv"),
                                     ("/firms?firm=F000001&spof_page=x", "spof_page")])
def test_bad_paging_and_csv_names_are_the_error_envelope(app, url, msg):
    r = get(app, url)
    assert r.status_code == 400 and r.json()["error"] == "input_error" and msg in r.json()["message"]


def test_csv_downloads(app):
    lk = get(app, "/sectors?csv=linkages")
    assert lk.headers["content-type"].startswith("text/csv") and len(rows(lk.text)) == 42
    spof = rows(get(app, "/firms?csv=spof").text)
    assert spof and {"supplier", "name", "dependent_customers"} <= set(spof[0])
    edges = rows(get(app, "/firms?firm=F000010&csv=neighbourhood").text)
    nodes = rows(get(app, "/firms?firm=F000010&csv=neighbours").text)
    assert edges and {"supplier", "customer", "value"} == set(edges[0])
    assert nodes[0]["firm"] == "F000010" and nodes[0]["side"] == "focus" and len(nodes) <= 60
    drawn = {n["firm"] for n in nodes}
    assert all(e["supplier"] in drawn and e["customer"] in drawn for e in edges)
    hist = rows(get(app, "/firms?csv=hist").text)
    assert sum(int(h["firms"]) for h in hist) == 5000


def test_the_neighbourhood_graph_and_alternatives_on_the_page(app):
    r = get(app, "/firms?lang=en&firm=F000010&hops=2")
    assert 'id="graph"' in r.text and '"nodes"' in r.text and 'id="graph-error"' not in r.text
    a = get(app, "/firms?lang=en&alt=F000010", role="analyst")
    assert 'id="alt-table"' in a.text and "same industry" in a.text
    alt = rows(get(app, "/firms?alt=F000010&csv=alternatives", role="analyst").text)
    assert alt and "explanation" in alt[0] and all(x["firm"] != "F000010" for x in alt)


def _wait(client, token, job_id, timeout=240):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(token)).json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.5)
    pytest.fail(f"job {job_id} did not finish in {timeout} s")


def test_ario_and_esri_jobs_run_to_completion_and_show_their_results(demo_copy):
    from induscope.services import access

    tokens = {}
    for role in ("viewer", "analyst"):
        access.add_user(demo_copy, role, role)
        tokens[role] = access.create_token(demo_copy, role)["token"]
    with make_client(demo_copy.home) as client:
        an = bearer(tokens["analyst"])
        r = client.post("/api/v1/jobs", headers=an, json={"kind": "ario_run", "params": {
            "table_id": TABLE, "event": "kapital-recover", "damage": 1e6, "steps": 30, "step": 5, "sectors": ["26"]}})
        assert r.status_code == 202, r.text
        ario_id = r.json()["job_id"]
        r = client.post("/api/v1/jobs", headers=an, json={"kind": "network_esri", "params": {}})
        assert r.status_code == 202, r.text
        esri_id = r.json()["job_id"]
        assert _wait(client, tokens["analyst"], ario_id)["state"] == "succeeded"
        assert _wait(client, tokens["analyst"], esri_id)["state"] == "succeeded"
        # the progress partial says done, stops polling and tells the page (which reloads once)
        p = client.get(f"/sectors/job/{ario_id}?lang=en", headers={**an, "HX-Request": "true"})
        assert p.headers.get("HX-Trigger") == "induscope-job-done" and 'data-state="succeeded"' in p.text
        assert "hx-trigger" not in p.text
        # a viewer opening the shared link sees the result
        v = bearer(tokens["viewer"])
        page = client.get(f"/sectors?lang=en&table={TABLE}&job={ario_id}", headers=v)
        assert 'id="ario-regions"' in page.text and 'id="ario-industries"' in page.text
        series = rows(client.get(f"/sectors?job={ario_id}&csv=ario_time", headers=v).text)
        assert len(series) == 30 and float(series[0]["region CN"]) == pytest.approx(100.0)
        assert min(float(s["region CN"]) for s in series) < 100.0
        ind = rows(client.get(f"/sectors?job={ario_id}&csv=ario_industries", headers=v).text)
        assert len(ind) == 42 and ind[0]["sector"] == "26"  # the hit sector lost most
        # the ESRI ranking: the newest job by default, and by its id in the URL
        f = client.get("/firms?lang=en", headers=v)
        assert 'id="esri-hist"' in f.text and esri_id in f.text
        ranking = rows(client.get(f"/firms?esri_job={esri_id}&csv=esri", headers=v).text)
        assert len(ranking) == 5000
        e = [float(x["esri"]) for x in ranking]
        assert e == sorted(e, reverse=True) and ranking[0]["name"]
        hist = rows(client.get("/firms?csv=esri_hist", headers=v).text)
        assert sum(int(h["firms"]) for h in hist) == 5000
        hidden = rows(client.get("/firms?csv=hidden&esri_q=0.9&size_q=0.5", headers=v).text)
        assert hidden and all(float(h["esri_percentile"]) >= 0.9 for h in hidden)
        # a job of the other kind is refused with a message
        wrong = client.get(f"/firms?lang=en&esri_job={ario_id}", headers=v)
        assert wrong.status_code == 400 and "another kind" in wrong.text
