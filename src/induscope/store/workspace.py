"""The workspace: one DuckDB file in a folder; sessions (one snapshot each) and one writer at a time.

Writes happen in place, in one DuckDB transaction (``BEGIN ... COMMIT``). DuckDB's write-ahead log
makes a commit atomic and durable; blocks a large uncommitted append may already have put into the
database file are not referenced by its header until a commit, so a write that fails (ROLLBACK) or
is killed (SIGKILL, power loss: the next open replays only committed WAL entries) leaves the
workspace's *content* exactly as before -- not its bytes (the file may keep some free blocks, reused
later). A write therefore costs in proportion to what it writes, not to the size of the workspace.
(Older versions copied the whole file to ``workspace.duckdb.writing`` and renamed it; a stale copy
left by such a version is removed by the next writer.)

Concurrency, and the trade-off it brings. DuckDB lets one process open a database file read-write
*or* any number of processes open it read-only, never both. So:

* Writers take the file lock ``.writer.lock`` (``flock``) and wait their turn up to ``lock_timeout``
  seconds (``INDUSCOPE_LOCK_TIMEOUT``, default 30), calling ``on_wait`` once when they start
  waiting (the CLI says so); then :class:`~induscope.errors.WorkspaceBusy` (the API: 503 with
  Retry-After).
* Within one process (the API server) every session and the writer share one DuckDB instance:
  sessions see the last committed state and are never blocked by that process's writer.
* Across processes a writer excludes readers while its transaction is open: a reader in another
  process waits (same timeout) for the write to finish rather than failing, and readers stop taking
  new sessions while a writer of another process is waiting, so writers are not starved. Reads
  from several processes run side by side. The price of in-place writes is that a long import
  makes other processes' reads wait for it (the old copy-and-rename let them read the old file).

Sessions: ``with ws.session() as s:`` gives one read transaction (one snapshot) for every query of a
request or command; a session opened while another on the same workspace is active in the same
context joins it, so nested service calls see the same snapshot. A write cannot start inside a read
session of the same workspace (DuckDB cannot turn a read-only instance read-write under it).
"""
from __future__ import annotations

import contextvars
import fcntl
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb
import pandas as pd

from ..errors import StorageError, WorkspaceBusy
from .schema import CURRENT_VERSION, MIGRATIONS

DB_NAME = "workspace.duckdb"
DEFAULT_LOCK_TIMEOUT = 30.0
_POLL = 0.02  # seconds between two attempts while waiting

#: called once when a reader or writer starts waiting: (what it waits for, seconds it will wait)
OnWait = Callable[[str, float], None]


class _Root:
    """This process's one DuckDB instance on a workspace file, shared by its sessions and writer."""

    def __init__(self, path: Path):
        self.path = path
        self.cond = threading.Condition()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.mode: str | None = None      # "ro" / "rw"
        self.users = 0
        self.writer = False               # this process's writer is inside its transaction
        self.writer_waiting = False       # this process's writer holds the lock, waits for readers
        self.draining = False             # a writer elsewhere waits: admit no new session here
        self.verified: tuple[int, int] | None = None  # (inode, version) known current

    def open(self, mode: str) -> bool:
        """Try to open the instance; False when another process holds a conflicting lock."""
        try:
            self.con = duckdb.connect(str(self.path), read_only=(mode == "ro"))
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                return False
            raise _storage_error(e, self.path) from None
        except duckdb.Error as e:
            raise _storage_error(e, self.path) from None
        self.mode = mode
        return True

    def close(self) -> None:
        con, self.con, self.mode, self.draining = self.con, None, None, False
        if con is not None:
            con.close()  # a read-write instance checkpoints here (work in proportion to the WAL)


_ROOTS: dict[str, _Root] = {}
_ROOTS_LOCK = threading.Lock()
#: sessions active in this context (thread / task): workspace file -> Session
_ACTIVE: contextvars.ContextVar[dict[str, "Session"]] = contextvars.ContextVar("induscope_sessions", default={})


def _root(path: Path) -> _Root:
    key = str(path.resolve())
    with _ROOTS_LOCK:
        r = _ROOTS.get(key)
        if r is None:
            r = _ROOTS[key] = _Root(Path(key))
        return r


def _storage_error(e: Exception, path: Path) -> StorageError:
    msg = str(e).replace(str(path), path.name).replace(str(path.parent), "<workspace>")
    return StorageError(f"the workspace database cannot be opened: {msg.splitlines()[0]}", where=str(path.parent))


def _lock_held_elsewhere(lock: Path) -> bool:
    """Whether some writer (another process, or another open of the lock) holds ``.writer.lock``."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the shared lock at once
    return False


class Session:
    """One read transaction on a workspace: every query sees the same committed state.

    Offers what read-only services need from a :class:`Workspace` (``query``, ``rows``, ``tables``,
    ``session``), so a service can take either.
    """

    def __init__(self, workspace: "Workspace", con: duckdb.DuckDBPyConnection):
        self.workspace = workspace
        self.con = con

    @property
    def home(self) -> Path:
        return self.workspace.home

    @property
    def path(self) -> Path:
        return self.workspace.path

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    @contextmanager
    def session(self) -> Iterator["Session"]:
        yield self  # already one snapshot

    def exists(self) -> bool:
        return True

    def ensure(self) -> "Session":
        return self

    def schema_version(self) -> int:
        return _version(self.con)

    def tables(self) -> dict[str, int]:
        return _tables(self.con)

    def writer(self, **kw: Any):
        return self.workspace.writer(**kw)


class Workspace:
    """A workspace folder. Create with ``Workspace(home)``; nothing touches the disk until used."""

    def __init__(self, home: str | os.PathLike, *, lock_timeout: float | None = None,
                 on_wait: OnWait | None = None):
        self.home = Path(home)
        self.path = self.home / DB_NAME
        self._lock = self.home / ".writer.lock"
        self.lock_timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else float(lock_timeout)
        self.on_wait = on_wait

    @classmethod
    def from_settings(cls, settings: Any, on_wait: OnWait | None = None) -> "Workspace":
        return cls(settings.home, lock_timeout=settings.lock_timeout, on_wait=on_wait)

    # -- state -----------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def schema_version(self) -> int:
        if not self.exists():
            return 0
        with self.session(migrate=False) as s:
            return _version(s.con)

    def ensure(self) -> "Workspace":
        """Create the workspace or apply pending migrations (one write)."""
        if not self.exists() or self.schema_version() < CURRENT_VERSION:
            with self.writer():
                pass
        return self

    # -- reading ---------------------------------------------------------------
    @contextmanager
    def session(self, migrate: bool = True) -> Iterator[Session]:
        """One read transaction (one snapshot) for a request or command; joins an active one."""
        key = str(self.path.resolve()) if self.exists() else None
        active = _ACTIVE.get()
        if key is not None and key in active:
            yield active[key]
            return
        if not self.exists():
            raise StorageError("no workspace here (run `induscope demo` or an import to create one)",
                               where=str(self.home))
        root = _root(self.path)
        if migrate and not self._verified(root):
            self.ensure()
        con = self._acquire_read(root)
        token = None
        try:
            con.execute("BEGIN TRANSACTION")
            s = Session(self, con)
            if migrate and not self._verified(root):
                root.verified = (self.path.stat().st_ino, _version(con))
            token = _ACTIVE.set({**active, str(root.path): s})
            yield s
        finally:
            if token is not None:
                _ACTIVE.reset(token)
            try:
                con.execute("ROLLBACK")  # read-only: nothing to keep
            except duckdb.Error:
                pass
            con.close()
            self._release(root)

    @contextmanager
    def reader(self, migrate: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection of a session (for code that wants DuckDB itself)."""
        with self.session(migrate=migrate) as s:
            yield s.con

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        with self.session() as s:
            return s.query(sql, params)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with self.session() as s:
            return s.rows(sql, params)

    def tables(self) -> dict[str, int]:
        """Row count of every table (for status pages and tests)."""
        with self.session() as s:
            return s.tables()

    # -- writing ---------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction, in place: committed on success, rolled back on any exception.

        Waits up to ``lock_timeout`` seconds for another writer (then ``WorkspaceBusy``).
        """
        root = _root(self.path) if self.exists() else None
        if root is not None and str(root.path) in _ACTIVE.get():
            raise StorageError("a write cannot start inside a read session of the same workspace; "
                               "end the session first")
        self.home.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout
        fd = os.open(self._lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            waited = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise self._busy("another write is in progress") from None
                    if not waited:
                        waited = True
                        self._waiting("another writer")
                    time.sleep(_POLL)
            try:
                self._drop_stale_copy()
                root = _root(self.path)
                con = self._acquire_write(root, deadline)
                try:
                    con.execute("BEGIN TRANSACTION")
                    _migrate(con)
                    yield con
                    con.execute("COMMIT")
                    root.verified = (self.path.stat().st_ino, CURRENT_VERSION)
                except BaseException:
                    try:
                        con.execute("ROLLBACK")
                    except duckdb.Error:
                        pass  # DuckDB already aborted the transaction
                    raise
                finally:
                    con.close()
                    with root.cond:
                        root.writer = False
                        root.users -= 1
                        if root.users == 0:
                            root.close()
                        root.cond.notify_all()
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- the shared instance ---------------------------------------------------
    def _busy(self, what: str) -> WorkspaceBusy:
        return WorkspaceBusy(f"the workspace is busy: {what}; gave up after {self.lock_timeout:g} s, "
                             "try again shortly", retry_after=max(1, min(30, round(self.lock_timeout / 6) or 1)),
                             where=str(self.home))

    def _waiting(self, what: str) -> None:
        if self.on_wait is not None:
            self.on_wait(what, self.lock_timeout)

    def _verified(self, root: _Root) -> bool:
        v = root.verified
        try:
            return v is not None and v[0] == self.path.stat().st_ino and v[1] >= CURRENT_VERSION
        except OSError:
            return False

    def _acquire_read(self, root: _Root) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        waited = False
        with root.cond:
            while True:
                if root.con is not None and root.writer and root.mode == "rw" and not root.draining:
                    break  # this process writes: share its instance (MVCC keeps the old snapshot)
                if root.con is not None and not root.writer_waiting and not root.draining:
                    if root.writer or not _lock_held_elsewhere(self._lock):
                        break
                    root.draining = True  # a writer elsewhere waits: let the instance close
                elif root.con is None and not root.writer_waiting and not _lock_held_elsewhere(self._lock):
                    if root.open("ro"):
                        break
                if time.monotonic() >= deadline:
                    raise self._busy("a write is in progress")
                if not waited:
                    waited = True
                    self._waiting("a write in progress")
                root.cond.wait(_POLL)
            root.users += 1
            assert root.con is not None
            return root.con.cursor()

    def _acquire_write(self, root: _Root, deadline: float) -> duckdb.DuckDBPyConnection:
        waited = False
        with root.cond:
            root.writer_waiting = True
            try:
                while True:
                    if root.con is None:
                        if root.open("rw"):
                            break
                    elif root.mode == "rw":
                        break
                    elif root.users == 0:
                        root.close()
                        continue
                    if time.monotonic() >= deadline:
                        raise self._busy("readers in another process hold it")
                    if not waited:
                        waited = True
                        self._waiting("readers to finish")
                    root.cond.wait(_POLL)
            finally:
                root.writer_waiting = False
            root.writer = True
            root.users += 1
            root.verified = None
            assert root.con is not None
            return root.con.cursor()

    def _release(self, root: _Root) -> None:
        with root.cond:
            root.users -= 1
            if root.users == 0 and not root.writer:
                root.close()
            root.cond.notify_all()

    def _drop_stale_copy(self) -> None:
        """Remove the private copy an older induscope's killed writer left (never the live file)."""
        for name in (DB_NAME + ".writing", DB_NAME + ".writing.wal"):
            (self.home / name).unlink(missing_ok=True)


# DuckDB 2 refuses new work on a connection while a result is unfetched: always fetchall().
def _version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute("SELECT count(*) FROM information_schema.tables "
                      "WHERE table_name = 'schema_version'").fetchall()[0][0]
    if not has:
        return 0
    v = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    return int(v or 0)


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema='main' ORDER BY 1").fetchall()]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in names}


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")
    have = _version(con)
    for version, name, sql in MIGRATIONS:
        if version > have:
            con.execute(sql)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])


def one_snapshot(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a service ``fn(ws, ...)`` on one session of ``ws`` (one snapshot for all its reads)."""
    import functools

    @functools.wraps(fn)
    def run(ws: Any, *args: Any, **kwargs: Any) -> Any:
        if not ws.exists():
            return fn(ws, *args, **kwargs)
        with ws.session() as s:
            return fn(s, *args, **kwargs)

    return run


#: where the per-domain store functions read: a Workspace, a Session, or a writer's connection
Source = Any


def query_frame(src: Source, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """The result of ``sql`` as a DataFrame, on a Workspace, a Session or a DuckDB connection."""
    if isinstance(src, duckdb.DuckDBPyConnection):
        return src.execute(sql, params or []).df()
    return src.query(sql, params)


def query_rows(src: Source, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """The result of ``sql`` as tuples, on a Workspace, a Session or a DuckDB connection."""
    if isinstance(src, duckdb.DuckDBPyConnection):
        return src.execute(sql, params or []).fetchall()
    return src.rows(sql, params)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert a DataFrame by column name (columns not in the frame take their defaults)."""
    if frame.empty:
        return 0
    frame = frame.copy()
    for c in frame.columns:
        if frame[c].map(lambda v: isinstance(v, (dict, list))).any():
            frame[c] = frame[c].map(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
    con.register("_incoming", frame)
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
    finally:
        con.unregister("_incoming")
    return len(frame)
