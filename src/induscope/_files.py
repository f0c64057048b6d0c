"""The one way to write a file or a folder of files: a temporary name beside the target, fsync, then
one rename (``os.replace``, atomic on POSIX). A crash or an error leaves the old content (or nothing)
in place, and the temporary name is removed on every error path (no ``.tmp`` left behind).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .errors import InputError

__all__ = ["atomic_file", "atomic_dir", "write_csv"]


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platform dependent
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


def _parent(path: Path, create: bool) -> Path:
    parent = path.parent
    if not parent.exists():
        if not create:
            raise InputError(f"the folder of {path} does not exist")
        parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise InputError(f"{path} is a folder, expected a file name")
    return parent


@contextmanager
def atomic_file(path: str | Path, *, create_parent: bool = True, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without error the file written
    there is fsynced and renamed over ``path``. On any error it is removed and ``path`` is untouched.

    ``with atomic_file(out) as tmp: frame.to_csv(tmp, index=False)``

    ``durable=False`` skips the fsyncs: the rename is still atomic for every other process, but a
    power loss may lose the file (for state that dies with the processes anyway, such as the
    workspace's data-version stamp read by caches in memory).
    """
    path = Path(path)
    parent = _parent(path, create_parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if durable:
            _fsync_path(tmp)
        os.replace(tmp, path)
        if durable:
            _fsync_path(parent)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def atomic_dir(path: str | Path, *, replace: bool = True) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; when the block ends without error it takes the place
    of ``path`` (an existing folder there is moved aside, then deleted, when ``replace``). On any
    error the temporary folder is deleted and ``path`` is untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_dir():
        raise InputError(f"{path} exists and is not a folder")
    if path.exists() and not replace:
        raise InputError(f"{path} exists")
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    old: Path | None = None
    try:
        yield tmp
        for f in tmp.iterdir():
            if f.is_file():
                _fsync_path(f)
        if path.exists():
            old = path.parent / f".{path.name}.old-{os.getpid()}"
            os.replace(path, old)
        os.replace(tmp, path)
        _fsync_path(path.parent)
    except BaseException:
        if old is not None and not path.exists():
            os.replace(old, path)   # put the previous folder back
            old = None
        raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def write_csv(frame: Any, path: str | Path, *, create_parent: bool = True, **to_csv: Any) -> Path:
    """Write a DataFrame as CSV atomically (``to_csv`` keywords passed through); returns ``path``."""
    path = Path(path)
    with atomic_file(path, create_parent=create_parent) as tmp:
        frame.to_csv(tmp, **to_csv)
    return path
