"""Workspace store (DuckDB): schema, migrations, one writer, atomic transactions."""
from .workspace import Workspace, insert_frame

__all__ = ["Workspace", "insert_frame"]
