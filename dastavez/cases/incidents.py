"""Incidents: attacks and other events, where and when, who suffered, who claimed them.

A claim of responsibility names an organisation from the registry, the exhibit it rests on
(a statement, a video, a post) and how sure the unit is; claims are added, never edited.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases import fields
from dastavez.cases.numbers import next_number
from dastavez.cases.records import visible_case
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.registry.entities import visible_entity
from dastavez.storage.case_tables import CourtCase, Incident, IncidentCase, ResponsibilityClaim
from dastavez.storage.tables import Entity, utcnow

KINDS = (
    "bombing",
    "suicide-attack",
    "ied",
    "armed-attack",
    "targeted-killing",
    "kidnapping",
    "rocket-attack",
    "attack-on-infrastructure",
    "other",
)
CONFIDENCES = ("high", "medium", "low")


def _count(value: int | str | None, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError) as err:
        raise InvalidInput(f"{field} must be a whole number", field=field) from err
    if not 0 <= number <= 100_000:
        raise InvalidInput(f"{field} must be between 0 and 100000", field=field)
    return number


def _coordinate(value: float | str | None, field: str, limit: float) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(value)
    except ValueError as err:
        raise InvalidInput(f"{field} must be decimal degrees, e.g. 30.1842", field=field) from err
    if not -limit <= number <= limit:
        raise InvalidInput(f"{field} must be between -{limit:g} and {limit:g}", field=field)
    return round(number, 6)


def add_incident(
    session: Session,
    actor: Actor,
    *,
    occurred_at: datetime,
    district: str,
    kind: str,
    target: str,
    killed: int | str | None = 0,
    injured: int | str | None = 0,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    place: str | None = None,
    summary: str | None = None,
    compartment: str | None = None,
    now: datetime | None = None,
) -> Incident:
    actor.require("incident.write")
    now = now or utcnow()
    if occurred_at.tzinfo is None:
        raise InvalidInput(
            "the time of an incident needs its zone, e.g. 2026-05-14T21:10+05:00", field="occurred_at"
        )
    if occurred_at > now:
        raise InvalidInput("an incident cannot be recorded before it happens", field="occurred_at")
    lat, lon = _coordinate(latitude, "latitude", 90), _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lon is None):
        raise InvalidInput("give both latitude and longitude, or neither", field="latitude")
    incident = Incident(
        id=next_number(session, "INC", occurred_at.year),
        occurred_at=occurred_at,
        district=fields.required_text(district, "district", 100),
        place=fields.text(place, "place", 300),
        latitude=lat,
        longitude=lon,
        kind=fields.required_choice(kind, "kind", KINDS),
        target=fields.required_text(target, "target", 300),
        killed=_count(killed, "killed"),
        injured=_count(injured, "injured"),
        summary=fields.text(summary, "summary", 5000),
        compartment=fields.compartment(session, actor, compartment),
        created_by=actor.username,
        created_at=now,
    )
    session.add(incident)
    session.flush()
    audit.record(
        session,
        actor,
        "incident.add",
        target_type="incident",
        target_id=incident.id,
        compartment=incident.compartment,
        detail={
            "kind": incident.kind,
            "district": incident.district,
            "occurred_at": occurred_at.isoformat(),
            "killed": incident.killed,
            "injured": incident.injured,
        },
    )
    return incident


def visible_incident(
    session: Session, actor: Actor, incident_id: str, *, for_update: bool = False
) -> Incident:
    actor.require("incident.write" if for_update else "incident.read")
    found = session.get(Incident, (incident_id or "").strip().upper())
    if found is None or not actor.cleared_for(found.compartment):
        raise NotFound(f"no incident {incident_id!r}", field="incident")
    return found


def claim_responsibility(
    session: Session,
    actor: Actor,
    *,
    incident_id: str,
    organization_id: str,
    exhibit_id: str | None = None,
    confidence: str = "medium",
    note: str | None = None,
) -> ResponsibilityClaim:
    incident = visible_incident(session, actor, incident_id, for_update=True)
    organisation = visible_entity(session, actor, organization_id, schema="Organization")
    exhibit = visible_exhibit(session, actor, exhibit_id) if exhibit_id else None
    level = fields.required_choice(confidence, "confidence", CONFIDENCES)
    clash = session.scalar(
        select(ResponsibilityClaim.id).where(
            ResponsibilityClaim.incident_id == incident.id,
            ResponsibilityClaim.organization_id == organisation.id,
            ResponsibilityClaim.exhibit_id.is_(None)
            if exhibit is None
            else ResponsibilityClaim.exhibit_id == exhibit.id,
        )
    )
    if clash is not None:
        raise Conflict(
            f"this claim by {organisation.id} is already recorded for {incident.id}", field="organization"
        )
    claim = ResponsibilityClaim(
        incident_id=incident.id,
        organization_id=organisation.id,
        exhibit_id=exhibit.id if exhibit else None,
        confidence=level,
        note=fields.text(note, "note", 2000),
        recorded_by=actor.username,
    )
    session.add(claim)
    session.flush()
    audit.record(
        session,
        actor,
        "incident.responsibility",
        target_type="incident",
        target_id=incident.id,
        compartment=incident.compartment,
        detail={"organization": organisation.id, "exhibit": claim.exhibit_id, "confidence": level},
    )
    return claim


def link_case(session: Session, actor: Actor, *, incident_id: str, case_id: str) -> dict[str, str]:
    incident = visible_incident(session, actor, incident_id, for_update=True)
    case = visible_case(session, actor, case_id)
    if session.get(IncidentCase, (incident.id, case.id)) is not None:
        raise Conflict(f"{case.id} is already linked to {incident.id}", field="case")
    session.add(IncidentCase(incident_id=incident.id, case_id=case.id))
    session.flush()
    audit.record(
        session,
        actor,
        "incident.link",
        target_type="incident",
        target_id=incident.id,
        compartment=incident.compartment,
        detail={"case": case.id},
    )
    return {"incident": incident.id, "case": case.id}


def incident_view(incident: Incident, claims: list[dict[str, Any]], cases: list[str]) -> dict[str, Any]:
    return {
        "id": incident.id,
        "occurred_at": incident.occurred_at.isoformat(),
        "district": incident.district,
        "place": incident.place,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "kind": incident.kind,
        "target": incident.target,
        "killed": incident.killed,
        "injured": incident.injured,
        "summary": incident.summary,
        "compartment": incident.compartment,
        "responsibility": claims,
        "cases": cases,
    }


def _claims_and_cases(
    session: Session, actor: Actor, ids: list[str]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]]]:
    claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
    cases: dict[str, list[str]] = defaultdict(list)
    if not ids:
        return claims, cases
    rows = session.execute(
        select(ResponsibilityClaim, Entity.caption)
        .join(Entity, Entity.id == ResponsibilityClaim.organization_id)
        .where(ResponsibilityClaim.incident_id.in_(ids), actor.visible(Entity.compartment))
        .order_by(ResponsibilityClaim.id)
    )
    for claim, caption in rows:
        claims[claim.incident_id].append(
            {
                "id": claim.id,
                "organization": claim.organization_id,
                "organization_name": caption,
                "exhibit": claim.exhibit_id,
                "supported": claim.exhibit_id is not None,
                "confidence": claim.confidence,
                "note": claim.note,
            }
        )

    for incident_id, case_id in session.execute(
        select(IncidentCase.incident_id, IncidentCase.case_id)
        .join(CourtCase, CourtCase.id == IncidentCase.case_id)
        .where(IncidentCase.incident_id.in_(ids), actor.visible(CourtCase.compartment))
        .order_by(IncidentCase.case_id)
    ):
        cases[incident_id].append(case_id)
    return claims, cases


def show_incident(session: Session, actor: Actor, incident_id: str) -> dict[str, Any]:
    incident = visible_incident(session, actor, incident_id)
    claims, cases = _claims_and_cases(session, actor, [incident.id])
    audit.record(
        session,
        actor,
        "incident.read",
        target_type="incident",
        target_id=incident.id,
        compartment=incident.compartment,
    )
    return incident_view(incident, claims[incident.id], cases[incident.id])


def list_incidents(
    session: Session,
    actor: Actor,
    *,
    district: str | None = None,
    kind: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    organization: str | None = None,
) -> list[dict[str, Any]]:
    actor.require("incident.read")
    statement = select(Incident).where(actor.visible(Incident.compartment))
    if district:
        statement = statement.where(Incident.district == district.strip())
    if kind:
        statement = statement.where(Incident.kind == fields.required_choice(kind, "kind", KINDS))
    first, last = fields.day(since, "since"), fields.day(until, "until")
    if first:
        statement = statement.where(Incident.occurred_at >= datetime.fromisoformat(first + "T00:00+00:00"))
    if last:
        statement = statement.where(Incident.occurred_at <= datetime.fromisoformat(last + "T23:59:59+00:00"))
    if organization:
        statement = statement.where(
            Incident.id.in_(
                select(ResponsibilityClaim.incident_id).where(
                    ResponsibilityClaim.organization_id == organization.strip().upper()
                )
            )
        )
    incidents = list(session.scalars(statement.order_by(Incident.occurred_at.desc(), Incident.id.desc())))
    claims, cases = _claims_and_cases(session, actor, [i.id for i in incidents])
    return [incident_view(i, claims[i.id], cases[i.id]) for i in incidents]
