"""Cases: registering one from its FIR, finding it, moving it through its stages, listing them.

A case carries a compartment like any record: outside the actor's clearances it does not
exist for them (NotFound, never a hint). Every write is audited, and so is reading a case.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases import fields
from dastavez.cases.numbers import next_number
from dastavez.cases.offences import offence_table, resolve_offences
from dastavez.cases.stages import StageMachine, stage_machine
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.storage.case_tables import CaseOffence, CaseStageChange, CourtCase
from dastavez.storage.tables import utcnow


def visible_case(session: Session, actor: Actor, case_id: str, *, for_update: bool = False) -> CourtCase:
    actor.require("case.write" if for_update else "case.read")
    found = session.get(CourtCase, (case_id or "").strip().upper())
    if found is None or not actor.cleared_for(found.compartment):
        raise NotFound(f"no case {case_id!r}", field="case")
    return found


def add_case(
    session: Session,
    actor: Actor,
    *,
    fir: str,
    station: str,
    district: str,
    sections: list[str],
    registered_on: str | date | None = None,
    court: str | None = None,
    title: str | None = None,
    compartment: str | None = None,
    now: datetime | None = None,
) -> CourtCase:
    """Register a case from its FIR; it starts at the machine's initial stage."""
    actor.require("case.write")
    now = now or utcnow()
    fir_number = fields.required_text(fir, "fir", 50)
    police_station = fields.required_text(station, "station", 200)
    district_name = fields.required_text(district, "district", 100)
    offences = resolve_offences(list(sections))
    registered = fields.day(registered_on, "registered_on") or now.date().isoformat()
    if registered > now.date().isoformat():
        raise InvalidInput("the FIR cannot be registered in the future", field="registered_on")
    code = fields.compartment(session, actor, compartment)
    duplicate = session.scalar(
        select(CourtCase.id).where(
            CourtCase.police_station == police_station, CourtCase.fir_number == fir_number
        )
    )
    if duplicate is not None:
        raise Conflict(f"FIR {fir_number} of {police_station} is already registered as a case", field="fir")
    initial = stage_machine().initial
    case = CourtCase(
        id=next_number(session, "CASE", int(registered[:4])),
        fir_number=fir_number,
        police_station=police_station,
        district=district_name,
        registered_on=registered,
        court=fields.text(court, "court", 200),
        title=fields.text(title, "title", 300),
        stage=initial,
        stage_since=now,
        compartment=code,
        created_by=actor.username,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    session.add_all([CaseOffence(case_id=case.id, section=offence.code) for offence in offences])
    session.add(
        CaseStageChange(case_id=case.id, from_stage=None, to_stage=initial, at=now, by=actor.username)
    )
    session.flush()
    audit.record(
        session,
        actor,
        "case.add",
        target_type="case",
        target_id=case.id,
        compartment=code,
        detail={
            "fir": fir_number,
            "station": police_station,
            "district": district_name,
            "sections": [o.code for o in offences],
            "registered_on": registered,
        },
    )
    return case


def move_stage(
    session: Session,
    actor: Actor,
    *,
    case_id: str,
    stage: str,
    note: str | None = None,
    court: str | None = None,
    machine: StageMachine | None = None,
    now: datetime | None = None,
) -> CourtCase:
    """Move a case to the next stage; a move the stage machine does not allow is refused (409)."""
    case = visible_case(session, actor, case_id, for_update=True)
    machine = machine or stage_machine()
    target = machine.check_move(case.stage, stage)
    now = now or utcnow()
    if now < case.stage_since:
        raise Conflict("a stage cannot begin before the one it follows", field="stage")
    note_text = fields.text(note, "note", 2000)
    previous, case.stage, case.stage_since, case.updated_at = case.stage, target.name, now, now
    if court:
        case.court = fields.text(court, "court", 200)
    session.add(
        CaseStageChange(
            case_id=case.id,
            from_stage=previous,
            to_stage=target.name,
            at=now,
            by=actor.username,
            note=note_text,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        "case.stage",
        target_type="case",
        target_id=case.id,
        compartment=case.compartment,
        detail={"from": previous, "to": target.name, "note": note_text},
    )
    return case


def offences_of(session: Session, case_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        rows = session.execute(
            select(CaseOffence.case_id, CaseOffence.section)
            .where(CaseOffence.case_id.in_(case_ids))
            .order_by(CaseOffence.case_id, CaseOffence.section)
        )
        for case_id, section in rows:
            found[case_id].append(section)
    return found


def case_summary(case: CourtCase, offences: list[str], machine: StageMachine | None = None) -> dict[str, Any]:
    machine = machine or stage_machine()
    return {
        "id": case.id,
        "fir": case.fir_number,
        "station": case.police_station,
        "district": case.district,
        "registered_on": case.registered_on,
        "court": case.court,
        "title": case.title,
        "stage": case.stage,
        "stage_label": machine.stage(case.stage).label,
        "stage_since": case.stage_since.isoformat(),
        "sections": offences,
        "compartment": case.compartment,
    }


def stage_history(session: Session, case_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(CaseStageChange).where(CaseStageChange.case_id == case_id).order_by(CaseStageChange.id)
    )
    return [
        {"from": r.from_stage, "to": r.to_stage, "at": r.at.isoformat(), "by": r.by, "note": r.note}
        for r in rows
    ]


def offence_details(codes: list[str]) -> list[dict[str, str]]:
    table = offence_table().offences
    return [
        table[code].as_dict() if code in table else {"code": code, "title": "", "statute": "", "section": ""}
        for code in codes
    ]


def list_cases(
    session: Session,
    actor: Actor,
    *,
    stage: str | None = None,
    district: str | None = None,
    court: str | None = None,
    query: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    actor.require("case.read")
    if page < 1 or not 1 <= per_page <= 500:
        raise InvalidInput("page must be ≥ 1 and per_page between 1 and 500", field="page")
    machine = stage_machine()
    statement = select(CourtCase).where(actor.visible(CourtCase.compartment))
    if stage:
        statement = statement.where(CourtCase.stage == machine.stage(stage).name)
    if district:
        statement = statement.where(CourtCase.district == district.strip())
    if court:
        statement = statement.where(CourtCase.court == court.strip())
    if query and query.strip():
        like = f"%{query.strip()}%"
        statement = statement.where(
            or_(
                CourtCase.id.ilike(like),
                CourtCase.fir_number.ilike(like),
                CourtCase.title.ilike(like),
                CourtCase.police_station.ilike(like),
            )
        )
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = list(
        session.scalars(
            statement.order_by(CourtCase.registered_on.desc(), CourtCase.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    offences = offences_of(session, [c.id for c in rows])
    return {
        "cases": [case_summary(c, offences[c.id], machine) for c in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }


def today_utc() -> date:
    return datetime.now(UTC).date()
