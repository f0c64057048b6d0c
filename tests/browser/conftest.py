"""Shared fixtures of the browser tests: Playwright driving Debian's chromium (never a downloaded browser)
against the app on 127.0.0.1 with a copy of the demo workspace.

The server is *secured* as a real deployment is: users ``admin``, ``analyst`` and ``viewer`` (password
``PASSWORD``) exist, so every page needs a session; ``logged_in(browser, server, role)`` gives a page whose
browser context signed in through ``POST /api/v1/auth/login`` (the dashboard's own log-in route), so writes
made by pages carry the session cookie and the CSRF header exactly as for a person.
"""
from __future__ import annotations

import shutil
import threading
import time

import pytest
from browser_support import CHROMIUM_ARGS, PASSWORD, ROLES, VIEWPORT, chromium_path, sign_in, why_skip


def pytest_collection_modifyitems(config, items):
    reason = why_skip()
    if reason:
        for item in items:  # only the tests that drive a browser (TestClient tests here still run)
            if "browser" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(demo_workspace, tmp_path_factory):
    """The app on 127.0.0.1 over a copy of the demo workspace (with its historical alerts), secured."""
    import uvicorn

    from induscope.api.app import create_app
    from induscope.services import access
    from induscope.services import monitoring as mon
    from induscope.settings import Settings
    from induscope.store import Workspace

    home = tmp_path_factory.mktemp("browser") / "ws"
    shutil.copytree(demo_workspace.home, home)  # the session's demo workspace stays untouched
    ws = Workspace(home)
    mon.scan(ws, history=True)  # alerts for the overview, monitoring and the report card
    for role in ROLES:
        access.add_user(ws, role, role, password=PASSWORD)
    port = _free_port()
    app = create_app(Settings(home=home))
    APPS[f"http://127.0.0.1:{port}"] = app
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


#: the app behind each server URL (the server runs in this process), for a test that changes a setting
APPS: dict = {}


@pytest.fixture
def server_settings(server):
    """``server_settings(name=value, ...)``: change the running server's settings for one test."""
    app = APPS[server]
    saved = app.state.settings

    def change(**values):
        app.state.settings = saved.model_copy(update=values)

    yield change
    app.state.settings = saved


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def logged_in(browser, server):
    """``logged_in(role, lang="en")`` -> a page (1366x768) of a context signed in as that role."""
    contexts = []

    def make(role: str = "viewer", lang: str = "en", **kw):
        ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN" if lang == "zh" else "en-US",
                                  accept_downloads=True, **kw)
        contexts.append(ctx)
        sign_in(ctx, server, role)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()
