"""A person's legal status and its history; every change states its basis.

The presumption of innocence is built in: there is no status that calls anyone a
terrorist, only where they stand in law and on what basis.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import Conflict, InvalidInput
from dastavez.model.schema import model
from dastavez.model.types import TypeContext, get_type
from dastavez.registry.entities import visible_entity
from dastavez.storage.tables import LegalStatusChange

STATUSES = ("suspect", "wanted", "accused", "charged", "convicted", "acquitted", "cleared", "deceased")


def clean_status_change(*, status: str, basis: str) -> tuple[str, str]:
    """The checks every change of legal status passes, however it is made: (status, basis)."""
    status = status.strip().lower()
    if status not in STATUSES:
        raise InvalidInput(f"legal status must be one of {', '.join(STATUSES)}", field="status")
    basis = " ".join((basis or "").split())
    if not basis:
        raise InvalidInput("a change of legal status needs its basis (order, judgment, FIR …)", field="basis")
    if len(basis) > 2000:
        raise InvalidInput("basis must be at most 2000 characters", field="basis")
    return status, basis


def set_legal_status(
    session: Session,
    actor: Actor,
    *,
    entity_id: str,
    status: str,
    basis: str,
    exhibit_id: str | None = None,
    effective: str | None = None,
) -> LegalStatusChange:
    actor.require("legal_status.write")
    entity = visible_entity(session, actor, entity_id)
    if not model().get(entity.schema).legal_status:
        raise InvalidInput(f"a {entity.schema} has no legal status", field="entity")
    status, basis = clean_status_change(status=status, basis=basis)
    if entity.legal_status == status:
        raise Conflict(f"{entity.id} is already {status}")
    exhibit = visible_exhibit(session, actor, exhibit_id) if exhibit_id else None
    when = get_type("date").clean(effective, context=TypeContext()).normalised if effective else None
    change = LegalStatusChange(
        entity_id=entity.id,
        status=status,
        basis=basis,
        exhibit_id=exhibit.id if exhibit else None,
        effective=when,
        author=actor.username,
    )
    session.add(change)
    previous, entity.legal_status = entity.legal_status, status
    session.flush()
    audit.record(
        session,
        actor,
        "legal_status.set",
        target_type="entity",
        target_id=entity.id,
        compartment=entity.compartment,
        detail={"from": previous, "to": status, "basis": basis, "exhibit": change.exhibit_id},
    )
    return change


_HISTORY = (
    select(LegalStatusChange.status, LegalStatusChange.basis, LegalStatusChange.exhibit_id,
           LegalStatusChange.effective, LegalStatusChange.author, LegalStatusChange.at)
    .where(LegalStatusChange.entity_id == bindparam("entity_id"))
    .order_by(LegalStatusChange.at, LegalStatusChange.id)
)


def history(session: Session, entity_id: str) -> list[dict[str, Any]]:
    rows = session.execute(_HISTORY, {"entity_id": entity_id})
    return [
        {
            "status": r.status,
            "basis": r.basis,
            "exhibit": r.exhibit_id,
            "effective": r.effective,
            "author": r.author,
            "at": r.at.isoformat(),
        }
        for r in rows
    ]
