"""Incident commands: ``dastavez incident add|claim|link|show|list``."""

from __future__ import annotations

from typing import Annotated

import typer

from dastavez.cases import incidents
from dastavez.cli.case_options import Compartment, show
from dastavez.cli.context import emit, state, table
from dastavez.cli.evidence import parse_when

incident_app = typer.Typer(help="Incidents and claims of responsibility.", no_args_is_help=True)


@incident_app.command("add")
def incident_add(
    occurred_at: Annotated[str, typer.Option(help="When, ISO 8601 with zone: 2026-05-14T21:10+05:00.")],
    district: Annotated[str, typer.Option(help="District.")],
    kind: Annotated[str, typer.Option(help=", ".join(incidents.KINDS))],
    target: Annotated[str, typer.Option(help="What or who was attacked.")],
    killed: int = 0,
    injured: int = 0,
    lat: Annotated[float | None, typer.Option(help="Latitude, decimal degrees.")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude, decimal degrees.")] = None,
    place: Annotated[str | None, typer.Option(help="Place name.")] = None,
    summary: Annotated[str | None, typer.Option(help="What happened.")] = None,
    compartment: Compartment = None,
) -> None:
    """Record an incident."""
    st = state()
    actor = st.actor()
    when = parse_when(occurred_at, "occurred-at")
    assert when is not None  # the option is required
    with st.db.write() as session:
        row = incidents.add_incident(
            session,
            actor,
            occurred_at=when,
            district=district,
            kind=kind,
            target=target,
            killed=killed,
            injured=injured,
            latitude=lat,
            longitude=lon,
            place=place,
            summary=summary,
            compartment=compartment,
        )
        data = incidents.incident_view(row, [], [])
    emit(data, show)


@incident_app.command("claim")
def incident_claim(
    incident_id: str,
    org: Annotated[str, typer.Option(help="The organisation (ORG-…).")],
    exhibit: Annotated[str | None, typer.Option(help="The claim's source, as an exhibit.")] = None,
    confidence: Annotated[str, typer.Option(help="high, medium or low.")] = "medium",
    note: str | None = None,
) -> None:
    """Record an organisation's claim of responsibility for an incident."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        incidents.claim_responsibility(
            session,
            actor,
            incident_id=incident_id,
            organization_id=org,
            exhibit_id=exhibit,
            confidence=confidence,
            note=note,
        )
    with st.db.audited_read() as session:
        data = incidents.show_incident(session, actor, incident_id)
    emit(data, show)


@incident_app.command("link")
def incident_link(incident_id: str, case: Annotated[str, typer.Option(help="The case (CASE-…).")]) -> None:
    """Link an incident to a case."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = incidents.link_case(session, actor, incident_id=incident_id, case_id=case)
    emit(data, show)


@incident_app.command("show")
def incidentshow(incident_id: str) -> None:
    """Show an incident with its claims of responsibility and cases."""
    st = state()
    actor = st.actor()
    with st.db.audited_read() as session:
        data = incidents.show_incident(session, actor, incident_id)
    emit(data, show)


@incident_app.command("list")
def incident_list(
    district: str | None = None,
    kind: str | None = None,
    since: Annotated[str | None, typer.Option(help="From this day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="To this day, YYYY-MM-DD.")] = None,
    org: Annotated[str | None, typer.Option(help="Claimed by this organisation.")] = None,
) -> None:
    """List incidents, newest first."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = {
            "incidents": incidents.list_incidents(
                session, actor, district=district, kind=kind, since=since, until=until, organization=org
            )
        }
    emit(
        data,
        lambda d: table(
            f"Incidents ({len(d['incidents'])})",
            ["id", "when", "district", "kind", "killed", "claimed by"],
            [
                (
                    i["id"],
                    i["occurred_at"][:16],
                    i["district"],
                    i["kind"],
                    i["killed"],
                    ", ".join(c["organization_name"] for c in i["responsibility"]),
                )
                for i in d["incidents"]
            ],
        ),
    )
