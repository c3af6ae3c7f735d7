"""Cases: register, read, move through stages; parties, hearings, warrants, evidence; dashboards."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.routes.cases_schemas import (
    CaseIn,
    CustodyIn,
    HearingIn,
    LinkIn,
    PartyIn,
    StageIn,
    WarrantIn,
    WarrantStatusIn,
)
from dastavez.cases import casefile, dashboards, hearings, links, parties, records, warrants
from dastavez.cases.offences import offence_table
from dastavez.cases.stages import policy

router = APIRouter(tags=["cases"])
#: the day the dashboards are computed for (default: today, UTC)
TodayQuery = Annotated[date | None, Query(description="As of this day (default: today).")]


def _summary(session: Any, case: Any) -> dict[str, Any]:
    return records.case_summary(case, records.offences_of(session, [case.id])[case.id])


@router.get("/cases")
def case_list(
    actor: ActorDep,
    db: DbDep,
    stage: str | None = None,
    district: str | None = None,
    court: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    with db.read() as session:
        return records.list_cases(
            session, actor, stage=stage, district=district, court=court, query=q, page=page, per_page=per_page
        )


@router.post("/cases", status_code=201)
def case_add(body: CaseIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        case = records.add_case(
            session,
            actor,
            fir=body.fir,
            station=body.station,
            district=body.district,
            sections=body.sections,
            registered_on=body.registered_on,
            court=body.court,
            title=body.title,
            compartment=body.compartment,
        )
        return _summary(session, case)


@router.get("/cases/offences")
def case_offences(actor: ActorDep) -> dict[str, Any]:
    actor.require("case.read")
    return {"offences": [o.as_dict() for o in offence_table().offences.values()]}


@router.get("/cases/pending")
def case_pending(
    actor: ActorDep, db: DbDep, settings: SettingsDep, today: TodayQuery = None
) -> dict[str, Any]:
    with db.audited_read() as session:
        return dashboards.pending(
            session, actor, machine=policy(settings), today=today or records.today_utc()
        )


@router.get("/cases/dashboard")
def case_dashboard(
    actor: ActorDep, db: DbDep, settings: SettingsDep, today: TodayQuery = None
) -> dict[str, Any]:
    with db.audited_read() as session:
        return dashboards.dashboard(
            session,
            actor,
            machine=policy(settings),
            today=today or records.today_utc(),
            home=settings.default_region,
        )


@router.get("/cases/{case_id}")
def case_show(
    case_id: str, actor: ActorDep, db: DbDep, settings: SettingsDep, today: TodayQuery = None
) -> dict[str, Any]:
    with db.audited_read() as session:
        return casefile.show_case(
            session, actor, case_id, machine=policy(settings), today=today or records.today_utc()
        )


@router.post("/cases/{case_id}/stage")
def case_stage(
    case_id: str, body: StageIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    with db.write() as session:
        case = records.move_stage(
            session,
            actor,
            case_id=case_id,
            stage=body.stage,
            note=body.note,
            court=body.court,
            machine=policy(settings),
        )
        return _summary(session, case)


@router.post("/cases/{case_id}/parties", status_code=201)
def case_party(case_id: str, body: PartyIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        party = parties.add_party(
            session,
            actor,
            case_id=case_id,
            role=body.role,
            entity_id=body.entity,
            name=body.name,
            custody=body.custody,
        )
        return {
            "id": party.id,
            "case": party.case_id,
            "entity": party.entity_id,
            "name": party.name,
            "role": party.role,
            "custody": party.custody,
        }


@router.post("/cases/{case_id}/parties/{party_id}/custody")
def case_custody(case_id: str, party_id: int, body: CustodyIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        party = parties.set_custody(
            session, actor, case_id=case_id, party_id=party_id, custody=body.custody, note=body.note
        )
        return {"id": party.id, "case": party.case_id, "role": party.role, "custody": party.custody}


@router.post("/cases/{case_id}/hearings", status_code=201)
def case_hearing(case_id: str, body: HearingIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        hearing = hearings.record_hearing(
            session,
            actor,
            case_id=case_id,
            date=body.date,
            outcome=body.outcome,
            reason=body.reason,
            next_date=body.next_date,
            court=body.court,
            purpose=body.purpose,
            note=body.note,
        )
        return hearings.hearing_view(hearing)


@router.post("/cases/{case_id}/warrants", status_code=201)
def case_warrant(case_id: str, body: WarrantIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        warrant = warrants.issue_warrant(
            session,
            actor,
            case_id=case_id,
            entity_id=body.entity,
            kind=body.kind,
            court=body.court,
            issued_on=body.issued_on,
            reference=body.reference,
            exhibit_id=body.exhibit,
        )
        return warrants.warrant_view(warrant)


@router.post("/cases/{case_id}/warrants/{warrant_id}/status")
def case_warrant_status(
    case_id: str, warrant_id: int, body: WarrantStatusIn, actor: ActorDep, db: DbDep
) -> dict[str, Any]:
    with db.write() as session:
        warrant = warrants.set_warrant_status(
            session, actor, warrant_id=warrant_id, status=body.status, note=body.note, case_id=case_id
        )
        return warrants.warrant_view(warrant)


@router.post("/cases/{case_id}/links", status_code=201)
def case_link(case_id: str, body: LinkIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return links.link_evidence(
            session, actor, case_id=case_id, exhibit_id=body.exhibit, claim_id=body.claim
        )
