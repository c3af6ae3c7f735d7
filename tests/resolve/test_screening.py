"""Screening through the index: the registry and reference lists, with facts and compartments."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dastavez.exc import InvalidInput
from dastavez.model.types.name import detect_script
from dastavez.registry.claims import add_claim, retract_claim
from dastavez.registry.records import add_person, create_with_claims
from dastavez.resolve.facts import clean_query_facts
from dastavez.resolve.index import catch_up
from dastavez.resolve.screening import ScreenQuery, screen
from dastavez.storage.tables import AuditEvent

NOT_TRANSLITERATED = {"Hani", "Zzzz"}  # see tests/resolve/test_names_cross_script.py


def run(db, actor, name, **facts):
    query = ScreenQuery(
        name,
        clean_query_facts(
            dob=facts.get("dob"),
            country=facts.get("country"),
            identifiers=facts.get("ids", []),
            phones=facts.get("phones", []),
            default_region="PK",
        ),
    )
    catch_up(db)
    with db.audited_read() as session:
        return screen(session, actor, [query], limit=facts.get("limit", 10), sources=facts.get("sources"))[0]


@pytest.fixture
def people(db, admin):
    with db.write() as session:
        akram = add_person(session, admin, name="Muhammad Akram Baloch", name_ur="محمد اکرم بلوچ").id
        add_claim(session, admin, entity_id=akram, prop="birthDate", value="1981-03-02")
        add_claim(session, admin, entity_id=akram, prop="nationality", value="PK")
        add_claim(session, admin, entity_id=akram, prop="idNumber", value="42101-1234567-1")
        namesake = add_person(session, admin, name="Muhammad Akram Baloch").id
        add_claim(session, admin, entity_id=namesake, prop="birthDate", value="1994")
        aslam = add_person(session, admin, name="Muhammad Aslam Khan").id
    return {"akram": akram, "namesake": namesake, "aslam": aslam}


def test_a_respelled_name_finds_both_namesakes_and_the_facts_separate_them(db, admin, people):
    results = run(db, admin, "Mohd. Akram Bloch", dob="1981")
    assert [r["entity"] for r in results[:2]] == [people["akram"], people["namesake"]]
    first, second = results[0], results[1]
    assert first["score"] > second["score"] and first["source"] == "registry"
    assert {c["kind"]: c["outcome"] for c in first["explanation"]["checks"]} == {"dob": "match"}
    assert {c["kind"]: c["outcome"] for c in second["explanation"]["checks"]} == {"dob": "conflict"}
    assert "spelling family" in first["explanation"]["summary"]
    assert people["aslam"] not in [r["entity"] for r in results if r["score"] >= 0.6]


def test_an_identifier_match_lifts_the_score_and_says_so(db, admin, people):
    plain = run(db, admin, "Akram Baloch")[0]
    sure = run(db, admin, "Akram Baloch", ids=["42101-1234567-1"])[0]
    assert sure["entity"] == people["akram"] and sure["score"] > plain["score"]
    assert any(c["kind"] == "identifier" and c["outcome"] == "match" for c in sure["explanation"]["checks"])


def test_urdu_script_query_finds_the_latin_record(db, admin, people):
    assert run(db, admin, "اکرم بلوچ")[0]["entity"] in (people["akram"], people["namesake"])


def test_screening_is_audited_and_on_the_ledger(db, admin, people):
    run(db, admin, "Akram Baloch")
    with db.read() as session:
        event = session.query(AuditEvent).filter(AuditEvent.action == "screen").one()
    assert event.detail == {"queries": 1, "limit": 10, "name": "Akram Baloch"}


def test_compartmented_names_are_invisible_to_the_uncleared(db, admin, make_actor):
    cleared = make_actor("analyst", clearances=["ALPHA"])
    with db.write() as session:
        hidden = create_with_claims(
            session, cleared, schema="Person", values=[("name", "Zarrar Khanzada")], compartment="ALPHA"
        ).id
        visible = add_person(session, admin, name="Bashir Qaisrani").id
        add_claim(
            session, cleared, entity_id=visible, prop="alias", value="Zarrar Khanzada", compartment="ALPHA"
        )
    uncleared = make_actor("analyst")
    assert run(db, uncleared, "Zarrar Khanzada") == []
    assert {r["entity"] for r in run(db, cleared, "Zarrar Khanzada")} == {hidden, visible}


def test_retracted_names_leave_the_index(db, admin):
    with db.write() as session:
        person = add_person(session, admin, name="Gul Zaman Achakzai")
        alias, _ = add_claim(session, admin, entity_id=person.id, prop="alias", value="Ustad Sherdil")
    assert run(db, admin, "Sherdil")[0]["entity"] == person.id
    with db.write() as session:
        retract_claim(session, admin, claim_id=alias.id, reason="another man's nickname")
    assert run(db, admin, "Sherdil") == []


def test_names_loaded_in_bulk_are_found_after_catch_up(db, admin, client, api):
    analyst = api("analyst")
    sheet = b"Name\nQadir Bakhsh Marri\nNoor Jahan Rind\n"
    response = analyst.post(
        "/api/v1/imports/sheet",
        files={"file": ("people.csv", sheet, "text/csv")},
        data={"schema": "Person", "mapping": '{"Name": "name"}'},
    )
    assert response.status_code in (200, 201), response.text
    found = analyst.get("/api/v1/screen", params={"name": "Qadir Bux Marri"}).json()["results"]
    assert found and found[0]["caption"] == "Qadir Bakhsh Marri"


def test_bad_queries_are_refused_with_a_reason(db, admin):
    with db.read() as session, pytest.raises(InvalidInput, match="limit"):
        screen(session, admin, [ScreenQuery("Akram")], limit=0)
    with pytest.raises(InvalidInput, match="date"):
        clean_query_facts(dob="31/31/1981", country=None, identifiers=[], phones=[], default_region="PK")


def _pairs(shared_data: Path) -> list[tuple[str, str, float]]:
    with (shared_data / "cross-script-name-pairs.csv").open(encoding="utf-8") as handle:
        rows = [line for line in handle if line.strip() and not line.startswith("#")]
    return [(q, e, float(m)) for q, e, m, _ in csv.reader(rows) if detect_script(q) not in NOT_TRANSLITERATED]


def test_shared_cross_script_pairs_rank_the_right_entity_first(db, admin, shared_data):
    pairs = _pairs(shared_data)
    ids = {}
    with db.write() as session:
        for expected in sorted({e for _, e, _ in pairs}):
            ids[expected] = add_person(session, admin, name=expected).id
    for query, expected, minimum in pairs:
        results = run(db, admin, query)
        assert results, query
        assert results[0]["entity"] == ids[expected], (query, results[0]["caption"])
        assert results[0]["name_score"] >= minimum
