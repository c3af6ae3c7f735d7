"""Duplicate detection over the registry: pairs, explanations, compartments, judgements, re-runs."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from dastavez.exc import Conflict, InvalidInput, PermissionDenied
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person
from dastavez.resolve.dedupe import list_pairs, run_dedupe
from dastavez.resolve.dedupe_export import export_persons
from dastavez.resolve.judgements import judge_pair, judgements_of
from dastavez.storage.resolve_tables import DedupePair, Judgement
from dastavez.storage.tables import AuditEvent, Entity

SECRET_PHONE = "+92 321 7654321"


def _person(session, actor, name: str, *, compartment: str | None = None, **claims: str) -> str:
    entity = add_person(session, actor, name=name, compartment=compartment).id
    for prop, value in claims.items():
        add_claim(session, actor, entity_id=entity, prop=prop, value=value)
    return entity


@pytest.fixture
def registry(db, admin) -> dict[str, str]:
    with db.write() as session:
        ids = {
            "akram": _person(session, admin, "Muhammad Akram Baloch", birthDate="1981-04-02",
                             idNumber="42101-1234567-1"),
            "akram_dup": _person(session, admin, "Mohd. Akram Bloch s/o Nazir Ahmed", birthDate="1981-04-02",
                                 idNumber="4210112345671"),
            "tariq": _person(session, admin, "Tariq Hussain", birthDate="1990-01-01",
                             phone="+92 300 1112223"),
            "tariq_dup": _person(session, admin, "Tariq Husain", birthDate="1990", phone="0300-1112223"),
            "namesake": _person(session, admin, "Muhammad Akram Khan", birthDate="1965-11-30"),
            "other": _person(session, admin, "Zarrar Khanzada", birthDate="1975-06-15"),
        }
    return ids


def _pair(a: str, b: str) -> tuple[str, str]:
    return (min(a, b), max(a, b))


def _found(listing: dict) -> set[tuple[str, str]]:
    return {(p["left"], p["right"]) for p in listing["pairs"]}


def test_dedupe_proposes_the_duplicates_with_an_explanation(db, admin, registry):
    summary = run_dedupe(db, admin)
    assert summary["persons"] == 6 and not summary["trained"]
    with db.write() as session:
        listing = list_pairs(session, admin)
    assert _found(listing) == {_pair(registry["akram"], registry["akram_dup"]),
                               _pair(registry["tariq"], registry["tariq_dup"])}
    assert summary["open_pairs_visible"] == listing["total"] == 2
    top = listing["pairs"][0]
    assert top["left"] < top["right"] and top["weight"] > 0 and 0.5 < top["probability"] <= 1
    assert {top["left_caption"], top["right_caption"]} == {"Muhammad Akram Baloch",
                                                          "Mohd. Akram Bloch s/o Nazir Ahmed"}
    parts = {part["column"]: part for part in top["explanation"]["features"]}
    assert parts["identifiers"]["level"] == "a number in common" and parts["identifiers"]["weight"] > 5
    assert parts["surname"]["left"] == parts["surname"]["right"] == "baloch"  # Bloch is in Baloch's family
    assert parts["dob"]["level"] == "the same date"
    total = top["explanation"]["prior_weight"] + sum(part["weight"] for part in parts.values())
    assert total == pytest.approx(top["weight"], abs=0.01)
    tariq = next(p for p in listing["pairs"] if registry["tariq"] in (p["left"], p["right"]))
    assert {part["column"]: part["level"] for part in tariq["explanation"]["features"]}["phones"] == \
        "a number in common"
    json.dumps(listing)  # JSON-ready


def test_merged_persons_are_left_out_of_the_export(db, admin, registry):
    with db.write() as session:
        judge_pair(session, admin, left=registry["akram"], right=registry["akram_dup"], decision="merge")
    with db.read() as session:
        exported = export_persons(session).records.column("unique_id").to_pylist()
    assert registry["akram_dup"] not in exported and registry["akram"] in exported


def test_a_pair_is_shown_only_to_users_cleared_for_both_entities(db, admin, make_actor, registry):
    insider = make_actor("analyst", clearances=["ALPHA"])
    outsider = make_actor("analyst")
    with db.write() as session:
        hidden = _person(session, insider, "Zarrar Khanzada", compartment="ALPHA", birthDate="1975-06-15")
        add_claim(session, insider, entity_id=registry["other"], prop="phone", value=SECRET_PHONE,
                  compartment="ALPHA")
    summary = run_dedupe(db, outsider)
    with db.write() as session:
        inside = list_pairs(session, insider)
        outside = list_pairs(session, outsider)
    hidden_pair = _pair(hidden, registry["other"])
    assert hidden_pair in _found(inside)
    assert hidden_pair not in _found(outside) and outside["total"] == inside["total"] - 1
    assert summary["open_pairs_visible"] == outside["total"]
    text = json.dumps(inside, ensure_ascii=False)
    assert "7654321" not in text  # a compartmented claim on an open person never feeds a feature
    assert hidden not in json.dumps(outside)
    with db.write() as session, pytest.raises(Exception, match="no entity"):
        judge_pair(session, outsider, left=hidden, right=registry["other"], decision="not-same")


def test_judgements_keep_history_and_the_latest_counts(db, admin, make_actor, registry):
    run_dedupe(db, admin)
    analyst = make_actor("analyst")
    akram = (registry["akram_dup"], registry["akram"])
    with db.write() as session:
        first = judge_pair(session, analyst, left=akram[0], right=akram[1], decision="unsure",
                           note="check CNIC")
        assert first["left"] < first["right"] and first["merge"] is None
        assert _pair(*akram) in _found(list_pairs(session, analyst))  # unsure stays open
        proposal = judge_pair(session, analyst, left=akram[0], right=akram[1], decision="merge")
    assert proposal["awaiting_merge"] and proposal["merge"] is None  # analysts propose, supervisors merge
    with db.write() as session:
        assert _found(list_pairs(session, analyst, status="to_merge")) == {_pair(*akram)}
        assert _pair(*akram) not in _found(list_pairs(session, analyst))
        history = judgements_of(session, analyst, left=akram[1], right=akram[0])
    assert [(j["decision"], j["author"]) for j in history] == [("unsure", analyst.username),
                                                              ("merge", analyst.username)]
    supervisor = make_actor("supervisor")
    with db.write() as session:
        done = judge_pair(session, supervisor, left=akram[1], right=akram[0], decision="merge", note="agreed")
    assert done["merge"]["kept"] == registry["akram"] and done["merge"]["merged"] == registry["akram_dup"]
    with db.write() as session:
        assert session.get(Entity, registry["akram_dup"]).merged_into == registry["akram"]
        judged = list_pairs(session, analyst, status="judged")
        assert _found(judged) == {_pair(*akram)}
        assert judged["pairs"][0]["judgement"]["author"] == supervisor.username
        assert list_pairs(session, analyst, status="to_merge")["total"] == 0
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "dedupe.judge")).all()
        assert len(actions) == 3


def test_judging_is_refused_for_bad_pairs_and_roles(db, admin, make_actor, registry):
    with db.write() as session, pytest.raises(InvalidInput, match="decision"):
        judge_pair(session, admin, left=registry["akram"], right=registry["tariq"], decision="maybe")
    with db.write() as session, pytest.raises(InvalidInput, match="two different"):
        judge_pair(session, admin, left=registry["akram"], right=registry["akram"], decision="unsure")
    with db.write() as session, pytest.raises(InvalidInput, match="keep"):
        judge_pair(session, admin, left=registry["akram"], right=registry["tariq"], decision="merge",
                   keep=registry["other"])
    with db.write() as session, pytest.raises(PermissionDenied):
        judge_pair(session, make_actor("liaison"), left=registry["akram"], right=registry["tariq"],
                   decision="unsure")
    with pytest.raises(PermissionDenied):
        run_dedupe(db, make_actor("auditor"))
    with db.write() as session:
        judge_pair(session, admin, left=registry["akram"], right=registry["akram_dup"], decision="merge",
                   keep=registry["akram_dup"])
    with db.read() as session:
        assert session.get(Entity, registry["akram"]).merged_into == registry["akram_dup"]
    with db.write() as session, pytest.raises(Conflict, match="already merged"):
        judge_pair(session, admin, left=registry["akram"], right=registry["akram_dup"], decision="merge")


def test_a_new_run_replaces_unjudged_pairs_and_keeps_judged_ones(db, admin, registry):
    run_dedupe(db, admin)
    tariq = _pair(registry["tariq"], registry["tariq_dup"])
    with db.write() as session:
        judge_pair(session, admin, left=tariq[0], right=tariq[1], decision="not-same", note="brothers")
    # A stricter threshold finds nothing new; the judged pair stays, the unjudged one goes.
    summary = run_dedupe(db, admin, threshold=40)
    assert summary["pairs_found"] == 0 and summary["replaced_pairs"] == 1
    with db.read() as session:
        stored = {(p.left_id, p.right_id) for p in session.scalars(select(DedupePair))}
        assert stored == {tariq}
        assert session.scalar(select(func.count()).select_from(Judgement)) == 1
    again = run_dedupe(db, admin)
    assert again["new_pairs"] == 1 and again["open_pairs_visible"] == 1
    with pytest.raises(InvalidInput):
        run_dedupe(db, admin, threshold=float("nan"))


def test_an_empty_or_tiny_registry_gives_no_pairs(db, admin):
    assert run_dedupe(db, admin)["pairs_found"] == 0
    with db.write() as session:
        _person(session, admin, "Lone Person")
    assert run_dedupe(db, admin)["persons"] == 1
    with db.write() as session:
        assert list_pairs(session, admin, status="all")["pairs"] == []
        with pytest.raises(InvalidInput):
            list_pairs(session, admin, status="everything")
