"""Profiles: an entity as derived from its claims, grouped by property, with its links.

Reading a profile is a sensitive read and is audited.

A profile is the most frequent read, so it is built from a few Core queries prepared once
(entity; its claims and those of the links pointing at it, with exhibit titles, in one
statement; the entities at the other end of the links; legal status history or
proscriptions) rather than from ORM objects loaded one relationship at a time.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Row, Select, bindparam, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence import verification
from dastavez.exc import NotFound
from dastavez.model.schema import model
from dastavez.registry.claims import claim_view
from dastavez.registry.entities import LIVE
from dastavez.registry.legal_status import history
from dastavez.registry.proscription import proscriptions
from dastavez.storage.tables import Claim, Entity, Exhibit

#: Properties of link entities (Membership, Associate, …) that point at another entity.
LINK_PROPS = ("member", "organization", "person", "associate", "holder", "resident")


def _visible(column: Any, cleared: bool) -> Any:
    """As ``Actor.visible``, with the clearances as one expanding parameter, so that each
    statement below is compiled once and served from SQLAlchemy's cache afterwards."""
    if not cleared:
        return column.is_(None)
    return or_(column.is_(None), column.in_(bindparam("clearances", expanding=True)))


_ENTITY = select(
    Entity.id, Entity.schema, Entity.caption, Entity.compartment, Entity.legal_status, Entity.created_by,
    Entity.created_at, Entity.merged_into,
).where(Entity.id == bindparam("entity_id"))


def _claims_statement(cleared: bool) -> Select[Any]:
    """The visible claims of the entity (``own`` = 1) and of the link entities that point at
    it with a live, visible claim (``own`` = 0), each with its exhibit's title and the
    schema and compartment of the entity it is about, in creation order."""
    links = (
        select(Claim.entity_id)
        .join(Entity, Entity.id == Claim.entity_id)
        .where(
            Claim.prop.in_(LINK_PROPS),
            Claim.value_key == bindparam("entity_id"),
            Claim.status.in_(LIVE),
            _visible(Claim.compartment, cleared),
            _visible(Entity.compartment, cleared),
        )
    )
    columns = (*[Claim.__table__.c[name] for name in _CLAIM_COLUMNS], Exhibit.title.label("exhibit_title"),
               Entity.schema.label("entity_schema"), Entity.compartment.label("entity_compartment"))

    def part(own: int, about: Any) -> Select[Any]:
        return (
            select(*columns, literal_column(str(own)).label("own"))
            .join(Entity, Entity.id == Claim.entity_id)
            .outerjoin(Exhibit, Exhibit.id == Claim.exhibit_id)
            .where(about, _visible(Claim.compartment, cleared))
        )

    both = union_all(part(1, Claim.entity_id == bindparam("entity_id")), part(0, Claim.entity_id.in_(links)))
    ordered = both.subquery()
    return select(ordered).order_by(ordered.c.created_at, ordered.c.id)


_CLAIM_COLUMNS = ("id", "entity_id", "prop", "value", "normalised", "qualifiers", "exhibit_id", "locator",
                  "valid_from", "valid_to", "confidence", "status", "compartment", "author", "created_at",
                  "status_note", "retracted_at", "retracted_by", "retraction_reason")
_CLAIMS = {cleared: _claims_statement(cleared) for cleared in (False, True)}
_OTHERS = {
    cleared: select(Entity.id, Entity.schema, Entity.caption).where(
        Entity.id.in_(bindparam("ids", expanding=True)), _visible(Entity.compartment, cleared)
    )
    for cleared in (False, True)
}


def _support(claim: Row[Any], cited: dict[str, str]) -> dict[str, Any]:
    status = cited.get(claim.exhibit_id) if claim.exhibit_id else None
    return {
        "exhibit_title": claim.exhibit_title,
        "exhibit_status": status,
        "exhibit_status_label": verification.LABELS[status] if status else None,
    }


def _properties(schema: str, claims: list[Row[Any]], cited: dict[str, str]) -> list[dict[str, Any]]:
    spec = model().get(schema)
    by_prop: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        by_prop[claim.prop].append(claim_view(claim) | _support(claim, cited))
    return [
        {"prop": name, "label": prop.label, "type": prop.type, "claims": by_prop[name]}
        for name, prop in spec.properties.items()
        if by_prop.get(name)
    ]


def _links(
    session: Session,
    entity_id: str,
    claims: dict[str, list[Row[Any]]],
    params: dict[str, Any],
    cited: dict[str, str],
) -> list[dict[str, Any]]:
    """Link entities (memberships, associates, identifications, addresses) that point here."""
    if not claims:
        return []
    other_ids = {
        c.normalised
        for cs in claims.values()
        for c in cs
        if c.prop in LINK_PROPS and c.normalised != entity_id and c.status in LIVE
    }
    others = {}
    if other_ids:
        statement = _OTHERS["clearances" in params]
        others = {row.id: row for row in session.execute(statement, params | {"ids": sorted(other_ids)})}
    result = []
    for link_id in sorted(claims, key=lambda i: (claims[i][0].entity_schema, i)):
        link_claims = claims[link_id]
        first = link_claims[0]
        live = [c for c in link_claims if c.status in LIVE]
        other = next(
            (others[c.normalised] for c in live if c.prop in LINK_PROPS and c.normalised in others), None
        )
        values: dict[str, str] = {}
        for claim in live:
            values.setdefault(claim.prop, claim.value)
        result.append(
            {
                "id": link_id,
                "schema": first.entity_schema,
                "compartment": first.entity_compartment,
                "other": {"id": other.id, "schema": other.schema, "caption": other.caption}
                if other
                else None,
                "values": values,
                "supported": any(c.exhibit_id for c in live),
                "properties": _properties(first.entity_schema, link_claims, cited),
            }
        )
    return result


def profile(session: Session, actor: Actor, entity_id: str) -> dict[str, Any]:
    actor.require("registry.read")
    params: dict[str, Any] = {"entity_id": entity_id.strip().upper()}
    if actor.clearances:
        params["clearances"] = sorted(actor.clearances)
    entity = session.execute(_ENTITY, params).first()
    if entity is None or not actor.cleared_for(entity.compartment):
        raise NotFound(f"no entity {entity_id!r}")  # as visible_entity: never a hint that it exists
    own: list[Row[Any]] = []
    linked: dict[str, list[Row[Any]]] = defaultdict(list)
    for row in session.execute(_CLAIMS["clearances" in params], params):
        if row.own:
            own.append(row)
        else:
            linked[row.entity_id].append(row)
    live = [c for c in own if c.status in LIVE]
    # what a reader must see beside every citation: whether the exhibit is verified
    cited = verification.statuses_by_id(
        session, {c.exhibit_id for rows in (own, *linked.values()) for c in rows if c.exhibit_id}
    )
    spec = model().get(entity.schema)
    view: dict[str, Any] = {
        "id": entity.id,
        "schema": entity.schema,
        "schema_label": spec.label,
        "caption": entity.caption,
        "compartment": entity.compartment,
        "legal_status": entity.legal_status,
        "merged_into": entity.merged_into,
        "created_by": entity.created_by,
        "created_at": entity.created_at.isoformat(),
        "claims": [claim_view(c) | _support(c, cited) for c in own],
        "properties": _properties(entity.schema, own, cited),
        "links": _links(session, entity.id, linked, params, cited),
        "counts": {
            "claims": len(own),
            "live": len(live),
            "unsupported": sum(1 for c in live if not c.exhibit_id),
            "retracted": len(own) - len(live),
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

