"""The exhibit register: numbered exhibits that claims cite."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence import custody
from dastavez.exc import InvalidInput, NotFound
from dastavez.storage.tables import Compartment, Exhibit, ExhibitCounter, utcnow

KINDS = (
    "audio",
    "video",
    "image",
    "document",
    "cdr",
    "subscriber-record",
    "statement",
    "forensic-report",
    "other",
)
NUMBER = re.compile(r"^EXH-(\d{4})-(\d{6})$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def next_number(session: Session, year: int) -> str:
    """Gap-free per-year numbering; the counter row upsert serialises concurrent writers.

    One statement whether or not the year's row exists yet: with a separate insert for the
    first number of a year, two concurrent writers would both insert and one would fail.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    bumped = session.execute(
        dialect.insert(ExhibitCounter)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last": ExhibitCounter.last + 1})
        .returning(ExhibitCounter.last)
    ).scalar_one()
    return f"EXH-{year}-{bumped:06d}"


def clean_exhibit_fields(*, title: str, kind: str, sha256: str | None) -> tuple[str, str | None]:
    """The checks every new exhibit passes, however it is registered: (title, sha256) cleaned."""
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("an exhibit needs a title", field="title")
    if len(title) > 300:
        raise InvalidInput("exhibit title must be at most 300 characters", field="title")
    if kind not in KINDS:
        raise InvalidInput(f"unknown exhibit kind {kind!r}; kinds are {', '.join(KINDS)}", field="kind")
    if sha256 is not None:
        sha256 = sha256.strip().lower()
        if not SHA256.match(sha256):
            raise InvalidInput("sha256 must be 64 hexadecimal characters", field="sha256")
    return title, sha256


def register_exhibit(
    session: Session,
    actor: Actor,
    *,
    title: str,
    kind: str,
    sha256: str | None = None,
    description: str | None = None,
    compartment: str | None = None,
    now: datetime | None = None,
) -> Exhibit:
    actor.require("exhibit.write")
    title, sha256 = clean_exhibit_fields(title=title, kind=kind, sha256=sha256)
    if compartment is not None:
        if session.get(Compartment, compartment) is None:
            raise NotFound(f"no compartment {compartment!r}", field="compartment")
        if not actor.cleared_for(compartment):
            raise NotFound(f"no compartment {compartment!r}", field="compartment")
    now = now or utcnow()
    exhibit = Exhibit(
        id=next_number(session, now.year),
        title=title,
        kind=kind,
        sha256=sha256,
        description=(description or None),
        compartment=compartment,
        created_by=actor.username,
        created_at=now,
    )
    session.add(exhibit)
    session.flush()
    custody.first_links(
        session, actor, exhibit, collected_by=None, collected_at=now, place=None, hash_check=None
    )
    session.flush()
    audit.record(
        session,
        actor,
        "exhibit.register",
        target_type="exhibit",
        target_id=exhibit.id,
        compartment=compartment,
        detail={"kind": kind, "title": title},
    )
    return exhibit


def visible_exhibit(session: Session, actor: Actor, exhibit_id: str) -> Exhibit:
    """The exhibit if it exists and the actor is cleared for it; otherwise NotFound (never 403,
    which would confirm that a compartmented exhibit exists)."""
    actor.require("exhibit.read")
    exhibit = session.get(Exhibit, exhibit_id.strip().upper())
    if exhibit is None or not actor.cleared_for(exhibit.compartment):
        raise NotFound(f"no exhibit {exhibit_id!r}", field="exhibit")
    return exhibit


def exhibit_view(exhibit: Exhibit) -> dict[str, Any]:
    return {
        "id": exhibit.id,
        "title": exhibit.title,
        "kind": exhibit.kind,
        "description": exhibit.description,
        "sha256": exhibit.sha256,
        "compartment": exhibit.compartment,
        "created_by": exhibit.created_by,
        "created_at": exhibit.created_at.isoformat(),
    }


def show_exhibit(session: Session, actor: Actor, exhibit_id: str) -> dict[str, Any]:
    exhibit = visible_exhibit(session, actor, exhibit_id)
    audit.record(
        session,
        actor,
        "exhibit.read",
        target_type="exhibit",
        target_id=exhibit.id,
        compartment=exhibit.compartment,
    )
    return exhibit_view(exhibit)


def list_exhibits(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    actor.require("exhibit.read")
    query = select(Exhibit).where(actor.visible(Exhibit.compartment))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Exhibit.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return {"exhibits": [exhibit_view(e) for e in rows], "total": total, "page": page, "per_page": per_page}
