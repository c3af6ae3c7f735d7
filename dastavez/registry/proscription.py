"""Proscription of organisations: under which law, by which notification, from when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import InvalidInput
from dastavez.model.types import TypeContext, get_type
from dastavez.registry.entities import visible_entity
from dastavez.storage.tables import Proscription


def proscribe(
    session: Session,
    actor: Actor,
    *,
    entity_id: str,
    law: str,
    notification_ref: str,
    date: str,
    exhibit_id: str | None = None,
) -> Proscription:
    actor.require("proscription.write")
    entity = visible_entity(session, actor, entity_id, schema="Organization")
    law, ref = " ".join(law.split()), " ".join(notification_ref.split())
    if not law or not ref:
        raise InvalidInput("proscription needs the law and the notification reference", field="law")
    if len(law) > 200 or len(ref) > 200:
        raise InvalidInput("law and notification reference must be at most 200 characters", field="law")
    when = get_type("date").clean(date, context=TypeContext()).normalised
    exhibit = visible_exhibit(session, actor, exhibit_id) if exhibit_id else None
    row = Proscription(
        entity_id=entity.id,
        law=law,
        notification_ref=ref,
        date=when,
        exhibit_id=exhibit.id if exhibit else None,
        author=actor.username,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "org.proscribe",
        target_type="entity",
        target_id=entity.id,
        compartment=entity.compartment,
        detail={"law": law, "notification": ref, "date": when, "exhibit": row.exhibit_id},
    )
    return row


_PROSCRIPTIONS = (
    select(Proscription.law, Proscription.notification_ref, Proscription.date, Proscription.exhibit_id,
           Proscription.author, Proscription.at)
    .where(Proscription.entity_id == bindparam("entity_id"))
    .order_by(Proscription.date)
)


def proscriptions(session: Session, entity_id: str) -> list[dict[str, Any]]:
    rows = session.execute(_PROSCRIPTIONS, {"entity_id": entity_id})
    return [
        {
            "law": r.law,
            "notification_ref": r.notification_ref,
            "date": r.date,
            "exhibit": r.exhibit_id,
            "author": r.author,
            "at": r.at.isoformat(),
        }
        for r in rows
    ]
