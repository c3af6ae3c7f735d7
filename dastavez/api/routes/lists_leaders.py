"""The list of leaders and facilitators: read it, export it, draft a version, approve one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from dastavez.api.deps import ActorDep, DbDep, SettingsDep
from dastavez.api.routes.cases_schemas import DecisionIn, DraftIn
from dastavez.cases.leaders import ListFilters, read_list
from dastavez.cases.list_export import export_list
from dastavez.cases.list_versions import decide, draft_version, list_versions, show_version, version_view
from dastavez.cases.records import today_utc

router = APIRouter(tags=["lists"])
TodayQuery = Annotated[date | None, Query(description="As of this day (default: today).")]


def _filters(
    organization: str | None,
    role: str | None,
    abroad: bool | None,
    legal_status: str | None,
    missing: str | None,
    max_score: int | None,
    q: str | None,
) -> ListFilters:
    return ListFilters(
        organization=organization,
        role=role,
        abroad=abroad,
        legal_status=legal_status,
        missing=missing,
        max_score=max_score,
        query=q,
    )


@router.get("/lists/leaders")
def leaders(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    organization: str | None = None,
    role: str | None = None,
    abroad: bool | None = None,
    legal_status: str | None = None,
    missing: str | None = None,
    max_score: int | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    today: TodayQuery = None,
) -> dict[str, Any]:
    with db.audited_read() as session:
        people = read_list(
            session,
            actor,
            today=today or today_utc(),
            home=settings.default_region,
            filters=_filters(organization, role, abroad, legal_status, missing, max_score, q),
        )
    return {"people": people}


@router.get("/lists/leaders/export")
def leaders_export(
    actor: ActorDep,
    db: DbDep,
    settings: SettingsDep,
    format: Annotated[str, Query(pattern="^(csv|pdf)$")] = "csv",
    version: int | None = None,
    organization: str | None = None,
    role: str | None = None,
    abroad: bool | None = None,
    legal_status: str | None = None,
    missing: str | None = None,
    max_score: int | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    today: TodayQuery = None,
) -> Response:
    with db.write() as session:  # an export may sign a ledger checkpoint, and is audited
        export = export_list(
            session,
            actor,
            settings,
            fmt=format,
            today=today or today_utc(),
            version_id=version,
            filters=_filters(organization, role, abroad, legal_status, missing, max_score, q),
        )
    return Response(
        export.content,
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@router.get("/lists/leaders/versions")
def versions(actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.read() as session:
        return {"versions": list_versions(session, actor)}


@router.post("/lists/leaders/versions", status_code=201)
def draft(
    body: DraftIn, actor: ActorDep, db: DbDep, settings: SettingsDep, today: TodayQuery = None
) -> dict[str, Any]:
    with db.write() as session:
        return version_view(
            draft_version(
                session, actor, today=today or today_utc(), home=settings.default_region, note=body.note
            )
        )


@router.get("/lists/leaders/versions/{version_id}")
def version(version_id: int, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.audited_read() as session:
        return show_version(session, actor, version_id)


@router.post("/lists/leaders/versions/{version_id}/decision")
def decision(version_id: int, body: DecisionIn, actor: ActorDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        return version_view(
            decide(session, actor, version_id=version_id, decision=body.decision, note=body.note)
        )
