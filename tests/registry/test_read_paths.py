"""The reads every screen makes stay a handful of statements (speed is in benchmarks/registry.py;
this keeps a later change from quietly going back to one query per relation)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from dastavez.access.authn import issue_api_token, resolve_api_token
from dastavez.evidence.exhibits import register_exhibit
from dastavez.registry.legal_status import set_legal_status
from dastavez.registry.profiles import profile
from dastavez.registry.records import add_membership, add_person, create_with_claims
from dastavez.registry.search import search_entities


@contextmanager
def statements(db) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):  # SQLite's explicit BEGIN is not a query
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_profile_with_links_and_evidence_takes_a_few_statements(db, make_actor):
    supervisor = make_actor("supervisor")
    with db.write() as s:
        exhibit = register_exhibit(s, supervisor, title="Interrogation report", kind="document").id
        person = add_person(s, supervisor, name="Zarak Khan Bloch", aliases=["Ustad"], exhibit_id=exhibit).id
        group = create_with_claims(s, supervisor, schema="Organization",
                                   values=[("name", "Kohsang Front")]).id
        add_membership(s, supervisor, member_id=person, organization_id=group, role="commander",
                       exhibit_id=exhibit)
        set_legal_status(s, supervisor, entity_id=person, status="wanted", basis="FIR 12/2021")
    with db.read() as s, statements(db) as seen:
        view = profile(s, supervisor, person)
    assert [link["other"]["id"] for link in view["links"]] == [group]
    # entity; own and linked claims with titles; exhibit status (2); the other ends; status history
    assert len(seen) <= 6, seen


def test_a_search_takes_one_statement_per_window(db, make_actor):
    analyst = make_actor("analyst")
    with db.write() as s:
        ids = {add_person(s, analyst, name=f"Sher Dil Marwat {n}").id for n in range(5)}
    with db.read() as s, statements(db) as seen:
        found = search_entities(s, analyst, query="sher marw")["results"]
    assert {r["id"] for r in found} == ids
    assert len(seen) == 1, seen


def test_an_api_token_resolves_to_its_actor_in_one_statement(db, settings, make_actor):
    analyst = make_actor("analyst", clearances=["ALPHA"])
    with db.write() as s:
        token = issue_api_token(s, settings, analyst, name="t")["token"]
    with db.read() as s, statements(db) as seen:
        actor = resolve_api_token(s, token=token, client=None)
    assert (actor.username, actor.roles, actor.clearances) == (analyst.username, {"analyst"}, {"ALPHA"})
    assert len(seen) == 1, seen
