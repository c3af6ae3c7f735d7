"""Duplicate detection: run the model, review candidate pairs, judge them, merge and unmerge."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from dastavez.api.deps import ActorDep, DbDep
from dastavez.api.schemas import Input
from dastavez.resolve.dedupe import MAX_LIMIT, list_pairs, run_dedupe
from dastavez.resolve.dedupe_defaults import DEFAULT_THRESHOLD
from dastavez.resolve.judgements import judge_pair, judgements_of
from dastavez.resolve.merge import merge_entities, merge_history, unmerge_entity

router = APIRouter(tags=["duplicates"])

Note = Annotated[str | None, Field(default=None, max_length=2000)]


class DedupeRunIn(Input):
    threshold: float = DEFAULT_THRESHOLD


class JudgementIn(Input):
    left: str = Field(max_length=32)
    right: str = Field(max_length=32)
    decision: str = Field(max_length=16)
    note: Note = None
    keep: str | None = Field(default=None, max_length=32)


class MergeIn(Input):
    kept: str = Field(max_length=32)
    merged: str = Field(max_length=32)
    note: Note = None


class UnmergeIn(Input):
    note: Note = None


@router.post("/dedupe/runs", status_code=201)
def start_run(body: DedupeRunIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    """Run the linkage model over the registry's live persons and store its candidate pairs."""
    return run_dedupe(db, actor, threshold=body.threshold)


@router.get("/dedupe/pairs")
async def pairs(
    actor: ActorDep,
    db: DbDep,
    status: Annotated[str, Query(max_length=16)] = "open",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Candidate pairs the caller is cleared to see (both entities), strongest first."""
    async with db.audited_read_async() as session:
        return list_pairs(session, actor, status=status, limit=limit, offset=offset)


@router.get("/dedupe/pairs/{left}/{right}/judgements")
def pair_judgements(left: str, right: str, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return {"judgements": judgements_of(session, actor, left=left, right=right)}


@router.post("/dedupe/judgements", status_code=201)
def judge(body: JudgementIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    """Merge, not the same, or unsure; a merge decision merges when the caller may merge."""
    with db.write() as session:
        return judge_pair(session, actor, left=body.left, right=body.right, decision=body.decision,
                          note=body.note, keep=body.keep)


@router.post("/merges", status_code=201)
def merge(body: MergeIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    """Fold ``merged`` into ``kept``."""
    with db.write() as session:
        return merge_entities(session, actor, kept_id=body.kept, merged_id=body.merged, note=body.note)


@router.post("/entities/{entity_id}/unmerge")
def unmerge(entity_id: str, body: UnmergeIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    """Undo the merge of ``entity_id``: its claims go back exactly."""
    with db.write() as session:
        return unmerge_entity(session, actor, merged_id=entity_id, note=body.note)


@router.get("/entities/{entity_id}/merges")
def merges(entity_id: str, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    """Where the entity is merged now (``merged_into``) and every merge it took part in."""
    with db.read() as session:
        return merge_history(session, actor, entity_id=entity_id)
