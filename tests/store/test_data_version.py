"""The data version (a stamp file bumped by every committed write, per declared domain) and the
instance kept open between sessions, closed when another process needs the file."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from induscope.store import Workspace, insert_frame
from induscope.store.workspace import STAMP_NAME, _root


@pytest.fixture()
def ws(tmp_path) -> Workspace:
    w = Workspace(tmp_path / "ws", lock_timeout=20)
    w.ensure()
    return w


def _chain(ws: Workspace, cid: str, touches=None) -> None:
    with ws.writer(touches=touches) as con:
        insert_frame(con, "chains", pd.DataFrame({"chain_id": [cid], "name": ["x"]}))


def test_every_committed_write_bumps_the_version_of_what_it_touched(ws):
    v0 = ws.data_version()
    _chain(ws, "a")
    v1 = ws.data_version()
    assert v1.version(()) > v0.version(())  # an undeclared write changes everything
    with ws.writer(touches="audit") as con:
        con.execute("INSERT INTO audit_log (actor, action, outcome) VALUES ('t', 'x', 'ok')")
    v2 = ws.data_version()
    assert v2.version(()) == v1.version(())  # what depends on data only: unchanged
    assert v2.version(("audit",)) > v1.version(("audit",))
    assert v2.version(None, exclude=("audit",)) == v1.version(None, exclude=("audit",))
    assert v2.version(None) > v1.version(None)


def test_a_failed_write_leaves_the_version_unchanged(ws):
    before = ws.data_version().version(())
    with pytest.raises(RuntimeError):
        with ws.writer() as con:
            insert_frame(con, "chains", pd.DataFrame({"chain_id": ["b"], "name": ["x"]}))
            raise RuntimeError("boom")
    assert ws.data_version().version(()) == before
    raw = json.loads((ws.home / STAMP_NAME).read_text())
    assert raw["pending"] is None
    _chain(ws, "c")
    assert ws.data_version().version(()) > before


def test_a_stamp_left_pending_by_a_dead_writer_counts_as_changed(ws):
    _chain(ws, "a")
    stamp = ws.data_version()
    v = stamp.version(())
    raw = json.loads((ws.home / STAMP_NAME).read_text())
    raw.update(pending=stamp.seq + 1, pending_touch=["*"])  # what a writer killed after COMMIT leaves
    (ws.home / STAMP_NAME).write_text(json.dumps(raw))
    assert ws.data_version().version(()) == v + 1  # no writer holds the lock: changed


def test_an_unreadable_stamp_gives_no_version(ws):
    _chain(ws, "a")
    (ws.home / STAMP_NAME).write_text("{not json")
    assert ws.data_version().version(()) is None


def test_the_instance_stays_open_between_sessions(ws):
    ws.query("SELECT 1")
    root = _root(ws.path)
    con = root.con
    assert con is not None
    ws.query("SELECT 1")
    assert root.con is con  # the same instance, not reopened


def test_a_writer_in_another_process_gets_the_file_from_an_idle_reader(ws):
    ws.query("SELECT count(*) FROM chains")  # this process keeps a read-only instance open
    assert _root(ws.path).con is not None
    code = textwrap.dedent(f"""
        import pandas as pd
        from induscope.store import Workspace, insert_frame
        ws = Workspace({str(ws.home)!r}, lock_timeout=20)
        with ws.writer() as con:
            insert_frame(con, "chains", pd.DataFrame({{"chain_id": ["other"], "name": ["x"]}}))
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr
    # this process sees the other's write and its version
    assert "other" in set(ws.query("SELECT chain_id FROM chains")["chain_id"])
    assert ws.data_version().seq >= 2


def test_a_reader_in_another_process_gets_the_file_from_an_idle_writer(ws):
    _chain(ws, "mine")  # this process keeps its read-write instance open after the write
    assert _root(ws.path).mode == "rw"
    code = textwrap.dedent(f"""
        from induscope.store import Workspace
        ws = Workspace({str(ws.home)!r}, lock_timeout=20)
        print(sorted(ws.query("SELECT chain_id FROM chains")["chain_id"]))
    """)
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "mine" in r.stdout
    assert time.monotonic() - t0 < 20  # it did not wait for the lock timeout
