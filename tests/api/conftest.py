"""Fixtures of the API tests: apps over a private copy of the demo workspace, users with tokens."""
from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.services import access
from induscope.settings import Settings
from induscope.store import Workspace

BASE = "http://127.0.0.1"  # an allowed Host (the default list is loopback names only)


def make_client(home, **settings) -> TestClient:
    """A client that sees the server's answers (a 500 included) instead of Python exceptions."""
    return TestClient(create_app(Settings(home=home, **settings)), base_url=BASE, raise_server_exceptions=False)


@pytest.fixture()
def demo_copy(demo_workspace, tmp_path) -> Workspace:
    """A private copy of the demo workspace (these tests write to it)."""
    home = tmp_path / "ws"
    home.mkdir()
    shutil.copy2(demo_workspace.path, home / "workspace.duckdb")
    return Workspace(home)


@pytest.fixture(scope="module")
def secured_demo(demo_workspace, tmp_path_factory):
    """A copy of the demo with one user per role and a token each: (workspace, {role: token}, firms)."""
    home = tmp_path_factory.mktemp("secured") / "ws"
    home.mkdir()
    shutil.copy2(demo_workspace.path, home / "workspace.duckdb")
    ws = Workspace(home)
    firms = list(ws.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 3")["firm_id"])
    tokens = {}
    for role in ("viewer", "analyst", "admin"):
        access.add_user(ws, role, role)
        tokens[role] = access.create_token(ws, role)["token"]
    access.add_user(ws, "reporter", "reporter", enterprises=[firms[0]])
    tokens["reporter"] = access.create_token(ws, "reporter")["token"]
    return ws, tokens, firms


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
