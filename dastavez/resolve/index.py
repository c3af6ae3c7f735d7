"""The registry's half of the screening index (``name_key``), kept in step with its names.

A name claimed one at a time is keyed at once (``key_claim`` from ``registry.search``);
names written by the bulk loader, which must not pay 60 µs of name analysis per row while
loading 10^6 claims, are keyed by ``refresh`` afterwards: it keys every ``name_index`` row
past the watermark that has no keys yet. Screening refreshes first, so it never misses a name.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from dastavez.resolve.reference import name_keys
from dastavez.storage.engine import Database
from dastavez.storage.resolve_tables import IndexWatermark, NameKey
from dastavez.storage.tables import Claim, NameIndex

REGISTRY = "registry"
BATCH = 5_000


def _rows(claim_id: str, entity_id: str, compartment: str | None, name: str) -> list[dict[str, object]]:
    rows = name_keys(entity_id, REGISTRY, [name], compartment)
    for row in rows:
        row["claim_id"] = claim_id
    return rows


def key_claim(session: Session, claim: Claim) -> None:
    """File a newly indexed name claim under its screening keys."""
    rows = _rows(claim.id, claim.entity_id, claim.compartment, claim.value)
    if rows:
        session.execute(insert(NameKey), rows)


def unkey_claim(session: Session, claim_id: str) -> None:
    session.execute(delete(NameKey).where(NameKey.claim_id == claim_id))


def pending(session: Session) -> bool:
    """Whether ``name_index`` holds rows past the watermark (one indexed look-up each)."""
    newest = session.scalar(select(func.max(NameIndex.id))) or 0
    mark = session.scalar(select(IndexWatermark.value).where(IndexWatermark.name == "name_key")) or 0
    return newest > mark


def refresh(session: Session) -> int:
    """Key the names loaded in bulk since the last refresh; returns how many names were keyed."""
    mark_row = session.get(IndexWatermark, "name_key")
    mark = mark_row.value if mark_row else 0
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
        if key_rows:
            session.execute(insert(NameKey), key_rows)
        keyed += len(rows)
        mark = upper
    mark = max(mark_row.value if mark_row else 0, newest)
    if mark_row is None:
        session.add(IndexWatermark(name="name_key", value=mark))
    else:
        mark_row.value = mark
    return keyed


def catch_up(db: Database) -> int:
    """Bring the index up to date before a screening (a no-op costing two look-ups when it is)."""
    with db.read() as session:
        if not pending(session):
            return 0
    with db.write() as session:
        return refresh(session)
