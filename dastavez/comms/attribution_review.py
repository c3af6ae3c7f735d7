"""Accepting and rejecting attribution suggestions: a human's judgement, kept.

Accepting makes the attribution claim. It cites a subscriber record when the user gives one;
without one the user must say ``unsupported`` explicitly, and the claim is then made with
``low`` confidence and no exhibit, so it is shown as *unsupported* everywhere (the design's
rule for a claim without a source). A handset or a contact pattern is a lead, not proof of
who holds a SIM, so the suggestion's evidence is kept on the judgement, not cited by the claim.
The window defaults to the days the number was seen in the records behind the suggestion.

Rejecting records who rejected the pair and why; the pair is never suggested again. A pair
may be rejected before it is ever suggested ("this number is not his").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.comms.attribution import attribute_in, check_support, clean_number
from dastavez.comms.suggestions import Thresholds, find_suggestions, parse_suggestion_id, suggestion_id
from dastavez.exc import Conflict, InvalidInput, NotFound
from dastavez.registry.entities import visible_entity
from dastavez.settings import Settings
from dastavez.storage.comms_tables import AttributionJudgement, CdrDataset
from dastavez.storage.engine import Database
from dastavez.storage.tables import utcnow

MAX_REASON = 2000


def _open_suggestion(
    db: Database, actor: Actor, settings: Settings, sid: str, person: str, limits: Thresholds | None
) -> dict[str, Any] | None:
    with db.read() as session:
        for entry in find_suggestions(session, actor, settings, person=person, limits=limits):
            if entry["id"] == sid:
                return entry
    return None


def _not_judged(session: Session, person: str, number: str) -> None:
    done = session.scalars(
        select(AttributionJudgement).where(
            AttributionJudgement.person_id == person, AttributionJudgement.number == number
        ).limit(1)
    ).first()
    if done is not None:
        raise Conflict(
            f"{suggestion_id(person, number)} was already {done.decision} by {done.judged_by}",
            field="suggestion",
        )


def _compartment_of(session: Session, datasets: list[str]) -> str | None:
    """The compartment of the data behind a suggestion (its first compartmented dataset)."""
    if not datasets:
        return None
    codes = session.scalars(
        select(CdrDataset.compartment).where(CdrDataset.id.in_(datasets), CdrDataset.compartment.is_not(None))
        .order_by(CdrDataset.id)
    ).all()
    return codes[0] if codes else None


def judgement_view(row: AttributionJudgement) -> dict[str, Any]:
    return {
        "id": row.id,
        "suggestion": suggestion_id(row.person_id, row.number),
        "person": row.person_id,
        "number": row.number,
        "decision": row.decision,
        "reason": row.reason,
        "claim": row.claim_id,
        "evidence": row.evidence,
        "judged_by": row.judged_by,
        "judged_at": row.judged_at.isoformat(),
    }


def accept_suggestion(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    suggestion: str,
    exhibit: str | None = None,
    unsupported: bool = False,
    valid_from: str | None = None,
    valid_to: str | None = None,
    locator: str | None = None,
    limits: Thresholds | None = None,
) -> dict[str, Any]:
    """Turn an open suggestion into an attribution claim and record the acceptance."""
    actor.require("registry.write")
    person, number = parse_suggestion_id(suggestion)
    check_support(exhibit, unsupported)
    sid = suggestion_id(person, number)
    entry = _open_suggestion(db, actor, settings, sid, person, limits)
    if entry is None:
        raise NotFound(f"no open suggestion {suggestion!r}", field="suggestion")
    with db.write() as session:
        _not_judged(session, person, number)
        code = _compartment_of(session, entry["datasets"]) if exhibit is None else None
        made = attribute_in(
            session,
            actor,
            settings,
            number=number,
            person=person,
            exhibit=exhibit,
            valid_from=valid_from or (entry["first"] or "")[:10] or None,
            valid_to=valid_to or (entry["last"] or "")[:10] or None,
            locator=locator,
            confidence="low" if exhibit is None else "medium",
            compartment=code,
            unsupported=unsupported,
        )
        row = AttributionJudgement(
            person_id=person, number=number, decision="accepted", evidence=entry["reasons"],
            claim_id=made["claim"], compartment=code, judged_by=actor.username, judged_at=utcnow(),
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "attribution.accept", target_type="claim", target_id=made["claim"],
                     compartment=code, detail={"suggestion": sid, "exhibit": exhibit})
        return {"suggestion": entry, "attribution": made, "judgement": judgement_view(row)}


def reject_suggestion(
    db: Database,
    actor: Actor,
    settings: Settings,
    *,
    suggestion: str,
    reason: str,
    limits: Thresholds | None = None,
) -> dict[str, Any]:
    """Record that this number is not to be suggested for this person, and why."""
    actor.require("registry.write")
    person, number = parse_suggestion_id(suggestion)
    number = clean_number(number, settings)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("say why the suggestion is rejected (reason)", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason must be at most {MAX_REASON} characters", field="reason")
    with db.read() as session:
        entity = visible_entity(session, actor, person, schema="Person")
    sid = suggestion_id(entity.id, number)
    entry = (
        _open_suggestion(db, actor, settings, sid, entity.id, limits)
        if actor.can("comms.read") else None
    )
    with db.write() as session:
        _not_judged(session, entity.id, number)
        code = _compartment_of(session, entry["datasets"]) if entry else None
        row = AttributionJudgement(
            person_id=entity.id, number=number, decision="rejected", reason=reason,
            evidence=entry["reasons"] if entry else [], compartment=code or entity.compartment,
            judged_by=actor.username, judged_at=utcnow(),
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "attribution.reject", target_type="entity", target_id=entity.id,
                     compartment=row.compartment, detail={"suggestion": sid, "reason": reason})
        return judgement_view(row)
