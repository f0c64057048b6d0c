"""A busy workspace as the API shows it: 503 with Retry-After, the one envelope, no server path."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from fastapi.testclient import TestClient

from induscope.api.app import create_app
from induscope.settings import Settings


def test_reader_that_waits_too_long_gets_503_with_retry_after(workspace, tmp_path):
    ready = tmp_path / "ready"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, time
        from induscope.store import Workspace
        with Workspace({str(workspace.home)!r}).writer() as con:
            pathlib.Path({str(ready)!r}).write_text("1")
            time.sleep(30)
    """)])
    try:
        deadline = time.time() + 60
        while not ready.exists() and time.time() < deadline:
            time.sleep(0.05)
        assert ready.exists()
        client = TestClient(create_app(Settings(home=workspace.home, lock_timeout=0.5)),
                            base_url="http://127.0.0.1", raise_server_exceptions=False)
        r = client.get("/api/v1/enterprises")
    finally:
        holder.kill()
        holder.wait()
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["error"] == "workspace_busy" and int(r.headers["Retry-After"]) >= 1
    assert str(workspace.home) not in r.text and "Traceback" not in r.text
