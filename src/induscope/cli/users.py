"""`induscope users ...`: who may use the API server, with which role."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from .common import emit, handle_errors, state

app = typer.Typer(no_args_is_help=True)

ROLE_HELP = ("viewer (read), analyst (read, import, run analyses), admin (everything, users and tokens) or "
             "reporter (an enterprise: submits and reads only its own enterprises' reports; give --enterprise).")


@app.command("add")
def add(ctx: typer.Context, name: str = typer.Argument(..., help="Login name (letters, digits, _ . @ -)."),
        role: str = typer.Option(..., "--role", help=ROLE_HELP),
        enterprise: Optional[List[str]] = typer.Option(None, "--enterprise",
                                                       help="Firm id a reporter reports for (repeat)."),
        password_stdin: bool = typer.Option(False, "--password-stdin",
                                            help="Read a password (12+ characters) from stdin for the dashboard "
                                                 "login; without it the user signs in with tokens only."),
        replace: bool = typer.Option(False, "--replace", help="Replace an existing user of that name.")) -> None:
    """Create a user. Then give it a token: `induscope tokens create NAME`."""
    from ..services import access

    with handle_errors(ctx):
        from ..errors import InputError

        state(ctx).audit_note = {"target": f"user:{name}", "detail": {"role": role}}

        if role not in access.ROLES:
            raise InputError(f"--role: expected one of {', '.join(access.ROLES)}, got {role!r}")
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        ws = state(ctx).workspace
        out = access.add_user(ws, name, role, enterprises=enterprise or [], password=password, replace=replace)
        state(ctx).audit_note = {"target": f"user:{name}",
                                 "detail": {"role": role, "enterprises": out["enterprises"]}}
        emit(ctx, out, human=f"user {name} ({role}) created; give it a token with "
                             f"`induscope tokens create {name}`")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Users with their roles and enterprises."""
    from ..services import access

    with handle_errors(ctx):
        frame = access.list_users(state(ctx).workspace)
        if not len(frame):
            emit(ctx, [], human="no users: the server is open read-only on loopback; create the first admin with "
                                "`induscope users add NAME --role admin`")
            return
        emit(ctx, frame, human=frame.assign(enterprises=frame["enterprises"].map(", ".join)))


@app.command("disable")
def disable(ctx: typer.Context, name: str = typer.Argument(..., help="The user to disable.")) -> None:
    """Disable a user and revoke all its tokens (the audit log keeps its name)."""
    from ..services import access

    with handle_errors(ctx):
        state(ctx).audit_note = {"target": f"user:{name}"}  # the audit entry is written by the root (cli/audit.py)
        out = access.disable_user(state(ctx).workspace, name)
        emit(ctx, out, human=f"user {name} disabled; its tokens are revoked")
