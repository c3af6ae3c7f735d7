"""Creating persons, organisations and the links between them in one step.

Each function is a thin composition of ``create_entity`` and ``add_claim``, so the same
rules (types, compartments, audit) apply as when claims are added one by one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput
from dastavez.registry.claims import add_claim
from dastavez.registry.entities import create_entity
from dastavez.storage.tables import Entity


def create_with_claims(
    session: Session,
    actor: Actor,
    *,
    schema: str,
    values: list[tuple[str, str]],
    compartment: str | None = None,
    exhibit_id: str | None = None,
    locator: str | None = None,
    region: str = "PK",
) -> Entity:
    """A new entity with the given (property, value) claims, all citing ``exhibit_id`` if given."""
    if not values:
        raise InvalidInput("give at least one property value (e.g. a name)", field="name")
    entity = create_entity(session, actor, schema=schema, compartment=compartment)
    for prop, value in values:
        add_claim(
            session,
            actor,
            entity_id=entity.id,
            prop=prop,
            value=value,
            exhibit_id=exhibit_id,
            locator=locator,
            region=region,
        )
    return entity


def add_person(
    session: Session,
    actor: Actor,
    *,
    name: str,
    name_ur: str | None = None,
    aliases: list[str] | None = None,
    compartment: str | None = None,
    exhibit_id: str | None = None,
    region: str = "PK",
) -> Entity:
    values = [("name", name)] + ([("name", name_ur)] if name_ur else [])
    values += [("alias", alias) for alias in aliases or []]
    return create_with_claims(
        session,
        actor,
        schema="Person",
        values=values,
        compartment=compartment,
        exhibit_id=exhibit_id,
        region=region,
    )


def add_membership(
    session: Session,
    actor: Actor,
    *,
    member_id: str,
    organization_id: str,
    role: str,
    start: str | None = None,
    end: str | None = None,
    compartment: str | None = None,
    exhibit_id: str | None = None,
    locator: str | None = None,
) -> Entity:
    values = [("member", member_id), ("organization", organization_id), ("role", role)]
    values += [("startDate", start)] if start else []
    values += [("endDate", end)] if end else []
    return create_with_claims(
        session,
        actor,
        schema="Membership",
        values=values,
        compartment=compartment,
        exhibit_id=exhibit_id,
        locator=locator,
    )
