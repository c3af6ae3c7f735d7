"""The registry out as FtM JSON lines and back in: ids, values, provenance, compartments.

The round trip: build a registry, export it, import the export into a fresh registry,
export that, and compare. With the same exhibits there, the two exports are identical,
byte for byte (ids are kept, so claim ids, which hash entity, property, value, exhibit and
locator, come out the same). Without them the values are the same and the claims come in
unsupported: their ids change with the exhibit they lost, and two sources of one value
become one claim.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from ftm_world import COMPARTMENT, build_registry, export_lines, fresh_registry
from sqlalchemy import func, select, update

from dastavez.exc import InvalidInput, PermissionDenied
from dastavez.registry.claims import retract_claim
from dastavez.registry.records import add_membership, add_person
from dastavez.resolve.ftm_registry import FtmImportReport, import_ftm
from dastavez.resolve.ftm_source import HashedLines
from dastavez.storage.tables import AuditEvent, Claim, Entity


def run_import(db, actor, lines: list[str] | bytes, *, skip_bad: bool = False) -> FtmImportReport:
    data = lines if isinstance(lines, bytes) else "".join(line + "\n" for line in lines).encode()
    source = HashedLines(io.BytesIO(data))
    with db.write() as session:
        return import_ftm(
            session, actor, source, file="test.ftm.json", sha256=source.sha256, skip_bad=skip_bad
        )


def by_id(lines: list[str]) -> dict[str, dict[str, Any]]:
    return {entity["id"]: entity for entity in map(json.loads, lines)}


def counts(db) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Entity)) or 0,
            session.scalar(select(func.count()).select_from(Claim)) or 0,
        )


@pytest.fixture
def exporter(make_actor):
    return make_actor("admin", clearances=[COMPARTMENT], interface="cli")


@pytest.fixture
def world(db, exporter) -> dict[str, Any]:
    return build_registry(db, exporter)


# --- what the export says ---------------------------------------------------------------------


def test_the_export_has_every_live_value_with_its_provenance(db, exporter, world):
    entities = by_id(export_lines(db, exporter))
    assert set(entities) == {world[key] for key in ("akram", "zarrar", "front", "leads", "helps")}
    akram = entities[world["akram"]]
    assert akram["caption"] == "Muhammad Akram Baloch" and "compartment" not in akram
    props = akram["properties"]
    assert props["name"] == ["Muhammad Akram Baloch", "محمد اکرم بلوچ"]
    assert props["alias"] == ["Ustad", "Akram Bhai", "Shaheen"]  # the retracted "Doctor" is left out
    assert props["birthDate"] == ["1981-03-02", "1979"]
    assert props["phone"] == ["+923001234567", "+923217654321"]
    assert (props["nationality"], props["idNumber"]) == (["pk"], ["35202-1234567-1"])
    names = akram["provenance"]["name"]
    assert [(r["value"], r["exhibit"], r["locator"]) for r in names] == [
        ("Muhammad Akram Baloch", world["exhibits"]["report"], None),
        ("محمد اکرم بلوچ", world["exhibits"]["report"], None),
        ("Muhammad Akram Baloch", world["exhibits"]["call"], "00:01:10"),
    ]
    records = {r["claim"]: r for prop in akram["provenance"].values() for r in prop}
    assert world["retracted"] not in records
    assert records[world["disputed"]] == {
        "value": "1979",
        "claim": world["disputed"],
        "status": "disputed",
        "exhibit": world["exhibits"]["call"],
        "locator": "00:04:05",
        "confidence": "medium",
        "note": "contradicts the CNIC",
    }
    phone = records[world["corroborated"]]
    assert (phone["status"], phone["confidence"], phone["valid_from"], phone["valid_to"]) == (
        "corroborated",
        "high",
        "2024-01",
        "2025-06",
    )
    unsupported = next(r for r in akram["provenance"]["phone"] if r["value"] == "+923217654321")
    assert (unsupported["exhibit"], unsupported["locator"], unsupported["status"]) == (None, None, "asserted")
    secret = next(r for r in akram["provenance"]["alias"] if r["value"] == "Shaheen")
    father = akram["provenance"]["fatherName"][0]
    assert secret["compartment"] == father["compartment"] == COMPARTMENT
    assert entities[world["zarrar"]]["compartment"] == COMPARTMENT
    assert entities[world["zarrar"]]["properties"]["name"] == ["Zarrar Khanzada", "ضرار خانزادہ"]
    leads = entities[world["leads"]]["properties"]
    assert (leads["member"], leads["organization"], leads["role"]) == (
        [world["akram"]],
        [world["front"]],
        ["leader"],
    )


def test_links_come_after_the_entities_they_point_at(db, exporter, world):
    order = [json.loads(line)["schema"] for line in export_lines(db, exporter)]
    assert order.index("Membership") > max(order.index("Person"), order.index("Organization"))
    assert order[-2:] == ["Membership", "Membership"]


def test_an_uncleared_reader_exports_only_what_they_may_see_and_the_export_is_audited(db, make_actor, world):
    reader = make_actor("supervisor", interface="cli")
    lines = export_lines(db, reader)
    text = "\n".join(lines)
    assert set(by_id(lines)) == {world["akram"], world["front"], world["leads"]}
    for secret in (
        "Shaheen",
        "Karim",
        "Zarrar",
        "ضرار",
        COMPARTMENT,
        world["zarrar"],
        world["helps"],
        world["exhibits"]["source"],
    ):
        assert secret not in text
    with db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "registry.export", AuditEvent.actor == reader.username
            )
        ).one()
    claims = sum(
        len(records) for entity in by_id(lines).values() for records in entity["provenance"].values()
    )
    unsupported = sum(
        1
        for entity in by_id(lines).values()
        for records in entity["provenance"].values()
        for record in records
        if record["exhibit"] is None
    )
    assert event.detail == {
        "format": "ftm",
        "destination": "test",
        "entities": 3,
        "claims": claims,
        "unsupported": unsupported,
    }


def test_only_roles_with_the_export_permission_may_export(db, make_actor, world):
    for role in ("analyst", "liaison", "auditor"):
        with pytest.raises(PermissionDenied):
            export_lines(db, make_actor(role))
    with db.read() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "registry.export")) == 0


def test_a_merged_entity_is_left_out_and_references_to_it_point_at_the_survivor(db, exporter, world):
    with db.write() as session:
        double = add_person(session, exporter, name="Mohd. Akram Bloch").id
        link = add_membership(
            session, exporter, member_id=double, organization_id=world["front"], role="member"
        ).id
        session.execute(update(Entity).where(Entity.id == double).values(merged_into=world["akram"]))
    entities = by_id(export_lines(db, exporter))
    assert double not in entities
    assert entities[link]["properties"]["member"] == [world["akram"]]


# --- the round trip ---------------------------------------------------------------------------


def test_the_round_trip_into_a_fresh_registry_gives_the_same_export(settings, db, exporter, world, tmp_path):
    first = export_lines(db, exporter)
    fresh, importer = fresh_registry(settings, db, tmp_path / "fresh", exporter, exhibits=True)
    report = run_import(fresh, importer, first)
    claims = sum(len(r) for entity in by_id(first).values() for r in entity["provenance"].values())
    assert (report.lines, report.entities, report.remapped, report.matched) == (5, 5, 0, 0)
    assert (report.claims, report.existing, report.unsupported, report.skipped, report.errors) == (
        claims,
        0,
        0,
        0,
        [],
    )
    second = export_lines(fresh, importer)
    assert second == first
    again = run_import(fresh, importer, first)  # importing it again adds nothing
    assert (again.entities, again.matched, again.claims, again.existing) == (0, 5, 0, claims)
    assert export_lines(fresh, importer) == first


def test_without_the_exhibits_the_values_come_back_unsupported(settings, db, exporter, world, tmp_path):
    first = export_lines(db, exporter)
    fresh, importer = fresh_registry(settings, db, tmp_path / "fresh", exporter, exhibits=False)
    report = run_import(fresh, importer, first)
    cited = [
        r
        for entity in by_id(first).values()
        for records in entity["provenance"].values()
        for r in records
        if r["exhibit"]
    ]
    assert report.unsupported == len(cited) - 1  # the name cited twice becomes one unsupported claim
    assert report.existing == 1
    second = by_id(export_lines(fresh, importer))
    expected = by_id(first)
    assert set(second) == set(expected)
    for entity_id, entity in expected.items():
        assert second[entity_id]["properties"] == entity["properties"]
        assert second[entity_id].get("compartment") == entity.get("compartment")
        assert _without_sources(second[entity_id]) == _without_sources(entity), entity_id
        for records in second[entity_id]["provenance"].values():
            assert all(r["exhibit"] is None and r["locator"] is None for r in records)


def _without_sources(entity: dict[str, Any]) -> dict[str, set[str]]:
    """Each property's records without claim id, exhibit and locator, as a set."""
    return {
        prop: {
            json.dumps(
                {k: v for k, v in r.items() if k not in ("claim", "exhibit", "locator")}, sort_keys=True
            )
            for r in records
        }
        for prop, records in entity["provenance"].items()
    }


def test_importing_an_export_where_it_came_from_adds_nothing_and_keeps_retractions(db, exporter, world):
    first = export_lines(db, exporter)
    before = counts(db)
    with db.write() as session:
        retract_claim(session, exporter, claim_id=world["disputed"], reason="the CNIC settles it")
    report = run_import(db, exporter, first)
    assert (report.entities, report.matched, report.claims) == (0, 5, 0)
    assert counts(db) == before
    with db.read() as session:
        assert session.get(Claim, world["disputed"]).status == "retracted"  # not asserted again


# --- foreign files ----------------------------------------------------------------------------

FOREIGN = [
    '{"id": "m-1", "schema": "Membership", "properties": {"member": ["p-1"], "organization": ["o-1"], '
    '"role": ["commander"]}}',
    '{"id": "p-1", "schema": "Person", "properties": {"name": ["Gul Khan Marri", "گل خان مری"], '
    '"birthDate": ["1975"], "topics": ["crime"]}}',
    '{"id": "o-1", "schema": "Organization", "properties": {"name": ["Koh Front"]}}',
    '{"id": "p-1", "schema": "Person", "properties": {"alias": ["Gul Bhai"]}}',
    '{"id": "v-1", "schema": "Vessel", "properties": {"name": ["Sea Breeze"]}}',
]


def test_foreign_ids_get_new_ones_and_references_follow_them(db, admin):
    report = run_import(db, admin, FOREIGN)
    assert (report.lines, report.entities, report.remapped, report.claims) == (5, 3, 3, 8)
    assert (report.skipped, report.ignored, dict(report.unknown)) == (1, 1, {"Vessel": 1, "Person.topics": 1})
    with db.read() as session:
        person = session.scalars(select(Claim.entity_id).where(Claim.value == "Gul Khan Marri")).one()
        org = session.scalars(select(Claim.entity_id).where(Claim.value == "Koh Front")).one()
        membership = session.scalars(select(Claim.entity_id).where(Claim.value == "commander")).one()
        links = {
            prop: value
            for prop, value in session.execute(
                select(Claim.prop, Claim.value).where(Claim.entity_id == membership)
            )
        }
        aliases = session.scalars(select(Claim.value).where(Claim.entity_id == person, Claim.prop == "alias"))
        assert list(aliases) == ["Gul Bhai"]  # the second fragment of p-1
        assert session.get(Entity, person).caption == "Gul Khan Marri"
    assert person.startswith("PER-") and org.startswith("ORG-") and membership.startswith("MEM-")
    assert (links["member"], links["organization"]) == (person, org)


def test_a_bad_value_fails_the_whole_file_naming_its_line(db, admin):
    lines = [
        '{"id": "p-1", "schema": "Person", "properties": {"name": ["Gul Khan Marri"]}}',
        '{"id": "p-2", "schema": "Person", "properties": {"name": ["Noor"], "birthDate": ["yesterday"]}}',
        '{"id": "m-1", "schema": "Membership", "properties": {"member": ["p-2"], "organization": ["o-9"], '
        '"role": ["member"]}}',
    ]
    before = counts(db)
    with pytest.raises(InvalidInput) as refused:
        run_import(db, admin, lines)
    assert refused.value.detail.startswith("line 2, birthDate: ")
    assert "2 of 3 lines failed; nothing was imported" in refused.value.detail
    errors = refused.value.extra["errors"]
    assert [(e["line"], e["entity"], e["prop"], e["value"]) for e in errors] == [
        (2, "p-2", "birthDate", "yesterday"),
        (3, "m-1", "member", "p-2"),
    ]
    assert "which was left out" in errors[1]["reason"]
    assert counts(db) == before

    report = run_import(db, admin, lines, skip_bad=True)
    assert (report.entities, report.claims, report.skipped) == (1, 1, 2)
    assert [error.line for error in report.errors] == [2, 3]


def test_nothing_importable_is_an_error(db, admin):
    with pytest.raises(InvalidInput, match="schemata unknown here: Vessel"):
        run_import(db, admin, [FOREIGN[-1]])
    with pytest.raises(InvalidInput, match="holds no FtM entities"):
        run_import(db, admin, b"\n\n")


def test_a_line_that_is_not_ftm_fails_the_file_even_with_skip_bad(db, admin):
    with pytest.raises(InvalidInput, match=r"^line 2: not JSON"):
        run_import(db, admin, [FOREIGN[2], "{not json"], skip_bad=True)
    with pytest.raises(InvalidInput, match=r"^line 1 is not valid UTF-8"):
        run_import(db, admin, b"\xff\xfe{}\n", skip_bad=True)


def test_compartment_markings_need_a_cleared_importer(db, exporter, world, make_actor):
    lines = export_lines(db, exporter)
    uncleared = make_actor("supervisor", interface="cli")
    with pytest.raises(InvalidInput) as refused:
        run_import(db, uncleared, lines)
    failed = {(e["entity"], e["reason"]) for e in refused.value.extra["errors"]}
    assert (world["zarrar"], f"no compartment '{COMPARTMENT}'") in failed
    assert any(entity == world["akram"] for entity, _ in failed)  # its ALPHA claims are not opened up
    report = run_import(db, uncleared, lines, skip_bad=True)
    # ... and the memberships of those two are left out with them.
    assert {error.entity for error in report.errors} == {
        world[key] for key in ("akram", "zarrar", "leads", "helps")
    }
    assert (report.matched, report.claims) == (1, 0)  # the front, whose claims are all here already


def test_a_status_or_compartment_the_registry_cannot_take(db, admin):
    line = (
        '{"id": "p-1", "schema": "Person", "properties": {"name": ["Gul Khan Marri"]}, "provenance": '
        '{"name": [{"value": "Gul Khan Marri", "status": "%s"}]}}'
    )
    with pytest.raises(InvalidInput, match="status must be asserted, corroborated, disputed or retracted"):
        run_import(db, admin, [line % "rumoured"])
    report = run_import(db, admin, [line % "retracted", FOREIGN[2]])
    assert (report.entities, report.claims, report.ignored) == (2, 1, 1)
    marked = '{"id": "p-2", "schema": "Person", "compartment": "NOWHERE", "properties": {"name": ["X Y"]}}'
    with pytest.raises(InvalidInput, match="no compartment 'NOWHERE'"):
        run_import(db, admin, [marked])


def test_references_to_entities_already_here_and_circles(db, exporter, world):
    link = {
        "id": "m-9",
        "schema": "Membership",
        "properties": {"member": [world["akram"]], "organization": [world["front"]], "role": ["financier"]},
    }
    report = run_import(db, exporter, [json.dumps(link)])
    assert (report.entities, report.claims) == (1, 3)
    with db.read() as session:
        members = session.scalars(
            select(Claim.entity_id).where(Claim.prop == "member", Claim.value == world["akram"])
        )
        assert len(list(members)) == 2  # the world's membership and this one
    circle = [
        {"id": "m-1", "schema": "Membership", "properties": {"member": ["m-2"], "role": ["member"]}},
        {"id": "m-2", "schema": "Membership", "properties": {"member": ["m-1"], "role": ["member"]}},
    ]
    with pytest.raises(InvalidInput) as refused:
        run_import(db, exporter, [json.dumps(item) for item in circle])
    assert [e["line"] for e in refused.value.extra["errors"]] == [1, 2]
    assert "in a circle" in refused.value.detail
