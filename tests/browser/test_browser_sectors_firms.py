"""The Sectors and Firms pages in a real browser (Debian chromium through Playwright, the lead's fixtures):
an analyst runs a small ARIO scenario through the form to completion (the progress bar reaches done, the
result charts appear), runs a shock, runs all-firm ESRI as a job; a viewer opens a firm's neighbourhood
graph and re-centres it by clicking a firm, and is asked to log in as an analyst instead of getting forms
that would fail. No console error, no failed request, nothing leaves the server; screenshots saved."""
from __future__ import annotations

import pytest
from browser_support import Watch, shot

pytestmark = pytest.mark.slow
JOB_TIMEOUT_MS = 180_000  # a spawned worker on a busy 2-core machine


def test_ario_scenario_runs_to_completion_through_the_form(logged_in, server):
    page = logged_in("analyst", "en")
    watch = Watch(page, server)
    page.goto(f"{server}/sectors?lang=en", wait_until="networkidle")
    page.select_option("#ario-form select[name=event]", "kapital-recover")
    page.fill("#ario-form input[name=damage]", "1000000")
    page.select_option("#ario-form select[name=sectors]", ["26"])
    page.fill("#ario-form input[name=steps]", "40")
    page.click("#run-ario")
    page.wait_for_url("**job=J*", timeout=30_000)
    assert page.locator("#job-progress").count() == 1  # the live progress bar of the job in the URL
    shot(page, "sectors-ario-progress")
    page.wait_for_selector("#ario-regions canvas", timeout=JOB_TIMEOUT_MS)  # htmx polled, the page reloaded
    assert page.locator(".job-state").get_attribute("data-state") == "succeeded"
    assert page.locator("#job-progress").get_attribute("value") == "1.0"
    assert page.locator("#ario-industries canvas").count() == 1
    assert "26" in page.locator("#ario table tbody tr").first.inner_text()  # the hit sector lost most
    assert "output lost over the run" in page.inner_text("#ario-summary")
    page.locator("#ario").scroll_into_view_if_needed()
    shot(page, "sectors-ario-done")
    # the link is shareable: it shows the same result on a fresh load
    page.goto(page.url, wait_until="networkidle")
    assert page.locator("#ario-regions canvas").count() == 1
    assert not watch.problems, watch.problems


def test_a_shock_and_its_csv(logged_in, server):
    page = logged_in("analyst", "en")
    watch = Watch(page, server)
    page.goto(f"{server}/sectors?lang=en", wait_until="networkidle")
    page.select_option("#shock-form select[name=sector]", "26")
    page.fill("#shock-form input[name=delta]", "-0.1")
    page.select_option("#shock-form select[name=model]", "ghosh")
    page.click("#run-shock")
    page.wait_for_selector("#shock-chart canvas")
    assert "sector=26" in page.url and "model=ghosh" in page.url  # the URL carries the shock
    assert page.locator("#shock table tbody tr").count() == 20  # one page, paged on the server
    with page.expect_download() as dl:
        page.click("#shock h2 a.dl")
    text = open(dl.value.path(), encoding="utf-8").read()
    assert text.startswith("sector,name,primary_input_change") and len(text.strip().splitlines()) == 43
    page.locator("#shock").scroll_into_view_if_needed()
    shot(page, "sectors-shock")
    assert not watch.problems, watch.problems


def test_all_firm_esri_as_a_job(logged_in, server):
    page = logged_in("analyst", "en")
    watch = Watch(page, server)
    page.goto(f"{server}/firms?lang=en", wait_until="networkidle")
    page.click("#run-esri")
    page.wait_for_url("**esri_job=J*", timeout=30_000)
    page.wait_for_selector("#esri-hist canvas", timeout=JOB_TIMEOUT_MS)
    assert page.locator(".job-state").get_attribute("data-state") == "succeeded"
    assert page.locator("#esri table tbody tr").count() >= 20
    shot(page, "firms-esri")
    assert not watch.problems, watch.problems


def test_a_viewer_opens_a_firms_neighbourhood_and_is_asked_to_log_in_to_run(logged_in, server):
    page = logged_in("viewer", "en")
    watch = Watch(page, server)
    page.goto(f"{server}/firms?lang=en", wait_until="networkidle")
    assert page.locator("#esri-login").is_visible() and page.locator("#esri-form").count() == 0
    page.fill("#graph-form input[name=firm]", "F000010")
    page.select_option("#graph-form select[name=hops]", "2")
    page.click("#show-graph")
    page.wait_for_selector("#graph canvas")
    assert "firm=F000010" in page.url and "hops=2" in page.url
    info = page.inner_text("#graph-info")
    assert "firms" in info and "links" in info
    page.locator("#neighbourhood").scroll_into_view_if_needed()
    shot(page, "firms-neighbourhood")
    # the single-points-of-failure table fits its card (it sat beside its chart and scrolled sideways)
    box = page.locator("#spof .table-scroll")
    assert box.count() == 1 and box.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    page.goto(f"{server}/sectors?lang=en", wait_until="networkidle")
    assert page.locator("#ario-login").is_visible() and page.locator("#ario-form").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # 1366x768, no sideways scroll
    shot(page, "sectors-viewer")
    assert not watch.problems, watch.problems
