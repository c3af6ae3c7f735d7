"""Legal authorities: warrants and orders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.schemas import AuthorityIn
from dastavez.evidence.authority import add_authority, authority_view, list_authorities, show_authority

router = APIRouter(tags=["authorities"])


@router.get("/authorities")
def authorities(
    actor: ActorDep, db: DbDep, expiring_within: Annotated[int | None, Query(ge=0, le=3650)] = None
) -> dict[str, Any]:
    with db.read() as session:
        return {"authorities": list_authorities(session, actor, expiring_within=expiring_within)}


@router.post("/authorities", status_code=201)
def create_authority(body: AuthorityIn, actor: ActorDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    with db.write() as session:
        authority = add_authority(
            session,
            actor,
            basis=body.basis,
            reference=body.reference,
            issued_by=body.issued_by,
            valid_from=body.valid_from,
            valid_to=body.valid_to,
            targets=body.targets,
            data_classes=body.data_classes,
            applicant=body.applicant,
            authorising_officer=body.authorising_officer,
            issued_on=body.issued_on,
            purpose=body.purpose,
            retention_until=body.retention_until,
            document_exhibit_id=body.document,
            renews=body.renews,
            compartment=body.compartment,
            default_region=settings.default_region,
        )
        return authority_view(session, authority)


@router.get("/authorities/{authority_id}")
def authority(authority_id: str, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.audited_read() as session:
        return show_authority(session, actor, authority_id)
