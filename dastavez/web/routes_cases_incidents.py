"""Incident pages: the map and timeline with the list, and one incident."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dastavez.cases import incidents
from dastavez.cases.incident_charts import incident_map, incident_timeline
from dastavez.web.auth import UserDep
from dastavez.web.deps import DbDep, blank_to_none
from dastavez.web.pages import render

router = APIRouter()


@router.get("/incidents")
def incident_list(
    request: Request,
    user: UserDep,
    db: DbDep,
    district: Annotated[str, Query(max_length=100)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    with db.read() as session:
        found = incidents.list_incidents(
            session,
            user.actor,
            district=blank_to_none(district),
            kind=blank_to_none(kind),
            since=blank_to_none(since),
            until=blank_to_none(until),
        )
    return render(
        request,
        "cases_incidents.html",
        {
            "title": "Incidents",
            "incidents": found,
            "map": incident_map(found),
            "timeline": incident_timeline(found),
            "kinds": incidents.KINDS,
            "filters": {"district": district, "kind": kind, "since": since, "until": until},
            "killed": sum(i["killed"] for i in found),
            "injured": sum(i["injured"] for i in found),
        },
    )


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: str, user: UserDep, db: DbDep) -> HTMLResponse:
    with db.audited_read() as session:
        incident = incidents.show_incident(session, user.actor, incident_id)
    return render(
        request,
        "cases_incident.html",
        {"title": incident["id"], "incident": incident, "map": incident_map([incident])},
    )
