"""Legal authority commands: warrants and orders, and those about to expire."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dastavez.cli.context import emit, fields, state, table
from dastavez.evidence.authority import (
    DATA_CLASSES,
    add_authority,
    authority_view,
    list_authorities,
    show_authority,
)

authority_app = typer.Typer(
    help="Warrants and orders under which evidence is obtained.", no_args_is_help=True
)


@authority_app.command("add")
def authority_add(
    basis: Annotated[
        str, typer.Option(help="Statute and section, e.g. 'Investigation for Fair Trial Act s.10'.")
    ],
    reference: Annotated[str, typer.Option(help="The warrant's or order's reference number.")],
    issued_by: Annotated[str, typer.Option(help="Issuing authority (court, judge, ministry).")],
    valid_from: Annotated[str, typer.Option(help="First day in force (YYYY-MM-DD).")],
    valid_to: Annotated[str, typer.Option(help="Last day in force (YYYY-MM-DD).")],
    target: Annotated[
        list[str] | None, typer.Option(help="Number (or imei:/imsi:/account:) it covers; repeatable.")
    ] = None,
    data_class: Annotated[
        list[str] | None, typer.Option(help=f"Repeatable: {', '.join(DATA_CLASSES)}.")
    ] = None,
    applicant: Annotated[str | None, typer.Option(help="Who applied for it.")] = None,
    authorised_by: Annotated[str | None, typer.Option(help="The authorising officer.")] = None,
    issued_on: Annotated[str | None, typer.Option(help="Date of issue (YYYY-MM-DD).")] = None,
    purpose: Annotated[str | None, typer.Option(help="Purpose stated in it.")] = None,
    retain_until: Annotated[
        str | None, typer.Option(help="Retention or destruction date (YYYY-MM-DD).")
    ] = None,
    document: Annotated[str | None, typer.Option(help="The scanned warrant, as an exhibit.")] = None,
    renews: Annotated[str | None, typer.Option(help="The authority this one renews.")] = None,
    compartment: Annotated[str | None, typer.Option(help="Compartment code.")] = None,
) -> None:
    """Record a warrant or order."""
    st = state()
    actor = st.actor()
    with st.db.write() as session:
        authority = add_authority(
            session,
            actor,
            basis=basis,
            reference=reference,
            issued_by=issued_by,
            valid_from=valid_from,
            valid_to=valid_to,
            targets=list(target or []),
            data_classes=list(data_class or []),
            applicant=applicant,
            authorising_officer=authorised_by,
            issued_on=issued_on,
            purpose=purpose,
            retention_until=retain_until,
            document_exhibit_id=document,
            renews=renews,
            compartment=compartment,
            default_region=st.settings.default_region,
        )
        data = authority_view(session, authority)
    emit(data, lambda d: fields(d.items()))


@authority_app.command("show")
def authority_show(authority_id: str) -> None:
    """Show an authority, its renewals and the exhibits obtained under it."""
    st = state()
    actor = st.actor()
    with st.db.audited_read() as session:
        data = show_authority(session, actor, authority_id)
    emit(data, lambda d: fields(d.items()))


def _table(title: str, rows: list[dict[str, Any]]) -> None:
    table(
        title,
        ["id", "reference", "valid to", "targets", "renewed by"],
        [
            (a["id"], a["reference"], a["valid_to"], ", ".join(a["targets"]), a["renewed_by"] or "")
            for a in rows
        ],
    )


@authority_app.command("list")
def authority_list() -> None:
    """List the authorities you are cleared to see, soonest to expire first."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = list_authorities(session, actor)
    emit(
        {"authorities": data},
        lambda d: _table(f"Legal authorities ({len(d['authorities'])})", d["authorities"]),
    )


@authority_app.command("expiring")
def authority_expiring(
    days: Annotated[int, typer.Option(help="Window in days from today.")] = 30,
) -> None:
    """Authorities in force that expire within DAYS (renew them or stop collecting)."""
    st = state()
    actor = st.actor()
    with st.db.read() as session:
        data = list_authorities(session, actor, expiring_within=days)
    emit(
        {"authorities": data},
        lambda d: _table(f"Expiring within {days} days ({len(d['authorities'])})", d["authorities"]),
    )


def register(app: typer.Typer) -> None:
    app.add_typer(authority_app, name="authority")
