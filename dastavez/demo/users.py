"""The demo's users (one per role), its two compartments and its one password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dastavez.access import users
from dastavez.access.actor import Actor
from dastavez.exc import Conflict, NotAuthenticated

DEMO_PASSWORD = "dastavez-demo"  # noqa: S105  # the demo's published password, by design
"""The password of every demo user. For the fictional demo only: the CLI prints it and the
docs give it, so a database that holds real data must never contain these accounts."""

HUMINT = "HUMINT-7"
OPERATION = "OPS-KOHSANG"
COMPARTMENTS: tuple[tuple[str, str], ...] = (
    (HUMINT, "Human-source reporting, source network 7"),
    (OPERATION, "Operation Kohsang: surveillance of a live cell"),
)
_BOTH = (HUMINT, OPERATION)


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    roles: tuple[str, ...]
    clearances: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"username": self.username, "display_name": self.display_name, "roles": list(self.roles),
                "clearances": list(self.clearances)}


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Administrator", ("admin",), _BOTH),
    DemoUser("supervisor", "Supervisor of the cell", ("supervisor",), _BOTH),
    DemoUser("analyst", "Analyst", ("analyst",), ()),
    DemoUser("analyst2", "Analyst, source desk", ("analyst",), (HUMINT,)),
    DemoUser("custodian", "Evidence custodian", ("custodian",), ()),
    DemoUser("prosecutor", "Prosecutor", ("prosecutor",), ()),
    DemoUser("liaison", "Interpol liaison officer", ("liaison",), ()),
    DemoUser("auditor", "Auditor", ("auditor",), ()),
)


def ensure_demo_users(session: Session) -> list[str]:
    """Create the compartments and the users that are missing; returns the usernames created.

    Existing accounts keep their passwords; ``admin`` and ``supervisor`` are given the two
    demo clearances if they lack them, because the scenario is loaded as ``supervisor``.
    """
    created = ["admin"] if users.bootstrap_admin(session, username="admin", password=DEMO_PASSWORD) else []
    admin = _actor(session, "admin")
    existing_compartments = {row["code"] for row in users.list_compartments(session, admin)}
    for code, title in COMPARTMENTS:
        if code not in existing_compartments:
            users.create_compartment(session, admin, code=code, title=title)
    session.flush()
    known = {view.username: view for view in users.list_users(session, admin)}
    for user in DEMO_USERS:
        view = known.get(user.username)
        if view is None:
            users.create_user(session, admin, username=user.username, password=DEMO_PASSWORD,
                              roles=list(user.roles), display_name=user.display_name,
                              clearances=list(user.clearances))
            created.append(user.username)
        elif user.username in ("admin", "supervisor") and not set(user.clearances) <= set(view.clearances):
            users.set_clearances(session, admin, username=user.username,
                                 clearances=sorted(set(view.clearances) | set(user.clearances)))
    return created


def demo_actor(session: Session, username: str) -> Actor:
    """A demo user as the actor the scenario writes as (interface ``system``)."""
    return _actor(session, username)


def _actor(session: Session, username: str) -> Actor:
    try:
        return users.actor_for(session, username, interface="system", client="demo")
    except NotAuthenticated as err:  # "not authenticated" reads oddly here: say what the demo needs
        raise Conflict(f"the demo needs an active user {username!r} (with the demo roles)") from err
