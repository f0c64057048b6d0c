"""The workspace: one DuckDB file in a folder, one writer at a time, atomic writes.

Why copy-then-rename: DuckDB may write blocks of a large uncommitted append into the database file
before COMMIT. To guarantee that a failed or crashed import leaves the workspace byte-for-byte as it
was, every write works on a copy (``workspace.duckdb.writing``), commits and checkpoints it, and only
then renames it over the original (``os.replace`` is atomic on POSIX). Readers never see a half write
and never block the writer, because they open the file that is in place.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pandas as pd

from ..errors import StorageError
from .schema import CURRENT_VERSION, MIGRATIONS

DB_NAME = "workspace.duckdb"


class Workspace:
    """A workspace folder. Create with ``Workspace(home)``; nothing touches the disk until used."""

    def __init__(self, home: str | os.PathLike):
        self.home = Path(home)
        self.path = self.home / DB_NAME
        self._tmp = self.home / (DB_NAME + ".writing")
        self._lock = self.home / ".writer.lock"

    # -- state -----------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def schema_version(self) -> int:
        if not self.exists():
            return 0
        with self.reader(migrate=False) as con:
            return _version(con)

    def ensure(self) -> "Workspace":
        """Create the workspace or apply pending migrations (one write)."""
        if not self.exists() or self.schema_version() < CURRENT_VERSION:
            with self.writer():
                pass
        return self

    # -- reading ---------------------------------------------------------------
    @contextmanager
    def reader(self, migrate: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.exists():
            raise StorageError(
                f"no workspace at {self.home} (run `induscope demo` or an import to create one)")
        if migrate and self.schema_version() < CURRENT_VERSION:
            self.ensure()
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        with self.reader() as con:
            return con.execute(sql, params or []).df()

    def tables(self) -> dict[str, int]:
        """Row count of every table (for status pages and tests)."""
        with self.reader() as con:
            names = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema='main' ORDER BY 1"
            ).fetchall()]
            return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in names}

    # -- writing ---------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on a private copy, renamed into place on success.

        Any exception (or a crash) leaves the original file untouched.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(self._lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StorageError(f"another process is writing to the workspace {self.home}; "
                                   "try again when it has finished") from None
            self._tmp.unlink(missing_ok=True)  # left by a crashed writer: never in place, safe to drop
            Path(str(self._tmp) + ".wal").unlink(missing_ok=True)
            if self.exists():
                shutil.copy2(self.path, self._tmp)
            con = duckdb.connect(str(self._tmp))
            try:
                con.execute("BEGIN TRANSACTION")
                _migrate(con)
                yield con
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            except BaseException:
                con.close()
                self._tmp.unlink(missing_ok=True)
                Path(str(self._tmp) + ".wal").unlink(missing_ok=True)
                raise
            con.close()
            _fsync(self._tmp)
            os.replace(self._tmp, self.path)
            _fsync_dir(self.home)
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)


# DuckDB 2 refuses new work on a connection while a result is unfetched: always fetchall().
def _version(con: duckdb.DuckDBPyConnection) -> int:
    has = con.execute("SELECT count(*) FROM information_schema.tables "
                      "WHERE table_name = 'schema_version'").fetchall()[0][0]
    if not has:
        return 0
    v = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    return int(v or 0)


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")
    have = _version(con)
    for version, name, sql in MIGRATIONS:
        if version > have:
            con.execute(sql)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        _fsync(path)
    except OSError:  # some file systems do not allow fsync on directories
        pass


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
