"""Merging two registry entities that are one person, and undoing it with every claim back.

``merge_entities(kept, merged)`` moves every claim of ``merged`` (retracted ones too) to
``kept``, points every entity-typed claim that named ``merged`` (a membership's member, an
associate) at ``kept``, moves the search and screening index rows with them, and marks
``merged.merged_into = kept``. Each moved claim is written down in ``merged_claim`` with
where it was, so ``unmerge_entity(merged)`` puts each back exactly: same claim ids, same
entity, same value. Claims made on ``kept`` after the merge stay on ``kept``.

Refused: an entity into itself, into an entity that is itself merged, across schemas or
compartments (a claim open on a compartmented entity would become open on an open one),
an entity the actor cannot see, an entity already merged; undoing a merge whose kept
entity has since been merged into a third (undo that one first). Undoing a merge files an
*unsure* judgement on the pair, so it goes back to the review queue for a fresh decision.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import Conflict, InvalidInput
from dastavez.model.schema import model
from dastavez.registry.entities import refresh_caption, visible_entity
from dastavez.storage.resolve_tables import EntityMerge, Judgement, MergedClaim, NameKey
from dastavez.storage.tables import Claim, Entity, NameIndex, utcnow

MAX_NOTE = 2000
REGISTRY = "registry"


@cache
def entity_props() -> frozenset[str]:
    """Every property whose value is an entity id, in any schema."""
    return frozenset(p.name for s in model().concrete for p in s.properties.values() if p.type == "entity")


def clean_note(note: str | None) -> str | None:
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"the note must be at most {MAX_NOTE} characters", field="note")
    return note or None


def _locked(session: Session, *ids: str) -> None:
    """Lock both rows (PostgreSQL) so two merges of the same entity cannot interleave."""
    session.execute(select(Entity.id).where(Entity.id.in_(ids)).with_for_update())


def merge_entities(
    session: Session, actor: Actor, *, kept_id: str, merged_id: str, note: str | None = None
) -> dict[str, Any]:
    """Fold ``merged`` into ``kept``; returns the merge with the counts of claims moved."""
    actor.require("entity.merge")
    kept = visible_entity(session, actor, kept_id)
    merged = visible_entity(session, actor, merged_id)
    note = clean_note(note)
    _locked(session, kept.id, merged.id)
    session.refresh(kept)
    session.refresh(merged)
    if kept.id == merged.id:
        raise InvalidInput("an entity cannot be merged into itself", field="merged")
    if merged.merged_into is not None:
        raise Conflict(f"{merged.id} is already merged into {merged.merged_into}; unmerge it first")
    if kept.merged_into is not None:
        raise Conflict(f"{kept.id} is itself merged into {kept.merged_into}; merge into that entity instead")
    if kept.schema != merged.schema:
        raise InvalidInput(f"cannot merge a {merged.schema} into a {kept.schema}", field="merged")
    if kept.compartment != merged.compartment:
        raise Conflict(f"{kept.id} and {merged.id} are in different compartments; "
                       "entities are merged only within one compartment")

    record = EntityMerge(kept_id=kept.id, merged_id=merged.id, author=actor.username, at=utcnow(), note=note)
    session.add(record)
    session.flush()
    moved: dict[str, MergedClaim] = {}
    for claim in session.scalars(select(Claim).where(Claim.entity_id == merged.id).order_by(Claim.id)):
        moved[claim.id] = MergedClaim(merge_id=record.id, claim_id=claim.id, moved="entity",
                                      old_entity_id=merged.id, old_value=None)
        claim.entity_id = kept.id
    pointing = select(Claim).where(Claim.prop.in_(entity_props()), Claim.value_key == merged.id)
    for claim in session.scalars(pointing.order_by(Claim.id)):
        entry = moved.get(claim.id)
        if entry is None:
            moved[claim.id] = MergedClaim(merge_id=record.id, claim_id=claim.id, moved="value",
                                          old_entity_id=claim.entity_id, old_value=claim.value)
        else:  # a claim of the merged entity that names the merged entity itself
            entry.moved, entry.old_value = "both", claim.value
        claim.value = claim.normalised = claim.value_key = kept.id
    session.add_all(moved.values())
    session.execute(update(NameIndex).where(NameIndex.entity_id == merged.id).values(entity_id=kept.id))
    session.execute(update(NameKey).where(NameKey.owner == merged.id, NameKey.source == REGISTRY)
                    .values(owner=kept.id))
    merged.merged_into = kept.id
    merged.updated_at = utcnow()
    refresh_caption(session, kept)
    counts = _visible_counts(session, actor, list(moved.values()))
    audit.record(session, actor, "entity.merge", target_type="entity", target_id=merged.id,
                 compartment=merged.compartment,
                 detail={"merge": record.id, "kept": kept.id, "merged": merged.id, "note": note} | counts)
    return merge_view(record) | counts


def unmerge_entity(
    session: Session, actor: Actor, *, merged_id: str, note: str | None = None
) -> dict[str, Any]:
    """Undo the live merge of ``merged``: every claim it moved goes back exactly."""
    actor.require("entity.merge")
    merged = visible_entity(session, actor, merged_id)
    note = clean_note(note)
    record = session.scalar(
        select(EntityMerge).where(EntityMerge.merged_id == merged.id, EntityMerge.undone_at.is_(None))
        .order_by(EntityMerge.id.desc())
    )
    if merged.merged_into is None or record is None:
        raise Conflict(f"{merged.id} is not merged into another entity")
    kept = visible_entity(session, actor, record.kept_id)
    _locked(session, kept.id, merged.id)
    session.refresh(kept)
    if kept.merged_into is not None:
        raise Conflict(f"{kept.id} has since been merged into {kept.merged_into}; unmerge {kept.id} first")

    entries = list(session.scalars(select(MergedClaim).where(MergedClaim.merge_id == record.id)))
    claims = _claims_of(session, entries)
    back_to_owner: dict[str, list[str]] = {}
    for entry in entries:
        claim = claims[entry.claim_id]
        if entry.moved in ("entity", "both"):
            claim.entity_id = entry.old_entity_id
            back_to_owner.setdefault(entry.old_entity_id, []).append(claim.id)
        if entry.moved in ("value", "both") and entry.old_value is not None:
            claim.value = claim.normalised = entry.old_value
            claim.value_key = entry.old_value[:200]
    for owner, claim_ids in back_to_owner.items():
        session.execute(update(NameIndex).where(NameIndex.claim_id.in_(claim_ids)).values(entity_id=owner))
        session.execute(update(NameKey).where(NameKey.claim_id.in_(claim_ids)).values(owner=owner))
    merged.merged_into = None
    merged.updated_at = utcnow()
    record.undone_at = utcnow()
    record.undone_by = actor.username
    # The pair goes back to the review queue as unsure: the merge decision no longer holds.
    low, high = sorted((kept.id, merged.id))
    session.add(Judgement(left_id=low, right_id=high, decision="unsure", author=actor.username,
                          at=record.undone_at, note=f"merge undone: {note}" if note else "merge undone"))
    refresh_caption(session, kept)
    refresh_caption(session, merged)
    audit.record(session, actor, "entity.unmerge", target_type="entity", target_id=merged.id,
                 compartment=merged.compartment,
                 detail={"merge": record.id, "kept": kept.id, "merged": merged.id, "note": note,
                         "claims": len(entries)})
    return merge_view(record)


def _claims_of(session: Session, entries: list[MergedClaim]) -> dict[str, Claim]:
    ids = [entry.claim_id for entry in entries]
    return {claim.id: claim for claim in session.scalars(select(Claim).where(Claim.id.in_(ids)))}


def _visible_counts(session: Session, actor: Actor, entries: list[MergedClaim]) -> dict[str, int]:
    """How many claims moved and how many references were repointed, of those the actor may see
    (hidden ones move too, but their number is not the actor's to know)."""
    claims = _claims_of(session, entries)
    owners = {c.entity_id for c in claims.values()}
    open_owners = set(session.scalars(
        select(Entity.id).where(Entity.id.in_(owners), actor.visible(Entity.compartment))))
    seen = [e for e in entries if actor.cleared_for(claims[e.claim_id].compartment)
            and claims[e.claim_id].entity_id in open_owners]
    return {"claims": sum(e.moved in ("entity", "both") for e in seen),
            "references": sum(e.moved in ("value", "both") for e in seen)}


def merge_view(record: EntityMerge) -> dict[str, Any]:
    return {
        "id": record.id,
        "kept": record.kept_id,
        "merged": record.merged_id,
        "author": record.author,
        "at": record.at.isoformat(),
        "note": record.note,
        "undone_at": record.undone_at.isoformat() if record.undone_at else None,
        "undone_by": record.undone_by,
    }


def merge_history(session: Session, actor: Actor, *, entity_id: str) -> dict[str, Any]:
    """For a profile page: where this entity is merged now, and the merges it took part in."""
    entity = visible_entity(session, actor, entity_id)
    rows = session.scalars(
        select(EntityMerge).where((EntityMerge.kept_id == entity.id) | (EntityMerge.merged_id == entity.id))
        .order_by(EntityMerge.id)
    )
    return {"entity": entity.id, "merged_into": entity.merged_into, "merges": [merge_view(r) for r in rows]}
