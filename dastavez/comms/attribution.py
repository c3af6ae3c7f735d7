"""Number attribution: "this number was used by this person, from … to …", as a claim.

An attribution is an ordinary ``phone`` claim on a Person, with its validity window, citing
the subscriber record (an exhibit of kind ``subscriber-record``) that shows who held the SIM.
Any other kind of exhibit is refused: a recording or a report is not a subscriber record. An
attribution made without one (``exhibit=None``, which the interfaces only allow when the user
says so explicitly) is an *unsupported* claim and is shown as such wherever it appears.

The graph (``comms.persons``) contracts numbers into persons from these same claims, so there
is one source of truth for "whose number is this".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.evidence import verification
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import InvalidInput
from dastavez.model.types.phone import parse_phone
from dastavez.registry.claims import add_claim
from dastavez.registry.entities import visible_entity
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.tables import Claim, Entity

SUBSCRIBER_RECORD = "subscriber-record"


@dataclass(frozen=True)
class Attribution:
    """One live attribution, as the suggestion finders read them."""

    number: str
    person: str
    valid_from: str | None
    valid_to: str | None
    claim: str


def clean_number(raw: str, settings: Settings) -> str:
    """A number as E.164, national numbers read as the home region's."""
    raw = (raw or "").strip()
    if not raw:
        raise InvalidInput("give the number to attribute", field="number")
    return parse_phone(raw, settings.default_region)


def check_support(exhibit: str | None, unsupported: bool) -> None:
    """An attribution cites a subscriber record, or says plainly that it has none."""
    if exhibit is None and not unsupported:
        raise InvalidInput("cite the subscriber record (exhibit), or make it explicitly unsupported",
                           field="exhibit")
    if exhibit is not None and unsupported:
        raise InvalidInput("an attribution citing a subscriber record is not unsupported",
                           field="unsupported")


def attribute_in(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    number: str,
    person: str,
    exhibit: str | None,
    valid_from: str | None = None,
    valid_to: str | None = None,
    locator: str | None = None,
    confidence: str = "medium",
    compartment: str | None = None,
    unsupported: bool = False,
) -> dict[str, Any]:
    """``attribute`` inside an open write session (accepting a suggestion uses it too)."""
    actor.require("registry.write")
    check_support(exhibit, unsupported)
    e164 = clean_number(number, settings)
    entity = visible_entity(session, actor, person, schema="Person")
    if exhibit is not None:
        record = visible_exhibit(session, actor, exhibit)
        if record.kind != SUBSCRIBER_RECORD:
            raise InvalidInput(
                f"{record.id} is a {record.kind} exhibit: an attribution cites a subscriber record "
                f"(kind {SUBSCRIBER_RECORD})",
                field="exhibit",
            )
    claim, new = add_claim(
        session,
        actor,
        entity_id=entity.id,
        prop="phone",
        value=e164,
        exhibit_id=exhibit,
        locator=locator,
        valid_from=valid_from,
        valid_to=valid_to,
        confidence=confidence,
        compartment=compartment,
        region=settings.default_region,
    )
    return attribution_view(session, claim, entity) | {"new": new}


def attribute(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    number: str,
    person: str,
    exhibit: str | None,
    valid_from: str | None = None,
    valid_to: str | None = None,
    locator: str | None = None,
    confidence: str = "medium",
    unsupported: bool = False,
) -> dict[str, Any]:
    """Attribute ``number`` to ``person`` for a window, citing a subscriber record (or, with no
    exhibit and ``unsupported=True``, unsupported). The same statement from the same record is
    stored once."""
    with db.write() as session:
        return attribute_in(
            session,
            actor,
            settings,
            number=number,
            person=person,
            exhibit=exhibit,
            valid_from=valid_from,
            valid_to=valid_to,
            locator=locator,
            confidence=confidence,
            unsupported=unsupported,
        )


def attribution_view(session: Session, claim: Claim, entity: Entity) -> dict[str, Any]:
    status = verification.statuses_by_id(session, {claim.exhibit_id}) if claim.exhibit_id else {}
    return {
        "claim": claim.id,
        "number": claim.normalised,
        "person": entity.id,
        "person_name": entity.caption,
        "exhibit": claim.exhibit_id,
        "exhibit_status": status.get(claim.exhibit_id) if claim.exhibit_id else None,
        "supported": claim.exhibit_id is not None,
        "locator": claim.locator,
        "valid_from": claim.valid_from,
        "valid_to": claim.valid_to,
        "confidence": claim.confidence,
        "status": claim.status,
        "author": claim.author,
        "created_at": claim.created_at.isoformat(),
    }


def _live_phone_claims(actor: Actor) -> Any:
    return (
        select(Claim, Entity)
        .join(Entity, Entity.id == Claim.entity_id)
        .where(
            Claim.prop == "phone",
            Claim.status != "retracted",
            Entity.schema == "Person",
            Entity.merged_into.is_(None),
            actor.visible(Claim.compartment),
            actor.visible(Entity.compartment),
        )
        .order_by(Claim.normalised, Entity.id, Claim.valid_from, Claim.id)
    )


def list_attributions(
    db: Database, actor: Actor, settings: Settings, *, number: str | None = None, person: str | None = None
) -> dict[str, Any]:
    """A number's attributions (who held it, when, on what evidence), a person's numbers, or all."""
    actor.require("registry.read")
    with db.read() as session:
        query = _live_phone_claims(actor)
        e164 = clean_number(number, settings) if number is not None else None
        if e164 is not None:
            query = query.where(Claim.value_key == e164)
        if person is not None:
            query = query.where(Entity.id == visible_entity(session, actor, person, schema="Person").id)
        rows = session.execute(query).all()
        return {
            "number": e164,
            "person": person.strip().upper() if person else None,
            "attributions": [attribution_view(session, claim, entity) for claim, entity in rows],
        }


def live_attributions(session: Session, actor: Actor) -> list[Attribution]:
    """Every live attribution the actor may see (for the suggestion finders)."""
    return [
        Attribution(claim.normalised, entity.id, claim.valid_from, claim.valid_to, claim.id)
        for claim, entity in session.execute(_live_phone_claims(actor)).all()
    ]
