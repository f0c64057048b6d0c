"""The dashboard in a real browser: Playwright driving Debian's chromium (never a downloaded browser)
against the app on 127.0.0.1 with a copy of the demo workspace. Every page in both languages loads
with no console error, no page error, no failed request and nothing fetched from outside the server;
a chain node shows its reasons on click; the report card renders. Screenshots: tests/browser/artifacts/.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).parent / "artifacts"
PAGES = ["/overview", "/monitoring", "/monitoring?region=440000&measure=ytd", "/sectors", "/chains", "/chains?chain=ic",
         "/firms", "/firms?page=2", "/smes", "/data", "/report"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    from induscope.report import find_chromium

    return find_chromium()


def _why_skip() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; no browser download is needed)"
    if _chromium() is None:
        return "chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    return None


if _why_skip():
    pytest.skip(_why_skip() or "", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_workspace, tmp_path_factory):
    import uvicorn

    from induscope.api.app import create_app
    from induscope.settings import Settings

    home = tmp_path_factory.mktemp("browser") / "ws"
    shutil.copytree(demo_workspace.home, home)  # the session's demo workspace stays untouched
    from induscope.services import monitoring as mon
    from induscope.store import Workspace

    mon.scan(Workspace(home), history=True)  # alerts for the overview, monitoring and the report card
    port = _free_port()
    app = create_app(Settings(home=home))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        if time.monotonic() > deadline or not th.is_alive():
            pytest.fail("the app did not start on 127.0.0.1")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watch:
    """What went wrong on a page: console errors, page errors, failed or refused requests, 4xx/5xx."""

    def __init__(self, page, base: str):
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def outside(route):  # nothing leaves the server: a CDN or font request is a failure
            self.problems.append(f"outside request: {route.request.url}")
            route.abort()

        page.route(lambda url: not url.startswith(base) and not url.startswith("data:"), outside)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_clean(server, browser, path, lang):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN" if lang == "zh" else "en-US")
    page = ctx.new_page()
    w = Watch(page, server)
    sep = "&" if "?" in path else "?"
    resp = page.goto(f"{server}{path}{sep}lang={lang}", wait_until="networkidle", timeout=120_000)
    assert resp is not None and resp.status == 200
    assert page.locator("#lang-switch").count() == 1
    # the nav is in the page's language
    assert page.locator("nav").inner_text().find("总览" if lang == "zh" else "Overview") >= 0
    name = path.strip("/").replace("?", "_").replace("&", "_").replace("=", "-") or "root"
    _shot(page, f"{name}-{lang}")
    # usable at 1366x768: no horizontal scroll
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366 + 1
    ctx.close()
    assert not w.problems, w.problems


def test_chain_node_click_shows_reasons(server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    w = Watch(page, server)
    page.goto(f"{server}/chains?chain=nev&lang=en", wait_until="networkidle")
    before = page.locator("#node-info").inner_text()
    # click the first node of the graph (ECharts: the chart instance knows where it drew it)
    xy = page.evaluate("""() => { const c = echarts.getInstanceByDom(document.getElementById('graph'));
        const d = c.getModel().getSeriesByIndex(0).getData(); const p = d.getItemLayout(0);
        return c.convertToPixel({seriesIndex: 0}, [p[0], p[1]]); }""")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    page.wait_for_function("document.getElementById('node-info').textContent.includes('rule')", timeout=10_000)
    assert page.locator("#node-info").inner_text() != before
    assert not w.problems, w.problems


def test_csv_download_of_a_chart(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/overview?lang=en", wait_until="networkidle")
    with page.expect_download() as dl:
        page.locator("a.dl").first.click()
    path = dl.value.path()
    assert Path(path).read_text(encoding="utf-8").startswith("period,growth_yoy_pct")


def test_report_card_in_the_browser_and_as_pdf(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    w = Watch(page, server)
    page.goto(f"{server}/report?year=2022", wait_until="networkidle", timeout=180_000)
    assert "2022年工业和信息化发展成绩单" in page.content()
    assert page.locator("svg").count() >= 3  # the charts were drawn
    _shot(page, "report-card")
    out = tmp_path / "card.pdf"
    page.pdf(path=str(out), format="A4")
    assert not w.problems, w.problems
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "成绩单" in text and "Industrial chains" in text


def test_evaluate_an_enterprise_through_the_form(server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    w = Watch(page, server)
    page.goto(f"{server}/smes?lang=en", wait_until="networkidle")
    page.fill("input[name=firm]", "F001373")
    page.fill("input[name=date]", "2025-12-31")
    page.click("button:has-text('Evaluate')")
    page.wait_for_selector("#sme-explained", timeout=60_000)
    assert "firm=F001373" in page.url  # the selection is in the URL (shareable)
    assert page.locator(".tier-result").count() >= 3
    _shot(page, "smes-evaluate-en")
    assert not w.problems, w.problems
