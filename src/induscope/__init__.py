"""induscope: analytics of new industrialization.

Python API: the same operations as the CLI and the REST API.

    import induscope
    ws = induscope.open_workspace("workspace")          # or $INDUSCOPE_HOME
    from induscope.services import catalog, imports     # one function per use case
    catalog.get_series(ws, "value_added", region="440000", industry="39", price_basis="growth_yoy_pct")

The pure models live in ``induscope.core`` (numpy/scipy/pandas only) and work without a workspace.
"""
from __future__ import annotations

import os

__version__ = "0.1.0"


def open_workspace(home: str | os.PathLike | None = None):
    """The workspace in ``home`` (default: $INDUSCOPE_HOME or ./workspace); nothing is created yet."""
    from .settings import Settings
    from .store import Workspace

    return Workspace(home if home is not None else Settings().home)
