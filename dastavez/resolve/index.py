"""The registry's half of the screening index (``name_key``), kept in step with its names.

A name claimed one at a time is keyed at once (``key_claim`` from ``registry.search``);
names written by the bulk loader, which must not pay 60 µs of name analysis per row while
loading 10^6 claims, are keyed by ``refresh`` afterwards: it keys every ``name_index`` row
past the watermark that has no keys yet. Screening refreshes first, so it never misses a name.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dastavez.resolve.filing import current_form, file_names, store_forms
from dastavez.resolve.names.forms import FORM_VERSION
from dastavez.resolve.reference import name_keys
from dastavez.storage.engine import Database
from dastavez.storage.resolve_tables import IndexWatermark, NameForm, NameKey
from dastavez.storage.tables import Claim, NameIndex

REGISTRY = "registry"
BATCH = 5_000
# the watermark up to which every filed name has its form of this version: a new version
# of the analysis starts from 0 and stores every name's form again
FORMS = f"name_form/{FORM_VERSION}"


def _rows(claim_id: str, entity_id: str, compartment: str | None, name: str) -> list[dict[str, object]]:
    rows = name_keys(entity_id, REGISTRY, [name], compartment)
    for row in rows:
        row["claim_id"] = claim_id
    return rows


def key_claim(session: Session, claim: Claim) -> None:
    """File a newly indexed name claim under its screening keys."""
    file_names(session, _rows(claim.id, claim.entity_id, claim.compartment, claim.value))


def unkey_claim(session: Session, claim_id: str) -> None:
    session.execute(delete(NameKey).where(NameKey.claim_id == claim_id))


def _mark(session: Session, name: str) -> int:
    return session.scalar(select(IndexWatermark.value).where(IndexWatermark.name == name)) or 0


def pending(session: Session) -> bool:
    """Whether ``name_index`` holds rows past the watermark, or ``name_key`` rows whose names'
    forms were not checked (names filed before forms were stored): four indexed look-ups."""
    if (session.scalar(select(func.max(NameIndex.id))) or 0) > _mark(session, "name_key"):
        return True
    return (session.scalar(select(func.max(NameKey.id))) or 0) > _mark(session, FORMS)


def _set_mark(session: Session, name: str, value: int) -> None:
    row = session.get(IndexWatermark, name)
    if row is None:
        session.add(IndexWatermark(name=name, value=value))
    elif value > row.value:
        row.value = value


def fill_forms(session: Session) -> int:
    """Store the forms of the names filed since the forms' watermark that have none (names a
    database held before it stored forms); returns how many forms were added."""
    mark = _mark(session, FORMS)
    newest = session.scalar(select(func.max(NameKey.id))) or 0
    added = 0
    while mark < newest:
        upper = mark + 4 * BATCH
        missing = session.scalars(
            select(NameKey.name)
            .outerjoin(NameForm, (NameForm.name == NameKey.name) & current_form())
            .where(NameKey.id > mark, NameKey.id <= upper, NameForm.name.is_(None))
            .distinct()
        ).all()
        store_forms(session, missing)
        added += len(missing)
        mark = upper
    _set_mark(session, FORMS, newest)
    return added


def refresh(session: Session) -> int:
    """Key the names loaded in bulk since the last refresh; returns how many names were keyed."""
    mark = _mark(session, "name_key")
    newest = session.scalar(select(func.max(NameIndex.id))) or 0
    keyed = 0
    while mark < newest:
        upper = mark + BATCH
        rows = session.execute(
            select(NameIndex.claim_id, NameIndex.entity_id, NameIndex.compartment, Claim.value)
            .join(Claim, Claim.id == NameIndex.claim_id)
            .where(NameIndex.id > mark, NameIndex.id <= upper)
            .where(~select(NameKey.id).where(NameKey.claim_id == NameIndex.claim_id).exists())
        ).all()
        key_rows = [
            row
            for claim_id, entity_id, code, value in rows
            for row in _rows(claim_id, entity_id, code, value)
        ]
        file_names(session, key_rows)
        keyed += len(rows)
        mark = upper
    _set_mark(session, "name_key", newest)
    fill_forms(session)
    return keyed


def catch_up(db: Database) -> int:
    """Bring the index up to date before a screening (a no-op costing two look-ups when it is)."""
    with db.read() as session:
        if not pending(session):
            return 0
    with db.write() as session:
        return refresh(session)
