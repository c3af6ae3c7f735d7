"""Transactions: audited reads commit their audit rows, and only those."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dastavez.access import audit
from dastavez.registry.profiles import profile
from dastavez.registry.records import add_person
from dastavez.storage.tables import AuditEvent, Compartment


def test_an_audited_read_commits_its_audit_event(db, make_actor):
    analyst = make_actor("analyst")
    with db.write() as s:
        person = add_person(s, analyst, name="Nasir Jan Kakar").id
    with db.audited_read() as s:
        view = profile(s, analyst, person)
    assert view["caption"] == "Nasir Jan Kakar"
    with db.read() as s:
        reads = s.scalars(select(AuditEvent).where(AuditEvent.action == "profile.read")).all()
    assert [(e.actor, e.target_id) for e in reads] == [(analyst.username, person)]


def test_an_audited_read_refuses_any_other_change_and_writes_nothing(db, make_actor):
    analyst = make_actor("analyst")
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(RuntimeError, match="only add audit events"), db.audited_read() as s:
        audit.record(s, analyst, "profile.read", target_id="PER-0000000000")
        s.add(Compartment(code="SNEAKY", title="not allowed here"))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert s.get(Compartment, "SNEAKY") is None
