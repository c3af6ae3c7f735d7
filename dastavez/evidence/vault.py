"""Evidence files: add a file as an exhibit, show an exhibit with its proofs, re-hash everything.

Adding runs in two steps, because a 2 GB file must not hold a database transaction open:
``store_file`` streams it into the blob store (content-addressed, visible only once
complete), then ``add_evidence`` registers the exhibit, opens its chain of custody and
writes the ledger entry in one transaction. ``check_inputs`` runs first, so bad input
is refused before a byte is stored; a blob left by a failure after storing is an orphan that
``evidence verify --all`` reports (removing it could race another upload of the same content).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms.corroboration_records import corroborations_of
from dastavez.evidence import custody, verification
from dastavez.evidence.authority import exhibit_flags, visible_authority
from dastavez.evidence.blobs import BlobStore, StoredBlob
from dastavez.evidence.exhibits import clean_exhibit_fields, next_number, visible_exhibit
from dastavez.evidence.selectors import clean_selectors, label
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.tables import Compartment, Exhibit, utcnow
from dastavez.storage.vault_tables import ExhibitTarget

#: what an exhibit is in its lineage: an original, or made from ``parent``
ORIGINS = ("original", "working-copy", "transcript", "translation", "excerpt")


def blob_store(settings: Settings) -> BlobStore:
    return BlobStore(settings.home / "blobs")


@dataclass(frozen=True)
class EvidenceInput:
    """Everything about a new evidence file except the file itself."""

    title: str
    kind: str
    description: str | None = None
    compartment: str | None = None
    origin: str = "original"
    parent: str | None = None
    authority: str | None = None
    collected_at: datetime | None = None
    collected_by: str | None = None
    collected_place: str | None = None
    collection_tool: str | None = None
    targets: tuple[str, ...] = ()
    file_name: str | None = None


def check_inputs(session: Session, actor: Actor, data: EvidenceInput, *, settings: Settings) -> None:
    """Refuse bad input before the file is stored (the same checks run again when it is added)."""
    actor.require("exhibit.write")
    clean_exhibit_fields(title=data.title, kind=data.kind, sha256=None)
    if data.origin not in ORIGINS:
        raise InvalidInput(f"origin must be one of {', '.join(ORIGINS)}", field="origin")
    if data.origin == "original" and data.parent:
        raise InvalidInput(
            "an original has no parent exhibit; give --origin for a copy or derivative", field="parent"
        )
    if data.origin != "original" and not data.parent:
        raise InvalidInput(f"a {data.origin} names the exhibit it was made from (--parent)", field="parent")
    if data.parent:
        visible_exhibit(session, actor, data.parent)
    if data.authority:
        visible_authority(session, actor, data.authority)
    if data.compartment is not None and (
        session.get(Compartment, data.compartment) is None or not actor.cleared_for(data.compartment)
    ):
        raise NotFound(f"no compartment {data.compartment!r}", field="compartment")
    if data.collected_at is not None and data.collected_at.tzinfo is None:
        raise InvalidInput("the collection time needs a time zone", field="collected_at")
    if data.collected_at is not None and data.collected_at > utcnow() + custody.CLOCK_SKEW:
        raise InvalidInput("the collection time cannot be in the future", field="collected_at")
    clean_selectors(list(data.targets), default_region=settings.default_region)
    for value, field, limit in (
        (data.collected_by, "collected_by", 200),
        (data.collected_place, "collected_place", 200),
        (data.collection_tool, "collection_tool", 200),
        (data.file_name, "file_name", 300),
    ):
        if value is not None and len(value) > limit:
            raise InvalidInput(f"{field.replace('_', ' ')} must be at most {limit} characters", field=field)


def store_file(
    store: BlobStore, stream: BinaryIO, *, settings: Settings, progress: Callable[[int], None] | None = None
) -> StoredBlob:
    return store.put_stream(stream, max_size=settings.max_evidence_bytes, progress=progress)


def add_evidence(
    session: Session,
    actor: Actor,
    data: EvidenceInput,
    *,
    blob: StoredBlob,
    media: dict[str, Any],
    settings: Settings,
) -> Exhibit:
    check_inputs(session, actor, data, settings=settings)
    title, _ = clean_exhibit_fields(title=data.title, kind=data.kind, sha256=None)
    same = session.scalars(select(Exhibit).where(Exhibit.sha256 == blob.sha256).limit(1)).first()
    if same is not None:
        where = same.id if actor.cleared_for(same.compartment) else "an exhibit you are not cleared for"
        raise Conflict(f"this file is already stored as {where}", field="file")
    now = utcnow()
    parent = visible_exhibit(session, actor, data.parent) if data.parent else None
    exhibit = Exhibit(
        id=next_number(session, now.year),
        title=title,
        kind=data.kind,
        description=" ".join((data.description or "").split()) or None,
        sha256=blob.sha256,
        sha512=blob.sha512,
        size=blob.size,
        file_name=data.file_name,
        media=media,
        integrity="ok",
        integrity_checked_at=now,
        origin=data.origin,
        parent_id=parent.id if parent else None,
        authority_id=visible_authority(session, actor, data.authority).id if data.authority else None,
        collected_at=data.collected_at or now,
        collected_by=data.collected_by,
        collected_place=data.collected_place,
        collection_tool=data.collection_tool,
        compartment=data.compartment or (parent.compartment if parent else None),
        created_by=actor.username,
        created_at=now,
    )
    session.add(exhibit)
    session.flush()
    targets = clean_selectors(list(data.targets), default_region=settings.default_region)
    session.add_all(ExhibitTarget(exhibit_id=exhibit.id, kind=k, value=v) for k, v in targets)
    custody.first_links(
        session,
        actor,
        exhibit,
        collected_by=data.collected_by,
        collected_at=exhibit.collected_at or now,
        place=data.collected_place,
        hash_check=custody.HashCheck("match", "hashed when stored"),
    )
    session.flush()
    audit.record(
        session,
        actor,
        "exhibit.add",
        target_type="exhibit",
        target_id=exhibit.id,
        compartment=exhibit.compartment,
        detail=_record(exhibit, targets),
    )
    return exhibit


def _record(exhibit: Exhibit, targets: list[tuple[str, str]]) -> dict[str, Any]:
    """What the ledger keeps of a new exhibit: enough to prove its file and origin later."""
    return {
        "title": exhibit.title,
        "kind": exhibit.kind,
        "sha256": exhibit.sha256,
        "sha512": exhibit.sha512,
        "size": exhibit.size,
        "origin": exhibit.origin,
        "parent": exhibit.parent_id,
        "authority": exhibit.authority_id,
        "collected_at": exhibit.collected_at.isoformat() if exhibit.collected_at else None,
        "collected_by": exhibit.collected_by,
        "targets": [label(k, v) for k, v in targets],
    }


def evidence_view(session: Session, exhibit: Exhibit, *, status: str | None = None) -> dict[str, Any]:
    """An exhibit as lists show it: its file, lineage, custody state, status and flags."""
    status = status or verification.status_of(exhibit, verification.latest(session, exhibit.id))
    return {
        "id": exhibit.id,
        "title": exhibit.title,
        "kind": exhibit.kind,
        "description": exhibit.description,
        "sha256": exhibit.sha256,
        "sha512": exhibit.sha512,
        "size": exhibit.size,
        "file_name": exhibit.file_name,
        "media": exhibit.media or {},
        "origin": exhibit.origin,
        "parent": exhibit.parent_id,
        "authority": exhibit.authority_id,
        "collected_at": exhibit.collected_at.isoformat() if exhibit.collected_at else None,
        "collected_by": exhibit.collected_by,
        "collected_place": exhibit.collected_place,
        "collection_tool": exhibit.collection_tool,
        "holder": exhibit.holder,
        "custody_state": exhibit.custody_state,
        "integrity": exhibit.integrity,
        "verification_status": status,
        "verification_label": verification.LABELS[status],
        "flags": exhibit_flags(session, exhibit),
        "compartment": exhibit.compartment,
        "created_by": exhibit.created_by,
        "created_at": exhibit.created_at.isoformat(),
    }


def show_evidence(session: Session, actor: Actor, exhibit_id: str) -> dict[str, Any]:
    """The whole record of one exhibit: custody chain, verifications, lineage. The read is audited."""
    exhibit = visible_exhibit(session, actor, exhibit_id)
    view = evidence_view(session, exhibit)
    view["custody"] = custody.chain(session, exhibit.id)
    view["verifications"] = verification.history(session, exhibit.id)
    view["corroboration"] = corroborations_of(session, actor, exhibit.id)
    view["targets"] = [
        label(k, v)
        for k, v in session.execute(
            select(ExhibitTarget.kind, ExhibitTarget.value).where(ExhibitTarget.exhibit_id == exhibit.id)
        )
    ]
    view["derived"] = [
        {"id": child.id, "origin": child.origin, "title": child.title}
        for child in session.scalars(
            select(Exhibit)
            .where(Exhibit.parent_id == exhibit.id, actor.visible(Exhibit.compartment))
            .order_by(Exhibit.id)
        )
    ]
    audit.record(
        session,
        actor,
        "exhibit.read",
        target_type="exhibit",
        target_id=exhibit.id,
        compartment=exhibit.compartment,
    )
    return view


def check_file_at_handover(
    db: Database, actor: Actor, exhibit_id: str, *, settings: Settings
) -> custody.HashCheck:
    """Re-hash an exhibit's stored file for a custody event, with no transaction open
    (gigabytes take a while); the outcome is recorded on the event."""
    with db.read() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
    if exhibit.sha256 is None or exhibit.size is None:
        raise InvalidInput(f"{exhibit.id} has no stored file to hash", field="check_hash")
    result = blob_store(settings).check(exhibit.sha256, size=exhibit.size, sha512=exhibit.sha512)
    return custody.HashCheck("match" if result.status == "ok" else "mismatch", result.detail)
