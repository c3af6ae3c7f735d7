"""Verification: an examiner's finding on an exhibit, confirmed by a second person.

An exhibit is shown as *verified* only when its latest verification passed and a
different user, holding the supervisor or custodian role, confirmed it on review. A
changed or missing file (integrity broken) overrides everything else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.storage.tables import Exhibit, utcnow
from dastavez.storage.vault_tables import Verification

RESULTS = ("passed", "failed", "inconclusive")
DECISIONS = ("confirmed", "rejected")
STATUSES = ("unverified", "pending-review", "verified", "failed", "integrity-broken")
LABELS = {
    "unverified": "unverified",
    "pending-review": "verification pending review",
    "verified": "verified",
    "failed": "failed verification",
    "integrity-broken": "integrity broken",
}


def latest(session: Session, exhibit_id: str) -> Verification | None:
    return session.scalars(
        select(Verification)
        .where(Verification.exhibit_id == exhibit_id)
        .order_by(Verification.id.desc())
        .limit(1)
    ).first()


def status_of(exhibit: Exhibit, verification: Verification | None) -> str:
    if verification is None:
        return _status(exhibit.integrity, None, None)
    return _status(exhibit.integrity, verification.result, verification.review_decision)


def _status(integrity: str, result: str | None, decision: str | None) -> str:
    """The one rule: broken integrity overrides; only a confirmed pass is verified."""
    if integrity == "broken":
        return "integrity-broken"
    if result is None or decision == "rejected":
        return "unverified"
    if decision is None:
        return "pending-review"
    return {"passed": "verified", "failed": "failed"}.get(result, "unverified")


def statuses(session: Session, exhibits: list[Exhibit]) -> dict[str, str]:
    """Verification status of many exhibits in one query (for lists and cited exhibits)."""
    ids = [e.id for e in exhibits]
    newest: dict[str, Verification] = {}
    if ids:
        for row in session.scalars(
            select(Verification).where(Verification.exhibit_id.in_(ids)).order_by(Verification.id)
        ):
            newest[row.exhibit_id] = row
    return {e.id: status_of(e, newest.get(e.id)) for e in exhibits}


def record_verification(
    session: Session,
    actor: Actor,
    exhibit: Exhibit,
    *,
    method: str,
    result: str,
    report_exhibit_id: str | None = None,
    note: str | None = None,
) -> Verification:
    actor.require("verification.record")
    method = " ".join(method.split())
    if not method or len(method) > 300:
        raise InvalidInput("the verification method is required (at most 300 characters)", field="method")
    result = result.strip().lower()
    if result not in RESULTS:
        raise InvalidInput(f"result must be one of {', '.join(RESULTS)}", field="result")
    if exhibit.integrity == "broken":
        raise Conflict(
            f"{exhibit.id}'s stored file no longer matches its hash: it cannot be verified", field="exhibit"
        )
    report = None
    if report_exhibit_id:
        report = session.get(Exhibit, report_exhibit_id.strip().upper())
        if report is None or not actor.cleared_for(report.compartment):
            raise NotFound(f"no exhibit {report_exhibit_id!r}", field="report")
        if report.id == exhibit.id:
            raise InvalidInput("an exhibit cannot be its own verification report", field="report")
    pending = latest(session, exhibit.id)
    if pending is not None and pending.review_decision is None:
        raise Conflict(
            f"verification {pending.id} of {exhibit.id} is still waiting for its review", field="exhibit"
        )
    verification = Verification(
        exhibit_id=exhibit.id,
        method=method,
        result=result,
        examiner=actor.username,
        report_exhibit_id=report.id if report else None,
        note=" ".join((note or "").split()) or None,
        created_at=utcnow(),
    )
    session.add(verification)
    session.flush()
    audit.record(
        session,
        actor,
        "verification.record",
        target_type="exhibit",
        target_id=exhibit.id,
        compartment=exhibit.compartment,
        detail=verification_view(verification),
    )
    return verification


def review_verification(
    session: Session, actor: Actor, exhibit: Exhibit, *, decision: str, note: str | None = None
) -> Verification:
    """The second person's review of the exhibit's latest verification."""
    actor.require("verification.review")
    decision = decision.strip().lower()
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be {' or '.join(DECISIONS)}", field="decision")
    verification = latest(session, exhibit.id)
    if verification is None or verification.review_decision is not None:
        raise Conflict(f"{exhibit.id} has no verification waiting for review", field="exhibit")
    if verification.examiner == actor.username:
        raise Conflict("the review must be made by a different user than the examiner", field="reviewer")
    verification.reviewer = actor.username
    verification.review_decision = decision
    verification.review_note = " ".join((note or "").split()) or None
    verification.reviewed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "verification.review",
        target_type="exhibit",
        target_id=exhibit.id,
        compartment=exhibit.compartment,
        detail=verification_view(verification),
    )
    return verification


def verification_view(verification: Verification) -> dict[str, Any]:
    return {
        "id": verification.id,
        "method": verification.method,
        "result": verification.result,
        "examiner": verification.examiner,
        "report_exhibit": verification.report_exhibit_id,
        "note": verification.note,
        "at": verification.created_at.isoformat(),
        "reviewer": verification.reviewer,
        "review_decision": verification.review_decision,
        "review_note": verification.review_note,
        "reviewed_at": verification.reviewed_at.isoformat() if verification.reviewed_at else None,
    }


def history(session: Session, exhibit_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Verification).where(Verification.exhibit_id == exhibit_id).order_by(Verification.id)
    )
    return [verification_view(v) for v in rows]


def statuses_by_id(session: Session, exhibit_ids: set[str]) -> dict[str, str]:
    """Verification status of the given exhibits, by id, in two queries (for claims citing them)."""
    if not exhibit_ids:
        return {}
    ids = sorted(exhibit_ids)
    integrity = dict(session.execute(select(Exhibit.id, Exhibit.integrity).where(Exhibit.id.in_(ids))).all())
    newest: dict[str, tuple[str, str | None]] = {}
    rows = session.execute(
        select(Verification.exhibit_id, Verification.result, Verification.review_decision)
        .where(Verification.exhibit_id.in_(ids))
        .order_by(Verification.id)
    )
    for exhibit_id, result, decision in rows:
        newest[exhibit_id] = (result, decision)
    return {eid: _status(state, *newest.get(eid, (None, None))) for eid, state in integrity.items()}
