"""The exhibit register."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from dastavez.api.deps import ActorDep, DbDep
from dastavez.api.schemas import ExhibitIn
from dastavez.evidence.exhibits import exhibit_view, register_exhibit
from dastavez.evidence.listing import list_evidence
from dastavez.evidence.vault import show_evidence

router = APIRouter(tags=["exhibits"])


@router.get("/exhibits")
def exhibits(
    actor: ActorDep,
    db: DbDep,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
    flagged: bool = False,
) -> dict[str, Any]:
    """Exhibits with verification status, custody state and legal-authority flags."""
    with db.read() as session:
        return list_evidence(session, actor, page=page, per_page=per_page, flagged=flagged)


@router.post("/exhibits", status_code=201)
def create_exhibit(body: ExhibitIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return exhibit_view(
            register_exhibit(
                session,
                actor,
                title=body.title,
                kind=body.kind,
                sha256=body.sha256,
                description=body.description,
                compartment=body.compartment,
            )
        )


@router.get("/exhibits/{exhibit_id}")
def exhibit(exhibit_id: str, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.audited_read() as session:  # the read is audited
        return show_evidence(session, actor, exhibit_id)
