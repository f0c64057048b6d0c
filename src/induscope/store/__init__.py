"""Workspace store (DuckDB): schema, migrations, one writer, atomic transactions."""
from .workspace import Workspace, insert_frame
from .io_tables import read_io_table, write_io_table

__all__ = ["Workspace", "insert_frame", "read_io_table", "write_io_table"]
