"""Incidents: record, read, list; claims of responsibility; links to cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from dastavez.api.deps import ActorDep, DbDep
from dastavez.api.routes.cases_schemas import IncidentCaseIn, IncidentIn, ResponsibilityIn
from dastavez.cases import incidents

router = APIRouter(tags=["incidents"])


@router.get("/incidents")
def incident_list(
    actor: ActorDep,
    db: DbDep,
    district: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
    organization: str | None = None,
) -> dict[str, Any]:
    with db.read() as session:
        return {
            "incidents": incidents.list_incidents(
                session,
                actor,
                district=district,
                kind=kind,
                since=since,
                until=until,
                organization=organization,
            )
        }


@router.post("/incidents", status_code=201)
def incident_add(body: IncidentIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        incident = incidents.add_incident(
            session,
            actor,
            occurred_at=body.occurred_at,
            district=body.district,
            kind=body.kind,
            target=body.target,
            killed=body.killed,
            injured=body.injured,
            latitude=body.latitude,
            longitude=body.longitude,
            place=body.place,
            summary=body.summary,
            compartment=body.compartment,
        )
        return incidents.incident_view(incident, [], [])


@router.get("/incidents/{incident_id}")
def incident_show(incident_id: str, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.audited_read() as session:
        return incidents.show_incident(session, actor, incident_id)


@router.post("/incidents/{incident_id}/responsibility", status_code=201)
def incident_responsibility(
    incident_id: str, body: ResponsibilityIn, actor: ActorDep, db: DbDep
) -> dict[str, Any]:
    with db.write() as session:
        claim = incidents.claim_responsibility(
            session,
            actor,
            incident_id=incident_id,
            organization_id=body.organization,
            exhibit_id=body.exhibit,
            confidence=body.confidence,
            note=body.note,
        )
        return {
            "id": claim.id,
            "incident": claim.incident_id,
            "organization": claim.organization_id,
            "exhibit": claim.exhibit_id,
            "confidence": claim.confidence,
            "note": claim.note,
        }


@router.post("/incidents/{incident_id}/cases", status_code=201)
def incident_case(incident_id: str, body: IncidentCaseIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return incidents.link_case(session, actor, incident_id=incident_id, case_id=body.case)
