"""BulkLoader: the same rows as the per-record services, in batches, audited, searchable, as strict."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text

from dastavez.evidence.exhibits import register_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound, PermissionDenied
from dastavez.registry import entities
from dastavez.registry.bulk import LOADED_TABLES, BulkLoader, loading_in_bulk, seeded_entity_id
from dastavez.registry.claims import add_claim, retract_claim
from dastavez.registry.entities import create_entity
from dastavez.registry.legal_status import set_legal_status
from dastavez.registry.proscription import proscribe
from dastavez.registry.search import search_entities
from dastavez.registry.value_cache import ValueCache
from dastavez.storage.tables import (
    AuditEvent,
    Claim,
    Entity,
    Exhibit,
    LegalStatusChange,
    NameIndex,
    Proscription,
)

SEED = 7
REPORT_DAY = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
ORDER_DAY = datetime(2022, 3, 14, 7, 0, tzinfo=UTC)


class Services:
    """The script's operations through the per-record services."""

    def __init__(self, session: Any, actor: Any):
        self.session, self.actor = session, actor

    def entity(self, schema: str, compartment: str | None = None) -> str:
        return create_entity(self.session, self.actor, schema=schema, compartment=compartment).id

    def claim(self, entity_id: str, prop: str, value: str, **kwargs: Any) -> str:
        claim, _ = add_claim(self.session, self.actor, entity_id=entity_id, prop=prop, value=value, **kwargs)
        return claim.id

    def exhibit(self, **kwargs: Any) -> str:
        return register_exhibit(self.session, self.actor, **kwargs).id

    def status(self, entity_id: str, status: str, **kwargs: Any) -> None:
        set_legal_status(self.session, self.actor, entity_id=entity_id, status=status, **kwargs)

    def proscribe(self, entity_id: str, **kwargs: Any) -> None:
        proscribe(self.session, self.actor, entity_id=entity_id, **kwargs)

    def finish(self) -> None:
        self.session.flush()


class Bulk:
    """The same operations through one BulkLoader."""

    def __init__(self, loader: BulkLoader):
        self.loader = loader

    def entity(self, schema: str, compartment: str | None = None) -> str:
        return self.loader.new_entity(schema, compartment=compartment)

    def claim(self, entity_id: str, prop: str, value: str, **kwargs: Any) -> str:
        return self.loader.claim(entity_id, prop, value, **kwargs)

    def exhibit(self, **kwargs: Any) -> str:
        return self.loader.exhibit(**kwargs)

    def status(self, entity_id: str, status: str, **kwargs: Any) -> None:
        self.loader.legal_status(entity_id, status, **kwargs)

    def proscribe(self, entity_id: str, **kwargs: Any) -> None:
        self.loader.proscribe(entity_id, **kwargs)

    def finish(self) -> None:
        self.loader.finish()


def script(api: Services | Bulk, earlier: str) -> None:
    """Every kind of record, with values that need cleaning, compartments and a duplicate."""
    report = api.exhibit(title="Joint Interrogation Team report:  Zarak Khan", kind="statement",
                         now=REPORT_DAY)
    source = api.exhibit(title="Source report HS-7/12", kind="statement", compartment="ALPHA", now=REPORT_DAY)
    order = api.exhibit(title="ATC-II Kohsang: proclamation order", kind="document", now=ORDER_DAY,
                        description="s. 87 CrPC", sha256="AB" * 32)
    group = api.entity("Organization")
    api.claim(group, "name", "Shafaq Brigade")
    api.claim(group, "name", "شفق بریگیڈ")
    api.claim(group, "abbreviation", "SB")
    api.claim(group, "previousName", "Shafaq Study Circle", exhibit_id=order, locator="p. 2")
    api.proscribe(group, law="Anti-Terrorism Act, 1997", notification_ref="Ministry of Interior notification "
                  "No. F.9/14/2019-NACTA", date="02/03/2019", exhibit_id=order)
    person = api.entity("Person")
    api.claim(person, "name", "زرک خان بلوچ")  # Urdu first: the caption is still the Latin name
    api.claim(person, "name", "Zarak  Khan Bloch", exhibit_id=report, locator="p.   4")
    api.claim(person, "name", "Zarak Alpha Name", compartment="alpha")  # not as open as the person
    api.claim(person, "alias", "Ustad", exhibit_id=report, locator="00:14:32")
    api.claim(person, "weakAlias", "Abu Rayyan", exhibit_id=source)  # takes the exhibit's compartment
    api.claim(person, "birthDate", "17/05/1979", exhibit_id=report, locator="p. 4", confidence="high")
    api.claim(person, "nationality", "Pakistan")
    api.claim(person, "phone", "0300 1234567")
    api.claim(person, "phone", "+92 300 1234567")  # the same number: stored once
    api.claim(person, "idNumber", "3520212345671")
    api.claim(person, "passportNumber", "ab 1234567")
    api.claim(person, "gender", "Male")
    api.claim(person, "residence", "UAE", valid_from="2019-03", valid_to="2024")
    api.status(person, "suspect", basis="Named in  FIR No. 12/2021", effective="2021-01-05")
    api.status(person, "wanted", basis="Proclaimed offender, ATC-II order dated 14-03-2022", exhibit_id=order,
               effective="14/03/2022")
    hidden = api.entity("Person", compartment="ALPHA")
    api.claim(hidden, "name", "Noor Bibi Kakar")
    link = api.entity("Membership")
    api.claim(link, "member", person.lower())
    api.claim(link, "organization", group)
    api.claim(link, "role", "Commander")
    api.claim(link, "startDate", "2015")
    api.claim(earlier, "alias", "Chhota Ustad")  # an entity from before the load
    api.claim(earlier, "name", "محمد اکرم بلوچ")  # already stored: kept as it is
    api.claim(earlier, "name", "Muhammad Akram Baloch")  # the first Latin name: the caption changes
    api.finish()


def snapshot(session: Any) -> dict[str, Any]:
    claims = session.execute(select(Claim).order_by(Claim.created_at, Claim.id)).scalars().all()
    return {
        "claims": {c.id: (c.entity_id, c.prop, c.value, c.normalised, c.value_key, c.qualifiers,
                          c.exhibit_id, c.locator, c.valid_from, c.valid_to, c.confidence, c.status,
                          c.compartment, c.author) for c in claims},
        "claim_order": [c.id for c in claims],
        "entities": {e.id: (e.schema, e.caption, e.compartment, e.legal_status, e.created_by)
                     for e in session.scalars(select(Entity))},
        "names": sorted((n.claim_id, n.entity_id, n.compartment, n.folded)
                        for n in session.scalars(select(NameIndex))),
        "exhibits": {x.id: (x.title, x.kind, x.description, x.sha256, x.compartment, x.created_by,
                            x.created_at) for x in session.scalars(select(Exhibit))},
        "statuses": [(r.entity_id, r.status, r.basis, r.exhibit_id, r.effective, r.author)
                     for r in session.scalars(select(LegalStatusChange).order_by(LegalStatusChange.id))],
        "proscriptions": [(r.entity_id, r.law, r.notification_ref, r.date, r.exhibit_id, r.author)
                          for r in session.scalars(select(Proscription))],
    }


@pytest.fixture
def supervisor(make_actor):
    return make_actor("supervisor", clearances=["ALPHA"])


@pytest.fixture
def seeded_ids(monkeypatch) -> random.Random:
    """Entity ids from a seeded generator, for the services as for the loader."""
    rng = random.Random(SEED)
    monkeypatch.setattr(entities, "new_entity_id", lambda prefix: seeded_entity_id(prefix, rng))
    return rng


def run(db, supervisor, rng: random.Random, make_api: Callable[[Any], Services | Bulk]) -> dict[str, Any]:
    """Run the script in a transaction that is rolled back, and return what it wrote."""
    rng.seed(SEED)
    with db.read() as session:  # never committed: both runs start from the same database
        earlier = create_entity(session, supervisor, schema="Person").id
        add_claim(session, supervisor, entity_id=earlier, prop="name", value="محمد اکرم بلوچ")
        script(make_api(session), earlier)
        return snapshot(session)


def test_bulk_loader_writes_exactly_the_rows_the_services_write(db, supervisor, seeded_ids):
    by_services = run(db, supervisor, seeded_ids, lambda s: Services(s, supervisor))
    by_bulk = run(db, supervisor, seeded_ids,
                  lambda s: Bulk(BulkLoader(s, supervisor, rng=seeded_ids, batch_size=4)))
    assert len(by_bulk["claims"]) == 24
    for key in by_services:
        assert by_bulk[key] == by_services[key], key
    captions = {row[1]: row for row in by_bulk["entities"].values()}
    assert captions["Zarak Khan Bloch"][3] == "wanted"
    assert "Muhammad Akram Baloch" in captions  # the entity from before the load got a Latin caption
    compartments = {c[2]: c[12] for c in by_bulk["claims"].values()}
    assert (compartments["Abu Rayyan"], compartments["Zarak Alpha Name"], compartments["Ustad"]) == (
        "ALPHA", "ALPHA", None)
    assert len(by_bulk["names"]) == 12


def test_batches_are_audited_once_each_with_counts(db, supervisor):
    with db.write() as session:
        loader = BulkLoader(session, supervisor, batch_size=3)
        person = loader.new_entity("Person")
        for name in ("زرک خان بلوچ", "Zarak Khan Bloch", "Z. K. Bloch", "Ustad"):
            loader.claim(person, "alias" if name == "Ustad" else "name", name)
        loader.legal_status(person, "suspect", basis="Named in FIR No. 12/2021")
        totals = loader.finish()
    assert (totals.entities, totals.claims, totals.names, totals.legal_statuses) == (1, 4, 4, 1)
    with db.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "bulk.load")
                                 .order_by(AuditEvent.id)).all()
        entity = session.get(Entity, person)
    assert [e.detail["claims"] for e in events] == [3, 1]
    assert all(e.actor == supervisor.username for e in events)
    assert entity is not None and (entity.caption, entity.legal_status) == ("Zarak Khan Bloch", "suspect")


def test_bulk_loaded_names_are_found_by_search(db, supervisor, make_actor):
    cache = ValueCache()
    with db.write() as session:
        loader = BulkLoader(session, supervisor, cache=cache)
        person = loader.new_entity("Person")
        loader.claim(person, "name", "Zarak Khan Bloch")
        loader.claim(person, "name", "زرک خان بلوچ")
        loader.claim(person, "weakAlias", "Abu Rayyan", compartment="ALPHA")
        hidden = loader.new_entity("Person", compartment="ALPHA")
        loader.claim(hidden, "name", "Zarak Hidden")
        loader.finish()
    analyst = make_actor("analyst")
    with db.write() as session:
        def found(actor: Any, query: str) -> set[str]:
            return {r["id"] for r in search_entities(session, actor, query=query)["results"]}

        assert found(analyst, "zarak bloch") == {person}
        assert found(analyst, "زرک") == {person}
        assert found(analyst, "rayyan") == set()  # the alias is compartmented
        assert found(supervisor, "rayyan") == {person}
        assert found(supervisor, "zarak") == {person, hidden}
        assert found(analyst, "zarak") == {person}


REFUSALS: list[tuple[str, type[Exception], Callable[[BulkLoader, str, str], object]]] = [
    ("unknown property", InvalidInput, lambda b, p, o: b.claim(p, "favouriteColour", "red")),
    ("bad phone", InvalidInput, lambda b, p, o: b.claim(p, "phone", "12")),
    ("closed list", InvalidInput, lambda b, p, o: b.claim(p, "gender", "robot")),
    ("locator without exhibit", InvalidInput, lambda b, p, o: b.claim(p, "alias", "X", locator="p. 1")),
    ("window backwards", InvalidInput, lambda b, p, o: b.claim(p, "alias", "X", valid_from="2020",
                                                               valid_to="2019")),
    ("bad confidence", InvalidInput, lambda b, p, o: b.claim(p, "alias", "X", confidence="sure")),
    ("unknown entity", NotFound, lambda b, p, o: b.claim("PER-0000000000", "alias", "X")),
    ("unknown exhibit", NotFound, lambda b, p, o: b.claim(p, "alias", "X", exhibit_id="EXH-2020-999999")),
    ("unknown compartment", NotFound, lambda b, p, o: b.claim(p, "alias", "X", compartment="NOPE")),
    ("reference to nothing", NotFound, lambda b, p, o: b.claim(b.new_entity("Membership"), "member",
                                                               "PER-0000000000")),
    ("reference of the wrong kind", InvalidInput, lambda b, p, o: b.claim(b.new_entity("Membership"),
                                                                          "organization", p)),
    ("abstract schema", InvalidInput, lambda b, p, o: b.new_entity("Thing")),
    ("status of an organisation", InvalidInput, lambda b, p, o: b.legal_status(o, "suspect", basis="x")),
    ("status without basis", InvalidInput, lambda b, p, o: b.legal_status(p, "suspect", basis=" ")),
    ("unknown status", InvalidInput, lambda b, p, o: b.legal_status(p, "terrorist", basis="x")),
    ("proscribing a person", NotFound, lambda b, p, o: b.proscribe(p, law="ATA", notification_ref="x",
                                                                   date="2020")),
    ("exhibit kind", InvalidInput, lambda b, p, o: b.exhibit(title="x", kind="rumour")),
]


@pytest.mark.parametrize(("what", "error", "act"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_bulk_loader_refuses_what_the_services_refuse(db, supervisor, what, error, act):
    with db.write() as session:
        loader = BulkLoader(session, supervisor)
        person, group = loader.new_entity("Person"), loader.new_entity("Organization")
        loader.finish()
    with pytest.raises(error), db.write() as session:
        act(BulkLoader(session, supervisor), person, group)


def test_roles_and_clearances_are_checked(db, supervisor, make_actor):
    with db.write() as session:
        loader = BulkLoader(session, supervisor)
        hidden = loader.new_entity("Person", compartment="ALPHA")
        loader.finish()
    liaison, analyst = make_actor("liaison"), make_actor("analyst")
    with pytest.raises(PermissionDenied), db.write() as session:
        BulkLoader(session, liaison).new_entity("Person")
    with pytest.raises(PermissionDenied), db.write() as session:
        person = BulkLoader(session, analyst).new_entity("Person")
        BulkLoader(session, analyst).legal_status(person, "suspect", basis="x")
    with pytest.raises(NotFound), db.write() as session:
        BulkLoader(session, analyst).claim(hidden, "alias", "X")
    with pytest.raises(NotFound), db.write() as session:
        BulkLoader(session, analyst).new_entity("Person", compartment="ALPHA")


def test_a_retracted_claim_is_not_asserted_again(db, supervisor):
    with db.write() as session:
        person = create_entity(session, supervisor, schema="Person").id
        claim, _ = add_claim(session, supervisor, entity_id=person, prop="alias", value="Ustad")
        retract_claim(session, supervisor, claim_id=claim.id, reason="wrong person")
    with pytest.raises(Conflict, match="retracted"), db.write() as session:
        loader = BulkLoader(session, supervisor)
        loader.claim(person, "alias", "Ustad")
        loader.finish()


def test_a_same_status_twice_is_a_conflict_and_nothing_is_written(db, supervisor):
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(Entity))
    with pytest.raises(Conflict), db.write() as session:
        loader = BulkLoader(session, supervisor, batch_size=1)
        person = loader.new_entity("Person")
        loader.claim(person, "name", "Zarak Khan Bloch")  # flushed: the batch is one claim
        loader.legal_status(person, "suspect", basis="FIR No. 1/2020")
        loader.legal_status(person, "suspect", basis="FIR No. 1/2020")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == before


def test_exhibit_numbers_continue_the_register_and_clash_loudly(db, supervisor):
    with db.write() as session:
        first = register_exhibit(session, supervisor, title="Before", kind="document", now=REPORT_DAY).id
        loader = BulkLoader(session, supervisor)
        second = loader.exhibit(title="Bulk", kind="document", now=REPORT_DAY)
        loader.finish()
    assert (first, second) == ("EXH-2025-000001", "EXH-2025-000002")
    with pytest.raises(Conflict), db.write() as session:
        loader = BulkLoader(session, supervisor)
        loader.exhibit(title="Bulk", kind="document", now=REPORT_DAY)  # numbered 3, not yet written
        register_exhibit(session, supervisor, title="Meanwhile", kind="document", now=REPORT_DAY)  # also 3
        loader.finish()


def _schema_of_loaded_tables(db) -> dict[str, Any]:
    """Indexes and foreign keys of the tables a bulk load fills, as the database reports them."""
    inspector = inspect(db.engine)
    return {
        table: (
            sorted((ix["name"], tuple(ix["column_names"]), ix["unique"])
                   for ix in inspector.get_indexes(table)),
            sorted((fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"])
                   for fk in inspector.get_foreign_keys(table)),
        )
        for table in LOADED_TABLES
    }


def test_loading_in_bulk_builds_the_deferred_indexes_and_keys_again(db, supervisor, make_actor):
    before = _schema_of_loaded_tables(db)
    with loading_in_bulk(db):
        during = _schema_of_loaded_tables(db)
        with db.write() as session:
            loader = BulkLoader(session, supervisor)
            person = loader.new_entity("Person")
            loader.claim(person, "name", "Zarak Khan Bloch")
            loader.finish()
    assert _schema_of_loaded_tables(db) == before
    if db.dialect == "postgresql":  # the foreign keys came back checked, not merely in force
        with db.read() as session:
            assert session.scalar(text("SELECT count(*) FROM pg_constraint WHERE NOT convalidated "
                                       "AND connamespace = current_schema()::regnamespace")) == 0
    assert during != before  # the secondary indexes were gone meanwhile ...
    assert any(ix[0] == "ix_claim_entity_prop" for ix in during["claim"][0])  # ... but the one it reads
    with db.write() as session:  # and what was loaded is found through them
        found = search_entities(session, make_actor("analyst"), query="zarak")["results"]
    assert [r["id"] for r in found] == [person]


def test_loading_in_bulk_puts_the_indexes_back_when_the_load_fails(db, supervisor):
    before = _schema_of_loaded_tables(db)
    with pytest.raises(InvalidInput), loading_in_bulk(db), db.write() as session:
        loader = BulkLoader(session, supervisor)
        loader.claim(loader.new_entity("Person"), "birthDate", "not a date")
    assert _schema_of_loaded_tables(db) == before
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 0
