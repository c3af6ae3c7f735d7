"""Case and incident numbers: ``CASE-2026-000012``, ``INC-2026-000007``, gap-free per year."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dastavez.storage.case_tables import CaseCounter


def next_number(session: Session, kind: str, year: int) -> str:
    """One upsert statement, so two writers numbering the first case of a year cannot collide."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    bumped = session.execute(
        dialect.insert(CaseCounter)
        .values(kind=kind, year=year, last=1)
        .on_conflict_do_update(index_elements=["kind", "year"], set_={"last": CaseCounter.last + 1})
        .returning(CaseCounter.last)
    ).scalar_one()
    return f"{kind}-{year}-{bumped:06d}"
