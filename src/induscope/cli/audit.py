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


# ---- every write made through the CLI is audited (from "cli"), whatever its outcome ----------------------
#: commands that write the workspace; a command that opens the workspace's writer is audited too, listed or not
WRITES = frozenset({
    "demo", "workspace migrate", "import io", "import series", "import enterprises", "import links",
    "import chains", "monitor scan", "monitor ack", "monitor close", "monitor watch create", "monitor watch add",
    "monitor watch remove", "monitor report import", "clusters import", "sme certs import", "sme certs revoke",
    "sme certs change", "sme registry import", "users add", "users disable", "tokens create", "tokens revoke",
})


def command_path(group: object, ctx: object, args: list[str]) -> list[str]:
    """The subcommand names at the start of ``args`` (``["import", "series"]``)."""
    path: list[str] = []
    cmd = group
    for a in args:
        get = getattr(cmd, "get_command", None)
        if get is None or a.startswith("-"):
            break
        sub = get(ctx, a)
        if sub is None:
            break
        path.append(a)
        cmd = sub
    return path


def _target(rest: list[str]) -> str | None:
    """The object of a command: its --name, else its first argument (a file by its base name only: the
    log is read over the API, which never shows a path of the server)."""
    from pathlib import PurePath

    for i, a in enumerate(rest):
        if a == "--name" and i + 1 < len(rest):
            return rest[i + 1][:200]
        if a.startswith("--name="):
            return a[7:][:200]
    first = next((a for a in rest if not a.startswith("-")), None)
    return PurePath(first).name[:200] if first else None


def record_command(ctx: object, path: list[str], rest: list[str], exit_code: int) -> None:
    """Audit a finished command if it writes (listed, or it opened the writer); never raises."""
    from .common import CliState

    st = getattr(ctx, "obj", None)
    command = " ".join(path)
    wrote = isinstance(st, CliState) and st.wrote
    if not (command in WRITES or wrote) or "--help" in rest:
        return
    try:
        from ..services import audit as svc

        st = st if isinstance(st, CliState) else CliState()
        note = st.audit_note or {}
        ws = st.workspace  # reads INDUSCOPE_ACTOR too
        svc.record_cli(ws, command=command, exit_code=exit_code, actor=st.actor,
                       target=note.get("target") or _target(rest), detail=note.get("detail"))
    except Exception:  # noqa: BLE001 - the command's own outcome stands; a wrong setting is reported by it
        pass
