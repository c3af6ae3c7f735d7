"""Chain of custody: who held an exhibit, from when, and what they did with it.

The chain must be unbroken. Only the current holder hands an exhibit over (or the evidence
store, a user with ``custody.manage``, recording on a holder's behalf); times never run
backwards; a released exhibit can only come back (``returned``); a destroyed one is gone;
a sealed one must be unsealed, with the same seal number, before it is examined or copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import Conflict, InvalidInput, PermissionDenied
from dastavez.storage.tables import Exhibit, utcnow
from dastavez.storage.vault_tables import CustodyEvent

ACTIONS = (
    "collected",
    "received",
    "transferred",
    "sealed",
    "unsealed",
    "examined",
    "copied",
    "released",
    "returned",
    "destroyed",
)
#: actions that move the exhibit to a new holder, who must be named
HAND_OVERS = ("received", "transferred", "released", "returned")
#: what each custody state allows next
ALLOWED = {
    "held": {"received", "transferred", "sealed", "examined", "copied", "released", "destroyed"},
    "sealed": {"received", "transferred", "unsealed", "released", "destroyed"},
    "released": {"returned"},
    "destroyed": set(),
}
STATE_AFTER = {
    "sealed": "sealed",
    "unsealed": "held",
    "released": "released",
    "returned": "held",
    "destroyed": "destroyed",
}
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class HashCheck:
    """The outcome of re-hashing the file at a hand-over: ``match`` or ``mismatch``."""

    result: str
    detail: str


def _text(raw: str | None, field: str, limit: int) -> str | None:
    text = " ".join((raw or "").split())
    if len(text) > limit:
        raise InvalidInput(f"{field.replace('_', ' ')} must be at most {limit} characters", field=field)
    return text or None


def last_event(session: Session, exhibit_id: str) -> CustodyEvent | None:
    return session.scalars(
        select(CustodyEvent)
        .where(CustodyEvent.exhibit_id == exhibit_id)
        .order_by(CustodyEvent.seq.desc())
        .limit(1)
    ).first()


def _refusal(exhibit: Exhibit, action: str) -> str | None:
    state = exhibit.custody_state
    if action == "collected":
        return "collection is the first link of the chain and is recorded when the exhibit is added"
    if action in ALLOWED.get(state, set()):
        return None
    reasons = {
        "destroyed": f"{exhibit.id} was destroyed: nothing can follow",
        "released": f"{exhibit.id} was released to {exhibit.holder}: only its return can be recorded",
        "sealed": f"{exhibit.id} is sealed: unseal it before it is {action}",
        "held": f"{exhibit.id} is not sealed"
        if action == "unsealed"
        else f"{exhibit.id} is held, not released",
    }
    return reasons.get(state, f"{action} is not allowed while the exhibit is {state}")


def first_links(
    session: Session,
    actor: Actor,
    exhibit: Exhibit,
    *,
    collected_by: str | None,
    collected_at: datetime,
    place: str | None,
    hash_check: HashCheck | None,
) -> None:
    """The opening of a chain when an exhibit is added: collected, then received into the vault."""
    collector = _text(collected_by, "collected_by", 200) or actor.username
    links = [
        CustodyEvent(
            exhibit_id=exhibit.id,
            seq=1,
            action="collected",
            to_holder=collector,
            occurred_at=collected_at,
            place=place,
            recorded_by=actor.username,
            recorded_at=utcnow(),
        ),
    ]
    if collector != actor.username:
        links.append(
            CustodyEvent(
                exhibit_id=exhibit.id,
                seq=2,
                action="received",
                from_holder=collector,
                to_holder=actor.username,
                occurred_at=max(utcnow(), collected_at),
                recorded_by=actor.username,
                recorded_at=utcnow(),
            )
        )
    if hash_check is not None:
        links[-1].hash_checked, links[-1].hash_result = True, hash_check.result
    session.add_all(links)
    exhibit.holder, exhibit.custody_state = actor.username, "held"


def record_event(
    session: Session,
    actor: Actor,
    exhibit: Exhibit,
    *,
    action: str,
    to_holder: str | None = None,
    from_holder: str | None = None,
    occurred_at: datetime | None = None,
    place: str | None = None,
    purpose: str | None = None,
    seal_number: str | None = None,
    note: str | None = None,
    hash_check: HashCheck | None = None,
) -> CustodyEvent:
    """Add one link to the chain, or refuse it (Conflict) with the rule it breaks."""
    actor.require("custody.record")
    action = action.strip().lower()
    if action not in ACTIONS:
        raise InvalidInput(
            f"unknown custody action {action!r}; actions are {', '.join(ACTIONS)}", field="action"
        )
    refusal = _refusal(exhibit, action)
    if refusal:
        raise Conflict(refusal, field="action")
    holder = exhibit.holder
    if from_holder is not None and _text(from_holder, "from_holder", 200) != holder:
        raise Conflict(f"only the current holder ({holder}) can hand {exhibit.id} over", field="from")
    if actor.username != holder and not actor.can("custody.manage"):
        raise PermissionDenied(
            f"only the current holder ({holder}) or the evidence store can record custody of {exhibit.id}"
        )
    to = _text(to_holder, "to_holder", 200)
    if action in HAND_OVERS and not to:
        raise InvalidInput(f"a {action} event names who receives the exhibit (--to)", field="to")
    if action in HAND_OVERS and to == holder and action != "returned":
        raise InvalidInput(f"{holder} already holds {exhibit.id}", field="to")
    seal = _text(seal_number, "seal_number", 100)
    previous = last_event(session, exhibit.id)
    if action == "sealed" and not seal:
        raise InvalidInput("sealing records the seal number (--seal)", field="seal")
    if action == "unsealed" and not seal:
        raise InvalidInput("unsealing records the seal number of the seal broken (--seal)", field="seal")
    if action == "unsealed" and previous is not None:
        sealed_with = _seal_in_force(session, exhibit.id)
        if sealed_with and seal != sealed_with:
            raise Conflict(f"{exhibit.id} is sealed with {sealed_with}, not {seal}", field="seal")
    now = utcnow()
    when = occurred_at or now
    if when.tzinfo is None:
        raise InvalidInput("the time of a custody event needs a time zone", field="at")
    if when > now + CLOCK_SKEW:
        raise InvalidInput("a custody event cannot be in the future", field="at")
    if previous is not None and when < previous.occurred_at:
        last = previous.occurred_at.isoformat()
        raise Conflict(f"times may not run backwards: {exhibit.id}'s last event was at {last}", field="at")
    event = CustodyEvent(
        exhibit_id=exhibit.id,
        seq=(previous.seq if previous else 0) + 1,
        action=action,
        from_holder=holder,
        to_holder=to if action in HAND_OVERS else holder,
        occurred_at=when,
        place=_text(place, "place", 200),
        purpose=_text(purpose, "purpose", 500),
        seal_number=seal,
        note=_text(note, "note", 2000),
        hash_checked=hash_check is not None,
        hash_result=hash_check.result if hash_check else None,
        recorded_by=actor.username,
        recorded_at=now,
    )
    session.add(event)
    if action in HAND_OVERS:
        exhibit.holder = to
    exhibit.custody_state = STATE_AFTER.get(action, exhibit.custody_state)
    if hash_check is not None:
        exhibit.integrity, exhibit.integrity_checked_at = (
            ("ok" if hash_check.result == "match" else "broken"),
            now,
        )
    session.flush()
    audit.record(
        session,
        actor,
        f"custody.{action}",
        target_type="exhibit",
        target_id=exhibit.id,
        compartment=exhibit.compartment,
        detail=event_view(event),
    )
    return event


def _seal_in_force(session: Session, exhibit_id: str) -> str | None:
    return session.scalar(
        select(CustodyEvent.seal_number)
        .where(CustodyEvent.exhibit_id == exhibit_id, CustodyEvent.action == "sealed")
        .order_by(CustodyEvent.seq.desc())
        .limit(1)
    )


def event_view(event: CustodyEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "action": event.action,
        "from": event.from_holder,
        "to": event.to_holder,
        "at": event.occurred_at.isoformat(),
        "place": event.place,
        "purpose": event.purpose,
        "seal_number": event.seal_number,
        "hash_checked": event.hash_checked,
        "hash_result": event.hash_result,
        "note": event.note,
        "recorded_by": event.recorded_by,
    }


def chain(session: Session, exhibit_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(CustodyEvent).where(CustodyEvent.exhibit_id == exhibit_id).order_by(CustodyEvent.seq)
    )
    return [event_view(event) for event in rows]


def count(session: Session, exhibit_id: str) -> int:
    return session.scalar(select(func.count()).where(CustodyEvent.exhibit_id == exhibit_id)) or 0
