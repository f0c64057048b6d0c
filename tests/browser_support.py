"""What the browser tests share (tests/browser): Debian's chromium, the test users' password, signing a
context in, watching a page for problems, screenshots. Imported by its bare name
(``from browser_support import Watch``): pyproject puts tests/ on the path."""
from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).parent / "browser" / "artifacts"  # git-ignored
PASSWORD = "induscope-test-pw"
ROLES = ("admin", "analyst", "viewer")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}


def chromium_path() -> str | None:
    from induscope.report import find_chromium

    return find_chromium()


def why_skip() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; no browser download is needed)"
    if chromium_path() is None:
        return "chromium is not installed (make browser-deps, or apt-get install chromium fonts-noto-cjk)"
    return None


def sign_in(context, base: str, role: str) -> None:
    """Sign a browser context in as ``role`` through the dashboard's log-in route."""
    r = context.request.post(f"{base}/api/v1/auth/login", data={"name": role, "password": PASSWORD})
    assert r.ok, f"log-in as {role} failed: {r.status} {r.text()}"


class Watch:
    """What went wrong on a page: console errors, page errors, failed or refused requests, 4xx/5xx."""

    def __init__(self, page, base: str, allow_status: tuple[int, ...] = ()):
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and r.status not in allow_status
                and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def outside(route):  # nothing leaves the server: a CDN or font request is a failure
            self.problems.append(f"outside request: {route.request.url}")
            route.abort()

        page.route(lambda url: not url.startswith(base) and not url.startswith("data:"), outside)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
