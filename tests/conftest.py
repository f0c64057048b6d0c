"""Shared fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real reference data beside the repository (../shared/data)."""
    assert SHARED_DATA.is_dir(), f"expected the shared reference data at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture()
def workspace(tmp_path):
    from induscope.store import Workspace

    return Workspace(tmp_path / "ws").ensure()


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory):
    """The full demo workspace, built once per test session (read-only for tests: copy it to change it)."""
    from induscope.services.demo import build_demo_workspace
    from induscope.store import Workspace

    ws = Workspace(tmp_path_factory.mktemp("demo") / "ws")
    build_demo_workspace(ws)
    return ws
