"""Transactions: audited reads commit their audit rows, and only those."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from dastavez.access import audit
from dastavez.exc import ConfigurationError
from dastavez.registry.profiles import profile
from dastavez.registry.records import add_person
from dastavez.storage.ledger_tables import LedgerEntry
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


# --- async routes: reads on the event loop, audit rows committed together -----------------------


async def _audited_profile(db, actor, person):
    async with db.audited_read_async() as s:
        return profile(s, actor, person)


def test_concurrent_async_reads_share_one_commit_and_each_is_on_record(db, make_actor):
    analyst = make_actor("analyst")
    with db.write() as s:
        people = [add_person(s, analyst, name=f"Gul Khan Marri {n}").id for n in range(6)]
    with db.read() as s:
        ledger_before = s.scalar(select(func.count()).select_from(LedgerEntry))

    async def read_all():
        return await asyncio.gather(*(_audited_profile(db, analyst, p) for p in people))

    commits = []

    def count(connection):
        commits.append(connection)

    event.listen(db.engine, "commit", count)
    try:
        views = asyncio.run(read_all())
    finally:
        event.remove(db.engine, "commit", count)
    assert [v["id"] for v in views] == people
    assert len(commits) == 1  # one write transaction for the six reads
    with db.read() as s:
        reads = s.scalars(select(AuditEvent.target_id).where(AuditEvent.action == "profile.read")).all()
        ledger_after = s.scalar(select(func.count()).select_from(LedgerEntry))
    assert sorted(reads) == sorted(people)
    assert ledger_after - ledger_before == len(people)  # every read is a leaf of the ledger too


def test_an_async_read_is_not_answered_when_its_audit_commit_fails(db, make_actor, monkeypatch):
    analyst = make_actor("analyst")
    with db.write() as s:
        people = [add_person(s, analyst, name=f"Sher Ali Bugti {n}").id for n in range(3)]

    @contextmanager
    def broken_write():
        raise ConfigurationError("database unavailable: disk full")
        yield  # pragma: no cover

    monkeypatch.setattr(db, "write", broken_write)

    async def read_all():
        return await asyncio.gather(*(_audited_profile(db, analyst, p) for p in people),
                                    return_exceptions=True)

    outcomes = asyncio.run(read_all())
    assert all(isinstance(o, ConfigurationError) for o in outcomes)  # no view escapes unrecorded
    monkeypatch.undo()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "profile.read")) == 0


def test_an_async_audited_read_refuses_any_other_change(db, make_actor):
    analyst = make_actor("analyst")

    async def sneaky():
        async with db.audited_read_async() as s:
            audit.record(s, analyst, "profile.read", target_id="PER-0000000000")
            s.add(Compartment(code="SNEAKY", title="not allowed here"))

    with pytest.raises(RuntimeError, match="only add audit events"):
        asyncio.run(sneaky())
    with db.read() as s:
        assert s.get(Compartment, "SNEAKY") is None
