"""Claims: statements about an entity, each citing an exhibit or shown as unsupported.

A claim is never deleted or edited in place: it is retracted (with reason and author) and a
new one is made. Its id is derived from what it says and its source, so the same statement
from the same source is stored once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.model.schema import model
from dastavez.model.types import TypeContext, get_type
from dastavez.registry import search
from dastavez.registry.entities import LIVE, check_compartment, refresh_caption, visible_entity
from dastavez.registry.ids import claim_id
from dastavez.registry.values import check_reference, clean_value
from dastavez.storage.tables import Claim, Entity, utcnow

STATUSES = ("asserted", "corroborated", "disputed", "retracted")
#: How sure the author is of the statement itself (separate from whether evidence backs it).
CONFIDENCES = ("high", "medium", "low")
MAX_LOCATOR = 200


def _window(raw_from: str | None, raw_to: str | None) -> tuple[str | None, str | None]:
    date_type = get_type("date")
    start = date_type.clean(raw_from, context=TypeContext()).normalised if raw_from else None
    end = date_type.clean(raw_to, context=TypeContext()).normalised if raw_to else None
    if start and end and end < start:
        raise InvalidInput("the validity window ends before it starts", field="valid_to")
    return start, end


def clean_options(*, confidence: str, locator: str | None, cites_exhibit: bool) -> str | None:
    """Checks every new claim passes, however it is made; returns the cleaned locator."""
    if confidence not in CONFIDENCES:
        raise InvalidInput(f"confidence must be one of {', '.join(CONFIDENCES)}", field="confidence")
    locator = " ".join((locator or "").split()) or None
    if locator and len(locator) > MAX_LOCATOR:
        raise InvalidInput(f"locator must be at most {MAX_LOCATOR} characters", field="locator")
    if locator and not cites_exhibit:
        raise InvalidInput("a locator (page, timecode) needs the exhibit it points into", field="locator")
    return locator


def compartment_with_exhibit(code: str | None, exhibit_compartment: str | None) -> str | None:
    """A claim is no more visible than the exhibit that supports it."""
    if not exhibit_compartment:
        return code
    if code and code != exhibit_compartment:
        raise InvalidInput(f"the exhibit is in compartment {exhibit_compartment}; the claim must be too",
                           field="compartment")
    return exhibit_compartment


def add_claim(
    session: Session,
    actor: Actor,
    *,
    entity_id: str,
    prop: str,
    value: str,
    exhibit_id: str | None = None,
    locator: str | None = None,
    valid_from: str | None = None,
    valid_to: str | None = None,
    confidence: str = "medium",
    compartment: str | None = None,
    region: str = "PK",
) -> tuple[Claim, bool]:
    """Add a claim; returns it and whether it is new (an identical live claim is returned as is)."""
    actor.require("registry.write")
    entity = visible_entity(session, actor, entity_id)
    if entity.merged_into is not None:
        raise Conflict(f"{entity.id} was merged into {entity.merged_into}: add claims there", field="entity")
    spec = model().get(entity.schema).prop(prop)
    cleaned = clean_value(spec, value, region=region)
    if spec.type == "entity":
        check_reference(session, actor, spec, cleaned.normalised)
    locator = clean_options(confidence=confidence, locator=locator, cites_exhibit=bool(exhibit_id))
    start, end = _window(valid_from, valid_to)
    code = check_compartment(session, actor, compartment)
    exhibit = visible_exhibit(session, actor, exhibit_id) if exhibit_id else None
    code = compartment_with_exhibit(code, exhibit.compartment if exhibit else None)

    cid = claim_id(entity.id, spec.name, cleaned.normalised, exhibit.id if exhibit else None, locator)
    existing = session.get(Claim, cid)
    if existing is not None:
        if existing.status == "retracted":
            raise Conflict(
                f"this exact claim ({cid}) was retracted: {existing.retraction_reason}; "
                "cite other evidence or a different locator to assert it again"
            )
        return existing, False

    claim = Claim(
        id=cid,
        entity_id=entity.id,
        prop=spec.name,
        value=cleaned.value,
        normalised=cleaned.normalised,
        value_key=cleaned.normalised[:200],
        qualifiers=cleaned.qualifiers,
        exhibit_id=exhibit.id if exhibit else None,
        locator=locator,
        valid_from=start,
        valid_to=end,
        confidence=confidence,
        status="asserted",
        compartment=code,
        author=actor.username,
    )
    session.add(claim)
    session.flush()
    search.index_claim(session, claim)
    if spec.name in model().get(entity.schema).caption:
        refresh_caption(session, entity)
    entity.updated_at = utcnow()
    audit.record(
        session,
        actor,
        "claim.add",
        target_type="claim",
        target_id=cid,
        compartment=code or entity.compartment,
        detail={
            "entity": entity.id,
            "prop": spec.name,
            "value": cleaned.value,
            "exhibit": claim.exhibit_id,
            "locator": locator,
        },
    )
    return claim, True


def visible_claim(session: Session, actor: Actor, claim_id_: str) -> tuple[Claim, Entity]:
    actor.require("registry.read")
    claim = session.get(Claim, claim_id_.strip().upper())
    if claim is None or not actor.cleared_for(claim.compartment):
        raise NotFound(f"no claim {claim_id_!r}")
    entity = session.get(Entity, claim.entity_id)
    if entity is None or not actor.cleared_for(entity.compartment):
        raise NotFound(f"no claim {claim_id_!r}")
    return claim, entity


def retract_claim(session: Session, actor: Actor, *, claim_id: str, reason: str) -> Claim:
    actor.require("registry.write")
    claim, entity = visible_claim(session, actor, claim_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("a retraction needs a reason", field="reason")
    if len(reason) > 2000:
        raise InvalidInput("the reason must be at most 2000 characters", field="reason")
    if claim.status == "retracted":
        raise Conflict(f"claim {claim.id} is already retracted")
    claim.status = "retracted"
    claim.retracted_at = utcnow()
    claim.retracted_by = actor.username
    claim.retraction_reason = reason
    session.flush()
    search.unindex_claim(session, claim)
    if claim.prop in model().get(entity.schema).caption:
        refresh_caption(session, entity)
    audit.record(
        session,
        actor,
        "claim.retract",
        target_type="claim",
        target_id=claim.id,
        compartment=claim.compartment or entity.compartment,
        detail={"entity": entity.id, "reason": reason},
    )
    return claim


def set_claim_status(session: Session, actor: Actor, *, claim_id: str, status: str, note: str) -> Claim:
    """Mark a live claim corroborated, disputed or back to asserted, with a note saying why."""
    actor.require("registry.write")
    claim, entity = visible_claim(session, actor, claim_id)
    if status not in LIVE:
        raise InvalidInput(
            "status must be asserted, corroborated or disputed (retract to withdraw)", field="status"
        )
    if claim.status == "retracted":
        raise Conflict(f"claim {claim.id} is retracted")
    note = " ".join((note or "").split())
    if not note:
        raise InvalidInput("say why the status changes (note)", field="note")
    previous, claim.status, claim.status_note = claim.status, status, note[:2000]
    audit.record(
        session,
        actor,
        "claim.status",
        target_type="claim",
        target_id=claim.id,
        compartment=claim.compartment or entity.compartment,
        detail={"from": previous, "to": status, "note": note[:2000]},
    )
    return claim


def claim_view(claim: Claim | Row[Any]) -> dict[str, Any]:
    """A claim as the interfaces show it, from a ``Claim`` or a Core row with its columns."""
    return {
        "id": claim.id,
        "entity": claim.entity_id,
        "prop": claim.prop,
        "value": claim.value,
        "normalised": claim.normalised,
        "qualifiers": claim.qualifiers or {},
        "status": claim.status,
        "supported": claim.exhibit_id is not None,
        "exhibit": claim.exhibit_id,
        "locator": claim.locator,
        "valid_from": claim.valid_from,
        "valid_to": claim.valid_to,
        "confidence": claim.confidence,
        "compartment": claim.compartment,
        "author": claim.author,
        "created_at": claim.created_at.isoformat(),
        "status_note": claim.status_note,
        "retracted_at": claim.retracted_at.isoformat() if claim.retracted_at else None,
        "retracted_by": claim.retracted_by,
        "retraction_reason": claim.retraction_reason,
    }


def list_claims(
    session: Session, actor: Actor, *, entity_id: str, include_retracted: bool = True
) -> list[Claim]:
    entity = visible_entity(session, actor, entity_id)
    query = select(Claim).where(Claim.entity_id == entity.id, actor.visible(Claim.compartment))
    if not include_retracted:
        query = query.where(Claim.status != "retracted")
    return list(session.scalars(query.order_by(Claim.prop, Claim.created_at)))
