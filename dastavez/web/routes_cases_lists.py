"""The list of leaders and facilitators: filters, export, drafting a version, the four-eyes decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dastavez.cases.documentation import definition
from dastavez.cases.leaders import LISTED_ROLES, ListFilters, read_list
from dastavez.cases.list_export import export_list
from dastavez.cases.list_versions import decide, draft_version, list_versions, show_version
from dastavez.cases.records import today_utc
from dastavez.exc import DastavezError
from dastavez.registry.legal_status import STATUSES
from dastavez.storage.engine import Database
from dastavez.web.auth import UserDep, WebUser, WriterDep
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.pages import render

router = APIRouter()
Text = Annotated[str, Query(max_length=200)]


def _filters(role: str, abroad: str, legal_status: str, missing: str, q: str) -> ListFilters:
    return ListFilters(
        role=blank_to_none(role),
        abroad={"yes": True, "no": False}.get(abroad),
        legal_status=blank_to_none(legal_status),
        missing=blank_to_none(missing),
        query=blank_to_none(q),
    )


@router.get("/lists/leaders")
def leaders(
    request: Request,
    user: UserDep,
    db: DbDep,
    settings: SettingsDep,
    role: Text = "",
    abroad: Text = "",
    legal_status: Text = "",
    missing: Text = "",
    q: Text = "",
) -> HTMLResponse:
    filters = _filters(role, abroad, legal_status, missing, q)
    with db.audited_read() as session:
        people = read_list(
            session, user.actor, today=today_utc(), home=settings.default_region, filters=filters
        )
    with db.read() as session:
        versions = list_versions(session, user.actor)
    query = str(request.url.query)
    return render(
        request,
        "cases_leaders.html",
        {
            "title": "Leaders and facilitators",
            "people": people,
            "versions": versions,
            "roles": LISTED_ROLES,
            "statuses": STATUSES,
            "elements": definition().elements,
            "export_query": query,
            "filters": {
                "role": role,
                "abroad": abroad,
                "legal_status": legal_status,
                "missing": missing,
                "q": q,
            },
            "error": None,
        },
    )


@router.get("/lists/leaders/export")
def leaders_export(
    user: UserDep,
    db: DbDep,
    settings: SettingsDep,
    format: Text = "pdf",
    version: Annotated[int | None, Query()] = None,
    role: Text = "",
    abroad: Text = "",
    legal_status: Text = "",
    missing: Text = "",
    q: Text = "",
) -> Response:
    with db.write() as session:  # signs a ledger checkpoint when due, and is audited
        export = export_list(
            session,
            user.actor,
            settings,
            fmt=format,
            today=today_utc(),
            version_id=version,
            filters=_filters(role, abroad, legal_status, missing, q),
        )
    return Response(
        export.content,
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@router.post("/lists/leaders/versions")
def leaders_draft(
    request: Request, user: WriterDep, db: DbDep, settings: SettingsDep, note: Annotated[str, Form()] = ""
) -> Response:
    with db.write() as session:
        version = draft_version(
            session, user.actor, today=today_utc(), home=settings.default_region, note=blank_to_none(note)
        )
        version_id = version.id
    return RedirectResponse(f"/lists/leaders/versions/{version_id}", status_code=303)


@router.get("/lists/leaders/versions/{version_id}")
def leaders_version(request: Request, version_id: int, user: UserDep, db: DbDep) -> HTMLResponse:
    return _version_page(request, version_id, user, db)


def _version_page(
    request: Request,
    version_id: int,
    user: WebUser,
    db: Database,
    error: DastavezError | None = None,
    status: int = 200,
) -> HTMLResponse:
    with db.audited_read() as session:
        version = show_version(session, user.actor, version_id)
    return render(
        request,
        "cases_version.html",
        {
            "title": f"The list, version {version['id']}",
            "version": version,
            "error": error,
            "can_decide": user.can("list.approve")
            and version["status"] == "draft"
            and version["created_by"] != user.username,
        },
        status=status,
    )


@router.post("/lists/leaders/versions/{version_id}/decision")
def leaders_decide(
    request: Request,
    version_id: int,
    user: WriterDep,
    db: DbDep,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        with db.write() as session:
            decide(session, user.actor, version_id=version_id, decision=decision, note=blank_to_none(note))
    except DastavezError as err:
        if err.status in (403, 404):
            raise
        return _version_page(request, version_id, user, db, error=err, status=err.status)
    return RedirectResponse(f"/lists/leaders/versions/{version_id}", status_code=303)
