"""Users, compartments and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from dastavez.access import users
from dastavez.access.audit import list_events
from dastavez.api.deps import ActorDep, DbDep
from dastavez.api.schemas import ClearancesIn, CompartmentIn, RolesIn, UserIn

router = APIRouter(tags=["administration"])


@router.get("/users")
def user_list(actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return {"users": [u.as_dict() for u in users.list_users(session, actor)]}


@router.post("/users", status_code=201)
def user_create(body: UserIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return users.create_user(
            session,
            actor,
            username=body.username,
            password=body.password,
            roles=body.roles,
            display_name=body.display_name,
            clearances=body.clearances,
        ).as_dict()


@router.put("/users/{username}/roles")
def user_roles(username: str, body: RolesIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return users.set_roles(session, actor, username=username, roles=body.roles).as_dict()


@router.put("/users/{username}/clearances")
def user_clearances(username: str, body: ClearancesIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return users.set_clearances(session, actor, username=username, clearances=body.clearances).as_dict()


@router.get("/compartments")
def compartments(actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return {"compartments": users.list_compartments(session, actor)}


@router.post("/compartments", status_code=201)
def compartment_create(body: CompartmentIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return users.create_compartment(session, actor, code=body.code, title=body.title)


@router.get("/audit")
def audit_log(
    actor: ActorDep,
    db: DbDep,
    user: str | None = None,
    action: str | None = None,
    target: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    with db.audited_read() as session:  # reading the audit log is itself recorded
        result = list_events(
            session, actor, user=user, action=action, target_id=target, page=page, per_page=per_page
        )
        return {"events": result.events, "total": result.total, "page": page, "per_page": per_page}
