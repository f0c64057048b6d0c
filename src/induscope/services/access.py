"""Users, roles and API tokens: who may do what on a shared server.

Roles: ``viewer`` reads; ``analyst`` reads, imports and runs analyses; ``admin`` does everything
including users and tokens; ``reporter`` is an enterprise (or a platform speaking for some) bound to
firm ids: it submits and reads only those firms' operating reports.

Passwords are hashed with Argon2id (argon2-cffi). API tokens are ``isc_<id>_<secret>``: the id is
public (lists, audit, revocation), the 256-bit random secret is shown once and stored as its SHA-256
(a slow hash adds nothing to a secret of that entropy, and a fast one keeps every request cheap).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from ..errors import AuthError, InputError, NotFoundError, TooManyAttempts
from ..store import Workspace
from ..store import audit as audit_store
from ..store import users as store

ROLES = ("viewer", "analyst", "admin", "reporter")
#: what each role may do, for docs, the CLI and the API (reporter: only its own firms' reports)
ROLE_RANK = {"viewer": 1, "analyst": 2, "admin": 3}
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_TOKEN = re.compile(r"^isc_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{20,100})$")

SETUP_HINT = ("create the first admin with `induscope users add NAME --role admin`, then a token with "
              "`induscope tokens create NAME`, and send it as 'Authorization: Bearer <token>'")


class ForbiddenError(AuthError):
    """Authenticated, but this identity may not do that."""

    http_status = 403
    kind = "forbidden"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (through a token or a session), the server's admin token, or nobody."""

    name: str
    role: str | None  # None: anonymous
    enterprises: tuple[str, ...] = field(default=())
    via: str = "anonymous"  # token / api-token / session / anonymous / cli

    @property
    def anonymous(self) -> bool:
        return self.role is None

    def at_least(self, role: str) -> bool:
        return ROLE_RANK.get(self.role or "", 0) >= ROLE_RANK[role]


ANONYMOUS = Principal("anonymous", None)


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # Argon2id with the library's current RFC 9106 low-memory defaults


def hash_password(password: str) -> str:
    if len(password) < 12:
        raise InputError("a password needs at least 12 characters")
    return _hasher().hash(password)


def add_user(ws: Workspace, name: str, role: str, *, enterprises: list[str] | tuple[str, ...] = (),
             password: str | None = None, replace: bool = False) -> dict[str, Any]:
    """Create a user (or replace one with ``replace``). Reporters need the firm ids they report for,
    and those firms must be in the workspace's enterprises."""
    if not _NAME.match(name or ""):
        raise InputError(f"user name {name!r}: expected 1-64 letters, digits or _ . @ -")
    if role not in ROLES:
        raise InputError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    enterprises = sorted({str(e).strip() for e in enterprises if str(e).strip()})
    if role == "reporter" and not enterprises:
        raise InputError("a reporter is bound to the enterprises it reports for: give --enterprise ID (repeatable)")
    if role != "reporter" and enterprises:
        raise InputError(f"only reporters are bound to enterprises (role {role!r} sees every enterprise)")
    if enterprises:
        from .catalog import get_enterprise

        missing = list(enterprises) if not ws.exists() else []
        for firm in enterprises if ws.exists() else []:
            try:
                get_enterprise(ws, firm)
            except NotFoundError:
                missing.append(firm)
        if missing:
            raise InputError(f"no enterprise {', '.join(missing)} in the workspace; import the enterprises first")
    if store.get_user(ws, name) is not None and not replace:
        raise InputError(f"user {name!r} exists already")
    ws.ensure()
    store.insert_user(ws, name, role, enterprises, hash_password(password) if password else None, replace=replace)
    return {"name": name, "role": role, "enterprises": enterprises, "has_password": bool(password)}


def list_users(ws: Workspace) -> pd.DataFrame:
    return store.list_users(ws)


def disable_user(ws: Workspace, name: str) -> dict[str, Any]:
    """Disable a user and revoke all its tokens (users are never deleted: the audit log names them)."""
    if not store.set_disabled(ws, name, True):
        raise NotFoundError(f"no user {name!r}")
    return {"name": name, "disabled": True}


def users_exist(ws: Workspace) -> bool:
    return store.count_users(ws) > 0


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(ws: Workspace, user: str, *, days: int = 90, label: str | None = None) -> dict[str, Any]:
    """A new API token for a user. The returned ``token`` is the only time the secret is shown."""
    if not 1 <= int(days) <= 3650:
        raise InputError(f"--expires-days: expected 1 to 3650 days, got {days}")
    u = store.get_user(ws, user)
    if u is None:
        raise NotFoundError(f"no user {user!r}; create it first with `induscope users add {user} --role ROLE`")
    if u["disabled"]:
        raise InputError(f"user {user!r} is disabled")
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    token_id = "".join(secrets.choice(alphabet) for _ in range(12))
    secret = secrets.token_urlsafe(32)
    expires = (datetime.now(timezone.utc) + timedelta(days=int(days))).replace(tzinfo=None, microsecond=0)
    store.insert_token(ws, token_id, user, _digest(secret), expires, label)
    return {"token_id": token_id, "user": user, "expires_at": expires.isoformat() + "Z",
            "token": f"isc_{token_id}_{secret}"}


def list_tokens(ws: Workspace, user: str | None = None) -> pd.DataFrame:
    return store.list_tokens(ws, user)


def revoke_token(ws: Workspace, token_id: str) -> dict[str, Any]:
    m = _TOKEN.match(token_id)
    token_id = m.group(1) if m else token_id  # accept the whole token as well as its id
    if not store.revoke_token(ws, token_id):
        known = store.list_tokens(ws)
        if token_id in set(known["token_id"]):
            raise InputError(f"token {token_id} is revoked already")
        raise NotFoundError(f"no token {token_id!r}")
    return {"token_id": token_id, "revoked": True}


def authenticate_token(ws: Workspace, token: str, *, now: datetime | None = None) -> Principal:
    """The user a bearer token stands for; AuthError (same message for every failure but expiry and
    revocation, which the owner needs to know) when it does not."""
    bad = AuthError("the bearer token is not valid")
    m = _TOKEN.match(token or "")
    if not m:
        raise bad
    row = store.token_with_user(ws, m.group(1))
    if row is None or not hmac.compare_digest(row["secret_hash"], _digest(m.group(2))):
        raise bad
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if row["revoked_at"] is not None:
        raise AuthError(f"token {row['token_id']} was revoked; ask an admin for a new one")
    if row["expires_at"] <= now:
        raise AuthError(f"token {row['token_id']} expired on {row['expires_at']:%Y-%m-%d}; "
                        "ask an admin for a new one")
    if row["disabled"]:
        raise bad
    return Principal(row["name"], row["role"], tuple(row["enterprises"]), via="token")


#: lifetime of a dashboard session (a token of its own, label 'session', revoked at logout)
SESSION_HOURS = 12


def login(ws: Workspace, name: str, password: str) -> dict[str, Any]:
    """A dashboard session for a user with a password: a short-lived token (sent as an HttpOnly
    cookie) and its CSRF token (sent back by the page in ``X-CSRF-Token`` on every write)."""
    who = check_password(ws, name, password)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    token_id = "".join(secrets.choice(alphabet) for _ in range(12))
    secret = secrets.token_urlsafe(32)
    expires = (datetime.now(timezone.utc) + timedelta(hours=SESSION_HOURS)).replace(tzinfo=None, microsecond=0)
    store.insert_token(ws, token_id, who.name, _digest(secret), expires, "session")
    token = f"isc_{token_id}_{secret}"
    return {"user": who.name, "role": who.role, "session": token, "csrf": csrf_token(token),
            "expires_at": expires.isoformat() + "Z"}


def check_sign_in_allowed(ws: Workspace, *, remote: str | None, target: str, attempts: int, minutes: int) -> None:
    """Refuse a sign-in from a client address that failed ``attempts`` times within ``minutes`` (counted
    in the audit log, so the count holds across restarts and web workers). By address, not by user
    name: a user's sign-in cannot be locked by someone else guessing at it from elsewhere. Refused
    attempts do not count, so the refusal lifts when the failures age out (``Retry-After``)."""
    if not remote or attempts <= 0:
        return
    n, oldest = audit_store.recent_failures(ws, action="login", target=target, remote=remote, minutes=minutes)
    if n >= attempts:
        wait = minutes * 60 - oldest
        raise TooManyAttempts(f"too many failed sign-ins from this address ({n} in the last {minutes} min); "
                              f"try again in {max(1, round(wait / 60))} minute(s)", retry_after=int(wait) + 1)


def csrf_token(session: str) -> str:
    """The CSRF token bound to a session (derived from its secret: nothing more to store)."""
    return hmac.new(session.encode(), b"induscope-csrf", hashlib.sha256).hexdigest()


def check_password(ws: Workspace, name: str, password: str) -> Principal:
    """A user by name and password (dashboard login)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    bad = AuthError("wrong user name or password")
    u = store.get_user(ws, name, with_hash=True) if _NAME.match(name or "") else None
    if u is None or not u.get("password_hash") or u["disabled"]:
        _hasher().hash("constant-time-ish dummy")  # same cost whether or not the user exists
        raise bad
    try:
        _hasher().verify(u["password_hash"], password)
    except (VerificationError, InvalidHashError):
        raise bad from None
    return Principal(u["name"], u["role"], tuple(u["enterprises"]), via="session")


def check_reporter_scope(principal: Principal, firm_ids: list[str] | set[str]) -> None:
    """A reporter may only touch its own enterprises; list those it may not."""
    if principal.role != "reporter":
        return
    foreign = sorted(set(firm_ids) - set(principal.enterprises))
    if foreign:
        shown = ", ".join(foreign[:10]) + (f" and {len(foreign) - 10} more" if len(foreign) > 10 else "")
        raise ForbiddenError(f"user {principal.name!r} reports for {', '.join(principal.enterprises)} only, "
                             f"not for {shown}")
