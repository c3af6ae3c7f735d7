"""Registry commands: persons, organisations, memberships, claims, search."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from dastavez.cli.context import console, emit, fields, plain, state, table
from dastavez.registry.claims import add_claim, claim_view, list_claims, retract_claim, set_claim_status
from dastavez.registry.entities import entity_summary, list_entities
from dastavez.registry.legal_status import set_legal_status
from dastavez.registry.profiles import profile
from dastavez.registry.proscription import proscribe
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.registry.search import search_entities

person_app = typer.Typer(help="Persons.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)
claim_app = typer.Typer(help="Claims: statements about an entity, citing exhibits.", no_args_is_help=True)
membership_app = typer.Typer(help="Memberships of persons in organisations.", no_args_is_help=True)

Compartment = Annotated[str | None, typer.Option(help="Compartment code (need to know).")]
Exhibit = Annotated[str | None, typer.Option(help="Exhibit number cited, e.g. EXH-2026-000123.")]


def show_profile(data: dict[str, Any]) -> None:
    head = [("id", data["id"]), ("schema", data["schema"]), ("caption", data["caption"])]
    if "legal_status_history" in data:
        head.append(("legal status", data["legal_status"] or "not recorded"))
    if data["compartment"]:
        head.append(("compartment", data["compartment"]))
    fields(head)
    for group in data["properties"]:
        console.print(Text(group["label"], style="bold underline"))
        for claim in group["claims"]:
            line = Text("  ")
            line.append_text(plain(claim["value"]))
            if claim["status"] == "retracted":
                line.append(f"  [retracted: {claim['retraction_reason']}]", style="strike")
            elif claim["supported"]:
                where = f" {claim['locator']}" if claim["locator"] else ""
                line.append(f"  ({claim['exhibit']}{where})", style="green")
            else:
                line.append("  UNSUPPORTED", style="bold yellow")
            if claim["status"] in ("corroborated", "disputed"):
                line.append(f"  {claim['status']}")
            line.append(f"  {claim['id']}", style="dim")
            console.print(line)
    for link in data["links"]:
        other = link["other"]["caption"] if link["other"] else "?"
        detail = ", ".join(
            f"{k}={v}" for k, v in link["values"].items() if k not in ("member", "organization")
        )
        console.print(
            plain(
                f"{link['schema']}: {other} ({detail}) {link['id']}"
                + ("" if link["supported"] else "  UNSUPPORTED")
            )
        )


def _list(schema: str, legal_status: str | None, page: int, per_page: int) -> None:
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = list_entities(
            session, actor, schema=schema, legal_status=legal_status, page=page, per_page=per_page
        )
    emit(
        data,
        lambda d: table(
            f"{schema} ({d['total']} in all, page {d['page']})",
            ["id", "caption", "legal status", "compartment"],
            [(r["id"], r["caption"], r["legal_status"] or "", r["compartment"] or "") for r in d["results"]],
        ),
    )


def _show(entity_id: str) -> None:
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(profile(session, actor, entity_id), show_profile)


@person_app.command("add")
def person_add(
    name: Annotated[str, typer.Option(help="Name in Latin script.")],
    name_ur: Annotated[str | None, typer.Option(help="Name in Urdu script.")] = None,
    alias: Annotated[list[str] | None, typer.Option(help="Other name; repeatable.")] = None,
    compartment: Compartment = None,
    exhibit: Exhibit = None,
) -> None:
    """Register a person (names become claims; unsupported unless --exhibit)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        entity = add_person(
            session,
            actor,
            name=name,
            name_ur=name_ur,
            aliases=alias or [],
            compartment=compartment,
            exhibit_id=exhibit,
            region=st.settings.default_region,
        )
        emit(entity_summary(entity), lambda d: fields(d.items()))


@person_app.command("show")
def person_show(entity_id: str) -> None:
    """A person's profile: every claim grouped by property, with its evidence."""
    _show(entity_id)


@person_app.command("list")
def person_list(
    status: Annotated[str | None, typer.Option(help="Only this legal status.")] = None,
    page: int = 1,
    per_page: int = 50,
) -> None:
    """List persons you are cleared to see."""
    _list("Person", status, page, per_page)


@person_app.command("status")
def person_status(
    entity_id: str,
    status: str,
    basis: Annotated[str, typer.Option(help="The order, judgment or FIR this rests on.")],
    exhibit: Exhibit = None,
    effective: Annotated[str | None, typer.Option(help="Date it took effect.")] = None,
) -> None:
    """Record a change of legal status (suspect, wanted, accused, charged, convicted, …)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        change = set_legal_status(
            session,
            actor,
            entity_id=entity_id,
            status=status,
            basis=basis,
            exhibit_id=exhibit,
            effective=effective,
        )
        emit(
            {
                "entity": change.entity_id,
                "status": change.status,
                "basis": change.basis,
                "exhibit": change.exhibit_id,
                "effective": change.effective,
            },
            lambda d: fields(d.items()),
        )


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Option(help="Name in Latin script.")],
    name_ur: Annotated[str | None, typer.Option(help="Name in Urdu script.")] = None,
    compartment: Compartment = None,
    exhibit: Exhibit = None,
) -> None:
    """Register an organisation."""
    st = state()
    actor = st.actor()
    values = [("name", name)] + ([("name", name_ur)] if name_ur else [])
    with st.db.write() as session:
        entity = create_with_claims(
            session, actor, schema="Organization", values=values, compartment=compartment, exhibit_id=exhibit
        )
        emit(entity_summary(entity), lambda d: fields(d.items()))


@org_app.command("show")
def org_show(entity_id: str) -> None:
    """An organisation's profile, proscription and members."""
    _show(entity_id)


@org_app.command("list")
def org_list(page: int = 1, per_page: int = 50) -> None:
    """List organisations."""
    _list("Organization", None, page, per_page)


@org_app.command("proscribe")
def org_proscribe(
    entity_id: str,
    law: Annotated[str, typer.Option(help="e.g. 'Anti-Terrorism Act 1997, First Schedule'.")],
    notification: Annotated[str, typer.Option(help="Notification reference.")],
    date: Annotated[str, typer.Option(help="Date of the notification.")],
    exhibit: Exhibit = None,
) -> None:
    """Record that an organisation is proscribed."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        row = proscribe(
            session,
            actor,
            entity_id=entity_id,
            law=law,
            notification_ref=notification,
            date=date,
            exhibit_id=exhibit,
        )
        emit(
            {
                "entity": row.entity_id,
                "law": row.law,
                "notification_ref": row.notification_ref,
                "date": row.date,
                "exhibit": row.exhibit_id,
            },
            lambda d: fields(d.items()),
        )


@membership_app.command("add")
def membership_add(
    member: Annotated[str, typer.Option(help="Person id.")],
    org: Annotated[str, typer.Option(help="Organisation id.")],
    role: Annotated[str, typer.Option(help="leader, commander, facilitator, financier or member.")],
    start: Annotated[str | None, typer.Option(help="Start date.")] = None,
    end: Annotated[str | None, typer.Option(help="End date.")] = None,
    exhibit: Exhibit = None,
    locator: Annotated[str | None, typer.Option(help="Page or timecode in the exhibit.")] = None,
    compartment: Compartment = None,
) -> None:
    """Record that a person holds a role in an organisation."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        entity = add_membership(
            session,
            actor,
            member_id=member,
            organization_id=org,
            role=role,
            start=start,
            end=end,
            exhibit_id=exhibit,
            locator=locator,
            compartment=compartment,
        )
        emit(entity_summary(entity), lambda d: fields(d.items()))


@claim_app.command("add")
def claim_add(
    entity_id: str,
    prop: str,
    value: str,
    exhibit: Exhibit = None,
    locator: Annotated[str | None, typer.Option(help="Page or timecode in the exhibit.")] = None,
    valid_from: Annotated[str | None, typer.Option("--from", help="Valid from (date).")] = None,
    valid_to: Annotated[str | None, typer.Option("--to", help="Valid until (date).")] = None,
    confidence: Annotated[str, typer.Option(help="high, medium or low.")] = "medium",
    compartment: Compartment = None,
) -> None:
    """Add a claim: ENTITY PROP VALUE, citing --exhibit (or shown as unsupported)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        claim, created = add_claim(
            session,
            actor,
            entity_id=entity_id,
            prop=prop,
            value=value,
            exhibit_id=exhibit,
            locator=locator,
            valid_from=valid_from,
            valid_to=valid_to,
            confidence=confidence,
            compartment=compartment,
            region=st.settings.default_region,
        )
        data = claim_view(claim) | {"created": created}
    emit(
        data,
        lambda d: fields(
            [
                ("id", d["id"]),
                ("prop", d["prop"]),
                ("value", d["value"]),
                ("supported", d["supported"]),
                ("new", d["created"]),
            ]
        ),
    )


@claim_app.command("retract")
def claim_retract(claim_id: str, reason: Annotated[str, typer.Option(help="Why it is withdrawn.")]) -> None:
    """Retract a claim; it stays on record, marked retracted, with the reason."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(
            claim_view(retract_claim(session, actor, claim_id=claim_id, reason=reason)),
            lambda d: fields([("id", d["id"]), ("status", d["status"]), ("reason", d["retraction_reason"])]),
        )


@claim_app.command("status")
def claim_status(claim_id: str, status: str, note: Annotated[str, typer.Option(help="Why.")]) -> None:
    """Mark a claim corroborated, disputed or asserted."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        emit(
            claim_view(set_claim_status(session, actor, claim_id=claim_id, status=status, note=note)),
            lambda d: fields([("id", d["id"]), ("status", d["status"])]),
        )


@claim_app.command("list")
def claim_list(entity_id: str) -> None:
    """Every claim about an entity, retracted ones included."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = {"claims": [claim_view(c) for c in list_claims(session, actor, entity_id=entity_id)]}
    emit(
        data,
        lambda d: table(
            "Claims",
            ["id", "prop", "value", "status", "exhibit"],
            [
                (c["id"], c["prop"], c["value"], c["status"], c["exhibit"] or "UNSUPPORTED")
                for c in d["claims"]
            ],
        ),
    )


def search(
    query: str,
    schema: Annotated[str | None, typer.Option(help="Person or Organization.")] = None,
    limit: Annotated[int, typer.Option(help="How many results.")] = 20,
) -> None:
    """Search names and aliases (any script; accents and case ignored; word prefixes match)."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        data = search_entities(session, actor, query=query, schema=schema, limit=limit)
    emit(
        data,
        lambda d: table(
            f"Results for {d['query']!r}",
            ["id", "schema", "caption", "legal status"],
            [(r["id"], r["schema"], r["caption"], r["legal_status"] or "") for r in d["results"]],
        ),
    )


def register(app: typer.Typer) -> None:
    app.add_typer(person_app, name="person")
    app.add_typer(org_app, name="org")
    app.add_typer(membership_app, name="membership")
    app.add_typer(claim_app, name="claim")
    app.command("search")(search)
