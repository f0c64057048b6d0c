"""Workspace store (DuckDB): schema, migrations, sessions (one snapshot each), one writer at a time,
writes in place in one transaction, and one module per domain holding its SQL."""
from .workspace import Session, Workspace, insert_frame, one_snapshot


def __getattr__(name: str):
    # the IO-table functions pull in core.iomodels (and SciPy): loaded on first use, so that commands
    # that only open the workspace start fast
    if name in ("read_io_table", "write_io_table"):
        from . import io_tables

        return getattr(io_tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Session", "Workspace", "insert_frame", "one_snapshot", "read_io_table", "write_io_table"]
