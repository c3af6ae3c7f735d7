"""Entities: creation, visibility, captions, listing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput, NotFound
from dastavez.model.schema import model
from dastavez.registry.ids import new_entity_id
from dastavez.storage.tables import Claim, Compartment, Entity, utcnow

LIVE = ("asserted", "corroborated", "disputed")


def check_compartment(session: Session, actor: Actor, compartment: str | None) -> str | None:
    """A record may only be placed in a compartment that exists and the actor is cleared for."""
    if compartment is None or compartment == "":
        return None
    code = compartment.strip().upper()
    if session.get(Compartment, code) is None or not actor.cleared_for(code):
        raise NotFound(f"no compartment {compartment!r}", field="compartment")
    return code


def create_entity(session: Session, actor: Actor, *, schema: str, compartment: str | None = None) -> Entity:
    """An empty entity; its properties arrive as claims (see ``claims.add_claim``)."""
    actor.require("registry.write")
    spec = model().get(schema)
    if spec.prefix is None:
        raise InvalidInput(f"{schema} entities cannot be created directly", field="schema")
    entity = Entity(
        id=new_entity_id(spec.prefix),
        schema=spec.name,
        caption=spec.label,
        compartment=check_compartment(session, actor, compartment),
        created_by=actor.username,
    )
    session.add(entity)
    session.flush()
    audit.record(
        session,
        actor,
        "entity.create",
        target_type="entity",
        target_id=entity.id,
        compartment=entity.compartment,
        detail={"schema": spec.name},
    )
    return entity


def visible_entity(session: Session, actor: Actor, entity_id: str, *, schema: str | None = None) -> Entity:
    """The entity if the actor may see it; otherwise NotFound, never a hint that it exists."""
    actor.require("registry.read")
    entity = session.get(Entity, entity_id.strip().upper())
    if entity is None or not actor.cleared_for(entity.compartment):
        raise NotFound(f"no entity {entity_id!r}")
    if schema is not None and not model().is_a(entity.schema, schema):
        raise NotFound(f"no {schema.lower()} {entity_id!r}")
    return entity


def refresh_caption(session: Session, entity: Entity) -> None:
    """The caption is the first live caption property, preferring Latin script for names.

    Everyone who sees the entity sees its caption, so only claims as open as the entity count.
    """
    spec = model().get(entity.schema)
    rows = session.execute(
        select(Claim.prop, Claim.value, Claim.qualifiers, Claim.created_at)
        .where(Claim.entity_id == entity.id, Claim.prop.in_(spec.caption), Claim.status.in_(LIVE),
               or_(Claim.compartment.is_(None), Claim.compartment == entity.compartment))
        .order_by(Claim.created_at)
    ).all()
    best: str | None = None
    for prop in spec.caption:
        values = [(row.value, (row.qualifiers or {}).get("script")) for row in rows if row.prop == prop]
        latin = [value for value, script in values if script == "Latn"]
        if latin or values:
            best = (latin or [values[0][0]])[0]
            break
    entity.caption = (best or spec.label)[:300]
    entity.updated_at = utcnow()


def entity_summary(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "schema": entity.schema,
        "caption": entity.caption,
        "legal_status": entity.legal_status,
        "compartment": entity.compartment,
    }


def list_entities(
    session: Session,
    actor: Actor,
    *,
    schema: str | None = None,
    legal_status: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    actor.require("registry.read")
    if page < 1 or not 1 <= per_page <= 500:
        raise InvalidInput("page must be ≥ 1 and per_page between 1 and 500", field="page")
    query = select(Entity).where(actor.visible(Entity.compartment))
    if schema:
        query = query.where(Entity.schema == model().get(schema).name)
    if legal_status:
        query = query.where(Entity.legal_status == legal_status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Entity.caption, Entity.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return {"results": [entity_summary(e) for e in rows], "total": total, "page": page, "per_page": per_page}
