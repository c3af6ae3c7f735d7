"""Table definitions of entity resolution: reference lists, the screening key index,
duplicate candidates, judgements and reversible merges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dastavez.storage.tables import Base, utcnow


class ReferenceList(Base):
    """An imported outside list (UN consolidated list, INTERPOL notices, an FtM file)."""

    __tablename__ = "reference_list"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "un-sc", "interpol-red", "ftm:name"
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[str | None] = mapped_column(String(64))  # the list's own date, when it has one
    file_sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64))


class ReferenceRecord(Base):
    """One entry of a reference list: kept apart from the unit's own claims, updated in place."""

    __tablename__ = "reference_record"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # "<list>:<external id>"
    list_id: Mapped[str] = mapped_column(ForeignKey("reference_list.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(128))
    schema: Mapped[str] = mapped_column(String(32))
    caption: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # names, dates, countries, identifiers…
    listed: Mapped[bool] = mapped_column(Boolean, default=True)  # False once a newer list drops it
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class NameKey(Base):
    """The screening index: blocking keys of every name of an entity or a reference record.

    ``owner`` is an entity id (``PER-…``) or a reference record id; ``compartment`` lets the
    query drop what the reader is not cleared for before any name is compared.
    """

    __tablename__ = "name_key"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(64))  # "registry" or the reference list id
    name: Mapped[str] = mapped_column(Text)
    claim_id: Mapped[str | None] = mapped_column(String(24), index=True)
    compartment: Mapped[str | None] = mapped_column(String(32))

    # Screening reads only these columns, from the index alone (no look-up of each row).
    __table_args__ = (
        Index("ix_name_key_cover", "key", "source", "compartment", "name", "owner"),
        Index("ix_name_key_owner", "owner"),
    )


class NameForm(Base):
    """The analysed form of every name in ``name_key`` (resolve/names/forms.py): screening
    scores candidates from these instead of analysing each name again."""

    __tablename__ = "name_form"
    name: Mapped[str] = mapped_column(Text, primary_key=True)  # at most 300 characters, as filed
    form: Mapped[str] = mapped_column(Text)


class DedupePair(Base):
    """A candidate pair of registry entities from the linkage model (left < right)."""

    __tablename__ = "dedupe_pair"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    left_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    right_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    weight: Mapped[float]
    probability: Mapped[float]
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("left_id", "right_id"),)


class Judgement(Base):
    """An analyst's decision on a pair: merge, not the same, or unsure. The latest one counts."""

    __tablename__ = "judgement"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    left_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    right_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_judgement_pair", "left_id", "right_id"),)


class EntityMerge(Base):
    """``merged`` was folded into ``kept``; undone when ``undone_at`` is set."""

    __tablename__ = "entity_merge"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kept_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    merged_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(64))


class MergedClaim(Base):
    """Where a claim was before a merge moved it: enough to put it back exactly."""

    __tablename__ = "merged_claim"
    merge_id: Mapped[int] = mapped_column(ForeignKey("entity_merge.id"), primary_key=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claim.id"), primary_key=True)
    #: ``entity``: the claim belonged to the merged entity; ``value``: it pointed at it
    moved: Mapped[str] = mapped_column(String(8))
    old_entity_id: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)


class IndexWatermark(Base):
    """How far a derived index has caught up with its source (``name_key`` with ``name_index``)."""

    __tablename__ = "index_watermark"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
