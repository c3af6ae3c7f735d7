"""The ledger: verification, proofs and signed checkpoints, for anyone holding ``ledger.read``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from dastavez.access import audit
from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.ledger import checkpoints, log
from dastavez.ledger.verify import verify_ledger

router = APIRouter(tags=["ledger"])


@router.get("/ledger/verify")
def verify(actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    actor.require("ledger.read")
    with db.read() as session:
        report = verify_ledger(session, settings)
    with db.write() as session:
        audit.record(session, actor, "ledger.verify", detail={"ok": report.ok, "size": report.size})
    return report.as_dict()


@router.get("/ledger/proofs/{index}")
def inclusion_proof(
    index: int, actor: ActorDep, db: DbDep, size: Annotated[int | None, Query(ge=1)] = None
) -> dict[str, Any]:
    actor.require("ledger.read")
    with db.read() as session:
        return log.prove_inclusion(session, index, size=size).as_dict()


@router.get("/ledger/consistency")
def consistency_proof(
    actor: ActorDep, db: DbDep, old: Annotated[int, Query(ge=0)], new: Annotated[int, Query(ge=0)]
) -> dict[str, Any]:
    actor.require("ledger.read")
    with db.read() as session:
        proof = log.prove_consistency(session, old, new)
        return {
            "old_size": old,
            "new_size": new,
            "old_root": log.root_at(session, old).hex(),
            "new_root": log.root_at(session, new).hex(),
            "path": [node.hex() for node in proof],
        }


@router.get("/ledger/checkpoints/latest")
def latest_checkpoint(actor: ActorDep, db: DbDep) -> dict[str, Any]:
    actor.require("ledger.read")
    with db.read() as session:
        checkpoint = checkpoints.latest(session)
        if checkpoint is None:
            return {"size": 0, "root": None, "note": None}
        return {"size": checkpoint.size, "root": bytes(checkpoint.root).hex(), "note": checkpoint.note}


@router.post("/ledger/checkpoints", status_code=201)
def sign_checkpoint(actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    actor.require("ledger.checkpoint")
    with db.write() as session:
        checkpoint = log.checkpoint_now(session, settings)
        return {"size": checkpoint.size, "root": bytes(checkpoint.root).hex(), "note": checkpoint.note}


@router.get("/ledger/key")
def verifier_key(actor: ActorDep, settings: SettingsDep) -> dict[str, Any]:
    actor.require("ledger.read")
    return {"verifier_key": checkpoints.signing_key(settings).verifier_key()}
