"""Issuing the list: a draft snapshot, approved (or rejected) by a second person.

Four eyes: whoever drafted a version can never approve it. A version is compared with the
last approved one when it is drafted; if another version is approved meanwhile, the draft is
stale and must be drafted again, so an approval always signs off the differences it saw.
A version draws on compartmented records: only a reader cleared for all of them sees it.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases import fields
from dastavez.cases.leaders import ListFilters, compute_list
from dastavez.cases.list_diff import diff_entries
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.ledger.canonical import canonical_json
from dastavez.storage.case_tables import ListVersion
from dastavez.storage.tables import utcnow

KIND = "leaders"
DECISIONS = ("approved", "rejected")


def fingerprint(entries: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_json(entries).encode("utf-8")).hexdigest()


def latest_approved(session: Session) -> ListVersion | None:
    return session.scalars(
        select(ListVersion)
        .where(ListVersion.kind == KIND, ListVersion.status == "approved")
        .order_by(ListVersion.id.desc())
        .limit(1)
    ).first()


def visible_version(session: Session, actor: Actor, version_id: int) -> ListVersion:
    actor.require("list.read")
    version = session.get(ListVersion, version_id)
    if version is None or version.kind != KIND or not all(actor.cleared_for(c) for c in version.compartments):
        raise NotFound(f"no version {version_id} of the list", field="version")
    return version


def draft_version(
    session: Session,
    actor: Actor,
    *,
    today: date,
    home: str = "PK",
    note: str | None = None,
    filters: ListFilters | None = None,
) -> ListVersion:
    """Snapshot the list as it stands, with its differences from the last approved version."""
    actor.require("list.draft")
    filters = filters or ListFilters()
    entries = compute_list(session, actor, today=today, home=home, filters=filters)
    previous = latest_approved(session)
    if previous is not None and not all(actor.cleared_for(c) for c in previous.compartments):
        raise Conflict(
            "the last approved version draws on compartments you are not cleared for; "
            "a cleared colleague must draft the next one",
            field="version",
        )
    diff = diff_entries(session, previous.entries if previous else [], entries)
    version = ListVersion(
        kind=KIND,
        status="draft",
        note=fields.text(note, "note", 2000),
        filters=filters.as_dict(),
        entries=entries,
        fingerprint=fingerprint(entries),
        compartments=sorted({c for e in entries for c in e["compartments"]}),
        created_by=actor.username,
        created_at=utcnow(),
        previous_id=previous.id if previous else None,
        diff=diff,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor,
        "list.draft",
        target_type="list",
        target_id=str(version.id),
        detail={
            "people": len(entries),
            "fingerprint": version.fingerprint,
            "filters": version.filters,
            "previous": version.previous_id,
            "diff": diff["counts"],
        },
    )
    return version


def decide(
    session: Session, actor: Actor, *, version_id: int, decision: str, note: str | None = None
) -> ListVersion:
    """Approve or reject a draft; never one's own (four eyes)."""
    actor.require("list.approve")
    version = visible_version(session, actor, version_id)
    outcome = fields.required_choice(decision, "decision", DECISIONS)
    if version.status != "draft":
        raise Conflict(f"version {version.id} was already {version.status}", field="version")
    if version.created_by == actor.username:
        raise Conflict(
            "four eyes: the approver must be a different person than the author of the draft", field="version"
        )
    why = fields.text(note, "note", 2000)
    if outcome == "rejected" and why is None:
        raise InvalidInput("a rejection needs its reason (note)", field="note")
    current = latest_approved(session)
    if outcome == "approved" and (current.id if current else None) != version.previous_id:
        raise Conflict(
            f"version {current.id if current else '?'} was approved after this draft was made; "
            "draft the list again",
            field="version",
        )
    version.status, version.decided_by, version.decided_at, version.decision_note = (
        outcome,
        actor.username,
        utcnow(),
        why,
    )
    session.flush()
    audit.record(
        session,
        actor,
        f"list.{'approve' if outcome == 'approved' else 'reject'}",
        target_type="list",
        target_id=str(version.id),
        detail={"fingerprint": version.fingerprint, "author": version.created_by, "note": why},
    )
    return version


def version_view(version: ListVersion, *, entries: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": version.id,
        "kind": version.kind,
        "status": version.status,
        "note": version.note,
        "filters": version.filters,
        "people": len(version.entries),
        "fingerprint": version.fingerprint,
        "compartments": version.compartments,
        "created_by": version.created_by,
        "created_at": version.created_at.isoformat(),
        "decided_by": version.decided_by,
        "decided_at": version.decided_at.isoformat() if version.decided_at else None,
        "decision_note": version.decision_note,
        "previous": version.previous_id,
        "diff": version.diff,
    }
    if entries:
        view["entries"] = version.entries
    return view


def list_versions(session: Session, actor: Actor) -> list[dict[str, Any]]:
    actor.require("list.read")
    rows = session.scalars(
        select(ListVersion).where(ListVersion.kind == KIND).order_by(ListVersion.id.desc())
    )
    return [version_view(v) for v in rows if all(actor.cleared_for(c) for c in v.compartments)]


def show_version(session: Session, actor: Actor, version_id: int) -> dict[str, Any]:
    version = visible_version(session, actor, version_id)
    audit.record(session, actor, "list.version.read", target_type="list", target_id=str(version.id))
    return version_view(version, entries=True)
