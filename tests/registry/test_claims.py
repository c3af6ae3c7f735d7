"""Claims through the service layer: validation, provenance, retraction, idempotence."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dastavez.evidence.exhibits import register_exhibit
from dastavez.exc import Conflict, InvalidInput, NotFound, PermissionDenied
from dastavez.registry.claims import add_claim, retract_claim, set_claim_status
from dastavez.registry.profiles import profile
from dastavez.registry.records import add_person
from dastavez.storage.tables import AuditEvent, Claim


@pytest.fixture
def analyst(make_actor):
    return make_actor("analyst")


@pytest.fixture
def person(db, analyst):
    with db.write() as s:
        return add_person(s, analyst, name="Muhammad Akram Baloch", name_ur="محمد اکرم بلوچ").id


def test_claim_with_exhibit_is_supported_and_locator_kept(db, analyst, person):
    with db.write() as s:
        exhibit = register_exhibit(s, analyst, title="Interrogation report", kind="document")
        claim, created = add_claim(
            s,
            analyst,
            entity_id=person,
            prop="birthDate",
            value="17/05/1979",
            exhibit_id=exhibit.id,
            locator="p. 4",
        )
    assert created
    assert (claim.value, claim.exhibit_id, claim.locator) == ("1979-05-17", exhibit.id, "p. 4")
    assert exhibit.id.startswith("EXH-") and len(exhibit.id) == len("EXH-2026-000001")


def test_same_claim_twice_is_stored_once(db, analyst, person):
    with db.write() as s:
        first, created_first = add_claim(s, analyst, entity_id=person, prop="phone", value="0300 1234567")
        second, created_second = add_claim(
            s, analyst, entity_id=person, prop="phone", value="+92 300 1234567"
        )
    assert (created_first, created_second) == (True, False)
    assert first.id == second.id


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("nationality", "Atlantis"),
        ("phone", "12"),
        ("birthDate", "1979-02-30"),
        ("unknownProp", "x"),
        ("gender", "robot"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(db, analyst, person, prop, value):
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(Claim))
    with pytest.raises(InvalidInput), db.write() as s:
        add_claim(s, analyst, entity_id=person, prop=prop, value=value)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Claim)) == before


def test_unknown_entity_is_not_found(db, analyst):
    with pytest.raises(NotFound), db.write() as s:
        add_claim(s, analyst, entity_id="PER-0000000000", prop="name", value="X")


def test_retraction_keeps_the_row_with_reason_and_author(db, analyst, person):
    with db.write() as s:
        claim, _ = add_claim(s, analyst, entity_id=person, prop="alias", value="Ustad")
    with db.write() as s:
        retract_claim(s, analyst, claim_id=claim.id, reason="source withdrew the statement")
    with db.write() as s:
        view = profile(s, analyst, person)
    retracted = [c for c in view["claims"] if c["id"] == claim.id]
    assert retracted and retracted[0]["status"] == "retracted"
    assert retracted[0]["retraction_reason"] == "source withdrew the statement"
    assert retracted[0]["retracted_by"] == analyst.username
    with pytest.raises(Conflict), db.write() as s:
        retract_claim(s, analyst, claim_id=claim.id, reason="again")
    with pytest.raises(Conflict), db.write() as s:
        add_claim(s, analyst, entity_id=person, prop="alias", value="Ustad")


def test_retraction_needs_a_reason(db, analyst, person):
    with db.write() as s:
        claim, _ = add_claim(s, analyst, entity_id=person, prop="alias", value="Ustad")
    with pytest.raises(InvalidInput), db.write() as s:
        retract_claim(s, analyst, claim_id=claim.id, reason="   ")


def test_retracting_the_caption_name_moves_the_caption(db, analyst, person):
    with db.write() as s:
        names = [c for c in profile(s, analyst, person)["claims"] if c["prop"] == "name"]
        latin = next(c for c in names if c["qualifiers"]["script"] == "Latn")
        retract_claim(s, analyst, claim_id=latin["id"], reason="wrong transliteration")
    with db.write() as s:
        assert profile(s, analyst, person)["caption"] == "محمد اکرم بلوچ"


def test_status_corroborated_with_note(db, analyst, person):
    with db.write() as s:
        claim, _ = add_claim(s, analyst, entity_id=person, prop="alias", value="Ustad")
        set_claim_status(s, analyst, claim_id=claim.id, status="corroborated", note="second source")
    assert claim.status == "corroborated"


def test_roles_without_write_cannot_add_claims(db, make_actor, person):
    auditor = make_actor("auditor")
    with pytest.raises(PermissionDenied), db.write() as s:
        add_claim(s, auditor, entity_id=person, prop="alias", value="X")


def test_every_write_is_audited_with_interface(db, analyst, person):
    with db.write() as s:
        claim, _ = add_claim(s, analyst, entity_id=person, prop="alias", value="Ustad")
    with db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.target_id == claim.id)).one()
    assert (event.action, event.actor, event.interface) == ("claim.add", analyst.username, "api")
