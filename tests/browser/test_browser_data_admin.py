"""The Data and Admin pages in a real browser (Debian chromium through Playwright, the lead's fixtures):
an analyst imports a bad file and sees every problem in a table with nothing written, then a good
file and sees its dataset listed; an admin adds a user, creates a token (shown once), revokes it and
finds the three actions in the audit log; a viewer gets the 403 page on /admin and no Admin link."""
from __future__ import annotations

import pytest
from browser_support import Watch, shot

pytestmark = pytest.mark.slow

BAD = ("firm_id,name,region,industry,revenue,employees,founded\n"
       "T900001,测试企业一,440000,C39,12000,150,2010\n"
       "T900002,测试企业二,999999,C36,8000,90,2015\n")
GOOD = ("firm_id,name,region,industry,revenue [万元],employees,founded\n"
        "T900001,测试企业一,440000,C39,12000,150,2010\n"
        "T900002,测试企业二,320000,C36,8000,90,2015\n")


def _problems(watch: Watch, status: int) -> list[str]:
    """What went wrong, less chromium's own console line for the one status the test expects."""
    return [p for p in watch.problems if f"status of {status}" not in p]


def _upload(page, name: str, text: str, dataset: str) -> None:
    page.select_option("#import-form select[name=kind]", "enterprises")
    page.fill("#import-form input[name=name]", dataset)
    page.set_input_files("#import-form input[name=file]",
                         files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}])
    page.click("#import-form button[type=submit]")


def test_import_bad_then_good_file(logged_in, server):
    page = logged_in("analyst", "en")
    watch = Watch(page, server, allow_status=(422,))
    page.goto(f"{server}/data?lang=en", wait_until="networkidle")
    assert page.locator("#import-form").is_visible()
    before = page.locator("#datasets tbody tr").count()

    _upload(page, "firms_bad.csv", BAD, "browser_firms")
    page.wait_for_selector("#problems")
    rows = page.locator("#problems tbody tr")
    assert rows.count() >= 3  # two revenues without a unit, one unknown region
    cells = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]
    assert ["firms_bad.csv", "3", "region", "999999"] in [c[:4] for c in cells]
    assert all(c[0] == "firms_bad.csv" and c[4] for c in cells)  # every problem: its file and what was expected
    assert "nothing was written" in page.inner_text("#import-result")
    assert page.locator("#datasets tbody tr").count() == before
    assert "browser_firms" not in page.inner_text("#datasets")
    shot(page, "data-import-problems")

    _upload(page, "firms_good.csv", GOOD, "browser_firms")
    page.wait_for_selector("#import-ok")
    assert "browser_firms" in page.inner_text("#import-ok")
    assert "browser_firms" in page.locator("#datasets tbody tr").first.inner_text()  # newest first
    page.reload(wait_until="networkidle")
    assert "browser_firms" in page.inner_text("#datasets")
    shot(page, "data-import-ok")
    assert not _problems(watch, 422), watch.problems


def test_a_big_file_is_imported_by_a_job_with_a_progress_bar(logged_in, server, server_settings):
    server_settings(import_job_bytes=50)  # every upload of this test counts as big
    page = logged_in("analyst", "en")
    watch = Watch(page, server, allow_status=(422,))
    page.goto(f"{server}/data?lang=en", wait_until="networkidle")
    _upload(page, "firms_big_bad.csv", BAD.replace("T9000", "T9100"), "browser_firms_job")
    page.wait_for_selector("#import-job progress", state="attached")  # the job's progress, polled
    page.wait_for_selector("#problems")  # then every problem, as for a small file
    assert "999999" in page.inner_text("#problems") and "nothing was written" in page.inner_text("#import-result")
    _upload(page, "firms_big.csv", GOOD.replace("T9000", "T9100"), "browser_firms_job")
    page.wait_for_selector("#import-ok")
    assert "browser_firms_job" in page.locator("#datasets tbody tr").first.inner_text()
    assert not _problems(watch, 422), watch.problems


def test_viewer_is_asked_to_log_in_as_analyst_to_import(logged_in, server):
    page = logged_in("viewer", "zh")
    watch = Watch(page, server)
    page.goto(f"{server}/data?lang=zh", wait_until="networkidle")
    assert page.locator("#import-form").count() == 0
    assert "analyst" in page.inner_text("#import-login")
    assert not watch.problems, watch.problems


def test_admin_users_tokens_and_audit(logged_in, server):
    page = logged_in("admin", "en")
    watch = Watch(page, server)
    page.on("dialog", lambda d: d.accept())  # the confirmations of disable and revoke
    page.goto(f"{server}/admin?lang=en", wait_until="networkidle")
    assert page.locator(".dash-nav a[href^='/admin']:not(#lang-switch)").count() == 1

    page.fill("#add-user input[name=name]", "browser_user")
    page.select_option("#add-user select[name=role]", "analyst")
    page.fill("#add-user input[name=password]", "a-long-password-1")
    page.click("#add-user button[type=submit]")
    page.wait_for_selector("tr[data-user='browser_user']")

    page.fill("#create-token input[name=user]", "browser_user")
    page.fill("#create-token input[name=label]", "browser")
    page.click("#create-token button[type=submit]")
    page.wait_for_selector("#new-token")
    secret = page.inner_text("#new-token").strip()
    assert secret.startswith("isc_")
    token_id = secret.split("_")[1]
    shot(page, "admin-token-created")
    r = page.request.get(f"{server}/api/v1/datasets", headers={"Authorization": f"Bearer {secret}"})
    assert r.status == 200

    page.click(f"tr[data-token='{token_id}'] button")
    page.wait_for_selector(f"#admin-tokens .admin-ok >> text={token_id}: revoked")
    assert page.locator(f"tr[data-token='{token_id}'] button").count() == 0  # revoked: nothing left to revoke
    assert page.request.get(f"{server}/api/v1/datasets",
                            headers={"Authorization": f"Bearer {secret}"}).status == 401

    page.goto(f"{server}/admin?lang=en&actor=admin", wait_until="networkidle")
    audit = page.inner_text("#audit-table")
    for action in ("dashboard_create_user", "dashboard_create_token", "dashboard_revoke_token"):
        assert action in audit
    assert secret not in page.content()  # shown once only
    page.select_option("#audit-filter select[name=outcome]", "ok")
    page.fill("#audit-filter input[name=action]", "dashboard_revoke_token")
    page.click("#audit-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "action=dashboard_revoke_token" in page.url  # the filter is in the URL (shareable)
    assert page.locator("#audit-table tbody tr").count() == 1
    shot(page, "admin-audit")
    assert not watch.problems, watch.problems


def test_viewer_gets_403_on_admin(logged_in, server):
    page = logged_in("viewer", "en")
    watch = Watch(page, server, allow_status=(403,))
    resp = page.goto(f"{server}/admin?lang=en", wait_until="networkidle")
    assert resp.status == 403
    assert "for the admin role" in page.inner_text("#forbidden")
    assert page.locator(".dash-nav a[href^='/admin']:not(#lang-switch)").count() == 0
    assert not _problems(watch, 403), watch.problems
