"""Table definitions of the evidence vault: custody, verification, legal authority.

The exhibit row itself lives in ``tables.py`` (the foundation's register); these tables
hang off it. Custody events and verifications are append-only: a correction is a new row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dastavez.storage.tables import Base, utcnow


class CustodyEvent(Base):
    """One link of an exhibit's chain of custody; ``seq`` numbers the links from 1."""

    __tablename__ = "custody_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibit_id: Mapped[str] = mapped_column(ForeignKey("exhibit.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    from_holder: Mapped[str | None] = mapped_column(String(200))
    to_holder: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(500))
    seal_number: Mapped[str | None] = mapped_column(String(100))
    hash_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ``match`` or ``mismatch`` when the file was re-hashed at this hand-over
    hash_result: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("exhibit_id", "seq"),)


class Verification(Base):
    """An examiner's verification of an exhibit and its second-person review."""

    __tablename__ = "verification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibit_id: Mapped[str] = mapped_column(ForeignKey("exhibit.id"), index=True)
    method: Mapped[str] = mapped_column(String(300))
    result: Mapped[str] = mapped_column(String(16))  # passed | failed | inconclusive
    examiner: Mapped[str] = mapped_column(String(64))
    report_exhibit_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer: Mapped[str | None] = mapped_column(String(64))
    review_decision: Mapped[str | None] = mapped_column(String(16))  # confirmed | rejected
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]


class LegalAuthority(Base):
    """A warrant or order under which evidence is obtained; renewals point at what they renew."""

    __tablename__ = "legal_authority"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # AUTH-2026-000012
    basis: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(200), index=True)
    issued_by: Mapped[str] = mapped_column(String(300))
    applicant: Mapped[str | None] = mapped_column(String(200))
    authorising_officer: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[str | None] = mapped_column(String(10))
    valid_from: Mapped[str] = mapped_column(String(10))
    valid_to: Mapped[str] = mapped_column(String(10), index=True)
    data_classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    purpose: Mapped[str | None] = mapped_column(Text)
    retention_until: Mapped[str | None] = mapped_column(String(10))
    document_exhibit_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"))
    renews_id: Mapped[str | None] = mapped_column(ForeignKey("legal_authority.id"), index=True)
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthorityTarget(Base):
    """A selector an authority covers: a phone number (E.164), an IMEI, an IMSI or an account."""

    __tablename__ = "authority_target"
    authority_id: Mapped[str] = mapped_column(ForeignKey("legal_authority.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_authority_target_kind_value", "kind", "value"),)


class ExhibitTarget(Base):
    """A selector an exhibit is about, checked against the scope of its authority."""

    __tablename__ = "exhibit_target"
    exhibit_id: Mapped[str] = mapped_column(ForeignKey("exhibit.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
