"""An analyst's decision on a candidate pair: merge, not the same, or unsure.

Every decision is kept (author, time, note); the latest one counts. A ``merge`` decision by
someone who may merge (``entity.merge``) merges at once, keeping the entity named first
unless ``keep`` says otherwise; by someone who may not, it is recorded as a proposal that a
supervisor carries out (``dastavez merge``, or the review queue's *to merge* list). Either
way the merge itself stays reversible (``merge.unmerge_entity``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import Conflict, InvalidInput
from dastavez.registry.entities import visible_entity
from dastavez.resolve.merge import clean_note, merge_entities
from dastavez.storage.resolve_tables import Judgement
from dastavez.storage.tables import Entity, utcnow

DECISIONS = ("merge", "not-same", "unsure")


def pair_compartment(left: Entity, right: Entity) -> str | None:
    """The compartment an event about a pair is filed under: readable only by whoever may see
    both entities (two different compartments give a code nobody holds alone)."""
    codes = sorted({c for c in (left.compartment, right.compartment) if c})
    return "+".join(codes)[:32] or None


def judge_pair(
    session: Session,
    actor: Actor,
    *,
    left: str,
    right: str,
    decision: str,
    note: str | None = None,
    keep: str | None = None,
) -> dict[str, Any]:
    """Record a decision on the pair ``left``/``right`` (either order); merge if it says so."""
    actor.require("dedupe.review")
    if decision not in DECISIONS:
        raise InvalidInput(f"decision must be one of {', '.join(DECISIONS)}", field="decision")
    first = visible_entity(session, actor, left)
    second = visible_entity(session, actor, right)
    if first.id == second.id:
        raise InvalidInput("a pair needs two different entities", field="right")
    if first.schema != second.schema:
        raise InvalidInput(f"a {first.schema} and a {second.schema} are not a candidate pair", field="right")
    note = clean_note(note)
    kept, merged = first, second
    if keep is not None:
        keep = keep.strip().upper()
        if keep not in (first.id, second.id):
            raise InvalidInput("keep must be one of the two entities of the pair", field="keep")
        kept, merged = (first, second) if keep == first.id else (second, first)
    if decision == "merge":
        for entity in (first, second):
            if entity.merged_into is not None:
                raise Conflict(f"{entity.id} is already merged into {entity.merged_into}")
    low, high = sorted((first.id, second.id))
    judgement = Judgement(left_id=low, right_id=high, decision=decision, note=note, author=actor.username,
                          at=utcnow())
    session.add(judgement)
    session.flush()
    audit.record(session, actor, "dedupe.judge", target_type="pair", target_id=f"{low}/{high}"[:64],
                 compartment=pair_compartment(first, second),
                 detail={"left": low, "right": high, "decision": decision, "note": note})
    merge = None
    if decision == "merge" and actor.can("entity.merge"):
        merge = merge_entities(session, actor, kept_id=kept.id, merged_id=merged.id, note=note)
    return judgement_view(judgement) | {
        "merge": merge,
        "awaiting_merge": decision == "merge" and merge is None,
        "keep": kept.id if decision == "merge" else None,
    }


def judgement_view(judgement: Judgement) -> dict[str, Any]:
    return {
        "left": judgement.left_id,
        "right": judgement.right_id,
        "decision": judgement.decision,
        "note": judgement.note,
        "author": judgement.author,
        "at": judgement.at.isoformat(),
    }


def judgements_of(session: Session, actor: Actor, *, left: str, right: str) -> list[dict[str, Any]]:
    """Every decision on one pair, oldest first."""
    actor.require("dedupe.review")
    low, high = sorted((visible_entity(session, actor, left).id, visible_entity(session, actor, right).id))
    rows = session.scalars(
        select(Judgement).where(Judgement.left_id == low, Judgement.right_id == high).order_by(Judgement.id)
    )
    return [judgement_view(j) for j in rows]
