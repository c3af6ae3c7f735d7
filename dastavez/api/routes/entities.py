"""Entities: list, search, create, profile, legal status, proscription, memberships.

Search and profile, the reads every screen makes, are ``async`` routes that read on the
event loop: a few milliseconds of queries in one thread cost less than handing each request
to a worker thread and back, where under load the GIL makes threads queue behind each
other. Their audit rows are committed by ``Database.audited_read_async`` without blocking
the loop. The other routes write and run in worker threads as usual.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.responses import fast_json
from dastavez.api.schemas import (
    EntityIn,
    LegalStatusIn,
    MembershipIn,
    OrganizationIn,
    PersonIn,
    ProscriptionIn,
)
from dastavez.model.schema import model
from dastavez.registry.entities import entity_summary, list_entities
from dastavez.registry.legal_status import set_legal_status
from dastavez.registry.profiles import profile
from dastavez.registry.proscription import proscribe
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.registry.search import search_entities

router = APIRouter(tags=["registry"])


@router.get("/schemata")
def schemata(actor: ActorDep) -> dict[str, Any]:
    return {
        "schemata": [
            {
                "name": s.name,
                "label": s.label,
                "properties": [
                    {
                        "name": p.name,
                        "label": p.label,
                        "type": p.type,
                        "range": p.range,
                        "values": list(p.values),
                    }
                    for p in s.properties.values()
                ],
            }
            for s in model().concrete
        ]
    }


@router.get("/entities")
def entities(
    actor: ActorDep,
    db: DbDep,
    schema: str | None = None,
    legal_status: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    with db.read() as session:
        return list_entities(
            session, actor, schema=schema, legal_status=legal_status, page=page, per_page=per_page
        )


@router.get("/search", response_class=JSONResponse)
async def search(
    actor: ActorDep,
    db: DbDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    schema: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    async with db.audited_read_async() as session:  # the search is audited
        result = search_entities(session, actor, query=q, schema=schema, limit=limit, offset=offset)
    return fast_json(result)


@router.post("/persons", status_code=201)
def create_person(body: PersonIn, actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    with db.write() as session:
        entity = add_person(
            session,
            actor,
            name=body.name,
            name_ur=body.name_ur,
            aliases=body.aliases,
            compartment=body.compartment,
            exhibit_id=body.exhibit,
            region=settings.default_region,
        )
        return entity_summary(entity)


@router.post("/organizations", status_code=201)
def create_organization(body: OrganizationIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    values = [("name", body.name)] + ([("name", body.name_ur)] if body.name_ur else [])
    with db.write() as session:
        entity = create_with_claims(
            session,
            actor,
            schema="Organization",
            values=values,
            compartment=body.compartment,
            exhibit_id=body.exhibit,
        )
        return entity_summary(entity)


@router.post("/entities", status_code=201)
def create_entity(body: EntityIn, actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    with db.write() as session:
        entity = create_with_claims(
            session,
            actor,
            schema=body.schema_,
            values=[(v.prop, v.value) for v in body.values],
            compartment=body.compartment,
            exhibit_id=body.exhibit,
            locator=body.locator,
            region=settings.default_region,
        )
        return entity_summary(entity)


@router.get("/entities/{entity_id}", response_class=JSONResponse)
async def show_entity(entity_id: str, actor: ActorDep, db: DbDep) -> JSONResponse:
    """The profile: every claim the reader may see, grouped by property, with links."""
    async with db.audited_read_async() as session:  # the read is audited
        view = profile(session, actor, entity_id)
    return fast_json(view)


@router.post("/entities/{entity_id}/legal-status", status_code=201)
def change_legal_status(entity_id: str, body: LegalStatusIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        change = set_legal_status(
            session,
            actor,
            entity_id=entity_id,
            status=body.status,
            basis=body.basis,
            exhibit_id=body.exhibit,
            effective=body.effective,
        )
        return {
            "entity": change.entity_id,
            "status": change.status,
            "basis": change.basis,
            "exhibit": change.exhibit_id,
            "effective": change.effective,
        }


@router.post("/organizations/{entity_id}/proscriptions", status_code=201)
def add_proscription(entity_id: str, body: ProscriptionIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        row = proscribe(
            session,
            actor,
            entity_id=entity_id,
            law=body.law,
            notification_ref=body.notification_ref,
            date=body.date,
            exhibit_id=body.exhibit,
        )
        return {
            "entity": row.entity_id,
            "law": row.law,
            "notification_ref": row.notification_ref,
            "date": row.date,
            "exhibit": row.exhibit_id,
        }


@router.post("/memberships", status_code=201)
def create_membership(body: MembershipIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        entity = add_membership(
            session,
            actor,
            member_id=body.member,
            organization_id=body.organization,
            role=body.role,
            start=body.start,
            end=body.end,
            compartment=body.compartment,
            exhibit_id=body.exhibit,
            locator=body.locator,
        )
        return entity_summary(entity)
