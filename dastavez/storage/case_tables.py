"""Table definitions of court cases, hearings, warrants, incidents and the issued lists.

The rules live in ``dastavez/cases``; these are only the shapes of the rows. Stage changes,
hearings and list versions are append-only: a correction is a new row. Dates that a court
or a police station writes on paper (registration, hearing, issue) are ISO ``YYYY-MM-DD``
strings, as elsewhere in the registry; moments the system records are UTC timestamps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dastavez.storage.tables import Base, utcnow


class CaseCounter(Base):
    """Last number issued per kind (``CASE``, ``INC``) and year: gap-free, never reused."""

    __tablename__ = "case_counter"
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class CourtCase(Base):
    """A criminal case from its FIR to its disposal."""

    __tablename__ = "court_case"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # CASE-2026-000012
    fir_number: Mapped[str] = mapped_column(String(50))
    police_station: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(100), index=True)
    registered_on: Mapped[str] = mapped_column(String(10))
    court: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(32), index=True)
    stage_since: Mapped[datetime]
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("police_station", "fir_number"),)


class CaseOffence(Base):
    """A statute section a case is registered under (see ``cases/offences.yaml``)."""

    __tablename__ = "case_offence"
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), primary_key=True)
    section: Mapped[str] = mapped_column(String(40), primary_key=True)


class CaseStageChange(Base):
    """One move of a case through its stages, with who made it and when."""

    __tablename__ = "case_stage_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class CaseParty(Base):
    """A person in a case (accused, absconder, witness …) and, for the accused, where they are."""

    __tablename__ = "case_party"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), index=True)
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(24))
    custody: Mapped[str | None] = mapped_column(String(16))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseExhibit(Base):
    __tablename__ = "case_exhibit"
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), primary_key=True)
    exhibit_id: Mapped[str] = mapped_column(ForeignKey("exhibit.id"), primary_key=True)
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseClaim(Base):
    __tablename__ = "case_claim"
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claim.id"), primary_key=True)
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Hearing(Base):
    """A hearing as it happened: held or adjourned (and why), and the next date fixed."""

    __tablename__ = "hearing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), index=True)
    date: Mapped[str] = mapped_column(String(10), index=True)
    court: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(16))  # held | adjourned
    adjournment_reason: Mapped[str | None] = mapped_column(String(500))
    next_date: Mapped[str | None] = mapped_column(String(10), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Warrant(Base):
    """An arrest warrant, a non-bailable warrant or a proclamation, against a person in a case."""

    __tablename__ = "warrant"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), index=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    court: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    exhibit_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"))
    status_note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Incident(Base):
    """An attack or other incident: when, where, what, and who suffered."""

    __tablename__ = "incident"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # INC-2026-000007
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    district: Mapped[str] = mapped_column(String(100), index=True)
    place: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(300))
    killed: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str | None] = mapped_column(Text)
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResponsibilityClaim(Base):
    """An organisation's claim of responsibility for an incident, with its source and how sure we are."""

    __tablename__ = "responsibility_claim"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), index=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    exhibit_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"))
    confidence: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncidentCase(Base):
    __tablename__ = "incident_case"
    incident_id: Mapped[str] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("court_case.id"), primary_key=True, index=True)


class ListVersion(Base):
    """A snapshot of a computed list (the leaders and facilitators), drafted and then approved.

    ``entries`` holds each person as the list showed them, with the claims and exhibits behind
    every element, so an issued version can be printed again exactly and compared with the next.
    """

    __tablename__ = "list_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))  # draft | approved | rejected
    note: Mapped[str | None] = mapped_column(Text)
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: compartments of the records the snapshot draws on: a reader needs every one of them
    compartments: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    #: the approved version this one is compared with, and what changed since (added, removed,
    #: changed, each with its reasons), worked out when the draft was made
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("list_version.id"))
    diff: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index("ix_list_version_kind_status", "kind", "status"),)
