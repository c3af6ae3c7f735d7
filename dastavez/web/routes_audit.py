"""The audit log, for users whose roles allow reading it (others get the 403 page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dastavez.access.audit import list_events
from dastavez.web.auth import UserDep
from dastavez.web.deps import DbDep, blank_to_none
from dastavez.web.pages import render

router = APIRouter()

PAGE = 50
Filter = Annotated[str, Query(max_length=200)]


@router.get("/audit")
def audit_log(request: Request, user: UserDep, db: DbDep, actor: Filter = "", action: Filter = "",
              target: Filter = "", page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    with db.write() as session:  # reading the log is itself recorded
        result = list_events(session, user.actor, user=blank_to_none(actor), action=blank_to_none(action),
                             target_id=blank_to_none(target), page=page, per_page=PAGE)
    return render(request, "audit.html", {
        "title": "Audit log", "events": result.events, "total": result.total, "page": page, "per_page": PAGE,
        "filters": {"actor": actor, "action": action, "target": target}})
