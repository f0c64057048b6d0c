"""`induscope audit`: the audit log, newest first."""
from __future__ import annotations

from typing import Optional

import typer

from .common import emit, handle_errors, state


def audit(ctx: typer.Context,
          actor: Optional[str] = typer.Option(None, "--actor", help="Only this user (or cli:NAME)."),
          action: Optional[str] = typer.Option(None, "--action", help="Only this action (an API operation id, "
                                                                       "a command, or 'login')."),
          outcome: Optional[str] = typer.Option(None, "--outcome", help="ok, denied, invalid or error."),
          since: Optional[str] = typer.Option(None, "--since", help="From this date (YYYY-MM-DD)."),
          limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="Entries to show.")) -> None:
    """Who did what, when, on which object, from where, with what outcome (every write and login)."""
    from ..services import audit as svc

    with handle_errors(ctx):
        from datetime import date

        from ..errors import InputError

        if outcome is not None and outcome not in svc.OUTCOMES:
            raise InputError(f"--outcome: expected one of {', '.join(svc.OUTCOMES)}, got {outcome!r}")
        if since is not None:
            try:
                date.fromisoformat(since[:10])
            except ValueError:
                raise InputError(f"--since: expected a date YYYY-MM-DD, got {since!r}") from None
        frame, total = svc.entries(state(ctx).workspace, actor=actor, action=action, outcome=outcome, since=since,
                                   limit=limit)
        emit(ctx, {"total": total, "entries": frame},
             human=frame.drop(columns=["detail"]) if len(frame) else "no audit entries")
