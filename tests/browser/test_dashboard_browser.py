"""The dashboard in a real browser: Playwright driving Debian's chromium (never a downloaded browser)
against the app on 127.0.0.1 with a copy of the demo workspace. Every page in both languages loads
with no console error, no page error, no failed request and nothing fetched from outside the server;
a chain node shows its reasons on click; the report card renders. Screenshots: tests/browser/artifacts/.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from browser_support import PASSWORD, Watch, shot

pytestmark = pytest.mark.slow

#: every page, some with a selection; loaded as an admin, who sees every form and the Admin page
PAGES = ["/overview", "/monitoring", "/monitoring?region=440000&measure=ytd", "/monitoring?firm=F000001",
         "/monitoring?series=pmi_manufacturing/000000/C", "/sectors", "/chains", "/chains?chain=ic", "/firms",
         "/firms?page=2", "/smes", "/smes?batch=1&region=440000&date=2025-12-31", "/smes?by=division", "/data",
         "/report", "/reports", "/admin"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean(server, logged_in, path, lang):
    page = logged_in("admin", lang)
    w = Watch(page, server)
    sep = "&" if "?" in path else "?"
    resp = page.goto(f"{server}{path}{sep}lang={lang}", wait_until="networkidle", timeout=120_000)
    assert resp is not None and resp.status == 200
    assert page.locator("#lang-switch").count() == 1
    # the nav is in the page's language
    assert page.locator("nav").inner_text().find("总览" if lang == "zh" else "Overview") >= 0
    name = path.strip("/").replace("?", "_").replace("&", "_").replace("=", "-").replace("/", "-") or "root"
    shot(page, f"{name}-{lang}")
    # usable at 1366x768: no horizontal scroll
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366 + 1
    assert not w.problems, w.problems


def test_chain_node_click_shows_reasons(server, logged_in):
    page = logged_in("viewer")
    w = Watch(page, server)
    page.goto(f"{server}/chains?chain=nev&lang=en", wait_until="networkidle")
    before = page.locator("#node-info").inner_text()
    # click the first node of the graph (ECharts: the chart instance knows where it drew it)
    xy = page.evaluate("""() => { const c = echarts.getInstanceByDom(document.getElementById('graph'));
        const d = c.getModel().getSeriesByIndex(0).getData(); const p = d.getItemLayout(0);
        return c.convertToPixel({seriesIndex: 0}, [p[0], p[1]]); }""")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    page.wait_for_function("() => document.getElementById('node-info').textContent.includes('rule')",
                           timeout=10_000)
    assert page.locator("#node-info").inner_text() != before
    assert not w.problems, w.problems


def test_csv_download_of_a_chart(server, logged_in):
    page = logged_in("viewer")
    page.goto(f"{server}/overview?lang=en", wait_until="networkidle")
    with page.expect_download() as dl:
        page.locator("a.dl").first.click()
    path = dl.value.path()
    assert Path(path).read_text(encoding="utf-8").startswith("period,growth_yoy_pct")


def test_report_card_in_the_browser_and_as_pdf(server, logged_in, tmp_path):
    page = logged_in("viewer")
    w = Watch(page, server)
    page.goto(f"{server}/report?year=2022", wait_until="networkidle", timeout=180_000)
    assert "2022年工业和信息化发展成绩单" in page.content()
    assert page.locator("svg").count() >= 3  # the charts were drawn
    shot(page, "report-card")
    out = tmp_path / "card.pdf"
    page.pdf(path=str(out), format="A4")
    assert not w.problems, w.problems
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "成绩单" in text and "Industrial chains" in text


def test_evaluate_an_enterprise_through_the_form(server, logged_in):
    page = logged_in("viewer")
    w = Watch(page, server)
    page.goto(f"{server}/smes?lang=en", wait_until="networkidle")
    page.fill("input[name=firm]", "F001373")
    page.fill("input[name=date]", "2025-12-31")
    page.click("button:has-text('Evaluate')")
    page.wait_for_selector("#sme-explained", timeout=60_000)
    assert "firm=F001373" in page.url  # the selection is in the URL (shareable)
    assert page.locator(".tier-result").count() >= 3
    shot(page, "smes-evaluate-en")
    assert not w.problems, w.problems


def test_a_page_without_a_session_leads_to_the_login_and_back(server, browser):
    """On a secured server a person without a session lands on the log-in page, signs in, and comes back."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    w = Watch(page, server, allow_status=(401,))
    page.goto(f"{server}/firms?page=2&lang=en", wait_until="networkidle")
    assert "/login" in page.url
    page.fill("input[name=name]", "viewer")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    # a function, not a bare expression: Playwright evals bare expressions in the page, which the CSP forbids
    page.wait_for_function("() => document.getElementById('login-message').textContent.length > 0")
    assert "/login" in page.url
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/firms?page=2&lang=en", timeout=30_000)
    assert "viewer" in page.locator("#who").inner_text()
    page.click("#logout")
    page.wait_for_url("**/login**", timeout=30_000)
    ctx.close()
    # the wrong password's 401 (and the console line the browser writes for it) is the one expected problem
    assert not [p for p in w.problems if "auth/login" not in p and "status of 401" not in p], w.problems
