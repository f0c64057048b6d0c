"""`induscope tokens ...`: API tokens per user (shown once, stored hashed, revocable, with expiry)."""
from __future__ import annotations

from typing import Optional

import typer

from .common import emit, handle_errors, note, state

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create(ctx: typer.Context, user: str = typer.Argument(..., help="The user the token acts as."),
           expires_days: Optional[int] = typer.Option(None, "--expires-days", min=1, max=3650,
                                                      help="Lifetime in days (default: INDUSCOPE_TOKEN_DAYS, 90)."),
           label: Optional[str] = typer.Option(None, "--label", help="What the token is for.")) -> None:
    """Create a token for USER and print it: this is the only time it is shown."""
    from ..services import access

    with handle_errors(ctx):
        st = state(ctx)
        ws = st.workspace
        out = access.create_token(ws, user, days=expires_days or st.settings.token_days, label=label)
        st.audit_note = {"target": f"token:{out['token_id']}", "detail": {"user": user}}  # cli/audit.py writes it
        emit(ctx, out, human=out["token"])
        note(ctx, f"token {out['token_id']} for {user}, expires {out['expires_at']}; it is shown only now: send "
                  "it as 'Authorization: Bearer <token>'")


@app.command("list")
def list_(ctx: typer.Context, user: Optional[str] = typer.Option(None, "--user", help="Only this user's.")) -> None:
    """Tokens: ids, owners, expiry and revocation (never the secret)."""
    from ..services import access

    with handle_errors(ctx):
        frame = access.list_tokens(state(ctx).workspace, user)
        emit(ctx, frame, human=frame if len(frame) else "no tokens")


@app.command("revoke")
def revoke(ctx: typer.Context, token_id: str = typer.Argument(..., help="The token's id (or the whole token).")
           ) -> None:
    """Revoke a token at once."""
    from ..services import access

    with handle_errors(ctx):
        shown = token_id.split("_")[1] if token_id.startswith("isc_") and token_id.count("_") >= 2 else token_id
        state(ctx).audit_note = {"target": f"token:{shown[:40]}"}  # never a secret in the log (cli/audit.py)
        out = access.revoke_token(state(ctx).workspace, token_id)
        state(ctx).audit_note = {"target": f"token:{out['token_id']}"}  # cli/audit.py writes the entry
        emit(ctx, out, human=f"token {out['token_id']} revoked")
