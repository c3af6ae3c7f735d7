"""Duplicate detection over the registry: run the linkage model, keep its candidate pairs, list them.

``run_dedupe(db, actor)`` exports the live persons (``dedupe_export``), runs the model
(``dedupe_model``) outside any transaction, and stores the pairs at or above the threshold in
``dedupe_pair`` (left < right), each with its explanation: per compared feature, the two
values, the level they fell in and the match weight it added. A new run replaces the pairs
nobody has judged yet; judged pairs stay (their scores are refreshed when the model finds them
again). The run covers every live person, whoever starts it: the model is better for seeing all
of them, and it shows nobody anything (its summary counts only the pairs the actor may see).

``list_pairs`` shows a pair only to a user cleared for both of its entities; the features
were computed only from claims as open as their entity, so the explanation holds nothing the
user may not see.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.exc import InvalidInput
from dastavez.resolve.dedupe_defaults import DEFAULT_THRESHOLD, SEED
from dastavez.resolve.judgements import judgement_view
from dastavez.storage.engine import Database
from dastavez.storage.resolve_tables import DedupePair, Judgement
from dastavez.storage.tables import Entity, utcnow

STATUSES = ("open", "to_merge", "judged", "all")
MAX_LIMIT = 500
_CHUNK = 5_000

if TYPE_CHECKING:
    from dastavez.resolve.dedupe_model import LinkResult


def explain(row: dict[str, Any], result: LinkResult, records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Why the model scored a pair as it did: the prior, then each feature's level and weight."""
    left, right = records[row["left"]], records[row["right"]]
    parts = []
    for comparison in result.comparisons:
        column = comparison["column"]
        gamma = row.get(f"gamma_{column}")
        compared = gamma is not None and gamma != -1  # -1: missing on one side, so not compared
        weight = (row.get(f"mw_{column}") or 0.0) + (row.get(f"mw_tf_adj_{column}") or 0.0)
        parts.append({
            "feature": comparison["description"],
            "column": column,
            "left": _shown(left, column),
            "right": _shown(right, column),
            "level": comparison["levels"].get(gamma, "?") if compared else "not known on both sides",
            "weight": round(_finite(weight), 3) if compared else 0.0,
        })
    return {"prior_weight": round(result.prior_weight, 3), "features": parts}


def _shown(record: dict[str, Any], column: str) -> str | None:
    value = record.get(column)
    if column == "dob":
        value = value or record.get("dob_year")
    if isinstance(value, list):
        return ", ".join(value) or None
    return value


def run_dedupe(db: Database, actor: Actor, *, threshold: float = DEFAULT_THRESHOLD,
               seed: int = SEED) -> dict[str, Any]:
    """Run the model over the registry and store its pairs; returns a summary."""
    actor.require("dedupe.review")
    if not math.isfinite(threshold) or not -50 <= threshold <= 50:
        raise InvalidInput("threshold must be a match weight between -50 and 50", field="threshold")
    # Arrow and Splink are loaded for a run only, not by every command or server start.
    from dastavez.resolve.dedupe_export import export_persons
    from dastavez.resolve.dedupe_model import link_records

    with db.read() as session:
        export = export_persons(session)
    result = link_records(export.records, threshold=threshold, seed=seed)
    records = {r["unique_id"]: r for r in export.records.to_pylist()}
    found = {
        (row["left"], row["right"]): {
            "weight": _finite(row["weight"]),
            "probability": float(row["probability"]),
            "features": explain(row, result, records),
        }
        for row in result.pairs.to_pylist()
    }
    with db.write() as session:
        stored = store_pairs(session, found)
        visible = _count(session, actor, "open")
        audit.record(session, actor, "dedupe.run", detail={
            "persons": result.records, "pairs": len(found), "threshold": threshold, "trained": result.trained,
            "seed": seed} | stored)
    return {
        "persons": result.records,
        "pairs_found": len(found),
        "open_pairs_visible": visible,
        "threshold": threshold,
        "trained": result.trained,
        "notes": result.notes,
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
    } | stored


def _finite(weight: float) -> float:
    """A level never seen among non-matches has u = 0 and an infinite weight: cap it for JSON."""
    return max(-999.0, min(999.0, float(weight)))


def store_pairs(session: Session, found: dict[tuple[str, str], dict[str, Any]]) -> dict[str, int]:
    """Replace the unjudged pairs with ``found``; refresh the judged ones the model found again."""
    judged = exists().where(Judgement.left_id == DedupePair.left_id,
                            Judgement.right_id == DedupePair.right_id)
    replaced = session.scalar(select(func.count()).select_from(DedupePair).where(~judged)) or 0
    session.execute(delete(DedupePair).where(~judged))
    kept = {(left, right): pair_id for pair_id, left, right in
            session.execute(select(DedupePair.id, DedupePair.left_id, DedupePair.right_id))}
    live = _live(session, {entity_id for pair in found for entity_id in pair})
    now = utcnow()
    fresh = []
    for (left, right), values in found.items():
        if left not in live or right not in live:
            continue  # merged (or gone) since the export
        if (left, right) in kept:
            session.execute(update(DedupePair).where(DedupePair.id == kept[(left, right)])
                            .values(computed_at=now, **values))
        else:
            fresh.append({"left_id": left, "right_id": right, "computed_at": now} | values)
    for start in range(0, len(fresh), _CHUNK):
        session.execute(insert(DedupePair), fresh[start:start + _CHUNK])
    return {"new_pairs": len(fresh), "replaced_pairs": replaced}


def _live(session: Session, ids: set[str]) -> set[str]:
    ordered = sorted(ids)
    live: set[str] = set()
    for start in range(0, len(ordered), _CHUNK):
        live.update(session.scalars(select(Entity.id).where(Entity.id.in_(ordered[start:start + _CHUNK]),
                                                            Entity.merged_into.is_(None))))
    return live


def _pairs_query(actor: Actor, status: str) -> Any:
    left, right, latest_of = aliased(Entity), aliased(Entity), aliased(Judgement)
    latest = (select(Judgement.left_id, Judgement.right_id, func.max(Judgement.id).label("judgement_id"))
              .group_by(Judgement.left_id, Judgement.right_id).subquery())
    query = (
        select(DedupePair, left, right, latest_of)
        .join(left, left.id == DedupePair.left_id)
        .join(right, right.id == DedupePair.right_id)
        .outerjoin(latest, and_(latest.c.left_id == DedupePair.left_id,
                                latest.c.right_id == DedupePair.right_id))
        .outerjoin(latest_of, latest_of.id == latest.c.judgement_id)
        .where(actor.visible(left.compartment), actor.visible(right.compartment))
    )
    both_live = and_(left.merged_into.is_(None), right.merged_into.is_(None))
    if status == "open":
        query = query.where(or_(latest_of.id.is_(None), latest_of.decision == "unsure"), both_live)
    elif status == "to_merge":
        query = query.where(latest_of.decision == "merge", both_live)
    elif status == "judged":
        query = query.where(latest_of.decision.in_(("merge", "not-same")))
    return query


def _count(session: Session, actor: Actor, status: str) -> int:
    return session.scalar(select(func.count()).select_from(_pairs_query(actor, status).subquery())) or 0


def list_pairs(session: Session, actor: Actor, *, status: str = "open", limit: int = 50,
               offset: int = 0) -> dict[str, Any]:
    """Candidate pairs the actor may see, strongest first; the reading is audited."""
    actor.require("dedupe.review")
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", field="status")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT} and offset ≥ 0", field="limit")
    query = _pairs_query(actor, status)
    total = _count(session, actor, status)
    ordered = query.order_by(DedupePair.weight.desc(), DedupePair.left_id, DedupePair.right_id)
    rows = session.execute(ordered.limit(limit).offset(offset)).all()
    pairs = [pair_view(*row) for row in rows]
    audit.record(session, actor, "dedupe.read",
                 detail={"status": status, "shown": len(pairs), "offset": offset})
    return {"pairs": pairs, "total": total, "status": status, "limit": limit, "offset": offset}


def pair_view(pair: DedupePair, left: Entity, right: Entity, judgement: Judgement | None) -> dict[str, Any]:
    older = min((left, right), key=lambda e: (e.created_at, e.id))
    return {
        "left": pair.left_id,
        "right": pair.right_id,
        "weight": round(pair.weight, 3),
        "probability": round(pair.probability, 6),
        "left_caption": left.caption,
        "right_caption": right.caption,
        "left_merged_into": left.merged_into,
        "right_merged_into": right.merged_into,
        "suggested_keep": older.id,  # the older record: its id has been cited the longest
        "explanation": pair.features,
        "computed_at": pair.computed_at.isoformat(),
        "judgement": judgement_view(judgement) if judgement is not None else None,
    }
