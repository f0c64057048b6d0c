"""The dashboard pages through the ASGI app (no browser): status, language, empty states, CSV twins,
server-side paging, bad query values answered with the one error envelope (400, no traceback)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.settings import Settings

PAGES = ["/overview", "/monitoring", "/sectors", "/chains", "/firms", "/smes", "/data", "/report"]


@pytest.fixture()
def empty_client(tmp_path):
    return TestClient(create_app(Settings(home=tmp_path / "none")), base_url="http://127.0.0.1")


@pytest.mark.parametrize("path", PAGES)
def test_empty_workspace_says_what_to_import(empty_client, path):
    r = empty_client.get(f"{path}?lang=en")
    assert r.status_code == 200
    assert "induscope demo" in r.text and "induscope import" in r.text
    r = empty_client.get(path)
    assert "工作区为空" in r.text


def test_unknown_language_falls_back_to_chinese(empty_client):
    assert "工作区为空" in empty_client.get("/overview?lang=xx").text


@pytest.fixture(scope="module")
def client(demo_workspace):
    return TestClient(create_app(Settings(home=demo_workspace.home)), base_url="http://127.0.0.1")


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang,word", [("zh", "总览"), ("en", "Overview")])
def test_pages_render_in_both_languages(client, path, lang, word):
    r = client.get(f"{path}?lang={lang}")
    assert r.status_code == 200 and word in r.text
    assert "SYNTHETIC" in r.text or "合成" in r.text or path == "/report"
    assert "http://" not in r.text.replace("http://www.w3.org", "")  # nothing from a CDN


@pytest.mark.slow
def test_overview_csv_states_the_contribution(client):
    r = client.get("/overview?csv=contribution")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0] == "section,growth_pct,contribution_pct,pull_pp" and len(lines) == 4
    # contributions of the three sections add up to 100%
    assert sum(float(x.split(",")[2]) for x in lines[1:]) == pytest.approx(100, abs=0.05)


@pytest.mark.slow
def test_chain_page_carries_verdicts(client):
    r = client.get("/chains?chain=nev&csv=nodes")
    rows = r.text.strip().splitlines()
    assert rows[0].startswith("id,name,stage,position,verdict") and len(rows) == 12
    assert any(",weak," in x for x in rows) and any(",strong," in x for x in rows)


@pytest.mark.slow
def test_firms_are_paged_on_the_server(client):
    a, b = client.get("/firms?page=1&lang=en").text, client.get("/firms?page=2&lang=en").text
    assert "F000001" in a and "F000001" not in b and "F000021" in b
    listing = a.split('id="enterprises"', 1)[1]  # the enterprise list (the page has other paged tables)
    assert listing.count("<tr>") <= 21  # one page of 20 rows and the header


@pytest.mark.slow
@pytest.mark.parametrize("url,msg", [("/firms?page=x", "page"), ("/firms?page=0", "page"),
                                     ("/monitoring?measure=bad", "measure"), ("/overview?csv=nope", "csv"),
                                     ("/chains?chain=zz", "chain"), ("/report?year=abc", "year")])
def test_bad_query_values_are_400(client, url, msg):
    r = client.get(url)
    assert r.status_code == 400 and r.json()["error"] == "input_error" and msg in r.json()["message"]
    assert "Traceback" not in r.text and "/tmp" not in r.text


@pytest.mark.slow
def test_report_card_page(client):
    r = client.get("/report?year=2022")
    assert r.status_code == 200 and "2022年工业和信息化发展成绩单" in r.text
    assert '<script src="/static/vendor/echarts.min.js">' in r.text


@pytest.mark.slow
def test_sectors_page_lists_key_sectors(client):
    r = client.get("/sectors?csv=linkages")
    rows = r.text.strip().splitlines()
    assert rows[0].startswith("sector,name,output_multiplier") and len(rows) == 43  # 42 sectors of the demo table
    assert client.get("/sectors?table=nope").status_code == 400


@pytest.mark.slow
def test_sme_evaluation_of_one_enterprise(client):
    r = client.get("/smes?firm=F001373&date=2025-12-31&lang=en")
    assert r.status_code == 200 and 'id="sme-explained"' in r.text and "F001373" in r.text
    assert "innovative SME" in r.text and "points" in r.text
    bad = client.get("/smes?firm=NOPE&date=2025-12-31")
    assert bad.status_code in (400, 404) and "Traceback" not in bad.text
    assert client.get("/smes?firm=F001373&date=notadate").status_code == 400
