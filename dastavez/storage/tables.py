"""Table definitions of the foundation: access, registry, minimal exhibits.

Domains own the logic; these are only the shapes of the rows. Schema changes go through
an Alembic migration in ``storage/migrations/versions`` (a test compares the two).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}  # noqa: RUF012  # read by SQLAlchemy


# --- access ---------------------------------------------------------------------------


class Compartment(Base):
    __tablename__ = "compartment"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class UserClearance(Base):
    __tablename__ = "user_clearance"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    compartment: Mapped[str] = mapped_column(ForeignKey("compartment.code"), primary_key=True)


class WebSession(Base):
    __tablename__ = "web_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    client: Mapped[str | None] = mapped_column(String(100))


class ApiToken(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginAttempt(Base):
    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    success: Mapped[bool] = mapped_column(Boolean)


class AuditEvent(Base):
    """Who did or read what, when, through which interface. Never updated or deleted."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    interface: Mapped[str] = mapped_column(String(8))
    client: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64), index=True)
    compartment: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- registry -------------------------------------------------------------------------


class Entity(Base):
    __tablename__ = "entity"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    schema: Mapped[str] = mapped_column(String(32), index=True)
    caption: Mapped[str] = mapped_column(String(300))
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    legal_status: Mapped[str | None] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: set while this entity is merged into another (entity resolution); lists and search skip it
    merged_into: Mapped[str | None] = mapped_column(String(32), index=True)


class Exhibit(Base):
    """The exhibit register (the evidence vault extends it with files and custody)."""

    __tablename__ = "exhibit"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)  # EXH-2026-000123
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    # --- the stored file (evidence vault) ---
    sha512: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(BigInteger)
    file_name: Mapped[str | None] = mapped_column(String(300))
    media: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: ``broken`` once a re-hash found the stored file changed or gone
    integrity: Mapped[str] = mapped_column(String(12), default="unchecked", server_default="unchecked")
    integrity_checked_at: Mapped[datetime | None]
    # --- lineage: original, working copy, or derived (transcript, translation, excerpt) ---
    origin: Mapped[str] = mapped_column(String(16), default="original", server_default="original")
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"), index=True)
    # --- acquisition and custody ---
    authority_id: Mapped[str | None] = mapped_column(String(20), index=True)
    collected_at: Mapped[datetime | None]
    collected_by: Mapped[str | None] = mapped_column(String(200))
    collected_place: Mapped[str | None] = mapped_column(String(200))
    collection_tool: Mapped[str | None] = mapped_column(String(200))
    holder: Mapped[str | None] = mapped_column(String(200))
    custody_state: Mapped[str] = mapped_column(String(12), default="held", server_default="held")


class ExhibitCounter(Base):
    """Last exhibit number issued per year, so numbers are gap-free and never reused."""

    __tablename__ = "exhibit_counter"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Claim(Base):
    """One statement about an entity, citing (or not) an exhibit. Retracted, never deleted."""

    __tablename__ = "claim"
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    prop: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    normalised: Mapped[str] = mapped_column(Text)
    #: the first 200 characters of ``normalised``: indexable on PostgreSQL, whose b-tree
    #: rows cannot hold a 20,000-character free-text value.
    value_key: Mapped[str] = mapped_column(String(200))
    qualifiers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    exhibit_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"), index=True)
    locator: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[str | None] = mapped_column(String(32))
    valid_to: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    compartment: Mapped[str | None] = mapped_column(ForeignKey("compartment.code"))
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_note: Mapped[str | None] = mapped_column(Text)
    retracted_at: Mapped[datetime | None]
    retracted_by: Mapped[str | None] = mapped_column(String(64))
    retraction_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_claim_entity_prop", "entity_id", "prop"),
        # Reverse look-ups: "which memberships have member = PER-…", "who has this phone".
        Index("ix_claim_prop_value_key", "prop", "value_key"),
    )


class LegalStatusChange(Base):
    __tablename__ = "legal_status_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    basis: Mapped[str] = mapped_column(Text)
    exhibit_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"))
    effective: Mapped[str | None] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Proscription(Base):
    __tablename__ = "proscription"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    law: Mapped[str] = mapped_column(String(200))
    notification_ref: Mapped[str] = mapped_column(String(200))
    date: Mapped[str] = mapped_column(String(32))
    exhibit_id: Mapped[str | None] = mapped_column(ForeignKey("exhibit.id"))
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class NameIndex(Base):
    """Folded names for search, one row per live name-like claim.

    SQLite searches it through the FTS5 table ``name_fts`` kept in step by triggers;
    PostgreSQL through a GIN index on ``to_tsvector('simple', folded)`` (see migrations).
    """

    __tablename__ = "name_index"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claim.id"), unique=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    compartment: Mapped[str | None] = mapped_column(String(32))
    folded: Mapped[str] = mapped_column(Text)
