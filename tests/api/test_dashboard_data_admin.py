"""The Data page (datasets with provenance, the import form) and the Admin page (users, tokens, audit
log) through the ASGI app: role checks, CSRF, the problems table with nothing written, 403 pages.
A small workspace (one imported series file) keeps these fast; the browser twin is
tests/browser/test_browser_data_admin.py."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.services import access, catalog
from induscope.services import imports as import_svc
from induscope.settings import Settings

BASE = "http://127.0.0.1"
PW = "induscope-test-pw"
HEADER = "indicator,region,industry,period,value,unit,price_basis,vintage\n"
GOOD = HEADER + ("value_added,440000,C,2024-03,12.5,100 million CNY,current,2025-01-01\n"
                 "value_added,440000,C,2024-04,13.0,100 million CNY,current,2025-02-01\n")
BAD = HEADER + ("value_added,999999,C,2024-13,abc,100 million CNY,current,2025-01-01\n"
                "value_added,440000,C,2024-04,13.0,100 million CNY,current,2025-01-01\n")


@pytest.fixture()
def home(tmp_path):
    from induscope.store import Workspace

    ws = Workspace(tmp_path / "ws").ensure()
    f = tmp_path / "seed_series.csv"
    f.write_text(GOOD.replace("440000", "320000"), encoding="utf-8")
    import_svc.import_series(ws, f, name="seed")
    for role in ("viewer", "analyst", "admin"):
        access.add_user(ws, role, role, password=PW)
    return ws


def _client(ws, role: str | None = None, *, csrf: bool = True, **settings) -> TestClient:
    c = TestClient(create_app(Settings(home=ws.home, **settings)), base_url=BASE, raise_server_exceptions=False)
    c.headers["HX-Request"] = "true"  # as the page's htmx sends its forms (a refusal then answers HTML)
    if role:
        r = c.post("/api/v1/auth/login", json={"name": role, "password": PW})
        assert r.status_code == 200, r.text
        if csrf:
            c.headers["X-CSRF-Token"] = c.cookies["induscope_csrf"]
    return c


def _upload(c: TestClient, text: str, filename: str = "upload.csv", **form):
    return c.post("/data/import?lang=en", data={"kind": "series", **form},
                  files={"file": (filename, text, "text/csv")})


# ---------------------------------------------------------------------------------------------------
# Data page
# ---------------------------------------------------------------------------------------------------
def test_data_page_lists_datasets_with_provenance_and_vintages(home):
    r = _client(home, "viewer").get("/data?lang=en")
    assert r.status_code == 200
    assert "seed" in r.text and "seed_series.csv" in r.text  # the dataset and the file it came from
    assert "2025-01-01 … 2025-02-01 (2)" in r.text  # its two vintages
    csv = _client(home, "viewer").get("/data?csv=datasets").text.splitlines()
    assert csv[0].split(",")[:6] == ["dataset_id", "kind", "name", "source", "unit", "vintages"]


def test_viewer_sees_no_form_and_may_not_import(home):
    c = _client(home, "viewer")
    page = c.get("/data?lang=en").text
    assert 'id="import-form"' not in page and "Log in as an analyst to import" in page
    r = _upload(c, GOOD)
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert list(catalog.list_datasets(home)["dataset_id"]) == ["seed"]


def test_analyst_sees_the_form_with_its_size_limit(home):
    page = _client(home, "analyst").get("/data?lang=zh").text
    assert 'id="import-form"' in page and 'data-max="50000000"' in page and "不超过 50.0 MB" in page
    for kind in ("series", "enterprises", "supply-links", "io-table"):
        assert f'<option value="{kind}">' in page


def test_bad_file_answers_every_problem_and_writes_nothing(home):
    before = catalog.list_datasets(home)
    r = _upload(_client(home, "analyst"), BAD, "bad.csv")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>\s*<td>(.*?)</td><td>(.*?)</td><td>", r.text)
    assert ("bad.csv", "2", "region", "999999") in rows
    assert ("bad.csv", "2", "period", "2024-13") in rows
    assert ("bad.csv", "2", "value", "abc") in rows
    assert "nothing was written" in r.text
    assert catalog.list_datasets(home).equals(before)


def test_good_file_is_imported_and_listed(home):
    c = _client(home, "analyst")
    r = _upload(c, GOOD, "gd.csv", name="gd_series")
    assert r.status_code == 200 and 'id="import-ok"' in r.text and "gd_series" in r.text
    assert 'hx-swap-oob="true"' in r.text  # the dataset table comes along, with the new dataset first
    assert r.text.index("gd_series", r.text.index('id="datasets"')) < r.text.index("seed_series.csv")
    assert "gd_series" in set(catalog.list_datasets(home)["dataset_id"])
    assert "gd_series" in c.get("/data?lang=en").text
    again = _upload(c, GOOD, "gd.csv", name="gd_series")  # the same id again: refused, said why
    assert again.status_code == 400 and "already exists" in again.text
    assert _upload(c, GOOD, "gd.csv", name="gd_series", replace="true").status_code == 200
    audit = _client(home, "admin").get("/api/v1/audit?action=dashboard_import_file").json()
    assert [e["outcome"] for e in audit["items"]][:3] == ["ok", "invalid", "ok"]


def _follow_job(c: TestClient, first) -> str:
    """Poll the import job's fragment as the page does, until it answers with the result."""
    import time

    assert first.status_code == 202 and 'id="import-job"' in first.text, first.text
    job = re.search(r'data-job="(J[0-9a-f]{12})"', first.text).group(1)
    assert f'hx-get="/data/import/jobs/{job}?lang=en"' in first.text
    for _ in range(300):
        r = c.get(f"/data/import/jobs/{job}?lang=en")
        assert r.status_code == 200, r.text
        if 'id="import-job"' not in r.text:
            return r.text
        time.sleep(0.1)
    raise AssertionError("the import job did not end")


def test_a_big_file_is_imported_by_a_job_the_page_follows(home, tmp_path, monkeypatch):
    import tempfile

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))
    before = catalog.list_datasets(home)
    with _client(home, "analyst", executor="serial", import_job_bytes=50) as c:
        done = _follow_job(c, _upload(c, BAD, "bad.csv"))
        assert 'id="import-failed"' in done  # the problems table, as for a small file
        rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>\s*<td>(.*?)</td><td>(.*?)</td><td>", done)
        assert ("bad.csv", "2", "period", "2024-13") in rows and ("bad.csv", "2", "value", "abc") in rows
        assert str(uploads) not in done and "/tmp" not in done
        assert catalog.list_datasets(home).equals(before)
        done = _follow_job(c, _upload(c, GOOD, "big.csv", name="big_series"))
        assert 'id="import-ok"' in done and "big_series" in done and 'hx-swap-oob="true"' in done
        missing = c.get("/data/import/jobs/J000000000000?lang=en")
        assert missing.status_code == 404 and 'id="import-failed"' in missing.text
        assert c.get("/data/import/jobs/nonsense?lang=en").status_code == 422
    assert "big_series" in set(catalog.list_datasets(home)["dataset_id"])
    assert list(uploads.iterdir()) == []  # the uploads are gone once their jobs ended


def test_refusals_answer_the_error_envelope_to_other_clients(home):
    c = _client(home, "analyst")
    del c.headers["HX-Request"]
    r = _upload(c, BAD, "bad.csv")
    assert r.status_code == 422 and r.json()["error"] == "validation_error"
    assert {"source": "bad.csv", "row": 2, "column": "period"}.items() <= r.json()["problems"][1].items()
    r = _client(home, "admin")
    del r.headers["HX-Request"]
    bad = r.post("/admin/users", data={"name": "admin", "role": "admin"})
    assert bad.status_code == 400 and "exists already" in bad.json()["message"]


def test_import_refuses_a_kind_and_a_suffix_it_does_not_know(home):
    c = _client(home, "analyst")
    assert _upload(c, GOOD, kind="nope").status_code == 400
    r = _upload(c, GOOD, "data.txt")
    assert r.status_code == 400 and "expected one of .csv, .xlsx" in r.text


def test_import_without_csrf_token_is_refused(home):
    r = _upload(_client(home, "analyst", csrf=False), GOOD)
    assert r.status_code == 403 and "CSRF" in r.json()["message"]


def test_upload_over_the_limit_is_refused_before_reading(home):
    r = _upload(_client(home, "analyst", api_max_upload_bytes=1000), GOOD + "x" * 2000)
    assert r.status_code == 413
    assert list(catalog.list_datasets(home)["dataset_id"]) == ["seed"]


def test_unsecured_server_shows_no_form_and_refuses_writes(tmp_path):
    from induscope.store import Workspace

    ws = Workspace(tmp_path / "open").ensure()
    f = tmp_path / "s.csv"
    f.write_text(GOOD, encoding="utf-8")
    import_svc.import_series(ws, f, name="s")
    c = _client(ws)
    assert 'id="import-form"' not in c.get("/data?lang=en").text
    assert _upload(c, GOOD, name="other").status_code == 403
    assert c.get("/admin?lang=en").status_code == 403


# ---------------------------------------------------------------------------------------------------
# Admin page
# ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_admin_page_is_a_403_page_below_admin(home, role):
    c = _client(home, role)
    r = c.get("/admin?lang=en")
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]
    assert "the Admin page is for the admin role" in r.text and "<table" not in r.text
    assert c.get("/admin?csv=audit").status_code == 403  # nor its data
    assert 'href="/admin?' not in c.get("/overview?lang=en").text  # no Admin link for them


def test_admin_page_without_session_goes_to_login(home):
    r = _client(home).get("/admin", headers={"accept": "text/html"}, follow_redirects=False)
    assert r.status_code in (303, 401)


def test_admin_manages_users_and_tokens_and_sees_the_audit(home):
    c = _client(home, "admin")
    page = c.get("/admin?lang=en")
    assert page.status_code == 200 and 'href="/admin?lang=en"' in page.text
    for part in ('id="admin-users"', 'id="admin-tokens"', 'id="admin-audit"'):
        assert part in page.text
    r = c.post("/admin/users?lang=en", data={"name": "newbie", "role": "analyst", "password": "a-long-password-1"})
    assert r.status_code == 201 and 'data-user="newbie"' in r.text
    assert access.list_users(home).set_index("name").at["newbie", "role"] == "analyst"
    bad = c.post("/admin/users?lang=en", data={"name": "newbie", "role": "analyst"})
    assert bad.status_code == 400 and "exists already" in bad.text
    assert c.post("/admin/users?lang=en", data={"name": "x y", "role": "analyst"}).status_code == 400
    assert c.post("/admin/users?lang=en", data={"name": "z", "role": "king"}).status_code == 400

    r = c.post("/admin/tokens?lang=en", data={"user": "newbie", "label": "ci", "days": "30"})
    assert r.status_code == 201
    secret = re.search(r'<code id="new-token">(isc_\w+_[\w-]+)</code>', r.text).group(1)
    token_id = secret.split("_")[1]
    api = TestClient(c.app, base_url=BASE)
    assert api.get("/api/v1/datasets", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret not in c.get("/admin?lang=en").text  # shown once: never again
    assert c.post("/admin/tokens?lang=en", data={"user": "nobody"}).status_code == 404
    assert c.post("/admin/tokens?lang=en", data={"user": "newbie", "days": "x"}).status_code == 400

    r = c.post(f"/admin/tokens/{token_id}/revoke?lang=en")
    assert r.status_code == 200 and "revoked" in r.text
    assert api.get("/api/v1/datasets", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert c.post(f"/admin/tokens/{token_id}/revoke?lang=en").status_code == 400  # revoked already

    assert c.post("/admin/users/newbie/disable?lang=en").status_code == 200
    assert bool(access.list_users(home).set_index("name").at["newbie", "disabled"])
    assert c.post("/admin/users/ghost/disable?lang=en").status_code == 404
    me = c.post("/admin/users/admin/disable?lang=en")  # not oneself, mid-session
    assert me.status_code == 400 and not bool(access.list_users(home).set_index("name").at["admin", "disabled"])

    audit = c.get("/admin?lang=en&actor=admin").text
    for action in ("dashboard_create_user", "dashboard_create_token", "dashboard_revoke_token",
                   "dashboard_disable_user"):
        assert action in audit
    only = c.get("/admin?lang=en&action=dashboard_revoke_token").text
    table = only[only.index('id="audit-table"'):]
    assert table.count("<tr>") == 3  # header, the ok revoke and the refused second one
    assert "dashboard_create_user" not in table


def test_admin_writes_need_the_admin_role(home):
    c = _client(home, "analyst")
    r = c.post("/admin/users?lang=en", data={"name": "sneaky", "role": "admin", "password": "a-long-password-1"})
    assert r.status_code == 403
    assert "sneaky" not in set(access.list_users(home)["name"])


def test_audit_log_is_paged_on_the_server(home):
    from induscope.services import audit

    for i in range(45):
        audit.record(home, action=f"act{i}", outcome="ok", actor="cli:test")
    c = _client(home, "admin")
    p1 = c.get("/admin?lang=en&actor=cli:test").text
    assert "1 / 3 (45)" in p1 and "act44" in p1 and "act24" not in p1
    p3 = c.get("/admin?lang=en&actor=cli:test&audit_page=9").text  # past the end: the last page
    assert "3 / 3 (45)" in p3 and "act0<" in p3
    assert c.get("/admin?outcome=bad").status_code == 400
    assert c.get("/admin?audit_page=x").status_code == 400


# ---------------------------------------------------------------------------------------------------
# Overview: paints at once, its panels follow while the figures are computed; cached by the series data
# ---------------------------------------------------------------------------------------------------
def test_overview_frame_then_panels_and_what_invalidates_them(home, tmp_path):
    c = _client(home, "viewer")
    first = c.get("/overview?lang=en")
    assert first.status_code == 200 and 'id="overview-computing"' in first.text
    assert 'hx-get="/overview?lang=en&amp;part=panels"' in first.text
    panels = c.get("/overview?lang=en&part=panels")
    assert panels.status_code == 200 and panels.text.lstrip().startswith("<div id=\"overview-panels\">")
    assert "<html" not in panels.text and "csv=contribution" in panels.text and "part=panels" not in panels.text
    whole = c.get("/overview?lang=en")  # computed: the page comes whole
    assert 'id="overview-computing"' not in whole.text and 'id="overview-panels"' in whole.text
    audit_write = _client(home, "admin")  # a log-in and audit entries leave the figures alone
    audit_write.get("/admin")
    assert 'id="overview-computing"' not in c.get("/overview?lang=en").text
    f = tmp_path / "firms.csv"
    f.write_text("firm_id,name,region,industry,revenue [万元]\nT1,甲,440000,C39,10\n", encoding="utf-8")
    import_svc.import_enterprises(home, f, name="firms")  # not a series: the figures stand
    assert 'id="overview-computing"' not in c.get("/overview?lang=en").text
    s = tmp_path / "more.csv"
    s.write_text(GOOD.replace("440000", "110000"), encoding="utf-8")
    import_svc.import_series(home, s, name="more")  # new series: computed again
    assert 'id="overview-computing"' in c.get("/overview?lang=en").text
    assert c.get("/overview?csv=alerts").status_code == 200
    assert c.get("/overview?part=all").status_code == 400
