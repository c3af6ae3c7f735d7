"""Profiles: an entity as derived from its claims, grouped by property, with its links.

Reading a profile is a sensitive read and is audited.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.model.schema import model
from dastavez.registry.claims import claim_view
from dastavez.registry.entities import LIVE, visible_entity
from dastavez.registry.legal_status import history
from dastavez.registry.proscription import proscriptions
from dastavez.storage.tables import Claim, Entity, Exhibit

#: Properties of link entities (Membership, Associate, …) that point at another entity.
LINK_PROPS = ("member", "organization", "person", "associate", "holder", "resident")


def _claims_of(session: Session, actor: Actor, entity_ids: list[str]) -> dict[str, list[Claim]]:
    grouped: dict[str, list[Claim]] = defaultdict(list)
    if not entity_ids:
        return grouped
    rows = session.scalars(
        select(Claim)
        .where(Claim.entity_id.in_(entity_ids), actor.visible(Claim.compartment))
        .order_by(Claim.created_at, Claim.id)
    )
    for claim in rows:
        grouped[claim.entity_id].append(claim)
    return grouped


def _exhibit_titles(session: Session, claims: list[Claim]) -> dict[str, str]:
    ids = {c.exhibit_id for c in claims if c.exhibit_id}
    if not ids:
        return {}
    rows = session.execute(select(Exhibit.id, Exhibit.title).where(Exhibit.id.in_(ids)))
    return {exhibit_id: title for exhibit_id, title in rows}


def _properties(schema: str, claims: list[Claim], titles: dict[str, str]) -> list[dict[str, Any]]:
    spec = model().get(schema)
    by_prop: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        view = claim_view(claim)
        view["exhibit_title"] = titles.get(claim.exhibit_id or "")
        by_prop[claim.prop].append(view)
    return [
        {"prop": name, "label": prop.label, "type": prop.type, "claims": by_prop[name]}
        for name, prop in spec.properties.items()
        if by_prop.get(name)
    ]


def _links(session: Session, actor: Actor, entity: Entity) -> list[dict[str, Any]]:
    """Link entities (memberships, associates, identifications, addresses) that point here."""
    link_ids = list(
        session.scalars(
            select(Claim.entity_id)
            .distinct()
            .join(Entity, Entity.id == Claim.entity_id)
            .where(
                Claim.prop.in_(LINK_PROPS),
                Claim.value_key == entity.id,
                Claim.status.in_(LIVE),
                actor.visible(Claim.compartment),
                actor.visible(Entity.compartment),
            )
        )
    )
    if not link_ids:
        return []
    links = {e.id: e for e in session.scalars(select(Entity).where(Entity.id.in_(link_ids)))}
    claims = _claims_of(session, actor, link_ids)
    other_ids = {
        c.normalised
        for cs in claims.values()
        for c in cs
        if c.prop in LINK_PROPS and c.normalised != entity.id and c.status in LIVE
    }
    others = {
        e.id: e
        for e in session.scalars(
            select(Entity).where(Entity.id.in_(other_ids), actor.visible(Entity.compartment))
        )
    }
    titles = _exhibit_titles(session, [c for cs in claims.values() for c in cs])
    result = []
    for link_id in sorted(link_ids, key=lambda i: (links[i].schema, i)):
        link = links[link_id]
        live = [c for c in claims[link_id] if c.status in LIVE]
        other = next(
            (others[c.normalised] for c in live if c.prop in LINK_PROPS and c.normalised in others), None
        )
        values: dict[str, str] = {}
        for claim in live:
            values.setdefault(claim.prop, claim.value)
        result.append(
            {
                "id": link.id,
                "schema": link.schema,
                "compartment": link.compartment,
                "other": {"id": other.id, "schema": other.schema, "caption": other.caption}
                if other
                else None,
                "values": values,
                "supported": any(c.exhibit_id for c in live),
                "properties": _properties(link.schema, claims[link_id], titles),
            }
        )
    return result


def profile(session: Session, actor: Actor, entity_id: str) -> dict[str, Any]:
    entity = visible_entity(session, actor, entity_id)
    claims = _claims_of(session, actor, [entity.id])[entity.id]
    titles = _exhibit_titles(session, claims)
    live = [c for c in claims if c.status in LIVE]
    spec = model().get(entity.schema)
    view: dict[str, Any] = {
        "id": entity.id,
        "schema": entity.schema,
        "schema_label": spec.label,
        "caption": entity.caption,
        "compartment": entity.compartment,
        "legal_status": entity.legal_status,
        "created_by": entity.created_by,
        "created_at": entity.created_at.isoformat(),
        "claims": [claim_view(c) | {"exhibit_title": titles.get(c.exhibit_id or "")} for c in claims],
        "properties": _properties(entity.schema, claims, titles),
        "links": _links(session, actor, entity),
        "counts": {
            "claims": len(claims),
            "live": len(live),
            "unsupported": sum(1 for c in live if not c.exhibit_id),
            "retracted": len(claims) - len(live),
        },
    }
    if spec.legal_status:
        view["legal_status_history"] = history(session, entity.id)
    if entity.schema == "Organization":
        view["proscriptions"] = proscriptions(session, entity.id)
    audit.record(
        session,
        actor,
        "profile.read",
        target_type="entity",
        target_id=entity.id,
        compartment=entity.compartment,
    )
    return view
