"""Monitoring, SMEs and Reports in a real browser (Debian's chromium through Playwright) against the secured
demo server: an analyst acknowledges an alert with a comment and adds a watch-list item through the page, a
batch SME evaluation runs from its form, the report card is generated through the Reports page (a job with
a live progress bar) to a download; a viewer is told to log in as an analyst instead of getting forms.
No console error, no failed request, nothing from outside the server, no horizontal scroll at 1366x768.
Screenshots: tests/browser/artifacts/."""
from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import Watch, shot

pytestmark = pytest.mark.slow


def test_acknowledge_an_alert_with_a_comment(server, logged_in):
    page = logged_in("analyst", "en")
    w = Watch(page, server)
    page.goto(f"{server}/monitoring?region=440000&status=open&lang=en", wait_until="networkidle", timeout=120_000)
    form = page.locator("#monitoring-handle")
    alert = form.locator("select[name=alert_id]").input_value()
    assert alert
    form.locator("input[name=note]").fill("checked with the province: plant maintenance")
    with page.expect_navigation(timeout=60_000):
        form.locator("button[data-action=ack]").click()
    page.wait_for_selector("#monitoring-history", timeout=60_000)
    assert f"alert={alert}" in page.url  # the handled alert stays in the URL (shareable)
    history = page.locator("#monitoring-history").inner_text()
    assert "acknowledged" in history and "plant maintenance" in history and "analyst" in history
    shot(page, "h4-monitoring-acknowledged-en")
    assert not w.problems, w.problems


def test_add_a_watch_list_item(server, logged_in):
    page = logged_in("analyst", "en")
    w = Watch(page, server)
    page.goto(f"{server}/monitoring?lang=en", wait_until="networkidle", timeout=120_000)
    form = page.locator("#monitoring-watch-add")
    form.locator("select[name=kind]").select_option("region")
    form.locator("input[name=code]").fill("350000")
    form.locator("input[name=label]").fill("福建 Fujian")
    form.locator("input[name=target_growth]").fill("6")
    with page.expect_navigation(timeout=60_000):
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("#monitoring-watch table").inner_text()
    assert "350000" in table and "福建 Fujian" in table
    shot(page, "h4-monitoring-watch-added-en")
    assert not w.problems, w.problems


def test_run_a_batch_sme_evaluation(server, logged_in):
    page = logged_in("viewer", "en")
    w = Watch(page, server)
    page.goto(f"{server}/smes?lang=en", wait_until="networkidle", timeout=120_000)
    form = page.locator("#smes-batch-form")
    form.locator("input[name=region]").fill("440000")
    form.locator("input[name=date]").fill("2025-12-31")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#smes-batch-summary", timeout=120_000)
    page.wait_for_load_state("load")  # the whole new page parsed, its scripts run (not just the summary)
    assert "batch=1" in page.url and "region=440000" in page.url
    assert page.locator("#smes-batch table tbody tr").count() == 20  # one page of the batch
    # the tier chart is drawn once ECharts (loaded after the content) has run: wait for it, not the table
    page.wait_for_selector("#batch-counts canvas", timeout=30_000)
    assert page.locator("#batch-counts canvas").count() == 1
    shot(page, "h4-smes-batch-en")
    assert not w.problems, w.problems
    with page.expect_download() as dl:  # (a download ends its navigation: Chromium calls that "aborted")
        page.locator("#smes-batch h2 a.dl").click()
    assert Path(dl.value.path()).read_text(encoding="utf-8").startswith("firm_id,name,tier")


def test_generate_the_report_card_through_the_reports_page(server, logged_in, tmp_path):
    page = logged_in("analyst", "en")
    w = Watch(page, server)
    page.goto(f"{server}/reports?lang=en", wait_until="networkidle", timeout=60_000)
    form = page.locator("#reports-form")
    form.locator("input[name=year]").fill("2022")
    form.locator("select[name=format]").select_option("pdf")
    form.locator("select[name=lang]").select_option("zh")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#reports-progress:not([hidden])", timeout=30_000)
    page.wait_for_function("() => document.getElementById('reports-progress').dataset.state === 'running'"
                           " || document.getElementById('reports-progress').dataset.state === 'succeeded'",
                           timeout=120_000)
    page.wait_for_selector("#reports-download:not([hidden])", timeout=300_000)
    assert "job=J" in page.url
    shot(page, "h4-reports-done-en")
    assert not w.problems, w.problems
    with page.expect_download(timeout=60_000) as dl:
        page.locator("#reports-download").click()
    out = tmp_path / "card.pdf"
    dl.value.save_as(out)
    assert out.read_bytes()[:5] == b"%PDF-"
    assert dl.value.suggested_filename.endswith(".pdf")
    # the job table below is listed again when the job ends: the new card with its download
    job = page.url.split("job=")[1][:13]
    page.wait_for_selector(f"#reports-jobs a.reports-download[href*='{job}']", timeout=30_000)


def test_a_viewer_is_told_to_log_in_as_an_analyst(server, logged_in):
    page = logged_in("viewer", "en")
    w = Watch(page, server)
    page.goto(f"{server}/monitoring?region=440000&lang=en", wait_until="networkidle", timeout=120_000)
    assert page.locator("#monitoring-handle").count() == 0 and page.locator("#monitoring-watch-add").count() == 0
    assert "Log in as an analyst to" in page.locator("#monitoring-alerts").inner_text()
    page.goto(f"{server}/reports?lang=en", wait_until="networkidle")
    assert page.locator("#reports-form").count() == 0
    assert "Log in as an analyst to" in page.locator("#reports-new").inner_text()
    assert not w.problems, w.problems
