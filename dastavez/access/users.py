"""Users, their roles and clearances, and compartments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, bindparam, delete, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor, Interface
from dastavez.access.passwords import check_strength, hash_password
from dastavez.access.roles import ROLES
from dastavez.exc import Conflict, InvalidInput, NotAuthenticated, NotFound
from dastavez.storage.tables import Compartment, User, UserClearance, UserRole

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
COMPARTMENT = re.compile(r"^[A-Z][A-Z0-9_-]{1,31}$")


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    roles: list[str]
    clearances: list[str]
    active: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "roles": self.roles,
            "clearances": self.clearances,
            "active": self.active,
        }


def _roles_of(session: Session, user_id: int) -> list[str]:
    return sorted(session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def _clearances_of(session: Session, user_id: int) -> list[str]:
    return sorted(session.scalars(select(UserClearance.compartment).where(UserClearance.user_id == user_id)))


def _view(session: Session, user: User) -> UserView:
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=_roles_of(session, user.id),
        clearances=_clearances_of(session, user.id),
        active=user.active,
    )


def _validate_roles(roles: list[str]) -> list[str]:
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise InvalidInput(f"unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}", field="roles")
    if not roles:
        raise InvalidInput("a user needs at least one role", field="roles")
    return sorted(set(roles))


def _insert_user(
    session: Session, *, username: str, password: str, display_name: str | None, roles: list[str]
) -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput(
            "username must be 2–64 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter",
            field="username",
        )
    check_strength(password)
    roles = _validate_roles(roles)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} already exists", field="username")
    user = User(
        username=username,
        display_name=(display_name or username).strip()[:200],
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    session.add_all([UserRole(user_id=user.id, role=role) for role in roles])
    return user


def bootstrap_admin(session: Session, *, username: str, password: str) -> bool:
    """Create the first admin when there is no user yet (``dastavez init``). True if created."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return False
    user = _insert_user(
        session, username=username, password=password, display_name="Administrator", roles=["admin"]
    )
    system = Actor(
        user_id=user.id,
        username=user.username,
        roles=frozenset({"admin"}),
        clearances=frozenset(),
        interface="system",
    )
    audit.record(
        session,
        system,
        "user.create",
        target_type="user",
        target_id=user.username,
        detail={"roles": ["admin"], "bootstrap": True},
    )
    return True


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    roles: list[str],
    display_name: str | None = None,
    clearances: list[str] | None = None,
) -> UserView:
    actor.require("users.manage")
    user = _insert_user(session, username=username, password=password, display_name=display_name, roles=roles)
    for code in sorted(set(clearances or [])):
        _require_compartment(session, code)
        session.add(UserClearance(user_id=user.id, compartment=code))
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        target_type="user",
        target_id=user.username,
        detail={"roles": sorted(set(roles)), "clearances": sorted(set(clearances or []))},
    )
    return _view(session, user)


def _user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def set_roles(session: Session, actor: Actor, *, username: str, roles: list[str]) -> UserView:
    actor.require("users.manage")
    user = _user_by_name(session, username)
    roles = _validate_roles(roles)
    session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    session.add_all([UserRole(user_id=user.id, role=role) for role in roles])
    session.flush()
    audit.record(
        session, actor, "user.roles", target_type="user", target_id=user.username, detail={"roles": roles}
    )
    return _view(session, user)


def set_clearances(session: Session, actor: Actor, *, username: str, clearances: list[str]) -> UserView:
    actor.require("users.manage")
    user = _user_by_name(session, username)
    codes = sorted(set(clearances))
    for code in codes:
        _require_compartment(session, code)
    session.execute(delete(UserClearance).where(UserClearance.user_id == user.id))
    session.add_all([UserClearance(user_id=user.id, compartment=code) for code in codes])
    session.flush()
    audit.record(
        session,
        actor,
        "user.clearances",
        target_type="user",
        target_id=user.username,
        detail={"clearances": codes},
    )
    return _view(session, user)


def set_active(session: Session, actor: Actor, *, username: str, active: bool) -> UserView:
    actor.require("users.manage")
    user = _user_by_name(session, username)
    if user.id == actor.user_id and not active:
        raise Conflict("you cannot deactivate yourself")
    user.active = active
    audit.record(
        session,
        actor,
        "user.activate" if active else "user.deactivate",
        target_type="user",
        target_id=user.username,
    )
    return _view(session, user)


def list_users(session: Session, actor: Actor) -> list[UserView]:
    actor.require("users.manage")
    return [_view(session, user) for user in session.scalars(select(User).order_by(User.username))]


def actor_for(session: Session, username: str, *, interface: Interface, client: str | None = None) -> Actor:
    """Build the actor for an authenticated (or, for the CLI, locally trusted) user."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        raise NotAuthenticated(f"no active user named {username!r}")
    return actor_from_user(session, user, interface=interface, client=client)


def actor_from_user(
    session: Session, user: User, *, interface: Interface, client: str | None = None
) -> Actor:
    roles, clearances = split_grants(session.execute(_USER_GRANTS, {"user_id": user.id}))
    return Actor(
        user_id=user.id,
        username=user.username,
        roles=roles,
        clearances=clearances,
        interface=interface,
        client=client,
    )


def grants_query(*where: Any, columns: tuple[Any, ...] = ()) -> CompoundSelect[Any]:
    """Roles and clearances of the user ``where`` selects, in one statement (one round trip
    where three were made before: user, roles, clearances).

    Each row is ``(*columns, kind, code)`` with kind ``"role"`` or ``"clearance"``, plus one
    row with kind and code ``None``, so that a matching user always gives at least one row.
    ``columns`` (of ``User`` or of tables joined through ``where``) repeat on every row;
    ``where`` may bring in other tables by naming them (``ApiToken.user_id == User.id``).
    """
    return union_all(
        select(*columns, literal_column("'role'").label("kind"), UserRole.role.label("code"))
        .join_from(User, UserRole, UserRole.user_id == User.id).where(*where),
        select(*columns, literal_column("'clearance'"), UserClearance.compartment)
        .join_from(User, UserClearance, UserClearance.user_id == User.id).where(*where),
        select(*columns, null(), null()).select_from(User).where(*where),
    )


_USER_GRANTS = grants_query(User.id == bindparam("user_id"))


def split_grants(rows: Any) -> tuple[frozenset[str], frozenset[str]]:
    """(roles, clearances) from the ``(…, kind, code)`` rows of :func:`grants_query`."""
    roles: set[str] = set()
    clearances: set[str] = set()
    for row in rows:
        if row.kind == "role":
            roles.add(row.code)
        elif row.kind == "clearance":
            clearances.add(row.code)
    return frozenset(roles), frozenset(clearances)


# --- compartments -----------------------------------------------------------------------


def _require_compartment(session: Session, code: str) -> None:
    if session.get(Compartment, code) is None:
        raise NotFound(f"no compartment {code!r}", field="compartment")


def create_compartment(session: Session, actor: Actor, *, code: str, title: str) -> dict[str, str]:
    actor.require("users.manage")
    code = code.strip().upper()
    if not COMPARTMENT.match(code):
        raise InvalidInput(
            "compartment code must be 2–32 upper-case letters, digits, '_' or '-'", field="code"
        )
    if session.get(Compartment, code) is not None:
        raise Conflict(f"compartment {code!r} already exists")
    session.add(Compartment(code=code, title=title.strip()[:200] or code))
    audit.record(session, actor, "compartment.create", target_type="compartment", target_id=code)
    return {"code": code, "title": title}


def list_compartments(session: Session, actor: Actor) -> list[dict[str, str]]:
    """Everyone may list compartment codes they are cleared for; admins see all."""
    rows = session.scalars(select(Compartment).order_by(Compartment.code)).all()
    return [
        {"code": c.code, "title": c.title}
        for c in rows
        if actor.can("users.manage") or c.code in actor.clearances
    ]
