"""Claims: add, list, retract, corroborate or dispute."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.schemas import ClaimIn, ClaimStatusIn, RetractIn
from dastavez.registry.claims import add_claim, claim_view, list_claims, retract_claim, set_claim_status

router = APIRouter(tags=["claims"])


@router.get("/entities/{entity_id}/claims")
def claims_of(entity_id: str, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return {"claims": [claim_view(c) for c in list_claims(session, actor, entity_id=entity_id)]}


@router.post("/entities/{entity_id}/claims", status_code=201)
def create_claim(
    entity_id: str, body: ClaimIn, actor: ActorDep, db: DbDep, settings: SettingsDep
) -> dict[str, Any]:
    with db.write() as session:
        claim, created = add_claim(
            session,
            actor,
            entity_id=entity_id,
            prop=body.prop,
            value=body.value,
            exhibit_id=body.exhibit,
            locator=body.locator,
            valid_from=body.valid_from,
            valid_to=body.valid_to,
            confidence=body.confidence,
            compartment=body.compartment,
            region=settings.default_region,
        )
        return claim_view(claim) | {"created": created}


@router.post("/claims/{claim_id}/retract")
def retract(claim_id: str, body: RetractIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return claim_view(retract_claim(session, actor, claim_id=claim_id, reason=body.reason))


@router.post("/claims/{claim_id}/status")
def change_status(claim_id: str, body: ClaimStatusIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return claim_view(
            set_claim_status(session, actor, claim_id=claim_id, status=body.status, note=body.note)
        )
