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

Keeping the instance open. A process keeps its instance open between sessions (opening a 100 MB
file costs tens of milliseconds, a read-write close a checkpoint), and a watcher thread closes it
when idle as soon as another process needs the file: a writer elsewhere holds ``.writer.lock``, or
(for a read-write instance left open after this process's write) a reader elsewhere waits, which it
signals with a shared lock on ``.reader.wait``. While such a process waits, no new session starts
here (``draining``), so neither writers nor readers elsewhere are starved.

The data version. Every committed write bumps a counter in ``.version`` (JSON, written atomically
by the writer while it holds the lock): ``seq`` and, per *domain* the write declared it touches
(``ws.writer(touches="audit")``; undeclared writes touch ``"*"``, i.e. everything), the ``seq`` of
its last write. :meth:`Workspace.data_version` reads it without opening DuckDB, so a web worker can
keep caches valid until the data they depend on changes. The stamp is marked ``pending`` before
COMMIT and settled after it; a stamp left pending by a writer that died (no lock held) counts as
changed, so no process keeps serving what the dead writer may have replaced.

Sessions: ``with ws.session() as s:`` gives one read transaction (one snapshot) for every query of a
request or command; a session opened while another on the same workspace is active in the same
context joins it, so nested service calls see the same snapshot. A write cannot start inside a read
session of the same workspace (DuckDB cannot turn a read-only instance read-write under it).
"""
from __future__ import annotations

import atexit
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
# a wait is announced (on_wait) only once it has lasted this long: the probes above hold a lock for
# microseconds, and a user must not read "waiting for another writer" because of one
_ANNOUNCE_AFTER = 0.5
#: an instance nobody in this process used for this long is closed (its watcher thread ends with it):
#: a server in use keeps its instance, while a process that touched many workspaces (a test session,
#: a script) does not keep one open instance and one polling thread per workspace for ever
IDLE_CLOSE = 5.0

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
        self.own_lock = 0                 # this process holds .writer.lock (a writer of ours)
        self.cursors: set = set()         # the sessions' cursors (interrupted at exit)
        self.watching = False             # the watcher thread runs
        self.uses = 0                     # sessions and writers started (the watcher sees activity)
        self.wait_fd: int | None = None   # shared lock on .reader.wait while we wait to open
        self.lock = path.parent / ".writer.lock"
        self.reader_wait = path.parent / ".reader.wait"

    def wanted_elsewhere(self) -> bool:
        """Whether another process waits for this instance to close (call with ``cond`` held)."""
        if self.own_lock == 0 and _lock_held_elsewhere(self.lock):
            return True
        return self.mode == "rw" and _shared_held_elsewhere(self.reader_wait)

    def watch(self) -> None:
        """Start the watcher (with ``cond`` held): it closes the idle instance when another process
        needs the file, and marks a busy one draining so that it closes after its last session."""
        if self.watching:
            return
        self.watching = True
        self.watcher = threading.Thread(target=self._watch, name="induscope-workspace-watch", daemon=True)
        self.watcher.start()

    def _watch(self) -> None:
        with self.cond:
            try:
                seen, idle_since = self.uses, time.monotonic()
                while self.con is not None and not _EXITING:
                    if self.uses != seen or self.users > 0:
                        seen, idle_since = self.uses, time.monotonic()
                    if not self.writer and not self.writer_waiting and self.own_lock == 0:
                        if self.users == 0:
                            if self.wanted_elsewhere():
                                self.close()
                                self.cond.notify_all()
                                break
                            if time.monotonic() - idle_since >= IDLE_CLOSE:
                                self.close(checkpoint=True)  # nobody waits: merge the WAL on the way out
                                self.cond.notify_all()
                                break
                        elif not self.draining and self.wanted_elsewhere():
                            self.draining = True
                    self.cond.wait(_POLL)
            finally:
                self.watching = False

    def wait_signal(self, on: bool) -> None:
        """Hold (or drop) a shared lock on ``.reader.wait``: tells a process that keeps a read-write
        instance open that a reader here waits for it."""
        if on and self.wait_fd is None:
            try:
                fd = os.open(self.reader_wait, os.O_CREAT | os.O_RDWR, 0o644)
            except OSError:
                return
            fcntl.flock(fd, fcntl.LOCK_SH)
            self.wait_fd = fd
        elif not on and self.wait_fd is not None:
            fd, self.wait_fd = self.wait_fd, None
            os.close(fd)  # drops the lock

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
        if mode == "rw":
            # the instance closes whenever another process needs the file: a checkpoint at each
            # close would cost tens of milliseconds per hand-over, so the WAL (committed and durable
            # already) is checkpointed when it grows past DuckDB's threshold, and at exit
            self.con.execute("PRAGMA disable_checkpoint_on_shutdown")
        self.mode = mode
        self.watch()
        return True

    def close(self, checkpoint: bool = False) -> None:
        con, mode = self.con, self.mode
        self.con, self.mode, self.draining = None, None, False
        if con is not None:
            if checkpoint and mode == "rw":
                try:
                    con.execute("CHECKPOINT")
                except duckdb.Error:
                    pass  # the WAL stays; the next open replays it
            con.close()


_ROOTS: dict[str, _Root] = {}
_ROOTS_LOCK = threading.Lock()
#: sessions active in this context (thread / task): workspace file -> Session
_ACTIVE: contextvars.ContextVar[dict[str, "Session"]] = contextvars.ContextVar("induscope_sessions", default={})


_EXITING = False


def _close_all() -> None:
    """At exit: close every instance kept open (a read-write one checkpoints) and end the watchers,
    before the interpreter tears down the threads DuckDB's destructor would otherwise race with."""
    global _EXITING
    _EXITING = True
    for r in list(_ROOTS.values()):
        with r.cond:
            # a daemon thread still reading (a warm-up, a pump) would be torn down inside DuckDB:
            # interrupt its query and wait a little for its session to end
            for c in list(r.cursors):
                try:
                    c.interrupt()
                except duckdb.Error:
                    pass
            end = time.monotonic() + 5
            while r.users > 0 and not r.writer and time.monotonic() < end:
                r.cond.wait(_POLL)
            if r.con is not None and r.users == 0:
                if r.mode == "rw":
                    try:
                        r.con.execute("CHECKPOINT")  # leave the file whole for copies and backups
                    except duckdb.Error:
                        pass
                r.close()
            r.cond.notify_all()
    for r in list(_ROOTS.values()):
        w = getattr(r, "watcher", None)
        if w is not None and w.is_alive():
            w.join(timeout=2)


atexit.register(_close_all)


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


def _held_elsewhere(lock: Path, probe: int) -> bool:
    """Whether someone else holds ``lock`` in a way that ``probe`` (a non-blocking flock mode) conflicts
    with; the probe's own lock, if it got one, is dropped at once by closing."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, probe | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _shared_held_elsewhere(lock: Path) -> bool:
    """Whether some process holds a shared lock on ``lock`` (a reader waiting for the file)."""
    return _held_elsewhere(lock, fcntl.LOCK_EX)


def _lock_held_elsewhere(lock: Path) -> bool:
    """Whether some writer (another process, or another open of the lock) holds ``.writer.lock``."""
    return _held_elsewhere(lock, fcntl.LOCK_SH)


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

    @contextmanager
    def reader(self, migrate: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self.con  # the session's own connection (same snapshot)

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
        if self.exists() and self._verified(_root(self.path)):
            return self
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
            self._release(root, con)

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
    def writer(self, touches: str | tuple[str, ...] | list[str] | None = None
               ) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction, in place: committed on success, rolled back on any exception.

        ``touches``: the data domains the write changes (see the module notes on the data version);
        default: everything. Waits up to ``lock_timeout`` seconds for another writer (then
        ``WorkspaceBusy``).
        """
        domains = ("*",) if touches is None else ((touches,) if isinstance(touches, str) else tuple(touches))
        root = _root(self.path) if self.exists() else None
        if root is not None and str(root.path) in _ACTIVE.get():
            raise StorageError("a write cannot start inside a read session of the same workspace; "
                               "end the session first")
        self.home.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout
        fd = os.open(self._lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            announce_at = time.monotonic() + _ANNOUNCE_AFTER
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    now = time.monotonic()
                    if now >= deadline:
                        raise self._busy("another write is in progress") from None
                    if announce_at is not None and now >= announce_at:
                        announce_at = None
                        self._waiting("another writer")
                    time.sleep(_POLL)
            root = _root(self.path)
            with root.cond:
                root.own_lock += 1
            try:
                self._drop_stale_copy()
                current = self._verified(root)  # schema known current for this file (inode)
                con = self._acquire_write(root, deadline)
                stamp = _read_stamp(self.home, fresh=True)
                committed = False
                try:
                    con.execute("BEGIN TRANSACTION")
                    if not current:  # known current: nothing to migrate, skip the look
                        before = _version(con)
                        _migrate(con)
                        if _version(con) != before:
                            domains = ("*",)
                    yield con
                    # marked pending first: a writer killed between COMMIT and the settled stamp
                    # still tells every other process that the data may have changed
                    _write_stamp(self.home, stamp.pending_for(domains))
                    con.execute("COMMIT")
                    committed = True
                    _write_stamp(self.home, stamp.settled(domains))
                    root.verified = (self.path.stat().st_ino, CURRENT_VERSION)
                except BaseException:
                    if not committed:
                        try:
                            con.execute("ROLLBACK")
                        except duckdb.Error:
                            pass  # DuckDB already aborted the transaction
                        try:
                            _write_stamp(self.home, stamp.unchanged())
                        except OSError:
                            pass
                    raise
                finally:
                    con.close()
                    with root.cond:
                        root.writer = False
                        root.users -= 1
                        # keep the instance for the next request unless another process waits for it
                        if root.users == 0 and (root.draining or _shared_held_elsewhere(root.reader_wait)):
                            root.close()
                        root.cond.notify_all()
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)  # first: until own_lock drops, the lock must be ours
                with root.cond:
                    root.own_lock -= 1
        finally:
            os.close(fd)

    def close(self) -> None:
        """Close this process's instance on the workspace now if no session uses it (it is kept open
        between sessions otherwise; a tool that hands the workspace to other processes calls this)."""
        if not self.exists():
            return
        root = _root(self.path)
        with root.cond:
            if root.con is not None and root.users == 0 and not root.writer:
                root.close()
            root.cond.notify_all()

    def data_version(self) -> "Stamp":
        """The data version (see the module notes), read without opening DuckDB."""
        return _read_stamp(self.home)

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
        announce_at: float | None = time.monotonic() + _ANNOUNCE_AFTER
        with root.cond:
            try:
                while True:
                    if _EXITING:
                        raise StorageError("this process is ending: no new session starts")
                    if root.con is not None and not root.writer_waiting and not root.draining:
                        # this process writes (MVCC keeps the old snapshot), or nobody waits elsewhere
                        if root.writer or root.own_lock or not root.wanted_elsewhere():
                            break
                        root.draining = True  # another process waits: let the instance close
                    if root.con is not None and root.draining and root.users == 0 and not root.writer:
                        root.close()
                        root.cond.notify_all()
                    if (root.con is None and not root.writer_waiting and not root.own_lock
                            and not _lock_held_elsewhere(self._lock)):
                        if root.open("ro"):
                            break
                        root.wait_signal(True)  # a read-write instance elsewhere: ask it to close
                    announce_at = self._wait_turn(root, deadline, announce_at, "a write is in progress",
                                                  "a write in progress")
            finally:
                root.wait_signal(False)
            root.users += 1
            root.uses += 1
            assert root.con is not None
            cursor = root.con.cursor()
            root.cursors.add(cursor)
            return cursor

    def _wait_turn(self, root: _Root, deadline: float, announce_at: float | None, busy: str,
                   waiting: str) -> float | None:
        """One turn of a wait for the database (root.cond held): refuse past the deadline, say once
        what we wait for (when the wait has lasted, at ``announce_at``), then wait a poll interval or
        until notified. Returns the next ``announce_at`` (None once said)."""
        now = time.monotonic()
        if now >= deadline:
            raise self._busy(busy)
        if announce_at is not None and now >= announce_at:
            self._waiting(waiting)
            announce_at = None
        root.cond.wait(_POLL)
        return announce_at

    def _acquire_write(self, root: _Root, deadline: float) -> duckdb.DuckDBPyConnection:
        announce_at: float | None = time.monotonic() + _ANNOUNCE_AFTER
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
                    announce_at = self._wait_turn(root, deadline, announce_at,
                                                  "readers in another process hold it", "readers to finish")
            finally:
                root.writer_waiting = False
            root.writer = True
            root.users += 1
            root.uses += 1
            root.verified = None
            assert root.con is not None
            return root.con.cursor()

    def _release(self, root: _Root, cursor: Any = None) -> None:
        with root.cond:
            root.cursors.discard(cursor)
            root.users -= 1
            if root.users == 0 and not root.writer and root.draining:
                root.close()  # another process waits; otherwise the next request reuses the instance
            root.cond.notify_all()

    def _drop_stale_copy(self) -> None:
        """Remove the private copy an older induscope's killed writer left (never the live file)."""
        for name in (DB_NAME + ".writing", DB_NAME + ".writing.wal"):
            (self.home / name).unlink(missing_ok=True)


STAMP_NAME = ".version"


class Stamp:
    """The data version of a workspace: ``seq`` (committed writes) and, per domain, the ``seq`` of its
    last write; ``pending``: a write between its two stamps (or a writer that died there)."""

    __slots__ = ("seq", "domains", "pending", "pending_touch", "ident", "writer_alive", "unknown")

    def __init__(self, seq: int = 0, domains: dict[str, int] | None = None, pending: int | None = None,
                 pending_touch: tuple[str, ...] = (), ident: str = "", unknown: bool = False):
        self.seq, self.domains, self.pending = seq, dict(domains or {}), pending
        self.pending_touch, self.ident, self.unknown = tuple(pending_touch), ident, unknown
        self.writer_alive = True

    def version(self, depends: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()) -> int | None:
        """The version of what depends on ``depends`` (plus every undeclared write); ``None`` for
        ``depends``: every domain but ``exclude``. Changes exactly when a write touched one of them;
        ``None`` when it cannot be known (an unreadable stamp): cache nothing then."""
        if self.unknown:
            return None
        d = dict(self.domains)
        if self.pending is not None and not self.writer_alive:
            for k in self.pending_touch:  # the writer died between COMMIT and its stamp
                d[k] = self.pending
        names = [k for k in d if k not in exclude] if depends is None else [*depends, "*"]
        return max([d.get(k, 0) for k in names] + [0])

    def _next(self) -> int:
        return max(self.seq, self.pending or 0) + 1

    def pending_for(self, touch: tuple[str, ...]) -> "Stamp":
        return Stamp(self.seq, self.domains, self._next(), touch, self.ident or os.urandom(6).hex())

    def settled(self, touch: tuple[str, ...]) -> "Stamp":
        nxt, d = self._next(), dict(self.domains)
        for k in touch:
            d[k] = nxt
        return Stamp(nxt, d, None, (), self.ident or os.urandom(6).hex())

    def unchanged(self) -> "Stamp":
        """After a rollback: nothing changed, but a number announced as pending is never reused."""
        return Stamp(max(self.seq, self.pending or 0), self.domains, None, (), self.ident)

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "domains": self.domains, "pending": self.pending,
                "pending_touch": list(self.pending_touch), "id": self.ident}


_STAMPS: dict[str, tuple[tuple[int, int, int], Stamp]] = {}
_STAMPS_LOCK = threading.Lock()


def _read_stamp(home: Path, fresh: bool = False) -> Stamp:
    """The workspace's stamp; re-parsed only when the file changed (each write renames a new file
    into place, so inode, mtime and size tell)."""
    path = Path(home) / STAMP_NAME
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return Stamp()
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    with _STAMPS_LOCK:
        hit = _STAMPS.get(str(path))
    if hit is not None and hit[0] == key and not fresh:
        stamp = hit[1]
    else:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            stamp = Stamp(int(raw.get("seq", 0)), {str(k): int(v) for k, v in (raw.get("domains") or {}).items()},
                          None if raw.get("pending") is None else int(raw["pending"]),
                          tuple(raw.get("pending_touch") or ()), str(raw.get("id") or ""))
        except (OSError, ValueError, TypeError, AttributeError):
            stamp = Stamp(unknown=True)
        with _STAMPS_LOCK:
            _STAMPS[str(path)] = (key, stamp)
    if stamp.pending is not None:
        # pending: a write is between its stamps. While its writer holds the lock, the last committed
        # version stands (readers serve it from their caches); a pending stamp with no writer left
        # counts as changed
        stamp.writer_alive = _lock_held_elsewhere(Path(home) / ".writer.lock")
    return stamp


def _write_stamp(home: Path, stamp: Stamp) -> None:
    from .._files import atomic_file

    # no fsync: the stamp only keeps caches in memory honest, and they do not outlive a power loss
    with atomic_file(Path(home) / STAMP_NAME, durable=False) as tmp:
        tmp.write_text(json.dumps(stamp.to_dict()), encoding="utf-8")


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
