"""RowInserter stores rows exactly as SQLAlchemy's own INSERT does, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, text

from dastavez.storage.bulk_insert import RowInserter
from dastavez.storage.tables import AuditEvent, Base

EVENTS = Base.metadata.tables[AuditEvent.__tablename__]
COLUMNS = ("at", "actor", "interface", "action", "detail")
TIMES = [
    datetime(2026, 11, 28, 6, 5, 4, 321, tzinfo=UTC),
    datetime(2026, 11, 28, 6, 5, 4, tzinfo=UTC),  # no microseconds
    datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=5))),  # not UTC: stored as UTC
]


def _stored(db, action: str) -> list[tuple[str, str]]:
    with db.read() as s:
        rows = s.execute(text("SELECT CAST(at AS TEXT), CAST(detail AS TEXT) FROM audit_event "
                              "WHERE action = :action ORDER BY id"), {"action": action})
        return [tuple(row) for row in rows]


def test_rows_are_stored_as_sqlalchemy_stores_them(db):
    detail = {"q": "zarak", "n": 2}
    with db.write() as s:
        rows = [{"at": at, "actor": "a", "interface": "api", "action": "by.core", "detail": detail}
                for at in TIMES]
        s.execute(insert(EVENTS), rows)
        RowInserter(EVENTS, COLUMNS).insert(s, [(at, "a", "api", "by.rows", detail) for at in TIMES])
    assert _stored(db, "by.rows") == _stored(db, "by.core")
    assert len(_stored(db, "by.rows")) == len(TIMES)


def test_a_naive_timestamp_is_refused(db):
    with pytest.raises(ValueError, match="naive"), db.write() as s:
        RowInserter(EVENTS, COLUMNS).insert(s, [(datetime(2026, 1, 1), "a", "api", "x", {})])
