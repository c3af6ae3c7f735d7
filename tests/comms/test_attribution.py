"""Attribution: a number held by a person for a window, as a claim citing a subscriber record."""

from __future__ import annotations

import pytest
from attribution_world import KNOWN, akram_with_known_number

from dastavez.comms.attribution import attribute, list_attributions
from dastavez.evidence.exhibits import register_exhibit
from dastavez.exc import InvalidInput, NotFound
from dastavez.registry.claims import list_claims


def test_an_attribution_is_a_phone_claim_citing_the_subscriber_record(db, admin, settings):
    person, record = akram_with_known_number(db, admin)
    made = attribute(db, admin, settings, number="0300-1110001", person=person, exhibit=record,
                     valid_from="2026-01-01", valid_to="2026-03-31", locator="row 12")
    assert made["new"] and made["supported"]
    assert (made["number"], made["person"], made["exhibit"]) == (KNOWN, person, record)
    assert (made["valid_from"], made["valid_to"], made["locator"]) == ("2026-01-01", "2026-03-31", "row 12")
    with db.read() as session:
        claims = list_claims(session, admin, entity_id=person)
    phone = [c for c in claims if c.prop == "phone"]
    assert [(c.normalised, c.exhibit_id, c.valid_from) for c in phone] == [(KNOWN, record, "2026-01-01")]
    again = attribute(db, admin, settings, number=KNOWN, person=person, exhibit=record,
                      valid_from="2026-01-01", valid_to="2026-03-31", locator="row 12")
    assert not again["new"] and again["claim"] == made["claim"]


def test_a_number_lists_its_holders_and_a_person_their_numbers(db, admin, settings):
    person, record = akram_with_known_number(db, admin)
    attribute(db, admin, settings, number=KNOWN, person=person, exhibit=record, valid_from="2026-01")
    attribute(db, admin, settings, number="+923001110009", person=person, exhibit=None, unsupported=True)
    by_number = list_attributions(db, admin, settings, number="03001110001")
    assert [(a["person"], a["valid_from"], a["supported"]) for a in by_number["attributions"]] == [
        (person, "2026-01", True)
    ]
    mine = list_attributions(db, admin, settings, person=person)["attributions"]
    assert [(a["number"], a["supported"]) for a in mine] == [(KNOWN, True), ("+923001110009", False)]
    assert mine[1]["exhibit"] is None and mine[0]["exhibit_status"] == "unverified"


def test_another_kind_of_exhibit_is_refused_with_a_clear_error(db, admin, settings):
    person, _ = akram_with_known_number(db, admin)
    with db.write() as session:
        report = register_exhibit(session, admin, title="Phone report", kind="forensic-report").id
    with pytest.raises(InvalidInput, match="forensic-report exhibit: an attribution cites a subscriber"):
        attribute(db, admin, settings, number=KNOWN, person=person, exhibit=report)
    assert list_attributions(db, admin, settings, person=person)["attributions"] == []


@pytest.mark.parametrize(("number", "window", "message"), [
    ("12", ("2026-01-01", None), "invalid phone number"),
    (KNOWN, ("2026-05-01", "2026-01-01"), "ends before it starts"),
    (KNOWN, ("someday", None), "date"),
])
def test_bad_input_writes_nothing(db, admin, settings, number, window, message):
    person, record = akram_with_known_number(db, admin)
    with pytest.raises(InvalidInput, match=message):
        attribute(db, admin, settings, number=number, person=person, exhibit=record,
                  valid_from=window[0], valid_to=window[1])
    assert list_attributions(db, admin, settings)["attributions"] == []


def test_only_persons_and_visible_records_can_be_cited(db, admin, make_actor, settings):
    person, record = akram_with_known_number(db, admin)
    with db.write() as session:
        secret = register_exhibit(session, admin, title="Secret subscriber record", kind="subscriber-record",
                                  compartment=None).id
    analyst = make_actor("analyst", clearances=["ALPHA"])
    with db.write() as session:
        hidden = register_exhibit(session, analyst, title="Compartmented record", kind="subscriber-record",
                                  compartment="ALPHA").id
    outsider = make_actor("analyst")
    with pytest.raises(NotFound):
        attribute(db, outsider, settings, number=KNOWN, person=person, exhibit=hidden)
    made = attribute(db, analyst, settings, number=KNOWN, person=person, exhibit=hidden)
    assert made["exhibit"] == hidden
    assert list_attributions(db, outsider, settings, person=person)["attributions"] == []
    assert secret and record


def test_the_cli_attributes_and_lists(cli, db, admin, settings):
    person, record = akram_with_known_number(db, admin)
    done = cli("--json", "cdr", "attribute", KNOWN, person, "--exhibit", record, "--from", "2026-01-01")
    assert done.code == 0, done.stderr
    assert done.json["claim"] and done.json["supported"] is True
    listed = cli("cdr", "attributions", "--number", KNOWN, "--json")
    assert [a["person"] for a in listed.json["attributions"]] == [person]
    refused = cli("cdr", "attribute", KNOWN, person)
    assert refused.code == 1 and refused.stderr.startswith("error: cite the subscriber record")
    unsupported = cli("--json", "cdr", "attribute", "+923001110007", person, "--unsupported")
    assert unsupported.code == 0 and unsupported.json["supported"] is False


def test_the_api_attributes_and_lists(api, db, admin, settings):
    person, record = akram_with_known_number(db, admin)
    analyst = api("analyst")
    made = analyst.post("/api/v1/attributions", json={"number": KNOWN, "person": person, "exhibit": record,
                                                       "valid_from": "2026-01-01"})
    assert made.status_code == 201, made.text
    assert made.json()["exhibit"] == record
    listed = analyst.get("/api/v1/attributions", params={"person": person})
    assert [a["number"] for a in listed.json()["attributions"]] == [KNOWN]
    bad = analyst.post("/api/v1/attributions", json={"number": KNOWN, "person": person})
    assert bad.status_code == 422 and "subscriber record" in bad.json()["error"]["detail"]
    assert api("liaison").post("/api/v1/attributions", json={"number": KNOWN, "person": person,
                                                              "unsupported": True}).status_code == 403
