"""List commands: ``dastavez list leaders|draft|approve|versions|diff``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dastavez.cases.leaders import LISTED_ROLES, ListFilters, read_list
from dastavez.cases.list_export import FORMATS, export_list
from dastavez.cases.list_versions import decide, draft_version, list_versions, show_version, version_view
from dastavez.cli.case_options import Today, as_of, show
from dastavez.cli.context import emit, state, table
from dastavez.exc import InvalidInput

list_app = typer.Typer(
    help="The list of leaders and facilitators, its versions and approval.", no_args_is_help=True
)


@list_app.command("leaders")
def list_leaders(
    org: Annotated[str | None, typer.Option(help="Only this organisation (ORG-…).")] = None,
    role: Annotated[str | None, typer.Option(help=", ".join(LISTED_ROLES))] = None,
    abroad: Annotated[
        bool | None, typer.Option("--abroad/--at-home", help="Only those based abroad, or not.")
    ] = None,
    status: Annotated[str | None, typer.Option(help="Only this legal status.")] = None,
    missing: Annotated[str | None, typer.Option(help="Only those missing this element.")] = None,
    format_: Annotated[str | None, typer.Option("--format", help="csv or pdf (default: a table).")] = None,
    out: Annotated[Path | None, typer.Option(help="File to write the CSV or PDF to.")] = None,
    version: Annotated[
        int | None, typer.Option(help="Export this issued version, not the live list.")
    ] = None,
    today: Today = None,
) -> None:
    """The list of leaders and facilitators, computed from the registry; --format csv|pdf exports it."""
    st = state()
    actor = st.actor()
    filters = ListFilters(organization=org, role=role, abroad=abroad, legal_status=status, missing=missing)
    if format_ is not None:
        if format_ not in FORMATS:
            raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}", field="format")
        if out is None:
            raise InvalidInput(f"--format {format_} needs --out FILE", field="out")
        with st.db.write() as session:  # an export signs a ledger checkpoint
            export = export_list(
                session,
                actor,
                st.settings,
                fmt=format_,
                today=as_of(today),
                version_id=version,
                filters=filters,
            )
        out.write_bytes(export.content)
        emit(
            {"file": str(out), "format": format_, "people": export.people, "bytes": len(export.content)},
            show,
        )
        return
    with st.db.audited_read() as session:
        people = read_list(
            session, actor, today=as_of(today), home=st.settings.default_region, filters=filters
        )
    emit(
        {"people": people},
        lambda d: table(
            f"Leaders and facilitators ({len(d['people'])})",
            ["person", "name", "roles", "legal status", "abroad", "score", "missing"],
            [
                (
                    p["entity"],
                    p["name"],
                    ", ".join(p["roles"]),
                    p["legal_status"] or "",
                    "yes" if p["abroad"] else "",
                    p["score"],
                    ", ".join(p["missing"]),
                )
                for p in d["people"]
            ],
        ),
    )


@list_app.command("draft")
def list_draft(
    note: Annotated[str | None, typer.Option(help="What this version is for.")] = None, today: Today = None
) -> None:
    """Snapshot the list as a draft for a second person to approve."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = version_view(
            draft_version(session, actor, today=as_of(today), home=st.settings.default_region, note=note)
        )
    emit(data, show)


@list_app.command("approve")
def list_approve(
    version: int,
    reject: Annotated[bool, typer.Option("--reject", help="Reject instead.")] = False,
    note: Annotated[str | None, typer.Option(help="Why (needed to reject).")] = None,
) -> None:
    """Approve (or --reject) a draft someone else made."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = version_view(
            decide(
                session, actor, version_id=version, decision="rejected" if reject else "approved", note=note
            )
        )
    emit(data, show)


@list_app.command("versions")
def list_versions_command() -> None:
    """The versions of the list, newest first."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = {"versions": list_versions(session, actor)}
    emit(
        data,
        lambda d: table(
            "Versions of the list",
            ["id", "status", "people", "drafted by", "decided by"],
            [
                (v["id"], v["status"], v["people"], v["created_by"], v["decided_by"] or "")
                for v in d["versions"]
            ],
        ),
    )


@list_app.command("diff")
def list_diff(version: int) -> None:
    """Who a version adds, removes and changes against the approved version before it, and why."""
    st = state()
    actor = st.actor()
    with st.db.audited_read() as session:
        data = show_version(session, actor, version)
    diff = data["diff"] | {"version": data["id"], "previous": data["previous"]}
    emit(
        diff,
        lambda d: table(
            f"Version {d['version']} against {d['previous'] or 'nothing approved yet'}",
            ["change", "person", "why"],
            [("added", a["name"], a["why"]) for a in d["added"]]
            + [("removed", r["name"], r["why"]) for r in d["removed"]]
            + [
                (
                    "changed",
                    c["name"],
                    "; ".join(f"{x['field']}: {x['from']} → {x['to']} ({x['why']})" for x in c["changes"]),
                )
                for c in d["changed"]
            ],
        ),
    )
