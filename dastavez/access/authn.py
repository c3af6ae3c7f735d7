"""Authentication: password login with rate limiting, web sessions with CSRF, API tokens.

Secrets given to clients (session cookies, API tokens) are stored only as SHA-256 hashes,
so a copy of the database does not let anyone log in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor, Interface
from dastavez.access.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from dastavez.access.users import actor_from_user, grants_query, split_grants
from dastavez.exc import InvalidInput, NotAuthenticated, NotFound
from dastavez.settings import Settings
from dastavez.storage.tables import ApiToken, LoginAttempt, User, WebSession, utcnow

TOKEN_PREFIX = "dz_"  # noqa: S105  # a public marker that makes leaked tokens easy to spot, not a secret
#: Sliding sessions are re-dated at most this often, so a busy page does not write each time.
SESSION_TOUCH = timedelta(seconds=60)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    reason: str | None  # why it failed, for the log; users are told only "invalid credentials"
    rate_limited: bool = False


def authenticate(
    session: Session,
    settings: Settings,
    *,
    username: str,
    password: str,
    client: str | None,
    interface: Interface,
) -> LoginResult:
    """Check a password. The caller commits the outcome (attempts count even when refused)."""
    name = username.strip().lower()[:64]
    window_start = utcnow() - timedelta(seconds=settings.login_window_seconds)
    keys = [f"user:{name}"] + ([f"client:{client}"] if client else [])
    for key in keys:
        failures = (
            session.scalar(
                select(func.count())
                .select_from(LoginAttempt)
                .where(
                    LoginAttempt.key == key, LoginAttempt.at >= window_start, LoginAttempt.success.is_(False)
                )
            )
            or 0
        )
        if failures >= settings.login_attempts:
            _log(session, name, interface, client, "login.refused", "rate limited")
            return LoginResult(None, "rate limited", rate_limited=True)

    user = session.scalar(select(User).where(User.username == name))
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    success = bool(user and ok and user.active)
    session.add_all([LoginAttempt(key=key, success=success) for key in keys])
    if not success:
        reason = "unknown user" if user is None else ("inactive" if not user.active else "bad password")
        _log(session, name, interface, client, "login.failure", reason)
        return LoginResult(None, reason)
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _log(session, name, interface, client, "login.success", None)
    return LoginResult(user, None)


def _log(
    session: Session, name: str, interface: Interface, client: str | None, action: str, reason: str | None
) -> None:
    who = Actor(
        user_id=0,
        username=name or "?",
        roles=frozenset(),
        clearances=frozenset(),
        interface=interface,
        client=client,
    )
    audit.record(
        session, who, action, target_type="user", target_id=name, detail={"reason": reason} if reason else {}
    )


# --- web sessions -----------------------------------------------------------------------


@dataclass(frozen=True)
class WebLogin:
    token: str
    csrf_token: str
    expires_at: datetime


def open_web_session(session: Session, settings: Settings, *, user: User, client: str | None) -> WebLogin:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(minutes=settings.session_minutes)
    session.add(
        WebSession(
            token_hash=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=expires,
            client=(client or "")[:100],
        )
    )
    return WebLogin(token=token, csrf_token=csrf, expires_at=expires)


def resolve_web_session(
    session: Session, settings: Settings, *, token: str, client: str | None
) -> tuple[Actor, str]:
    """The actor and CSRF token of a live session; sessions slide forward while used."""
    row = session.get(WebSession, _digest(token))
    now = utcnow()
    if row is None or row.expires_at <= now:
        raise NotAuthenticated("your session has expired; please log in again")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise NotAuthenticated("your account is not active")
    if now - row.last_seen_at > SESSION_TOUCH:
        row.last_seen_at = now
        row.expires_at = now + timedelta(minutes=settings.session_minutes)
    return actor_from_user(session, user, interface="web", client=client), row.csrf_token


def discard_web_session(session: Session, *, token: str) -> None:
    """Forget a session (e.g. the one a browser carried into a new login)."""
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def close_web_session(session: Session, actor: Actor, *, token: str) -> None:
    """Log out: the session row is deleted, so a copied cookie stops working at once."""
    discard_web_session(session, token=token)
    audit.record(session, actor, "logout", target_type="user", target_id=actor.username)


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


# --- API tokens -------------------------------------------------------------------------


def issue_api_token(
    session: Session, settings: Settings, actor: Actor, *, name: str, days: int | None = None
) -> dict[str, object]:
    """A bearer token for the API, shown once. Any user may issue tokens for themselves."""
    name = name.strip()[:100]
    if not name:
        raise InvalidInput("a token needs a name (what it is for)", field="name")
    days = settings.api_token_days if days is None else days
    if not 1 <= days <= 366:
        raise InvalidInput("token lifetime must be between 1 and 366 days", field="days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=actor.user_id,
        name=name,
        token_hash=_digest(secret),
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "token.issue",
        target_type="token",
        target_id=str(row.id),
        detail={"name": name, "days": days},
    )
    return {"id": row.id, "name": name, "token": secret, "expires_at": row.expires_at.isoformat()}


#: Token, user, roles and clearances in one statement, built once (building it costs ten
#: times what running it does; SQLAlchemy serves the compiled form from its cache).
_TOKEN_ACTOR = grants_query(
    ApiToken.token_hash == bindparam("token_hash"),
    User.id == ApiToken.user_id,
    columns=(ApiToken.revoked_at, ApiToken.expires_at, User.id.label("user_id"), User.username, User.active),
)


def resolve_api_token(session: Session, *, token: str, client: str | None) -> Actor:
    """The actor behind a bearer token, from one query run on every API request.

    Nothing is cached: a revoked or expired token, a deactivated user, a role or clearance
    taken away all take effect on the very next request.
    """
    rows = session.execute(_TOKEN_ACTOR, {"token_hash": _digest(token)}).all()
    first = rows[0] if rows else None
    if first is None or first.revoked_at is not None or first.expires_at <= utcnow():
        raise NotAuthenticated("invalid, expired or revoked API token")
    if not first.active:
        raise NotAuthenticated("the token's user is not active")
    roles, clearances = split_grants(rows)
    return Actor(user_id=first.user_id, username=first.username, roles=roles, clearances=clearances,
                 interface="api", client=client)


def revoke_api_token(session: Session, actor: Actor, *, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.user_id and not actor.can("users.manage")):
        raise NotFound(f"no token {token_id}")
    row.revoked_at = utcnow()
    audit.record(session, actor, "token.revoke", target_type="token", target_id=str(token_id))
