"""Evidence files, custody, verification and integrity.

An upload is the raw request body (``Content-Type: application/octet-stream``) with the
exhibit's fields in the query string, so a 2 GB recording streams to disk in constant
memory without multipart framing. It lands in a temp file first (the request is async,
the blob store is not), then moves into the store off the event loop.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.schemas import CustodyIn, ReviewIn, VerificationIn
from dastavez.evidence import custody, verification
from dastavez.evidence.blobs import StoredBlob
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.evidence.integrity import verify_all
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import (
    EvidenceInput,
    add_evidence,
    blob_store,
    check_file_at_handover,
    check_inputs,
    evidence_view,
)
from dastavez.exc import InvalidInput, PayloadTooLarge
from dastavez.settings import Settings

router = APIRouter(tags=["evidence"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/octet-stream": {
                "schema": {"type": "string", "format": "binary", "description": "the evidence file itself"}
            }
        },
    }
}


async def _spool(request: Request, settings: Settings) -> Path:
    """The request body in a temp file beside the blob store, refused past the size limit."""
    temp_dir = settings.home / "blobs" / "tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=temp_dir)
    received = 0
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                received += len(chunk)
                if received > settings.max_evidence_bytes:
                    raise PayloadTooLarge(
                        f"the file is larger than the limit of {settings.max_evidence_bytes:,} bytes",
                        field="file",
                    )
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _when(raw: str | None, field: str) -> datetime | None:
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as err:
        raise InvalidInput(f"{field} must be an ISO 8601 time with its zone", field=field) from err
    if value.tzinfo is None:
        raise InvalidInput(f"{field} needs a time zone", field=field)
    return value


@router.post("/exhibits/upload", status_code=201, openapi_extra=_BODY)
async def upload_evidence(
    request: Request,
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    kind: str,
    title: str,
    authority: str | None = None,
    description: str | None = None,
    origin: str = "original",
    parent: str | None = None,
    collected_at: str | None = None,
    collected_by: str | None = None,
    place: str | None = None,
    tool: str | None = None,
    target: Annotated[list[str] | None, Query()] = None,
    compartment: str | None = None,
    file_name: str | None = None,
) -> dict[str, Any]:
    data = EvidenceInput(
        title=title,
        kind=kind,
        description=description,
        compartment=compartment,
        origin=origin,
        parent=parent,
        authority=authority,
        collected_at=_when(collected_at, "collected_at"),
        collected_by=collected_by,
        collected_place=place,
        collection_tool=tool,
        targets=tuple(target or ()),
        file_name=file_name,
    )

    def check() -> None:
        with db.read() as session:
            check_inputs(session, actor, data, settings=settings)

    await run_in_threadpool(check)
    spooled = await _spool(request, settings)

    def store_and_add() -> dict[str, Any]:
        store = blob_store(settings)
        try:
            blob: StoredBlob = store.put_file(spooled)
        finally:
            spooled.unlink(missing_ok=True)
        media = read_media(store.path_for(blob.sha256), kind=data.kind)
        with db.write() as session:
            return evidence_view(
                session, add_evidence(session, actor, data, blob=blob, media=media, settings=settings)
            )

    return await run_in_threadpool(store_and_add)


@router.post("/exhibits/{exhibit_id}/custody", status_code=201)
def record_custody(
    exhibit_id: str, body: CustodyIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    hash_check = check_file_at_handover(db, actor, exhibit_id, settings=settings) if body.check_hash else None
    with db.write() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        event = custody.record_event(
            session,
            actor,
            exhibit,
            action=body.action,
            to_holder=body.to,
            from_holder=body.from_holder,
            occurred_at=_when(body.at, "at"),
            place=body.place,
            purpose=body.purpose,
            seal_number=body.seal_number,
            note=body.note,
            hash_check=hash_check,
        )
        return custody.event_view(event) | {
            "exhibit": exhibit.id,
            "holder": exhibit.holder,
            "state": exhibit.custody_state,
        }


@router.post("/exhibits/{exhibit_id}/verifications", status_code=201)
def record_verification(exhibit_id: str, body: VerificationIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        done = verification.record_verification(
            session,
            actor,
            exhibit,
            method=body.method,
            result=body.result,
            report_exhibit_id=body.report,
            note=body.note,
        )
        return verification.verification_view(done) | {"exhibit": exhibit.id}


@router.post("/exhibits/{exhibit_id}/verifications/review")
def review_verification(exhibit_id: str, body: ReviewIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        exhibit = visible_exhibit(session, actor, exhibit_id)
        done = verification.review_verification(
            session, actor, exhibit, decision=body.decision, note=body.note
        )
        return verification.verification_view(done) | {
            "exhibit": exhibit.id,
            "verification_status": verification.status_of(exhibit, done),
        }


@router.post("/integrity/check")
def check_integrity(actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    """Re-hash every stored file the caller is cleared for (slow: minutes for large vaults)."""
    return verify_all(db, actor, blob_store(settings)).as_dict()
