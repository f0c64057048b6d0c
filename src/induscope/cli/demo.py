"""`induscope demo`: build the deterministic synthetic demo workspace."""
from __future__ import annotations

import typer

from .common import emit, handle_errors, state


def demo(ctx: typer.Context,
         seed: int = typer.Option(20251, help="Random seed (the demo is deterministic for a seed)."),
         firms: int = typer.Option(5000, help="Number of synthetic enterprises."),
         force: bool = typer.Option(False, "--force", help="Rebuild even if the workspace has data.")) -> None:
    """Build a deterministic, clearly labelled SYNTHETIC demo workspace."""
    from ..services.demo import build_demo_workspace

    with handle_errors(ctx):
        st = state(ctx)
        summary = build_demo_workspace(st.workspace, seed=seed, n_firms=firms, force=force,
                                       show_progress=not st.json)
        emit(ctx, summary)
