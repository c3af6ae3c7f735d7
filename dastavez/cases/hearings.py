"""Hearings: what happened on a date before a court, and the next date it fixed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases import fields
from dastavez.cases.records import today_utc, visible_case
from dastavez.cases.stages import stage_machine
from dastavez.exc import Conflict, InvalidInput
from dastavez.storage.case_tables import Hearing

OUTCOMES = ("held", "adjourned")


def record_hearing(
    session: Session,
    actor: Actor,
    *,
    case_id: str,
    date: str | dt.date,
    outcome: str,
    court: str | None = None,
    purpose: str | None = None,
    reason: str | None = None,
    next_date: str | dt.date | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> Hearing:
    """Record a hearing that took place; an adjournment says why."""
    case = visible_case(session, actor, case_id, for_update=True)
    if stage_machine().stage(case.stage).final:
        raise Conflict(f"{case.id} is disposed: no hearing can follow", field="case")
    today = today or today_utc()
    held_on = fields.required_day(date, "date")
    if held_on > today.isoformat():
        raise InvalidInput(
            "a hearing is recorded once it has taken place; its date is in the future", field="date"
        )
    if held_on < case.registered_on:
        raise InvalidInput(
            f"the hearing is dated before the FIR was registered ({case.registered_on})", field="date"
        )
    result = fields.required_choice(outcome, "outcome", OUTCOMES)
    why = fields.text(reason, "reason", 500)
    if result == "adjourned" and why is None:
        raise InvalidInput("an adjournment needs its reason", field="reason")
    following = fields.day(next_date, "next_date")
    if following is not None and following <= held_on:
        raise InvalidInput("the next date must come after the hearing", field="next_date")
    bench = fields.text(court, "court", 200) or case.court
    if bench is None:
        raise InvalidInput("name the court the hearing was before", field="court")
    hearing = Hearing(
        case_id=case.id,
        date=held_on,
        court=bench,
        purpose=fields.text(purpose, "purpose", 300),
        outcome=result,
        adjournment_reason=why,
        next_date=following,
        note=fields.text(note, "note", 2000),
        recorded_by=actor.username,
    )
    session.add(hearing)
    if case.court is None:
        case.court = bench
    session.flush()
    audit.record(
        session,
        actor,
        "case.hearing",
        target_type="case",
        target_id=case.id,
        compartment=case.compartment,
        detail=hearing_view(hearing),
    )
    return hearing


def hearing_view(hearing: Hearing) -> dict[str, Any]:
    return {
        "id": hearing.id,
        "case": hearing.case_id,
        "date": hearing.date,
        "court": hearing.court,
        "purpose": hearing.purpose,
        "outcome": hearing.outcome,
        "adjournment_reason": hearing.adjournment_reason,
        "next_date": hearing.next_date,
        "note": hearing.note,
        "recorded_by": hearing.recorded_by,
    }


def hearings_of(session: Session, case_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Hearing).where(Hearing.case_id == case_id).order_by(Hearing.date, Hearing.id)
    )
    return [hearing_view(h) for h in rows]
