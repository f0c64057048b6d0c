"""Workspace store: schema and migrations, one writer, atomic writes (also across a crash)."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from induscope.errors import StorageError
from induscope.store import Workspace, insert_frame
from induscope.store.schema import CURRENT_VERSION


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def chains(n: int, prefix: str = "c") -> pd.DataFrame:
    return pd.DataFrame({"chain_id": [f"{prefix}{i}" for i in range(n)], "name": ["x"] * n})


def test_new_workspace_has_current_schema(tmp_path):
    ws = Workspace(tmp_path / "ws")
    assert not ws.exists() and ws.schema_version() == 0
    ws.ensure()
    assert ws.exists() and ws.schema_version() == CURRENT_VERSION
    assert {"datasets", "io_tables", "series", "enterprises", "supply_links", "chains"} <= set(ws.tables())


def test_reader_on_missing_workspace_says_how_to_create_one(tmp_path):
    with pytest.raises(StorageError, match="induscope demo"):
        with Workspace(tmp_path / "none").reader():
            pass


def test_committed_write_is_visible(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(3))
    assert workspace.tables()["chains"] == 3


def test_failed_write_leaves_file_byte_for_byte(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(2))
    before = sha(workspace.path)
    with pytest.raises(RuntimeError):
        with workspace.writer() as con:
            insert_frame(con, "chains", chains(100_000, prefix="big"))
            raise RuntimeError("validation failed half-way")
    assert sha(workspace.path) == before
    assert workspace.tables()["chains"] == 2
    assert not (workspace.home / "workspace.duckdb.writing").exists()


def test_constraint_violation_rolls_back(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(2))
    before = sha(workspace.path)
    with pytest.raises(Exception):
        with workspace.writer() as con:
            insert_frame(con, "chains", chains(5, prefix="new"))
            insert_frame(con, "chains", chains(1))  # duplicate primary key
    assert sha(workspace.path) == before


def test_crash_in_the_middle_of_a_write_leaves_workspace_unchanged(workspace, tmp_path):
    """A writer killed with SIGKILL mid-transaction: the workspace is byte-for-byte as before."""
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(2))
    before = sha(workspace.path)
    flag = tmp_path / "inside"
    script = textwrap.dedent(f"""
        import pandas as pd, time, pathlib
        from induscope.store import Workspace, insert_frame
        ws = Workspace({str(workspace.home)!r})
        with ws.writer() as con:
            frame = pd.DataFrame({{"chain_id": [f"k{{i}}" for i in range(300_000)], "name": ["y"] * 300_000}})
            insert_frame(con, "chains", frame)
            pathlib.Path({str(flag)!r}).write_text("1")
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 60
    while not flag.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert flag.exists(), "the writer never reached the middle of its transaction"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert sha(workspace.path) == before
    assert workspace.tables()["chains"] == 2
    # the next writer cleans the crashed writer's private copy and works normally
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(1, prefix="after"))
    assert workspace.tables()["chains"] == 3
    assert not (workspace.home / "workspace.duckdb.writing").exists()


def test_one_writer_at_a_time(workspace):
    with workspace.writer():
        with pytest.raises(StorageError, match="another process is writing"):
            with workspace.writer():
                pass


def test_readers_are_not_blocked_by_a_writer(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(1))
        assert workspace.query("SELECT count(*) AS n FROM chains")["n"][0] == 0  # old state visible
    assert workspace.query("SELECT count(*) AS n FROM chains")["n"][0] == 1


def test_migrations_apply_in_order_and_once(tmp_path, monkeypatch):
    from induscope.store import schema, workspace as wsmod

    ws = Workspace(tmp_path / "m").ensure()
    extra = schema.MIGRATIONS + [(CURRENT_VERSION + 1, "test column", "CREATE TABLE t_extra (a INTEGER);")]
    monkeypatch.setattr(wsmod, "MIGRATIONS", extra)
    monkeypatch.setattr(wsmod, "CURRENT_VERSION", CURRENT_VERSION + 1)
    ws.ensure()
    assert ws.schema_version() == CURRENT_VERSION + 1
    ws.ensure()  # nothing left to apply: no error from re-creating the table
    assert "t_extra" in ws.tables()
