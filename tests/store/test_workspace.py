"""Workspace store: schema and migrations, writes in place in one transaction, writers waiting their
turn, sessions giving one snapshot."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pandas as pd
import pytest

from induscope.errors import StorageError, WorkspaceBusy
from induscope.store import Workspace, insert_frame
from induscope.store.schema import CURRENT_VERSION


def chains(n: int, prefix: str = "c") -> pd.DataFrame:
    return pd.DataFrame({"chain_id": [f"{prefix}{i}" for i in range(n)], "name": ["x"] * n})


def contents(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: what 'the workspace is unchanged' means."""
    with ws.session() as s:
        return {t: sorted(s.rows(f'SELECT * FROM "{t}"'), key=repr) for t in s.tables()}


def run_py(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout)


def test_new_workspace_has_current_schema(tmp_path):
    ws = Workspace(tmp_path / "ws")
    assert not ws.exists() and ws.schema_version() == 0
    ws.ensure()
    assert ws.exists() and ws.schema_version() == CURRENT_VERSION
    assert {"datasets", "io_tables", "series", "enterprises", "supply_links", "chains"} <= set(ws.tables())


def test_reader_on_missing_workspace_says_how_to_create_one(tmp_path):
    with pytest.raises(StorageError, match="induscope demo") as e:
        with Workspace(tmp_path / "none").session():
            pass
    assert str(tmp_path) in str(e.value)  # the CLI user sees which folder
    assert str(tmp_path) not in e.value.to_dict()["message"]  # the API shows no server path


def test_committed_write_is_visible(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(3))
    assert workspace.tables()["chains"] == 3


def test_write_happens_in_place_without_a_copy(workspace):
    ino = workspace.path.stat().st_ino
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(3))
    assert workspace.path.stat().st_ino == ino  # no copy renamed over the file
    assert not list(workspace.home.glob("*.writing*"))


def test_failed_write_leaves_content_unchanged(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(2))
    before = contents(workspace)
    with pytest.raises(RuntimeError):
        with workspace.writer() as con:
            insert_frame(con, "chains", chains(100_000, prefix="big"))
            raise RuntimeError("validation failed half-way")
    assert contents(workspace) == before
    with workspace.writer() as con:  # and the next write works
        insert_frame(con, "chains", chains(1, prefix="after"))
    assert workspace.tables()["chains"] == 3


def test_constraint_violation_rolls_back(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(2))
    before = contents(workspace)
    with pytest.raises(Exception):
        with workspace.writer() as con:
            insert_frame(con, "chains", chains(5, prefix="new"))
            insert_frame(con, "chains", chains(1))  # duplicate primary key
    assert contents(workspace) == before


def test_stale_copy_of_an_older_version_is_removed(workspace):
    stale = workspace.home / "workspace.duckdb.writing"
    stale.write_bytes(b"x" * 1000)
    (workspace.home / "workspace.duckdb.writing.wal").write_bytes(b"x")
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(1))
    assert not list(workspace.home.glob("*.writing*"))
    assert workspace.tables()["chains"] == 1


def test_crash_in_the_middle_of_a_write_leaves_content_unchanged(workspace, tmp_path):
    """A writer killed with SIGKILL mid-transaction: the tables are as before; the next write works."""
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(2))
    before = contents(workspace)
    flag = tmp_path / "inside"
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pandas as pd, time, pathlib
        from induscope.store import Workspace, insert_frame
        ws = Workspace({str(workspace.home)!r})
        with ws.writer() as con:
            frame = pd.DataFrame({{"chain_id": [f"k{{i}}" for i in range(100_000)], "name": ["y"] * 100_000}})
            insert_frame(con, "chains", frame)
            pathlib.Path({str(flag)!r}).write_text("1")
            time.sleep(60)
    """)])
    deadline = time.time() + 60
    while not flag.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert flag.exists(), "the writer never reached the middle of its transaction"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert contents(workspace) == before
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(1, prefix="after"))
    assert workspace.tables()["chains"] == 3


def test_second_writer_waits_its_turn(workspace):
    """A writer that finds the lock taken waits (calling on_wait once) and then writes."""
    waits = []
    other = Workspace(workspace.home, lock_timeout=20, on_wait=lambda what, t: waits.append((what, t)))
    inside, done = threading.Event(), []

    def second():
        inside.wait()
        with other.writer() as con:
            insert_frame(con, "chains", chains(1, prefix="second"))
        done.append(True)

    t = threading.Thread(target=second)
    t.start()
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(1, prefix="first"))
        inside.set()
        time.sleep(1.0)  # past the moment a wait is announced
        assert not done
    t.join(30)
    assert done and workspace.tables()["chains"] == 2
    assert len(waits) == 1 and waits[0][1] == 20


def test_a_lock_held_for_an_instant_is_waited_for_without_a_word(workspace):
    """Another process's probe (or the watcher's) holds .writer.lock for an instant: the writer takes
    its turn without telling the user it waits (a CLI would print that on stderr)."""
    import fcntl
    import os

    waits = []
    other = Workspace(workspace.home, on_wait=lambda what, t: waits.append(what))
    fd = os.open(workspace.home / ".writer.lock", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    threading.Timer(0.1, os.close, (fd,)).start()  # closing drops the lock
    with other.writer() as con:
        insert_frame(con, "chains", chains(1, prefix="after"))
    assert waits == [] and workspace.tables()["chains"] == 1


def test_writer_gives_up_after_the_timeout_without_naming_the_path(workspace):
    impatient = Workspace(workspace.home, lock_timeout=0.3)
    with workspace.writer():
        t0 = time.monotonic()
        with pytest.raises(WorkspaceBusy) as e:
            with impatient.writer():
                pass
        assert time.monotonic() - t0 >= 0.3
    err = e.value
    assert isinstance(err, StorageError) and err.http_status == 503 and err.retry_after >= 1
    d = err.to_dict()
    assert d["error"] == "workspace_busy" and d["retry_after"] == err.retry_after
    assert str(workspace.home) not in d["message"]


def test_readers_in_the_same_process_are_not_blocked_by_a_writer(workspace):
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(1))
        assert workspace.query("SELECT count(*) AS n FROM chains")["n"][0] == 0  # old state visible
    assert workspace.query("SELECT count(*) AS n FROM chains")["n"][0] == 1


def test_session_is_one_snapshot(workspace):
    """A commit made while a session is open is not seen by that session (never half old, half new)."""
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(2))
    writing, read_once, committed = threading.Event(), threading.Event(), threading.Event()

    def replace_chains():
        with workspace.writer() as con:
            con.execute("DELETE FROM chains")
            insert_frame(con, "chains", chains(5, prefix="new"))
            writing.set()
            read_once.wait(10)
        committed.set()

    t = threading.Thread(target=replace_chains)
    t.start()
    writing.wait(10)
    seen = []
    with workspace.session() as s:
        seen.append(s.rows("SELECT list(chain_id ORDER BY chain_id) FROM chains")[0][0])
        read_once.set()
        committed.wait(10)
        seen.append(s.rows("SELECT list(chain_id ORDER BY chain_id) FROM chains")[0][0])
        with workspace.session() as inner:  # a nested session joins the snapshot
            assert inner is s
            seen.append(list(workspace.query("SELECT chain_id FROM chains ORDER BY 1")["chain_id"]))
    t.join(10)
    assert seen == [["c0", "c1"]] * 3
    assert workspace.tables()["chains"] == 5


def _write(ws: Workspace, frame: pd.DataFrame) -> None:
    with ws.writer() as con:
        insert_frame(con, "chains", frame)


def test_write_inside_own_read_session_is_refused(workspace):
    with workspace.session():
        with pytest.raises(StorageError, match="inside a read session"):
            with workspace.writer():
                pass
    _write(workspace, chains(1))  # nothing left locked


def test_writer_waits_for_readers_of_the_same_process(workspace):
    hold, done = threading.Event(), []

    def reader():
        with workspace.session() as s:
            s.rows("SELECT 1")
            hold.wait(10)

    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.2)
    threading.Timer(0.3, hold.set).start()
    _write(workspace, chains(1))
    done.append(True)
    t.join(10)
    assert workspace.tables()["chains"] == 1


def test_reader_in_another_process_waits_for_a_write(workspace, tmp_path):
    """DuckDB lets no other process open the file while it is written: the reader waits, not fails."""
    ready = tmp_path / "ready"
    script = f"""
        import pathlib, time
        from induscope.store import Workspace
        ws = Workspace({str(workspace.home)!r}, lock_timeout=30)
        pathlib.Path({str(ready)!r}).write_text("1")
        t0 = time.monotonic()
        n = ws.query("SELECT count(*) AS n FROM chains")["n"][0]
        print(n, round(time.monotonic() - t0, 2))
    """
    with workspace.writer() as con:
        insert_frame(con, "chains", chains(4))
        proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while not ready.exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.8)
        assert proc.poll() is None  # still waiting
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    n, waited = out.split()
    assert int(n) == 4 and float(waited) > 0.5


def test_writer_in_another_process_gives_up_with_busy(workspace):
    script = f"""
        from induscope.errors import WorkspaceBusy
        from induscope.store import Workspace
        try:
            with Workspace({str(workspace.home)!r}, lock_timeout=0.5).writer():
                print("wrote")
        except WorkspaceBusy as e:
            print("busy", e.to_dict()["retry_after"])
    """
    with workspace.writer():
        r = run_py(script)
    assert r.stdout.split()[0] == "busy", r.stderr


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


def test_migrations_are_sorted_and_unique():
    from induscope.store.schema import MIGRATIONS

    versions = [v for v, _, _ in MIGRATIONS]
    assert versions == sorted(set(versions))


def test_lock_timeout_comes_from_the_settings(tmp_path, monkeypatch):
    from induscope.settings import Settings

    monkeypatch.setenv("INDUSCOPE_LOCK_TIMEOUT", "2.5")
    ws = Workspace.from_settings(Settings(home=tmp_path / "ws"))
    assert ws.lock_timeout == 2.5 and ws.home == tmp_path / "ws"


def test_chain_being_replaced_is_never_seen_half_old_half_new(workspace):
    """Readers of a chain (head + nodes, two queries) while a writer keeps replacing it."""
    from induscope.services.chains import show_chain as get_chain

    def version(v: int):
        with workspace.writer() as con:
            con.execute("DELETE FROM chain_nodes WHERE chain_id = 'ev'")
            con.execute("DELETE FROM chains WHERE chain_id = 'ev'")
            insert_frame(con, "chains", pd.DataFrame({"chain_id": ["ev"], "name": [f"v{v}"]}))
            insert_frame(con, "chain_nodes", pd.DataFrame({
                "chain_id": "ev", "node_id": [f"n{k}" for k in range(5)], "name": [f"v{v}"] * 5,
                "stage": "upstream", "position": list(range(5))}))

    version(0)
    stop, mixed, seen = threading.Event(), [], set()

    def read():
        while not stop.is_set():
            c = get_chain(workspace, "ev")
            names = set(c["nodes"]["name"]) | {c["name"]}
            seen.add(c["name"])
            if len(names) != 1 or len(c["nodes"]) != 5:
                mixed.append(names)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    for v in range(1, 15):
        version(v)
    stop.set()
    for t in readers:
        t.join(30)
    assert not mixed
    assert len(seen) > 1  # the readers did overlap the replacements
