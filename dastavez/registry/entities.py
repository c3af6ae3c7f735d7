"""Entities: creation, visibility, captions, listing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.model.schema import Schema, model
from dastavez.registry.ids import CROCKFORD, new_entity_id
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


def is_entity_id(value: str, prefix: str) -> bool:
    """Whether ``value`` has the form of an id this registry issues for ``prefix``: ``PER-7K3Q9M2XAB``."""
    head, dash, body = value.partition("-")
    return head == prefix and dash == "-" and len(body) == 10 and all(char in CROCKFORD for char in body)


def create_entity(
    session: Session,
    actor: Actor,
    *,
    schema: str,
    compartment: str | None = None,
    entity_id: str | None = None,
) -> Entity:
    """An empty entity; its properties arrive as claims (see ``claims.add_claim``).

    ``entity_id`` keeps an id issued elsewhere (an FtM export of a dastavez registry): it must
    have the form of this schema's ids and be free. Without it, a new id is drawn."""
    actor.require("registry.write")
    spec = model().get(schema)
    if spec.prefix is None:
        raise InvalidInput(f"{schema} entities cannot be created directly", field="schema")
    if entity_id is not None:
        if not is_entity_id(entity_id, spec.prefix):
            raise InvalidInput(
                f"{entity_id!r} is not a {spec.name} id ({spec.prefix}- and 10 letters or digits)", field="id"
            )
        if session.get(Entity, entity_id) is not None:
            raise Conflict(f"entity id {entity_id} is taken", field="id")
    entity = Entity(
        id=entity_id or new_entity_id(spec.prefix),
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


@dataclass
class CaptionCandidates:
    """The caption rule, fed claim by claim in the order they were made: the first caption
    property with a live value gives the caption, its first Latin-script value if it has one,
    else its first value. Used by ``refresh_caption`` and by the bulk loader alike."""

    #: per caption property: [first value, first Latin-script value]
    firsts: dict[str, list[str | None]] = field(default_factory=dict)

    def note(self, prop: str, value: str, script: str | None) -> None:
        first = self.firsts.get(prop)
        if first is None:
            self.firsts[prop] = [value, value if script == "Latn" else None]
        elif first[1] is None and script == "Latn":
            first[1] = value

    def caption(self, schema: Schema) -> str:
        for prop in schema.caption:
            first = self.firsts.get(prop)
            if first is not None:
                return (first[1] or first[0] or schema.label)[:300]
        return schema.label[:300]


def refresh_caption(session: Session, entity: Entity) -> None:
    """Recompute the caption from the live claims (see ``CaptionCandidates``).

    Everyone who sees the entity sees its caption, so only claims as open as the entity count.
    """
    spec = model().get(entity.schema)
    rows = session.execute(
        select(Claim.prop, Claim.value, Claim.qualifiers)
        .where(Claim.entity_id == entity.id, Claim.prop.in_(spec.caption), Claim.status.in_(LIVE),
               or_(Claim.compartment.is_(None), Claim.compartment == entity.compartment))
        .order_by(Claim.created_at)
    )
    candidates = CaptionCandidates()
    for prop, value, qualifiers in rows:
        candidates.note(prop, value, (qualifiers or {}).get("script"))
    entity.caption = candidates.caption(spec)
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
    # A merged entity lives on in its survivor (entity resolution); lists show the survivor only.
    query = select(Entity).where(actor.visible(Entity.compartment), Entity.merged_into.is_(None))
    if schema:
        query = query.where(Entity.schema == model().get(schema).name)
    if legal_status:
        query = query.where(Entity.legal_status == legal_status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Entity.caption, Entity.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return {"results": [entity_summary(e) for e in rows], "total": total, "page": page, "per_page": per_page}
