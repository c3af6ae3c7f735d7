"""Request bodies of the case, incident and list endpoints (input models, apart from the tables)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from dastavez.api.schemas import Input


class CaseIn(Input):
    fir: str
    station: str
    district: str
    sections: list[str] = Field(max_length=50)
    registered_on: str | None = None
    court: str | None = None
    title: str | None = None
    compartment: str | None = None


class StageIn(Input):
    stage: str
    note: str | None = None
    court: str | None = None


class PartyIn(Input):
    role: str
    entity: str | None = None
    name: str | None = None
    custody: str | None = None


class CustodyIn(Input):
    custody: str
    note: str | None = None


class HearingIn(Input):
    date: str
    outcome: str
    reason: str | None = None
    next_date: str | None = None
    court: str | None = None
    purpose: str | None = None
    note: str | None = None


class WarrantIn(Input):
    entity: str
    kind: str
    court: str
    issued_on: str
    reference: str
    exhibit: str | None = None


class WarrantStatusIn(Input):
    status: str
    note: str | None = None


class LinkIn(Input):
    exhibit: str | None = None
    claim: str | None = None


class IncidentIn(Input):
    occurred_at: datetime
    district: str
    kind: str
    target: str
    killed: int = 0
    injured: int = 0
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = None
    summary: str | None = None
    compartment: str | None = None


class ResponsibilityIn(Input):
    organization: str
    exhibit: str | None = None
    confidence: str = "medium"
    note: str | None = None


class IncidentCaseIn(Input):
    case: str


class DraftIn(Input):
    note: str | None = None


class DecisionIn(Input):
    decision: str
    note: str | None = None
