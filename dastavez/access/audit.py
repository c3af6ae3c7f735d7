"""The audit log: every write and every read of a sensitive record, in the same transaction.

Each event is also a leaf of the tamper-evident ledger (``dastavez.ledger``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dastavez.access.actor import Actor
from dastavez.ledger import log as ledger
from dastavez.storage.tables import AuditEvent, utcnow


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    target_type: str | None = None,
    target_id: str | None = None,
    compartment: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    event = AuditEvent(
        actor=actor.username,
        interface=actor.interface,
        client=actor.client,
        action=action,
        target_type=target_type,
        target_id=target_id,
        compartment=compartment,
        detail=detail or {},
        at=utcnow(),
    )
    session.add(event)
    ledger.queue(session, event)  # appended to the Merkle ledger in this same transaction


@dataclass(frozen=True)
class AuditPage:
    events: list[dict[str, Any]]
    total: int


def list_events(
    session: Session,
    actor: Actor,
    *,
    user: str | None = None,
    action: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Auditors (and supervisors) read the log; reading it is itself recorded."""
    actor.require("audit.read")
    # Events in compartments the reader is not cleared for stay listed (oversight must see
    # that something happened) but are redacted by ``event_view``.
    query = select(AuditEvent)
    if user:
        query = query.where(AuditEvent.actor == user)
    if action:
        query = query.where(AuditEvent.action == action)
    if target_id:
        # Asking about one record is asking whether it exists: answer only within clearance.
        query = query.where(AuditEvent.target_id == target_id, actor.visible(AuditEvent.compartment))
    if since:
        query = query.where(AuditEvent.at >= since)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    record(session, actor, "audit.read", detail={"user": user, "action": action, "target_id": target_id})
    return AuditPage(events=[event_view(row, actor) for row in rows], total=total)


def event_view(row: AuditEvent, reader: Actor) -> dict[str, Any]:
    """One event as the reader may see it.

    Oversight needs to see that something happened in a compartment (who, when, what kind of
    action), but need-to-know still holds: for a compartment the reader is not cleared for,
    the record id and the details (which may quote a claimed value) are withheld.
    """
    cleared = reader.cleared_for(row.compartment)
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "interface": row.interface,
        "client": row.client,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id if cleared else None,
        "compartment": row.compartment,
        "detail": row.detail if cleared else {},
        "redacted": not cleared,
    }
