"""Warrants: arrest, non-bailable and proclamation, each against a party to a case.

A warrant is *valid* (outstanding) while its status is ``issued``; executing, cancelling or
recalling it ends that, and an ended warrant does not come back (a court issues a new one).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases import fields
from dastavez.cases.parties import AGAINST
from dastavez.cases.records import today_utc, visible_case
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.storage.case_tables import CaseParty, Warrant
from dastavez.storage.tables import utcnow

KINDS = ("arrest", "non-bailable", "proclamation")
STATUSES = ("issued", "executed", "cancelled", "recalled")
VALID = "issued"


def issue_warrant(
    session: Session,
    actor: Actor,
    *,
    case_id: str,
    entity_id: str,
    kind: str,
    court: str,
    issued_on: str | date,
    reference: str,
    exhibit_id: str | None = None,
    today: date | None = None,
) -> Warrant:
    """Record a warrant a court issued against a person the case is against (an accused party)."""
    case = visible_case(session, actor, case_id, for_update=True)
    warrant_kind = fields.required_choice(kind, "kind", KINDS)
    issued = fields.required_day(issued_on, "issued_on")
    if issued > (today or today_utc()).isoformat():
        raise InvalidInput("a warrant cannot be issued in the future", field="issued_on")
    person = (entity_id or "").strip().upper()
    party = session.scalar(
        select(CaseParty.id).where(
            CaseParty.case_id == case.id, CaseParty.entity_id == person, CaseParty.role.in_(AGAINST)
        )
    )
    if party is None:
        raise InvalidInput(
            f"{entity_id!r} is not an accused, absconder or proclaimed offender in {case.id}; "
            "add them as a party first",
            field="entity",
        )
    exhibit = visible_exhibit(session, actor, exhibit_id) if exhibit_id else None
    warrant = Warrant(
        case_id=case.id,
        entity_id=person,
        kind=warrant_kind,
        court=fields.required_text(court, "court", 200),
        issued_on=issued,
        reference=fields.required_text(reference, "reference", 100),
        status=VALID,
        exhibit_id=exhibit.id if exhibit else None,
        recorded_by=actor.username,
    )
    session.add(warrant)
    session.flush()
    audit.record(
        session,
        actor,
        "case.warrant",
        target_type="case",
        target_id=case.id,
        compartment=case.compartment,
        detail=warrant_view(warrant),
    )
    return warrant


def set_warrant_status(
    session: Session,
    actor: Actor,
    *,
    warrant_id: int,
    status: str,
    note: str | None = None,
    case_id: str | None = None,
) -> Warrant:
    """Executed, cancelled or recalled; ``case_id``, when given, must be the warrant's case."""
    actor.require("case.write")
    warrant = session.get(Warrant, warrant_id)
    if warrant is None or (case_id is not None and warrant.case_id != case_id.strip().upper()):
        raise NotFound(f"no warrant {warrant_id}", field="warrant")
    case = visible_case(session, actor, warrant.case_id, for_update=True)
    target = fields.required_choice(status, "status", STATUSES)
    if warrant.status != VALID:
        raise Conflict(f"warrant {warrant.id} was {warrant.status}: it cannot change again", field="status")
    if target == VALID:
        raise Conflict(f"warrant {warrant.id} is already issued", field="status")
    why = fields.text(note, "note", 2000)
    if target in ("cancelled", "recalled") and why is None:
        raise InvalidInput(f"say why the warrant was {target} (note)", field="note")
    previous, warrant.status, warrant.status_note, warrant.updated_at = warrant.status, target, why, utcnow()
    audit.record(
        session,
        actor,
        "case.warrant_status",
        target_type="case",
        target_id=case.id,
        compartment=case.compartment,
        detail={"warrant": warrant.id, "from": previous, "to": target, "note": why},
    )
    return warrant


def warrant_view(warrant: Warrant) -> dict[str, Any]:
    return {
        "id": warrant.id,
        "case": warrant.case_id,
        "entity": warrant.entity_id,
        "kind": warrant.kind,
        "court": warrant.court,
        "issued_on": warrant.issued_on,
        "reference": warrant.reference,
        "status": warrant.status,
        "valid": warrant.status == VALID,
        "exhibit": warrant.exhibit_id,
        "status_note": warrant.status_note,
    }


def warrants_of_case(session: Session, case_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(Warrant).where(Warrant.case_id == case_id).order_by(Warrant.id))
    return [warrant_view(w) for w in rows]
