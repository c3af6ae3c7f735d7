"""Table definitions of communications analysis: the catalog of imported call-record datasets.

Calls themselves are never stored here (they live in Parquet, see ``dastavez/comms/layout.py``);
a dataset row says which exhibit the file is, the authority it was obtained under, how many
rows were read, rejected and found out of scope, and the compartment readers need.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dastavez.storage.tables import Base, utcnow


class CdrDataset(Base):
    """One imported operator export: an exhibit whose rows became stored calls."""

    __tablename__ = "cdr_dataset"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # CDR-7TXQRE5E3S
    exhibit_id: Mapped[str] = mapped_column(ForeignKey("exhibit.id"), unique=True)
    authority_id: Mapped[str | None] = mapped_column(String(20), index=True)
    operator: Mapped[str] = mapped_column(String(64))
    time_zone: Mapped[str] = mapped_column(String(64))
    #: the column mapping in force (preset merged with ``--map``), kept for reproducibility
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    out_of_scope: Mapped[int] = mapped_column(BigInteger, default=0)
    numbers: Mapped[int] = mapped_column(Integer, default=0)
    first_call: Mapped[datetime | None]
    last_call: Mapped[datetime | None]
    #: path of the rejects file, relative to DASTAVEZ_HOME (None when nothing was rejected)
    rejects_file: Mapped[str | None] = mapped_column(String(300))
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttributionJudgement(Base):
    """A person's verdict on an attribution suggestion (number ↔ person), so it is not made again."""

    __tablename__ = "attribution_judgement"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), index=True)
    decision: Mapped[str] = mapped_column(String(8))  # accepted | rejected
    reason: Mapped[str | None] = mapped_column(Text)
    #: the suggestion's reasons (IMEI, contact overlap) as they stood when judged
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    claim_id: Mapped[str | None] = mapped_column(String(24))
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    judged_by: Mapped[str] = mapped_column(String(64))
    judged_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecordingCorroboration(Base):
    """A recording's claimed call (parties, start, duration) checked against the call records."""

    __tablename__ = "recording_corroboration"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exhibit_id: Mapped[str] = mapped_column(ForeignKey("exhibit.id"), index=True)
    caller: Mapped[str] = mapped_column(String(40))
    callee: Mapped[str] = mapped_column(String(40))
    claimed_start: Mapped[datetime]
    claimed_duration_s: Mapped[int] = mapped_column(Integer)
    tolerance_s: Mapped[int] = mapped_column(Integer)
    duration_tolerance_s: Mapped[int] = mapped_column(Integer)
    duration_tolerance_pct: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(12))  # match | no-match | ambiguous
    #: the matching calls: dataset, exhibit, line, parties, start, duration
    matches: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: the datasets searched (those the examiner was cleared for)
    datasets: Mapped[list[Any]] = mapped_column(JSON, default=list)
    verification_id: Mapped[int | None] = mapped_column(ForeignKey("verification.id"))
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    checked_by: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
