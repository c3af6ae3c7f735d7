"""Legal authority: the warrants and orders under which evidence is obtained.

An exhibit names the authority it was acquired under. It is flagged when it was acquired
outside the authority's window, or is about a selector (number, IMEI, IMSI, account)
the authority does not cover. Renewals extend an authority: the windows and targets of
an authority and of every renewal of it count together.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dastavez.access import audit
from dastavez.access.actor import Actor
from dastavez.evidence.selectors import clean_selectors, label
from dastavez.exc import InvalidInput, NotFound
from dastavez.registry.ids import new_entity_id
from dastavez.storage.tables import Compartment, Exhibit, utcnow
from dastavez.storage.vault_tables import AuthorityTarget, ExhibitTarget, LegalAuthority

DATA_CLASSES = ("content", "call-records", "location", "subscriber")
#: exhibits of these kinds are intercepted or operator data: without an authority they are flagged
NEEDS_AUTHORITY = ("cdr", "subscriber-record")


def _day(raw: str | None, field: str, *, required: bool = False) -> str | None:
    if raw is None or not str(raw).strip():
        if required:
            raise InvalidInput(f"{field.replace('_', ' ')} is required (YYYY-MM-DD)", field=field)
        return None
    try:
        return date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError as err:
        raise InvalidInput(
            f"{field.replace('_', ' ')} must be a date written YYYY-MM-DD, not {raw!r}", field=field
        ) from err


def _text(raw: str | None, field: str, limit: int, *, required: bool = False) -> str | None:
    text = " ".join((raw or "").split())
    if not text:
        if required:
            raise InvalidInput(f"{field.replace('_', ' ')} is required", field=field)
        return None
    if len(text) > limit:
        raise InvalidInput(f"{field.replace('_', ' ')} must be at most {limit} characters", field=field)
    return text


def visible_authority(session: Session, actor: Actor, authority_id: str) -> LegalAuthority:
    actor.require("authority.read")
    authority = session.get(LegalAuthority, authority_id.strip().upper())
    if authority is None or not actor.cleared_for(authority.compartment):
        raise NotFound(f"no legal authority {authority_id!r}", field="authority")
    return authority


def add_authority(
    session: Session,
    actor: Actor,
    *,
    basis: str,
    reference: str,
    issued_by: str,
    valid_from: str,
    valid_to: str,
    targets: list[str] = (),  # type: ignore[assignment]  # a tuple default is never mutated
    applicant: str | None = None,
    authorising_officer: str | None = None,
    issued_on: str | None = None,
    data_classes: list[str] = (),  # type: ignore[assignment]
    purpose: str | None = None,
    retention_until: str | None = None,
    document_exhibit_id: str | None = None,
    renews: str | None = None,
    compartment: str | None = None,
    default_region: str = "PK",
) -> LegalAuthority:
    actor.require("authority.write")
    start = _day(valid_from, "valid_from", required=True)
    end = _day(valid_to, "valid_to", required=True)
    assert start is not None and end is not None
    if end < start:
        raise InvalidInput(f"valid to ({end}) is before valid from ({start})", field="valid_to")
    classes = sorted({c.strip().lower() for c in data_classes if c.strip()})
    unknown = [c for c in classes if c not in DATA_CLASSES]
    if unknown:
        raise InvalidInput(
            f"unknown data class {unknown[0]!r}; classes are {', '.join(DATA_CLASSES)}", field="data_class"
        )
    selectors = clean_selectors(list(targets), default_region=default_region)
    if compartment is not None and (
        session.get(Compartment, compartment) is None or not actor.cleared_for(compartment)
    ):
        raise NotFound(f"no compartment {compartment!r}", field="compartment")
    document = None
    if document_exhibit_id:
        document = session.get(Exhibit, document_exhibit_id.strip().upper())
        if document is None or not actor.cleared_for(document.compartment):
            raise NotFound(f"no exhibit {document_exhibit_id!r}", field="document")
    renewed = visible_authority(session, actor, renews) if renews else None
    authority = LegalAuthority(
        id=new_entity_id("AUTH"),
        basis=_text(basis, "basis", 300, required=True),
        reference=_text(reference, "reference", 200, required=True),
        issued_by=_text(issued_by, "issued_by", 300, required=True),
        applicant=_text(applicant, "applicant", 200),
        authorising_officer=_text(authorising_officer, "authorising_officer", 200),
        issued_on=_day(issued_on, "issued_on"),
        valid_from=start,
        valid_to=end,
        data_classes=classes,
        purpose=_text(purpose, "purpose", 2000),
        retention_until=_day(retention_until, "retention_until"),
        document_exhibit_id=document.id if document else None,
        renews_id=renewed.id if renewed else None,
        compartment=compartment or (renewed.compartment if renewed else None),
        created_by=actor.username,
        created_at=utcnow(),
    )
    session.add(authority)
    session.flush()
    session.add_all(AuthorityTarget(authority_id=authority.id, kind=k, value=v) for k, v in selectors)
    session.flush()
    audit.record(
        session,
        actor,
        "authority.add",
        target_type="authority",
        target_id=authority.id,
        compartment=authority.compartment,
        detail=authority_view(session, authority),
    )
    return authority


def _family(session: Session, authority: LegalAuthority) -> list[LegalAuthority]:
    """The authority, what it renews (back to the first) and every renewal of those."""
    root = authority
    seen = {root.id}
    while root.renews_id and root.renews_id not in seen:
        parent = session.get(LegalAuthority, root.renews_id)
        if parent is None:
            break
        root = parent
        seen.add(parent.id)
    family, frontier = [root], [root.id]
    while frontier:
        children = list(session.scalars(select(LegalAuthority).where(LegalAuthority.renews_id.in_(frontier))))
        children = [c for c in children if c.id not in {f.id for f in family}]
        family.extend(children)
        frontier = [c.id for c in children]
    return family


def _targets(session: Session, ids: list[str]) -> list[tuple[str, str]]:
    rows = session.execute(
        select(AuthorityTarget.kind, AuthorityTarget.value).where(AuthorityTarget.authority_id.in_(ids))
    )
    return sorted({(kind, value) for kind, value in rows})


def authority_view(session: Session, authority: LegalAuthority) -> dict[str, Any]:
    today = utcnow().date().isoformat()
    return {
        "id": authority.id,
        "basis": authority.basis,
        "reference": authority.reference,
        "issued_by": authority.issued_by,
        "applicant": authority.applicant,
        "authorising_officer": authority.authorising_officer,
        "issued_on": authority.issued_on,
        "valid_from": authority.valid_from,
        "valid_to": authority.valid_to,
        "in_force": authority.valid_from <= today <= authority.valid_to,
        "targets": [label(k, v) for k, v in _targets(session, [authority.id])],
        "data_classes": list(authority.data_classes),
        "purpose": authority.purpose,
        "retention_until": authority.retention_until,
        "document_exhibit": authority.document_exhibit_id,
        "renews": authority.renews_id,
        "compartment": authority.compartment,
        "created_by": authority.created_by,
    }


def show_authority(session: Session, actor: Actor, authority_id: str) -> dict[str, Any]:
    authority = visible_authority(session, actor, authority_id)
    view = authority_view(session, authority)
    view["renewed_by"] = list(
        session.scalars(
            select(LegalAuthority.id).where(
                LegalAuthority.renews_id == authority.id, actor.visible(LegalAuthority.compartment)
            )
        )
    )
    view["exhibits"] = list(
        session.scalars(
            select(Exhibit.id).where(Exhibit.authority_id == authority.id, actor.visible(Exhibit.compartment))
        )
    )
    audit.record(
        session,
        actor,
        "authority.read",
        target_type="authority",
        target_id=authority.id,
        compartment=authority.compartment,
    )
    return view


def list_authorities(
    session: Session, actor: Actor, *, expiring_within: int | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Authorities the actor may see; with ``expiring_within`` days, those in force that end by then."""
    actor.require("authority.read")
    query = select(LegalAuthority).where(actor.visible(LegalAuthority.compartment))
    if expiring_within is not None:
        if expiring_within < 0:
            raise InvalidInput("days must be zero or more", field="days")
        day = today or utcnow().date()
        query = query.where(
            LegalAuthority.valid_from <= day.isoformat(),  # in force today, not merely ending soon
            LegalAuthority.valid_to >= day.isoformat(),
            LegalAuthority.valid_to <= (day + timedelta(days=expiring_within)).isoformat(),
        )
    rows = session.scalars(query.order_by(LegalAuthority.valid_to, LegalAuthority.id))
    views = []
    for authority in rows:
        view = authority_view(session, authority)
        renewed = session.scalar(
            select(LegalAuthority.id)
            .where(LegalAuthority.renews_id == authority.id, actor.visible(LegalAuthority.compartment))
            .limit(1)
        )
        view["renewed_by"] = renewed
        views.append(view)
    return views


def exhibit_flags(session: Session, exhibit: Exhibit) -> list[str]:
    """Why an exhibit's acquisition is questionable under its legal authority; empty when it is not."""
    if exhibit.authority_id is None:
        if exhibit.kind in NEEDS_AUTHORITY and exhibit.origin == "original":
            return ["no legal authority is recorded for this data"]
        return []
    authority = session.get(LegalAuthority, exhibit.authority_id)
    if authority is None:
        return [f"its legal authority {exhibit.authority_id} is missing"]
    family = _family(session, authority)
    flags = []
    if exhibit.collected_at is not None:
        day = exhibit.collected_at.date().isoformat()
        if not any(a.valid_from <= day <= a.valid_to for a in family):
            windows = ", ".join(f"{a.valid_from} to {a.valid_to}" for a in family)
            flags.append(f"acquired on {day}, outside the authority's window ({windows})")
    covered = set(_targets(session, [a.id for a in family]))
    about = session.execute(
        select(ExhibitTarget.kind, ExhibitTarget.value).where(ExhibitTarget.exhibit_id == exhibit.id)
    )
    for kind, value in about:
        if (kind, value) not in covered:
            flags.append(f"about {label(kind, value)}, which the authority does not cover")
    return flags
