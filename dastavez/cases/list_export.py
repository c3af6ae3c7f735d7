"""Exporting the list: CSV for spreadsheets, PDF for issue. Each export is audited, and the
PDF names the signed ledger checkpoint that the state it shows is part of."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.cases.documentation import definition
from dastavez.cases.leaders import ListFilters, compute_list
from dastavez.cases.list_pdf import render_pdf
from dastavez.cases.list_versions import visible_version
from dastavez.exc import InvalidInput
from dastavez.ledger.log import checkpoint_now
from dastavez.settings import Settings

FORMATS = ("csv", "pdf")
CSV_COLUMNS = (
    "entity",
    "name",
    "name_ur",
    "roles",
    "organisations",
    "legal_status",
    "legal_status_basis",
    "abroad",
    "residence",
    "valid_warrants",
    "warrants",
    "cases",
    "score",
    "missing",
    "evidence",
)


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    filename: str
    people: int


def marking(compartments: list[str]) -> str:
    """The marking every page carries: the compartments the list draws on."""
    return "RESTRICTED · " + (
        f"COMPARTMENTS {' / '.join(compartments)}" if compartments else "NO COMPARTMENT"
    )


def _evidence(person: dict[str, Any]) -> str:
    parts = []
    for element in person["elements"]:
        cited = [
            f"{e['claim'] or 'warrant ' + str(e.get('warrant'))}@{e['exhibit']}" for e in element["evidence"]
        ]
        parts.append(f"{element['element']}: {', '.join(cited) if cited else 'missing'}")
    return "; ".join(parts)


def to_csv(people: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in people:
        basis = p.get("legal_status_basis") or {}
        writer.writerow(
            [
                p["entity"],
                p["name"],
                p.get("name_ur") or "",
                "; ".join(p["roles"]),
                "; ".join(o["name"] for o in p["organizations"]),
                p["legal_status"] or "",
                (basis.get("basis") or "") + (f" [{basis['exhibit']}]" if basis.get("exhibit") else ""),
                "yes" if p["abroad"] else "no",
                p.get("residence") or "",
                p["valid_warrants"],
                "; ".join(f"{w['kind']} {w['reference']} ({w['status']})" for w in p["warrants"]),
                "; ".join(c["case"] for c in p["cases"]),
                p["score"],
                "; ".join(p["missing"]),
                _evidence(p),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes spreadsheets read Urdu as UTF-8


def export_list(
    session: Session,
    actor: Actor,
    settings: Settings,
    *,
    fmt: str,
    today: date,
    version_id: int | None = None,
    filters: ListFilters | None = None,
    now: datetime | None = None,
) -> Export:
    """The live list (a working copy) or an issued version, as CSV or PDF; runs in a write
    transaction because it signs a ledger checkpoint when none covers the current state."""
    actor.require("list.read")
    if fmt not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", field="format")
    now = now or datetime.now(UTC)
    if version_id is not None:
        version = visible_version(session, actor, version_id)
        people, compartments = version.entries, version.compartments
        status_line = (
            f"Version {version.id}, {version.status}: drafted by {version.created_by} "
            f"on {version.created_at:%Y-%m-%d %H:%M UTC}"
            + (
                f", {version.status} by {version.decided_by} on {version.decided_at:%Y-%m-%d %H:%M UTC}"
                if version.decided_at
                else ", not yet approved: NOT FOR ISSUE"
            )
        )
        scope = version.filters
        name = f"leaders-v{version.id}"
    else:
        filters = filters or ListFilters()
        people = compute_list(session, actor, today=today, home=settings.default_region, filters=filters)
        compartments = sorted({c for p in people for c in p["compartments"]})
        status_line = "Working copy computed from the registry: NOT APPROVED, NOT FOR ISSUE"
        scope = filters.as_dict()
        name = f"leaders-{today.isoformat()}"
    if fmt == "csv":
        export = Export(to_csv(people), "text/csv; charset=utf-8", f"{name}.csv", len(people))
    else:
        checkpoint = checkpoint_now(session, settings)
        rules = definition()
        export = Export(
            render_pdf(
                people,
                title="Leaders and facilitators of proscribed organisations",
                marking=marking(compartments),
                made_at=f"{now.astimezone(UTC):%Y-%m-%d %H:%M UTC}",
                made_by=actor.username,
                checkpoint={
                    "size": checkpoint.size,
                    "root": base64.b64encode(checkpoint.root).decode("ascii"),
                },
                status_line=status_line,
                scope_line=f"{len(people)} people" + (f"; filters: {scope}" if scope else "; no filters"),
                rules_line="A legal status is where a person stands in law, with its basis; it is not a "
                "finding of guilt. Documentation elements: "
                + ", ".join(e.label for e in rules.elements)
                + f". Exhibits whose verification status is {' or '.join(sorted(rules.not_evidence))} "
                "do not count as backing.",
            ),
            "application/pdf",
            f"{name}.pdf",
            len(people),
        )
    audit.record(
        session,
        actor,
        "list.export",
        target_type="list",
        target_id=str(version_id) if version_id is not None else None,
        detail={"format": fmt, "people": export.people, "compartments": compartments},
    )
    return export
